// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_DOMAIN_ENFORCE_COHERENCY: a domain can be told to block
 * no-snoop DMA. Upstream: "iommu: Introduce the domain op
 * enforce_cache_coherency()" (v5.19); before it, VFIO asked
 * iommu_capable(bus, IOMMU_CAP_CACHE_COHERENCY) and mapped with IOMMU_CACHE.
 */
#include <linux/iommu.h>

bool vfio_probe(struct iommu_domain *domain);
bool vfio_probe(struct iommu_domain *domain)
{
	return domain->ops->enforce_cache_coherency &&
	       domain->ops->enforce_cache_coherency(domain);
}
