// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_AMBA_REMOVE_VOID: struct amba_driver's remove() returns void.
 * Upstream: "amba: Make the remove callback return void"; the 5.10 of
 * Debian 11 already has it, older kernels return an int. The header is
 * there on every architecture; only kernels with the AMBA bus build
 * vfio-amba.
 */
#include <linux/amba/bus.h>

void vfio_probe_amba_remove(struct amba_device *adev);
void vfio_probe_amba_remove(struct amba_device *adev)
{
}

struct amba_driver vfio_probe_amba_driver;
struct amba_driver vfio_probe_amba_driver = {
	.remove = vfio_probe_amba_remove,
};
