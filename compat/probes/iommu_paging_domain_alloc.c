// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_PAGING_DOMAIN_ALLOC: paging domains are allocated for a device,
 * not for a bus. Upstream: "iommu: Add iommu_paging_domain_alloc()
 * interface" (v6.11); the bus form iommu_domain_alloc() went away later.
 */
#include <linux/iommu.h>

struct iommu_domain *vfio_probe(struct device *dev);
struct iommu_domain *vfio_probe(struct device *dev)
{
	return iommu_paging_domain_alloc(dev);
}
