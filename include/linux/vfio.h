/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundle's in-kernel VFIO API. It shadows the target kernel's own
 * <linux/vfio.h>: bus drivers built in the bundle see this one only.
 */
#ifndef VFIO_BACKPORTS_LINUX_VFIO_H
#define VFIO_BACKPORTS_LINUX_VFIO_H

#include <uapi/linux/vfio.h>

/* Lets a build tell the bundle's header from a kernel's. */
#define VFIO_BACKPORTS_KAPI 1

#endif /* VFIO_BACKPORTS_LINUX_VFIO_H */
