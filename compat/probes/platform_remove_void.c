// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PLATFORM_REMOVE_VOID: struct platform_driver's remove() returns
 * void. Upstream: "platform: Make platform_driver::remove() return void"
 * (v6.11), after a transition through remove_new() (v6.3).
 */
#include <linux/platform_device.h>

void vfio_probe_platform_remove(struct platform_device *pdev);
void vfio_probe_platform_remove(struct platform_device *pdev)
{
}

struct platform_driver vfio_probe_platform_driver;
struct platform_driver vfio_probe_platform_driver = {
	.remove = vfio_probe_platform_remove,
};
