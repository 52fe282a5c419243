// SPDX-License-Identifier: GPL-2.0-only
/*
 * Groups (/dev/vfio/$GROUP): the unit of isolation. A group is usable once
 * every device in its IOMMU group is either driven by a vfio driver or by
 * none; it then joins a container and hands out device fds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "vfio_core.h"

/* One minor per IOMMU group, as many as the major allows. */
#define VFIO_GROUP_MINORS	(MINORMASK + 1)

static struct {
	struct class *class;
	dev_t devt;
	struct ida minors;
	struct mutex lock;		/* group_list, group->registered */
	struct list_head group_list;
} vfio_groups;

static const struct file_operations vfio_group_fops;
static void vfio_group_unset_container_locked(struct vfio_group *group);

static char *vfio_group_devnode(vfio_compat_devnode_dev *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "vfio/%s", dev_name(dev));
}

static void vfio_group_release(struct device *dev)
{
	struct vfio_group *group = container_of(dev, struct vfio_group, dev);

	ida_free(&vfio_groups.minors, MINOR(dev->devt));
	iommu_group_put(group->iommu_group);
	mutex_destroy(&group->lock);
	kfree(group);
}

/* Takes over the caller's reference on @iommu_group. */
static struct vfio_group *vfio_group_create(struct iommu_group *iommu_group,
					    enum vfio_group_type type)
{
	struct vfio_group *group;
	int minor, ret;

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group) {
		iommu_group_put(iommu_group);
		return ERR_PTR(-ENOMEM);
	}
	minor = ida_alloc_max(&vfio_groups.minors, VFIO_GROUP_MINORS - 1,
			      GFP_KERNEL);
	if (minor < 0) {
		iommu_group_put(iommu_group);
		kfree(group);
		return ERR_PTR(minor);
	}

	mutex_init(&group->lock);
	INIT_LIST_HEAD(&group->device_list);
	group->iommu_group = iommu_group;
	group->type = type;
	group->registered = 1;

	/* From here on the release callback undoes everything above. */
	device_initialize(&group->dev);
	group->dev.devt = MKDEV(MAJOR(vfio_groups.devt), minor);
	group->dev.class = vfio_groups.class;
	group->dev.release = vfio_group_release;
	cdev_init(&group->cdev, &vfio_group_fops);
	group->cdev.owner = THIS_MODULE;

	ret = dev_set_name(&group->dev, "%s%d",
			   type == VFIO_NO_IOMMU ? "noiommu-" : "",
			   iommu_group_id(iommu_group));
	if (!ret)
		ret = cdev_device_add(&group->cdev, &group->dev);
	if (ret) {
		put_device(&group->dev);
		return ERR_PTR(ret);
	}
	list_add(&group->vfio_next, &vfio_groups.group_list);
	return group;
}

/*
 * A group of one for a device without an IOMMU group: an mdev, whose
 * parent stands in for the IOMMU, or, in no-IOMMU mode, a device with no
 * IOMMU at all.
 */
static struct iommu_group *vfio_fake_iommu_group(struct device *dev,
						 enum vfio_group_type type)
{
	struct iommu_group *iommu_group;
	int ret;

	iommu_group = iommu_group_alloc();
	if (IS_ERR(iommu_group))
		return iommu_group;
	ret = iommu_group_set_name(iommu_group, type == VFIO_NO_IOMMU ?
				   "vfio-noiommu" : "vfio-emulated");
	if (!ret)
		ret = iommu_group_add_device(iommu_group, dev);
	if (ret) {
		iommu_group_put(iommu_group);
		return ERR_PTR(ret);
	}
	if (type == VFIO_NO_IOMMU) {
		dev_warn(dev, "adding kernel taint: vfio-noiommu group %d gives user space DMA without any isolation\n",
			 iommu_group_id(iommu_group));
		add_taint(TAINT_USER, LOCKDEP_STILL_OK);
	}
	return iommu_group;
}

/* The IOMMU group of @dev; *@type turns VFIO_NO_IOMMU if it has none. */
static struct iommu_group *vfio_iommu_group_for_dev(struct device *dev,
						    enum vfio_group_type *type)
{
	struct iommu_group *iommu_group;

	if (*type == VFIO_IOMMU) {
		iommu_group = iommu_group_get(dev);
		if (iommu_group)
			return iommu_group;
		if (!vfio_noiommu) {
			dev_warn(dev, "no IOMMU group: is the IOMMU enabled (intel_iommu=on, amd_iommu=on), or is this a job for vfio's enable_unsafe_noiommu_mode?\n");
			return ERR_PTR(-EINVAL);
		}
		*type = VFIO_NO_IOMMU;
	}
	return vfio_fake_iommu_group(dev, *type);
}

/*
 * The group of @dev, created on its first device. Each successful call
 * counts one registration, dropped by vfio_group_put_for_dev().
 */
struct vfio_group *vfio_group_get_for_dev(struct device *dev,
					  enum vfio_group_type type)
{
	struct iommu_group *iommu_group;
	struct vfio_group *group;

	iommu_group = vfio_iommu_group_for_dev(dev, &type);
	if (IS_ERR(iommu_group))
		return ERR_CAST(iommu_group);

	mutex_lock(&vfio_groups.lock);
	list_for_each_entry(group, &vfio_groups.group_list, vfio_next) {
		if (group->iommu_group != iommu_group)
			continue;
		if (group->type != type)
			group = ERR_PTR(-EINVAL);
		else
			group->registered++;
		mutex_unlock(&vfio_groups.lock);
		iommu_group_put(iommu_group);
		return group;
	}
	group = vfio_group_create(iommu_group, type);
	mutex_unlock(&vfio_groups.lock);
	if (IS_ERR(group) && type != VFIO_IOMMU)
		iommu_group_remove_device(dev);
	return group;
}

/*
 * The last device gone, the node goes too, and the group lets go of its
 * container and of its IOMMU group now, as upstream does since 6.1: its
 * devices are about to leave the IOMMU group, which must find them
 * neither attached to a domain of ours nor held past their removal (the
 * IOMMU group's last reference has to go with its last device). An open
 * group file keeps the structure, revoked: it answers ENODEV. Only a KVM
 * hold (5.10's external user) keeps both, since KVM expects the container
 * until it lets go.
 */
static void vfio_group_put_registration(struct vfio_group *group)
{
	struct iommu_group *iommu_group = NULL;

	mutex_lock(&vfio_groups.lock);
	if (--group->registered) {
		mutex_unlock(&vfio_groups.lock);
		return;
	}
	list_del(&group->vfio_next);
	cdev_device_del(&group->cdev, &group->dev);
	mutex_unlock(&vfio_groups.lock);

	mutex_lock(&group->lock);
	group->revoked = true;
	if (group->container && !group->container_users)
		vfio_group_unset_container_locked(group);
	if (!group->container) {
		iommu_group = group->iommu_group;
		group->iommu_group = NULL;
	}
	mutex_unlock(&group->lock);
	iommu_group_put(iommu_group);
	put_device(&group->dev);
}

/* Undoes vfio_group_get_for_dev(), for the device @dev. */
void vfio_group_put_for_dev(struct vfio_group *group, struct device *dev)
{
	/* A group the core made leaves with its device. */
	if (group->type != VFIO_IOMMU)
		iommu_group_remove_device(dev);
	vfio_group_put_registration(group);
}

int vfio_group_add_device(struct vfio_group *group, struct vfio_device *vdev)
{
	struct vfio_device *tmp;

	mutex_lock(&group->lock);
	list_for_each_entry(tmp, &group->device_list, group_next) {
		if (tmp->dev == vdev->dev) {
			mutex_unlock(&group->lock);
			dev_warn(vdev->dev, "already registered in vfio group %s\n",
				 dev_name(&group->dev));
			return -EBUSY;
		}
	}
	list_add(&vdev->group_next, &group->device_list);
	mutex_unlock(&group->lock);
	return 0;
}

void vfio_group_remove_device(struct vfio_group *group,
			      struct vfio_device *vdev)
{
	mutex_lock(&group->lock);
	list_del(&vdev->group_next);
	mutex_unlock(&group->lock);
}

/*
 * Kernels without DMA ownership tracking: a device keeps the group from
 * being viable while a driver other than vfio's, pci-stub's or the PCIe
 * port service's (neither does DMA) is bound to it. Called with
 * group->lock held.
 */
static int vfio_group_dev_blocks(struct device *dev, void *data)
{
	struct vfio_group *group = data;
	struct device_driver *drv = READ_ONCE(dev->driver);
	struct vfio_device *vdev;

	if (!drv || !strcmp(drv->name, "pci-stub") ||
	    !strcmp(drv->name, "pcieport"))
		return 0;
	list_for_each_entry(vdev, &group->device_list, group_next) {
		if (vdev->dev == dev)
			return 0;
	}
	return -EBUSY;
}

static bool vfio_group_viable(struct vfio_group *group)
{
	if (group->container || group->type != VFIO_IOMMU)
		return true;
	return vfio_compat_group_viable(group->iommu_group,
					vfio_group_dev_blocks, group);
}

static long vfio_group_get_status(struct vfio_group *group,
				  struct vfio_group_status __user *arg)
{
	size_t minsz = offsetofend(struct vfio_group_status, flags);
	struct vfio_group_status status;
	int ret;

	ret = vfio_copy_argsz(&status, arg, minsz);
	if (ret)
		return ret;

	status.flags = 0;
	mutex_lock(&group->lock);
	if (group->revoked) {
		mutex_unlock(&group->lock);
		return -ENODEV;
	}
	if (group->container)
		status.flags |= VFIO_GROUP_FLAGS_CONTAINER_SET;
	if (vfio_group_viable(group))
		status.flags |= VFIO_GROUP_FLAGS_VIABLE;
	mutex_unlock(&group->lock);

	return copy_to_user(arg, &status, minsz) ? -EFAULT : 0;
}

static int vfio_group_claim(struct vfio_group *group)
{
	if (group->type != VFIO_IOMMU)
		return 0;
	return vfio_compat_group_claim_dma_owner(group->iommu_group, group,
						 vfio_group_dev_blocks, group);
}

static void vfio_group_unclaim(struct vfio_group *group)
{
	if (group->type == VFIO_IOMMU)
		vfio_compat_group_release_dma_owner(group->iommu_group);
}

static long vfio_group_set_container(struct vfio_group *group,
				     int __user *arg)
{
	struct file *file;
	int fd, ret;

	if (get_user(fd, arg))
		return -EFAULT;
	if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO))
		return -EPERM;
	file = fget(fd);
	if (!file)
		return -EBADF;
	if (!vfio_file_is_container(file)) {
		fput(file);
		return -EBADFD;
	}

	mutex_lock(&group->lock);
	if (group->container) {
		ret = -EINVAL;
		goto out;
	}
	if (group->revoked) {
		ret = -ENODEV;
		goto out;
	}
	ret = vfio_group_claim(group);
	if (ret) {
		dev_info(&group->dev, "group %s is not viable: a device in it is bound to a driver that does DMA\n",
			 dev_name(&group->dev));
		goto out;
	}
	ret = vfio_container_attach_group(file->private_data, group);
	if (ret)
		vfio_group_unclaim(group);
out:
	mutex_unlock(&group->lock);
	fput(file);
	return ret;
}

/* Called with group->lock held. */
static void vfio_group_unset_container_locked(struct vfio_group *group)
{
	vfio_container_detach_group(group);
	vfio_group_unclaim(group);
}

static long vfio_group_unset_container(struct vfio_group *group)
{
	long ret = 0;

	mutex_lock(&group->lock);
	if (!group->container)
		ret = -EINVAL;
	else if (group->container_users)
		ret = -EBUSY;
	else
		vfio_group_unset_container_locked(group);
	mutex_unlock(&group->lock);
	return ret;
}

/* Called with group->lock held. */
static struct vfio_device *vfio_group_find_device(struct vfio_group *group,
						  char *name)
{
	struct vfio_device *vdev;
	int ret;

	list_for_each_entry(vdev, &group->device_list, group_next) {
		if (vdev->ops->match)
			ret = vdev->ops->match(vdev, name);
		else
			ret = !strcmp(dev_name(vdev->dev), name);
		if (ret < 0)
			return ERR_PTR(ret);
		if (ret && vfio_device_try_get_registration(vdev))
			return vdev;
	}
	return ERR_PTR(-ENODEV);
}

static bool vfio_group_has_backend(struct vfio_group *group)
{
	struct vfio_container *container = group->container;
	bool ret;

	if (!container)
		return false;
	down_read(&container->lock);
	ret = container->backend;
	up_read(&container->lock);
	return ret;
}

static long vfio_group_get_device_fd(struct vfio_group *group,
				     char __user *arg)
{
	struct vfio_device *vdev;
	struct file *file;
	char *name;
	int fd;

	name = strndup_user(arg, PAGE_SIZE);
	if (IS_ERR(name))
		return PTR_ERR(name);

	mutex_lock(&group->lock);
	/* Its devices are gone: an unbind took the container as well. */
	if (group->revoked) {
		fd = -ENODEV;
		goto out;
	}
	/* Devices are handed out only inside an IOMMU context. */
	if (!vfio_group_has_backend(group)) {
		fd = -EINVAL;
		goto out;
	}
	vdev = vfio_group_find_device(group, name);
	if (IS_ERR(vdev)) {
		fd = PTR_ERR(vdev);
		goto out;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		vfio_device_put_registration(vdev);
		goto out;
	}
	file = vfio_device_open_file(vdev);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		vfio_device_put_registration(vdev);
		fd = PTR_ERR(file);
		goto out;
	}
	if (group->type == VFIO_NO_IOMMU)
		dev_warn(vdev->dev, "vfio-noiommu device opened by user (%s:%d)\n",
			 current->comm, task_pid_nr(current));
	/* The device fd keeps the group file, and so the container, alive. */
	group->container_users++;
	get_file(group->opened_file);
	fd_install(fd, file);
out:
	mutex_unlock(&group->lock);
	kfree(name);
	return fd;
}

static long vfio_group_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct vfio_group *group = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_GROUP_GET_STATUS:
		return vfio_group_get_status(group, uarg);
	case VFIO_GROUP_SET_CONTAINER:
		return vfio_group_set_container(group, uarg);
	case VFIO_GROUP_UNSET_CONTAINER:
		return vfio_group_unset_container(group);
	case VFIO_GROUP_GET_DEVICE_FD:
		return vfio_group_get_device_fd(group, uarg);
	default:
		return -ENOTTY;
	}
}

static int vfio_group_open(struct inode *inode, struct file *file)
{
	struct vfio_group *group =
		container_of(inode->i_cdev, struct vfio_group, cdev);
	int ret = 0;

	/* Without an IOMMU, a group is as powerful as /dev/mem. */
	if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO))
		return -EPERM;

	mutex_lock(&group->lock);
	/* One owner at a time: a second open would share the container. */
	if (group->opened_file) {
		ret = -EBUSY;
	} else if (list_empty(&group->device_list)) {
		ret = -ENODEV;
	} else {
		group->opened_file = file;
		file->private_data = group;
		get_device(&group->dev);
	}
	mutex_unlock(&group->lock);
	return ret ? ret : nonseekable_open(inode, file);
}

/* Device fds hold the group file, so none is open here. */
static int vfio_group_file_release(struct inode *inode, struct file *file)
{
	struct vfio_group *group = file->private_data;

	mutex_lock(&group->lock);
	WARN_ON(group->container_users);
	if (group->container)
		vfio_group_unset_container_locked(group);
	group->opened_file = NULL;
	mutex_unlock(&group->lock);
	put_device(&group->dev);
	return 0;
}

static const struct file_operations vfio_group_fops = {
	.owner		= THIS_MODULE,
	.open		= vfio_group_open,
	.release	= vfio_group_file_release,
	.unlocked_ioctl	= vfio_group_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* A device fd (or KVM's hold) went away. */
void vfio_group_device_closed(struct vfio_group *group)
{
	mutex_lock(&group->lock);
	group->container_users--;
	mutex_unlock(&group->lock);
}

bool vfio_file_is_group(struct file *file)
{
	return file && file->f_op == &vfio_group_fops;
}
EXPORT_SYMBOL_GPL(vfio_file_is_group);

bool vfio_file_has_dev(struct file *file, struct vfio_device *vdev)
{
	return vfio_file_is_group(file) && file->private_data == vdev->group;
}
EXPORT_SYMBOL_GPL(vfio_file_has_dev);

int vfio_group_init(void)
{
	int ret;

	ida_init(&vfio_groups.minors);
	mutex_init(&vfio_groups.lock);
	INIT_LIST_HEAD(&vfio_groups.group_list);

	vfio_groups.class = vfio_compat_class_create("vfio");
	if (IS_ERR(vfio_groups.class)) {
		ret = PTR_ERR(vfio_groups.class);
		pr_err("cannot create the vfio class: %d\n", ret);
		return ret;
	}
	vfio_groups.class->devnode = vfio_group_devnode;

	ret = alloc_chrdev_region(&vfio_groups.devt, 0, VFIO_GROUP_MINORS,
				  "vfio");
	if (ret) {
		pr_err("cannot reserve group device numbers: %d\n", ret);
		class_destroy(vfio_groups.class);
	}
	return ret;
}

void vfio_group_exit(void)
{
	WARN_ON(!list_empty(&vfio_groups.group_list));
	unregister_chrdev_region(vfio_groups.devt, VFIO_GROUP_MINORS);
	class_destroy(vfio_groups.class);
	ida_destroy(&vfio_groups.minors);
}
