// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev bus. A parent driver registers the types it can create; user
 * space creates an instance by writing a UUID to a type's "create" file,
 * and the core adds an mdev_device that only the parent's own mdev_driver
 * can drive. That driver's probe() makes the instance a VFIO device.
 *
 * Lifetimes: an instance holds its type's kobject, and each type holds its
 * parent's device, so nothing an instance points at goes away before it.
 * A parent's unreg_sem orders create and remove (readers) against
 * unregistration (the writer), which removes what is left.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mdev.h>

#include "compat.h"
#include "mdev_private.h"

static struct class_compat *mdev_bus_compat_class;

/* Every instance, for UUID uniqueness; also guards ->active. */
static LIST_HEAD(mdev_list);
static DEFINE_MUTEX(mdev_list_lock);

/* ---- The bus ---- */

static struct mdev_driver *to_mdev_driver(const struct device_driver *drv)
{
	return container_of(drv, struct mdev_driver, driver);
}

/* An instance is driven by its parent's driver and no other. */
static int mdev_bus_match(struct device *dev, const struct device_driver *drv)
{
	return drv == &to_mdev_device(dev)->type->parent->mdev_driver->driver;
}

static int mdev_bus_probe(struct device *dev)
{
	struct mdev_device *mdev = to_mdev_device(dev);
	struct mdev_driver *drv = to_mdev_driver(dev->driver);

	/* mdev_device_create() reports this; the driver core does not. */
	mdev->probe_err = drv->probe ? drv->probe(mdev) : 0;
	return mdev->probe_err;
}

static void mdev_bus_remove(struct device *dev)
{
	struct mdev_driver *drv = to_mdev_driver(dev->driver);

	if (drv->remove)
		drv->remove(to_mdev_device(dev));
}

VFIO_COMPAT_BUS_MATCH(mdev_bus_match_cb, mdev_bus_match)
VFIO_COMPAT_BUS_REMOVE(mdev_bus_remove_cb, mdev_bus_remove)

struct bus_type mdev_bus_type = {
	.name		= "mdev",
	.match		= mdev_bus_match_cb,
	.probe		= mdev_bus_probe,
	.remove		= mdev_bus_remove_cb,
};

int mdev_register_driver(struct mdev_driver *drv)
{
	if (!drv->device_api || !drv->probe || !drv->remove)
		return -EINVAL;
	drv->driver.bus = &mdev_bus_type;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(mdev_register_driver);

void mdev_unregister_driver(struct mdev_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(mdev_unregister_driver);

/* ---- Instances ---- */

/*
 * Take one instance of @type from the parent's count, for drivers that
 * keep none of their own. Drivers with get_available() account in their
 * probe(); the check here only gives user space the clear error early.
 */
static bool mdev_type_take(struct mdev_type *type)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_driver *drv = parent->mdev_driver;

	lockdep_assert_held(&mdev_list_lock);
	if (drv->get_available)
		return drv->get_available(type) > 0;
	/* Plain read and decrement: every change is under mdev_list_lock. */
	if (!atomic_read(&parent->available_instances))
		return false;
	atomic_dec(&parent->available_instances);
	return true;
}

static void mdev_device_release(struct device *dev)
{
	struct mdev_device *mdev = to_mdev_device(dev);
	struct mdev_type *type = mdev->type;

	mutex_lock(&mdev_list_lock);
	list_del(&mdev->next);
	if (!type->parent->mdev_driver->get_available)
		atomic_inc(&type->parent->available_instances);
	mutex_unlock(&mdev_list_lock);

	kobject_put(&type->kobj);
	kfree(mdev);
}

/* Claim @uuid and an instance of @type, or say why not. */
static int mdev_device_claim(struct mdev_device *mdev)
{
	struct mdev_parent *parent = mdev->type->parent;
	struct mdev_device *tmp;
	int ret = 0;

	mutex_lock(&mdev_list_lock);
	list_for_each_entry(tmp, &mdev_list, next) {
		if (guid_equal(&tmp->uuid, &mdev->uuid)) {
			dev_info(parent->dev, "mdev %pUl exists already\n",
				 &mdev->uuid);
			ret = -EEXIST;
			goto out;
		}
	}
	if (!mdev_type_take(mdev->type)) {
		dev_info(parent->dev, "mdev type %s: no instance available\n",
			 kobject_name(&mdev->type->kobj));
		ret = -EUSERS;
		goto out;
	}
	list_add(&mdev->next, &mdev_list);
out:
	mutex_unlock(&mdev_list_lock);
	return ret;
}

int mdev_device_create(struct mdev_type *type, const guid_t *uuid)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_device *mdev;
	int ret;

	mdev = kzalloc(sizeof(*mdev), GFP_KERNEL);
	if (!mdev)
		return -ENOMEM;
	guid_copy(&mdev->uuid, uuid);
	mdev->type = type;
	ret = mdev_device_claim(mdev);
	if (ret) {
		kfree(mdev);
		return ret;
	}

	/* From here on, the release function undoes the claim. */
	kobject_get(&type->kobj);
	device_initialize(&mdev->dev);
	mdev->dev.parent = parent->dev;
	mdev->dev.bus = &mdev_bus_type;
	mdev->dev.release = mdev_device_release;
	mdev->dev.groups = mdev_device_groups;
	ret = dev_set_name(&mdev->dev, "%pUl", uuid);
	if (ret)
		goto out_put;

	/* Unregistration of the parent has begun: it is going away. */
	if (!down_read_trylock(&parent->unreg_sem)) {
		ret = -ENODEV;
		goto out_put;
	}

	/* The bus probes the parent's driver here, synchronously. */
	ret = device_add(&mdev->dev);
	if (ret)
		goto out_unlock;
	if (!mdev->dev.driver) {
		ret = mdev->probe_err ? mdev->probe_err : -ENODEV;
		dev_info(parent->dev, "mdev %pUl: %s could not set it up: %d\n",
			 uuid, parent->mdev_driver->driver.name, ret);
		goto out_del;
	}
	ret = mdev_links_add(mdev);
	if (ret)
		goto out_del;

	mutex_lock(&mdev_list_lock);
	mdev->active = true;
	mutex_unlock(&mdev_list_lock);
	up_read(&parent->unreg_sem);
	return 0;

out_del:
	device_del(&mdev->dev);
out_unlock:
	up_read(&parent->unreg_sem);
out_put:
	put_device(&mdev->dev);
	return ret;
}

/* The driver's remove() waits until user space has closed the device. */
static void mdev_device_remove_common(struct mdev_device *mdev)
{
	mdev_links_remove(mdev);
	device_del(&mdev->dev);
	put_device(&mdev->dev);
}

int mdev_device_remove(struct mdev_device *mdev)
{
	struct mdev_parent *parent = mdev->type->parent;

	mutex_lock(&mdev_list_lock);
	if (!mdev->active) {
		mutex_unlock(&mdev_list_lock);
		return -EAGAIN;
	}
	mdev->active = false;
	mutex_unlock(&mdev_list_lock);

	/* Unregistering the parent removes every instance itself. */
	if (!down_read_trylock(&parent->unreg_sem))
		return -ENODEV;
	mdev_device_remove_common(mdev);
	up_read(&parent->unreg_sem);
	return 0;
}

/* ---- Parents ---- */

static int mdev_parent_remove_child(struct device *dev, void *data)
{
	struct mdev_device *mdev;

	/* A parent's other children are none of ours. */
	if (dev->bus != &mdev_bus_type)
		return 0;
	mdev = to_mdev_device(dev);
	mutex_lock(&mdev_list_lock);
	mdev->active = false;
	mutex_unlock(&mdev_list_lock);
	mdev_device_remove_common(mdev);
	return 0;
}

static void mdev_parent_uevent(struct mdev_parent *parent, const char *state)
{
	char env[32];
	char *envp[2];

	/* mdevctl's udev rules start defined devices on "registered". */
	snprintf(env, sizeof(env), "MDEV_STATE=%s", state);
	envp[0] = env;
	envp[1] = NULL;
	kobject_uevent_env(&parent->dev->kobj, KOBJ_CHANGE, envp);
}

int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver,
			 struct mdev_type **types, unsigned int nr_types)
{
	int ret;

	if (!dev || !mdev_driver || !types || !nr_types)
		return -EINVAL;
	if (mdev_driver->driver.bus != &mdev_bus_type) {
		dev_warn(dev, "mdev: register the driver before the parent\n");
		return -EINVAL;
	}
	if (!mdev_driver->get_available && !mdev_driver->max_instances) {
		dev_warn(dev, "mdev: driver %s offers no instances\n",
			 mdev_driver->driver.name);
		return -EINVAL;
	}

	memset(parent, 0, sizeof(*parent));
	init_rwsem(&parent->unreg_sem);
	parent->dev = dev;
	parent->mdev_driver = mdev_driver;
	parent->types = types;
	parent->nr_types = nr_types;
	atomic_set(&parent->available_instances, mdev_driver->max_instances);

	ret = mdev_types_add(parent);
	if (ret)
		return ret;
	ret = vfio_compat_class_link(mdev_bus_compat_class, dev);
	if (ret) {
		mdev_types_remove(parent);
		return ret;
	}
	mdev_parent_uevent(parent, "registered");
	return 0;
}
EXPORT_SYMBOL_GPL(mdev_register_parent);

void mdev_unregister_parent(struct mdev_parent *parent)
{
	/* Waits for creates and removes in flight; later ones fail. */
	down_write(&parent->unreg_sem);
	vfio_compat_class_unlink(mdev_bus_compat_class, parent->dev);
	device_for_each_child(parent->dev, NULL, mdev_parent_remove_child);
	mdev_types_remove(parent);
	up_write(&parent->unreg_sem);
	mdev_parent_uevent(parent, "unregistered");
}
EXPORT_SYMBOL_GPL(mdev_unregister_parent);

static int __init mdev_init(void)
{
	int ret;

	ret = bus_register(&mdev_bus_type);
	if (ret)
		return ret;
	/* /sys/class/mdev_bus/<parent>: where tools look for parents. */
	mdev_bus_compat_class = class_compat_register("mdev_bus");
	if (!mdev_bus_compat_class) {
		bus_unregister(&mdev_bus_type);
		return -ENOMEM;
	}
	return 0;
}

static void __exit mdev_exit(void)
{
	class_compat_unregister(mdev_bus_compat_class);
	bus_unregister(&mdev_bus_type);
}

module_init(mdev_init);
module_exit(mdev_exit);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("Mediated device bus (vfio-backports)");
