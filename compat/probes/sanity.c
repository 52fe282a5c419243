// SPDX-License-Identifier: GPL-2.0
/*
 * Not a feature: it must always compile. If it does not, the compiler or
 * the headers are broken and compat/configure stops instead of reporting
 * every feature as absent.
 */
#include <linux/module.h>

int vfio_probe_sanity(void);
int vfio_probe_sanity(void)
{
	return 0;
}
