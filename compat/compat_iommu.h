/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shims for the iommu side (see compat/compat.h for the rules). Included by
 * compat.h; do not include directly.
 */
#ifndef VFIO_BACKPORTS_COMPAT_IOMMU_H
#define VFIO_BACKPORTS_COMPAT_IOMMU_H

#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/irqdomain.h>
#include <linux/mm.h>

#ifndef HAVE_IOMMU_MSI_COOKIE_IN_IOMMU_H
#include <linux/dma-iommu.h>
#endif

/*
 * A paging domain for the IOMMU behind @dev; an ERR_PTR on failure.
 * v6.11 allocates per device; before, per bus (and NULL on failure).
 */
static inline struct iommu_domain *
vfio_compat_paging_domain_alloc(struct device *dev)
{
#ifdef HAVE_IOMMU_PAGING_DOMAIN_ALLOC
	return iommu_paging_domain_alloc(dev);
#else
	struct iommu_domain *domain = iommu_domain_alloc(dev->bus);

	return domain ? domain : ERR_PTR(-EIO);
#endif
}

/* iommu_map() takes gfp flags since v6.3; page tables go to the user. */
static inline int vfio_compat_iommu_map(struct iommu_domain *domain,
					unsigned long iova, phys_addr_t paddr,
					size_t size, int prot)
{
#ifdef HAVE_IOMMU_MAP_GFP
	return iommu_map(domain, iova, paddr, size, prot, GFP_KERNEL_ACCOUNT);
#else
	return iommu_map(domain, iova, paddr, size, prot);
#endif
}

/* pin_user_pages_remote() lost its vmas argument in v6.5. */
static inline long vfio_compat_pin_user_pages_remote(struct mm_struct *mm,
						     unsigned long start,
						     unsigned long nr_pages,
						     unsigned int gup_flags,
						     struct page **pages)
{
#ifdef HAVE_IOMMU_GUP_REMOTE_NO_VMAS
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL);
#else
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages,
				     NULL, NULL);
#endif
}

/*
 * Unpin @npage physically contiguous pinned pages from @page, dirtying
 * them first if @dirty. v5.12 does it a folio at a time; before, a page.
 */
static inline void vfio_compat_unpin_page_range(struct page *page,
						unsigned long npage, bool dirty)
{
#ifdef HAVE_IOMMU_UNPIN_PAGE_RANGE
	unpin_user_page_range_dirty_lock(page, npage, dirty);
#else
	unsigned long i;

	for (i = 0; i < npage; i++) {
		struct page *p = nth_page(page, i);

		unpin_user_pages_dirty_lock(&p, 1, dirty);
	}
#endif
}

#ifndef HAVE_IOMMU_GROUP_HAS_ISOLATED_MSI
static inline int vfio_compat_dev_intr_remap(struct device *dev, void *data)
{
#ifdef HAVE_IOMMU_DEVICE_CAPABLE
	return device_iommu_capable(dev, IOMMU_CAP_INTR_REMAP) ? 0 : -EPERM;
#else
	return iommu_capable(dev->bus, IOMMU_CAP_INTR_REMAP) ? 0 : -EPERM;
#endif
}
#endif

/*
 * Can the devices of @group only raise the interrupts they were given?
 * v6.3 asks the IOMMU core; before, the irq domains or every device's IOMMU.
 */
static inline bool vfio_compat_group_isolated_msi(struct iommu_group *group)
{
#ifdef HAVE_IOMMU_GROUP_HAS_ISOLATED_MSI
	return iommu_group_has_isolated_msi(group);
#else
	return irq_domain_check_msi_remap() ||
	       !iommu_group_for_each_dev(group, NULL,
					 vfio_compat_dev_intr_remap);
#endif
}

/*
 * Make @domain's DMA cache coherent if it can be, as seen from @dev (a
 * device of the group being attached). Returns whether the domain
 * enforces coherency; *prot gets the flag every mapping must carry.
 * Since v5.19 a domain op blocks no-snoop and IOMMU_CACHE is always used;
 * before, IOMMU_CACHE was used only where the IOMMU reported the cap.
 */
static inline bool vfio_compat_domain_coherency(struct iommu_domain *domain,
						struct device *dev, int *prot)
{
#ifdef HAVE_IOMMU_DOMAIN_ENFORCE_COHERENCY
	*prot = IOMMU_CACHE;
	return domain->ops->enforce_cache_coherency &&
	       domain->ops->enforce_cache_coherency(domain);
#else
	bool cc = iommu_capable(dev->bus, IOMMU_CAP_CACHE_COHERENCY);

	*prot = cc ? IOMMU_CACHE : 0;
	return cc;
#endif
}

/*
 * The pfn mapped at @addr of the VM_PFNMAP @vma (mmap lock held), and
 * whether the mapping lets user space write it; -errno if nothing is
 * mapped there yet. v6.12 has follow_pfnmap_start(); v6.10 and v6.11
 * follow_pte() of the vma; v5.12 (and 5.10.y) follow_pte() of the mm.
 * Before that only follow_pfn(), which cannot see the pte's write bit:
 * the vma's permission stands in for it.
 */
static inline int vfio_compat_follow_pfn(struct vm_area_struct *vma,
					 unsigned long addr,
					 unsigned long *pfn, bool *writable)
{
#if defined(HAVE_IOMMU_FOLLOW_PFNMAP)
	struct follow_pfnmap_args args = { .vma = vma, .address = addr };
	int ret = follow_pfnmap_start(&args);

	if (ret)
		return ret;
	*pfn = args.pfn;
	*writable = args.writable;
	follow_pfnmap_end(&args);
	return 0;
#elif defined(HAVE_IOMMU_FOLLOW_PTE_VMA) || defined(HAVE_IOMMU_FOLLOW_PTE_MM)
	spinlock_t *ptl;
	pte_t *ptep, pte;
	int ret;

#ifdef HAVE_IOMMU_FOLLOW_PTE_VMA
	ret = follow_pte(vma, addr, &ptep, &ptl);
#else
	ret = follow_pte(vma->vm_mm, addr, &ptep, &ptl);
#endif
	if (ret)
		return ret;
	/* follow_pte() returned with *ptl held; tell sparse. */
	__acquire(ptl);
	pte = ptep_get(ptep);
	*pfn = pte_pfn(pte);
	*writable = pte_write(pte);
	pte_unmap_unlock(ptep, ptl);
	return 0;
#else
	*writable = vma->vm_flags & VM_WRITE;
	return follow_pfn(vma, addr, pfn);
#endif
}

/* Map a page for a short copy; kmap_local_page() since v5.11. */
static inline void *vfio_compat_kmap_local_page(struct page *page)
{
#ifdef HAVE_IOMMU_KMAP_LOCAL_PAGE
	return kmap_local_page(page);
#else
	return kmap(page);
#endif
}

static inline void vfio_compat_kunmap_local(struct page *page, void *addr)
{
#ifdef HAVE_IOMMU_KMAP_LOCAL_PAGE
	kunmap_local(addr);
#else
	kunmap(page);
#endif
}

#endif
