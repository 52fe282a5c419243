/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shims for the pci side (see compat/compat.h for the rules). Included by
 * compat.h; do not include directly.
 */
#ifndef VFIO_BACKPORTS_COMPAT_PCI_H
#define VFIO_BACKPORTS_COMPAT_PCI_H

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pci.h>

/* eventfd_signal() lost its count argument in v6.8. */
static inline void vfio_compat_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef HAVE_PCI_EVENTFD_SIGNAL_NO_COUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* vma->vm_flags became read-only behind vm_flags_set() in v6.3. */
static inline void vfio_compat_vm_flags_set(struct vm_area_struct *vma,
					    unsigned long flags)
{
#ifdef HAVE_PCI_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * Replace the file behind a vma from an ->mmap handler: vma_set_file()
 * since v5.11, open-coded the same way before it.
 */
static inline void vfio_compat_vma_set_file(struct vm_area_struct *vma,
					    struct file *file)
{
#ifdef HAVE_PCI_VMA_SET_FILE
	vma_set_file(vma, file);
#else
	struct file *old = vma->vm_file;

	vma->vm_file = get_file(file);
	fput(old);
#endif
}

/*
 * Since v5.19 a driver that does its own DMA ownership (the VFIO core
 * claims the IOMMU group) says so in struct pci_driver; before, there is
 * nothing to say.
 */
static inline void vfio_compat_pci_driver_managed_dma(struct pci_driver *drv)
{
#ifdef HAVE_PCI_DRIVER_MANAGED_DMA
	drv->driver_managed_dma = true;
#endif
}

#endif
