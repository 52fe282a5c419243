// SPDX-License-Identifier: GPL-2.0
/*
 * The Type1 IOMMU backend, as user space sees it:
 *  - VFIO_IOMMU_GET_INFO: page sizes, and the capability chain handed out
 *    in two steps (argsz too small: the size it needs; big enough: the
 *    chain), with IOVA_RANGE and DMA_AVAIL, DMA_AVAIL counting mappings;
 *  - the dma_entry_limit module parameter, taken when a container gets its
 *    IOMMU: one MAP_DMA more than it allows fails with ENOSPC;
 *  - RLIMIT_MEMLOCK for a mapper without CAP_IPC_LOCK: MAP_DMA beyond it
 *    fails with ENOMEM and leaves nothing pinned (the bundle also names the
 *    process in the kernel log);
 *  - VFIO_UPDATE_VADDR: a mapping whose vaddr was invalidated and given a
 *    new one keeps working for the device, and the new vaddr must cover
 *    exactly the old range.
 *
 *   t_type1 BDF        (edu, bound to vfio-pci)
 */
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "vfio_util.h"

#define IOVA		0x100000UL
#define IOVA_DST	0x800000UL
#define LIMIT_PATH	"/sys/module/vfio_iommu_type1/parameters/dma_entry_limit"
#define LIMIT_SMALL	4
#define MEMLOCK_LIMIT	(64 * 1024UL)
#define MEMLOCK_MAP	(1024 * 1024UL)
#define MEMLOCK_COMM	"t1-memlock"
#define VADDR_LEN	(2 * VU_PAGE)

/* GET_INFO with @argsz bytes; the caller frees it. NULL, errno set. */
static struct vfio_iommu_type1_info *get_info(int container, __u32 argsz)
{
	struct vfio_iommu_type1_info *info = calloc(1, argsz);
	int err;

	if (!info)
		return NULL;
	info->argsz = argsz;
	if (ioctl(container, VFIO_IOMMU_GET_INFO, info)) {
		err = errno;
		free(info);
		errno = err;
		return NULL;
	}
	return info;
}

/*
 * The capability @id in @info's chain (@size bytes received), or NULL.
 * *@bad says why the chain itself is broken, if it is.
 */
static struct vfio_info_cap_header *
find_cap(struct vfio_iommu_type1_info *info, __u32 size, __u16 id,
	 const char **bad)
{
	struct vfio_info_cap_header *hdr;
	__u32 off = info->cap_offset;
	int hops = 0;

	*bad = NULL;
	while (off) {
		if (off < sizeof(*info) || off + sizeof(*hdr) > size) {
			*bad = "a capability header lies outside the buffer";
			return NULL;
		}
		if (++hops > 64) {
			*bad = "the chain loops";
			return NULL;
		}
		hdr = (struct vfio_info_cap_header *)((char *)info + off);
		if (hdr->id == id)
			return hdr;
		off = hdr->next;
	}
	return NULL;
}

/* DMA_AVAIL's avail, or -1 with *@why set. */
static long long dma_avail(int container, char *why, size_t len)
{
	struct vfio_iommu_type1_info_dma_avail cap;
	struct vfio_iommu_type1_info *info, *small;
	struct vfio_info_cap_header *hdr;
	const char *bad;
	__u32 size;

	small = get_info(container, sizeof(*small));
	if (!small) {
		snprintf(why, len, "GET_INFO: %s", strerror(errno));
		return -1;
	}
	size = small->argsz;
	free(small);
	info = get_info(container, size);
	if (!info) {
		snprintf(why, len, "GET_INFO(argsz %u): %s", size,
			 strerror(errno));
		return -1;
	}
	hdr = find_cap(info, size, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, &bad);
	if (!hdr || (char *)hdr + sizeof(cap) > (char *)info + size) {
		snprintf(why, len, "no DMA_AVAIL capability%s%s",
			 bad ? ": " : "", bad ? bad : "");
		free(info);
		return -1;
	}
	memcpy(&cap, hdr, sizeof(cap));
	free(info);
	return cap.avail;
}

/* The IOVA ranges are ordered, disjoint, page-granular, and hold IOVA. */
static bool ranges_sane(struct vfio_info_cap_header *hdr, char *end,
			char *why, size_t len)
{
	struct vfio_iommu_type1_info_cap_iova_range cap;
	struct vfio_iova_range r, prev = { 0, 0 };
	bool covers = false;
	char *p;
	__u32 i;

	memcpy(&cap, hdr, sizeof(cap));
	p = (char *)hdr + sizeof(cap);
	if (cap.nr_iovas < 1 || p + cap.nr_iovas * sizeof(r) > end) {
		snprintf(why, len, "nr_iovas %u, room for %zu", cap.nr_iovas,
			 (size_t)(end - p) / sizeof(r));
		return false;
	}
	for (i = 0; i < cap.nr_iovas; i++) {
		memcpy(&r, p + i * sizeof(r), sizeof(r));
		if (r.start > r.end || (r.start & (VU_PAGE - 1)) ||
		    ((r.end + 1) & (VU_PAGE - 1)) ||
		    (i && r.start <= prev.end)) {
			snprintf(why, len,
				 "range %u of %u is [%#llx, %#llx] (previous ends at %#llx)",
				 i, cap.nr_iovas, (unsigned long long)r.start,
				 (unsigned long long)r.end,
				 (unsigned long long)prev.end);
			return false;
		}
		if (r.start <= IOVA && IOVA_DST + VADDR_LEN - 1 <= r.end)
			covers = true;
		prev = r;
	}
	if (!covers)
		snprintf(why, len, "no range of %u holds [%#lx, %#lx]",
			 cap.nr_iovas, IOVA, IOVA_DST + VADDR_LEN - 1);
	return covers;
}

static void info_checks(const char *bdf)
{
	struct vfio_iommu_type1_info *small = NULL, *info = NULL;
	struct vfio_info_cap_header *hdr;
	long long a0, a1, a2;
	const char *bad;
	char why[256] = "";
	__u32 size = 0;
	__u64 done = 0;
	void *buf = NULL;
	struct vdev d;
	int ret;

	if (!check(vu_open(&d, bdf, false), "type1-open", "%s", d.why))
		goto out;

	small = get_info(d.container, sizeof(*small));
	if (!check(small, "type1-info", "GET_INFO(argsz %zu): %s",
		   sizeof(*small), strerror(errno)))
		goto out;
	check((small->flags & VFIO_IOMMU_INFO_PGSIZES) &&
	      (small->iova_pgsizes & VU_PAGE), "type1-info-pgsizes",
	      "flags %#x, iova_pgsizes %#llx: want PGSIZES with 4 KiB in it",
	      small->flags, (unsigned long long)small->iova_pgsizes);
	size = small->argsz;
	if (!check((small->flags & VFIO_IOMMU_INFO_CAPS) &&
		   size > sizeof(*small) && small->cap_offset == 0,
		   "type1-info-caps-argsz",
		   "argsz %zu in: flags %#x, argsz %u, cap_offset %u out; want CAPS, a larger argsz, cap_offset 0",
		   sizeof(*small), small->flags, size, small->cap_offset))
		goto out;

	info = get_info(d.container, size);
	if (!check(info && info->argsz == size &&
		   info->cap_offset >= sizeof(*info), "type1-info-caps",
		   "GET_INFO(argsz %u): %s, argsz %u, cap_offset %u", size,
		   info ? "ok" : strerror(errno), info ? info->argsz : 0,
		   info ? info->cap_offset : 0))
		goto out;

	hdr = find_cap(info, size, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, &bad);
	if (!hdr)
		snprintf(why, sizeof(why), "no IOVA_RANGE capability%s%s",
			 bad ? ": " : "", bad ? bad : "");
	check(hdr && ranges_sane(hdr, (char *)info + size, why, sizeof(why)),
	      "type1-info-iova-range", "%s", why);

	a0 = dma_avail(d.container, why, sizeof(why));
	if (!check(a0 > 0, "type1-info-dma-avail", "%s",
		   a0 < 0 ? why : "avail is 0 with nothing mapped"))
		goto out;

	buf = vu_alloc(VU_PAGE);
	ret = buf ? vu_map(d.container, buf, IOVA, VU_PAGE) : -1;
	if (!check(ret == 0, "type1-avail-map", "MAP_DMA of 4 KiB: %s",
		   strerror(errno)))
		goto out;
	a1 = dma_avail(d.container, why, sizeof(why));
	check(a1 == a0 - 1, "type1-avail-after-map",
	      "avail %lld before MAP_DMA, %lld after (want %lld)%s%s",
	      a0, a1, a0 - 1, a1 < 0 ? ": " : "", a1 < 0 ? why : "");
	ret = vu_unmap(d.container, IOVA, VU_PAGE, &done);
	a2 = dma_avail(d.container, why, sizeof(why));
	check(ret == 0 && done == VU_PAGE && a2 == a0,
	      "type1-avail-after-unmap",
	      "UNMAP_DMA: %s, %llu bytes; avail %lld (want %lld)",
	      ret ? strerror(errno) : "ok", (unsigned long long)done, a2, a0);
out:
	free(small);
	free(info);
	if (buf)
		munmap(buf, VU_PAGE);
	vu_close(&d);
}

static void entry_limit(const char *bdf)
{
	char old[32] = "", now[32] = "", val[16];
	void *buf[LIMIT_SMALL + 1] = { NULL };
	int ret, err, i, mapped = 0;
	__u64 unmapped = 0;
	struct stat st;
	struct vdev d;

	vu_init(&d, bdf);
	if (!check(vu_read_line(LIMIT_PATH, old, sizeof(old)) &&
		   stat(LIMIT_PATH, &st) == 0, "type1-entry-limit-param",
		   "cannot read %s: %s", LIMIT_PATH, strerror(errno)))
		return;
	if (!(st.st_mode & 0200)) {
		if (vu_bundle())
			check(false, "type1-entry-limit", "%s is mode %#o, want 0644",
			      LIMIT_PATH, st.st_mode & 0777);
		else
			not_applicable("type1-entry-limit",
				       "%s is mode %#o: not writable here",
				       LIMIT_PATH, st.st_mode & 0777);
		return;
	}
	for (i = 0; i <= LIMIT_SMALL; i++) {
		buf[i] = vu_alloc(VU_PAGE);
		if (!buf[i])
			break;
	}
	if (!check(i > LIMIT_SMALL, "type1-entry-limit-alloc", "mmap: %s",
		   strerror(errno)))
		goto out;
	snprintf(val, sizeof(val), "%d", LIMIT_SMALL);
	if (!check(vu_write_str(LIMIT_PATH, val), "type1-entry-limit-set",
		   "writing %s to %s: %s", val, LIMIT_PATH, strerror(errno)))
		goto out;
	/* The limit is taken when the container gets its IOMMU. */
	if (!check(vu_open(&d, bdf, false), "type1-entry-limit-open", "%s",
		   d.why))
		goto restore;
	/* Two pages apart, so no two entries touch. */
	for (i = 0; i < LIMIT_SMALL; i++) {
		if (vu_map(d.container, buf[i], IOVA + 2 * i * VU_PAGE,
			   VU_PAGE))
			break;
		mapped++;
	}
	err = errno;
	if (!check(mapped == LIMIT_SMALL, "type1-entry-limit-fill",
		   "MAP_DMA %d of %d failed: %s", mapped + 1, LIMIT_SMALL,
		   strerror(err)))
		goto restore;
	ret = vu_map(d.container, buf[LIMIT_SMALL],
		     IOVA + 2 * LIMIT_SMALL * VU_PAGE, VU_PAGE);
	err = errno;
	if (ret == 0)
		mapped++;
	check(ret == -1 && err == ENOSPC, "type1-entry-limit-enospc",
	      "MAP_DMA number %d with dma_entry_limit %d: %s (want ENOSPC)",
	      LIMIT_SMALL + 1, LIMIT_SMALL, ret ? strerror(err) : "succeeded");
restore:
	vu_write_str(LIMIT_PATH, old);
	vu_read_line(LIMIT_PATH, now, sizeof(now));
	check(!strcmp(now, old), "type1-entry-limit-restore",
	      "dma_entry_limit reads '%s' after writing back '%s'", now, old);
	if (mapped) {
		ret = vu_unmap(d.container, IOVA,
			       2 * (LIMIT_SMALL + 1) * VU_PAGE, &unmapped);
		check(ret == 0 && unmapped == mapped * VU_PAGE,
		      "type1-entry-limit-unmap",
		      "UNMAP_DMA over all entries: %s, %llu bytes (want %lu)",
		      ret ? strerror(errno) : "ok",
		      (unsigned long long)unmapped, mapped * VU_PAGE);
	}
out:
	vu_close(&d);
	for (i = 0; i <= LIMIT_SMALL; i++)
		if (buf[i])
			munmap(buf[i], VU_PAGE);
}

/* What the RLIMIT_MEMLOCK child reports back. */
struct memlock_report {
	bool na;		/* CAP_IPC_LOCK could not be dropped */
	bool opened;
	int ret;		/* MAP_DMA's return and errno */
	int err;
	long long lck0;		/* VmLck in kB before and after */
	long long lck1;
	int unmap_ret;
	int unmap_err;
	unsigned long long unmapped;
	char why[256];
};

/* Clear CAP_IPC_LOCK from the effective and permitted sets. */
static bool drop_ipc_lock(char *why, size_t len)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	__u32 bit = 1U << (CAP_IPC_LOCK & 31);
	int w = CAP_IPC_LOCK / 32;

	if (syscall(SYS_capget, &hdr, data)) {
		snprintf(why, len, "capget: %s", strerror(errno));
		return false;
	}
	data[w].effective &= ~bit;
	data[w].permitted &= ~bit;
	data[w].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data)) {
		snprintf(why, len, "capset without CAP_IPC_LOCK: %s",
			 strerror(errno));
		return false;
	}
	if (syscall(SYS_capget, &hdr, data) || (data[w].effective & bit)) {
		snprintf(why, len, "CAP_IPC_LOCK still effective after capset");
		return false;
	}
	return true;
}

static void memlock_child(const char *bdf, int wfd)
{
	struct rlimit rl = { MEMLOCK_LIMIT, MEMLOCK_LIMIT };
	struct memlock_report r;
	void *buf;
	struct vdev d;

	memset(&r, 0, sizeof(r));
	vu_init(&d, bdf);
	prctl(PR_SET_NAME, MEMLOCK_COMM, 0, 0, 0);
	buf = vu_alloc(MEMLOCK_MAP);
	if (!buf) {
		snprintf(r.why, sizeof(r.why), "mmap: %s", strerror(errno));
		goto out;
	}
	if (!drop_ipc_lock(r.why, sizeof(r.why))) {
		r.na = true;
		goto out;
	}
	if (setrlimit(RLIMIT_MEMLOCK, &rl)) {
		snprintf(r.why, sizeof(r.why), "setrlimit: %s",
			 strerror(errno));
		goto out;
	}
	if (!vu_open(&d, bdf, false)) {
		snprintf(r.why, sizeof(r.why), "%s", d.why);
		goto out;
	}
	r.opened = true;
	r.lck0 = vu_vmlck_kb(getpid());
	r.ret = vu_map(d.container, buf, IOVA, MEMLOCK_MAP);
	r.err = errno;
	r.lck1 = vu_vmlck_kb(getpid());
	r.unmap_ret = vu_unmap(d.container, IOVA, MEMLOCK_MAP, &r.unmapped);
	r.unmap_err = errno;
out:
	vu_close(&d);
	if (write(wfd, &r, sizeof(r)) != sizeof(r))
		_exit(3);
	_exit(0);
}

/* Has the kernel logged, since @kfd's position, a line naming @pid? */
static bool kmsg_names(int kfd, pid_t pid)
{
	char rec[2048], num[32];
	const char *text, *p;
	bool found = false;
	size_t len;

	len = snprintf(num, sizeof(num), "%d", (int)pid);
	while ((text = vu_kmsg_next(kfd, rec, sizeof(rec)))) {
		if (strstr(text, MEMLOCK_COMM))
			found = true;
		/* The pid as a whole number, not part of a longer one. */
		for (p = strstr(text, num); p && !found; p = strstr(p + 1, num))
			if ((p == text || p[-1] < '0' || p[-1] > '9') &&
			    (p[len] < '0' || p[len] > '9'))
				found = true;
	}
	return found;
}

static void memlock_limit(const char *bdf)
{
	struct memlock_report r;
	int pfd[2], kfd, st;
	ssize_t n;
	pid_t pid;

	kfd = vu_kmsg_from_now();
	if (!check(pipe(pfd) == 0, "type1-memlock-pipe", "pipe: %s",
		   strerror(errno)))
		goto out_kmsg;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		memlock_child(bdf, pfd[1]);
	}
	close(pfd[1]);
	if (!check(pid > 0, "type1-memlock-fork", "fork: %s",
		   strerror(errno)))
		goto out;
	memset(&r, 0, sizeof(r));
	n = read(pfd[0], &r, sizeof(r));
	waitpid(pid, &st, 0);
	if (!check(n == sizeof(r), "type1-memlock-child",
		   "the child reported nothing (status %#x)", st))
		goto out;
	if (r.na) {
		not_applicable("type1-memlock", "%s", r.why);
		goto out;
	}
	if (!check(r.opened, "type1-memlock-open", "%s", r.why))
		goto out;
	check(r.ret == -1 && r.err == ENOMEM, "type1-memlock-enomem",
	      "MAP_DMA of %lu KiB with RLIMIT_MEMLOCK %lu KiB and no CAP_IPC_LOCK: %s (want ENOMEM)",
	      MEMLOCK_MAP >> 10, MEMLOCK_LIMIT >> 10,
	      r.ret ? strerror(r.err) : "succeeded");
	check(r.lck0 >= 0 && r.lck1 == r.lck0 && r.unmap_ret == 0 &&
	      r.unmapped == 0, "type1-memlock-nothing-pinned",
	      "VmLck %lld kB before MAP_DMA, %lld kB after; UNMAP_DMA then: %s, %llu bytes (want 0)",
	      r.lck0, r.lck1, r.unmap_ret ? strerror(r.unmap_err) : "ok",
	      r.unmapped);
	if (!vu_bundle())
		not_applicable("type1-memlock-logged",
			       "upstream's message does not name the process; the bundle's does");
	else if (kfd < 0)
		check(false, "type1-memlock-logged", "open /dev/kmsg: %s",
		      strerror(errno));
	else
		check(kmsg_names(kfd, pid), "type1-memlock-logged",
		      "no kernel log line names %s (pid %d)", MEMLOCK_COMM,
		      (int)pid);
out:
	close(pfd[0]);
out_kmsg:
	if (kfd >= 0)
		close(kfd);
}

static int map_vaddr(int container, void *vaddr, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_VADDR,
		.vaddr = (__u64)(uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map);
}

static void update_vaddr(const char *bdf)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = VFIO_DMA_UNMAP_FLAG_VADDR,
		.iova = IOVA,
		.size = VADDR_LEN,
	};
	unsigned char *a = NULL, *b = NULL, *dst = NULL;
	bool a_mapped = false, dst_mapped = false, ok;
	int ext, mfd = -1, ret, err;
	void *bar = NULL;
	__u64 done = 0;
	struct vdev d;
	size_t i;

	if (!check(vu_open(&d, bdf, true), "type1-vaddr-open", "%s", d.why))
		goto out;
	ext = ioctl(d.container, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR);
	if (ext <= 0 && !vu_bundle() && !vu_kernel_at_least(5, 12)) {
		not_applicable("type1-vaddr",
			       "the in-tree type1 of %s predates VFIO_UPDATE_VADDR (5.12)",
			       vu_release());
		goto out;
	}
	if (!check(ext == 1, "type1-vaddr-extension",
		   "CHECK_EXTENSION(VFIO_UPDATE_VADDR) is %d", ext))
		goto out;

	/* a and b are two views of the same memory, as after a live update. */
	mfd = syscall(SYS_memfd_create, "t_type1", 0);
	if (mfd >= 0 && ftruncate(mfd, VADDR_LEN) == 0) {
		a = mmap(NULL, VADDR_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
			 mfd, 0);
		b = mmap(NULL, VADDR_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
			 mfd, 0);
	}
	dst = vu_alloc(VADDR_LEN);
	bar = edu_map_bar0(&d);
	if (!check(mfd >= 0 && a != MAP_FAILED && b != MAP_FAILED && a && b &&
		   dst && bar && vu_bus_master(&d, true), "type1-vaddr-setup",
		   "memfd, its two mappings, the destination, BAR0 or bus mastering: %s",
		   strerror(errno)))
		goto out;
	for (i = 0; i < VADDR_LEN; i++)
		a[i] = (unsigned char)(0xa5 ^ (i * 7));
	memset(dst, 0, VADDR_LEN);

	ret = vu_map(d.container, a, IOVA, VADDR_LEN);
	a_mapped = ret == 0;
	ret = ret ? ret : vu_map(d.container, dst, IOVA_DST, VADDR_LEN);
	dst_mapped = a_mapped && ret == 0;
	if (!check(ret == 0, "type1-vaddr-map", "MAP_DMA: %s",
		   strerror(errno)))
		goto out;

	ret = ioctl(d.container, VFIO_IOMMU_UNMAP_DMA, &unmap);
	if (!check(ret == 0 && unmap.size == VADDR_LEN,
		   "type1-vaddr-invalidate",
		   "UNMAP_DMA(VADDR): %s, size %llu (want %lu)",
		   ret ? strerror(errno) : "ok",
		   (unsigned long long)unmap.size, VADDR_LEN))
		goto out;
	/* The old address goes away; the pinned pages must not. */
	munmap(a, VADDR_LEN);
	a = NULL;

	ret = map_vaddr(d.container, b, IOVA, VADDR_LEN / 2);
	err = errno;
	check(ret == -1 && err == EINVAL, "type1-vaddr-wrong-size",
	      "MAP_DMA(VADDR) of %lu of the %lu bytes: %s (want EINVAL)",
	      VADDR_LEN / 2, VADDR_LEN, ret ? strerror(err) : "succeeded");

	ret = map_vaddr(d.container, b, IOVA, VADDR_LEN);
	if (!check(ret == 0, "type1-vaddr-update", "MAP_DMA(VADDR): %s",
		   strerror(errno)))
		goto out;

	ok = edu_dma(bar, IOVA, 0, EDU_DMA_XFER, false) &&
	     edu_dma(bar, IOVA_DST, 0, EDU_DMA_XFER, true);
	check(ok && !memcmp(dst, b, EDU_DMA_XFER), "type1-vaddr-dma",
	      "edu DMA %s; first bytes %#x %#x at the destination, want %#x %#x",
	      ok ? "done" : "timed out", dst[0], dst[1], b[0], b[1]);

	ret = vu_unmap(d.container, IOVA, VADDR_LEN, &done);
	a_mapped = ret != 0;
	check(ret == 0 && done == VADDR_LEN, "type1-vaddr-unmap",
	      "UNMAP_DMA after the update: %s, %llu bytes (want %lu)",
	      ret ? strerror(errno) : "ok", (unsigned long long)done,
	      VADDR_LEN);
out:
	if (a_mapped)
		vu_unmap(d.container, IOVA, VADDR_LEN, NULL);
	if (dst_mapped)
		vu_unmap(d.container, IOVA_DST, VADDR_LEN, NULL);
	if (bar)
		vu_bus_master(&d, false);
	vu_close(&d);
	if (a && a != MAP_FAILED)
		munmap(a, VADDR_LEN);
	if (b && b != MAP_FAILED)
		munmap(b, VADDR_LEN);
	if (dst)
		munmap(dst, VADDR_LEN);
	if (bar)
		munmap(bar, EDU_BAR0_SIZE);
	if (mfd >= 0)
		close(mfd);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: t_type1 BDF\n");
		return 2;
	}
	info_checks(argv[1]);
	entry_limit(argv[1]);
	memlock_limit(argv[1]);
	update_vaddr(argv[1]);
	return check_exit();
}
