// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_CLASS_DEVNODE_CONST_DEV: struct class.devnode() gets a const device.
 * Upstream: "driver core: make struct class.devnode() take a const *"
 * (v6.2).
 */
#include <linux/device.h>

static char *vfio_probe_devnode(const struct device *dev, umode_t *mode)
{
	return NULL;
}

struct class vfio_probe_class = {
	.name = "vfio_probe",
	.devnode = vfio_probe_devnode,
};
