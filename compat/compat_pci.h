/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shims for the pci side (see compat/compat.h for the rules). Included by
 * compat.h; do not include directly.
 */
#ifndef VFIO_BACKPORTS_COMPAT_PCI_H
#define VFIO_BACKPORTS_COMPAT_PCI_H

#include <linux/dma-buf.h>
#include <linux/dma-direction.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

/*
 * Lock a function for a reset without waiting (its device lock, then
 * config access): pci_dev_trylock() is exported since v5.14; before, the
 * same two locks by hand. True when both are held.
 */
static inline bool vfio_compat_pci_dev_trylock(struct pci_dev *pdev)
{
#ifdef HAVE_PCI_DEV_TRYLOCK
	return pci_dev_trylock(pdev);
#else
	if (!device_trylock(&pdev->dev))
		return false;
	if (pci_cfg_access_trylock(pdev))
		return true;
	device_unlock(&pdev->dev);
	return false;
#endif
}

static inline void vfio_compat_pci_dev_unlock(struct pci_dev *pdev)
{
#ifdef HAVE_PCI_DEV_TRYLOCK
	pci_dev_unlock(pdev);
#else
	pci_cfg_access_unlock(pdev);
	device_unlock(&pdev->dev);
#endif
}

/*
 * MSI-X vectors added while MSI-X is enabled (v6.2), where the interrupt
 * domain allows it; before, the vector set is fixed at enable time.
 */
static inline bool vfio_compat_msix_can_alloc_dyn(struct pci_dev *pdev)
{
#ifdef HAVE_PCI_MSIX_ALLOC_IRQ_AT
	return pci_msix_can_alloc_dyn(pdev);
#else
	return false;
#endif
}

/* The Linux irq of a newly allocated MSI-X vector INDEX, or -errno. */
static inline int vfio_compat_msix_alloc_irq_at(struct pci_dev *pdev,
						unsigned int index)
{
#ifdef HAVE_PCI_MSIX_ALLOC_IRQ_AT
	struct msi_map map = pci_msix_alloc_irq_at(pdev, index, NULL);

	return map.index < 0 ? map.index : map.virq;
#else
	return -EOPNOTSUPP;
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
 * Set a PCI device's driver_override to a copy of @name. It is a field of
 * struct device with its own setter since v7.0 (and stable backports), a
 * const char * of struct pci_dev set with driver_set_override() since
 * v5.19, and a plain char * swapped under the device lock before that.
 */
static inline int vfio_compat_pci_set_driver_override(struct pci_dev *pdev,
						      const char *name)
{
#if defined(HAVE_PCI_DEVICE_SET_DRIVER_OVERRIDE)
	return device_set_driver_override(&pdev->dev, name);
#elif defined(HAVE_PCI_DRIVER_SET_OVERRIDE)
	return driver_set_override(&pdev->dev, &pdev->driver_override, name,
				   strlen(name));
#else
	char *new = kstrdup(name, GFP_KERNEL), *old;

	if (!new)
		return -ENOMEM;
	device_lock(&pdev->dev);
	old = pdev->driver_override;
	pdev->driver_override = new;
	device_unlock(&pdev->dev);
	kfree(old);
	return 0;
#endif
}

/*
 * Exporting BAR slices as a dma-buf (vfio_pci_dmabuf.c) needs the P2P
 * provider and phys_vec mapping helpers of v6.19 and the revocation
 * interface that followed (probe pci_dma_buf_phys_vec). Elsewhere the
 * helpers below are stubs, vfio_compat_dma_buf_supported() is false and
 * the feature answers ENOTTY as it always did: the stubs are never
 * reached, they only keep one source for every kernel.
 *
 * The ranges are kept in the kernel's own struct phys_vec where there is
 * one, so they go to dma_buf_phys_vec_to_sgt() as they are.
 */
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
#include <linux/dma-buf-mapping.h>
#include <linux/dma-resv.h>
#include <linux/pci-p2pdma.h>

typedef struct phys_vec vfio_compat_phys_vec;

/* The dma-buf exports are in the DMA_BUF namespace (a string since v6.13). */
#define VFIO_COMPAT_IMPORT_NS_DMA_BUF()	MODULE_IMPORT_NS("DMA_BUF")
#else
struct p2pdma_provider;

typedef struct {
	phys_addr_t	paddr;
	size_t		len;
} vfio_compat_phys_vec;

#define VFIO_COMPAT_IMPORT_NS_DMA_BUF()
#endif

static inline bool vfio_compat_dma_buf_supported(void)
{
	return IS_ENABLED(HAVE_PCI_DMA_BUF_PHYS_VEC);
}

/*
 * Set up the P2P providers of a function's BARs. Device managed: they go
 * away when the driver unbinds, after every dma-buf was revoked at close.
 */
static inline int vfio_compat_p2pdma_init(struct pci_dev *pdev)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	return pcim_p2pdma_init(pdev);
#else
	return -EOPNOTSUPP;
#endif
}

/* The P2P provider of a memory BAR, or NULL (I/O or absent BAR). */
static inline struct p2pdma_provider *
vfio_compat_p2pdma_provider(struct pci_dev *pdev, int bar)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	return pcim_p2pdma_provider(pdev, bar);
#else
	return NULL;
#endif
}

static inline struct dma_buf *
vfio_compat_dma_buf_export(const struct dma_buf_export_info *info)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	return dma_buf_export(info);
#else
	return ERR_PTR(-EOPNOTSUPP);
#endif
}

static inline int vfio_compat_dma_buf_fd(struct dma_buf *dmabuf, int flags)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	return dma_buf_fd(dmabuf, flags);
#else
	return -EOPNOTSUPP;
#endif
}

static inline void vfio_compat_dma_buf_put(struct dma_buf *dmabuf)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	dma_buf_put(dmabuf);
#endif
}

/* Map the ranges for one importer; its device decides IOVA or bus address. */
static inline struct sg_table *
vfio_compat_dma_buf_map_phys(struct dma_buf_attachment *attach,
			     struct p2pdma_provider *provider,
			     vfio_compat_phys_vec *vec, size_t nr,
			     size_t size, enum dma_data_direction dir)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	return dma_buf_phys_vec_to_sgt(attach, provider, vec, nr, size, dir);
#else
	return ERR_PTR(-EOPNOTSUPP);
#endif
}

static inline void
vfio_compat_dma_buf_free_sgt(struct dma_buf_attachment *attach,
			     struct sg_table *sgt, enum dma_data_direction dir)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	dma_buf_free_sgt(attach, sgt, dir);
#endif
}

/*
 * Tell every importer to drop its mappings (reservation lock held), then
 * wait for the DMA they already queued. The call was dma_buf_move_notify()
 * before 2026.
 */
static inline void vfio_compat_dma_buf_invalidate(struct dma_buf *dmabuf)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	dma_buf_invalidate_mappings(dmabuf);
	dma_resv_wait_timeout(dmabuf->resv, DMA_RESV_USAGE_BOOKKEEP, false,
			      MAX_SCHEDULE_TIMEOUT);
#endif
}

/* Whether an importer gives its mappings back when told to. */
static inline bool
vfio_compat_dma_buf_attach_revocable(struct dma_buf_attachment *attach)
{
#ifdef HAVE_PCI_DMA_BUF_PHYS_VEC
	return dma_buf_attach_revocable(attach);
#else
	return false;
#endif
}

#endif
