// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_EVENTFD_CTX_DO_READ: an eventfd's count can be consumed from its
 * wakeup callback, with the wait queue lock held.
 * Upstream: "eventfd: Export eventfd_ctx_do_read()" (v6.6), a fix that
 * stable kernels took too (Debian's 5.10 has it): hence a probe.
 */
#include <linux/eventfd.h>

void vfio_probe(struct eventfd_ctx *ctx);
void vfio_probe(struct eventfd_ctx *ctx)
{
	__u64 cnt;

	eventfd_ctx_do_read(ctx, &cnt);
}
