/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundle's vfio-pci-core API for PCI variant drivers. It shadows the
 * target kernel's <linux/vfio_pci_core.h>, whose structures do not match
 * the bundle's core.
 */
#ifndef VFIO_BACKPORTS_LINUX_VFIO_PCI_CORE_H
#define VFIO_BACKPORTS_LINUX_VFIO_PCI_CORE_H

#include <linux/vfio.h>

#define VFIO_BACKPORTS_PCI_CORE_KAPI 1

#endif /* VFIO_BACKPORTS_LINUX_VFIO_PCI_CORE_H */
