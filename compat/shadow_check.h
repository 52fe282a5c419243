/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundle's headers must win over the kernel's of the same name
 * (NOSTDINC_FLAGS in compat/kbuild.inc). If the include order ever
 * changes, stop the build here rather than mixing two VFIO APIs.
 */
#ifndef VFIO_BACKPORTS_SHADOW_CHECK_H
#define VFIO_BACKPORTS_SHADOW_CHECK_H

#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>
#include <linux/mdev.h>

#if !defined(VFIO_BACKPORTS_KAPI) || !defined(VFIO_BACKPORTS_UAPI) || \
	!defined(VFIO_BACKPORTS_PCI_CORE_KAPI) || !defined(VFIO_BACKPORTS_MDEV_KAPI)
#error "a kernel VFIO header shadows the bundle's: check NOSTDINC_FLAGS"
#endif

#endif /* VFIO_BACKPORTS_SHADOW_CHECK_H */
