// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci: the PCI driver that hands whole PCI functions to user space
 * through VFIO. The work is in vfio-pci-core; this is the binding, the
 * module parameters and the initial ID list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vfio_pci_core.h>

#include "compat.h"

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "Comma separated IDs to bind at load: vendor:device[:subvendor[:subdevice[:class[:class_mask]]]] in hex");

static bool nointxmask;
module_param(nointxmask, bool, 0444);
MODULE_PARM_DESC(nointxmask, "Never mask INTx with the PCI 2.3 INTx disable bit; use an exclusive host IRQ instead (for devices whose masking is broken)");

static bool disable_vga;
module_param(disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Do not offer the legacy VGA region of VGA devices");

static bool disable_idle_d3;
module_param(disable_idle_d3, bool, 0444);
MODULE_PARM_DESC(disable_idle_d3, "Keep bound devices in D0 while no one uses them instead of D3hot");

static bool enable_sriov;
module_param(enable_sriov, bool, 0644);
MODULE_PARM_DESC(enable_sriov, "Allow creating VFs of a bound PF through sriov_numvfs (needs a user space PF driver)");

static const struct vfio_device_ops vfio_pci_ops = {
	.name		= "vfio-pci",
	.init		= vfio_pci_core_init_dev,
	.release	= vfio_pci_core_release_dev,
	.open_device	= vfio_pci_core_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
};

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	/* Bridges and CardBus headers cannot be handed out safely. */
	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return -EINVAL;

	vdev = vfio_alloc_device(vfio_pci_core_device, vdev, &pdev->dev,
				 &vfio_pci_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	pci_set_drvdata(pdev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret) {
		pci_set_drvdata(pdev, NULL);
		vfio_put_device(&vdev->vdev);
	}
	return ret;
}

static void vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = pci_get_drvdata(pdev);

	/* Waits for every user to close the device. */
	vfio_pci_core_unregister_device(vdev);
	pci_set_drvdata(pdev, NULL);
	vfio_put_device(&vdev->vdev);
}

static int vfio_pci_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	if (!enable_sriov) {
		pci_info_ratelimited(pdev, "sriov_numvfs refused: vfio-pci's enable_sriov parameter is off\n");
		return -ENOENT;
	}
	return vfio_pci_core_sriov_configure(pci_get_drvdata(pdev), nr_virtfn);
}

/* No static IDs: devices come through ids=, new_id or driver_override. */
static const struct pci_device_id vfio_pci_table[] = {
	{ }
};
MODULE_DEVICE_TABLE(pci, vfio_pci_table);

static struct pci_driver vfio_pci_driver = {
	.name			= "vfio-pci",
	.id_table		= vfio_pci_table,
	.probe			= vfio_pci_probe,
	.remove			= vfio_pci_remove,
	.sriov_configure	= vfio_pci_sriov_configure,
	.err_handler		= &vfio_pci_core_err_handlers,
};

/* ids=: each comma separated entry becomes a dynamic ID. */
static void __init vfio_pci_fill_ids(void)
{
	char *p, *id;
	int rc;

	p = ids;
	while ((id = strsep(&p, ","))) {
		unsigned int vendor, device, subvendor = PCI_ANY_ID,
			subdevice = PCI_ANY_ID, class = 0, class_mask = 0;
		int fields;

		if (!strlen(id))
			continue;

		fields = sscanf(id, "%x:%x:%x:%x:%x:%x", &vendor, &device,
				&subvendor, &subdevice, &class, &class_mask);
		if (fields < 2) {
			pr_warn("ids: ignoring \"%s\": expected vendor:device[:subvendor[:subdevice[:class[:class_mask]]]] in hex\n",
				id);
			continue;
		}

		rc = pci_add_dynid(&vfio_pci_driver, vendor, device, subvendor,
				   subdevice, class, class_mask, 0);
		if (rc)
			pr_warn("ids: failed to add %04x:%04x sub=%04x:%04x cls=%08x/%08x: %d\n",
				vendor, device, subvendor, subdevice, class,
				class_mask, rc);
		else
			pr_info("ids: added %04x:%04x sub=%04x:%04x cls=%08x/%08x\n",
				vendor, device, subvendor, subdevice, class,
				class_mask);
	}
}

static int __init vfio_pci_init(void)
{
	int ret;

	vfio_pci_core_set_params(nointxmask, disable_vga, disable_idle_d3);
	vfio_compat_driver_managed_dma(&vfio_pci_driver);

	ret = pci_register_driver(&vfio_pci_driver);
	if (ret)
		return ret;

	vfio_pci_fill_ids();
	return 0;
}

static void __exit vfio_pci_cleanup(void)
{
	pci_unregister_driver(&vfio_pci_driver);
}

module_init(vfio_pci_init);
module_exit(vfio_pci_cleanup);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("VFIO driver for PCI functions");
