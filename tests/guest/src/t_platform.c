// SPDX-License-Identifier: GPL-2.0
/*
 * The bundle's vfio-platform on the test devices of
 * tests/kmod/vfio_platform_testdev.ko, seen as a VMM sees them: a platform
 * device with no IOMMU, so a "noiommu-N" group in no-IOMMU mode, opened
 * through a container with the no-IOMMU backend by its device name.
 *
 *   t_platform check DEV
 *	(vfio-platform-testdev.0, with a reset function) the no-IOMMU
 *	container's rules (extensions, SET_IOMMU, no DMA ioctls, the log
 *	line on open); device, region and IRQ info and their bad requests;
 *	read and write of 1, 2, 4 and 8 bytes and past the end; mmap of the
 *	page-aligned region, the one that is not, and bad mappings; the
 *	level IRQ (automasked, UNMASK while still asserted fires again,
 *	unmask through an eventfd), the edge IRQ (one event a pulse; MASK
 *	holds them back if the line says MASKABLE, is refused if not),
 *	software triggers, teardown; DEVICE_RESET; an open device holds
 *	vfio-platform's module; nothing left afterwards (handlers in
 *	/proc/interrupts, module references).
 *   t_platform noreset DEV
 *	(vfio-platform-testdev.1, bound with reset_required=0) no RESET
 *	flag, DEVICE_RESET refused with EINVAL, its region and level IRQ.
 *   t_platform modreset DEV
 *	(vfio-platform-testdev.2, reset by the module modprobe loaded for
 *	it) RESET flag, reset on open, DEVICE_RESET undoing a write.
 *   t_platform hold DEV
 *	unbinding the device while it is open: the unbind waits, the device
 *	keeps working, closing it lets the unbind finish, the group goes.
 *	Exit status 124: the unbind was still blocked 15 s after the close,
 *	and is left behind.
 *   t_platform extension NAME WANT
 *	CHECK_EXTENSION(VFIO_NOIOMMU_IOMMU) on an empty container answers
 *	WANT; the check is called NAME.
 *   t_platform write FILE VALUE
 *	write VALUE to FILE (a sysfs attribute) and print the result: OK,
 *	the errno's name (EINVAL, ...), or STUCK if the write has not
 *	returned within 20 s (then it is left behind, not waited for); then
 *	the kernel log lines that came meanwhile, one a line.
 *
 * Check names start with "platform-dev0-" or "platform-dev1-" after the
 * device's instance number.
 */
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "vfio_util.h"

#define PLATFORM_DEVICES	"/sys/bus/platform/devices"
#define PLATFORM_DRIVER		"/sys/bus/platform/drivers/vfio-platform"
#define DRIVER_MODULE		"vfio_platform"
#define TESTDEV_MODULE		"vfio_platform_testdev"

/* Upstream's fd offset of region i: i << 40. */
#define REGION_SHIFT	40
#define REGION_OFF(i)	((__u64)(i) << REGION_SHIFT)

/* The test devices (tests/kmod/vfio_platform_testdev.c). */
#define TD_BYTE		0xa5
#define TD0_R0_SIZE	0x2000ULL	/* page aligned: mmap-able */
#define TD0_R1_SIZE	0x100ULL	/* not mmap-able */
#define TD0_IRQ_LEVEL	0
#define TD0_IRQ_EDGE	1
#define TD1_R0_SIZE	0x1000ULL
#define TD1_IRQ_LEVEL	0
#define TD2_R0_SIZE	0x1000ULL
#define TD2_RESET_BYTE	0x5a		/* vfio_platform_testreset's fill */

/* How long to wait for an event that must come, and one that must not. */
#define EVENT_MS	3000
#define QUIET_MS	400

#define RW_FLAGS	(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)

struct pdev {
	struct vdev d;		/* .bdf is the device's name */
	char sys[128];		/* its sysfs directory */
	int inst;		/* 0 or 1 */
};

/* What a call that returned @ret left: "OK" or the errno's name. */
static const char *res(long ret, int err)
{
	return ret < 0 ? vu_errname(err) : "OK";
}

static bool driver_is_vfio(const char *name)
{
	char path[160], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), PLATFORM_DEVICES "/%s/driver", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	return !strcmp(strrchr(link, '/') + 1, "vfio-platform");
}

/* A number from one of the device's sysfs attributes, or -1. */
static long attr_num(struct pdev *p, const char *attr)
{
	char path[192], buf[64];

	snprintf(path, sizeof(path), "%s/%s", p->sys, attr);
	if (!vu_read_line(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 0);
}

/* Write "@line\n" to the device's testdev attribute @attr. */
static bool attr_write(struct pdev *p, const char *attr, int line)
{
	char path[192], buf[16];

	snprintf(path, sizeof(path), "%s/%s", p->sys, attr);
	snprintf(buf, sizeof(buf), "%d\n", line);
	return vu_write_str(path, buf);
}

static bool pdev_init(struct pdev *p, const char *name)
{
	const char *dot = strrchr(name, '.');

	vu_init(&p->d, name);
	snprintf(p->sys, sizeof(p->sys), PLATFORM_DEVICES "/%s", name);
	p->inst = dot ? atoi(dot + 1) : -1;
	if (p->inst == 0) {
		check_set_prefix("platform-dev0-");
	} else if (p->inst == 1) {
		check_set_prefix("platform-dev1-");
	} else if (p->inst == 2) {
		check_set_prefix("platform-dev2-");
	} else {
		fprintf(stderr, "t_platform: %s is not a vfio-platform-testdev\n",
			name);
		return false;
	}
	if (access(p->sys, F_OK)) {
		fprintf(stderr, "t_platform: no %s\n", p->sys);
		return false;
	}
	return true;
}

/* ---- the no-IOMMU container ---- */

/*
 * Open @path in a child without CAP_SYS_RAWIO (in its effective set); the
 * errno it got, 0 if it opened it, or -1 if the test could not be run.
 */
static int open_without_rawio(const char *path)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	pid_t pid = fork();
	int st, fd;

	if (pid < 0)
		return -1;
	if (!pid) {
		if (syscall(SYS_capget, &hdr, data))
			_exit(255);
		data[CAP_SYS_RAWIO / 32].effective &= ~(1U << (CAP_SYS_RAWIO % 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(255);
		fd = open(path, O_RDWR | O_CLOEXEC);
		_exit(fd < 0 ? errno & 0xff : 0);
	}
	st = vu_wait_child(pid, 10000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) == 255)
		return -1;
	return WEXITSTATUS(st);
}

/*
 * Container, group noiommu-N, the no-IOMMU backend, device fd: the order
 * every no-IOMMU user (DPDK) takes. With @checks, the container's rules
 * along the way are checks of their own. d.why says what failed.
 */
static bool pdev_open(struct pdev *p, bool checks)
{
	struct vfio_iommu_type1_info ii = { .argsz = sizeof(ii) };
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (__u64)(uintptr_t)&map,
		.iova = 0x100000,
		.size = VU_PAGE,
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = 0x100000, .size = VU_PAGE,
	};
	struct vdev *d = &p->d;
	char path[64], rec[1024];
	const char *text;
	bool logged = false;
	int ret, err, e1, e2, e3, fd, kfd;
	long x1, x2;

	d->group_id = vu_bus_group_of("platform", p->d.bdf);
	if (d->group_id < 0)
		return vu_fail(d, ENODEV, "%s has no iommu_group link",
			       d->bdf);
	d->container = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		return vu_fail(d, errno, "open %s", VU_CONTAINER);
	if (checks) {
		/* Only the noiommu-N node: no plain N beside it. */
		snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_id);
		fd = open(path, O_RDWR | O_CLOEXEC);
		err = errno;
		if (fd >= 0)
			close(fd);
		check(fd < 0 && err == ENOENT, "noiommu-no-plain-node",
		      "open %s: %s, want ENOENT (only noiommu-%d may exist)",
		      path, fd < 0 ? vu_errname(err) : "opened", d->group_id);
		x1 = ioctl(d->container, VFIO_CHECK_EXTENSION,
			   VFIO_NOIOMMU_IOMMU);
		check(x1 == 1, "noiommu-extension-empty-container",
		      "CHECK_EXTENSION(NOIOMMU) on an empty container: %ld, want 1",
		      x1);
	}
	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%d", d->group_id);
	if (checks) {
		/* Without an IOMMU, the group is as mighty as /dev/mem. */
		err = open_without_rawio(path);
		check(err == EPERM, "noiommu-needs-rawio",
		      "open %s without CAP_SYS_RAWIO: %s, want EPERM", path,
		      err < 0 ? "could not try" : vu_errname(err));
	}
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		return vu_fail(d, errno, "open %s", path);
	if (!vu_group_ready(d, path))
		return false;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		return vu_fail(d, errno, "SET_CONTAINER");
	if (checks) {
		/* No backend yet: no device fd. */
		fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
		err = errno;
		if (fd >= 0)
			close(fd);
		check(fd < 0 && err == EINVAL, "noiommu-device-needs-backend",
		      "GET_DEVICE_FD before SET_IOMMU: %s, want EINVAL",
		      fd < 0 ? vu_errname(err) : "got a device fd");
		/* A no-IOMMU group is offered the no-IOMMU backend only. */
		x1 = ioctl(d->container, VFIO_CHECK_EXTENSION,
			   VFIO_NOIOMMU_IOMMU);
		x2 = ioctl(d->container, VFIO_CHECK_EXTENSION,
			   VFIO_TYPE1v2_IOMMU);
		check(x1 == 1 && x2 == 0, "noiommu-extensions-with-group",
		      "with the group in the container: CHECK_EXTENSION(NOIOMMU) %ld (want 1), CHECK_EXTENSION(TYPE1v2) %ld (want 0)",
		      x1, x2);
		/* Upstream skips every backend that does not match: ENODEV. */
		ret = ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
		err = errno;
		check(ret < 0 && err == ENODEV, "noiommu-type1-refused",
		      "SET_IOMMU(TYPE1v2) with a no-IOMMU group: %s, want ENODEV",
		      res(ret, err));
		ret = ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU);
		err = errno;
		check(ret < 0 && err == ENODEV, "noiommu-type1v1-refused",
		      "SET_IOMMU(TYPE1) with a no-IOMMU group: %s, want ENODEV",
		      res(ret, err));
	}
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU))
		return vu_fail(d, errno, "SET_IOMMU(NOIOMMU)");
	if (checks) {
		/* Nothing to map DMA with. */
		ret = ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map);
		e1 = ret < 0 ? errno : 0;
		ret = ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &unmap);
		e2 = ret < 0 ? errno : 0;
		ret = ioctl(d->container, VFIO_IOMMU_GET_INFO, &ii);
		e3 = ret < 0 ? errno : 0;
		check(e1 == ENOTTY && e2 == ENOTTY && e3 == ENOTTY,
		      "noiommu-no-dma-ioctls",
		      "on the no-IOMMU container: MAP_DMA %s, UNMAP_DMA %s, IOMMU_GET_INFO %s; want ENOTTY",
		      vu_errname(e1), vu_errname(e2), vu_errname(e3));
		x1 = ioctl(d->container, VFIO_CHECK_EXTENSION,
			   VFIO_NOIOMMU_IOMMU);
		check(x1 == 1, "noiommu-extension-after-set",
		      "CHECK_EXTENSION(NOIOMMU) with the backend set: %ld, want 1",
		      x1);
		ret = ioctl(d->container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU);
		err = errno;
		check(ret < 0 && err == EINVAL, "noiommu-set-twice",
		      "a second SET_IOMMU(NOIOMMU): %s, want EINVAL",
		      res(ret, err));
		fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD,
			   "vfio-platform-testdev.9");
		err = errno;
		if (fd >= 0)
			close(fd);
		check(fd < 0, "noiommu-unknown-device",
		      "GET_DEVICE_FD(vfio-platform-testdev.9): %s, want an error",
		      fd < 0 ? vu_errname(err) : "got a device fd");
	}
	kfd = vu_kmsg_from_now();
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device < 0) {
		vu_fail(d, errno, "GET_DEVICE_FD(%s)", d->bdf);
		if (kfd >= 0)
			close(kfd);
		return false;
	}
	while (kfd >= 0 && (text = vu_kmsg_next(kfd, rec, sizeof(rec))))
		if (strstr(text, "vfio-noiommu device opened by user") &&
		    strstr(text, d->bdf))
			logged = true;
	if (kfd >= 0)
		close(kfd);
	if (checks)
		check(logged, "noiommu-open-logged",
		      "no kernel log line 'vfio-noiommu device opened by user' naming %s",
		      d->bdf);
	return true;
}

/* ---- regions ---- */

/* pread/pwrite of region @index at @off: bytes moved, or -errno. */
static long region_rw(struct pdev *p, bool write, __u32 index, __u64 off,
		      void *buf, size_t len)
{
	ssize_t n = write ? pwrite(p->d.device, buf, len, REGION_OFF(index) + off) :
			    pread(p->d.device, buf, len, REGION_OFF(index) + off);

	return n < 0 ? -errno : n;
}

/*
 * The whole region reads TD_BYTE; else @why says where it does not (or
 * that the read failed).
 */
static bool region_is_fresh(struct pdev *p, __u32 index, __u64 size,
			    char *why, size_t len)
{
	unsigned char *buf = malloc(size);
	long n;
	__u64 i;

	why[0] = '\0';
	if (!buf) {
		snprintf(why, len, "malloc failed");
		return false;
	}
	n = region_rw(p, false, index, 0, buf, size);
	if (n != (long)size) {
		snprintf(why, len, "reading %#llx bytes of region %u: %s",
			 (unsigned long long)size, index,
			 n < 0 ? vu_errname((int)-n) : "short read");
	} else {
		for (i = 0; i < size; i++)
			if (buf[i] != TD_BYTE)
				break;
		if (i < size)
			snprintf(why, len,
				 "region %u byte %#llx reads %#x, want %#x",
				 index, (unsigned long long)i, buf[i],
				 TD_BYTE);
	}
	free(buf);
	return !why[0];
}

static void device_info(struct pdev *p, __u32 want_flags, __u32 regions,
			__u32 irqs)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct {
		__u32 argsz;
		__u32 flags;
	} small = { .argsz = 8 };
	int ret, err;

	ret = ioctl(p->d.device, VFIO_DEVICE_GET_INFO, &di);
	check(ret == 0 && (di.flags & ~VFIO_DEVICE_FLAGS_CAPS) == want_flags &&
	      di.num_regions == regions && di.num_irqs == irqs, "device-info",
	      "GET_INFO: %s, flags %#x (want %#x: PLATFORM%s), %u regions (want %u), %u irqs (want %u)",
	      ret ? strerror(errno) : "ok", di.flags, want_flags,
	      want_flags & VFIO_DEVICE_FLAGS_RESET ? "|RESET" : ", no RESET",
	      di.num_regions, regions, di.num_irqs, irqs);
	ret = ioctl(p->d.device, VFIO_DEVICE_GET_INFO, &small);
	err = errno;
	check(ret < 0 && err == EINVAL, "device-info-short-argsz",
	      "GET_INFO with argsz 8: %s, want EINVAL", res(ret, err));
}

static void region_info(struct pdev *p, __u32 index, __u64 size, bool mmap_ok)
{
	__u32 want = RW_FLAGS | (mmap_ok ? VFIO_REGION_INFO_FLAG_MMAP : 0);
	struct vfio_region_info r;
	char name[32];
	int ret;

	ret = vu_region_info(p->d.device, index, &r);
	snprintf(name, sizeof(name), "region%u-info", index);
	check(ret == 0 && r.size == size && r.offset == REGION_OFF(index) &&
	      (r.flags & ~VFIO_REGION_INFO_FLAG_CAPS) == want, name,
	      "%s, size %#llx (want %#llx), offset %#llx (want %#llx), flags %#x (want READ|WRITE%s)",
	      ret ? strerror(errno) : "ok", (unsigned long long)r.size,
	      (unsigned long long)size, (unsigned long long)r.offset,
	      (unsigned long long)REGION_OFF(index), r.flags,
	      mmap_ok ? "|MMAP" : ", no MMAP");
}

/* Region and IRQ info: the bad requests. */
static void info_bad(struct pdev *p, __u32 regions, __u32 irqs)
{
	struct vfio_region_info r = { .argsz = 8, .index = 0 };
	struct vfio_irq_info ii = { .argsz = 8, .index = 0 };
	int ret, e1, e2, e3;

	ret = vu_region_info(p->d.device, regions, &r);
	e1 = ret ? errno : 0;
	ret = vu_region_info(p->d.device, 0xffffffff, &r);
	e2 = ret ? errno : 0;
	memset(&r, 0, sizeof(r));
	r.argsz = 8;
	ret = ioctl(p->d.device, VFIO_DEVICE_GET_REGION_INFO, &r);
	e3 = ret ? errno : 0;
	check(e1 == EINVAL && e2 == EINVAL && e3 == EINVAL, "region-info-bad",
	      "GET_REGION_INFO of index %u: %s, of index 0xffffffff: %s, with argsz 8: %s; want EINVAL",
	      regions, vu_errname(e1), vu_errname(e2), vu_errname(e3));

	ret = vu_irq_info(p->d.device, irqs, &ii);
	e1 = ret ? errno : 0;
	ret = vu_irq_info(p->d.device, 0xffffffff, &ii);
	e2 = ret ? errno : 0;
	memset(&ii, 0, sizeof(ii));
	ii.argsz = 8;
	ret = ioctl(p->d.device, VFIO_DEVICE_GET_IRQ_INFO, &ii);
	e3 = ret ? errno : 0;
	check(e1 == EINVAL && e2 == EINVAL && e3 == EINVAL, "irq-info-bad",
	      "GET_IRQ_INFO of index %u: %s, of index 0xffffffff: %s, with argsz 8: %s; want EINVAL",
	      irqs, vu_errname(e1), vu_errname(e2), vu_errname(e3));

	/* A PCI ioctl means nothing to a platform device. */
	ret = ioctl(p->d.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &r);
	e1 = ret ? errno : 0;
	check(e1 == ENOTTY, "unknown-ioctl",
	      "GET_PCI_HOT_RESET_INFO on a platform device: %s, want ENOTTY",
	      vu_errname(e1));
}

/* Reads of 1, 2, 4 and 8 bytes of fresh (0xa5) memory. */
static void read_sizes(struct pdev *p, __u32 index)
{
	__u8 b = 0;
	__u16 h = 0;
	__u32 w = 0;
	__u64 q = 0;
	long n1, n2, n4, n8;
	char name[32];

	n1 = region_rw(p, false, index, 0x3, &b, 1);
	n2 = region_rw(p, false, index, 0x6, &h, 2);
	n4 = region_rw(p, false, index, 0x8, &w, 4);
	n8 = region_rw(p, false, index, 0x10, &q, 8);
	snprintf(name, sizeof(name), "region%u-read-sizes", index);
	/* 8 bytes: all of them, or refused; nothing in between. */
	check(n1 == 1 && b == 0xa5 && n2 == 2 && h == 0xa5a5 && n4 == 4 &&
	      w == 0xa5a5a5a5 &&
	      ((n8 == 8 && q == 0xa5a5a5a5a5a5a5a5ULL) || n8 == -EINVAL),
	      name,
	      "1 byte at 0x3: %s %#x; 2 at 0x6: %s %#x; 4 at 0x8: %s %#x; 8 at 0x10: %s %#llx (want 0xa5 in every byte, 8 bytes may be EINVAL)",
	      n1 < 0 ? vu_errname((int)-n1) : "read", b,
	      n2 < 0 ? vu_errname((int)-n2) : "read", h,
	      n4 < 0 ? vu_errname((int)-n4) : "read", w,
	      n8 < 0 ? vu_errname((int)-n8) : n8 == 8 ? "read" : "short",
	      (unsigned long long)q);
}

/*
 * Writes of 1, 2 and 4 bytes at @base, each read back with the same size,
 * and the bytes around them as they were.
 */
static void write_sizes(struct pdev *p, __u32 index, __u64 base)
{
	static const __u8 want[8] = { 0xa5, 0x11, 0x33, 0x22,
				      0x77, 0x66, 0x55, 0x44 };
	__u8 b = 0x11, b2 = 0;
	__u16 h = 0x2233, h2 = 0;
	__u32 w = 0x44556677, w2 = 0, after = 0;
	__u8 all[8] = { 0 };
	long n1, n2, n4, r1, r2, r4, ra, rn;
	char name[32];

	n1 = region_rw(p, true, index, base + 1, &b, 1);
	n2 = region_rw(p, true, index, base + 2, &h, 2);
	n4 = region_rw(p, true, index, base + 4, &w, 4);
	r1 = region_rw(p, false, index, base + 1, &b2, 1);
	r2 = region_rw(p, false, index, base + 2, &h2, 2);
	r4 = region_rw(p, false, index, base + 4, &w2, 4);
	/* The 8 bytes one at a time, and the word after them. */
	ra = 0;
	for (int i = 0; i < 8; i++)
		if (region_rw(p, false, index, base + i, &all[i], 1) == 1)
			ra++;
	rn = region_rw(p, false, index, base + 8, &after, 4);
	snprintf(name, sizeof(name), "region%u-write-sizes", index);
	check(n1 == 1 && n2 == 2 && n4 == 4 && r1 == 1 && b2 == b && r2 == 2 &&
	      h2 == h && r4 == 4 && w2 == w && ra == 8 &&
	      !memcmp(all, want, 8) && rn == 4 && after == 0xa5a5a5a5, name,
	      "writes at %#llx +1 (1 byte) %s, +2 (2) %s, +4 (4) %s; read back %#x %#x %#x (want %#x %#x %#x); bytes %02x %02x %02x %02x %02x %02x %02x %02x (want a5 11 33 22 77 66 55 44), next word %#x (want 0xa5a5a5a5)",
	      (unsigned long long)base, n1 < 0 ? vu_errname((int)-n1) : "ok",
	      n2 < 0 ? vu_errname((int)-n2) : "ok", n4 < 0 ? vu_errname((int)-n4) : "ok",
	      b2, h2, w2, b, h, w, all[0], all[1], all[2], all[3], all[4],
	      all[5], all[6], all[7], after);
}

/* Nothing is read or written past the region, nor in a region not there. */
static void access_bounds(struct pdev *p, __u32 index, __u64 size,
			  __u32 regions)
{
	__u32 v = 0x5a5a5a5a;
	__u64 q = 0;
	long r, w, rs, ws, rf, wf, rb, wb, rx;
	char name[32];

	r = region_rw(p, false, index, size, &v, 4);
	w = region_rw(p, true, index, size, &v, 4);
	rf = region_rw(p, false, index, REGION_OFF(1) - 4, &v, 4);
	wf = region_rw(p, true, index, REGION_OFF(1) - 4, &v, 4);
	snprintf(name, sizeof(name), "region%u-past-end", index);
	check(r == -EINVAL && w == -EINVAL && rf == -EINVAL && wf == -EINVAL,
	      name,
	      "4 bytes at the end (%#llx): read %s, write %s; at the end of the index's offset space: read %s, write %s; want EINVAL",
	      (unsigned long long)size, r < 0 ? vu_errname((int)-r) : "accepted",
	      w < 0 ? vu_errname((int)-w) : "accepted",
	      rf < 0 ? vu_errname((int)-rf) : "accepted",
	      wf < 0 ? vu_errname((int)-wf) : "accepted");

	/* Across the end: an error, or at most the bytes that are there. */
	rs = region_rw(p, false, index, size - 4, &q, 8);
	q = 0x5a5a5a5a5a5a5a5aULL;
	ws = region_rw(p, true, index, size - 4, &q, 8);
	snprintf(name, sizeof(name), "region%u-end-bounded", index);
	check(rs <= 4 && ws <= 4, name,
	      "8 bytes from 4 before the end: read %s, write %s (want an error or at most 4 bytes)",
	      rs < 0 ? vu_errname((int)-rs) : rs == 8 ? "8 bytes" : "short",
	      ws < 0 ? vu_errname((int)-ws) : ws == 8 ? "8 bytes" : "short");
	/* Put back what a short write may have changed. */
	v = 0xa5a5a5a5;
	region_rw(p, true, index, size - 4, &v, 4);

	if (index)
		return;
	rb = region_rw(p, false, regions, 0, &v, 4);
	wb = region_rw(p, true, regions, 0, &v, 4);
	rx = region_rw(p, false, 0xff, 0, &v, 4);
	check(rb == -EINVAL && wb == -EINVAL && rx == -EINVAL, "bad-index",
	      "region %u (one past the last): read %s, write %s; region 255: read %s; want EINVAL",
	      regions, rb < 0 ? vu_errname((int)-rb) : "accepted",
	      wb < 0 ? vu_errname((int)-wb) : "accepted",
	      rx < 0 ? vu_errname((int)-rx) : "accepted");
}

/* ---- mmap ---- */

/* mmap of the device fd; MAP_FAILED with errno set on failure. */
static void *map_at(struct pdev *p, size_t len, int flags, __u64 off)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, p->d.device,
		    (off_t)off);
}

/* An mmap that must fail with EINVAL, as check @name. */
static void map_refused(struct pdev *p, const char *name, const char *what,
			size_t len, int flags, __u64 off)
{
	void *m = map_at(p, len, flags, off);
	int err = errno;

	if (m != MAP_FAILED)
		munmap(m, len);
	check(m == MAP_FAILED && err == EINVAL, name,
	      "mmap of %s (%#zx bytes at %#llx): %s, want EINVAL", what, len,
	      (unsigned long long)off, m == MAP_FAILED ? vu_errname(err) : "mapped");
}

/*
 * The mmap-able region through a mapping and through pread/pwrite: the
 * same bytes both ways. Returns the mapping (for the reset check) or NULL.
 */
static __u32 *region0_mmap(struct pdev *p, __u64 size)
{
	unsigned char *buf = malloc(size);
	__u32 *m, *m2;
	__u32 v = 0, got = 0, w;
	long n;
	bool same;

	m = map_at(p, size, MAP_SHARED, REGION_OFF(0));
	if (!check(m != MAP_FAILED && buf, "region0-mmap",
		   "mmap of region 0 (%#llx bytes, MAP_SHARED): %s",
		   (unsigned long long)size, strerror(errno))) {
		free(buf);
		return NULL;
	}
	n = region_rw(p, false, 0, 0, buf, size);
	same = n == (long)size && !memcmp(buf, m, size);
	check(same, "region0-mmap-matches-pread",
	      "the mapping and a pread of region 0 (%s) differ",
	      n < 0 ? vu_errname((int)-n) : "read");
	free(buf);

	/* Written through the mapping, seen by pread. */
	same = vu_write32(m + 0x1000 / 4, 0xdeadbeef);
	n = region_rw(p, false, 0, 0x1000, &v, 4);
	check(same && n == 4 && v == 0xdeadbeef,
	      "region0-mmap-write-seen-by-pread",
	      "wrote 0xdeadbeef at 0x1000 through the mapping (%s); pread: %s %#x",
	      same ? "ok" : "SIGBUS", n < 0 ? vu_errname((int)-n) : "read", v);

	/* Written with pwrite, seen through the mapping. */
	w = 0x600dcafe;
	n = region_rw(p, true, 0, size - 4, &w, 4);
	if (!vu_read32(m + (size - 4) / 4, &got))
		got = 0;
	check(n == 4 && got == w, "region0-pwrite-seen-by-mmap",
	      "pwrite of %#x at %#llx: %s; the mapping reads %#x", w,
	      (unsigned long long)(size - 4), n < 0 ? vu_errname((int)-n) : "ok",
	      got);

	/* A mapping of the second page alone starts at the second page. */
	m2 = map_at(p, VU_PAGE, MAP_SHARED, REGION_OFF(0) + VU_PAGE);
	got = 0;
	if (m2 != MAP_FAILED && !vu_read32(m2, &got))
		got = 0;
	check(m2 != MAP_FAILED && got == 0xdeadbeef, "region0-mmap-offset",
	      "mmap of region 0's second page: %s; its first word %#x, want 0xdeadbeef",
	      m2 == MAP_FAILED ? strerror(errno) : "mapped", got);
	if (m2 != MAP_FAILED)
		munmap(m2, VU_PAGE);

	map_refused(p, "mmap-private-refused", "region 0, MAP_PRIVATE", size,
		    MAP_PRIVATE, REGION_OFF(0));
	map_refused(p, "mmap-past-end-refused", "region 0 and a page more",
		    size + VU_PAGE, MAP_SHARED, REGION_OFF(0));
	map_refused(p, "mmap-after-end-refused", "the page after region 0",
		    VU_PAGE, MAP_SHARED, REGION_OFF(0) + size);
	return m;
}

/* ---- interrupts ---- */

/* SET_IRQS with @flags and @len bytes of data. */
static int irq_set(struct pdev *p, __u32 index, __u32 flags, __u32 start,
		   __u32 count, const void *data, size_t len)
{
	struct {
		struct vfio_irq_set set;
		__u8 data[16];
	} s;

	memset(&s, 0, sizeof(s));
	s.set.argsz = sizeof(s.set) + len;
	s.set.flags = flags;
	s.set.index = index;
	s.set.start = start;
	s.set.count = count;
	if (len)
		memcpy(s.data, data, len);
	return ioctl(p->d.device, VFIO_DEVICE_SET_IRQS, &s);
}

static int irq_fd(struct pdev *p, __u32 index, __u32 action, __s32 fd)
{
	return irq_set(p, index, VFIO_IRQ_SET_DATA_EVENTFD | action, 0, 1, &fd,
		       sizeof(fd));
}

static int irq_none(struct pdev *p, __u32 index, __u32 action)
{
	return irq_set(p, index, VFIO_IRQ_SET_DATA_NONE | action, 0, 1, NULL, 0);
}

static int irq_bool(struct pdev *p, __u32 index, __u32 action, __u8 v)
{
	return irq_set(p, index, VFIO_IRQ_SET_DATA_BOOL | action, 0, 1, &v, 1);
}

/* Events on @fd: the first within @ms, then any more within QUIET_MS. */
static __u64 events(int fd, int ms)
{
	__u64 n = vu_wait_eventfd(fd, ms);

	if (n)
		n += vu_wait_eventfd(fd, QUIET_MS / 2);
	return n;
}

/* Take whatever is pending on @fd. */
static void drain(int fd)
{
	__u64 v;

	while (read(fd, &v, sizeof(v)) == sizeof(v))
		;
}

/*
 * A VFIO handler's name in a line of /proc/interrupts: vfio-irq[N](dev)
 * (platform, AMBA), vfio-msi, vfio-msix, vfio-intx (PCI); not the test
 * module's "vfio-testdev" irq chip.
 */
static char *vfio_handler_in(char *line)
{
	static const char *const names[] = {
		"vfio-irq", "vfio-msi", "vfio-intx",
	};
	char *at;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		at = strstr(line, names[i]);
		if (at)
			return at;
	}
	return NULL;
}

/* Lines of /proc/interrupts that name a vfio handler. */
static int vfio_handlers(char *list, size_t len)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[512];
	int n = 0;
	size_t used = 0;

	if (list && len)
		list[0] = '\0';
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *name = vfio_handler_in(line);

		if (!name)
			continue;
		n++;
		if (list && used < len) {
			line[strcspn(line, "\n")] = '\0';
			used += snprintf(list + used, len - used, "%s'%s'",
					 used ? ", " : "", name);
		}
	}
	fclose(f);
	return n;
}

/*
 * A level line: EVENTFD|MASKABLE|AUTOMASKED. An edge line: EVENTFD, not
 * AUTOMASKED, and MASKABLE or not: upstream says not (and refuses MASK
 * and UNMASK then); irq_edge() holds the device to what it says.
 */
static void irq_info(struct pdev *p, __u32 index, bool level)
{
	__u32 flags, want = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			    (level ? VFIO_IRQ_INFO_AUTOMASKED : 0);
	struct vfio_irq_info ii;
	char name[32];
	int ret;

	ret = vu_irq_info(p->d.device, index, &ii);
	flags = ii.flags & ~VFIO_IRQ_INFO_NORESIZE;
	if (!level)
		flags |= VFIO_IRQ_INFO_MASKABLE;
	snprintf(name, sizeof(name), "irq%u-info", index);
	check(ret == 0 && ii.count == 1 && flags == want, name,
	      "%s, count %u (want 1), flags %#x (want %s)",
	      ret ? strerror(errno) : "ok", ii.count, ii.flags,
	      level ? "EVENTFD|MASKABLE|AUTOMASKED" :
	      "EVENTFD, maybe MASKABLE, not AUTOMASKED: an edge line");
}

/* The SET_IRQS requests that must be refused, on line @index. */
static void irq_bad(struct pdev *p, __u32 index, __u32 irqs, int efd)
{
	struct vfio_irq_set hdr = {
		.argsz = sizeof(hdr),
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index, .start = 0, .count = 1,
	};
	int e[12], i = 0, nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	__s32 fd = efd;
	char why[512] = "";
	size_t u = 0;
	static const char *const what[] = {
		"TRIGGER on the index past the last",
		"TRIGGER start 1",
		"TRIGGER count 2",
		"MASK start 1",
		"MASK count 0",
		"UNMASK count 2",
		"DATA_NONE|DATA_BOOL",
		"MASK|UNMASK",
		"an unknown flag (bit 31)",
		"EVENTFD with no room for the fd (argsz = header)",
		"TRIGGER with /dev/null, not an eventfd",
		"TRIGGER with fd 9999 (not open)",
	};
	/* Two actions at once: no action upstream knows, so ENOTTY. */
	static const int want[] = {
		EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, EINVAL, ENOTTY,
		EINVAL, EINVAL, EINVAL, EBADF,
	};

#define ERR(call) (e[i++] = (call) < 0 ? errno : 0)
	ERR(irq_fd(p, irqs, VFIO_IRQ_SET_ACTION_TRIGGER, efd));
	ERR(irq_set(p, index, VFIO_IRQ_SET_DATA_EVENTFD |
		    VFIO_IRQ_SET_ACTION_TRIGGER, 1, 1, &fd, sizeof(fd)));
	ERR(irq_set(p, index, VFIO_IRQ_SET_DATA_NONE |
		    VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2, NULL, 0));
	ERR(irq_set(p, index, VFIO_IRQ_SET_DATA_NONE |
		    VFIO_IRQ_SET_ACTION_MASK, 1, 1, NULL, 0));
	ERR(irq_set(p, index, VFIO_IRQ_SET_DATA_NONE |
		    VFIO_IRQ_SET_ACTION_MASK, 0, 0, NULL, 0));
	ERR(irq_set(p, index, VFIO_IRQ_SET_DATA_NONE |
		    VFIO_IRQ_SET_ACTION_UNMASK, 0, 2, NULL, 0));
	ERR(irq_set(p, index, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
		    VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, "\1", 1));
	ERR(irq_set(p, index, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK |
		    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, NULL, 0));
	ERR(irq_set(p, index, VFIO_IRQ_SET_DATA_NONE |
		    VFIO_IRQ_SET_ACTION_TRIGGER | (1U << 31), 0, 1, NULL, 0));
	ERR(ioctl(p->d.device, VFIO_DEVICE_SET_IRQS, &hdr));
	ERR(irq_fd(p, index, VFIO_IRQ_SET_ACTION_TRIGGER, nullfd));
	ERR(irq_fd(p, index, VFIO_IRQ_SET_ACTION_TRIGGER, 9999));
#undef ERR
	for (i = 0; i < (int)ARRAY_SIZE(want); i++)
		if (e[i] != want[i] && u < sizeof(why))
			u += snprintf(why + u, sizeof(why) - u,
				      "%s%s: %s, want %s", u ? "; " : "",
				      what[i], vu_errname(e[i]), vu_errname(want[i]));
	check(!why[0], "set-irqs-bad", "%s", why);
	if (nullfd >= 0)
		close(nullfd);
	/* A refused request may have set a trigger all the same. */
	irq_set(p, index, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		0, 0, NULL, 0);
}

/*
 * The level line: it masks itself when it fires, and stays masked until
 * UNMASK; unmasked while still asserted, it fires again.
 */
static void irq_level(struct pdev *p, __u32 index)
{
	int efd = vu_eventfd(), ufd = vu_eventfd(), ret;
	__u64 n, one = 1;

	if (!check(efd >= 0 && ufd >= 0 &&
		   irq_fd(p, index, VFIO_IRQ_SET_ACTION_TRIGGER, efd) == 0,
		   "level-trigger-set", "eventfd or SET_IRQS(TRIGGER, eventfd): %s",
		   strerror(errno)))
		goto out;
	n = events(efd, QUIET_MS);
	check(n == 0, "level-quiet", "%llu events with the line low",
	      (unsigned long long)n);

	attr_write(p, "irq_assert", index);
	n = events(efd, EVENT_MS);
	check(n == 1, "level-fires",
	      "irq_assert %u: %llu events within %d ms, want 1", index,
	      (unsigned long long)n, EVENT_MS);

	/* Masked now: asserting again changes nothing. */
	attr_write(p, "irq_assert", index);
	n = events(efd, QUIET_MS);
	check(n == 0, "level-automasked",
	      "%llu events for a second irq_assert before UNMASK, want none",
	      (unsigned long long)n);

	/* Still asserted: UNMASK lets it fire again. */
	ret = irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	n = events(efd, EVENT_MS);
	check(ret == 0 && n == 1, "level-unmask-refires",
	      "UNMASK with the line still asserted: %s, then %llu events (want 1)",
	      ret ? strerror(errno) : "ok", (unsigned long long)n);

	/* Lowered: UNMASK leaves it quiet. */
	attr_write(p, "irq_deassert", index);
	ret = irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	n = events(efd, QUIET_MS);
	check(ret == 0 && n == 0, "level-deassert-unmask-quiet",
	      "irq_deassert, then UNMASK: %s, then %llu events (want none)",
	      ret ? strerror(errno) : "ok", (unsigned long long)n);

	/* Once more, now that it is unmasked and low. */
	attr_write(p, "irq_assert", index);
	n = events(efd, EVENT_MS);
	check(n == 1, "level-fires-again",
	      "irq_assert after deassert and UNMASK: %llu events, want 1",
	      (unsigned long long)n);
	attr_write(p, "irq_deassert", index);
	irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	drain(efd);

	/* UNMASK through an eventfd, as KVM's resampler does it. */
	ret = irq_fd(p, index, VFIO_IRQ_SET_ACTION_UNMASK, ufd);
	if (check(ret == 0, "level-unmask-eventfd-set",
		  "SET_IRQS(UNMASK, eventfd): %s", strerror(errno))) {
		attr_write(p, "irq_assert", index);
		n = events(efd, EVENT_MS);
		ret = write(ufd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
		n += events(efd, EVENT_MS) << 8;
		check(ret == 0 && n == 0x101, "level-unmask-eventfd",
		      "irq_assert: %llu events (want 1); a signal on the unmask eventfd with the line still asserted: %llu more (want 1)",
		      (unsigned long long)(n & 0xff),
		      (unsigned long long)(n >> 8));
		attr_write(p, "irq_deassert", index);
		ret = write(ufd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
		n = events(efd, QUIET_MS);
		check(ret == 0 && n == 0, "level-unmask-eventfd-quiet",
		      "signalling the unmask eventfd with the line low: %llu events, want none",
		      (unsigned long long)n);
		ret = irq_fd(p, index, VFIO_IRQ_SET_ACTION_UNMASK, -1);
		check(ret == 0, "level-unmask-eventfd-teardown",
		      "SET_IRQS(UNMASK, fd -1): %s", strerror(errno));
		/* Not wired any more: a signal does not unmask. */
		attr_write(p, "irq_assert", index);
		n = events(efd, EVENT_MS);
		ret = write(ufd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
		n += events(efd, QUIET_MS) << 8;
		check(ret == 0 && n == 0x001, "level-unmask-eventfd-gone",
		      "after the teardown: irq_assert %llu events (want 1), a signal on the old unmask eventfd %llu more (want none)",
		      (unsigned long long)(n & 0xff),
		      (unsigned long long)(n >> 8));
		attr_write(p, "irq_deassert", index);
		irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
		drain(efd);
	}

	/* MASK by hand: an assert waits for the UNMASK. */
	ret = irq_none(p, index, VFIO_IRQ_SET_ACTION_MASK);
	attr_write(p, "irq_assert", index);
	n = events(efd, QUIET_MS);
	check(ret == 0 && n == 0, "level-mask",
	      "MASK: %s; irq_assert while masked: %llu events (want none)",
	      ret ? strerror(errno) : "ok", (unsigned long long)n);
	ret = irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	n = events(efd, EVENT_MS);
	check(ret == 0 && n == 1, "level-mask-unmask-delivers",
	      "UNMASK with the line asserted meanwhile: %s, %llu events (want 1)",
	      ret ? strerror(errno) : "ok", (unsigned long long)n);
	attr_write(p, "irq_deassert", index);
	irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	drain(efd);

	/* DATA_BOOL: 0 does nothing, 1 does it. */
	irq_bool(p, index, VFIO_IRQ_SET_ACTION_MASK, 0);
	attr_write(p, "irq_assert", index);
	n = events(efd, EVENT_MS);
	check(n == 1, "level-mask-bool-0",
	      "MASK with DATA_BOOL 0, then irq_assert: %llu events, want 1 (not masked)",
	      (unsigned long long)n);
	/* Fired, so masked; still asserted. */
	irq_bool(p, index, VFIO_IRQ_SET_ACTION_UNMASK, 0);
	n = events(efd, QUIET_MS);
	irq_bool(p, index, VFIO_IRQ_SET_ACTION_UNMASK, 1);
	n += events(efd, EVENT_MS) << 8;
	check(n == 0x100, "level-unmask-bool",
	      "with the line asserted: UNMASK with DATA_BOOL 0 gave %llu events (want none), UNMASK with DATA_BOOL 1 %llu (want 1)",
	      (unsigned long long)(n & 0xff), (unsigned long long)(n >> 8));
	attr_write(p, "irq_deassert", index);
	irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	drain(efd);
	irq_bool(p, index, VFIO_IRQ_SET_ACTION_MASK, 1);
	attr_write(p, "irq_assert", index);
	n = events(efd, QUIET_MS);
	irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	n += events(efd, EVENT_MS) << 8;
	check(n == 0x100, "level-mask-bool-1",
	      "MASK with DATA_BOOL 1, then irq_assert: %llu events while masked (want none), %llu after UNMASK (want 1)",
	      (unsigned long long)(n & 0xff), (unsigned long long)(n >> 8));
	attr_write(p, "irq_deassert", index);
	irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	drain(efd);

	/* Software triggers: one event, and the line masks itself as if. */
	ret = irq_none(p, index, VFIO_IRQ_SET_ACTION_TRIGGER);
	n = events(efd, EVENT_MS);
	check(ret == 0 && n == 1, "level-soft-trigger",
	      "TRIGGER with DATA_NONE: %s, %llu events (want 1)",
	      ret ? strerror(errno) : "ok", (unsigned long long)n);
	irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	ret = irq_bool(p, index, VFIO_IRQ_SET_ACTION_TRIGGER, 0);
	n = events(efd, QUIET_MS);
	ret |= irq_bool(p, index, VFIO_IRQ_SET_ACTION_TRIGGER, 1);
	n += events(efd, EVENT_MS) << 8;
	check(ret == 0 && n == 0x100, "level-soft-trigger-bool",
	      "TRIGGER with DATA_BOOL: %s; 0 gave %llu events (want none), 1 gave %llu (want 1)",
	      ret ? strerror(errno) : "ok", (unsigned long long)(n & 0xff),
	      (unsigned long long)(n >> 8));
	irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
	drain(efd);

	/* Torn down: nothing arrives. */
	ret = irq_fd(p, index, VFIO_IRQ_SET_ACTION_TRIGGER, -1);
	attr_write(p, "irq_assert", index);
	n = events(efd, QUIET_MS);
	attr_write(p, "irq_deassert", index);
	check(ret == 0 && n == 0, "level-teardown",
	      "TRIGGER with fd -1: %s; irq_assert afterwards: %llu events (want none)",
	      ret ? strerror(errno) : "ok", (unsigned long long)n);
out:
	if (efd >= 0)
		close(efd);
	if (ufd >= 0)
		close(ufd);
}

/* The edge line: one event a pulse; MASK holds them back. */
static void irq_edge(struct pdev *p, __u32 index)
{
	int efd = vu_eventfd(), ret, e1, e2, e3;
	struct vfio_irq_info ii;
	__u64 n;

	if (!check(efd >= 0 &&
		   irq_fd(p, index, VFIO_IRQ_SET_ACTION_TRIGGER, efd) == 0,
		   "edge-trigger-set", "eventfd or SET_IRQS(TRIGGER, eventfd): %s",
		   strerror(errno)))
		goto out;
	attr_write(p, "irq_assert", index);
	n = events(efd, EVENT_MS);
	check(n == 1, "edge-pulse", "one pulse: %llu events, want 1",
	      (unsigned long long)n);
	/* Not automasked: the next pulses come without UNMASK. */
	attr_write(p, "irq_assert", index);
	n = events(efd, EVENT_MS);
	attr_write(p, "irq_assert", index);
	n += events(efd, EVENT_MS) << 8;
	check(n == 0x101, "edge-pulses-not-automasked",
	      "two more pulses: %llu and %llu events, want 1 each",
	      (unsigned long long)(n & 0xff), (unsigned long long)(n >> 8));

	if (vu_irq_info(p->d.device, index, &ii) == 0 &&
	    (ii.flags & VFIO_IRQ_INFO_MASKABLE)) {
		ret = irq_none(p, index, VFIO_IRQ_SET_ACTION_MASK);
		attr_write(p, "irq_assert", index);
		n = events(efd, QUIET_MS);
		check(ret == 0 && n == 0, "edge-mask",
		      "MASK: %s; a pulse while masked: %llu events (want none)",
		      ret ? strerror(errno) : "ok", (unsigned long long)n);
		ret = irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK);
		/* The pulse held back meanwhile may come now (latched). */
		n = events(efd, QUIET_MS);
		attr_write(p, "irq_assert", index);
		n = events(efd, EVENT_MS);
		check(ret == 0 && n == 1, "edge-unmask",
		      "UNMASK: %s; a pulse afterwards: %llu events (want 1)",
		      ret ? strerror(errno) : "ok", (unsigned long long)n);
	} else {
		/* Not MASKABLE: upstream refuses both, and nothing changes. */
		e1 = irq_none(p, index, VFIO_IRQ_SET_ACTION_MASK) ? errno : 0;
		e2 = irq_bool(p, index, VFIO_IRQ_SET_ACTION_MASK, 1) ? errno : 0;
		attr_write(p, "irq_assert", index);
		n = events(efd, EVENT_MS);
		e3 = irq_none(p, index, VFIO_IRQ_SET_ACTION_UNMASK) ? errno : 0;
		n += events(efd, QUIET_MS) << 8;
		check(e1 == EINVAL && e2 == EINVAL && e3 == EINVAL && n == 1,
		      "edge-mask-refused",
		      "the line is not MASKABLE: MASK %s, MASK with DATA_BOOL 1 %s, UNMASK %s (want EINVAL, as upstream); a pulse in between: %llu events (want 1), %llu more after the UNMASK (want none)",
		      vu_errname(e1), vu_errname(e2), vu_errname(e3),
		      (unsigned long long)(n & 0xff),
		      (unsigned long long)(n >> 8));
	}

	ret = irq_none(p, index, VFIO_IRQ_SET_ACTION_TRIGGER);
	n = events(efd, EVENT_MS);
	check(ret == 0 && n == 1, "edge-soft-trigger",
	      "TRIGGER with DATA_NONE: %s, %llu events (want 1)",
	      ret ? strerror(errno) : "ok", (unsigned long long)n);

	/* DATA_NONE with count 0 tears the trigger down as fd -1 does. */
	ret = irq_set(p, index, VFIO_IRQ_SET_DATA_NONE |
		      VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, NULL, 0);
	attr_write(p, "irq_assert", index);
	n = events(efd, QUIET_MS);
	check(ret == 0 && n == 0, "edge-teardown",
	      "TRIGGER with DATA_NONE, count 0: %s; a pulse afterwards: %llu events (want none)",
	      ret ? strerror(errno) : "ok", (unsigned long long)n);
out:
	if (efd >= 0)
		close(efd);
}

/* While triggers are set, /proc/interrupts shows vfio's handlers. */
static void handlers_listed(struct pdev *p, int nirqs)
{
	int efd[2] = { vu_eventfd(), vu_eventfd() }, i, n, ret = 0;
	char list[512];

	for (i = 0; i < nirqs; i++)
		ret |= irq_fd(p, i, VFIO_IRQ_SET_ACTION_TRIGGER, efd[i]);
	n = vfio_handlers(list, sizeof(list));
	check(ret == 0 && n >= nirqs, "proc-interrupts-handlers",
	      "with %d triggers set (%s): %d lines of /proc/interrupts name a vfio handler (%s), want %d",
	      nirqs, ret ? strerror(errno) : "ok", n, list, nirqs);
	/* Left set: closing the device must take them down. */
	for (i = 0; i < 2; i++)
		if (efd[i] >= 0)
			close(efd[i]);
}

/* ---- reset ---- */

static void device_reset(struct pdev *p, __u32 *map)
{
	__u32 v = 0x12345678, got = 0;
	long c0, c1;
	char why[160], why1[160] = "";
	int ret;

	region_rw(p, true, 0, 0, &v, 4);
	region_rw(p, true, 0, 0x1234, &v, 4);
	region_rw(p, true, 1, 0x10, &v, 4);
	c0 = attr_num(p, "reset_count");
	ret = ioctl(p->d.device, VFIO_DEVICE_RESET);
	c1 = attr_num(p, "reset_count");
	check(ret == 0 && c0 >= 0 && c1 == c0 + 1, "reset",
	      "DEVICE_RESET: %s; reset_count %ld before, %ld after (want +1)",
	      ret ? strerror(errno) : "ok", c0, c1);
	region_is_fresh(p, 0, TD0_R0_SIZE, why, sizeof(why));
	region_is_fresh(p, 1, TD0_R1_SIZE, why1, sizeof(why1));
	if (map && !vu_read32(map + 0x1234 / 4, &got))
		got = 0;
	check(!why[0] && !why1[0] && (!map || got == 0xa5a5a5a5),
	      "reset-restores-content",
	      "after writing 0x12345678 and DEVICE_RESET: %s%s%s; the mapping reads %#x at 0x1234 (want 0xa5a5a5a5)",
	      why[0] ? why : "region 0 fresh", why1[0] ? "; " : "",
	      why1, got);
}

/* ---- module references ---- */

static const char *const modules[] = {
	"vfio", DRIVER_MODULE, "vfio_platform_base", TESTDEV_MODULE,
};

/* An open device holds vfio-platform's module: unloading it is refused. */
static void holds_driver(long r_closed)
{
	long r_open = vu_module_refcnt(DRIVER_MODULE);
	int ret = -1, err = 0;

	/* Only with the reference there: without, the unload would block. */
	if (r_open >= r_closed + 1) {
		ret = syscall(SYS_delete_module, DRIVER_MODULE, O_NONBLOCK);
		err = errno;
	}
	check(r_closed >= 0 && r_open == r_closed + 1 && ret == -1 &&
	      err == EWOULDBLOCK, "open-holds-driver",
	      "%s refcnt %ld closed, %ld open (want +1); unloading it: %s, want EWOULDBLOCK",
	      DRIVER_MODULE, r_closed, r_open,
	      ret == -1 ? vu_errname(err) : "unloaded");
}

static void refs_back(const long *ref0)
{
	char why[256] = "", list[256];
	long ref;
	size_t i;
	int n;

	for (i = 0; i < ARRAY_SIZE(modules); i++) {
		ref = vu_module_refcnt(modules[i]);
		if (ref != ref0[i] && !why[0])
			snprintf(why, sizeof(why), "%s refcnt %ld, was %ld",
				 modules[i], ref, ref0[i]);
	}
	check(!why[0], "module-refs-back", "after closing: %s", why);
	n = vfio_handlers(list, sizeof(list));
	check(n == 0, "proc-interrupts-clean",
	      "after closing the device, /proc/interrupts still names a vfio handler: %s",
	      n < 0 ? "(cannot read it)" : list);
}

/* ---- the subcommands ---- */

static int do_check(const char *name)
{
	long ref0[ARRAY_SIZE(modules)];
	__u32 *map = NULL;
	char why[160];
	struct pdev p;
	size_t i;

	if (!pdev_init(&p, name))
		return 2;
	for (i = 0; i < ARRAY_SIZE(modules); i++)
		ref0[i] = vu_module_refcnt(modules[i]);
	vu_catch_sigbus();
	if (!check(pdev_open(&p, true), "open", "%s", p.d.why))
		goto out;
	holds_driver(ref0[1]);

	device_info(&p, VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET,
		    2, 2);
	region_info(&p, 0, TD0_R0_SIZE, true);
	region_info(&p, 1, TD0_R1_SIZE, false);
	info_bad(&p, 2, 2);

	region_is_fresh(&p, 0, TD0_R0_SIZE, why, sizeof(why));
	check(!why[0], "region0-content", "%s", why);
	region_is_fresh(&p, 1, TD0_R1_SIZE, why, sizeof(why));
	check(!why[0], "region1-content", "%s", why);
	read_sizes(&p, 0);
	read_sizes(&p, 1);
	write_sizes(&p, 0, 0x100);
	write_sizes(&p, 1, 0x20);
	access_bounds(&p, 0, TD0_R0_SIZE, 2);
	access_bounds(&p, 1, TD0_R1_SIZE, 2);

	map = region0_mmap(&p, TD0_R0_SIZE);
	map_refused(&p, "mmap-region1-refused", "region 1 (no MMAP flag)",
		    VU_PAGE, MAP_SHARED, REGION_OFF(1));
	map_refused(&p, "mmap-bad-index-refused", "region 2 (not there)",
		    VU_PAGE, MAP_SHARED, REGION_OFF(2));

	irq_info(&p, TD0_IRQ_LEVEL, true);
	irq_info(&p, TD0_IRQ_EDGE, false);
	{
		int efd = vu_eventfd();

		irq_bad(&p, TD0_IRQ_LEVEL, 2, efd);
		if (efd >= 0)
			close(efd);
	}
	irq_level(&p, TD0_IRQ_LEVEL);
	irq_edge(&p, TD0_IRQ_EDGE);

	device_reset(&p, map);
	if (map)
		munmap(map, TD0_R0_SIZE);
	handlers_listed(&p, 2);
out:
	vu_close(&p.d);
	refs_back(ref0);
	return check_exit();
}

static int do_noreset(const char *name)
{
	long ref0[ARRAY_SIZE(modules)], c0, c1;
	struct vfio_region_info r;
	char why[160];
	struct pdev p;
	size_t i;
	int ret, err;

	if (!pdev_init(&p, name))
		return 2;
	for (i = 0; i < ARRAY_SIZE(modules); i++)
		ref0[i] = vu_module_refcnt(modules[i]);
	vu_catch_sigbus();
	if (!check(pdev_open(&p, false), "open", "%s", p.d.why))
		goto out;

	device_info(&p, VFIO_DEVICE_FLAGS_PLATFORM, 1, 1);
	/* Page aligned in size; MMAP as its address allows: either way. */
	ret = vu_region_info(p.d.device, 0, &r);
	check(ret == 0 && r.size == TD1_R0_SIZE && r.offset == 0 &&
	      (r.flags & RW_FLAGS) == RW_FLAGS, "region0-info",
	      "%s, size %#llx (want %#llx), offset %#llx (want 0), flags %#x (want READ|WRITE)",
	      ret ? strerror(errno) : "ok", (unsigned long long)r.size,
	      TD1_R0_SIZE, (unsigned long long)r.offset, r.flags);
	region_is_fresh(&p, 0, TD1_R0_SIZE, why, sizeof(why));
	check(!why[0], "region0-content", "%s", why);
	write_sizes(&p, 0, 0x40);

	c0 = attr_num(&p, "reset_count");
	ret = ioctl(p.d.device, VFIO_DEVICE_RESET);
	err = errno;
	c1 = attr_num(&p, "reset_count");
	check(ret < 0 && err == EINVAL && c1 == c0, "reset-einval",
	      "DEVICE_RESET without a reset function: %s, want EINVAL; reset_count %ld -> %ld (want unchanged)",
	      res(ret, err), c0, c1);

	irq_info(&p, TD1_IRQ_LEVEL, true);
	irq_level(&p, TD1_IRQ_LEVEL);
	handlers_listed(&p, 1);
out:
	vu_close(&p.d);
	refs_back(ref0);
	return check_exit();
}

/*
 * testdev.2, reset by vfio_platform_testreset: open (which resets), the
 * RESET flag, and VFIO_DEVICE_RESET undoing a write.
 */
static int do_modreset(const char *name)
{
	__u8 before = 0, after = 0, junk = 0x11;
	struct pdev p;
	long ret;

	if (!pdev_init(&p, name))
		return 2;
	if (!check(pdev_open(&p, false), "open", "%s", p.d.why))
		goto out;
	device_info(&p, VFIO_DEVICE_FLAGS_PLATFORM | VFIO_DEVICE_FLAGS_RESET,
		    1, 0);
	ret = region_rw(&p, false, 0, TD2_R0_SIZE - 1, &before, 1);
	check(ret == 1 && before == TD2_RESET_BYTE, "reset-on-open",
	      "the last byte of region 0 after open: %s %#x, want %#x (the reset module's fill)",
	      ret < 0 ? vu_errname((int)-ret) : "read", before,
	      TD2_RESET_BYTE);
	region_rw(&p, true, 0, TD2_R0_SIZE - 1, &junk, 1);
	ret = ioctl(p.d.device, VFIO_DEVICE_RESET);
	check(ret == 0, "reset", "VFIO_DEVICE_RESET: %s, want OK",
	      vu_errname(ret ? errno : 0));
	ret = region_rw(&p, false, 0, TD2_R0_SIZE - 1, &after, 1);
	check(ret == 1 && after == TD2_RESET_BYTE, "reset-restores",
	      "after writing %#x and DEVICE_RESET: %s %#x, want %#x", junk,
	      ret < 0 ? vu_errname((int)-ret) : "read", after,
	      TD2_RESET_BYTE);
out:
	vu_close(&p.d);
	return check_exit();
}

static int do_extension(const char *name, const char *want)
{
	int c = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	long x = c < 0 ? -1 : ioctl(c, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU);

	check(c >= 0 && x == atol(want), name,
	      "CHECK_EXTENSION(NOIOMMU) on an empty container: %s%ld, want %s",
	      c < 0 ? "cannot open /dev/vfio/vfio, " : "", x, want);
	if (c >= 0)
		close(c);
	return check_exit();
}

/* ---- unbind while open ---- */

static int do_hold(const char *name)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_group_status gst = { .argsz = sizeof(gst) };
	bool running, usable, node, bound, stuck = false;
	char gnode[48], gsys[64], list[256];
	int efd = vu_eventfd(), st, ret, err, n;
	struct pdev p;
	__u32 v = 0;
	pid_t pid;

	if (!pdev_init(&p, name))
		return 2;
	if (!check(efd >= 0 && pdev_open(&p, false) &&
		   irq_fd(&p, TD0_IRQ_LEVEL, VFIO_IRQ_SET_ACTION_TRIGGER,
			  efd) == 0, "hold-setup",
		   "eventfd, open or SET_IRQS(TRIGGER): %s",
		   p.d.why[0] ? p.d.why : strerror(errno)))
		goto out;
	snprintf(gnode, sizeof(gnode), "/dev/vfio/noiommu-%d", p.d.group_id);
	snprintf(gsys, sizeof(gsys), "/sys/kernel/iommu_groups/%d",
		 p.d.group_id);

	pid = vu_write_in_child(PLATFORM_DRIVER "/unbind", name);
	if (!check(pid > 0, "hold-fork", "fork: %s", strerror(errno)))
		goto out;

	/* The unbind waits for the device: the writer, the group, the fd. */
	vu_sleep_ms(1000);
	running = waitpid(pid, &st, WNOHANG) == 0;
	node = access(gnode, F_OK) == 0;
	usable = ioctl(p.d.device, VFIO_DEVICE_GET_INFO, &di) == 0 &&
		 region_rw(&p, false, 0, 0, &v, 4) == 4;
	check(running && node && usable, "unbind-open-blocks",
	      "with the device open: unbind %s, %s %s, the device %s",
	      running ? "still blocked" : "returned", gnode,
	      node ? "present" : "gone", usable ? "works" : "fails");

	close(p.d.device);
	p.d.device = -1;
	st = vu_wait_child(pid, 15000);
	bound = driver_is_vfio(name);
	check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && !bound,
	      "unbind-open-completes",
	      "after closing the device fd: unbind %s, %s %s",
	      st == -1 ? "still blocked after 15 s" :
	      !WIFEXITED(st) ? "killed" : vu_errname(WEXITSTATUS(st)), name,
	      bound ? "still bound to vfio-platform" : "unbound");
	if (st == -1) {
		/*
		 * An unbind stuck for good cannot be killed: leave it, and
		 * say so (exit 124), so that the caller unloads nothing.
		 */
		stuck = true;
		goto out;
	}
	ret = ioctl(p.d.group, VFIO_GROUP_GET_STATUS, &gst);
	err = errno;
	check(ret < 0 && err == ENODEV, "unbind-open-group-revoked",
	      "GET_STATUS on the open group fd after the unbind: %s, want ENODEV",
	      res(ret, err));
	vu_close(&p.d);
	n = vfio_handlers(list, sizeof(list));
	check(access(gnode, F_OK) && access(gsys, F_OK) && n == 0 &&
	      vu_bus_group_of("platform", name) < 0, "unbind-open-clean",
	      "after the unbind and closing everything: %s %s, %s %s, iommu_group link %s, vfio handlers in /proc/interrupts: %s",
	      gnode, access(gnode, F_OK) ? "gone" : "still there", gsys,
	      access(gsys, F_OK) ? "gone" : "still there",
	      vu_bus_group_of("platform", name) < 0 ? "gone" : "still there", n ? list : "none");
out:
	vu_close(&p.d);
	if (efd >= 0)
		close(efd);
	return stuck ? 124 : check_exit();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "check"))
		return do_check(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "modreset"))
		return do_modreset(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "noreset"))
		return do_noreset(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return do_hold(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "extension"))
		return do_extension(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "write"))
		return vu_write_report(argv[2], argv[3]);
	fprintf(stderr,
		"usage: t_platform check DEV | noreset DEV | hold DEV | extension NAME WANT | write FILE VALUE\n");
	return 2;
}
