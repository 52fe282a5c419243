/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One name for each kernel API that changed between the targets. The
 * choice is made by the probes' HAVE_* macros (compat/configure), never by
 * version numbers, so distro backports are followed automatically.
 */
#ifndef VFIO_BACKPORTS_COMPAT_H
#define VFIO_BACKPORTS_COMPAT_H

#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/iommu.h>

#include "kernel_features.h"
#include "kernel_range.h"
#include "shadow_check.h"
#include "kvm_check.h"

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

/*
 * Since v5.19 a driver that does its own DMA ownership (the VFIO core
 * claims the IOMMU group) says so in its struct pci_driver,
 * platform_driver or amba_driver (one upstream change for the three);
 * before, there is nothing to say.
 */
#ifdef HAVE_PCI_DRIVER_MANAGED_DMA
#define vfio_compat_driver_managed_dma(drv) ((drv)->driver_managed_dma = true)
#else
#define vfio_compat_driver_managed_dma(drv) do { } while (0)
#endif

/* eventfd_signal() lost its count argument in v6.8. */
static inline void vfio_compat_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef HAVE_PCI_EVENTFD_SIGNAL_NO_COUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/*
 * Bus callbacks whose types changed: remove() returns void since v5.15,
 * match() takes a const driver since v6.11. A bus defines its callbacks
 * with the new types and wraps them with these, so that its struct
 * bus_type gets what the kernel expects.
 */
#define VFIO_COMPAT_REMOVE_VOID(name, fn, type)				\
static void name(type *d)						\
{									\
	fn(d);								\
}
#define VFIO_COMPAT_REMOVE_INT(name, fn, type)				\
static int name(type *d)						\
{									\
	fn(d);								\
	return 0;							\
}

#ifdef HAVE_BUS_REMOVE_VOID
#define VFIO_COMPAT_BUS_REMOVE(name, fn)				\
	VFIO_COMPAT_REMOVE_VOID(name, fn, struct device)
#else
#define VFIO_COMPAT_BUS_REMOVE(name, fn)				\
	VFIO_COMPAT_REMOVE_INT(name, fn, struct device)
#endif

/*
 * Drivers' remove() turned void too: a platform driver's in v6.11, an
 * AMBA driver's before Debian's 5.10. Same use as VFIO_COMPAT_BUS_REMOVE().
 */
#ifdef HAVE_PLATFORM_REMOVE_VOID
#define VFIO_COMPAT_PLATFORM_REMOVE(name, fn)				\
	VFIO_COMPAT_REMOVE_VOID(name, fn, struct platform_device)
#else
#define VFIO_COMPAT_PLATFORM_REMOVE(name, fn)				\
	VFIO_COMPAT_REMOVE_INT(name, fn, struct platform_device)
#endif

#ifdef HAVE_AMBA_REMOVE_VOID
#define VFIO_COMPAT_AMBA_REMOVE(name, fn)				\
	VFIO_COMPAT_REMOVE_VOID(name, fn, struct amba_device)
#else
#define VFIO_COMPAT_AMBA_REMOVE(name, fn)				\
	VFIO_COMPAT_REMOVE_INT(name, fn, struct amba_device)
#endif

#ifdef HAVE_BUS_MATCH_CONST_DRV
#define VFIO_COMPAT_BUS_MATCH(name, fn)					\
static int name(struct device *dev, const struct device_driver *drv)	\
{									\
	return fn(dev, drv);						\
}
#else
#define VFIO_COMPAT_BUS_MATCH(name, fn)					\
static int name(struct device *dev, struct device_driver *drv)		\
{									\
	return fn(dev, drv);						\
}
#endif

/* Link a device into a compat class (/sys/class/mdev_bus/<dev>). */
static inline int vfio_compat_class_link(struct class_compat *cls,
					 struct device *dev)
{
#ifdef HAVE_CLASS_COMPAT_LINK_TWO_ARGS
	return class_compat_create_link(cls, dev);
#else
	return class_compat_create_link(cls, dev, NULL);
#endif
}

static inline void vfio_compat_class_unlink(struct class_compat *cls,
					    struct device *dev)
{
#ifdef HAVE_CLASS_COMPAT_LINK_TWO_ARGS
	class_compat_remove_link(cls, dev);
#else
	class_compat_remove_link(cls, dev, NULL);
#endif
}

/*
 * Consume an eventfd's count from its wakeup callback (wait queue lock
 * held). Kernels before v6.6 cannot: the count then grows unread, which is
 * harmless because every signal still wakes the callback.
 */
static inline void vfio_compat_eventfd_consume(struct eventfd_ctx *ctx)
{
#ifdef HAVE_EVENTFD_CTX_DO_READ
	__u64 cnt;

	eventfd_ctx_do_read(ctx, &cnt);
#endif
}

/*
 * Claim a group's DMA for user space. Kernels with ownership tracking
 * (v5.19) refuse while a DMA-using driver is bound; on older ones the core
 * walks the group with @blocks, which returns nonzero for such a device.
 */
static inline int
vfio_compat_group_claim_dma_owner(struct iommu_group *group, void *owner,
				  int (*blocks)(struct device *, void *),
				  void *data)
{
#ifdef HAVE_GROUP_DMA_OWNER
	return iommu_group_claim_dma_owner(group, owner);
#else
	return iommu_group_for_each_dev(group, data, blocks) ? -EPERM : 0;
#endif
}

static inline void vfio_compat_group_release_dma_owner(struct iommu_group *group)
{
#ifdef HAVE_GROUP_DMA_OWNER
	iommu_group_release_dma_owner(group);
#endif
}

/* Could user space claim the group now? */
static inline bool
vfio_compat_group_viable(struct iommu_group *group,
			 int (*blocks)(struct device *, void *), void *data)
{
#ifdef HAVE_GROUP_DMA_OWNER
	return !iommu_group_dma_owner_claimed(group);
#else
	return !iommu_group_for_each_dev(group, data, blocks);
#endif
}

/* Per-area shims, owned by the code that uses them. */
#include "compat_iommu.h"
#include "compat_pci.h"

#endif /* VFIO_BACKPORTS_COMPAT_H */
