// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO core: module life cycle, the container node /dev/vfio/vfio, and the
 * life of a vfio_device from allocation to free, including its device fd.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pm_runtime.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "vfio_core.h"

/*
 * No-IOMMU mode, upstream's escape hatch for devices with no IOMMU: they
 * get a "noiommu-N" group usable only with the no-IOMMU backend, by
 * CAP_SYS_RAWIO, and taint the kernel. Turning it off later leaves the
 * groups that exist.
 */
bool vfio_noiommu;
module_param_named(enable_unsafe_noiommu_mode, vfio_noiommu, bool, 0644);
MODULE_PARM_DESC(enable_unsafe_noiommu_mode,
		 "Let devices without an IOMMU be used, UNSAFELY: no isolation, no DMA translation, no protection of the host; needs CAP_SYS_RAWIO and taints the kernel (default: false)");

static struct {
	struct class *device_class;	/* vfio-dev/vfioN */
	struct ida device_ida;
	struct mutex dev_set_lock;	/* dev_set_list */
	struct list_head dev_set_list;
} vfio;

/* ---- Reset sets ---- */

struct vfio_dev_set_entry {
	struct vfio_device_set set;
	struct list_head next;
};

int vfio_assign_device_set(struct vfio_device *vdev, void *set_id)
{
	struct vfio_dev_set_entry *entry;

	if (WARN_ON(!set_id || vdev->dev_set))
		return -EINVAL;

	mutex_lock(&vfio.dev_set_lock);
	list_for_each_entry(entry, &vfio.dev_set_list, next) {
		if (entry->set.set_id == set_id)
			goto found;
	}
	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry) {
		mutex_unlock(&vfio.dev_set_lock);
		return -ENOMEM;
	}
	entry->set.set_id = set_id;
	mutex_init(&entry->set.lock);
	INIT_LIST_HEAD(&entry->set.device_list);
	list_add(&entry->next, &vfio.dev_set_list);
found:
	entry->set.device_count++;
	mutex_unlock(&vfio.dev_set_lock);

	mutex_lock(&entry->set.lock);
	vdev->dev_set = &entry->set;
	list_add_tail(&vdev->dev_set_list, &entry->set.device_list);
	mutex_unlock(&entry->set.lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_assign_device_set);

static void vfio_release_device_set(struct vfio_device *vdev)
{
	struct vfio_device_set *dev_set = vdev->dev_set;
	struct vfio_dev_set_entry *entry;

	if (!dev_set)
		return;
	entry = container_of(dev_set, struct vfio_dev_set_entry, set);

	mutex_lock(&dev_set->lock);
	list_del(&vdev->dev_set_list);
	mutex_unlock(&dev_set->lock);

	mutex_lock(&vfio.dev_set_lock);
	if (!--dev_set->device_count) {
		list_del(&entry->next);
		mutex_destroy(&dev_set->lock);
		kfree(entry);
	}
	mutex_unlock(&vfio.dev_set_lock);
}

unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set)
{
	struct vfio_device *vdev;
	unsigned int count = 0;

	lockdep_assert_held(&dev_set->lock);
	list_for_each_entry(vdev, &dev_set->device_list, dev_set_list)
		count += vdev->open_count;
	return count;
}
EXPORT_SYMBOL_GPL(vfio_device_set_open_count);

struct vfio_device *
vfio_find_device_in_devset(struct vfio_device_set *dev_set,
			   struct device *dev)
{
	struct vfio_device *vdev;

	lockdep_assert_held(&dev_set->lock);
	list_for_each_entry(vdev, &dev_set->device_list, dev_set_list) {
		if (vdev->dev == dev)
			return vdev;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(vfio_find_device_in_devset);

/* ---- Allocation and lifetime ---- */

/* The last reference to vdev->device is gone: free the whole allocation. */
static void vfio_device_release(struct device *dev)
{
	struct vfio_device *vdev = container_of(dev, struct vfio_device, device);

	if (vdev->ops->release)
		vdev->ops->release(vdev);
	vfio_release_device_set(vdev);
	ida_free(&vfio.device_ida, vdev->index);
	kvfree(vdev);
}

struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops)
{
	struct vfio_device *vdev;
	int ret;

	if (WARN_ON(size < sizeof(struct vfio_device) || !dev || !ops))
		return ERR_PTR(-EINVAL);

	vdev = kvzalloc(size, GFP_KERNEL);
	if (!vdev)
		return ERR_PTR(-ENOMEM);

	ret = ida_alloc(&vfio.device_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	vdev->index = ret;
	vdev->dev = dev;
	vdev->ops = ops;
	init_completion(&vdev->comp);

	if (ops->init) {
		ret = ops->init(vdev);
		if (ret)
			goto err_ida;
	}

	/* From here on, vfio_put_device() frees through the release. */
	device_initialize(&vdev->device);
	vdev->device.release = vfio_device_release;
	vdev->device.class = vfio.device_class;
	vdev->device.parent = dev;
	ret = dev_set_name(&vdev->device, "vfio%d", vdev->index);
	if (ret) {
		put_device(&vdev->device);
		return ERR_PTR(ret);
	}
	return vdev;

err_ida:
	ida_free(&vfio.device_ida, vdev->index);
err_free:
	kvfree(vdev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(_vfio_alloc_device);

bool vfio_device_try_get_registration(struct vfio_device *vdev)
{
	return refcount_inc_not_zero(&vdev->refcount);
}
EXPORT_SYMBOL_GPL(vfio_device_try_get_registration);

void vfio_device_put_registration(struct vfio_device *vdev)
{
	if (refcount_dec_and_test(&vdev->refcount))
		complete(&vdev->comp);
}
EXPORT_SYMBOL_GPL(vfio_device_put_registration);

static int vfio_register_dev(struct vfio_device *vdev,
			     enum vfio_group_type type)
{
	struct vfio_group *group;
	int ret;

	/* Unless the driver said otherwise, a device resets on its own. */
	if (!vdev->dev_set) {
		ret = vfio_assign_device_set(vdev, vdev);
		if (ret)
			return ret;
	}

	group = vfio_group_get_for_dev(vdev->dev, type);
	if (IS_ERR(group))
		return PTR_ERR(group);
	vdev->group = group;
	vdev->emulated_iommu = type == VFIO_EMULATED_IOMMU;

	ret = device_add(&vdev->device);
	if (ret)
		goto err_group;

	refcount_set(&vdev->refcount, 1);
	ret = vfio_group_add_device(group, vdev);
	if (ret)
		goto err_del;
	return 0;

err_del:
	device_del(&vdev->device);
err_group:
	vfio_group_put_for_dev(group, vdev->dev);
	vdev->group = NULL;
	return ret;
}

int vfio_register_group_dev(struct vfio_device *vdev)
{
	return vfio_register_dev(vdev, VFIO_IOMMU);
}
EXPORT_SYMBOL_GPL(vfio_register_group_dev);

int vfio_register_emulated_iommu_dev(struct vfio_device *vdev)
{
	return vfio_register_dev(vdev, VFIO_EMULATED_IOMMU);
}
EXPORT_SYMBOL_GPL(vfio_register_emulated_iommu_dev);

/*
 * Blocks until every device fd is closed, asking user space to let go
 * through the driver's request callback every ten seconds meanwhile.
 */
void vfio_unregister_group_dev(struct vfio_device *vdev)
{
	struct vfio_group *group = vdev->group;
	bool interruptible = true;
	unsigned int i = 0;
	long rc;

	vfio_device_put_registration(vdev);
	if (!try_wait_for_completion(&vdev->comp)) {
		dev_info(vdev->dev, "waiting for user space to release the device\n");
		do {
			if (vdev->ops->request)
				vdev->ops->request(vdev, i++);
			if (!interruptible) {
				rc = wait_for_completion_timeout(&vdev->comp,
								 10 * HZ);
				continue;
			}
			rc = wait_for_completion_interruptible_timeout(&vdev->comp,
								       10 * HZ);
			if (rc < 0) {
				/* A signal cannot abort a remove: wait on. */
				interruptible = false;
				rc = 0;
				dev_warn(vdev->dev, "device in use: task \"%s\" (%d) blocked until it is released\n",
					 current->comm, task_pid_nr(current));
			}
		} while (rc <= 0);
	}

	vfio_group_remove_device(group, vdev);
	device_del(&vdev->device);
	vfio_group_put_for_dev(group, vdev->dev);
	vdev->group = NULL;
}
EXPORT_SYMBOL_GPL(vfio_unregister_group_dev);

/* ---- The device fd ---- */

static void vfio_device_last_close(struct vfio_device *vdev)
{
	lockdep_assert_held(&vdev->dev_set->lock);
	if (vdev->ops->close_device)
		vdev->ops->close_device(vdev);
	vfio_container_device_close(vdev->group->container, vdev);
}

/*
 * The closing device still counts as open while the driver closes it, as
 * it did while the driver opened it: emulated-IOMMU drivers unpin there.
 */
static void vfio_device_close(struct vfio_device *vdev)
{
	mutex_lock(&vdev->dev_set->lock);
	if (vdev->open_count == 1)
		vfio_device_last_close(vdev);
	vdev->open_count--;
	mutex_unlock(&vdev->dev_set->lock);
}

static int vfio_device_release_file(struct inode *inode, struct file *file)
{
	struct vfio_device *vdev = file->private_data;
	struct vfio_group *group = vdev->group;
	struct file *group_file = group->opened_file;
	/* Bound until the registration reference below is gone. */
	struct module *owner = vdev->dev->driver->owner;

	vfio_device_close(vdev);
	vfio_group_device_closed(group);
	/* May complete an unregister: vdev must not be touched after. */
	vfio_device_put_registration(vdev);
	module_put(owner);
	fput(group_file);
	return 0;
}

int vfio_check_feature(u32 flags, size_t argsz, u32 supported_ops,
		       size_t minsz)
{
	if ((flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)) &
	    ~supported_ops)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	/* Without PROBE, exactly one of GET and SET. */
	if (!(flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)))
		return -EINVAL;
	if (argsz < minsz)
		return -EINVAL;
	return 1;
}
EXPORT_SYMBOL_GPL(vfio_check_feature);

/* Out of line: its stack frame stays off every other ioctl's path. */
static noinline_for_stack long
vfio_device_feature(struct vfio_device *vdev,
		    struct vfio_device_feature __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_feature, flags);
	struct vfio_device_feature feature;
	int ret;

	ret = vfio_copy_argsz(&feature, arg, minsz);
	if (ret)
		return ret;
	if (feature.flags & ~(VFIO_DEVICE_FEATURE_MASK |
			      VFIO_DEVICE_FEATURE_GET |
			      VFIO_DEVICE_FEATURE_SET |
			      VFIO_DEVICE_FEATURE_PROBE))
		return -EINVAL;
	/* GET and SET together only make sense as a PROBE. */
	if (!(feature.flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    (feature.flags & VFIO_DEVICE_FEATURE_GET) &&
	    (feature.flags & VFIO_DEVICE_FEATURE_SET))
		return -EINVAL;
	/*
	 * The precopy_info opt-in (upstream 7.1) is the core's and needs a
	 * device that migrates with PRE_COPY: none here.
	 */
	if ((feature.flags & VFIO_DEVICE_FEATURE_MASK) ==
	    VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2)
		return -EINVAL;
	if (!vdev->ops->device_feature)
		return -ENOTTY;
	return vdev->ops->device_feature(vdev, feature.flags, arg->data,
					 feature.argsz - minsz);
}

/*
 * vfio_device_pm_get() found low_power set with its count taken: wake the
 * device, or drop the count again.
 */
int vfio_device_pm_resume(struct vfio_device *vdev)
{
	struct device *dev = vdev->dev;
	int ret;

	ret = pm_runtime_resume(dev);
	if (ret < 0) {
		pm_runtime_put_noidle(dev);
		dev_info_ratelimited(dev, "vfio: runtime resume failed: %d\n",
				     ret);
		return -EIO;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_device_pm_resume);

static long vfio_device_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct vfio_device *vdev = file->private_data;
	long ret;

	ret = vfio_device_pm_get(vdev);
	if (ret)
		return ret;
	if (cmd == VFIO_DEVICE_FEATURE)
		ret = vfio_device_feature(vdev, (void __user *)arg);
	else if (!vdev->ops->ioctl)
		ret = -EINVAL;
	else
		ret = vdev->ops->ioctl(vdev, cmd, arg);
	vfio_device_pm_put(vdev);
	return ret;
}

static ssize_t vfio_device_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct vfio_device *vdev = file->private_data;

	if (!vdev->ops->read)
		return -EINVAL;
	return vdev->ops->read(vdev, buf, count, ppos);
}

static ssize_t vfio_device_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct vfio_device *vdev = file->private_data;

	if (!vdev->ops->write)
		return -EINVAL;
	return vdev->ops->write(vdev, buf, count, ppos);
}

static int vfio_device_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vfio_device *vdev = file->private_data;

	if (!vdev->ops->mmap)
		return -EINVAL;
	return vdev->ops->mmap(vdev, vma);
}

static const struct file_operations vfio_device_fops = {
	.owner		= THIS_MODULE,
	.release	= vfio_device_release_file,
	.read		= vfio_device_read,
	.write		= vfio_device_write,
	.unlocked_ioctl	= vfio_device_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vfio_device_mmap,
};

/*
 * Open @vdev for user space. Called with its group's lock held and a
 * registration reference, which the returned file keeps.
 */
struct file *vfio_device_open_file(struct vfio_device *vdev)
{
	struct vfio_container *container = vdev->group->container;
	/*
	 * Each open file holds the bus driver's module, as upstream: with a
	 * device open, unloading its driver fails with EBUSY instead of
	 * blocking in remove() until user space lets go.
	 */
	struct module *owner = vdev->dev->driver->owner;
	struct file *file;
	int ret = 0;

	if (!try_module_get(owner))
		return ERR_PTR(-ENODEV);

	mutex_lock(&vdev->dev_set->lock);
	if (!vdev->open_count++) {
		vfio_container_device_open(container, vdev);
		if (vdev->ops->open_device)
			ret = vdev->ops->open_device(vdev);
		if (ret) {
			vfio_container_device_close(container, vdev);
			vdev->open_count--;
			mutex_unlock(&vdev->dev_set->lock);
			module_put(owner);
			return ERR_PTR(ret);
		}
	}
	mutex_unlock(&vdev->dev_set->lock);

	file = anon_inode_getfile("[vfio-device]", &vfio_device_fops, vdev,
				  O_RDWR);
	if (IS_ERR(file)) {
		vfio_device_close(vdev);
		module_put(owner);
		return file;
	}
	/* Regions are addressed by offset: pread/pwrite are the natural API. */
	file->f_mode |= FMODE_PREAD | FMODE_PWRITE;
	return file;
}

/* ---- Capability chains and IRQ argument checks, for bus drivers ---- */

struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps,
					       size_t size, u16 id,
					       u16 version)
{
	struct vfio_info_cap_header *header, *tail;
	void *buf;

	/* Each capability starts 8-byte aligned. */
	size = ALIGN(size, sizeof(u64));
	buf = krealloc(caps->buf, caps->size + size, GFP_KERNEL);
	if (!buf) {
		kfree(caps->buf);
		caps->buf = NULL;
		caps->size = 0;
		return ERR_PTR(-ENOMEM);
	}
	caps->buf = buf;
	header = buf + caps->size;
	memset(header, 0, size);
	header->id = id;
	header->version = version;

	/* Link it after the current last one (the first links nowhere). */
	if (caps->size) {
		for (tail = buf; tail->next; tail = buf + tail->next)
			;
		tail->next = caps->size;
	}
	caps->size += size;
	return header;
}
EXPORT_SYMBOL_GPL(vfio_info_cap_add);

/* The chain is copied @offset bytes into the info: relocate its links. */
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset)
{
	struct vfio_info_cap_header *header = caps->buf;
	u32 next;

	if (!caps->size)
		return;
	for (;;) {
		next = header->next;
		if (!next)
			break;
		header->next = next + offset;
		header = (void *)caps->buf + next;
	}
}
EXPORT_SYMBOL_GPL(vfio_info_cap_shift);

/*
 * Put a built chain behind an info structure of @infosz bytes at @arg and
 * free it. If the caller's *@argsz has no room for it, only say how much
 * is needed (*@argsz grows, *@cap_offset is 0), as upstream does; else
 * the chain follows the structure and *@cap_offset points at it.
 */
int vfio_info_cap_copy_out(struct vfio_info_cap *caps, void __user *arg,
			   size_t infosz, u32 *argsz, u32 *cap_offset)
{
	int ret = 0;

	if (*argsz < infosz + caps->size) {
		*argsz = infosz + caps->size;
		*cap_offset = 0;
	} else {
		vfio_info_cap_shift(caps, infosz);
		if (copy_to_user(arg + infosz, caps->buf, caps->size))
			ret = -EFAULT;
		*cap_offset = infosz;
	}
	kfree(caps->buf);
	caps->buf = NULL;
	caps->size = 0;
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_info_cap_copy_out);

int vfio_info_add_capability(struct vfio_info_cap *caps,
			     struct vfio_info_cap_header *cap, size_t size)
{
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, size, cap->id, cap->version);
	if (IS_ERR(header))
		return PTR_ERR(header);
	memcpy(header + 1, cap + 1, size - sizeof(*header));
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_info_add_capability);

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       int num_irqs, int max_irq_type,
				       size_t *data_size)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	size_t size;

	if (hdr->argsz < minsz || hdr->index >= max_irq_type ||
	    hdr->count >= (U32_MAX - hdr->start) ||
	    hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
			   VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	if (!data_size)
		return -EINVAL;
	if (hdr->start >= num_irqs || hdr->start + hdr->count > num_irqs)
		return -EINVAL;

	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(u8);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(s32);
		break;
	default:
		return -EINVAL;
	}
	*data_size = 0;
	if (size) {
		if (hdr->argsz - minsz < hdr->count * size)
			return -EINVAL;
		*data_size = hdr->count * size;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_set_irqs_validate_and_prepare);

/* ---- Module ---- */

static struct miscdevice vfio_container_dev = {
	.minor		= VFIO_MINOR,
	.name		= "vfio",
	.fops		= &vfio_container_fops,
	.nodename	= "vfio/vfio",
	.mode		= 0666,
};

static int __init vfio_init(void)
{
	int ret;

	ida_init(&vfio.device_ida);
	mutex_init(&vfio.dev_set_lock);
	INIT_LIST_HEAD(&vfio.dev_set_list);

	ret = vfio_virqfd_init();
	if (ret)
		return ret;

	ret = vfio_group_init();
	if (ret)
		goto err_virqfd;

	ret = vfio_container_init();
	if (ret)
		goto err_group;

	vfio.device_class = vfio_compat_class_create("vfio-dev");
	if (IS_ERR(vfio.device_class)) {
		ret = PTR_ERR(vfio.device_class);
		pr_err("cannot create the vfio-dev class: %d\n", ret);
		goto err_container;
	}

	ret = misc_register(&vfio_container_dev);
	if (ret) {
		pr_err("cannot register /dev/vfio/vfio: %d\n", ret);
		goto err_class;
	}

	pr_info("vfio-backports %s loaded\n", VFIO_BACKPORTS_VERSION);
	return 0;

err_class:
	class_destroy(vfio.device_class);
err_container:
	vfio_container_exit();
err_group:
	vfio_group_exit();
err_virqfd:
	vfio_virqfd_exit();
	return ret;
}

static void __exit vfio_exit(void)
{
	misc_deregister(&vfio_container_dev);
	class_destroy(vfio.device_class);
	vfio_container_exit();
	vfio_group_exit();
	vfio_virqfd_exit();
	ida_destroy(&vfio.device_ida);
}

module_init(vfio_init);
module_exit(vfio_exit);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("VFIO core (vfio-backports)");
MODULE_ALIAS_MISCDEV(VFIO_MINOR);
MODULE_ALIAS("devname:vfio/vfio");
/* Containers are useless without an IOMMU backend: bring Type1 along. */
MODULE_SOFTDEP("post: vfio_iommu_type1");
