// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO core: module life cycle, the container node /dev/vfio/vfio and the
 * class and character device region behind the /dev/vfio/$GROUP nodes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include "compat.h"

/* One minor per IOMMU group, as many as the major allows. */
#define VFIO_GROUP_MINORS	(MINORMASK + 1)

static struct {
	struct class *class;	/* owner of the /dev/vfio/$GROUP nodes */
	dev_t group_devt;	/* first of VFIO_GROUP_MINORS group minors */
} vfio;

static long vfio_container_ioctl(struct file *file, unsigned int cmd,
				 unsigned long arg)
{
	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		/* No IOMMU backend is registered: no model is offered. */
		return 0;
	default:
		/*
		 * Upstream's answer for an unknown command, and for
		 * VFIO_SET_IOMMU on a container that has no group.
		 */
		return -EINVAL;
	}
}

static const struct file_operations vfio_container_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= vfio_container_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vfio_container_dev = {
	.minor		= VFIO_MINOR,
	.name		= "vfio",
	.fops		= &vfio_container_fops,
	.nodename	= "vfio/vfio",
	.mode		= 0666,
};

static char *vfio_devnode(vfio_compat_devnode_dev *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "vfio/%s", dev_name(dev));
}

static int __init vfio_init(void)
{
	int ret;

	vfio.class = vfio_compat_class_create("vfio");
	if (IS_ERR(vfio.class)) {
		ret = PTR_ERR(vfio.class);
		pr_err("cannot create the vfio class: %d\n", ret);
		return ret;
	}
	vfio.class->devnode = vfio_devnode;

	ret = alloc_chrdev_region(&vfio.group_devt, 0, VFIO_GROUP_MINORS,
				  "vfio");
	if (ret) {
		pr_err("cannot reserve group device numbers: %d\n", ret);
		goto err_class;
	}

	ret = misc_register(&vfio_container_dev);
	if (ret) {
		pr_err("cannot register /dev/vfio/vfio: %d\n", ret);
		goto err_chrdev;
	}

	pr_info("vfio-backports %s loaded\n", VFIO_BACKPORTS_VERSION);
	return 0;

err_chrdev:
	unregister_chrdev_region(vfio.group_devt, VFIO_GROUP_MINORS);
err_class:
	class_destroy(vfio.class);
	return ret;
}

static void __exit vfio_exit(void)
{
	misc_deregister(&vfio_container_dev);
	unregister_chrdev_region(vfio.group_devt, VFIO_GROUP_MINORS);
	class_destroy(vfio.class);
}

module_init(vfio_init);
module_exit(vfio_exit);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("VFIO core (vfio-backports)");
MODULE_ALIAS_MISCDEV(VFIO_MINOR);
MODULE_ALIAS("devname:vfio/vfio");
