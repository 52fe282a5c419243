// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_DEVICE_CAPABLE: IOMMU capabilities are asked per device.
 * Upstream: "iommu: Introduce device_iommu_capable()" (v5.19); before it,
 * iommu_capable() took a bus.
 */
#include <linux/iommu.h>

bool vfio_probe(struct device *dev);
bool vfio_probe(struct device *dev)
{
	return device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY);
}
