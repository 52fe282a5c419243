// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_CLASS_COMPAT_LINK_TWO_ARGS: class_compat_create_link() and
 * class_compat_remove_link() take the class and the device only. Upstream
 * dropped their device_link argument, which every caller passed as NULL,
 * after v6.12 (Debian's 7.2 has the two-argument form, its 6.12 not).
 */
#include <linux/device.h>

int vfio_probe(struct class_compat *cls, struct device *dev);
int vfio_probe(struct class_compat *cls, struct device *dev)
{
	int ret = class_compat_create_link(cls, dev);

	class_compat_remove_link(cls, dev);
	return ret;
}
