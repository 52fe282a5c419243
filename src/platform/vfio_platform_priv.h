/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by vfio-platform-base and its bus drivers (vfio-platform,
 * vfio-amba): the device structure they allocate and the callbacks they
 * put in their vfio_device_ops.
 */
#ifndef VFIO_BACKPORTS_PLATFORM_PRIV_H
#define VFIO_BACKPORTS_PLATFORM_PRIV_H

#include <linux/interrupt.h>
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/vfio_platform.h>

/* Region index in the top bits of the device fd offset, as upstream. */
#define VFIO_PLATFORM_OFFSET_SHIFT	40
#define VFIO_PLATFORM_OFFSET_MASK	((1ULL << VFIO_PLATFORM_OFFSET_SHIFT) - 1)
#define VFIO_PLATFORM_OFFSET_TO_INDEX(off)	((off) >> VFIO_PLATFORM_OFFSET_SHIFT)
#define VFIO_PLATFORM_INDEX_TO_OFFSET(index)	\
	((u64)(index) << VFIO_PLATFORM_OFFSET_SHIFT)

struct vfio_platform_region {
	phys_addr_t addr;
	resource_size_t size;
	u32 flags;			/* VFIO_REGION_INFO_FLAG_* */
	bool mmio;			/* else port I/O: no read/write */
	void __iomem *ioaddr;		/* mapped on first use */
};

struct vfio_platform_irq {
	u32 flags;			/* VFIO_IRQ_INFO_* */
	int hwirq;
	char *name;			/* for /proc/interrupts */
	struct eventfd_ctx *trigger;	/* under igate */
	struct virqfd *mask;		/* under igate */
	struct virqfd *unmask;		/* under igate */

	spinlock_t lock;		/* the two below */
	bool masked;			/* by user space, or automasked */
	bool requested;			/* our handler is installed */
};

struct vfio_platform_device {
	struct vfio_device vdev;	/* first: see vfio_alloc_device() */

	/* Set by the bus driver before vfio_platform_register(). */
	const char *name;
	bool reset_required;
	u32 flags;			/* VFIO_DEVICE_FLAGS_PLATFORM or _AMBA */
	struct resource *(*get_resource)(struct vfio_platform_device *vpdev,
					 unsigned int i);
	int (*get_irq)(struct vfio_platform_device *vpdev, unsigned int i);

	/* Private to vfio-platform-base. */
	const char *compat;		/* "compatible", or NULL */
	const char *acpihid;		/* ACPI HID, or NULL */
	struct vfio_platform_reset_node *reset;	/* module held */
	struct vfio_platform_region *regions;
	unsigned int num_regions;
	struct mutex region_lock;	/* ioaddr mappings */
	struct vfio_platform_irq *irqs;
	unsigned int num_irqs;
	struct mutex igate;		/* interrupt setup */
};

static inline struct vfio_platform_device *
to_vfio_platform(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_platform_device, vdev);
}

/* vfio_platform_common.c: for the bus drivers */
int vfio_platform_register(struct vfio_platform_device *vpdev);
void vfio_platform_unregister(struct vfio_platform_device *vpdev);
void vfio_platform_release_common(struct vfio_device *vdev);
int vfio_platform_open_device(struct vfio_device *vdev);
void vfio_platform_close_device(struct vfio_device *vdev);
long vfio_platform_ioctl(struct vfio_device *vdev, unsigned int cmd,
			 unsigned long arg);
ssize_t vfio_platform_read(struct vfio_device *vdev, char __user *buf,
			   size_t count, loff_t *ppos);
ssize_t vfio_platform_write(struct vfio_device *vdev, const char __user *buf,
			    size_t count, loff_t *ppos);
int vfio_platform_mmap(struct vfio_device *vdev, struct vm_area_struct *vma);

/* vfio_platform_irq.c: inside vfio-platform-base */
int vfio_platform_irq_init(struct vfio_platform_device *vpdev);
void vfio_platform_irq_cleanup(struct vfio_platform_device *vpdev);
void vfio_platform_irq_free(struct vfio_platform_device *vpdev);
int vfio_platform_set_irqs(struct vfio_platform_device *vpdev, u32 flags,
			   unsigned int index, unsigned int start,
			   unsigned int count, void *data);

#endif /* VFIO_BACKPORTS_PLATFORM_PRIV_H */
