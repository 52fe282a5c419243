/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VFIO user-space API, as the bundle provides it on every target kernel.
 *
 * Numbers and layouts are upstream's ABI: user space built against any
 * upstream <linux/vfio.h> talks to the bundle unchanged. Every ioctl takes
 * an argsz-led structure; the kernel reads only what it knows and new
 * fields are announced by flags. Info structures may be followed by a
 * chain of capabilities, linked by offsets from the start of the structure.
 *
 * This is the whole container, group and device API of upstream's newest
 * header, including what vfio-pci itself does not serve (other bus
 * drivers, migration, SPAPR): user space compiles against one header
 * whatever it drives. tests/build/uapi-abi compares every number, size
 * and offset with upstream's header and reads the list below.
 *
 * Left out on purpose, because they exist only for device files opened
 * through /dev/vfio/devices (cdev) with an iommufd, which the bundle does
 * not provide (its device files come from groups only):
 *  - VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_BIND_FLAG_TOKEN,
 *    struct vfio_device_bind_iommufd: binding a cdev to an iommufd
 *  - VFIO_DEVICE_ATTACH_IOMMUFD_PT, VFIO_DEVICE_ATTACH_PASID,
 *    struct vfio_device_attach_iommufd_pt: attaching it to an IOAS/HWPT
 *  - VFIO_DEVICE_DETACH_IOMMUFD_PT, VFIO_DEVICE_DETACH_PASID,
 *    struct vfio_device_detach_iommufd_pt: detaching it again
 * Their ioctl numbers (VFIO_BASE + 18 to 20) stay unused here: sent to a
 * device file they fail with ENOTTY, as upstream built without
 * CONFIG_VFIO_DEVICE_CDEV (Debian's configuration) answers.
 * Kept although cdev-only in meaning: the hot reset DEV_ID flags and
 * devid values, which are outputs of a group-path ioctl that user space
 * tests (the bundle never sets them).
 */
#ifndef _UAPI_VFIO_H
#define _UAPI_VFIO_H

/* Lets a build tell the bundle's header from a kernel's. */
#define VFIO_BACKPORTS_UAPI 1

#include <linux/types.h>
#include <linux/ioctl.h>

/* Installed kernel uapi headers have __user stripped; this one is not. */
#if !defined(__KERNEL__) && !defined(__user)
#define __user
#endif

#define VFIO_API_VERSION	0

/* Extensions, as answered by VFIO_CHECK_EXTENSION. */
#define VFIO_TYPE1_IOMMU		1
#define VFIO_SPAPR_TCE_IOMMU		2
#define VFIO_TYPE1v2_IOMMU		3
/* DMA is cache coherent (no-snoop blocked); may change with the groups. */
#define VFIO_DMA_CC_IOMMU		4
#define VFIO_EEH			5
/* Was the nesting Type1; the number is never reused. */
#define __VFIO_RESERVED_TYPE1_NESTING_IOMMU	6
#define VFIO_SPAPR_TCE_v2_IOMMU		7
/* No translation, no isolation: taints the kernel. */
#define VFIO_NOIOMMU_IOMMU		8
/* VFIO_DMA_UNMAP_FLAG_ALL */
#define VFIO_UNMAP_ALL			9
/* VFIO_DMA_{MAP,UNMAP}_FLAG_VADDR; off while an mdev is in the container */
#define VFIO_UPDATE_VADDR		10

/*
 * Every ioctl is _IO(): the size is in argsz, not in the command number,
 * so structures can grow.
 */
#define VFIO_TYPE	(';')
#define VFIO_BASE	100

/*
 * Header of every capability in an info chain. Offsets (the info's
 * cap_offset, each next) count from the start of the info buffer. If the
 * caller's argsz is too small for the chain, the ioctl still succeeds:
 * the CAPS flag is set, cap_offset is 0 and argsz says what is needed.
 */
struct vfio_info_cap_header {
	__u16	id;
	__u16	version;	/* of this id's layout */
	__u32	next;		/* offset of the next one; 0 ends the chain */
};

/* ---- Container: /dev/vfio/vfio ---- */

/* Returns VFIO_API_VERSION. */
#define VFIO_GET_API_VERSION		_IO(VFIO_TYPE, VFIO_BASE + 0)

/* Argument: an extension number. Returns >0 if supported, 0 if not. */
#define VFIO_CHECK_EXTENSION		_IO(VFIO_TYPE, VFIO_BASE + 1)

/* Argument: an IOMMU model (extension number); needs a group attached. */
#define VFIO_SET_IOMMU			_IO(VFIO_TYPE, VFIO_BASE + 2)

/* ---- Group: /dev/vfio/$GROUP ---- */

struct vfio_group_status {
	__u32	argsz;
	__u32	flags;
#define VFIO_GROUP_FLAGS_VIABLE		(1 << 0)
#define VFIO_GROUP_FLAGS_CONTAINER_SET	(1 << 1)
};

#define VFIO_GROUP_GET_STATUS		_IO(VFIO_TYPE, VFIO_BASE + 3)

/* Argument: pointer to the container's file descriptor (__s32). */
#define VFIO_GROUP_SET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 4)

/* Every device file of the group must be closed first. */
#define VFIO_GROUP_UNSET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 5)

/* Argument: the device's name; returns a new device file descriptor. */
#define VFIO_GROUP_GET_DEVICE_FD	_IO(VFIO_TYPE, VFIO_BASE + 6)

/* ---- Device ---- */

struct vfio_device_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_FLAGS_RESET		(1 << 0)
#define VFIO_DEVICE_FLAGS_PCI		(1 << 1)
#define VFIO_DEVICE_FLAGS_PLATFORM	(1 << 2)
#define VFIO_DEVICE_FLAGS_AMBA		(1 << 3)
#define VFIO_DEVICE_FLAGS_CCW		(1 << 4)
#define VFIO_DEVICE_FLAGS_AP		(1 << 5)
#define VFIO_DEVICE_FLAGS_FSL_MC	(1 << 6)
#define VFIO_DEVICE_FLAGS_CAPS		(1 << 7)	/* cap_offset is valid */
#define VFIO_DEVICE_FLAGS_CDX		(1 << 8)
	__u32	num_regions;	/* highest region index + 1 */
	__u32	num_irqs;	/* highest IRQ index + 1 */
	__u32	cap_offset;
	__u32	pad;
};

#define VFIO_DEVICE_GET_INFO		_IO(VFIO_TYPE, VFIO_BASE + 7)

/* Values of the device_api attribute of mdev types. */
#define VFIO_DEVICE_API_PCI_STRING		"vfio-pci"
#define VFIO_DEVICE_API_PLATFORM_STRING		"vfio-platform"
#define VFIO_DEVICE_API_AMBA_STRING		"vfio-amba"
#define VFIO_DEVICE_API_CCW_STRING		"vfio-ccw"
#define VFIO_DEVICE_API_AP_STRING		"vfio-ap"

/* Device info capabilities. 1-4: s390 zPCI, laid out in vfio_zdev.h. */
#define VFIO_DEVICE_INFO_CAP_ZPCI_BASE		1
#define VFIO_DEVICE_INFO_CAP_ZPCI_GROUP		2
#define VFIO_DEVICE_INFO_CAP_ZPCI_UTIL		3
#define VFIO_DEVICE_INFO_CAP_ZPCI_PFIP		4

/*
 * PCIe AtomicOps the device may send up to the root port and have
 * completed there, by operand size.
 */
#define VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP	5
struct vfio_device_info_cap_pci_atomic_comp {
	struct vfio_info_cap_header header;
	__u32	flags;
#define VFIO_PCI_ATOMIC_COMP32		(1 << 0)
#define VFIO_PCI_ATOMIC_COMP64		(1 << 1)
#define VFIO_PCI_ATOMIC_COMP128		(1 << 2)
	__u32	reserved;
};

/* A region of size 0 is one the device does not have. */
struct vfio_region_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_REGION_INFO_FLAG_READ	(1 << 0)
#define VFIO_REGION_INFO_FLAG_WRITE	(1 << 1)
#define VFIO_REGION_INFO_FLAG_MMAP	(1 << 2)
#define VFIO_REGION_INFO_FLAG_CAPS	(1 << 3)
	__u32	index;
	__u32	cap_offset;
	__aligned_u64	size;
	__aligned_u64	offset;	/* of the region in the device fd */
};

#define VFIO_DEVICE_GET_REGION_INFO	_IO(VFIO_TYPE, VFIO_BASE + 8)

/* Only these parts of an mmap-able region may be mapped. */
#define VFIO_REGION_INFO_CAP_SPARSE_MMAP	1
struct vfio_region_sparse_mmap_area {
	__aligned_u64	offset;	/* from the start of the region */
	__aligned_u64	size;
};

struct vfio_region_info_cap_sparse_mmap {
	struct vfio_info_cap_header header;
	__u32	nr_areas;
	__u32	reserved;
	struct vfio_region_sparse_mmap_area areas[];
};

/* What a device-specific region (index >= the bus's fixed ones) holds. */
#define VFIO_REGION_INFO_CAP_TYPE	2
struct vfio_region_info_cap_type {
	struct vfio_info_cap_header header;
	__u32	type;		/* per bus driver */
	__u32	subtype;	/* per type */
};

/* Region types. A PCI vendor type carries the vendor ID in its low bits. */
#define VFIO_REGION_TYPE_PCI_VENDOR_TYPE	(1 << 31)
#define VFIO_REGION_TYPE_PCI_VENDOR_MASK	(0xffff)
#define VFIO_REGION_TYPE_GFX			(1)
#define VFIO_REGION_TYPE_CCW			(2)
#define VFIO_REGION_TYPE_MIGRATION_DEPRECATED	(3)

/* Subtypes of vendor 8086 (Intel graphics). */
#define VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION	(1)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG	(2)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG	(3)

/* Subtype of vendor 10de; no kernel offers the region any more. */
#define VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM	(1)

/* Subtype of vendor 1014; no kernel offers the region any more. */
#define VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD	(1)

/* Subtypes of VFIO_REGION_TYPE_GFX. */
#define VFIO_REGION_SUBTYPE_GFX_EDID		(1)

/*
 * Layout of the EDID region of a virtual display. To change the EDID:
 * set link_state down, write the blob and edid_size, set it up again.
 * The blob lives at edid_offset in the region; max_xres and max_yres are
 * limits, 0 for none.
 */
struct vfio_region_gfx_edid {
	__u32	edid_offset;	/* read-only */
	__u32	edid_max_size;	/* read-only */
	__u32	edid_size;
	__u32	max_xres;	/* read-only */
	__u32	max_yres;	/* read-only */
	__u32	link_state;
#define VFIO_DEVICE_GFX_LINK_STATE_UP		1
#define VFIO_DEVICE_GFX_LINK_STATE_DOWN		2
};

/* Subtypes of VFIO_REGION_TYPE_CCW. */
#define VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD	(1)
#define VFIO_REGION_SUBTYPE_CCW_SCHIB		(2)
#define VFIO_REGION_SUBTYPE_CCW_CRW		(3)

/*
 * The first migration protocol (a region), replaced by the
 * VFIO_DEVICE_FEATURE_MIG_* features below and served by no kernel since
 * 5.18. Kept so that old sources still compile.
 */
#define VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED	(1)

struct vfio_device_migration_info {
	__u32	device_state;
#define VFIO_DEVICE_STATE_V1_STOP	(0)
#define VFIO_DEVICE_STATE_V1_RUNNING	(1 << 0)
#define VFIO_DEVICE_STATE_V1_SAVING	(1 << 1)
#define VFIO_DEVICE_STATE_V1_RESUMING	(1 << 2)
#define VFIO_DEVICE_STATE_MASK		(VFIO_DEVICE_STATE_V1_RUNNING | \
					 VFIO_DEVICE_STATE_V1_SAVING | \
					 VFIO_DEVICE_STATE_V1_RESUMING)
/* RESUMING only goes alone; every other combination is valid. */
#define VFIO_DEVICE_STATE_VALID(state)					\
	(((state) & VFIO_DEVICE_STATE_V1_RESUMING) ?			\
	 ((state) & VFIO_DEVICE_STATE_MASK) ==				\
		VFIO_DEVICE_STATE_V1_RESUMING : 1)
/* SAVING and RESUMING together, and nothing else, is the error state. */
#define VFIO_DEVICE_STATE_IS_ERROR(state)				\
	(((state) & VFIO_DEVICE_STATE_MASK) ==				\
	 (VFIO_DEVICE_STATE_V1_SAVING | VFIO_DEVICE_STATE_V1_RESUMING))
#define VFIO_DEVICE_STATE_SET_ERROR(state)				\
	(((state) & ~VFIO_DEVICE_STATE_MASK) |				\
	 VFIO_DEVICE_STATE_V1_SAVING | VFIO_DEVICE_STATE_V1_RESUMING)
	__u32	reserved;
	__aligned_u64	pending_bytes;
	__aligned_u64	data_offset;
	__aligned_u64	data_size;
};

/*
 * The MSI-X table may be mmapped along with the rest of its BAR; vectors
 * are still set up through VFIO_DEVICE_SET_IRQS.
 */
#define VFIO_REGION_INFO_CAP_MSIX_MAPPABLE	3

/* NVLink2 (POWER9) region capabilities; no kernel provides them any more. */
#define VFIO_REGION_INFO_CAP_NVLINK2_SSATGT	4
struct vfio_region_info_cap_nvlink2_ssatgt {
	struct vfio_info_cap_header header;
	__aligned_u64	tgt;	/* where GPU RAM sits on the system bus */
};

#define VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD	5
struct vfio_region_info_cap_nvlink2_lnkspd {
	struct vfio_info_cap_header header;
	__u32	link_speed;
	__u32	__pad;
};

/*
 * An IRQ index of count 0 is one the device does not have. AUTOMASKED:
 * the line is masked when it fires and the user unmasks it (level
 * triggered). NORESIZE: the vectors of the index are enabled as one set,
 * so adding one means disabling the index first.
 */
struct vfio_irq_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_INFO_EVENTFD		(1 << 0)
#define VFIO_IRQ_INFO_MASKABLE		(1 << 1)
#define VFIO_IRQ_INFO_AUTOMASKED	(1 << 2)
#define VFIO_IRQ_INFO_NORESIZE		(1 << 3)
	__u32	index;
	__u32	count;
};

#define VFIO_DEVICE_GET_IRQ_INFO	_IO(VFIO_TYPE, VFIO_BASE + 9)

/*
 * One DATA_ type and one ACTION_ type per call, on vectors [start,
 * start + count) of index. data[] holds count bools or count __s32
 * eventfds (-1: unassign, or skip). TRIGGER eventfds go from kernel to
 * user and enable the index; MASK and UNMASK eventfds go the other way.
 * TRIGGER with DATA_NONE or DATA_BOOL fires the interrupt from software;
 * with DATA_NONE and count 0 it disables the whole index.
 */
struct vfio_irq_set {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_SET_DATA_NONE		(1 << 0)
#define VFIO_IRQ_SET_DATA_BOOL		(1 << 1)
#define VFIO_IRQ_SET_DATA_EVENTFD	(1 << 2)
#define VFIO_IRQ_SET_ACTION_MASK	(1 << 3)
#define VFIO_IRQ_SET_ACTION_UNMASK	(1 << 4)
#define VFIO_IRQ_SET_ACTION_TRIGGER	(1 << 5)
	__u32	index;
	__u32	start;
	__u32	count;
	__u8	data[];
};

#define VFIO_DEVICE_SET_IRQS		_IO(VFIO_TYPE, VFIO_BASE + 10)

#define VFIO_IRQ_SET_DATA_TYPE_MASK	(VFIO_IRQ_SET_DATA_NONE | \
					 VFIO_IRQ_SET_DATA_BOOL | \
					 VFIO_IRQ_SET_DATA_EVENTFD)
#define VFIO_IRQ_SET_ACTION_TYPE_MASK	(VFIO_IRQ_SET_ACTION_MASK | \
					 VFIO_IRQ_SET_ACTION_UNMASK | \
					 VFIO_IRQ_SET_ACTION_TRIGGER)

#define VFIO_DEVICE_RESET		_IO(VFIO_TYPE, VFIO_BASE + 11)

/*
 * vfio-pci's fixed region and IRQ indexes. The VGA region passes the
 * legacy ranges (I/O 0x3b0-0x3bb and 0x3c0-0x3df, memory 0xa0000-0xbffff)
 * at their own addresses as offsets into it. Indexes from
 * VFIO_PCI_NUM_REGIONS on are device specific (VFIO_REGION_INFO_CAP_TYPE).
 */
enum {
	VFIO_PCI_BAR0_REGION_INDEX,
	VFIO_PCI_BAR1_REGION_INDEX,
	VFIO_PCI_BAR2_REGION_INDEX,
	VFIO_PCI_BAR3_REGION_INDEX,
	VFIO_PCI_BAR4_REGION_INDEX,
	VFIO_PCI_BAR5_REGION_INDEX,
	VFIO_PCI_ROM_REGION_INDEX,
	VFIO_PCI_CONFIG_REGION_INDEX,
	VFIO_PCI_VGA_REGION_INDEX,
	VFIO_PCI_NUM_REGIONS = 9
};

enum {
	VFIO_PCI_INTX_IRQ_INDEX,
	VFIO_PCI_MSI_IRQ_INDEX,
	VFIO_PCI_MSIX_IRQ_INDEX,
	VFIO_PCI_ERR_IRQ_INDEX,
	VFIO_PCI_REQ_IRQ_INDEX,
	VFIO_PCI_NUM_IRQS
};

/* vfio-ccw's fixed region and IRQ indexes. */
enum {
	VFIO_CCW_CONFIG_REGION_INDEX,
	VFIO_CCW_NUM_REGIONS
};

enum {
	VFIO_CCW_IO_IRQ_INDEX,
	VFIO_CCW_CRW_IRQ_INDEX,
	VFIO_CCW_REQ_IRQ_INDEX,
	VFIO_CCW_NUM_IRQS
};

/* vfio-ap's IRQ indexes. */
enum {
	VFIO_AP_REQ_IRQ_INDEX,
	VFIO_AP_CFG_CHG_IRQ_INDEX,
	VFIO_AP_NUM_IRQS
};

/*
 * Hot reset: the devices a bus or slot reset of this one would affect
 * (ENOSPC with count set if devices[] is too short), and the proof of
 * owning them all: a group file descriptor for each of their groups.
 * Through groups, group_id is filled in; devid and the DEV_ID flags
 * belong to cdev-opened devices.
 */
struct vfio_pci_dependent_device {
	union {
		__u32	group_id;
		__u32	devid;
#define VFIO_PCI_DEVID_OWNED		0
#define VFIO_PCI_DEVID_NOT_OWNED	-1
	};
	__u16	segment;
	__u8	bus;
	__u8	devfn;
};

struct vfio_pci_hot_reset_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID		(1 << 0)
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED	(1 << 1)
	__u32	count;
	struct vfio_pci_dependent_device devices[];
};

#define VFIO_DEVICE_GET_PCI_HOT_RESET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

struct vfio_pci_hot_reset {
	__u32	argsz;
	__u32	flags;
	__u32	count;
	__s32	group_fds[];
};

#define VFIO_DEVICE_PCI_HOT_RESET	_IO(VFIO_TYPE, VFIO_BASE + 13)

/*
 * Virtual displays (mdev): describe the plane of drm_plane_type, as a
 * dma-buf or a region. PROBE with DMABUF or REGION asks which of the two
 * the device offers (EINVAL: not this one). A plane the guest disabled
 * reads back with zero format and geometry; x_hot and y_hot are
 * 0xffffffff when there is no cursor hotspot.
 */
struct vfio_device_gfx_plane_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_GFX_PLANE_TYPE_PROBE	(1 << 0)
#define VFIO_GFX_PLANE_TYPE_DMABUF	(1 << 1)
#define VFIO_GFX_PLANE_TYPE_REGION	(1 << 2)
	__u32	drm_plane_type;		/* in: DRM_PLANE_TYPE_* */
	__u32	drm_format;		/* the rest is out */
	__aligned_u64	drm_format_mod;
	__u32	width;
	__u32	height;
	__u32	stride;
	__u32	size;			/* bytes, page aligned */
	__u32	x_pos;			/* of a cursor plane */
	__u32	y_pos;
	__u32	x_hot;
	__u32	y_hot;
	union {
		__u32	region_index;
		__u32	dmabuf_id;
	};
	__u32	reserved;
};

#define VFIO_DEVICE_QUERY_GFX_PLANE	_IO(VFIO_TYPE, VFIO_BASE + 14)

/* Argument: a dmabuf_id from QUERY_GFX_PLANE; returns a dma-buf fd. */
#define VFIO_DEVICE_GET_GFX_DMABUF	_IO(VFIO_TYPE, VFIO_BASE + 15)

/*
 * Write data to a device fd offset when an eventfd fires. vfio-pci takes
 * BARs only, and not the MSI-X table.
 */
struct vfio_device_ioeventfd {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_IOEVENTFD_8		(1 << 0)
#define VFIO_DEVICE_IOEVENTFD_16	(1 << 1)
#define VFIO_DEVICE_IOEVENTFD_32	(1 << 2)
#define VFIO_DEVICE_IOEVENTFD_64	(1 << 3)
#define VFIO_DEVICE_IOEVENTFD_SIZE_MASK	(0xf)
	__aligned_u64	offset;
	__aligned_u64	data;
	__s32	fd;		/* -1 removes */
	__u32	reserved;
};

#define VFIO_DEVICE_IOEVENTFD		_IO(VFIO_TYPE, VFIO_BASE + 16)

/*
 * Device features: flags carry the feature index and what to do, GET or
 * SET; data[] is the feature's. PROBE asks whether the feature exists
 * and, with GET and/or SET beside it, whether those would work; it needs
 * no data. GET and SET together are only valid with PROBE. A feature the
 * device does not have answers ENOTTY.
 */
struct vfio_device_feature {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_FEATURE_MASK	(0xffff)
#define VFIO_DEVICE_FEATURE_GET		(1 << 16)
#define VFIO_DEVICE_FEATURE_SET		(1 << 17)
#define VFIO_DEVICE_FEATURE_PROBE	(1 << 18)
	__u8	data[];
};

#define VFIO_DEVICE_FEATURE		_IO(VFIO_TYPE, VFIO_BASE + 17)

/*
 * VFIO_BASE + 18 to 20 are the iommufd-only device ioctls: see the top
 * of this file.
 */

/*
 * SET, on an SR-IOV PF with VFs enabled and none of them open: a 16-byte
 * UUID that whoever opens one of its VFs must present.
 */
#define VFIO_DEVICE_FEATURE_PCI_VF_TOKEN	(0)

/*
 * GET: the device can migrate. STOP_COPY is always set and brings the
 * STOP, STOP_COPY and RESUMING states; P2P adds RUNNING_P2P, PRE_COPY adds
 * PRE_COPY, and both together add PRE_COPY_P2P. RUNNING and ERROR always
 * exist.
 */
struct vfio_device_feature_migration {
	__aligned_u64	flags;
#define VFIO_MIGRATION_STOP_COPY	(1 << 0)
#define VFIO_MIGRATION_P2P		(1 << 1)
#define VFIO_MIGRATION_PRE_COPY		(1 << 2)
};
#define VFIO_DEVICE_FEATURE_MIGRATION	1

/*
 * SET: move the device to device_state (enum vfio_device_mig_state),
 * through whatever intermediate states the shortest path takes; on
 * failure it may be left in any state along the way, or in ERROR, which
 * only VFIO_DEVICE_RESET leaves. A transition that starts a data
 * session (into a saving state, or into RESUMING) returns its file in
 * data_fd: read() the device state out of it, or write() it in.
 * GET: the current state; data_fd is -1.
 */
struct vfio_device_feature_mig_state {
	__u32	device_state;
	__s32	data_fd;
};
#define VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE	2

/*
 * Migration states. STOP: no DMA, no interrupts, no change of state.
 * STOP_COPY: stopped, its state streams out. RESUMING: stopped, a state
 * streams in. RUNNING_P2P: running but starts no peer-to-peer DMA.
 * PRE_COPY and PRE_COPY_P2P: running (resp. RUNNING_P2P) while an
 * initial state streams out; they share one session with STOP_COPY.
 * ERROR is never asked for: a failed transition may land there.
 */
enum vfio_device_mig_state {
	VFIO_DEVICE_STATE_ERROR = 0,
	VFIO_DEVICE_STATE_STOP = 1,
	VFIO_DEVICE_STATE_RUNNING = 2,
	VFIO_DEVICE_STATE_STOP_COPY = 3,
	VFIO_DEVICE_STATE_RESUMING = 4,
	VFIO_DEVICE_STATE_RUNNING_P2P = 5,
	VFIO_DEVICE_STATE_PRE_COPY = 6,
	VFIO_DEVICE_STATE_PRE_COPY_P2P = 7,
	VFIO_DEVICE_STATE_NR,
};

/*
 * On the data file of a PRE_COPY session (EINVAL in other states): how
 * much initial and dirtied state is left to read now. When both are 0,
 * read() says ENOMSG until more state appears. REINIT (only after the
 * user SET MIG_PRECOPY_INFOv2; flags is reserved otherwise): a new
 * initial state started in the stream.
 */
struct vfio_precopy_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_PRECOPY_INFO_REINIT	(1 << 0)
	__aligned_u64	initial_bytes;
	__aligned_u64	dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)

/*
 * SET: let runtime power management put the device in a low power state.
 * Any access through the device file (ioctl, read, write) powers it up
 * for as long as it takes; mmaps of its regions fault until
 * LOW_POWER_EXIT.
 */
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY	3

/*
 * SET: the same, once: the first wake-up after the device reached low
 * power signals the eventfd and ends low power, as LOW_POWER_EXIT would.
 */
struct vfio_device_low_power_entry_with_wakeup {
	__s32	wakeup_eventfd;
	__u32	reserved;
};

#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP	4

/* SET: back to full power (signals a pending wake-up eventfd). */
#define VFIO_DEVICE_FEATURE_LOW_POWER_EXIT	5

/*
 * SET: start logging the device's DMA writes within ranges (a user
 * pointer to num_ranges struct vfio_device_feature_dma_logging_range).
 * page_size is a hint in and the granularity chosen out. One start, then
 * one stop; PROBE tells whether the device can log at all.
 */
struct vfio_device_feature_dma_logging_control {
	__aligned_u64	page_size;
	__u32	num_ranges;
	__u32	__reserved;
	__aligned_u64	ranges;
};

struct vfio_device_feature_dma_logging_range {
	__aligned_u64	iova;
	__aligned_u64	length;
};

#define VFIO_DEVICE_FEATURE_DMA_LOGGING_START	6

/* SET: stop the logging started above. */
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP	7

/*
 * GET: set a bit in the user's bitmap (a user pointer to u64s, one bit
 * per page_size of [iova, iova + length)) for each page written since
 * the last report, and clear the log of that range. Bits are only ever
 * set, never cleared. After an error, treat everything as dirty.
 */
struct vfio_device_feature_dma_logging_report {
	__aligned_u64	iova;
	__aligned_u64	length;
	__aligned_u64	page_size;
	__aligned_u64	bitmap;
};

#define VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT	8

/* GET, in any state: an estimate of the bytes STOP_COPY will stream. */
struct vfio_device_feature_mig_data_size {
	__aligned_u64	stop_copy_length;
};

#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE	9

/*
 * SET: allow or block the device's DMA, for buses with no in-band
 * control of it (CDX). PCI devices use their command register instead.
 */
struct vfio_device_feature_bus_master {
	__u32	op;
#define VFIO_DEVICE_FEATURE_CLEAR_MASTER	0
#define VFIO_DEVICE_FEATURE_SET_MASTER		1
};
#define VFIO_DEVICE_FEATURE_BUS_MASTER	10

/*
 * GET: a dma-buf of nr_ranges slices of region region_index, for
 * peer-to-peer DMA; returns its fd. open_flags as for open(2) (O_RDWR,
 * O_CLOEXEC); flags must be 0. The buffer is revoked when the device is
 * reset or closed.
 */
#define VFIO_DEVICE_FEATURE_DMA_BUF	11

struct vfio_region_dma_range {
	__u64	offset;
	__u64	length;
};

struct vfio_device_feature_dma_buf {
	__u32	region_index;
	__u32	open_flags;
	__u32	flags;
	__u32	nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};

/* SET: make vfio_precopy_info.flags an output (VFIO_PRECOPY_INFO_REINIT). */
#define VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2	12

/* ---- Type1 IOMMU, on the container ---- */

struct vfio_iommu_type1_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_INFO_PGSIZES	(1 << 0)
#define VFIO_IOMMU_INFO_CAPS	(1 << 1)
	__aligned_u64	iova_pgsizes;
	__u32	cap_offset;
	__u32	pad;
};

/* The IOVA ranges MAP_DMA accepts (reserved regions taken out). */
#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE	1
struct vfio_iova_range {
	__u64	start;
	__u64	end;		/* inclusive */
};

struct vfio_iommu_type1_info_cap_iova_range {
	struct vfio_info_cap_header header;
	__u32	nr_iovas;
	__u32	reserved;
	struct vfio_iova_range iova_ranges[];
};

/* Dirty page tracking is there, with these page sizes and bitmap limit. */
#define VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION	2
struct vfio_iommu_type1_info_cap_migration {
	struct vfio_info_cap_header header;
	__u32	flags;
	__u64	pgsize_bitmap;
	__u64	max_dirty_bitmap_size;	/* bytes */
};

/* How many more mappings the container may hold. */
#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL	3
struct vfio_iommu_type1_info_dma_avail {
	struct vfio_info_cap_header header;
	__u32	avail;
};

#define VFIO_IOMMU_GET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

/*
 * READ and/or WRITE: map. VADDR alone: give a mapping whose vaddr was
 * invalidated (UNMAP_FLAG_VADDR) its new vaddr, same iova and size.
 */
struct vfio_iommu_type1_dma_map {
	__u32	argsz;
	__u32	flags;
#define VFIO_DMA_MAP_FLAG_READ	(1 << 0)
#define VFIO_DMA_MAP_FLAG_WRITE	(1 << 1)
#define VFIO_DMA_MAP_FLAG_VADDR	(1 << 2)
	__u64	vaddr;
	__u64	iova;
	__u64	size;
};

#define VFIO_IOMMU_MAP_DMA	_IO(VFIO_TYPE, VFIO_BASE + 13)

struct vfio_bitmap {
	__u64	pgsize;
	__u64	size;		/* in bytes */
	__u64 __user *data;
};

/*
 * On return, size is how much was unmapped. GET_DIRTY_BITMAP: data[]
 * holds a struct vfio_bitmap to fill for the range. ALL: everything
 * (iova and size 0). VADDR: keep the mapping, forget its vaddr until
 * MAP_FLAG_VADDR gives a new one.
 */
struct vfio_iommu_type1_dma_unmap {
	__u32	argsz;
	__u32	flags;
#define VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP	(1 << 0)
#define VFIO_DMA_UNMAP_FLAG_ALL			(1 << 1)
#define VFIO_DMA_UNMAP_FLAG_VADDR		(1 << 2)
	__u64	iova;
	__u64	size;
	__u8	data[];
};

#define VFIO_IOMMU_UNMAP_DMA	_IO(VFIO_TYPE, VFIO_BASE + 14)

/* SPAPR only. */
#define VFIO_IOMMU_ENABLE	_IO(VFIO_TYPE, VFIO_BASE + 15)
#define VFIO_IOMMU_DISABLE	_IO(VFIO_TYPE, VFIO_BASE + 16)

/*
 * One of START, STOP or GET_BITMAP per call. GET_BITMAP: data[] holds a
 * struct vfio_iommu_type1_dirty_bitmap_get; argsz counts it but not the
 * bitmap, which the user zeroes.
 */
struct vfio_iommu_type1_dirty_bitmap {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_START	(1 << 0)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP	(1 << 1)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP	(1 << 2)
	__u8	data[];
};

struct vfio_iommu_type1_dirty_bitmap_get {
	__u64	iova;
	__u64	size;
	struct vfio_bitmap bitmap;
};

#define VFIO_IOMMU_DIRTY_PAGES	_IO(VFIO_TYPE, VFIO_BASE + 17)

/* ---- SPAPR TCE IOMMU (POWER), on the container ---- */

/* Dynamic DMA windows: page sizes, how many windows, table levels. */
struct vfio_iommu_spapr_tce_ddw_info {
	__u64	pgsizes;
	__u32	max_dynamic_windows_supported;
	__u32	levels;
};

/* The 32-bit DMA window, as absolute PCI bus addresses. */
struct vfio_iommu_spapr_tce_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_SPAPR_INFO_DDW	(1 << 0)	/* ddw is valid */
	__u32	dma32_window_start;
	__u32	dma32_window_size;
	struct vfio_iommu_spapr_tce_ddw_info ddw;
};

#define VFIO_IOMMU_SPAPR_TCE_GET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

/* EEH partitionable endpoint operations. */
struct vfio_eeh_pe_err {
	__u32	type;
	__u32	func;
	__u64	addr;
	__u64	mask;
};

struct vfio_eeh_pe_op {
	__u32	argsz;
	__u32	flags;
	__u32	op;
	union {
		struct vfio_eeh_pe_err err;
	};
};

#define VFIO_EEH_PE_DISABLE		0
#define VFIO_EEH_PE_ENABLE		1
#define VFIO_EEH_PE_UNFREEZE_IO		2
#define VFIO_EEH_PE_UNFREEZE_DMA	3
#define VFIO_EEH_PE_GET_STATE		4
/* What GET_STATE returns: */
#define  VFIO_EEH_PE_STATE_NORMAL	0
#define  VFIO_EEH_PE_STATE_RESET	1
#define  VFIO_EEH_PE_STATE_STOPPED	2
#define  VFIO_EEH_PE_STATE_STOPPED_DMA	4
#define  VFIO_EEH_PE_STATE_UNAVAIL	5
#define VFIO_EEH_PE_RESET_DEACTIVATE	5
#define VFIO_EEH_PE_RESET_HOT		6
#define VFIO_EEH_PE_RESET_FUNDAMENTAL	7
#define VFIO_EEH_PE_CONFIGURE		8
#define VFIO_EEH_PE_INJECT_ERR		9

#define VFIO_EEH_PE_OP			_IO(VFIO_TYPE, VFIO_BASE + 21)

/* Pin and account user memory up front, for faster MAP/UNMAP later. */
struct vfio_iommu_spapr_register_memory {
	__u32	argsz;
	__u32	flags;
	__u64	vaddr;
	__u64	size;
};

#define VFIO_IOMMU_SPAPR_REGISTER_MEMORY	_IO(VFIO_TYPE, VFIO_BASE + 17)

/* Same structure: undo a registration. */
#define VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY	_IO(VFIO_TYPE, VFIO_BASE + 18)

/* A new DMA window in every group of the container; start_addr is out. */
struct vfio_iommu_spapr_tce_create {
	__u32	argsz;
	__u32	flags;
	__u32	page_shift;
	__u32	__resv1;
	__u64	window_size;
	__u32	levels;
	__u32	__resv2;
	__u64	start_addr;
};

#define VFIO_IOMMU_SPAPR_TCE_CREATE	_IO(VFIO_TYPE, VFIO_BASE + 19)

/* Remove the window that starts at start_addr. */
struct vfio_iommu_spapr_tce_remove {
	__u32	argsz;
	__u32	flags;
	__u64	start_addr;
};

#define VFIO_IOMMU_SPAPR_TCE_REMOVE	_IO(VFIO_TYPE, VFIO_BASE + 20)

#endif /* _UAPI_VFIO_H */
