// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-platform: platform bus devices for user space. It binds only
 * through driver_override; everything else is in vfio-platform-base.
 */
#include <linux/module.h>
#include <linux/platform_device.h>

#include "compat.h"
#include "vfio_platform_priv.h"

static bool reset_required = true;
module_param(reset_required, bool, 0444);
MODULE_PARM_DESC(reset_required, "refuse devices that have no reset function (default: 1)");

static struct resource *
vfio_platform_get_resource(struct vfio_platform_device *vpdev, unsigned int i)
{
	struct platform_device *pdev = to_platform_device(vpdev->vdev.dev);
	unsigned int j, n = 0;

	/* The i-th MMIO or port resource, in the device's order. */
	for (j = 0; j < pdev->num_resources; j++) {
		struct resource *r = &pdev->resource[j];

		if (!(resource_type(r) & (IORESOURCE_MEM | IORESOURCE_IO)))
			continue;
		if (n++ == i)
			return r;
	}
	return NULL;
}

static int vfio_platform_get_irq(struct vfio_platform_device *vpdev,
				 unsigned int i)
{
	return platform_get_irq_optional(to_platform_device(vpdev->vdev.dev),
					 i);
}

static const struct vfio_device_ops vfio_platform_ops = {
	.name		= "vfio-platform",
	.release	= vfio_platform_release_common,
	.open_device	= vfio_platform_open_device,
	.close_device	= vfio_platform_close_device,
	.ioctl		= vfio_platform_ioctl,
	.read		= vfio_platform_read,
	.write		= vfio_platform_write,
	.mmap		= vfio_platform_mmap,
};

static int vfio_platform_probe(struct platform_device *pdev)
{
	struct vfio_platform_device *vpdev;
	int ret;

	vpdev = vfio_alloc_device(vfio_platform_device, vdev, &pdev->dev,
				  &vfio_platform_ops);
	if (IS_ERR(vpdev))
		return PTR_ERR(vpdev);
	vpdev->name = pdev->name;
	vpdev->reset_required = reset_required;
	vpdev->flags = VFIO_DEVICE_FLAGS_PLATFORM;
	vpdev->get_resource = vfio_platform_get_resource;
	vpdev->get_irq = vfio_platform_get_irq;

	ret = vfio_platform_register(vpdev);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, vpdev);
	return 0;
}

/* Returns once user space has closed the device. */
static void vfio_platform_remove(struct platform_device *pdev)
{
	vfio_platform_unregister(platform_get_drvdata(pdev));
}

VFIO_COMPAT_PLATFORM_REMOVE(vfio_platform_remove_cb, vfio_platform_remove)

static struct platform_driver vfio_platform_driver = {
	.probe		= vfio_platform_probe,
	.remove		= vfio_platform_remove_cb,
	.driver	= {
		.name	= "vfio-platform",
	},
};

static int __init vfio_platform_init(void)
{
	vfio_compat_driver_managed_dma(&vfio_platform_driver);
	return platform_driver_register(&vfio_platform_driver);
}
module_init(vfio_platform_init);

static void __exit vfio_platform_exit(void)
{
	platform_driver_unregister(&vfio_platform_driver);
}
module_exit(vfio_platform_exit);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("VFIO for platform devices (vfio-backports)");
