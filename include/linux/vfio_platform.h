/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reset registry of vfio-platform-base: how a module that knows how to
 * reset one kind of platform (or AMBA) device offers that to vfio-platform.
 *
 * A device is known by its "compatible" property (device tree, or a
 * software node) or by its ACPI hardware ID. An ACPI device with a _RST
 * method is reset through it and needs no entry here. Otherwise
 * vfio-platform looks the ID up in the registry when it binds, asking
 * modprobe for "vfio-reset:ID" first if no entry is there, and holds a
 * reference on the module that registered the entry while it is bound.
 *
 * A reset module is usually just:
 *
 *	static int foo_reset(struct vfio_platform_device *vpdev)
 *	{
 *		void __iomem *regs = vfio_platform_region_ioaddr(vpdev, 0);
 *
 *		if (IS_ERR(regs))
 *			return PTR_ERR(regs);
 *		writel(FOO_RESET, regs + FOO_CTRL);
 *		return 0;
 *	}
 *	module_vfio_reset_handler("vendor,foo", foo_reset);
 */
#ifndef VFIO_BACKPORTS_LINUX_VFIO_PLATFORM_H
#define VFIO_BACKPORTS_LINUX_VFIO_PLATFORM_H

#include <linux/list.h>
#include <linux/module.h>
#include <linux/vfio.h>

struct vfio_platform_device;

/* Called with the device open, its interrupts quiet; 0 or an errno. */
typedef int (*vfio_platform_reset_fn_t)(struct vfio_platform_device *vpdev);

struct vfio_platform_reset_node {
	struct list_head link;		/* private to the registry */
	const char *id;			/* compatible string or ACPI HID */
	struct module *owner;
	vfio_platform_reset_fn_t reset;
};

/* -EBUSY if @node's ID already has a reset function, -EINVAL if empty. */
int __vfio_platform_register_reset(struct vfio_platform_reset_node *node);
void vfio_platform_unregister_reset(const char *id,
				    vfio_platform_reset_fn_t reset);

/* Registers a static node for @reset_fn; evaluates to 0 or an errno. */
#define vfio_platform_register_reset(reset_id, reset_fn)		\
({									\
	static struct vfio_platform_reset_node reset_fn##_node = {	\
		.id = reset_id,						\
		.owner = THIS_MODULE,					\
		.reset = reset_fn,					\
	};								\
	__vfio_platform_register_reset(&reset_fn##_node);		\
})

/* A whole reset module: registration on load, alias for modprobe. */
#define module_vfio_reset_handler(reset_id, reset_fn)			\
MODULE_ALIAS("vfio-reset:" reset_id);					\
static int __init reset_fn##_module_init(void)				\
{									\
	return vfio_platform_register_reset(reset_id, reset_fn);	\
}									\
static void __exit reset_fn##_module_exit(void)				\
{									\
	vfio_platform_unregister_reset(reset_id, reset_fn);		\
}									\
module_init(reset_fn##_module_init);					\
module_exit(reset_fn##_module_exit)

/* The device vfio-platform drives, for messages. */
struct device *vfio_platform_to_dev(struct vfio_platform_device *vpdev);

/*
 * The kernel mapping of MMIO region @index (mapped on first use, unmapped
 * when the device is released), or ERR_PTR(-EINVAL) if there is no such
 * MMIO region, ERR_PTR(-ENOMEM) if it cannot be mapped.
 */
void __iomem *vfio_platform_region_ioaddr(struct vfio_platform_device *vpdev,
					  unsigned int index);

#endif /* VFIO_BACKPORTS_LINUX_VFIO_PLATFORM_H */
