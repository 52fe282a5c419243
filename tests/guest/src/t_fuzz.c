// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded fuzzer for the uAPI: random but structured sequences of
 * ioctls, reads and writes on the container, group and device fds of an
 * edu, with sizes, counts, indexes, flags and argsz at their edges. The
 * seed is printed, so a failing run replays exactly.
 *
 *   t_fuzz BDF [SEED [ITERATIONS]]      (an edu bound to vfio-pci)
 *
 * The kernel must survive it (the runner fails on any oops, WARNING,
 * sanitizer or lockdep report), and when everything is closed nothing may
 * be left behind: no pinned page, no locked_vm, no fd, no module
 * reference; the device must still open and map as on the first day.
 * BAR writes are left out: they reach the device, not the kernel, and an
 * edu DMA to a random address would only fault in the IOMMU.
 */
#include <dirent.h>

#include "vfio_util.h"

#define FZ_DEFAULT_SEED		0x5eed5eedULL
#define FZ_DEFAULT_ITERS	50000UL
#define FZ_BUF_PAGES		16
#define FZ_ARG_BYTES		65536
#define FZ_EVENTFDS		4

struct fz {
	const char *bdf;
	int group_id;
	int container;
	int group;
	int device;
	int spare;		/* a second container, for SET_CONTAINER */
	int efd[FZ_EVENTFDS];
	__u8 *buf;		/* FZ_BUF_PAGES of anonymous memory */
	__u8 *ro;		/* one read-only page */
	__u8 *hole;		/* three pages, the middle one unmapped */
	__u8 *arg;		/* FZ_ARG_BYTES for ioctl arguments */
	struct vfio_region_info region[VFIO_PCI_NUM_REGIONS];
	__u64 state;
};

/* xorshift64*: small, fast, the same sequence on every libc. */
static __u64 rnd(struct fz *f)
{
	f->state ^= f->state >> 12;
	f->state ^= f->state << 25;
	f->state ^= f->state >> 27;
	return f->state * 0x2545f4914f6cdd1dULL;
}

static __u32 below(struct fz *f, __u32 n)
{
	return (__u32)(rnd(f) % n);
}

/* A 64-bit value at an edge most of the time, random otherwise. */
static __u64 edge64(struct fz *f)
{
	static const __u64 edges[] = {
		0, 1, 2, 3, 4, 7, 8, 0xfff, 0x1000, 0x1001, 0x2000, 0x10000,
		0x1fffff, 0x200000, 0x200001, 0x40000000, 0xffffffffULL,
		0x100000000ULL, 1ULL << 39, 1ULL << 47, 1ULL << 48,
		1ULL << 63, ~0ULL, ~0ULL - 0xfff, ~0ULL << 12,
		0x7fffffffffffffffULL,
	};

	if (below(f, 4))
		return edges[below(f, ARRAY_SIZE(edges))];
	return rnd(f);
}

static __u32 edge32(struct fz *f)
{
	static const __u32 edges[] = {
		0, 1, 2, 3, 4, 8, 15, 16, 31, 32, 64, 255, 256, 4095, 4096,
		65535, 65536, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};

	if (below(f, 4))
		return edges[below(f, ARRAY_SIZE(edges))];
	return (__u32)rnd(f);
}

/* Flags: usually a few known bits, sometimes any. */
static __u32 flags32(struct fz *f, __u32 known)
{
	__u32 v = (__u32)rnd(f);

	return below(f, 4) ? v & known : v;
}

/* An argsz: mostly the right one, else one short, a bit long or anything. */
static __u32 argsz(struct fz *f, __u32 right)
{
	switch (below(f, 10)) {
	case 0:
		return right ? right - 1 : 0;
	case 1:
		return right + below(f, 64);
	case 2:
		return below(f, FZ_ARG_BYTES);
	case 3:
		return edge32(f);
	default:
		return right;
	}
}

/*
 * The argsz of a *_GET_INFO call, whose reply (capability chains too)
 * lands in the first page of f->arg: zeroed, and never claimed larger.
 */
static __u32 info_argsz(struct fz *f, __u32 right)
{
	__u32 sz = argsz(f, right);

	memset(f->arg, 0, 4096);
	return sz > 4096 ? 4096 : sz;
}

/* A user address: ours (writable, read-only, with a hole) or not. */
static __u64 uaddr(struct fz *f)
{
	switch (below(f, 8)) {
	case 0:
		return (__u64)(unsigned long)f->ro;
	case 1:
		return (__u64)(unsigned long)f->hole;
	case 2:
		return edge64(f) & ~0xfffULL;
	case 3:
		return (__u64)(unsigned long)f->buf + below(f, 0x2000);
	default:
		return (__u64)(unsigned long)f->buf +
		       below(f, FZ_BUF_PAGES) * VU_PAGE;
	}
}

/* An IOVA: a few pages near one another so unmaps meet maps, or edges. */
static __u64 iova(struct fz *f)
{
	if (below(f, 3))
		return 0x100000ULL + below(f, 32) * VU_PAGE;
	return edge64(f);
}

static __u64 length(struct fz *f)
{
	if (below(f, 3))
		return (1 + below(f, FZ_BUF_PAGES)) * VU_PAGE;
	return edge64(f);
}

/* Any fd of ours, or none: the wrong kind of fd is input too. */
static int some_fd(struct fz *f)
{
	switch (below(f, 7)) {
	case 0:
		return f->container;
	case 1:
		return f->spare;
	case 2:
		return f->group;
	case 3:
		return f->device;
	case 4:
		return f->efd[below(f, FZ_EVENTFDS)];
	case 5:
		return -1;
	default:
		return (int)edge32(f);
	}
}

static void fill_arg(struct fz *f, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 8) {
		__u64 v = below(f, 2) ? edge64(f) : 0;

		memcpy(f->arg + i, &v, len - i < 8 ? len - i : 8);
	}
}

/* An fd an ioctl handed back (device, dma-buf) is closed at once. */
static int fd_result(int ret)
{
	if (ret > 2)
		close(ret);
	return ret < 0 ? -1 : 0;
}

static int op_map(struct fz *f)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m) };

	m.argsz = argsz(f, sizeof(m));
	m.flags = flags32(f, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE |
			     VFIO_DMA_MAP_FLAG_VADDR);
	if (below(f, 2))
		m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	m.vaddr = uaddr(f);
	m.iova = iova(f);
	m.size = length(f);
	return ioctl(f->container, VFIO_IOMMU_MAP_DMA, &m);
}

static int op_unmap(struct fz *f)
{
	struct vfio_iommu_type1_dma_unmap *u = (void *)f->arg;
	struct vfio_bitmap *bm = (void *)u->data;

	memset(u, 0, sizeof(*u) + sizeof(*bm));
	u->argsz = argsz(f, sizeof(*u));
	u->flags = flags32(f, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
			      VFIO_DMA_UNMAP_FLAG_ALL |
			      VFIO_DMA_UNMAP_FLAG_VADDR);
	if (below(f, 2))
		u->flags = 0;
	u->iova = iova(f);
	u->size = length(f);
	if (u->flags & VFIO_DMA_UNMAP_FLAG_ALL && below(f, 2))
		u->iova = u->size = 0;
	if (u->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) {
		u->argsz = argsz(f, sizeof(*u) + sizeof(*bm));
		bm->pgsize = below(f, 2) ? VU_PAGE : edge64(f);
		bm->size = below(f, 2) ? 64 : edge64(f);
		bm->data = (__u64 *)(unsigned long)uaddr(f);
	}
	return ioctl(f->container, VFIO_IOMMU_UNMAP_DMA, u);
}

static int op_dirty(struct fz *f)
{
	struct vfio_iommu_type1_dirty_bitmap *d = (void *)f->arg;
	struct vfio_iommu_type1_dirty_bitmap_get *g = (void *)d->data;
	static const __u32 ops[] = {
		VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
		VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP,
		VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
	};

	memset(d, 0, sizeof(*d) + sizeof(*g));
	d->argsz = argsz(f, sizeof(*d));
	d->flags = below(f, 4) ? ops[below(f, ARRAY_SIZE(ops))] :
				 (__u32)rnd(f);
	if (d->flags == VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP) {
		d->argsz = argsz(f, sizeof(*d) + sizeof(*g));
		g->iova = iova(f);
		g->size = length(f);
		g->bitmap.pgsize = below(f, 2) ? VU_PAGE : edge64(f);
		g->bitmap.size = below(f, 2) ? 64 : edge64(f);
		g->bitmap.data = (__u64 *)(unsigned long)uaddr(f);
	}
	return ioctl(f->container, VFIO_IOMMU_DIRTY_PAGES, d);
}

static int op_iommu_info(struct fz *f)
{
	struct vfio_iommu_type1_info *i = (void *)f->arg;

	i->argsz = info_argsz(f, sizeof(*i) + 256);
	return ioctl(f->container, VFIO_IOMMU_GET_INFO, i);
}

static int op_extension(struct fz *f)
{
	return ioctl(below(f, 4) ? f->container : some_fd(f),
		     VFIO_CHECK_EXTENSION, below(f, 2) ? below(f, 16) :
		     (unsigned long)edge64(f)) < 0 ? -1 : 0;
}

static int op_set_iommu(struct fz *f)
{
	unsigned long type = below(f, 3) ? VFIO_TYPE1v2_IOMMU : below(f, 16);

	return ioctl(f->container, VFIO_SET_IOMMU, type);
}

static int op_group_status(struct fz *f)
{
	struct vfio_group_status *s = (void *)f->arg;

	s->argsz = argsz(f, sizeof(*s));
	s->flags = (__u32)rnd(f);
	return ioctl(f->group, VFIO_GROUP_GET_STATUS, s);
}

static int op_set_container(struct fz *f)
{
	int fd = below(f, 2) ? f->container : some_fd(f);

	return ioctl(f->group, VFIO_GROUP_SET_CONTAINER, &fd);
}

static int op_unset_container(struct fz *f)
{
	return ioctl(f->group, VFIO_GROUP_UNSET_CONTAINER);
}

static int op_get_device(struct fz *f)
{
	char *name = (char *)f->arg;
	int ret;

	switch (below(f, 5)) {
	case 0:
		/* A page and more with no NUL. */
		memset(name, 'a', 8192);
		break;
	case 1:
		snprintf(name, 256, "%s vf_token=%08x", f->bdf,
			 (__u32)rnd(f));
		break;
	case 2:
		fill_arg(f, 64);
		break;
	default:
		snprintf(name, 256, "%s", f->bdf);
		break;
	}
	ret = ioctl(f->group, VFIO_GROUP_GET_DEVICE_FD, name);
	if (ret >= 0 && f->device < 0) {
		f->device = ret;
		return 0;
	}
	return fd_result(ret);
}

/* With the device closed, the group may leave its container. */
static int op_close_device(struct fz *f)
{
	if (f->device < 0)
		return -1;
	close(f->device);
	f->device = -1;
	return 0;
}

static int op_device_info(struct fz *f)
{
	struct vfio_device_info *i = (void *)f->arg;

	i->argsz = info_argsz(f, sizeof(*i));
	return ioctl(f->device, VFIO_DEVICE_GET_INFO, i);
}

static int op_region_info(struct fz *f)
{
	struct vfio_region_info *r = (void *)f->arg;

	r->argsz = info_argsz(f, sizeof(*r));
	r->index = below(f, 3) ? below(f, VFIO_PCI_NUM_REGIONS + 2) :
				 edge32(f);
	return ioctl(f->device, VFIO_DEVICE_GET_REGION_INFO, r);
}

static int op_irq_info(struct fz *f)
{
	struct vfio_irq_info *i = (void *)f->arg;

	i->argsz = argsz(f, sizeof(*i));
	i->index = below(f, 3) ? below(f, VFIO_PCI_NUM_IRQS + 2) : edge32(f);
	return ioctl(f->device, VFIO_DEVICE_GET_IRQ_INFO, i);
}

static int op_set_irqs(struct fz *f)
{
	static const __u32 data[] = {
		VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL,
		VFIO_IRQ_SET_DATA_EVENTFD,
	};
	static const __u32 action[] = {
		VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK,
		VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	struct vfio_irq_set *s = (void *)f->arg;
	__u32 i, n, each;

	s->index = below(f, 4) ? below(f, VFIO_PCI_NUM_IRQS + 1) : edge32(f);
	s->flags = data[below(f, 3)] | action[below(f, 3)];
	if (!below(f, 6))
		s->flags = (__u32)rnd(f);
	s->start = below(f, 3) ? 0 : edge32(f);
	s->count = below(f, 3) ? below(f, 3) : edge32(f);
	each = s->flags & VFIO_IRQ_SET_DATA_EVENTFD ? 4 :
	       s->flags & VFIO_IRQ_SET_DATA_BOOL ? 1 : 0;
	n = each && s->count < 1024 ? s->count : 16;
	for (i = 0; i < n; i++) {
		__s32 fd = below(f, 3) ? f->efd[below(f, FZ_EVENTFDS)] :
					 some_fd(f);
		__u8 b = (__u8)below(f, 3);

		if (each == 4)
			memcpy(s->data + 4 * i, &fd, 4);
		else
			s->data[i] = b;
	}
	s->argsz = argsz(f, sizeof(*s) + each * n);
	return ioctl(f->device, VFIO_DEVICE_SET_IRQS, s);
}

static int op_reset(struct fz *f)
{
	return ioctl(f->device, VFIO_DEVICE_RESET);
}

static int op_hot_reset_info(struct fz *f)
{
	struct vfio_pci_hot_reset_info *h = (void *)f->arg;

	h->argsz = info_argsz(f, sizeof(*h) + 64);
	return ioctl(f->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, h);
}

static int op_hot_reset(struct fz *f)
{
	struct vfio_pci_hot_reset *h = (void *)f->arg;
	__u32 i, n;

	h->flags = below(f, 3) ? 0 : (__u32)rnd(f);
	h->count = below(f, 3) ? below(f, 3) : edge32(f);
	n = h->count < 64 ? h->count : 64;
	for (i = 0; i < n; i++)
		h->group_fds[i] = below(f, 2) ? f->group : some_fd(f);
	h->argsz = argsz(f, sizeof(*h) + 4 * n);
	return ioctl(f->device, VFIO_DEVICE_PCI_HOT_RESET, h);
}

static int op_feature(struct fz *f)
{
	struct vfio_device_feature *ft = (void *)f->arg;
	__u32 len = below(f, 3) ? below(f, 64) : below(f, 4096);

	fill_arg(f, sizeof(*ft) + len);
	ft->argsz = argsz(f, sizeof(*ft) + len);
	if (ft->argsz > FZ_ARG_BYTES)
		ft->argsz = FZ_ARG_BYTES;
	ft->flags = below(f, 4) ?
		    below(f, 16) | (below(f, 8) << 16) : (__u32)rnd(f);
	/* Entering low power with a real eventfd sometimes. */
	if (ft->flags & VFIO_DEVICE_FEATURE_SET && below(f, 2)) {
		__s32 fd = f->efd[0];

		memcpy(ft->data, &fd, sizeof(fd));
	}
	return fd_result(ioctl(f->device, VFIO_DEVICE_FEATURE, ft));
}

static __u64 cfg_offset(struct fz *f)
{
	if (below(f, 4))
		return f->region[VFIO_PCI_CONFIG_REGION_INDEX].offset +
		       below(f, 4100);
	return edge64(f);
}

/* Does @off fall in a BAR or the ROM, where writes reach the device? */
static bool in_bar(struct fz *f, __u64 off)
{
	int i;

	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_ROM_REGION_INDEX;
	     i++)
		if (off >= f->region[i].offset &&
		    off - f->region[i].offset < f->region[i].size)
			return true;
	return false;
}

static size_t io_len(struct fz *f)
{
	static const size_t lens[] = { 1, 2, 4, 8, 3, 0, 64, 4097 };

	return lens[below(f, ARRAY_SIZE(lens))];
}

static int op_cfg_read(struct fz *f)
{
	return pread(f->device, f->arg, io_len(f), cfg_offset(f)) < 0 ? -1 : 0;
}

static int op_cfg_write(struct fz *f)
{
	__u64 off = cfg_offset(f);
	size_t len = io_len(f);

	fill_arg(f, len);
	if (in_bar(f, off) || in_bar(f, off + len - 1))
		return 0;
	return pwrite(f->device, f->arg, len, off) < 0 ? -1 : 0;
}

static int op_bar_read(struct fz *f)
{
	__u64 off = f->region[below(f, VFIO_PCI_ROM_REGION_INDEX + 1)].offset;

	off += below(f, 2) ? below(f, 0x200) : edge64(f) & 0xffffffffULL;
	return pread(f->device, f->arg, io_len(f), off) < 0 ? -1 : 0;
}

/* Container ioctls on the device, device ioctls on the group, ... */
static int op_wrong_fd(struct fz *f)
{
	static const unsigned long cmds[] = {
		VFIO_IOMMU_MAP_DMA, VFIO_DEVICE_GET_INFO, VFIO_GROUP_GET_STATUS,
		VFIO_DEVICE_SET_IRQS, VFIO_SET_IOMMU, VFIO_DEVICE_FEATURE,
		_IO(VFIO_TYPE, VFIO_BASE + 60),
	};

	memset(f->arg, 0, 4096);
	/* No wrong-fd call makes an fd: nothing to close. */
	return ioctl(some_fd(f), cmds[below(f, ARRAY_SIZE(cmds))], f->arg) < 0 ?
	       -1 : 0;
}

static bool fz_open(struct fz *f)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%d", f->group_id);
	f->container = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	f->spare = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	f->group = open(path, O_RDWR | O_CLOEXEC);
	if (f->container < 0 || f->spare < 0 || f->group < 0)
		return false;
	if (ioctl(f->group, VFIO_GROUP_SET_CONTAINER, &f->container) ||
	    ioctl(f->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return false;
	f->device = ioctl(f->group, VFIO_GROUP_GET_DEVICE_FD, f->bdf);
	return f->device >= 0;
}

static void fz_close(struct fz *f)
{
	int *fds[] = { &f->device, &f->group, &f->spare, &f->container };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Start again from nothing: every close path, then every open path. */
static int op_reopen(struct fz *f)
{
	fz_close(f);
	return fz_open(f) ? 0 : -1;
}

/*
 * Every kind of call, how often it comes (the cheap paths often, resets
 * and reopens rarely) and whether it must get through at least once: a
 * run where MAP_DMA never succeeded fuzzed only the argument checks.
 */
static struct fz_op {
	const char *name;
	int (*fn)(struct fz *f);
	unsigned int weight;
	bool must_pass;
	unsigned long ok, refused;
} fz_ops[] = {
#define FZ_OP(n, f, w, p) { .name = n, .fn = f, .weight = w, .must_pass = p }
	FZ_OP("map-dma", op_map, 12, true),
	FZ_OP("unmap-dma", op_unmap, 10, true),
	FZ_OP("dirty-pages", op_dirty, 3, true),
	FZ_OP("iommu-get-info", op_iommu_info, 3, true),
	FZ_OP("check-extension", op_extension, 2, true),
	FZ_OP("set-iommu", op_set_iommu, 2, true),
	FZ_OP("group-status", op_group_status, 2, true),
	FZ_OP("set-container", op_set_container, 2, true),
	FZ_OP("unset-container", op_unset_container, 2, true),
	FZ_OP("get-device-fd", op_get_device, 3, true),
	FZ_OP("close-device", op_close_device, 1, true),
	FZ_OP("device-info", op_device_info, 3, true),
	FZ_OP("region-info", op_region_info, 4, true),
	FZ_OP("irq-info", op_irq_info, 3, true),
	FZ_OP("set-irqs", op_set_irqs, 10, true),
	/* edu has no function reset and no bus or slot of its own to reset. */
	FZ_OP("reset", op_reset, 1, false),
	FZ_OP("hot-reset-info", op_hot_reset_info, 2, false),
	FZ_OP("hot-reset", op_hot_reset, 1, false),
	FZ_OP("device-feature", op_feature, 6, true),
	FZ_OP("config-read", op_cfg_read, 8, true),
	FZ_OP("config-write", op_cfg_write, 6, true),
	FZ_OP("bar-read", op_bar_read, 3, true),
	FZ_OP("wrong-fd", op_wrong_fd, 3, false),
	FZ_OP("reopen", op_reopen, 1, true),
#undef FZ_OP
};

static struct fz_op *pick(struct fz *f)
{
	unsigned int total = 0, r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fz_ops); i++)
		total += fz_ops[i].weight;
	r = below(f, total);
	for (i = 0; r >= fz_ops[i].weight; i++)
		r -= fz_ops[i].weight;
	return &fz_ops[i];
}

static void *map_anon(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static bool setup(struct fz *f)
{
	int i;

	f->buf = map_anon(FZ_BUF_PAGES * VU_PAGE, PROT_READ | PROT_WRITE);
	f->ro = map_anon(VU_PAGE, PROT_READ);
	f->hole = map_anon(3 * VU_PAGE, PROT_READ | PROT_WRITE);
	f->arg = map_anon(FZ_ARG_BYTES, PROT_READ | PROT_WRITE);
	if (!f->buf || !f->ro || !f->hole || !f->arg)
		return false;
	memset(f->buf, 0x5a, FZ_BUF_PAGES * VU_PAGE);
	munmap(f->hole + VU_PAGE, VU_PAGE);
	for (i = 0; i < FZ_EVENTFDS; i++) {
		f->efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (f->efd[i] < 0)
			return false;
	}
	return true;
}

/* Where each region is: config writes must stay out of the BARs. */
static bool find_regions(struct fz *f)
{
	int i;

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++)
		if (vu_region_info(f->device, i, &f->region[i]) &&
		    errno != EINVAL)
			return false;
	return true;
}

/* After everything: the device opens, maps and unmaps as it did before. */
static void still_works(struct fz *f)
{
	struct vdev d;
	bool ok;

	ok = vu_open(&d, f->bdf, true);
	check(ok, "fuzz-reopen", "%s", d.why);
	if (ok)
		check(vu_map(d.container, f->buf, 0x100000, 4 * VU_PAGE) == 0 &&
		      vu_unmap(d.container, 0x100000, 4 * VU_PAGE, NULL) == 0,
		      "fuzz-map-after", "MAP/UNMAP_DMA after the run: %s",
		      strerror(errno));
	vu_close(&d);
}

int main(int argc, char **argv)
{
	unsigned long iters = FZ_DEFAULT_ITERS, n;
	struct fz f = { .container = -1, .group = -1, .device = -1,
			.spare = -1 };
	long long pinned0, pinned1, vmlck;
	long ref0, ref1;
	int fds0, fds1, i, lacking = 0;
	__u64 seed = FZ_DEFAULT_SEED;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: t_fuzz BDF [SEED [ITERATIONS]]\n");
		return 2;
	}
	f.bdf = argv[1];
	if (argc > 2)
		seed = strtoull(argv[2], NULL, 0);
	if (argc > 3)
		iters = strtoul(argv[3], NULL, 0);
	f.state = seed ? seed : FZ_DEFAULT_SEED;
	f.group_id = vu_group_of(f.bdf);
	printf("fuzz: seed %#llx, %lu iterations on %s (replay: t_fuzz %s %#llx %lu)\n",
	       (unsigned long long)seed, iters, f.bdf, f.bdf,
	       (unsigned long long)seed, iters);

	pinned0 = vu_pinned_pages();
	ref0 = vu_module_refcnt("vfio_pci");
	fds0 = vu_count_fds();
	if (!check(setup(&f) && fz_open(&f) && find_regions(&f), "fuzz-setup",
		   "buffers, eventfds or the first open: %s", strerror(errno)))
		return check_exit();

	for (n = 0; n < iters; n++) {
		struct fz_op *op = pick(&f);

		if (op->fn(&f))
			op->refused++;
		else
			op->ok++;
	}

	for (i = 0; i < (int)ARRAY_SIZE(fz_ops); i++) {
		printf("fuzz: %-16s %6lu ok %6lu refused\n", fz_ops[i].name,
		       fz_ops[i].ok, fz_ops[i].refused);
		lacking += fz_ops[i].must_pass && !fz_ops[i].ok;
	}
	check(!lacking, "fuzz-coverage",
	      "%d kinds of call never got through: the input is too wild",
	      lacking);

	fz_close(&f);
	for (i = 0; i < FZ_EVENTFDS; i++)
		close(f.efd[i]);
	vmlck = vu_vmlck_kb(getpid());
	check(vmlck == 0, "fuzz-no-locked-vm",
	      "VmLck %lld kB with every fd closed", vmlck);
	pinned1 = vu_pinned_pages();
	check(pinned0 < 0 || pinned1 == pinned0, "fuzz-no-pinned-pages",
	      "%lld pages pinned after the run, %lld before", pinned1,
	      pinned0);
	fds1 = vu_count_fds();
	check(fds1 == fds0, "fuzz-no-fds", "%d fds open after, %d before",
	      fds1, fds0);
	ref1 = vu_module_refcnt("vfio_pci");
	check(ref1 == ref0, "fuzz-no-module-refs",
	      "vfio_pci has %ld references after, %ld before", ref1, ref0);
	still_works(&f);
	return check_exit();
}
