// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_GROUP_HAS_ISOLATED_MSI: the IOMMU core answers whether a
 * group's MSIs are isolated. Upstream: "iommu: Add
 * iommu_group_has_isolated_msi()" (v6.3); before it, callers combined
 * irq_domain_check_msi_remap() with IOMMU_CAP_INTR_REMAP.
 */
#include <linux/iommu.h>

bool vfio_probe(struct iommu_group *group);
bool vfio_probe(struct iommu_group *group)
{
	return iommu_group_has_isolated_msi(group);
}
