// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_FOLLOW_PTE_VMA: follow_pte() takes the vma, not the mm.
 * Upstream: "mm: pass VMA instead of MM to follow_pte()" (v6.10); gone
 * again in v6.12 (see iommu_follow_pfnmap.c).
 */
#include <linux/mm.h>

int vfio_probe(struct vm_area_struct *vma, unsigned long addr);
int vfio_probe(struct vm_area_struct *vma, unsigned long addr)
{
	spinlock_t *ptl;
	pte_t *ptep;
	int ret = follow_pte(vma, addr, &ptep, &ptl);

	if (!ret)
		pte_unmap_unlock(ptep, ptl);
	return ret;
}
