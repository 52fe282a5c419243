// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_DRIVER_MANAGED_DMA: struct pci_driver has driver_managed_dma.
 * Upstream: "bus: platform,amba,fsl-mc,PCI: Add device DMA ownership
 * management" (v5.19).
 */
#include <linux/pci.h>

struct pci_driver vfio_probe_driver = {
	.name = "vfio_probe",
	.driver_managed_dma = true,
};
