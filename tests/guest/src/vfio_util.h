/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the PCI passthrough tests: open a device the way a VMM
 * does (container, group, Type1 v2, device fd), read its regions and config
 * space, wire its interrupts to eventfds, map DMA, and drive QEMU's edu
 * device (docs/specs/edu.rst in QEMU).
 */
#ifndef VFIO_BACKPORTS_TEST_VFIO_UTIL_H
#define VFIO_BACKPORTS_TEST_VFIO_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "check.h"

#define VU_CONTAINER	"/dev/vfio/vfio"
#define VU_PAGE		4096UL

/* PCI config space, the few fields the tests touch. */
#define PCI_VENDOR		0x00
#define PCI_DEVICE		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define  PCI_COMMAND_INTX_OFF	0x0400
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	0x0010
#define PCI_REVISION		0x08
#define PCI_BAR0		0x10
#define PCI_BAR1		0x14
#define PCI_CAP_PTR		0x34
#define PCI_INT_PIN		0x3d
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_MSIX		0x11
#define  PCI_MSI_CTRL		2
#define  PCI_MSI_CTRL_ENABLE	0x0001
#define  PCI_MSI_ADDR_LO	4

/* QEMU's edu device: 1234:11e8, everything in BAR0 (1 MiB). */
#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_BAR0_SIZE		0x100000UL
#define EDU_ID			0x00
#define  EDU_ID_VALUE		0x010000edU
#define EDU_LIVE		0x04
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_RAISE		0x60
#define EDU_IRQ_ACK		0x64
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define  EDU_DMA_RUN		0x1
#define  EDU_DMA_TO_RAM		0x2
#define EDU_DMA_BUF		0x40000UL	/* device-side buffer, 4 KiB */
#define EDU_DMA_BUF_SIZE	4096UL
/*
 * QEMU 7.2's edu aborts the whole VM (hw_error) on a transfer that ends
 * exactly at the end of its buffer (an off-by-one in its range check), so
 * the tests move half the buffer at a time.
 */
#define EDU_DMA_XFER		2048UL
/* edu masks DMA addresses to 28 bits: keep every IOVA below 256 MiB. */
#define EDU_DMA_LIMIT		(1UL << 28)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct vdev {
	char bdf[64];		/* the device's name: PCI address or mdev UUID */
	int group_id;
	int container;
	int group;
	int device;
	__u64 cfg_offset;	/* file offset of the config region */
	int err;		/* the errno of the last failed step */
	char why[256];		/* what the last failed step said */
};

static inline void vu_init(struct vdev *d, const char *bdf)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->group_id = -1;
	d->container = -1;
	d->group = -1;
	d->device = -1;
}

static inline bool vu_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f);
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static inline bool vu_write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val);
}

/* This process's open fds, or -1. */
static inline int vu_count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n - 1;	/* the directory's own fd */
}

/* A "Key: value" or "key value" number from a proc file, or -1. */
static inline long long vu_proc_field(const char *path, const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) &&
		    (line[n] == ':' || line[n] == ' ')) {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* A module's reference count, or -1 (not loaded). */
static inline long vu_module_refcnt(const char *module)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	return vu_read_line(path, buf, sizeof(buf)) ? strtol(buf, NULL, 10) :
						       -1;
}

/* A process's locked memory (Type1 accounts its pins there), in kB. */
static inline long long vu_vmlck_kb(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return vu_proc_field(path, "VmLck");
}

/* Pages pinned with FOLL_PIN system-wide (how Type1 pins), or -1. */
static inline long long vu_pinned_pages(void)
{
	long long a, r;

	/* Fold the per-CPU deltas in first (root only; best effort). */
	vu_write_str("/proc/sys/vm/stat_refresh", "1");
	a = vu_proc_field("/proc/vmstat", "nr_foll_pin_acquired");
	r = vu_proc_field("/proc/vmstat", "nr_foll_pin_released");
	return a < 0 || r < 0 ? -1 : a - r;
}

/* "OK" for 0, else the errno's name (ENODEV, ...). */
static inline const char *vu_errname(int err)
{
	const char *n = err ? strerrorname_np(err) : "OK";

	return n ? n : "E?";
}

/*
 * Write @val to the sysfs file @path in a child, which exits with the
 * write's errno (0 if it worked). The child keeps nothing of the caller's:
 * above all no copy of a device fd, which would hold up the very unbind
 * or remove it writes.
 */
static inline pid_t vu_write_in_child(const char *path, const char *val)
{
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	for (fd = 0; fd < 1024; fd++)
		close(fd);
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 1);
	dup2(fd, 2);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		_exit(errno & 0xff);
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		_exit(errno & 0xff);
	_exit(0);
}

/* /dev/kmsg from now on, non-blocking; -1 if it cannot be read. */
static inline int vu_kmsg_from_now(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * The text of the next kernel log record on @fd (after its "pri,seq,..;"
 * prefix), in @buf; NULL when there is none yet.
 */
static inline const char *vu_kmsg_next(int fd, char *buf, size_t len)
{
	ssize_t n;
	char *text;

	for (;;) {
		n = read(fd, buf, len - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten meanwhile */
		if (n <= 0)
			return NULL;
		buf[n] = '\0';
		text = strchr(buf, ';');
		if (text)
			return text + 1;
	}
}

/*
 * Reads through a mapping that may raise SIGBUS (a revoked BAR mmap):
 * vu_catch_sigbus() once, then vu_read32() and vu_write32() say whether
 * the access faulted.
 */
static sigjmp_buf vu_bus_env;
/* Set only around the access; atomics keep the compiler honest. */
static sig_atomic_t vu_bus_armed;

static inline void vu_on_sigbus(int sig)
{
	(void)sig;
	if (__atomic_load_n(&vu_bus_armed, __ATOMIC_SEQ_CST))
		siglongjmp(vu_bus_env, 1);
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

static inline void vu_catch_sigbus(void)
{
	struct sigaction sa = { .sa_handler = vu_on_sigbus };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

static inline bool vu_read32(const void *addr, __u32 *val)
{
	if (sigsetjmp(vu_bus_env, 1)) {
		__atomic_store_n(&vu_bus_armed, 0, __ATOMIC_SEQ_CST);
		return false;
	}
	__atomic_store_n(&vu_bus_armed, 1, __ATOMIC_SEQ_CST);
	*val = __atomic_load_n((const __u32 *)addr, __ATOMIC_ACQUIRE);
	__atomic_store_n(&vu_bus_armed, 0, __ATOMIC_SEQ_CST);
	return true;
}

static inline bool vu_write32(void *addr, __u32 val)
{
	if (sigsetjmp(vu_bus_env, 1)) {
		__atomic_store_n(&vu_bus_armed, 0, __ATOMIC_SEQ_CST);
		return false;
	}
	__atomic_store_n(&vu_bus_armed, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n((__u32 *)addr, val, __ATOMIC_RELEASE);
	__atomic_store_n(&vu_bus_armed, 0, __ATOMIC_SEQ_CST);
	return true;
}

/* The IOMMU group number of device @name of bus @bus ("pci", ...), or -1. */
static inline int vu_bus_group_of(const char *bus, const char *name)
{
	char path[160], link[256];
	ssize_t n;
	char *slash;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/iommu_group",
		 bus, name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = '\0';
	slash = strrchr(link, '/');
	return slash ? atoi(slash + 1) : -1;
}

static inline int vu_group_of(const char *bdf)
{
	return vu_bus_group_of("pci", bdf);
}

/* The loaded vfio is the bundle's, so upstream's newest ABI is demanded. */
static inline bool vu_bundle(void)
{
	const char *mode = getenv("VFIO_BP_MODE");
	const char *want = getenv("VFIO_BP_VERSION");
	char ver[64];

	if (mode && !strcmp(mode, "bundle"))
		return true;
	return want && *want && vu_read_line("/sys/module/vfio/version", ver,
					     sizeof(ver)) && !strcmp(ver, want);
}

/* The running kernel is at least major.minor. */
static inline bool vu_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

static inline const char *vu_release(void)
{
	static struct utsname u;

	return uname(&u) ? "?" : u.release;
}

static inline int vu_region_info(int device, __u32 index,
				 struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info);
}

/*
 * Region info with its capability chain; the caller frees it. NULL with
 * errno set on failure.
 */
static inline struct vfio_region_info *vu_region_info_caps(int device,
							   __u32 index)
{
	struct vfio_region_info *info, *bigger;
	__u32 argsz = sizeof(*info);

	info = calloc(1, argsz);
	if (!info)
		return NULL;
	for (;;) {
		info->argsz = argsz;
		info->index = index;
		if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info)) {
			free(info);
			return NULL;
		}
		if (info->argsz <= argsz)
			return info;
		argsz = info->argsz;
		bigger = realloc(info, argsz);
		if (!bigger) {
			free(info);
			return NULL;
		}
		info = bigger;
		memset(info, 0, argsz);
	}
}

/*
 * The capability @id in the chain of the info structure at @info (of
 * @argsz bytes, chain from @cap_offset), or NULL. A looping chain ends.
 */
static inline struct vfio_info_cap_header *
vu_cap_chain(void *info, __u32 argsz, __u32 cap_offset, __u16 id)
{
	struct vfio_info_cap_header *hdr;
	__u32 off;
	int hops = 0;

	for (off = cap_offset; off && off + sizeof(*hdr) <= argsz;
	     off = hdr->next) {
		hdr = (struct vfio_info_cap_header *)((char *)info + off);
		if (hdr->id == id)
			return hdr;
		if (++hops > 64)
			break;
	}
	return NULL;
}

/* The capability @id in a region info's chain, or NULL. */
static inline struct vfio_info_cap_header *
vu_region_cap(struct vfio_region_info *info, __u16 id)
{
	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	return vu_cap_chain(info, info->argsz, info->cap_offset, id);
}

static inline int vu_irq_info(int device, __u32 index,
			      struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(device, VFIO_DEVICE_GET_IRQ_INFO, info);
}

/* A step of @d's opening failed with @err: keep both it and why. */
__printf(3, 4)
static inline bool vu_fail(struct vdev *d, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	if (err && n >= 0 && (size_t)n < sizeof(d->why))
		snprintf(d->why + n, sizeof(d->why) - n, ": %s",
			 strerror(err));
	d->err = err;
	return false;
}

/*
 * @d's device fd from the open group fd @group, and where its config
 * region starts.
 */
static inline bool vu_get_device(struct vdev *d, int group)
{
	struct vfio_region_info cfg;

	d->device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device < 0)
		return vu_fail(d, errno, "GET_DEVICE_FD(%s)", d->bdf);
	if (vu_region_info(d->device, VFIO_PCI_CONFIG_REGION_INDEX, &cfg))
		return vu_fail(d, errno, "config region info");
	d->cfg_offset = cfg.offset;
	return true;
}

/*
 * The group fd d->group, opened from @path, is ready for SET_CONTAINER:
 * its status reads, it is viable (else EPERM) and has no container yet
 * (else EBUSY).
 */
static inline bool vu_group_ready(struct vdev *d, const char *path)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &st))
		return vu_fail(d, errno, "%s status", path);
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		return vu_fail(d, EPERM, "%s not viable, flags %#x", path,
			       st.flags);
	if (st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET)
		return vu_fail(d, EBUSY, "%s already has a container", path);
	return true;
}

/*
 * Container, group @group_id, Type1 v2, then (with @get_device) the device
 * fd named @name: the order every VMM uses. On failure, d->why says which
 * step and why, d->err has its errno (EPERM for a group that is not
 * viable), and everything opened so far stays in @d for vu_close().
 */
static inline bool vu_open_in_group(struct vdev *d, const char *name,
				    int group_id, bool get_device)
{
	char path[64];

	vu_init(d, name);
	d->group_id = group_id;
	if (d->group_id < 0)
		return vu_fail(d, ENODEV, "%s has no iommu_group", name);
	d->container = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		return vu_fail(d, errno, "open %s", VU_CONTAINER);
	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_id);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		return vu_fail(d, errno, "open %s", path);
	if (!vu_group_ready(d, path))
		return false;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		return vu_fail(d, errno, "SET_CONTAINER");
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return vu_fail(d, errno, "SET_IOMMU(TYPE1v2)");
	return !get_device || vu_get_device(d, d->group);
}

/* vu_open_in_group() for the PCI function @bdf. */
static inline bool vu_open(struct vdev *d, const char *bdf, bool get_device)
{
	return vu_open_in_group(d, bdf, vu_group_of(bdf), get_device);
}

static inline void vu_close(struct vdev *d)
{
	if (d->device >= 0)
		close(d->device);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	d->device = -1;
	d->group = -1;
	d->container = -1;
}

/* Config space through the config region; false on a short access. */
static inline bool vu_cfg_read(struct vdev *d, __u32 off, void *buf,
			       size_t len)
{
	return pread(d->device, buf, len, d->cfg_offset + off) ==
		(ssize_t)len;
}

static inline bool vu_cfg_write(struct vdev *d, __u32 off, const void *buf,
				size_t len)
{
	return pwrite(d->device, buf, len, d->cfg_offset + off) ==
		(ssize_t)len;
}

static inline __u32 vu_cfg_read32(struct vdev *d, __u32 off)
{
	__u32 v = 0xffffffff;

	vu_cfg_read(d, off, &v, sizeof(v));
	return v;
}

static inline __u16 vu_cfg_read16(struct vdev *d, __u32 off)
{
	__u16 v = 0xffff;

	vu_cfg_read(d, off, &v, sizeof(v));
	return v;
}

static inline __u8 vu_cfg_read8(struct vdev *d, __u32 off)
{
	__u8 v = 0xff;

	vu_cfg_read(d, off, &v, sizeof(v));
	return v;
}

static inline bool vu_cfg_write32(struct vdev *d, __u32 off, __u32 v)
{
	return vu_cfg_write(d, off, &v, sizeof(v));
}

static inline bool vu_cfg_write16(struct vdev *d, __u32 off, __u16 v)
{
	return vu_cfg_write(d, off, &v, sizeof(v));
}

/* Offset of capability @id in the (virtualised) config space, or 0. */
static inline __u8 vu_find_cap(struct vdev *d, __u8 id)
{
	__u8 pos;
	int hops = 0;

	if (!(vu_cfg_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = vu_cfg_read8(d, PCI_CAP_PTR) & ~3;
	while (pos >= 0x40 && hops++ < 48) {
		if (vu_cfg_read8(d, pos) == id)
			return pos;
		pos = vu_cfg_read8(d, pos + 1) & ~3;
	}
	return 0;
}

static inline bool vu_bus_master(struct vdev *d, bool on)
{
	__u16 cmd = vu_cfg_read16(d, PCI_COMMAND);

	if (on)
		cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	else
		cmd &= ~PCI_COMMAND_MASTER;
	return vu_cfg_write16(d, PCI_COMMAND, cmd) &&
		!!(vu_cfg_read16(d, PCI_COMMAND) & PCI_COMMAND_MASTER) == on;
}

/* SET_IRQS with @count eventfds (-1 unassigns) from @start. */
static inline int vu_irq_eventfds(int device, __u32 index, __u32 start,
				  __u32 count, const int *fds)
{
	size_t sz = sizeof(struct vfio_irq_set) + count * sizeof(__s32);
	struct vfio_irq_set *set = calloc(1, sz);
	int ret, err;

	if (!set)
		return -1;
	set->argsz = sz;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = start;
	set->count = count;
	memcpy(set->data, fds, count * sizeof(__s32));
	ret = ioctl(device, VFIO_DEVICE_SET_IRQS, set);
	err = errno;
	free(set);
	errno = err;
	return ret;
}

/* SET_IRQS with DATA_NONE and @action. TRIGGER with count 0 disables. */
static inline int vu_irq_none(int device, __u32 index, __u32 action,
			      __u32 start, __u32 count)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | action,
		.index = index,
		.start = start,
		.count = count,
	};

	return ioctl(device, VFIO_DEVICE_SET_IRQS, &set);
}

static inline int vu_irq_disable(int device, __u32 index)
{
	return vu_irq_none(device, index, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
}

/*
 * Wait up to @ms for an eventfd; returns its counter (consuming it), 0 on
 * timeout.
 */
static inline __u64 vu_wait_eventfd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	__u64 v = 0;

	if (poll(&p, 1, ms) != 1 || !(p.revents & POLLIN))
		return 0;
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static inline int vu_eventfd(void)
{
	return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

static inline int vu_map(int container, void *vaddr, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (__u64)(uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map);
}

/* Unmap; *@unmapped gets the size the kernel reports. */
static inline int vu_unmap(int container, __u64 iova, __u64 size,
			   __u64 *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};
	int ret = ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap);

	if (unmapped)
		*unmapped = unmap.size;
	return ret;
}

/* Whether each of the @len bytes at @p is @v. */
static inline bool vu_all_bytes(const unsigned char *p, size_t len,
				unsigned char v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* Page-aligned anonymous memory, touched; NULL on failure. */
static inline void *vu_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static inline void vu_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* waitpid() for at most @ms: the child's status, or -1 if it is still running. */
static inline int vu_wait_child(pid_t pid, int ms)
{
	int st, i;

	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		vu_sleep_ms(10);
	}
	return -1;
}

/*
 * A sysfs write that may block (an unbind, a remove), for a shell script:
 * prints the errno's name (OK), STUCK after 20 s or KILLED, then the first
 * line of each kernel log record written meanwhile.
 */
static inline int vu_write_report(const char *path, const char *val)
{
	int kfd = vu_kmsg_from_now(), st;
	const char *text;
	char rec[1024];
	pid_t pid;

	pid = vu_write_in_child(path, val);
	if (pid < 0) {
		printf("%s\n", vu_errname(errno));
		return 1;
	}
	st = vu_wait_child(pid, 20000);
	if (st == -1)
		printf("STUCK\n");
	else if (!WIFEXITED(st))
		printf("KILLED\n");
	else
		printf("%s\n", vu_errname(WEXITSTATUS(st)));
	while (kfd >= 0 && (text = vu_kmsg_next(kfd, rec, sizeof(rec))))
		printf("%.*s\n", (int)strcspn(text, "\n"), text);
	if (kfd >= 0)
		close(kfd);
	return 0;
}

/* --- edu, through a mapping of its BAR0 --- */

/*
 * BAR0 accesses: the atomic builtins make each one a single load or store
 * of the given width that the compiler cannot merge, drop or split.
 */
static inline __u32 edu_rd(void *bar, __u32 reg)
{
	return __atomic_load_n((__u32 *)((char *)bar + reg), __ATOMIC_ACQUIRE);
}

static inline void edu_wr(void *bar, __u32 reg, __u32 v)
{
	__atomic_store_n((__u32 *)((char *)bar + reg), v, __ATOMIC_RELEASE);
}

static inline void edu_wr64(void *bar, __u32 reg, __u64 v)
{
	__atomic_store_n((__u64 *)((char *)bar + reg), v, __ATOMIC_RELEASE);
}

static inline void *edu_map_bar0(struct vdev *d)
{
	struct vfio_region_info info;
	void *p;

	if (vu_region_info(d->device, VFIO_PCI_BAR0_REGION_INDEX, &info))
		return NULL;
	p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 d->device, info.offset);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * One edu DMA of @count bytes between @iova and the device buffer at
 * @devoff; @to_ram picks the direction. Returns false if the engine did
 * not finish within 5 s.
 */
static inline bool edu_dma(void *bar, __u64 iova, __u64 devoff,
			   __u32 count, bool to_ram)
{
	int i;

	if (!count || devoff + count >= EDU_DMA_BUF_SIZE)
		return false;	/* see EDU_DMA_XFER */
	edu_wr64(bar, EDU_DMA_SRC, to_ram ? EDU_DMA_BUF + devoff : iova);
	edu_wr64(bar, EDU_DMA_DST, to_ram ? iova : EDU_DMA_BUF + devoff);
	edu_wr64(bar, EDU_DMA_COUNT, count);
	edu_wr64(bar, EDU_DMA_CMD,
		 EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
	for (i = 0; i < 5000; i++) {
		if (!(edu_rd(bar, EDU_DMA_CMD) & EDU_DMA_RUN))
			return true;
		vu_sleep_ms(1);
	}
	return false;
}

#endif
