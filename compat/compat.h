/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One name for each kernel API that changed between the targets. The
 * choice is made by the probes' HAVE_* macros (compat/configure), never by
 * version numbers, so distro backports are followed automatically.
 */
#ifndef VFIO_BACKPORTS_COMPAT_H
#define VFIO_BACKPORTS_COMPAT_H

#include <linux/device.h>

#include "kernel_features.h"
#include "kernel_range.h"
#include "shadow_check.h"

/* class_create() lost its owner argument in v6.4. */
static inline struct class *vfio_compat_class_create(const char *name)
{
#ifdef HAVE_CLASS_CREATE_NAME_ONLY
	return class_create(name);
#else
	return class_create(THIS_MODULE, name);
#endif
}

/*
 * struct class.devnode() takes a const device since v6.2; declare devnode
 * callbacks with this type for their first argument.
 */
#ifdef HAVE_CLASS_DEVNODE_CONST_DEV
typedef const struct device vfio_compat_devnode_dev;
#else
typedef struct device vfio_compat_devnode_dev;
#endif

/* Per-area shims, owned by the code that uses them. */
#include "compat_iommu.h"
#include "compat_pci.h"

#endif /* VFIO_BACKPORTS_COMPAT_H */
