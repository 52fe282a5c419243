// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_platform_testreset: a reset module as a vendor would write one,
 * for vfio-platform-testdev.2 ("vfio-backports,testdev-modreset").
 * Test-only. Nobody loads it: vfio-platform asks modprobe for its alias
 * ("vfio-reset:vfio-backports,testdev-modreset") when the device binds,
 * and that is what the guest test checks.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/vfio_platform.h>

/* What the reset leaves in the device's register page. */
#define TESTRESET_FILL	0x5a

static unsigned int resets;
module_param(resets, uint, 0444);
MODULE_PARM_DESC(resets, "resets done so far");

static int testreset_reset(struct vfio_platform_device *vpdev)
{
	void __iomem *regs = vfio_platform_region_ioaddr(vpdev, 0);

	if (IS_ERR(regs))
		return PTR_ERR(regs);
	memset_io(regs, TESTRESET_FILL, SZ_4K);
	WRITE_ONCE(resets, resets + 1);
	return 0;
}
module_vfio_reset_handler("vfio-backports,testdev-modreset", testreset_reset);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("vfio-platform reset module for vfio-platform-testdev.2 (test-only)");
