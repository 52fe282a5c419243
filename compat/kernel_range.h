/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The only place that looks at version numbers: the oldest kernel whose
 * APIs the compat layer knows. Everything else is feature-probed.
 */
#ifndef VFIO_BACKPORTS_KERNEL_RANGE_H
#define VFIO_BACKPORTS_KERNEL_RANGE_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)
#error "vfio-backports supports kernels from 5.10 on"
#endif

#endif /* VFIO_BACKPORTS_KERNEL_RANGE_H */
