// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_DEFAULT_SYMBOL_NAMESPACE_TOKEN: DEFAULT_SYMBOL_NAMESPACE is a bare
 * token that the export macros stringify. Upstream: "module: Convert
 * default symbol namespace to string literal" (v6.13, ceb8bf2ceaa7, also
 * taken into some stable branches) made it a string literal; a token then
 * no longer assembles.
 */
#define DEFAULT_SYMBOL_NAMESPACE VFIO_PROBE_NS
#include <linux/export.h>

int vfio_probe_ns_export(void);
int vfio_probe_ns_export(void)
{
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_probe_ns_export);
