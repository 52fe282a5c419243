// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_CLASS_CREATE_NAME_ONLY: class_create() takes the class name alone.
 * Upstream: "driver core: class: remove module * from class_create()"
 * (v6.4). Before it, class_create(owner, name) was a macro.
 */
#include <linux/device.h>

struct class *vfio_probe(void);
struct class *vfio_probe(void)
{
	return class_create("vfio_probe");
}
