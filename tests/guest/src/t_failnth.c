// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection on a debug kernel (CONFIG_FAILSLAB): every slab
 * allocation of one call fails in turn, chosen with the calling thread's
 * /proc/thread-self/fail-nth, on four paths: the probe (a bind through
 * sysfs), the open of the device fd, VFIO_IOMMU_MAP_DMA and
 * VFIO_DEVICE_SET_IRQS (the kmalloc caches: see failslab_setup()). After
 * each injected failure the call must have failed with an errno, or
 * succeeded in full where the allocation was one it can do without;
 * nothing may stay pinned or open; and the same call must then succeed
 * without injection. kmemleak, the suite's last check,
 * sees what a failure path leaked.
 *
 *   t_failnth BDF      (an edu bound to vfio-pci, not open)
 */
#include <sys/mount.h>

#include "vfio_util.h"
#include "pci_sysfs.h"

#define FAILSLAB	"/sys/kernel/debug/failslab"
#define MAX_POINTS	4000	/* far more than any of these calls makes */

static int nth_fd = -1;

/* Fail the @n-th fault point of this thread from now on; 0 disarms. */
static void nth_arm(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth_fd, buf, len, 0) != len)
		abort();
}

/* True if the armed fault fired (the counter then reads 0). */
static bool nth_fired(void)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		abort();
	return atoi(buf) == 0;
}

/* One path under test: its call, and how to take a success back. */
struct fn_path {
	const char *name;
	int (*call)(void *ctx);		/* 0 or -errno; no syscall but the one */
	bool (*undo)(void *ctx);	/* after a success */
	bool (*clean)(void *ctx);	/* after a failure: nothing half done */
};

/*
 * After allocation @n failed @p's call with @err: nothing half done, left
 * pinned or open, and the same call then works. Else says why in @why.
 */
static void after_failure(const struct fn_path *p, void *ctx, int n, int err,
			  long long pins, int fds, char *why, size_t len)
{
	int ret;

	if (!p->clean(ctx)) {
		snprintf(why, len,
			 "allocation %d failed (%s) and left the call half done",
			 n, vu_errname(err));
		return;
	}
	if (vu_pinned_pages() != pins || vu_count_fds() != fds) {
		snprintf(why, len,
			 "allocation %d failed (%s): pinned pages %lld -> %lld, fds %d -> %d",
			 n, vu_errname(err), pins, vu_pinned_pages(), fds,
			 vu_count_fds());
		return;
	}
	ret = p->call(ctx);
	if (ret || !p->undo(ctx))
		snprintf(why, len,
			 "allocation %d failed, then the retry failed: %s",
			 n, ret ? vu_errname(-ret) : "undo");
}

/*
 * Fails allocation 1, 2, ... of @p's call until a call runs without
 * reaching the armed one. Prints one result for the path.
 */
static void run_path(const struct fn_path *p, void *ctx)
{
	char name[64], why[256] = "";
	int n, ret, fds = vu_count_fds(), errs = 0, tolerated = 0;
	long long pins = vu_pinned_pages();
	bool fired;

	snprintf(name, sizeof(name), "failnth-%s", p->name);
	for (n = 1; n <= MAX_POINTS && !why[0]; n++) {
		nth_arm(n);
		ret = p->call(ctx);
		fired = nth_fired();
		nth_arm(0);

		if (!fired) {
			/* Fewer than n fault points: the call ran whole. */
			if (ret)
				snprintf(why, sizeof(why),
					 "without an injected failure the call failed: %s",
					 vu_errname(-ret));
			else if (!p->undo(ctx))
				snprintf(why, sizeof(why),
					 "undoing the plain call failed");
			break;
		}
		if (ret == 0) {
			tolerated++;
			if (!p->undo(ctx))
				snprintf(why, sizeof(why),
					 "allocation %d failed, the call succeeded, undoing it failed",
					 n);
			continue;
		}
		errs++;
		after_failure(p, ctx, n, -ret, pins, fds, why, sizeof(why));
	}
	if (!why[0] && n > MAX_POINTS)
		snprintf(why, sizeof(why), "more than %d fault points",
			 MAX_POINTS);
	if (!why[0] && (vu_pinned_pages() != pins || vu_count_fds() != fds))
		snprintf(why, sizeof(why),
			 "at the end: pinned pages %lld -> %lld, fds %d -> %d",
			 pins, vu_pinned_pages(), fds, vu_count_fds());
	if (check(!why[0], name, "%s", why))
		printf("failnth: %-8s %4d allocations failed in turn: %d errors, %d done without\n",
		       p->name, n - 1, errs, tolerated);
}

/* ---- probe: bind through sysfs, in this thread ---- */

struct probe_ctx {
	const char *bdf;
	int bind_fd;
};

static int probe_call(void *ctx)
{
	struct probe_ctx *c = ctx;
	ssize_t len = strlen(c->bdf);

	return pwrite(c->bind_fd, c->bdf, len, 0) == len ? 0 : -errno;
}

static bool probe_undo(void *ctx)
{
	struct probe_ctx *c = ctx;

	return ps_driver_is(c->bdf, "vfio-pci") &&
	       vu_write_str("/sys/bus/pci/drivers/vfio-pci/unbind", c->bdf) &&
	       !ps_driver_is(c->bdf, "vfio-pci");
}

static bool probe_clean(void *ctx)
{
	return !ps_driver_is(((struct probe_ctx *)ctx)->bdf, "vfio-pci");
}

/* ---- open: VFIO_GROUP_GET_DEVICE_FD, the device's first open ---- */

struct dev_ctx {
	struct vdev *d;
	int fd;
	void *buf;
	int efd;
	struct vfio_irq_set *set;
};

static int open_call(void *ctx)
{
	struct dev_ctx *c = ctx;

	c->fd = ioctl(c->d->group, VFIO_GROUP_GET_DEVICE_FD, c->d->bdf);
	return c->fd < 0 ? -errno : 0;
}

static bool open_undo(void *ctx)
{
	struct dev_ctx *c = ctx;

	return close(c->fd) == 0;
}

static bool nothing_left(void *ctx)
{
	(void)ctx;	/* the fd and pin counts are the check */
	return true;
}

/* ---- MAP_DMA: 16 pages ---- */

#define MAP_IOVA	0x100000UL
#define MAP_SIZE	(16 * VU_PAGE)

static int map_call(void *ctx)
{
	struct dev_ctx *c = ctx;

	return vu_map(c->d->container, c->buf, MAP_IOVA, MAP_SIZE) ? -errno : 0;
}

static bool map_undo(void *ctx)
{
	struct dev_ctx *c = ctx;
	__u64 done = 0;

	return vu_unmap(c->d->container, MAP_IOVA, MAP_SIZE, &done) == 0 &&
	       done == MAP_SIZE;
}

static bool map_clean(void *ctx)
{
	struct dev_ctx *c = ctx;
	__u64 done = 1;

	/* A failed map leaves no part of the range behind. */
	return vu_unmap(c->d->container, MAP_IOVA, MAP_SIZE, &done) == 0 &&
	       done == 0;
}

/* ---- SET_IRQS: MSI on an eventfd ---- */

static int irq_call(void *ctx)
{
	struct dev_ctx *c = ctx;

	return ioctl(c->d->device, VFIO_DEVICE_SET_IRQS, c->set) ? -errno : 0;
}

static bool irq_undo(void *ctx)
{
	struct dev_ctx *c = ctx;

	return vu_irq_disable(c->d->device, VFIO_PCI_MSI_IRQ_INDEX) == 0;
}

static bool irq_clean(void *ctx)
{
	struct dev_ctx *c = ctx;
	unsigned int cap = ps_find_cap(c->d->bdf, PCI_CAP_ID_MSI);

	/* MSI is not left on in the device. */
	return cap && !(ps_cfg16(c->d->bdf, cap + PCI_MSI_CTRL) &
			PCI_MSI_CTRL_ENABLE);
}

static const struct fn_path probe_path = {
	"probe", probe_call, probe_undo, probe_clean,
};
static const struct fn_path open_path = {
	"open", open_call, open_undo, nothing_left,
};
static const struct fn_path map_path = {
	"map-dma", map_call, map_undo, map_clean,
};
static const struct fn_path irq_path = {
	"set-irqs", irq_call, irq_undo, irq_clean,
};

static void device_paths(const char *bdf)
{
	struct dev_ctx c = { .fd = -1, .efd = -1 };
	size_t sz = sizeof(*c.set) + sizeof(__s32);
	struct vdev d;

	if (!check(vu_open(&d, bdf, false), "failnth-setup", "%s", d.why))
		goto out;
	c.d = &d;
	run_path(&open_path, &c);

	c.buf = vu_alloc(MAP_SIZE);
	if (!check(c.buf != NULL, "failnth-setup-buffer", "%s", strerror(errno)))
		goto out;
	run_path(&map_path, &c);

	if (!check(vu_get_device(&d, d.group), "failnth-setup-device", "%s",
		   d.why))
		goto out;
	c.efd = vu_eventfd();
	c.set = calloc(1, sz);
	if (!check(c.efd >= 0 && c.set, "failnth-setup-irq", "%s",
		   strerror(errno)))
		goto out;
	c.set->argsz = sz;
	c.set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	c.set->index = VFIO_PCI_MSI_IRQ_INDEX;
	c.set->count = 1;
	memcpy(c.set->data, &c.efd, sizeof(__s32));
	run_path(&irq_path, &c);
out:
	free(c.set);
	if (c.efd >= 0)
		close(c.efd);
	if (c.buf)
		munmap(c.buf, MAP_SIZE);
	vu_close(&d);
}

static void probe_paths(const char *bdf)
{
	struct probe_ctx c = { .bdf = bdf };

	if (!check(probe_undo(&c), "failnth-probe-unbind",
		   "unbinding %s from vfio-pci", bdf))
		return;
	c.bind_fd = open("/sys/bus/pci/drivers/vfio-pci/bind",
			 O_WRONLY | O_CLOEXEC);
	if (check(c.bind_fd >= 0, "failnth-probe-setup", "open bind: %s",
		  strerror(errno))) {
		run_path(&probe_path, &c);
		close(c.bind_fd);
	}
	/* Leave it bound, as found. */
	if (!ps_driver_is(bdf, "vfio-pci"))
		vu_write_str("/sys/bus/pci/drivers/vfio-pci/bind", bdf);
	check(ps_driver_is(bdf, "vfio-pci"), "failnth-probe-rebound", "%s is not bound again",
	      bdf);
}

/*
 * failslab as this test wants it: GFP_KERNEL allocations fail too, no
 * stack dump for each, and only caches with the failslab flag, which the
 * runner gives the kmalloc caches at boot (slub_debug=A,kmalloc-*; 6.1's
 * sysfs flag is read-only). That covers every allocation of the bundle;
 * ACPICA's own object caches are left out, since ACPICA does not survive
 * their failure (reference counts go wrong, then a use after free in the
 * _PRT evaluation that pci_enable_device() runs on every open).
 */
static bool failslab_setup(bool on)
{
	char flag[8] = "";

	if (access(FAILSLAB, F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (!on) {
		vu_write_str(FAILSLAB "/cache-filter", "N");
		vu_write_str(FAILSLAB "/ignore-gfp-wait", "Y");
		return true;
	}
	if (!vu_read_line("/sys/kernel/slab/kmalloc-64/failslab", flag,
			  sizeof(flag)) || flag[0] != '1') {
		printf("failnth: kmalloc-64 has no failslab flag: boot with slub_debug=A,kmalloc-*\n");
		return false;
	}
	return vu_write_str(FAILSLAB "/ignore-gfp-wait", "N") &&
	       vu_write_str(FAILSLAB "/verbose", "0") &&
	       vu_write_str(FAILSLAB "/cache-filter", "Y");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: t_failnth BDF\n");
		return 2;
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		not_applicable("failnth",
			       "%s has no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION): a debug kernel has, tests/vm/run --kernel 6.1-debug",
			       vu_release());
		return 0;
	}
	if (check(failslab_setup(true), "failnth-failslab",
		  "cannot set " FAILSLAB " (CONFIG_FAILSLAB, debugfs, SLUB)")) {
		probe_paths(argv[1]);
		device_paths(argv[1]);
	}
	failslab_setup(false);
	return check_exit();
}
