// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_KMAP_LOCAL_PAGE: short-lived, CPU-local page mappings.
 * Upstream: "mm/highmem: Provide kmap_local*" (v5.11); kmap() is
 * deprecated since.
 */
#include <linux/highmem.h>

void *vfio_probe(struct page *page);
void *vfio_probe(struct page *page)
{
	void *addr = kmap_local_page(page);

	kunmap_local(addr);
	return addr;
}
