// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysfs ABI of mdev, as tools (mdevctl, libvirt) read it:
 *
 *   <parent>/mdev_supported_types/<driver>-<type>/
 *	create			write a UUID to create an instance
 *	available_instances	how many more fit
 *	name, description, device_api
 *	devices/<uuid>		links to the instances
 *   /sys/bus/mdev/devices/<uuid>/
 *	remove			write 1 to remove the instance
 *	mdev_type		link to its type
 */
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/mdev.h>

#include "mdev_private.h"

/* ---- Type directories ---- */

struct mdev_type_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mdev_type *mtype, char *buf);
	ssize_t (*store)(struct mdev_type *mtype, const char *buf,
			 size_t count);
};

#define MDEV_TYPE_ATTR_RO(_name) \
	static struct mdev_type_attribute mdev_type_attr_##_name = \
		__ATTR(_name, 0444, _name##_show, NULL)
#define MDEV_TYPE_ATTR_WO(_name) \
	static struct mdev_type_attribute mdev_type_attr_##_name = \
		__ATTR(_name, 0200, NULL, _name##_store)

static struct mdev_type *to_mdev_type(struct kobject *kobj)
{
	return container_of(kobj, struct mdev_type, kobj);
}

static struct mdev_type_attribute *to_type_attr(struct attribute *attr)
{
	return container_of(attr, struct mdev_type_attribute, attr);
}

static ssize_t mdev_type_attr_show(struct kobject *kobj,
				   struct attribute *attr, char *buf)
{
	struct mdev_type_attribute *ta = to_type_attr(attr);

	return ta->show ? ta->show(to_mdev_type(kobj), buf) : -EIO;
}

static ssize_t mdev_type_attr_store(struct kobject *kobj,
				    struct attribute *attr, const char *buf,
				    size_t count)
{
	struct mdev_type_attribute *ta = to_type_attr(attr);

	return ta->store ? ta->store(to_mdev_type(kobj), buf, count) : -EIO;
}

static const struct sysfs_ops mdev_type_sysfs_ops = {
	.show = mdev_type_attr_show,
	.store = mdev_type_attr_store,
};

/*
 * A UUID, optionally followed by the newline echo adds; anything else is
 * refused rather than guessed at.
 */
static int mdev_parse_uuid(const char *buf, size_t count, guid_t *uuid)
{
	char str[UUID_STRING_LEN + 1];

	if (count == UUID_STRING_LEN + 1 && buf[UUID_STRING_LEN] == '\n')
		count--;
	if (count != UUID_STRING_LEN)
		return -EINVAL;
	memcpy(str, buf, UUID_STRING_LEN);
	str[UUID_STRING_LEN] = '\0';
	return guid_parse(str, uuid);
}

static ssize_t create_store(struct mdev_type *mtype, const char *buf,
			    size_t count)
{
	guid_t uuid;
	int ret;

	ret = mdev_parse_uuid(buf, count, &uuid);
	if (ret) {
		/* Quote what was written, less echo's newline. */
		int len = min_t(size_t, strcspn(buf, "\n"), 64);

		dev_info(mtype->parent->dev, "mdev type %s: create: \"%.*s\" is not a UUID\n",
			 kobject_name(&mtype->kobj), len, buf);
		return ret;
	}
	ret = mdev_device_create(mtype, &uuid);
	return ret ? ret : count;
}
MDEV_TYPE_ATTR_WO(create);

static ssize_t available_instances_show(struct mdev_type *mtype, char *buf)
{
	struct mdev_parent *parent = mtype->parent;
	struct mdev_driver *drv = parent->mdev_driver;

	if (drv->get_available)
		return sysfs_emit(buf, "%u\n", drv->get_available(mtype));
	return sysfs_emit(buf, "%d\n",
			  atomic_read(&parent->available_instances));
}
MDEV_TYPE_ATTR_RO(available_instances);

static ssize_t name_show(struct mdev_type *mtype, char *buf)
{
	return sysfs_emit(buf, "%s\n", mtype->pretty_name ?
			  mtype->pretty_name : mtype->sysfs_name);
}
MDEV_TYPE_ATTR_RO(name);

static ssize_t description_show(struct mdev_type *mtype, char *buf)
{
	return mtype->parent->mdev_driver->show_description(mtype, buf);
}
MDEV_TYPE_ATTR_RO(description);

static ssize_t device_api_show(struct mdev_type *mtype, char *buf)
{
	return sysfs_emit(buf, "%s\n", mtype->parent->mdev_driver->device_api);
}
MDEV_TYPE_ATTR_RO(device_api);

static struct attribute *mdev_type_attrs[] = {
	&mdev_type_attr_create.attr,
	&mdev_type_attr_available_instances.attr,
	&mdev_type_attr_name.attr,
	&mdev_type_attr_description.attr,
	&mdev_type_attr_device_api.attr,
	NULL,
};

/* "description" exists only where the driver has one to give. */
static umode_t mdev_type_attr_visible(struct kobject *kobj,
				      struct attribute *attr, int n)
{
	struct mdev_type *mtype = to_mdev_type(kobj);

	if (attr == &mdev_type_attr_description.attr &&
	    !mtype->parent->mdev_driver->show_description)
		return 0;
	return attr->mode;
}

static const struct attribute_group mdev_type_group = {
	.attrs = mdev_type_attrs,
	.is_visible = mdev_type_attr_visible,
};

static const struct attribute_group *mdev_type_groups[] = {
	&mdev_type_group,
	NULL,
};

static void mdev_type_release(struct kobject *kobj)
{
	/* Pairs with the get in mdev_type_add(). */
	put_device(to_mdev_type(kobj)->parent->dev);
}

static struct kobj_type mdev_type_ktype = {
	.sysfs_ops = &mdev_type_sysfs_ops,
	.release = mdev_type_release,
	.default_groups = mdev_type_groups,
};

static int mdev_type_add(struct mdev_parent *parent, struct mdev_type *type)
{
	int ret;

	if (!type->sysfs_name)
		return -EINVAL;
	type->parent = parent;
	type->kobj.kset = parent->mdev_types_kset;
	get_device(parent->dev);
	ret = kobject_init_and_add(&type->kobj, &mdev_type_ktype, NULL,
				   "%s-%s", dev_driver_string(parent->dev),
				   type->sysfs_name);
	if (ret) {
		kobject_put(&type->kobj);
		return ret;
	}
	type->devices_kobj = kobject_create_and_add("devices", &type->kobj);
	if (!type->devices_kobj) {
		kobject_del(&type->kobj);
		kobject_put(&type->kobj);
		return -ENOMEM;
	}
	return 0;
}

static void mdev_type_remove(struct mdev_type *type)
{
	kobject_put(type->devices_kobj);
	kobject_del(&type->kobj);
	kobject_put(&type->kobj);
}

int mdev_types_add(struct mdev_parent *parent)
{
	unsigned int i;
	int ret;

	parent->mdev_types_kset = kset_create_and_add("mdev_supported_types",
						      NULL, &parent->dev->kobj);
	if (!parent->mdev_types_kset)
		return -ENOMEM;
	for (i = 0; i < parent->nr_types; i++) {
		ret = mdev_type_add(parent, parent->types[i]);
		if (ret)
			goto err;
	}
	return 0;

err:
	while (i--)
		mdev_type_remove(parent->types[i]);
	kset_unregister(parent->mdev_types_kset);
	return ret;
}

void mdev_types_remove(struct mdev_parent *parent)
{
	unsigned int i;

	for (i = 0; i < parent->nr_types; i++)
		mdev_type_remove(parent->types[i]);
	kset_unregister(parent->mdev_types_kset);
}

/* ---- Instances ---- */

int mdev_links_add(struct mdev_device *mdev)
{
	struct mdev_type *type = mdev->type;
	int ret;

	ret = sysfs_create_link(type->devices_kobj, &mdev->dev.kobj,
				dev_name(&mdev->dev));
	if (ret)
		return ret;
	ret = sysfs_create_link(&mdev->dev.kobj, &type->kobj, "mdev_type");
	if (ret)
		sysfs_remove_link(type->devices_kobj, dev_name(&mdev->dev));
	return ret;
}

void mdev_links_remove(struct mdev_device *mdev)
{
	sysfs_remove_link(&mdev->dev.kobj, "mdev_type");
	sysfs_remove_link(mdev->type->devices_kobj, dev_name(&mdev->dev));
}

/* As upstream: 0 does nothing, any other number removes. */
static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned long val;
	int ret;

	ret = kstrtoul(buf, 0, &val);
	if (ret)
		return ret;
	/* The file goes with the device: only one writer gets to remove. */
	if (val && device_remove_file_self(dev, attr)) {
		ret = mdev_device_remove(to_mdev_device(dev));
		if (ret)
			return ret;
	}
	return count;
}
static DEVICE_ATTR_WO(remove);

static struct attribute *mdev_device_attrs[] = {
	&dev_attr_remove.attr,
	NULL,
};

static const struct attribute_group mdev_device_group = {
	.attrs = mdev_device_attrs,
};

const struct attribute_group *mdev_device_groups[] = {
	&mdev_device_group,
	NULL,
};
