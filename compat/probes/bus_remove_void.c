// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_BUS_REMOVE_VOID: struct bus_type's remove() returns void. Upstream:
 * "bus: Make remove callback return void" (v5.15). Before it, it returned
 * an int the driver core ignored.
 */
#include <linux/device.h>

void vfio_probe_remove(struct device *dev);
void vfio_probe_remove(struct device *dev)
{
}

struct bus_type vfio_probe_bus;
struct bus_type vfio_probe_bus = {
	.name = "vfio_probe",
	.remove = vfio_probe_remove,
};
