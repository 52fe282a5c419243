// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrency: for a bounded time, several processes of several threads
 * each use the same devices at once while another process unbinds and
 * rebinds them, then nothing may be left behind.
 *
 * A worker process loops over sessions: it opens a container, a device's
 * group (one process at a time may hold it: EBUSY for the others) and the
 * device, with the REQ eventfd set, then runs THREADS threads on it for a
 * short random time, closes everything and checks its VmLck is back. The
 * threads MAP_DMA/UNMAP_DMA their own IOVA window, open and close more
 * device fds, reset the device (when it can), read config space and BAR0,
 * and (thread 0 only, as SET_IRQS is one state per device) enable and
 * disable MSI/MSI-X. A REQ from an unbind ends the session early, as QEMU
 * does on an unplug request. The binder process unbinds a random device
 * from vfio-pci and probes it again (driver_override keeps it ours).
 *
 * Every call must succeed or fail with an errno the race explains (the
 * group held by another process, the device gone or going); anything else
 * fails the test with the call and errno. At the end: no process is stuck
 * (the kernel's hung-task detector watches too), the devices are bound to
 * vfio-pci and usable, and the pinned pages and module references are
 * what they were.
 *
 *   t_stress SECONDS EDU_BDF [NVME_BDF]     (bound to vfio-pci)
 */
#include <pthread.h>
#include <stdatomic.h>

#include "vfio_util.h"
#include "pci_sysfs.h"

#define WORKERS		3
#define THREADS		3
#define MAX_DEVS	2
#define WINDOW_PAGES	16
#define GRACE_MS	60000

enum op { OP_SESSION, OP_MAP, OP_DEVFD, OP_RESET, OP_READ, OP_IRQ, OP_N };

static const char *const op_name[OP_N] = {
	"session", "map", "devfd", "reset", "read", "irq",
};

/*
 * What each op may fail with, 0-terminated: the group is held by another
 * worker (EBUSY); the device is being unbound, so its group node is gone
 * (ENOENT) or going (ENODEV); it is being bound again and not yet
 * registered, so its group is not viable for that moment (EPERM); a reset,
 * and so the first open, which resets the function, cannot take the device
 * lock an unbind holds (EAGAIN).
 */
static const int op_allowed[OP_N][6] = {
	[OP_SESSION] = { EBUSY, ENOENT, ENODEV, EPERM, EAGAIN, 0 },
	[OP_DEVFD] = { ENODEV, 0 },
	[OP_RESET] = { EAGAIN, 0 },
};

struct op_stats {
	unsigned long ok;
	unsigned long refused;	/* with an allowed errno */
	unsigned long bad;
	char first_bad[160];
};

/* One per thread of each worker, in memory shared with the monitor. */
struct slot {
	struct op_stats op[OP_N];
	unsigned long vmlck_leaks;
	char vmlck_first[160];
};

struct binder_stats {
	unsigned long cycles;
	unsigned long bad;
	unsigned long max_unbind_ms;
	char first_bad[160];
	char doing[160];	/* the write in progress, for a hang report */
};

struct shared {
	struct slot slot[WORKERS][THREADS + 1];
	struct binder_stats binder;
};

struct device_ref {
	const char *bdf;
	const char *role;	/* "edu" or "nvme", for check names */
	int group_id;
	__u32 id;		/* vendor | device << 16 */
	__u32 irq_index;
};

static struct device_ref devs[MAX_DEVS];
static int ndevs;
static long long deadline_ms;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void tally(struct op_stats *s, enum op op, bool ok, int err,
		  const char *what)
{
	const int *a;

	if (ok) {
		s->ok++;
		return;
	}
	for (a = op_allowed[op]; *a; a++) {
		if (*a == err) {
			s->refused++;
			return;
		}
	}
	if (!s->bad++)
		snprintf(s->first_bad, sizeof(s->first_bad), "%s: %s", what,
			 vu_errname(err));
}

/* --- a worker's session --- */

struct session {
	struct device_ref *dev;
	struct vdev d;		/* container, group, device, config offset */
	struct vfio_device_info info;
	int req;
	__u64 bar0;
	long long end_ms;
	atomic_bool stop;
};

struct thread_arg {
	struct session *s;
	struct slot *slot;
	int index;
	unsigned int seed;
};

/* 0, or the errno of the step that failed, which *what names. */
static int session_open(struct session *s, const char **what)
{
	struct vfio_region_info r;

	*what = s->d.why;
	if (!vu_open_in_group(&s->d, s->dev->bdf, s->dev->group_id, true))
		return s->d.err;
	*what = "device info";
	s->info.argsz = sizeof(s->info);
	if (ioctl(s->d.device, VFIO_DEVICE_GET_INFO, &s->info))
		return errno;
	if (vu_region_info(s->d.device, VFIO_PCI_BAR0_REGION_INDEX, &r))
		return errno;
	s->bar0 = r.offset;
	*what = "REQ eventfd";
	s->req = vu_eventfd();
	if (s->req < 0 ||
	    vu_irq_eventfds(s->d.device, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &s->req))
		return errno;
	return 0;
}

static void session_close(struct session *s)
{
	vu_close(&s->d);
	if (s->req >= 0)
		close(s->req);
}

/* A REQ from an unbind, or the session's time is up. */
static bool session_over(struct session *s)
{
	__u64 v;

	if (atomic_load(&s->stop))
		return true;
	if (now_ms() >= s->end_ms ||
	    read(s->req, &v, sizeof(v)) == sizeof(v))
		atomic_store(&s->stop, true);
	return atomic_load(&s->stop);
}

static void op_map(struct thread_arg *t, void *buf)
{
	__u64 iova = (__u64)(t->index + 1) << 24;
	__u64 size = (1 + rand_r(&t->seed) % WINDOW_PAGES) * VU_PAGE;
	__u64 done = 0;
	bool ok;

	ok = !vu_map(t->s->d.container, buf, iova, size);
	tally(&t->slot->op[OP_MAP], OP_MAP, ok, errno, "MAP_DMA");
	if (!ok)
		return;
	ok = !vu_unmap(t->s->d.container, iova, size, &done) && done == size;
	tally(&t->slot->op[OP_MAP], OP_MAP, ok, ok ? 0 : errno ? errno : EIO,
	      "UNMAP_DMA (or its size)");
}

static void op_devfd(struct thread_arg *t)
{
	__u32 id = 0;
	int fd;

	fd = ioctl(t->s->d.group, VFIO_GROUP_GET_DEVICE_FD, t->s->dev->bdf);
	if (fd < 0) {
		tally(&t->slot->op[OP_DEVFD], OP_DEVFD, false, errno,
		      "another GET_DEVICE_FD");
		return;
	}
	errno = EIO;
	tally(&t->slot->op[OP_DEVFD], OP_DEVFD,
	      pread(fd, &id, 4, t->s->d.cfg_offset) == 4 && id == t->s->dev->id, errno,
	      "config read through the second device fd");
	close(fd);
}

static void op_reset(struct thread_arg *t)
{
	bool ok = !ioctl(t->s->d.device, VFIO_DEVICE_RESET);

	tally(&t->slot->op[OP_RESET], OP_RESET, ok, errno,
	      "VFIO_DEVICE_RESET");
}

static void op_read(struct thread_arg *t)
{
	__u32 id = 0, v = 0;
	bool ok;

	errno = EIO;
	ok = pread(t->s->d.device, &id, 4, t->s->d.cfg_offset) == 4 &&
		id == t->s->dev->id &&
		pread(t->s->d.device, &v, 4, t->s->bar0) == 4;
	tally(&t->slot->op[OP_READ], OP_READ, ok, errno,
	      "config dword 0 (or BAR0) read");
}

static void op_irq(struct thread_arg *t, int efd)
{
	__u32 index = t->s->dev->irq_index;
	bool ok;

	ok = !vu_irq_eventfds(t->s->d.device, index, 0, 1, &efd);
	tally(&t->slot->op[OP_IRQ], OP_IRQ, ok, errno, "SET_IRQS enable");
	if (ok)
		tally(&t->slot->op[OP_IRQ], OP_IRQ,
		      !vu_irq_disable(t->s->d.device, index), errno,
		      "SET_IRQS disable");
}

static void *thread_main(void *arg)
{
	struct thread_arg *t = arg;
	void *buf = vu_alloc(WINDOW_PAGES * VU_PAGE);
	int efd = vu_eventfd();

	while (buf && efd >= 0 && !session_over(t->s)) {
		switch (rand_r(&t->seed) % 5) {
		case 0:
			op_map(t, buf);
			break;
		case 1:
			op_devfd(t);
			break;
		case 2:
			if (t->s->info.flags & VFIO_DEVICE_FLAGS_RESET)
				op_reset(t);
			break;
		case 3:
			op_read(t);
			break;
		default:
			if (t->index == 0)
				op_irq(t, efd);
			break;
		}
	}
	if (!buf || efd < 0)
		tally(&t->slot->op[OP_MAP], OP_MAP, false, errno,
		      "the thread's buffer or eventfd");
	if (buf)
		munmap(buf, WINDOW_PAGES * VU_PAGE);
	if (efd >= 0)
		close(efd);
	return NULL;
}

static void worker(struct slot *slots, int w)
{
	unsigned int seed = 0x5eed + w;
	long long lck0 = vu_vmlck_kb(getpid()), lck;
	struct thread_arg ta[THREADS];
	pthread_t th[THREADS];
	struct session s;
	const char *what;
	int i, n, err;

	while (now_ms() < deadline_ms) {
		memset(&s, 0, sizeof(s));
		vu_init(&s.d, "");
		s.req = -1;
		s.dev = &devs[rand_r(&seed) % ndevs];
		err = session_open(&s, &what);
		tally(&slots[0].op[OP_SESSION], OP_SESSION, !err, err, what);
		if (err) {
			session_close(&s);
			vu_sleep_ms(1 + rand_r(&seed) % 5);
			continue;
		}
		s.end_ms = now_ms() + 50 + rand_r(&seed) % 250;
		for (n = 0; n < THREADS; n++) {
			ta[n] = (struct thread_arg){ &s, &slots[n + 1], n,
						     rand_r(&seed) };
			if (pthread_create(&th[n], NULL, thread_main, &ta[n]))
				break;
		}
		for (i = 0; i < n; i++)
			pthread_join(th[i], NULL);
		session_close(&s);
		lck = vu_vmlck_kb(getpid());
		if (lck != lck0 && !slots[0].vmlck_leaks++)
			snprintf(slots[0].vmlck_first,
				 sizeof(slots[0].vmlck_first),
				 "VmLck %lld kB after a session, %lld before",
				 lck, lck0);
	}
	_exit(0);
}

/* --- the binder --- */

static bool timed_write(struct binder_stats *b, const char *path,
			const char *val, long long *ms)
{
	long long t0 = now_ms();
	bool ok;

	snprintf(b->doing, sizeof(b->doing), "write %s to %s", val, path);
	ok = vu_write_str(path, val);
	*ms = now_ms() - t0;
	b->doing[0] = '\0';
	return ok;
}

static void binder(struct binder_stats *b)
{
	unsigned int seed = 0xb1d;
	char path[128];
	struct device_ref *d;
	long long ms;

	while (now_ms() + 1000 < deadline_ms) {
		vu_sleep_ms(300 + rand_r(&seed) % 500);
		d = &devs[rand_r(&seed) % ndevs];
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/driver/unbind", d->bdf);
		if (!timed_write(b, path, d->bdf, &ms) && !b->bad++)
			snprintf(b->first_bad, sizeof(b->first_bad),
				 "unbind %s: %s", d->bdf, strerror(errno));
		if (ms > (long long)b->max_unbind_ms)
			b->max_unbind_ms = ms;
		timed_write(b, "/sys/bus/pci/drivers_probe", d->bdf, &ms);
		if (!ps_driver_is(d->bdf, "vfio-pci") && !b->bad++)
			snprintf(b->first_bad, sizeof(b->first_bad),
				 "%s not bound to vfio-pci after the probe",
				 d->bdf);
		b->cycles++;
	}
	_exit(0);
}

/* --- the monitor --- */

static const char *const modules[] = {
	"vfio", "vfio_iommu_type1", "vfio_pci_core", "vfio_pci",
};

static void module_refs(long *refs)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modules); i++)
		refs[i] = vu_module_refcnt(modules[i]);
}

static void print_stack(pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("    %s", line);
	if (f)
		fclose(f);
}

/* Wait for every child until the deadline and the grace; true if all ended. */
static bool reap(pid_t *pids, int n, struct shared *sh)
{
	bool all = true;
	int i, st;

	for (i = 0; i < n; i++) {
		long long left = deadline_ms + GRACE_MS - now_ms();

		st = vu_wait_child(pids[i], left > 0 ? (int)left : 0);
		if (st != -1)
			continue;
		all = false;
		printf("# %s %d still running%s%s; its kernel stack:\n",
		       i < WORKERS ? "worker" : "binder", pids[i],
		       i < WORKERS ? "" : " at: ",
		       i < WORKERS ? "" : sh->binder.doing);
		print_stack(pids[i]);
		kill(pids[i], SIGKILL);
	}
	return all;
}

static void report_ops(struct shared *sh)
{
	struct op_stats sum[OP_N] = { 0 };
	const char *first[OP_N] = { 0 };
	const char *first_leak = "none";
	unsigned long leaks = 0;
	char name[64];
	int w, t, o;

	for (w = 0; w < WORKERS; w++) {
		for (t = 0; t <= THREADS; t++) {
			struct slot *s = &sh->slot[w][t];

			if (!leaks && s->vmlck_leaks)
				first_leak = s->vmlck_first;
			leaks += s->vmlck_leaks;
			for (o = 0; o < OP_N; o++) {
				sum[o].ok += s->op[o].ok;
				sum[o].refused += s->op[o].refused;
				sum[o].bad += s->op[o].bad;
				if (!first[o] && s->op[o].bad)
					first[o] = s->op[o].first_bad;
			}
		}
	}
	for (o = 0; o < OP_N; o++) {
		printf("# %-8s %lu ok, %lu refused as the race allows, %lu bad\n",
		       op_name[o], sum[o].ok, sum[o].refused, sum[o].bad);
		snprintf(name, sizeof(name), "stress-%s", op_name[o]);
		check(sum[o].ok > 0 && !sum[o].bad, name,
		      "%lu succeeded, %lu failed unexpectedly (first: %s)",
		      sum[o].ok, sum[o].bad, first[o] ? first[o] : "none");
	}
	check(!leaks, "stress-vmlck",
	      "%lu sessions ended with VmLck not back (first: %s)", leaks,
	      first_leak);
}

static bool add_device(const char *bdf, const char *role)
{
	struct device_ref *d = &devs[ndevs];
	char name[48];
	unsigned int vendor = ps_cfg16(bdf, PCI_VENDOR);
	unsigned int device = ps_cfg16(bdf, PCI_DEVICE);
	struct vfio_irq_info irq;
	struct vdev v;
	bool ok;

	d->bdf = bdf;
	d->role = role;
	d->group_id = vu_group_of(bdf);
	d->id = vendor | device << 16;
	ok = vu_open(&v, bdf, true) &&
		!vu_irq_info(v.device, VFIO_PCI_MSIX_IRQ_INDEX, &irq);
	d->irq_index = ok && irq.count ? VFIO_PCI_MSIX_IRQ_INDEX :
		VFIO_PCI_MSI_IRQ_INDEX;
	snprintf(name, sizeof(name), "stress-device-%s", role);
	check(ok && d->group_id >= 0, name,
	      "%s: %s", bdf, ok ? "no iommu_group" : v.why);
	vu_close(&v);
	ndevs += ok;
	return ok;
}

int main(int argc, char **argv)
{
	long refs0[ARRAY_SIZE(modules)], refs1[ARRAY_SIZE(modules)];
	pid_t pids[WORKERS + 1];
	long long pins0, pins1;
	struct shared *sh;
	int i, n = 0, seconds;
	size_t m;

	seconds = argc > 1 ? atoi(argv[1]) : 0;
	if (argc < 3 || argc > 4 || seconds <= 0) {
		fprintf(stderr, "usage: t_stress SECONDS EDU_BDF [NVME_BDF]\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		if (!add_device(argv[i], i == 2 ? "edu" : "nvme"))
			return check_exit();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!check(sh != MAP_FAILED, "stress-setup", "mmap: %s",
		   strerror(errno)))
		return check_exit();
	pins0 = vu_pinned_pages();
	module_refs(refs0);
	printf("# %d workers of %d threads and a binder on %d device(s) for %d s\n",
	       WORKERS, THREADS, ndevs, seconds);
	fflush(stdout);
	deadline_ms = now_ms() + seconds * 1000LL;
	for (i = 0; i <= WORKERS; i++) {
		pids[n] = fork();
		if (pids[n] == 0) {
			if (i < WORKERS)
				worker(sh->slot[i], i);
			binder(&sh->binder);
		}
		n += pids[n] > 0;
	}
	check(n == WORKERS + 1, "stress-fork", "fork: %s", strerror(errno));
	check(reap(pids, n, sh), "stress-no-hang",
	      "a process was still running %d s after the end", GRACE_MS / 1000);

	report_ops(sh);
	printf("# binder: %lu unbind/probe cycles, slowest unbind %lu ms\n",
	       sh->binder.cycles, sh->binder.max_unbind_ms);
	check(sh->binder.cycles > 0 && !sh->binder.bad, "stress-unbind-rebind",
	      "%lu cycles, %lu failed (first: %s)", sh->binder.cycles,
	      sh->binder.bad, sh->binder.first_bad);

	/* A killed binder may have left a device unbound: probe it back. */
	for (i = 0; i < ndevs; i++)
		if (!ps_driver_is(devs[i].bdf, "vfio-pci"))
			vu_write_str("/sys/bus/pci/drivers_probe", devs[i].bdf);
	for (i = 0; i < ndevs; i++) {
		char name[48];
		struct vdev v;

		snprintf(name, sizeof(name), "stress-usable-after-%s",
			 devs[i].role);
		check(vu_open(&v, devs[i].bdf, true) &&
		      vu_cfg_read32(&v, PCI_VENDOR) == devs[i].id,
		      name, "%s: %s", devs[i].bdf, v.why);
		vu_close(&v);
	}
	pins1 = vu_pinned_pages();
	check(pins1 == pins0, "stress-pins",
	      "pinned pages %lld before, %lld after", pins0, pins1);
	module_refs(refs1);
	for (m = 0; m < ARRAY_SIZE(modules) - 1; m++)
		if (refs1[m] != refs0[m])
			break;
	check(refs1[m] == refs0[m], "stress-module-refs",
	      "%s: %ld references before, %ld after", modules[m],
	      refs0[m], refs1[m]);
	munmap(sh, sizeof(*sh));
	return check_exit();
}
