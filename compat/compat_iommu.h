/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shims for the iommu side (see compat/compat.h for the rules). Included by
 * compat.h; do not include directly.
 */
#ifndef VFIO_BACKPORTS_COMPAT_IOMMU_H
#define VFIO_BACKPORTS_COMPAT_IOMMU_H

#endif
