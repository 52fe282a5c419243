// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_MSIX_ALLOC_IRQ_AT: MSI-X vectors can be added while MSI-X is
 * enabled, where the interrupt domain allows it. Upstream: "PCI/MSI:
 * Provide post-enable dynamic allocation interfaces for MSI-X" (v6.2).
 */
#include <linux/pci.h>

int vfio_probe_msix_alloc_irq_at(struct pci_dev *pdev, unsigned int index);
int vfio_probe_msix_alloc_irq_at(struct pci_dev *pdev, unsigned int index)
{
	struct msi_map map;

	if (!pci_msix_can_alloc_dyn(pdev))
		return -EOPNOTSUPP;
	map = pci_msix_alloc_irq_at(pdev, index, NULL);
	return map.index < 0 ? map.index : map.virq;
}
