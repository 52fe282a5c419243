// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_GROUP_DMA_OWNER: the IOMMU core tracks who owns a
 * group's DMA, and drivers that use the DMA API block a user-space claim.
 * Upstream: "iommu: Add DMA ownership management interfaces" (v5.19).
 */
#include <linux/iommu.h>

int vfio_probe(struct iommu_group *group, void *owner);
int vfio_probe(struct iommu_group *group, void *owner)
{
	if (iommu_group_dma_owner_claimed(group))
		return -EBUSY;
	return iommu_group_claim_dma_owner(group, owner);
}
