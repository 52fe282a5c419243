/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundle's vfio-pci-core API for PCI variant drivers. It shadows the
 * target kernel's <linux/vfio_pci_core.h>, whose structures do not match
 * the bundle's core.
 *
 * A variant driver embeds struct vfio_pci_core_device (whose first member
 * is the struct vfio_device) and points its vfio_device_ops at the
 * vfio_pci_core_* functions below, overriding what it needs.
 */
#ifndef VFIO_BACKPORTS_LINUX_VFIO_PCI_CORE_H
#define VFIO_BACKPORTS_LINUX_VFIO_PCI_CORE_H

#include <linux/vfio.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>

#define VFIO_BACKPORTS_PCI_CORE_KAPI 1

/* Region index in bits 40 and up of the device fd offset. */
#define VFIO_PCI_OFFSET_SHIFT		40
#define VFIO_PCI_OFFSET_TO_INDEX(off)	((off) >> VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_OFFSET_MASK		(((u64)1 << VFIO_PCI_OFFSET_SHIFT) - 1)

struct vfio_pci_irq_ctx;
struct vfio_pci_vconfig;
struct vfio_pci_ioeventfd;
struct vfio_pci_vf_token;

struct vfio_pci_core_device {
	struct vfio_device	vdev;		/* first: see vfio_alloc_device() */
	struct pci_dev		*pdev;

	/* BARs: iomaps made on first use, mmap policy. */
	void __iomem		*barmap[PCI_STD_NUM_BARS];
	bool			bar_mmap_supported[PCI_STD_NUM_BARS];
	struct mutex		barmap_lock;

	/* Config space virtualisation (vfio_pci_config.c). */
	struct vfio_pci_vconfig	*vconfig;
	u8			msi_cap;
	u8			msix_cap;
	int			msix_bar;
	u32			msix_offset;
	u32			msix_size;
	u16			msi_qmax;

	/* Interrupts (vfio_pci_intrs.c); igate serialises SET_IRQS. */
	struct mutex		igate;
	spinlock_t		irqlock;
	struct vfio_pci_irq_ctx	*ctx;
	int			num_ctx;
	int			irq_type;
	bool			pci_2_3;
	bool			has_dyn_msix;
	bool			virq_disabled;
	/*
	 * The ERR and REQ eventfds have a lock of their own: AER recovery
	 * signals ERR under pci_bus_sem, and igate comes before memory_lock,
	 * which comes before pci_bus_sem (power state changes).
	 */
	struct mutex		trigger_lock;
	struct eventfd_ctx	*err_trigger;
	struct eventfd_ctx	*req_trigger;

	/* VFIO_DEVICE_IOEVENTFD */
	struct mutex		ioeventfds_lock;
	struct list_head	ioeventfds_list;
	int			ioeventfds_nr;

	/*
	 * memory_lock is held for writing while memory decode or the power
	 * state of the device changes and for reading around every MMIO
	 * access and mmap fault, so no access reaches a disabled BAR.
	 */
	struct rw_semaphore	memory_lock;
	struct inode		*mmap_inode;
	/* Exported dma-bufs (vfio_pci_dmabuf.c), under memory_lock. */
	struct list_head	dmabufs;

	struct pci_saved_state	*pci_saved_state;
	struct pci_saved_state	*pm_save;

	/*
	 * Low power (vfio_pci_power.c, vdev.low_power): the eventfd, if any,
	 * is signalled by the first wake-up, which also ends low power; it
	 * changes under memory_lock. pm_intx_masked belongs to the runtime
	 * suspend/resume callbacks.
	 */
	bool			pm_intx_masked;
	struct eventfd_ctx	*pm_wake_eventfd_ctx;

	bool			reset_works;
	bool			has_vga;
	bool			nointx;
	bool			needs_reset;
	bool			needs_pm_restore;

	/*
	 * SR-IOV (vfio_pci_sriov.c). A PF has a VF token and watches its
	 * VFs appear on the bus; a VF created by vfio_pci_core_sriov_configure()
	 * points at its PF, which outlives it: the PF disables its VFs, and
	 * so waits for their users, before it goes away. sriov_d0 (under
	 * memory_lock) keeps a PF with VFs in D0.
	 */
	struct vfio_pci_vf_token	*vf_token;
	struct vfio_pci_core_device	*sriov_pf;
	struct list_head	sriov_pfs_item;
	struct notifier_block	sriov_nb;
	bool			sriov_d0;
};

static inline struct vfio_pci_core_device *
to_vfio_pci_core(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_pci_core_device, vdev);
}

/* Module-wide policy, set by vfio-pci from its parameters. */
void vfio_pci_core_set_params(bool nointxmask, bool is_disable_vga,
			      bool is_disable_idle_d3);

/* vfio_device_ops implementations. */
int vfio_pci_core_init_dev(struct vfio_device *core_vdev);
void vfio_pci_core_release_dev(struct vfio_device *core_vdev);
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev);
int vfio_pci_core_open_device(struct vfio_device *core_vdev);
void vfio_pci_core_close_device(struct vfio_device *core_vdev);
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg);
int vfio_pci_core_ioctl_feature(struct vfio_device *core_vdev, u32 flags,
				void __user *arg, size_t argsz);
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos);
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count,
			    loff_t *ppos);
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma);
void vfio_pci_core_request(struct vfio_device *core_vdev,
			   unsigned int count);
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf);

/* Registration, for a PCI driver's probe() and remove(). */
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev);
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev);

/* pci_driver glue. */
extern const struct pci_error_handlers vfio_pci_core_err_handlers;
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn);

#endif /* VFIO_BACKPORTS_LINUX_VFIO_PCI_CORE_H */
