// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark of the VFIO Type1 IOMMU backend and vfio-pci, driven
 * against QEMU's edu device. It is run once with the kernel's own VFIO and
 * once with the bundle's, so it sticks to uAPI that Linux 5.10 has too.
 *
 *   vfio_bench [--tiny] [--reps N] [--only PREFIX] --label NAME BDF
 *
 * --only runs just the measures whose name starts with PREFIX (map-2m,
 * for one; an unmap measure comes with its map), to look closer at them,
 * under a tracer for instance.
 *
 * Output, one line per measure:
 *   BENCH <label> <measure> <unit> <median> <min> <max> <reps>
 *   BENCH-NA <label> <measure> <reason...>
 */
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>

#include "vfio_util.h"

#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)
#define HPAGE		(2 * MIB)
#define IOVA_BASE	(1ULL << 32)	/* above the x86 MSI window */
#define EDU_CFG_ID	((__u32)EDU_DEVICE << 16 | EDU_VENDOR)
#define MAX_REPS	1000

struct bench {
	const char *label;
	const char *bdf;
	const char *only;
	bool tiny;
	int reps;
	int container;
	int group;
	/* Device state, only while measures 5-7 run. */
	int device;
	__u64 cfg_off;
	void *bar;
	size_t bar_size;
	int efd;
};

/* Enough room for a vfio_irq_set carrying one eventfd. */
union irq_set_one {
	struct vfio_irq_set set;
	char buf[sizeof(struct vfio_irq_set) + sizeof(__s32)];
};

/* Say why on stderr, with errno's text if @err, and stop. */
__noreturn
static void vexit(int err, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "vfio_bench: ");
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fprintf(stderr, "\n");
	exit(1);
}

__printf(1, 2) __noreturn
static void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vexit(err ? err : EIO, fmt, ap);
}

/* For failures that have no errno behind them. */
__printf(1, 2) __noreturn
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vexit(0, fmt, ap);
}

static double now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime");
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A zero interval would print inf; clamp to the clock's resolution. */
static double since(double t0)
{
	double dt = now() - t0;

	return dt > 1e-9 ? dt : 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const struct bench *b, const char *measure,
		   const char *unit, double *v, int n)
{
	double med;

	qsort(v, n, sizeof(*v), cmp_double);
	med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("BENCH %s %s %s %.4g %.4g %.4g %d\n", b->label, measure, unit,
	       med, v[0], v[n - 1], n);
}

__printf(3, 4)
static void report_na(const struct bench *b, const char *measure,
		      const char *fmt, ...)
{
	va_list ap;

	printf("BENCH-NA %s %s ", b->label, measure);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Is @measure to be run? */
static bool wanted(const struct bench *b, const char *measure)
{
	return !b->only || !strncmp(measure, b->only, strlen(b->only));
}

/* ---- Type1 ---- */

static void dma_map(struct bench *b, void *vaddr, __u64 iova, __u64 size)
{
	if (vu_map(b->container, vaddr, iova, size))
		die("MAP_DMA iova %#llx size %#llx",
		    (unsigned long long)iova, (unsigned long long)size);
}

/* Unmap [iova, iova + size) and insist that @expect bytes went. */
static void dma_unmap(struct bench *b, __u64 iova, __u64 size, __u64 expect)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	if (ioctl(b->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		die("UNMAP_DMA iova %#llx size %#llx",
		    (unsigned long long)iova, (unsigned long long)size);
	if (unmap.size != expect)
		fail("UNMAP_DMA iova %#llx: unmapped %#llx bytes, want %#llx",
		     (unsigned long long)iova, (unsigned long long)unmap.size,
		     (unsigned long long)expect);
}

/* One map and one unmap of @size bytes at @buf, timed apart. */
static void map_unmap_once(struct bench *b, void *buf, __u64 size,
			   double *map_s, double *unmap_s)
{
	double t0;

	t0 = now();
	dma_map(b, buf, IOVA_BASE, size);
	*map_s = since(t0);
	t0 = now();
	dma_unmap(b, IOVA_BASE, size, size);
	*unmap_s = since(t0);
}

static void map_unmap_measure(struct bench *b, const char *kind, void *buf,
			      __u64 size, const char *sname)
{
	double map_v[MAX_REPS], unmap_v[MAX_REPS], tm, tu;
	char name[64];
	int i;

	map_unmap_once(b, buf, size, &tm, &tu);		/* warm-up */
	for (i = 0; i < b->reps; i++) {
		map_unmap_once(b, buf, size, &tm, &tu);
		map_v[i] = size / tm / GIB;
		unmap_v[i] = size / tu / GIB;
	}
	snprintf(name, sizeof(name), "map-%s-%s", kind, sname);
	report(b, name, "GiB/s", map_v, b->reps);
	snprintf(name, sizeof(name), "unmap-%s-%s", kind, sname);
	report(b, name, "GiB/s", unmap_v, b->reps);
}

static void *alloc_4k(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes", size);
	/* No THP: this measure is about 4 KiB pages. */
	if (madvise(p, size, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");
	memset(p, 0x5a, size);		/* fault in before timing */
	return p;
}

static void bench_map_4k(struct bench *b, __u64 size, const char *sname)
{
	void *buf = alloc_4k(size);

	map_unmap_measure(b, "4k", buf, size, sname);
	if (munmap(buf, size))
		die("munmap");
}

/* A hugetlb fault can still SIGBUS; turn that into a BENCH-NA. */
static sigjmp_buf touch_env;

static void touch_sigbus(int sig)
{
	(void)sig;
	siglongjmp(touch_env, 1);
}

static bool touch_guarded(void *p, size_t size)
{
	struct sigaction sa = { .sa_handler = touch_sigbus };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		die("sigaction(SIGBUS)");
	/* Nothing local changes after sigsetjmp, so nothing is clobbered. */
	if (sigsetjmp(touch_env, 1)) {
		signal(SIGBUS, SIG_DFL);
		return false;
	}
	memset(p, 0x5a, size);
	signal(SIGBUS, SIG_DFL);
	return true;
}

/* Both the map and the unmap measure of a size that cannot run. */
static void report_na_2m(const struct bench *b, const char *sname,
			 const char *why)
{
	char name[64];

	snprintf(name, sizeof(name), "map-2m-%s", sname);
	report_na(b, name, "%s", why);
	snprintf(name, sizeof(name), "unmap-2m-%s", sname);
	report_na(b, name, "%s", why);
}

static void bench_map_2m(struct bench *b, __u64 size, const char *sname)
{
	long long hpsz = vu_proc_field("/proc/meminfo", "Hugepagesize");
	long long avail = vu_proc_field("/proc/meminfo", "HugePages_Free");
	unsigned long long need = size / HPAGE;
	char why[128];
	void *buf;

	if (hpsz != 2048) {
		snprintf(why, sizeof(why),
			 "default hugepage size is %lld kB, not 2048", hpsz);
		report_na_2m(b, sname, why);
		return;
	}
	if (avail < 0 || (unsigned long long)avail < need) {
		snprintf(why, sizeof(why),
			 "only %lld of %llu 2MiB hugepages free",
			 avail < 0 ? 0 : avail, need);
		report_na_2m(b, sname, why);
		return;
	}
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (buf == MAP_FAILED) {
		snprintf(why, sizeof(why),
			 "hugetlb mmap of %llu MiB failed: %s",
			 (unsigned long long)(size / MIB), strerror(errno));
		report_na_2m(b, sname, why);
		return;
	}
	if (touch_guarded(buf, size)) {
		map_unmap_measure(b, "2m", buf, size, sname);
	} else {
		snprintf(why, sizeof(why),
			 "SIGBUS touching %llu MiB of hugetlb memory",
			 (unsigned long long)(size / MIB));
		report_na_2m(b, sname, why);
	}
	if (munmap(buf, size))
		die("munmap hugetlb");
}

/*
 * @n 4 KiB mappings of consecutive pieces of @buf, a 4 KiB IOVA hole
 * after each so Type1 cannot merge them into one vfio_dma.
 */
static void map_pieces(struct bench *b, char *buf, int n)
{
	int i;

	for (i = 0; i < n; i++)
		dma_map(b, buf + (size_t)i * VU_PAGE,
			IOVA_BASE + (__u64)i * 2 * VU_PAGE, VU_PAGE);
}

/* One unmap spanning all the pieces (holes included). */
static void unmap_pieces(struct bench *b, int n)
{
	dma_unmap(b, IOVA_BASE, (__u64)n * 2 * VU_PAGE, (__u64)n * VU_PAGE);
}

static void bench_small_map(struct bench *b)
{
	int n = b->tiny ? 64 : 16384, i;
	double map_v[MAX_REPS], unmap_v[MAX_REPS], t0;
	char *buf = alloc_4k((size_t)n * VU_PAGE);

	map_pieces(b, buf, n);				/* warm-up */
	unmap_pieces(b, n);
	for (i = 0; i < b->reps; i++) {
		t0 = now();
		map_pieces(b, buf, n);
		map_v[i] = n / since(t0);
		t0 = now();
		unmap_pieces(b, n);
		unmap_v[i] = n / since(t0);
	}
	report(b, "small-map", "ops/s", map_v, b->reps);
	report(b, "small-unmap-all", "ops/s", unmap_v, b->reps);
	if (munmap(buf, (size_t)n * VU_PAGE))
		die("munmap");
}

static long long slab_kb(void)
{
	long long v;

	/* Fold per-CPU counter deltas in first (root only, best effort). */
	vu_write_str("/proc/sys/vm/stat_refresh", "1");
	v = vu_proc_field("/proc/meminfo", "Slab");
	if (v < 0)
		fail("no Slab: line in /proc/meminfo");
	return v;
}

static void bench_kmem(struct bench *b)
{
	int m = b->tiny ? 64 : 4096, i;
	double v[MAX_REPS];
	long long before, after;
	char *buf = alloc_4k((size_t)m * VU_PAGE);

	for (i = 0; i < b->reps; i++) {
		before = slab_kb();
		map_pieces(b, buf, m);
		after = slab_kb();
		unmap_pieces(b, m);
		v[i] = (double)(after - before) * 1000 / m;
	}
	report(b, "kmem-per-1000-maps", "KiB", v, b->reps);
	if (munmap(buf, (size_t)m * VU_PAGE))
		die("munmap");
}

/* ---- vfio-pci ---- */

static int get_device(struct bench *b)
{
	int fd = ioctl(b->group, VFIO_GROUP_GET_DEVICE_FD, b->bdf);

	if (fd < 0)
		die("GET_DEVICE_FD(%s)", b->bdf);
	return fd;
}

static void msi_enable(int device, int efd)
{
	union irq_set_one u;

	memset(&u, 0, sizeof(u));
	u.set.argsz = sizeof(u.buf);
	u.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	u.set.index = VFIO_PCI_MSI_IRQ_INDEX;
	u.set.start = 0;
	u.set.count = 1;
	memcpy(u.set.data, &efd, sizeof(__s32));
	if (ioctl(device, VFIO_DEVICE_SET_IRQS, &u.set))
		die("SET_IRQS(MSI, eventfd)");
}

static void msi_disable(int device)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = VFIO_PCI_MSI_IRQ_INDEX,
		.start = 0,
		.count = 0,
	};

	if (ioctl(device, VFIO_DEVICE_SET_IRQS, &set))
		die("SET_IRQS(MSI, none, count 0)");
}

/* What a VMM does when it takes a device on and gives it back. */
static void open_close_cycle(struct bench *b, int efd)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info r;
	struct vfio_irq_info irq;
	int device = get_device(b);
	__u32 i;

	if (ioctl(device, VFIO_DEVICE_GET_INFO, &info))
		die("DEVICE_GET_INFO");
	for (i = 0; i < info.num_regions; i++)
		if (vu_region_info(device, i, &r) && errno != EINVAL)
			die("GET_REGION_INFO(%u)", i);
	for (i = 0; i < info.num_irqs; i++)
		if (vu_irq_info(device, i, &irq) && errno != EINVAL)
			die("GET_IRQ_INFO(%u)", i);
	msi_enable(device, efd);
	msi_disable(device);
	if (close(device))
		die("close device");
}

static void bench_open_close(struct bench *b)
{
	int cycles = b->tiny ? 3 : 20, i, j;
	double v[MAX_REPS], t0;
	int efd = eventfd(0, EFD_CLOEXEC);

	if (efd < 0)
		die("eventfd");
	for (i = 0; i < b->reps; i++) {
		t0 = now();
		for (j = 0; j < cycles; j++)
			open_close_cycle(b, efd);
		v[i] = cycles / since(t0);
	}
	report(b, "open-close", "ops/s", v, b->reps);
	close(efd);
}

static void cfg_pwrite16(struct bench *b, __u32 off, __u16 v)
{
	if (pwrite(b->device, &v, sizeof(v), b->cfg_off + off) != sizeof(v))
		die("config write at %#x", off);
}

static __u16 cfg_pread16(struct bench *b, __u32 off)
{
	__u16 v;

	if (pread(b->device, &v, sizeof(v), b->cfg_off + off) != sizeof(v))
		die("config read at %#x", off);
	return v;
}

static __u32 cfg_pread32(struct bench *b, __u32 off)
{
	__u32 v;

	if (pread(b->device, &v, sizeof(v), b->cfg_off + off) != sizeof(v))
		die("config read at %#x", off);
	return v;
}

/* Device fd, config offset, BAR0 mapping, bus master, MSI to b->efd. */
static void device_up(struct bench *b)
{
	struct vfio_region_info r;
	__u32 id;

	b->device = get_device(b);
	if (vu_region_info(b->device, VFIO_PCI_CONFIG_REGION_INDEX, &r))
		die("GET_REGION_INFO(config)");
	b->cfg_off = r.offset;
	id = cfg_pread32(b, PCI_VENDOR);
	if (id != EDU_CFG_ID)
		fail("%s is not an edu device: config reads %#x, want %#x",
		     b->bdf, id, EDU_CFG_ID);
	if (vu_region_info(b->device, VFIO_PCI_BAR0_REGION_INDEX, &r))
		die("GET_REGION_INFO(BAR0)");
	if (!(r.flags & VFIO_REGION_INFO_FLAG_MMAP) || r.size < 0x100)
		fail("BAR0: size %#llx, flags %#x: not an mmappable edu BAR",
		     (unsigned long long)r.size, r.flags);
	b->bar_size = r.size;
	b->bar = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      b->device, r.offset);
	if (b->bar == MAP_FAILED)
		die("mmap BAR0");
	/* MSI is a DMA write: without bus master QEMU drops it. */
	cfg_pwrite16(b, PCI_COMMAND, cfg_pread16(b, PCI_COMMAND) |
		     PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY);
	b->efd = eventfd(0, EFD_CLOEXEC);
	if (b->efd < 0)
		die("eventfd");
	msi_enable(b->device, b->efd);
}

static void device_down(struct bench *b)
{
	edu_wr(b->bar, EDU_IRQ_ACK, 0xffffffff);
	msi_disable(b->device);
	cfg_pwrite16(b, PCI_COMMAND,
		     cfg_pread16(b, PCI_COMMAND) & ~PCI_COMMAND_MASTER);
	munmap(b->bar, b->bar_size);
	close(b->efd);
	if (close(b->device))
		die("close device");
	b->device = -1;
}

static void wait_irq(struct bench *b, int k)
{
	struct pollfd p = { .fd = b->efd, .events = POLLIN };
	__u64 cnt;
	int ret;

	ret = poll(&p, 1, 1000);
	if (ret < 0)
		die("poll eventfd");
	if (ret == 0)
		fail("irq-roundtrip: no MSI within 1 s (iteration %d, edu irq status %#x)",
		     k, edu_rd(b->bar, EDU_IRQ_STATUS));
	if (read(b->efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		die("read eventfd");
}

/*
 * Send the device's MSI to CPU 0, where this program runs: otherwise the
 * round trip depends on which vCPU the vector landed on, and TCG runs
 * the vCPUs in turn.
 */
static void irq_to_cpu0(struct bench *b)
{
	char line[512], path[64];
	FILE *f = fopen("/proc/interrupts", "r");
	int irq = -1;

	if (!f)
		die("open /proc/interrupts");
	while (irq < 0 && fgets(line, sizeof(line), f))
		if (strstr(line, "vfio-msi") && strstr(line, b->bdf))
			irq = atoi(line);
	fclose(f);
	if (irq <= 0)
		fail("irq-roundtrip: no vfio-msi interrupt of %s in /proc/interrupts",
		     b->bdf);
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	if (!vu_write_str(path, "0"))
		die("write 0 to %s", path);
}

static void bench_irq(struct bench *b)
{
	int k = b->tiny ? 200 : 2000, i, j;
	double v[MAX_REPS], t0;

	irq_to_cpu0(b);
	for (i = 0; i < b->reps; i++) {
		t0 = now();
		for (j = 0; j < k; j++) {
			edu_wr(b->bar, EDU_IRQ_RAISE, 1);
			wait_irq(b, j);
			edu_wr(b->bar, EDU_IRQ_ACK, 1);
		}
		v[i] = k / since(t0);
	}
	report(b, "irq-roundtrip", "ops/s", v, b->reps);
}

static void bench_config_read(struct bench *b)
{
	int k = b->tiny ? 200 : 20000, i, j;
	double v[MAX_REPS], t0;
	__u32 id = 0;

	for (i = 0; i < b->reps; i++) {
		t0 = now();
		for (j = 0; j < k; j++)
			id = cfg_pread32(b, PCI_VENDOR);
		v[i] = k / since(t0);
		if (id != EDU_CFG_ID)
			fail("config-read: read %#x, want %#x", id, EDU_CFG_ID);
	}
	report(b, "config-read", "ops/s", v, b->reps);
}

static void bench_region_info(struct bench *b)
{
	int k = b->tiny ? 200 : 20000, i, j;
	struct vfio_region_info r;
	double v[MAX_REPS], t0;

	for (i = 0; i < b->reps; i++) {
		t0 = now();
		for (j = 0; j < k; j++)
			if (vu_region_info(b->device,
					   VFIO_PCI_BAR0_REGION_INDEX, &r))
				die("GET_REGION_INFO(BAR0)");
		v[i] = k / since(t0);
	}
	report(b, "region-info", "ops/s", v, b->reps);
}

/* ---- setup ---- */

static void session_open(struct bench *b)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	int group_id = vu_bus_group_of("pci", b->bdf);
	char path[64];

	if (group_id < 0)
		fail("%s: no iommu_group (not behind an IOMMU?)", b->bdf);
	b->container = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	if (b->container < 0)
		die("open %s", VU_CONTAINER);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_id);
	b->group = open(path, O_RDWR | O_CLOEXEC);
	if (b->group < 0)
		die("open %s", path);
	if (ioctl(b->group, VFIO_GROUP_GET_STATUS, &st))
		die("GROUP_GET_STATUS");
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		fail("group %d is not viable (flags %#x)", group_id, st.flags);
	if (ioctl(b->group, VFIO_GROUP_SET_CONTAINER, &b->container))
		die("GROUP_SET_CONTAINER");
	if (ioctl(b->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("SET_IOMMU(TYPE1v2)");
	if (ioctl(b->container, VFIO_IOMMU_GET_INFO, &info))
		die("IOMMU_GET_INFO");
	printf("BENCH-INFO %s iommu=type1v2 pagesizes=%#llx\n", b->label,
	       (unsigned long long)info.iova_pgsizes);
}

static void session_close(struct bench *b)
{
	close(b->group);
	close(b->container);
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: vfio_bench [--tiny] [--reps N] [--only PREFIX] --label NAME BDF\n");
	exit(2);
}

static void parse_args(struct bench *b, int argc, char **argv)
{
	char *end;
	int i;

	b->reps = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tiny")) {
			b->tiny = true;
		} else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
			long n = strtol(argv[++i], &end, 10);

			if (*end || n < 1 || n > MAX_REPS)
				print_usage();
			b->reps = n;
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			b->only = argv[++i];
		} else if (!strcmp(argv[i], "--label") && i + 1 < argc) {
			b->label = argv[++i];
		} else if (argv[i][0] != '-' && !b->bdf) {
			b->bdf = argv[i];
		} else {
			print_usage();
		}
	}
	if (!b->label || !*b->label || strchr(b->label, ' ') || !b->bdf)
		print_usage();
	if (!b->reps)
		b->reps = b->tiny ? 2 : 7;
}

int main(int argc, char **argv)
{
	static const struct {
		__u64 size;
		const char *name, *map_4k, *map_2m;
	} sizes[] = {
		{ 2 * MIB, "2M", "map-4k-2M", "map-2m-2M" },
		{ 64 * MIB, "64M", "map-4k-64M", "map-2m-64M" },
		{ 512 * MIB, "512M", "map-4k-512M", "map-2m-512M" },
	};
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	struct bench b = { .container = -1, .group = -1, .device = -1 };
	size_t i, nsizes;
	cpu_set_t cpu0;

	parse_args(&b, argc, argv);
	nsizes = b.tiny ? 1 : ARRAY_SIZE(sizes);
	/* One vCPU for everything, so both sets see the same scheduling. */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		die("sched_setaffinity(CPU 0)");
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Type1 charges pins to RLIMIT_MEMLOCK; lift it where we may. */
	setrlimit(RLIMIT_MEMLOCK, &unlimited);

	session_open(&b);
	for (i = 0; i < nsizes; i++)
		if (wanted(&b, sizes[i].map_4k))
			bench_map_4k(&b, sizes[i].size, sizes[i].name);
	for (i = 0; i < nsizes; i++)
		if (wanted(&b, sizes[i].map_2m))
			bench_map_2m(&b, sizes[i].size, sizes[i].name);
	if (wanted(&b, "small-map"))
		bench_small_map(&b);
	/* Nothing else may hold the device: each close must really reset. */
	if (wanted(&b, "open-close"))
		bench_open_close(&b);
	if (wanted(&b, "irq-roundtrip") || wanted(&b, "config-read") ||
	    wanted(&b, "region-info")) {
		device_up(&b);
		if (wanted(&b, "irq-roundtrip"))
			bench_irq(&b);
		if (wanted(&b, "config-read"))
			bench_config_read(&b);
		if (wanted(&b, "region-info"))
			bench_region_info(&b);
		device_down(&b);
	}
	if (wanted(&b, "kmem-per-1000-maps"))
		bench_kmem(&b);
	session_close(&b);
	return 0;
}
