// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_DRIVER_SET_OVERRIDE: struct pci_dev's driver_override is a
 * const char * set with driver_set_override(). Upstream: "PCI: Use
 * driver_set_override() instead of open-coding" (v5.19). Before it the
 * field was a plain char * written under the device lock (some stable
 * kernels have the helper but not the const field: they fail here).
 */
#include <linux/device.h>
#include <linux/pci.h>

int vfio_probe(struct pci_dev *pdev);
int vfio_probe(struct pci_dev *pdev)
{
	return driver_set_override(&pdev->dev, &pdev->driver_override,
				   "vfio-pci", 8);
}
