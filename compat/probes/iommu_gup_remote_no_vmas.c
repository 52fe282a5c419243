// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_GUP_REMOTE_NO_VMAS: pin_user_pages_remote() has no vmas
 * argument. Upstream: "mm/gup: remove vmas parameter from
 * pin_user_pages_remote()" (v6.5).
 */
#include <linux/mm.h>

long vfio_probe(struct mm_struct *mm, struct page **pages);
long vfio_probe(struct mm_struct *mm, struct page **pages)
{
	return pin_user_pages_remote(mm, 0, 1, FOLL_LONGTERM, pages, NULL);
}
