// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_DEV_TRYLOCK: pci_dev_trylock() and pci_dev_unlock() are
 * exported. Upstream: "PCI: Export pci_dev_trylock() and
 * pci_dev_unlock()" (v5.14).
 */
#include <linux/pci.h>

int vfio_probe_dev_trylock(struct pci_dev *pdev);
int vfio_probe_dev_trylock(struct pci_dev *pdev)
{
	if (!pci_dev_trylock(pdev))
		return 0;
	pci_dev_unlock(pdev);
	return 1;
}
