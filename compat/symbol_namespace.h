/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every symbol the bundle exports is in the VFIO_BACKPORTS namespace, and
 * the bundle's <linux/vfio.h> imports it. A module built against a
 * kernel's own <linux/vfio.h> (kvmgt, vendor vfio-pci variants) expects
 * that kernel's structure layouts, which are not the bundle's: without
 * the import the module loader refuses it by name, even on kernels built
 * without CONFIG_MODVERSIONS, where no CRC would catch the mismatch.
 *
 * Force-included by compat/kbuild.inc: the namespace must be defined
 * before <linux/export.h> is read.
 */
#ifndef VFIO_BACKPORTS_SYMBOL_NAMESPACE_H
#define VFIO_BACKPORTS_SYMBOL_NAMESPACE_H

#include "kernel_features.h"

#ifdef HAVE_DEFAULT_SYMBOL_NAMESPACE_TOKEN
#define DEFAULT_SYMBOL_NAMESPACE VFIO_BACKPORTS
#else
#define DEFAULT_SYMBOL_NAMESPACE "VFIO_BACKPORTS"
#endif

#endif /* VFIO_BACKPORTS_SYMBOL_NAMESPACE_H */
