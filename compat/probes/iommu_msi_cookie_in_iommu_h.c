// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_MSI_COOKIE_IN_IOMMU_H: iommu_get_msi_cookie() is declared by
 * <linux/iommu.h>. Upstream: "iommu/dma: Move public interfaces to
 * linux/iommu.h" (v6.1), which removed <linux/dma-iommu.h>.
 */
#include <linux/iommu.h>

int vfio_probe(struct iommu_domain *domain);
int vfio_probe(struct iommu_domain *domain)
{
	return iommu_get_msi_cookie(domain, 0);
}
