/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundle's mediated device API. It shadows the target kernel's
 * <linux/mdev.h>, whose parent API differs from kernel to kernel.
 */
#ifndef VFIO_BACKPORTS_LINUX_MDEV_H
#define VFIO_BACKPORTS_LINUX_MDEV_H

#include <linux/vfio.h>

#define VFIO_BACKPORTS_MDEV_KAPI 1

#endif /* VFIO_BACKPORTS_LINUX_MDEV_H */
