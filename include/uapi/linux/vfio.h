/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VFIO user-space API, as the bundle provides it on every target kernel.
 *
 * Numbers and layouts are upstream's ABI: user space built against any
 * upstream <linux/vfio.h> talks to the bundle unchanged. Every ioctl takes
 * an argsz-led structure; the kernel reads only what it knows and new
 * fields are announced by flags.
 */
#ifndef _UAPI_VFIO_H
#define _UAPI_VFIO_H

/* Lets a build tell the bundle's header from a kernel's. */
#define VFIO_BACKPORTS_UAPI 1

#include <linux/types.h>
#include <linux/ioctl.h>

#define VFIO_API_VERSION	0

/* Extensions, as answered by VFIO_CHECK_EXTENSION. */
#define VFIO_TYPE1_IOMMU		1
#define VFIO_SPAPR_TCE_IOMMU		2
#define VFIO_TYPE1v2_IOMMU		3
#define VFIO_DMA_CC_IOMMU		4
#define VFIO_EEH			5
#define __VFIO_RESERVED_TYPE1_NESTING_IOMMU	6
#define VFIO_SPAPR_TCE_v2_IOMMU		7
#define VFIO_NOIOMMU_IOMMU		8
#define VFIO_UNMAP_ALL			9
#define VFIO_UPDATE_VADDR		10

#define VFIO_TYPE	(';')
#define VFIO_BASE	100

/* Container: /dev/vfio/vfio */

/* Returns VFIO_API_VERSION. */
#define VFIO_GET_API_VERSION		_IO(VFIO_TYPE, VFIO_BASE + 0)

/* Argument: an extension number. Returns >0 if supported, 0 if not. */
#define VFIO_CHECK_EXTENSION		_IO(VFIO_TYPE, VFIO_BASE + 1)

/* Argument: an IOMMU model (extension number); needs a group attached. */
#define VFIO_SET_IOMMU			_IO(VFIO_TYPE, VFIO_BASE + 2)

/* Group: /dev/vfio/$GROUP */

struct vfio_group_status {
	__u32	argsz;
	__u32	flags;
#define VFIO_GROUP_FLAGS_VIABLE		(1 << 0)
#define VFIO_GROUP_FLAGS_CONTAINER_SET	(1 << 1)
};

#define VFIO_GROUP_GET_STATUS		_IO(VFIO_TYPE, VFIO_BASE + 3)

/* Argument: pointer to the container's file descriptor (__s32). */
#define VFIO_GROUP_SET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 4)

#define VFIO_GROUP_UNSET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 5)

/* Argument: the device's name; returns a new device file descriptor. */
#define VFIO_GROUP_GET_DEVICE_FD	_IO(VFIO_TYPE, VFIO_BASE + 6)

#endif /* _UAPI_VFIO_H */
