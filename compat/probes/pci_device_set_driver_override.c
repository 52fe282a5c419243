// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_DEVICE_SET_DRIVER_OVERRIDE: driver_override lives in struct
 * device and is set with device_set_driver_override(). Upstream: "driver
 * core: generalize driver_override in struct device" (v7.0, backported to
 * stable: Debian's 6.12 has it); struct pci_dev lost its own field then.
 */
#include <linux/device.h>
#include <linux/pci.h>

int vfio_probe(struct pci_dev *pdev);
int vfio_probe(struct pci_dev *pdev)
{
	return device_set_driver_override(&pdev->dev, "vfio-pci");
}
