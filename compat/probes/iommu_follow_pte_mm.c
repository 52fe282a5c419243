// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_FOLLOW_PTE_MM: follow_pte(mm, address, &ptep, &ptl) is there
 * for modules. Upstream: "mm: provide a saner PTE walking API for modules"
 * (v5.12, also in 5.10.y stable); the vma replaced the mm in v6.10.
 */
#include <linux/mm.h>

int vfio_probe(struct mm_struct *mm, unsigned long addr);
int vfio_probe(struct mm_struct *mm, unsigned long addr)
{
	spinlock_t *ptl;
	pte_t *ptep;
	int ret = follow_pte(mm, addr, &ptep, &ptl);

	if (!ret)
		pte_unmap_unlock(ptep, ptl);
	return ret;
}
