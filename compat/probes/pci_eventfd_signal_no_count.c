// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_EVENTFD_SIGNAL_NO_COUNT: eventfd_signal() takes the context
 * alone. Upstream: "eventfd: simplify eventfd_signal()" (v6.8). Before it,
 * eventfd_signal(ctx, n) took the count to add.
 */
#include <linux/eventfd.h>

void vfio_probe(struct eventfd_ctx *ctx);
void vfio_probe(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
