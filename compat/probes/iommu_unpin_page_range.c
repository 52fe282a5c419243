// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_UNPIN_PAGE_RANGE: unpin_user_page_range_dirty_lock() lets go
 * of a physically contiguous range of pinned pages, a folio at a time.
 * Upstream: "mm/gup: add a range variant of unpin_user_pages_dirty_lock()"
 * (v5.12).
 */
#include <linux/mm.h>

void vfio_probe(struct page *page);
void vfio_probe(struct page *page)
{
	unpin_user_page_range_dirty_lock(page, 2, true);
}
