// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-amba: AMBA (PrimeCell) devices for user space, built where the
 * kernel has the AMBA bus. An AMBA device has one MMIO resource and up to
 * AMBA_NR_IRQS interrupts; it binds only through driver_override.
 */
#include <linux/amba/bus.h>
#include <linux/module.h>

#include "compat.h"
#include "vfio_platform_priv.h"

static struct amba_device *to_vfio_amba(struct vfio_platform_device *vpdev)
{
	return to_amba_device(vpdev->vdev.dev);
}

static struct resource *
vfio_amba_get_resource(struct vfio_platform_device *vpdev, unsigned int i)
{
	return i ? NULL : &to_vfio_amba(vpdev)->res;
}

static int vfio_amba_get_irq(struct vfio_platform_device *vpdev,
			     unsigned int i)
{
	/* An unused AMBA interrupt slot holds 0. */
	if (i >= AMBA_NR_IRQS || !to_vfio_amba(vpdev)->irq[i])
		return -ENXIO;
	return to_vfio_amba(vpdev)->irq[i];
}

static const struct vfio_device_ops vfio_amba_ops = {
	.name		= "vfio-amba",
	.release	= vfio_platform_release_common,
	.open_device	= vfio_platform_open_device,
	.close_device	= vfio_platform_close_device,
	.ioctl		= vfio_platform_ioctl,
	.read		= vfio_platform_read,
	.write		= vfio_platform_write,
	.mmap		= vfio_platform_mmap,
};

static int vfio_amba_probe(struct amba_device *adev, const struct amba_id *id)
{
	struct vfio_platform_device *vpdev;
	int ret;

	vpdev = vfio_alloc_device(vfio_platform_device, vdev, &adev->dev,
				  &vfio_amba_ops);
	if (IS_ERR(vpdev))
		return PTR_ERR(vpdev);
	vpdev->name = dev_name(&adev->dev);
	/* As upstream: AMBA devices have had no reset requirement. */
	vpdev->reset_required = false;
	vpdev->flags = VFIO_DEVICE_FLAGS_AMBA;
	vpdev->get_resource = vfio_amba_get_resource;
	vpdev->get_irq = vfio_amba_get_irq;

	ret = vfio_platform_register(vpdev);
	if (ret)
		return ret;
	amba_set_drvdata(adev, vpdev);
	return 0;
}

/* Returns once user space has closed the device. */
static void vfio_amba_remove(struct amba_device *adev)
{
	vfio_platform_unregister(amba_get_drvdata(adev));
}

VFIO_COMPAT_AMBA_REMOVE(vfio_amba_remove_cb, vfio_amba_remove)

/* Any peripheral ID: only driver_override brings a device here. */
static const struct amba_id vfio_amba_ids[] = {
	{ 0, 0 },
};
MODULE_DEVICE_TABLE(amba, vfio_amba_ids);

static struct amba_driver vfio_amba_driver = {
	.probe		= vfio_amba_probe,
	.remove		= vfio_amba_remove_cb,
	.id_table	= vfio_amba_ids,
	.drv		= {
		.name	= "vfio-amba",
	},
};

static int __init vfio_amba_init(void)
{
	vfio_compat_driver_managed_dma(&vfio_amba_driver);
	return amba_driver_register(&vfio_amba_driver);
}
module_init(vfio_amba_init);

static void __exit vfio_amba_exit(void)
{
	amba_driver_unregister(&vfio_amba_driver);
}
module_exit(vfio_amba_exit);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("VFIO for AMBA devices (vfio-backports)");
