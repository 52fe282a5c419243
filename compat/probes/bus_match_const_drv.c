// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_BUS_MATCH_CONST_DRV: struct bus_type's match() takes a const
 * struct device_driver. Upstream: "driver core: make
 * struct bus_type::match() take a const struct device_driver *" (v6.11).
 */
#include <linux/device.h>

int vfio_probe_match(struct device *dev, const struct device_driver *drv);
int vfio_probe_match(struct device *dev, const struct device_driver *drv)
{
	return 0;
}

struct bus_type vfio_probe_bus;
struct bus_type vfio_probe_bus = {
	.name = "vfio_probe",
	.match = vfio_probe_match,
};
