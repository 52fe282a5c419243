// SPDX-License-Identifier: GPL-2.0-only
/*
 * Containers (/dev/vfio/vfio): a set of groups sharing one IOMMU context,
 * provided by a registered backend chosen with VFIO_SET_IOMMU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "vfio_core.h"

struct vfio_backend {
	const struct vfio_iommu_driver_ops *ops;
	struct list_head next;
};

static DEFINE_MUTEX(vfio_backend_lock);
static LIST_HEAD(vfio_backend_list);

int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops)
{
	struct vfio_backend *backend, *tmp;

	if (WARN_ON(!ops->open || !ops->release || !ops->ioctl ||
		    !ops->attach_group || !ops->detach_group))
		return -EINVAL;

	backend = kzalloc(sizeof(*backend), GFP_KERNEL);
	if (!backend)
		return -ENOMEM;
	backend->ops = ops;

	mutex_lock(&vfio_backend_lock);
	list_for_each_entry(tmp, &vfio_backend_list, next) {
		if (tmp->ops == ops) {
			mutex_unlock(&vfio_backend_lock);
			kfree(backend);
			return -EBUSY;
		}
	}
	list_add(&backend->next, &vfio_backend_list);
	mutex_unlock(&vfio_backend_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_register_iommu_driver);

void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops)
{
	struct vfio_backend *backend;

	mutex_lock(&vfio_backend_lock);
	list_for_each_entry(backend, &vfio_backend_list, next) {
		if (backend->ops == ops) {
			list_del(&backend->next);
			kfree(backend);
			break;
		}
	}
	mutex_unlock(&vfio_backend_lock);
}
EXPORT_SYMBOL_GPL(vfio_unregister_iommu_driver);

/*
 * The no-IOMMU backend: no translation, no mappings, nothing to attach;
 * it only lets a container of no-IOMMU groups hand out device fds.
 */
static struct vfio_iommu *vfio_noiommu_open(unsigned long arg)
{
	if (arg != VFIO_NOIOMMU_IOMMU)
		return ERR_PTR(-EINVAL);
	if (!capable(CAP_SYS_RAWIO))
		return ERR_PTR(-EPERM);
	return NULL;
}

static void vfio_noiommu_release(struct vfio_iommu *iommu)
{
}

static long vfio_noiommu_ioctl(struct vfio_iommu *iommu, unsigned int cmd,
			       unsigned long arg)
{
	if (cmd == VFIO_CHECK_EXTENSION)
		return READ_ONCE(vfio_noiommu) && arg == VFIO_NOIOMMU_IOMMU;
	return -ENOTTY;
}

static int vfio_noiommu_attach_group(struct vfio_iommu *iommu,
				     struct iommu_group *group,
				     enum vfio_group_type type)
{
	return 0;
}

static void vfio_noiommu_detach_group(struct vfio_iommu *iommu,
				      struct iommu_group *group)
{
}

static const struct vfio_iommu_driver_ops vfio_noiommu_ops = {
	.name		= "vfio-noiommu",
	.owner		= THIS_MODULE,
	.open		= vfio_noiommu_open,
	.release	= vfio_noiommu_release,
	.ioctl		= vfio_noiommu_ioctl,
	.attach_group	= vfio_noiommu_attach_group,
	.detach_group	= vfio_noiommu_detach_group,
};

/* No-IOMMU groups and the others never share a container or a backend. */
static bool vfio_backend_allowed(struct vfio_container *container,
				 const struct vfio_iommu_driver_ops *ops)
{
	return container->noiommu == (ops == &vfio_noiommu_ops);
}

int vfio_container_init(void)
{
	return vfio_register_iommu_driver(&vfio_noiommu_ops);
}

void vfio_container_exit(void)
{
	vfio_unregister_iommu_driver(&vfio_noiommu_ops);
}

void vfio_container_get(struct vfio_container *container)
{
	kref_get(&container->kref);
}

static void vfio_container_release(struct kref *kref)
{
	struct vfio_container *container =
		container_of(kref, struct vfio_container, kref);

	kfree(container);
}

void vfio_container_put(struct vfio_container *container)
{
	kref_put(&container->kref, vfio_container_release);
}

/*
 * Before a model is chosen, any backend that knows the extension says so;
 * once the container holds groups, any backend that may serve them.
 */
static long vfio_check_extension_any(struct vfio_container *container,
				     unsigned long arg)
{
	struct vfio_backend *backend;
	long ret = 0;

	mutex_lock(&vfio_backend_lock);
	list_for_each_entry(backend, &vfio_backend_list, next) {
		if (!list_empty(&container->group_list) &&
		    !vfio_backend_allowed(container, backend->ops))
			continue;
		if (!try_module_get(backend->ops->owner))
			continue;
		ret = backend->ops->ioctl(NULL, VFIO_CHECK_EXTENSION, arg);
		module_put(backend->ops->owner);
		if (ret > 0)
			break;
	}
	mutex_unlock(&vfio_backend_lock);
	return ret;
}

/* Attach every group of the container to a freshly opened backend. */
static int vfio_attach_all_groups(struct vfio_container *container,
				  const struct vfio_iommu_driver_ops *ops,
				  struct vfio_iommu *iommu)
{
	struct vfio_group *group, *failed;
	int ret;

	list_for_each_entry(group, &container->group_list, container_next) {
		ret = ops->attach_group(iommu, group->iommu_group, group->type);
		if (ret) {
			failed = group;
			goto unwind;
		}
	}
	return 0;

unwind:
	list_for_each_entry(group, &container->group_list, container_next) {
		if (group == failed)
			break;
		ops->detach_group(iommu, group->iommu_group);
	}
	return ret;
}

/*
 * VFIO_CHECK_EXTENSION: the chosen backend answers; before a model is
 * chosen, any registered one.
 */
long vfio_container_check_extension(struct vfio_container *container,
				    unsigned long arg)
{
	long ret;

	down_read(&container->lock);
	if (container->backend)
		ret = container->backend->ioctl(container->iommu,
						VFIO_CHECK_EXTENSION, arg);
	else
		ret = vfio_check_extension_any(container, arg);
	up_read(&container->lock);
	return ret;
}

static long vfio_container_set_iommu(struct vfio_container *container,
				     unsigned long arg)
{
	struct vfio_backend *backend;
	long ret = -ENODEV;

	down_write(&container->lock);
	/* A model needs a group to serve, and is chosen once. */
	if (list_empty(&container->group_list) || container->backend) {
		up_write(&container->lock);
		return -EINVAL;
	}

	mutex_lock(&vfio_backend_lock);
	list_for_each_entry(backend, &vfio_backend_list, next) {
		const struct vfio_iommu_driver_ops *ops = backend->ops;
		struct vfio_iommu *iommu;

		if (!vfio_backend_allowed(container, ops) ||
		    !try_module_get(ops->owner))
			continue;
		if (ops->ioctl(NULL, VFIO_CHECK_EXTENSION, arg) <= 0) {
			module_put(ops->owner);
			continue;
		}
		iommu = ops->open(arg);
		if (IS_ERR(iommu)) {
			ret = PTR_ERR(iommu);
			module_put(ops->owner);
			continue;
		}
		ret = vfio_attach_all_groups(container, ops, iommu);
		if (ret) {
			ops->release(iommu);
			module_put(ops->owner);
			continue;
		}
		/* The module reference is kept while the container uses it. */
		container->backend = ops;
		container->iommu = iommu;
		break;
	}
	mutex_unlock(&vfio_backend_lock);
	up_write(&container->lock);
	return ret;
}

static long vfio_container_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	struct vfio_container *container = file->private_data;
	long ret;

	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return vfio_container_check_extension(container, arg);
	case VFIO_SET_IOMMU:
		return vfio_container_set_iommu(container, arg);
	default:
		/* Everything else belongs to the backend, once there is one. */
		down_read(&container->lock);
		if (container->backend)
			ret = container->backend->ioctl(container->iommu, cmd,
							arg);
		else
			ret = -EINVAL;
		up_read(&container->lock);
		return ret;
	}
}

static int vfio_container_open(struct inode *inode, struct file *file)
{
	struct vfio_container *container;

	container = kzalloc(sizeof(*container), GFP_KERNEL);
	if (!container)
		return -ENOMEM;
	kref_init(&container->kref);
	init_rwsem(&container->lock);
	INIT_LIST_HEAD(&container->group_list);
	file->private_data = container;
	return nonseekable_open(inode, file);
}

static int vfio_container_file_release(struct inode *inode, struct file *file)
{
	/* Attached groups hold their own references. */
	vfio_container_put(file->private_data);
	return 0;
}

const struct file_operations vfio_container_fops = {
	.owner		= THIS_MODULE,
	.open		= vfio_container_open,
	.release	= vfio_container_file_release,
	.unlocked_ioctl	= vfio_container_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

bool vfio_file_is_container(struct file *file)
{
	return file->f_op == &vfio_container_fops;
}

/* Called with group->lock held. */
int vfio_container_attach_group(struct vfio_container *container,
				struct vfio_group *group)
{
	bool noiommu = group->type == VFIO_NO_IOMMU;
	int ret = 0;

	down_write(&container->lock);
	if (!list_empty(&container->group_list) &&
	    container->noiommu != noiommu) {
		ret = -EPERM;
		goto out;
	}
	if (container->backend) {
		ret = container->backend->attach_group(container->iommu,
						       group->iommu_group,
						       group->type);
		if (ret)
			goto out;
	}
	list_add(&group->container_next, &container->group_list);
	container->noiommu = noiommu;
	group->container = container;
	vfio_container_get(container);
out:
	up_write(&container->lock);
	return ret;
}

/*
 * Called with group->lock held and no device of the group open. The last
 * group out also ends the backend: its mappings die with it.
 */
void vfio_container_detach_group(struct vfio_group *group)
{
	struct vfio_container *container = group->container;

	down_write(&container->lock);
	if (container->backend)
		container->backend->detach_group(container->iommu,
						 group->iommu_group);
	list_del(&group->container_next);
	group->container = NULL;
	if (list_empty(&container->group_list) && container->backend) {
		container->backend->release(container->iommu);
		module_put(container->backend->owner);
		container->backend = NULL;
		container->iommu = NULL;
	}
	up_write(&container->lock);
	vfio_container_put(container);
}

void vfio_container_device_open(struct vfio_container *container,
				struct vfio_device *vdev)
{
	down_read(&container->lock);
	if (container->backend && container->backend->register_device)
		container->backend->register_device(container->iommu, vdev);
	up_read(&container->lock);
}

void vfio_container_device_close(struct vfio_container *container,
				 struct vfio_device *vdev)
{
	down_read(&container->lock);
	if (container->backend && container->backend->unregister_device)
		container->backend->unregister_device(container->iommu, vdev);
	up_read(&container->lock);
}

/*
 * Emulated-IOMMU access to user memory, through the device's container.
 * The caller has the device open, so its group stays in the container and
 * the container keeps its backend: no container lock is taken. Taking one
 * would deadlock, as the backend calls the device's dma_unmap() from
 * VFIO_IOMMU_UNMAP_DMA, and the device unpins from there.
 */
static struct vfio_iommu *vfio_device_iommu(struct vfio_device *vdev)
{
	struct vfio_container *container;

	/* Not open: a driver bug, as upstream reports it. */
	if (WARN_ON_ONCE(!READ_ONCE(vdev->open_count)) || !vdev->group)
		return NULL;
	container = vdev->group->container;
	return container ? container->iommu : NULL;
}

static const struct vfio_iommu_driver_ops *
vfio_device_backend(struct vfio_device *vdev)
{
	return vdev->group->container->backend;
}

int vfio_pin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage,
		   int prot, struct page **pages)
{
	struct vfio_iommu *iommu = vfio_device_iommu(vdev);

	if (!pages || npage <= 0 || !iommu || !vdev->emulated_iommu)
		return -EINVAL;
	/* Only a device that drops its pins on unmap may take any. */
	if (!vdev->ops->dma_unmap)
		return -EINVAL;
	if (npage > VFIO_PIN_PAGES_MAX_ENTRIES)
		return -E2BIG;
	if (!vfio_device_backend(vdev)->pin_pages)
		return -ENOTTY;
	return vfio_device_backend(vdev)->pin_pages(iommu,
						    vdev->group->iommu_group,
						    iova, npage, prot, pages);
}
EXPORT_SYMBOL_GPL(vfio_pin_pages);

void vfio_unpin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage)
{
	struct vfio_iommu *iommu = vfio_device_iommu(vdev);

	if (WARN_ON_ONCE(!iommu || npage <= 0 ||
			 npage > VFIO_PIN_PAGES_MAX_ENTRIES ||
			 !vdev->ops->dma_unmap))
		return;
	if (vfio_device_backend(vdev)->unpin_pages)
		vfio_device_backend(vdev)->unpin_pages(iommu, iova, npage);
}
EXPORT_SYMBOL_GPL(vfio_unpin_pages);

int vfio_dma_rw(struct vfio_device *vdev, dma_addr_t iova, void *data,
		size_t len, bool write)
{
	struct vfio_iommu *iommu = vfio_device_iommu(vdev);

	if (!data || !len || !iommu)
		return -EINVAL;
	if (!vfio_device_backend(vdev)->dma_rw)
		return -ENOTTY;
	return vfio_device_backend(vdev)->dma_rw(iommu, iova, data, len,
						 write);
}
EXPORT_SYMBOL_GPL(vfio_dma_rw);
