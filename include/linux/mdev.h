/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundle's mediated device API, the same on every target kernel. It
 * shadows the kernel's own <linux/mdev.h>, whose parent API changed from
 * release to release. docs/mdev.md walks through a parent driver.
 *
 * A parent driver embeds the core's structures in its own:
 *
 *	struct foo_parent {
 *		struct device dev;		(or any device it drives)
 *		struct mdev_parent parent;
 *	};
 *	struct foo_state {			(one per instance)
 *		struct vfio_device vdev;	(first member)
 *		...
 *	};
 *
 * It registers an mdev_driver, then the parent with its types. The core
 * creates an mdev_device when user space writes a UUID to a type's
 * "create" file and calls the driver's probe(), which allocates its state
 * with vfio_alloc_device(foo_state, vdev, &mdev->dev, &foo_ops) and
 * registers it with vfio_register_emulated_iommu_dev().
 */
#ifndef VFIO_BACKPORTS_LINUX_MDEV_H
#define VFIO_BACKPORTS_LINUX_MDEV_H

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/rwsem.h>
#include <linux/uuid.h>
#include <linux/vfio.h>

#define VFIO_BACKPORTS_MDEV_KAPI 1

struct mdev_parent;

/* One instance, named by its UUID, a child of its parent's device. */
struct mdev_device {
	struct device dev;
	guid_t uuid;
	struct mdev_type *type;

	/* Private to the core. */
	struct list_head next;		/* on the core's list, under its lock */
	bool active;			/* not being removed */
	int probe_err;			/* what the driver's probe() said */
};

/* What a parent can create: mdev_supported_types/<driver>-<sysfs_name>. */
struct mdev_type {
	/* Filled in by the parent driver. */
	const char *sysfs_name;
	const char *pretty_name;	/* the "name" file; optional */

	/* Set by the core. */
	struct mdev_parent *parent;
	struct kobject kobj;
	struct kobject *devices_kobj;
};

/* Embedded in the parent driver's own structure; the core's state. */
struct mdev_parent {
	struct device *dev;
	struct mdev_driver *mdev_driver;
	struct kset *mdev_types_kset;
	struct rw_semaphore unreg_sem;	/* write: unregistering */
	struct mdev_type **types;
	unsigned int nr_types;
	atomic_t available_instances;	/* without get_available() */
};

/**
 * struct mdev_driver - a parent driver's instance callbacks
 * @device_api: the "device_api" file, a VFIO_DEVICE_API_*_STRING
 * @max_instances: without @get_available: instances per parent, all types
 * @probe: set up and register a new instance
 * @remove: unregister it (waits for user space) and free it
 * @get_available: how many more instances of @mtype fit (optional)
 * @show_description: the "description" file (optional)
 * @driver: the driver core's view; name and owner are the parent's to set
 */
struct mdev_driver {
	const char *device_api;
	unsigned int max_instances;
	int (*probe)(struct mdev_device *mdev);
	void (*remove)(struct mdev_device *mdev);
	unsigned int (*get_available)(struct mdev_type *mtype);
	ssize_t (*show_description)(struct mdev_type *mtype, char *buf);
	struct device_driver driver;
};

static inline struct mdev_device *to_mdev_device(struct device *dev)
{
	return container_of(dev, struct mdev_device, dev);
}

int mdev_register_driver(struct mdev_driver *drv);
void mdev_unregister_driver(struct mdev_driver *drv);

/*
 * Unregistering a parent removes its instances, each one waiting for
 * user space to close it, as a device's remove() does.
 */
int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver,
			 struct mdev_type **types, unsigned int nr_types);
void mdev_unregister_parent(struct mdev_parent *parent);

#endif /* VFIO_BACKPORTS_LINUX_MDEV_H */
