// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_MAP_GFP: iommu_map() takes the gfp flags for page-table
 * allocations. Upstream: "iommu: Add a gfp parameter to iommu_map()" (v6.3).
 */
#include <linux/iommu.h>

int vfio_probe(struct iommu_domain *domain);
int vfio_probe(struct iommu_domain *domain)
{
	return iommu_map(domain, 0, 0, PAGE_SIZE, IOMMU_READ, GFP_KERNEL);
}
