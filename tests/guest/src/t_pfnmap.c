// SPDX-License-Identifier: GPL-2.0
/*
 * MAP_DMA of VM_PFNMAP memory: a device BAR mmapped from a vfio-pci
 * device fd, mapped for peer-to-peer DMA, as upstream allows:
 *  - it maps whether or not user space touched the BAR mapping before
 *    (Type1 faults it in), and UNMAP_DMA gives back its size;
 *  - it is neither pinned nor counted in locked_vm, before or after the
 *    unmap (an anonymous mapping, the control, is both);
 *  - one MAP_DMA may cover normal memory and a BAR mapping together;
 *  - a read-only BAR mapping maps for device reads only (EFAULT for
 *    writes), and a BAR whose memory decode is off cannot be mapped;
 *  - with a second device: edu reads the NVMe controller's registers by
 *    DMA through the IOMMU and sees what the CPU sees.
 *
 *   t_pfnmap EDU_BDF [NVME_BDF]        (bound to vfio-pci)
 */
#include "vfio_util.h"

#define IOVA_BAR	0x1000000UL
#define IOVA_ANON	0x2000000UL
#define IOVA_MIXED	0x3000000UL
#define IOVA_P2P	0x4000000UL
#define IOVA_DST	0x5000000UL
#define ANON_NPAGE	64
#define MIX_HEAD	4	/* anon pages, then BAR pages, then anon */
#define MIX_BAR		16
#define MIX_TAIL	4
#define MIX_NPAGE	(MIX_HEAD + MIX_BAR + MIX_TAIL)
#define NVME_CAP	0x00
#define NVME_VS		0x08
#define P2P_LEN		16

struct counters {
	long long lck;
	long long pin;
};

static struct counters counters(void)
{
	struct counters c = { vu_vmlck_kb(getpid()), vu_pinned_pages() };

	return c;
}

/* Did VmLck grow by @kb and the pins by @pages from @c0 to @c1? */
static bool grew(struct counters c0, struct counters c1, long long kb,
		 long long pages)
{
	return c0.lck >= 0 && c0.pin >= 0 && c1.lck - c0.lck == kb &&
		c1.pin - c0.pin == pages;
}

static int map_prot(int container, void *vaddr, __u64 iova, __u64 size,
		    __u32 flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (__u64)(uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map);
}

/* A fresh mapping of BAR @index of @d, @prot, from @off, @len bytes. */
static void *map_bar(struct vdev *d, int index, int prot, __u64 off,
		     size_t len, void *at)
{
	struct vfio_region_info info;
	void *p;

	if (vu_region_info(d->device, index, &info))
		return NULL;
	p = mmap(at, len, prot, MAP_SHARED | (at ? MAP_FIXED : 0), d->device,
		 info.offset + off);
	return p == MAP_FAILED ? NULL : p;
}

static bool memory_decode(struct vdev *d, bool on)
{
	__u16 cmd = vu_cfg_read16(d, PCI_COMMAND);

	cmd = on ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
	return vu_cfg_write16(d, PCI_COMMAND, cmd);
}

/* The edu BAR, mapped untouched and touched; neither pinned nor counted. */
static void bar_maps(struct vdev *d)
{
	struct counters c0, c1, c2;
	__u64 done = 0;
	void *bar;
	int ret;

	bar = map_bar(d, VFIO_PCI_BAR0_REGION_INDEX, PROT_READ | PROT_WRITE,
		      0, EDU_BAR0_SIZE, NULL);
	if (!check(bar, "pfnmap-mmap", "mmap of BAR0: %s", strerror(errno)))
		return;

	/* Nothing has touched the mapping yet: no pte is there to follow. */
	c0 = counters();
	ret = vu_map(d->container, bar, IOVA_BAR, EDU_BAR0_SIZE);
	c1 = counters();
	check(ret == 0, "pfnmap-map-untouched",
	      "MAP_DMA of an untouched mmap of BAR0: %s", strerror(errno));
	check(grew(c0, c1, 0, 0), "pfnmap-not-counted",
	      "VmLck %lld -> %lld kB, pinned pages %lld -> %lld: want both unchanged",
	      c0.lck, c1.lck, c0.pin, c1.pin);
	check(edu_rd(bar, EDU_ID) == EDU_ID_VALUE, "pfnmap-bar-reads",
	      "edu ID through the mapping reads %#x, want %#x",
	      edu_rd(bar, EDU_ID), EDU_ID_VALUE);
	if (ret == 0) {
		ret = vu_unmap(d->container, IOVA_BAR, EDU_BAR0_SIZE, &done);
		c2 = counters();
		check(ret == 0 && done == EDU_BAR0_SIZE, "pfnmap-unmap",
		      "UNMAP_DMA: %s, %llu bytes (want %lu)",
		      ret ? strerror(errno) : "ok", (unsigned long long)done,
		      EDU_BAR0_SIZE);
		check(grew(c0, c2, 0, 0), "pfnmap-unmap-unpins-nothing",
		      "VmLck %lld -> %lld kB, pinned pages %lld -> %lld after the unmap: want both unchanged",
		      c0.lck, c2.lck, c0.pin, c2.pin);
	}

	/* Touched now: the ptes are there. */
	ret = vu_map(d->container, bar, IOVA_BAR, EDU_BAR0_SIZE);
	done = 0;
	if (ret == 0)
		ret = vu_unmap(d->container, IOVA_BAR, EDU_BAR0_SIZE, &done);
	check(ret == 0 && done == EDU_BAR0_SIZE, "pfnmap-map-touched",
	      "MAP_DMA and UNMAP_DMA of a touched mmap of BAR0: %s, %llu bytes",
	      ret ? strerror(errno) : "ok", (unsigned long long)done);
	munmap(bar, EDU_BAR0_SIZE);

	/* With memory decode off the BAR cannot be faulted in. */
	bar = map_bar(d, VFIO_PCI_BAR0_REGION_INDEX, PROT_READ | PROT_WRITE,
		      0, EDU_BAR0_SIZE, NULL);
	if (bar && memory_decode(d, false)) {
		ret = vu_map(d->container, bar, IOVA_BAR, EDU_BAR0_SIZE);
		if (ret == 0)
			vu_unmap(d->container, IOVA_BAR, EDU_BAR0_SIZE, NULL);
		check(ret == -1 && errno == EFAULT, "pfnmap-memory-off",
		      "MAP_DMA of BAR0 with memory decode off: %s (want EFAULT)",
		      ret ? strerror(errno) : "succeeded");
	} else {
		check(false, "pfnmap-memory-off", "mmap or command write: %s",
		      strerror(errno));
	}
	memory_decode(d, true);
	if (bar)
		munmap(bar, EDU_BAR0_SIZE);
}

/* The counters do move for normal memory: the control. */
static void anon_control(struct vdev *d)
{
	struct counters c0, c1, c2;
	void *buf = vu_alloc(ANON_NPAGE * VU_PAGE);
	int ret;

	if (!check(buf, "pfnmap-control-alloc", "mmap: %s", strerror(errno)))
		return;
	c0 = counters();
	ret = vu_map(d->container, buf, IOVA_ANON, ANON_NPAGE * VU_PAGE);
	c1 = counters();
	if (ret == 0)
		vu_unmap(d->container, IOVA_ANON, ANON_NPAGE * VU_PAGE, NULL);
	c2 = counters();
	check(ret == 0 && grew(c0, c1, ANON_NPAGE * 4, ANON_NPAGE) &&
	      grew(c0, c2, 0, 0), "pfnmap-control-counted",
	      "MAP_DMA of %d anonymous pages: %s; VmLck %lld -> %lld -> %lld kB, pinned pages %lld -> %lld -> %lld",
	      ANON_NPAGE, ret ? strerror(errno) : "ok", c0.lck, c1.lck,
	      c2.lck, c0.pin, c1.pin, c2.pin);
	munmap(buf, ANON_NPAGE * VU_PAGE);
}

/* Anonymous pages, BAR pages and anonymous pages in one MAP_DMA. */
static void mixed_map(struct vdev *d)
{
	struct counters c0, c1, c2;
	char *area, *bar;
	__u64 done = 0;
	int ret;

	area = vu_alloc(MIX_NPAGE * VU_PAGE);
	bar = area ? map_bar(d, VFIO_PCI_BAR0_REGION_INDEX,
			     PROT_READ | PROT_WRITE, 0, MIX_BAR * VU_PAGE,
			     area + MIX_HEAD * VU_PAGE) : NULL;
	if (!check(area && bar == area + MIX_HEAD * VU_PAGE,
		   "pfnmap-mixed-setup", "mmap: %s", strerror(errno)))
		goto out;
	c0 = counters();
	ret = vu_map(d->container, area, IOVA_MIXED, MIX_NPAGE * VU_PAGE);
	c1 = counters();
	check(ret == 0 && grew(c0, c1, (MIX_HEAD + MIX_TAIL) * 4,
			       MIX_HEAD + MIX_TAIL), "pfnmap-mixed-map",
	      "MAP_DMA of %d anonymous, %d BAR and %d anonymous pages: %s; VmLck %lld -> %lld kB, pinned pages %lld -> %lld (want +%d kB, +%d)",
	      MIX_HEAD, MIX_BAR, MIX_TAIL, ret ? strerror(errno) : "ok",
	      c0.lck, c1.lck, c0.pin, c1.pin, (MIX_HEAD + MIX_TAIL) * 4,
	      MIX_HEAD + MIX_TAIL);
	if (ret)
		goto out;
	ret = vu_unmap(d->container, IOVA_MIXED, MIX_NPAGE * VU_PAGE, &done);
	c2 = counters();
	check(ret == 0 && done == MIX_NPAGE * VU_PAGE && grew(c0, c2, 0, 0),
	      "pfnmap-mixed-unmap",
	      "UNMAP_DMA: %s, %llu bytes (want %lu); VmLck %lld -> %lld kB, pinned pages %lld -> %lld",
	      ret ? strerror(errno) : "ok", (unsigned long long)done,
	      MIX_NPAGE * VU_PAGE, c0.lck, c2.lck, c0.pin, c2.pin);
out:
	if (area)
		munmap(area, MIX_NPAGE * VU_PAGE);
}

/* A read-only BAR mapping: for device reads only. */
static void read_only(struct vdev *d)
{
	const __u32 rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	__u32 *ro;
	int ret, err;

	ro = map_bar(d, VFIO_PCI_BAR0_REGION_INDEX, PROT_READ, 0,
		     EDU_BAR0_SIZE, NULL);
	if (!check(ro, "pfnmap-ro-mmap", "read-only mmap of BAR0: %s",
		   strerror(errno)))
		return;
	ret = map_prot(d->container, ro, IOVA_BAR, EDU_BAR0_SIZE, rw);
	err = errno;
	if (ret == 0)
		vu_unmap(d->container, IOVA_BAR, EDU_BAR0_SIZE, NULL);
	check(ret == -1 && err == EFAULT, "pfnmap-ro-untouched-write",
	      "MAP_DMA(READ | WRITE) of an untouched read-only mmap: %s (want EFAULT)",
	      ret ? strerror(err) : "succeeded");

	ret = map_prot(d->container, ro, IOVA_BAR, EDU_BAR0_SIZE,
		       VFIO_DMA_MAP_FLAG_READ);
	err = errno;
	check(ret == 0, "pfnmap-ro-read", "MAP_DMA(READ) of a read-only mmap: %s",
	      strerror(err));
	if (ret == 0)
		vu_unmap(d->container, IOVA_BAR, EDU_BAR0_SIZE, NULL);

	/* Now its ptes are there, read-only. */
	(void)__atomic_load_n(ro, __ATOMIC_ACQUIRE);
	ret = map_prot(d->container, ro, IOVA_BAR, EDU_BAR0_SIZE, rw);
	err = errno;
	if (ret == 0)
		vu_unmap(d->container, IOVA_BAR, EDU_BAR0_SIZE, NULL);
	if (ret == 0 && !vu_bundle() && !vu_kernel_at_least(5, 12))
		not_applicable("pfnmap-ro-touched-write",
			       "the in-tree type1 of %s looks up the pfn with follow_pfn(), which does not check the pte's write bit (upstream checks it since 5.12, 'vfio/type1: Use follow_pte()')",
			       vu_release());
	else
		check(ret == -1 && err == EFAULT, "pfnmap-ro-touched-write",
		      "MAP_DMA(READ | WRITE) of a touched read-only mmap: %s (want EFAULT)",
		      ret ? strerror(err) : "succeeded");
	munmap(ro, EDU_BAR0_SIZE);
}

/* edu reads NVMe's registers through the IOMMU: peer-to-peer DMA. */
static void peer_dma(struct vdev *d, const char *nvme_bdf)
{
	__u32 *nbar = NULL, want[3] = { 0 }, got[4] = { 0 };
	unsigned char *dst = NULL;
	bool mapped = false, dst_mapped = false, ok;
	void *bar = NULL;
	struct vdev n;
	int ret;

	vu_init(&n, nvme_bdf);
	if (!check(vu_open(&n, nvme_bdf, true), "pfnmap-p2p-open",
		   "NVMe %s in a container of its own: %s", nvme_bdf, n.why))
		goto out;
	memory_decode(&n, true);
	nbar = map_bar(&n, VFIO_PCI_BAR0_REGION_INDEX, PROT_READ | PROT_WRITE,
		       0, VU_PAGE, NULL);
	bar = edu_map_bar0(d);
	dst = vu_alloc(VU_PAGE);
	if (!check(nbar && bar && dst && vu_bus_master(d, true),
		   "pfnmap-p2p-setup", "BAR mmaps, buffer or bus master: %s",
		   strerror(errno)))
		goto out;
	memset(dst, 0xee, VU_PAGE);
	ret = vu_map(d->container, nbar, IOVA_P2P, VU_PAGE);
	mapped = ret == 0;
	ret = ret ? ret : vu_map(d->container, dst, IOVA_DST, VU_PAGE);
	dst_mapped = mapped && ret == 0;
	if (!check(ret == 0, "pfnmap-p2p-map",
		   "MAP_DMA of the NVMe BAR into edu's container: %s",
		   strerror(errno)))
		goto out;

	want[0] = __atomic_load_n(&nbar[NVME_CAP / 4], __ATOMIC_ACQUIRE);
	want[1] = __atomic_load_n(&nbar[NVME_CAP / 4 + 1], __ATOMIC_ACQUIRE);
	want[2] = __atomic_load_n(&nbar[NVME_VS / 4], __ATOMIC_ACQUIRE);
	ok = edu_dma(bar, IOVA_P2P, 0, P2P_LEN, false) &&
	     edu_dma(bar, IOVA_DST, 0, P2P_LEN, true);
	memcpy(got, dst, sizeof(got));
	check(ok && !memcmp(got, want, sizeof(want)) && want[2],
	      "pfnmap-p2p-dma",
	      "edu DMA %s; CAP and VS by DMA %#x %#x %#x, by the CPU %#x %#x %#x",
	      ok ? "done" : "timed out", got[0], got[1], got[2], want[0],
	      want[1], want[2]);
out:
	if (mapped)
		vu_unmap(d->container, IOVA_P2P, VU_PAGE, NULL);
	if (dst_mapped)
		vu_unmap(d->container, IOVA_DST, VU_PAGE, NULL);
	if (bar) {
		vu_bus_master(d, false);
		munmap(bar, EDU_BAR0_SIZE);
	}
	if (nbar)
		munmap(nbar, VU_PAGE);
	if (dst)
		munmap(dst, VU_PAGE);
	vu_close(&n);
}

int main(int argc, char **argv)
{
	struct vdev d;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: t_pfnmap EDU_BDF [NVME_BDF]\n");
		return 2;
	}
	if (check(vu_open(&d, argv[1], true), "pfnmap-open", "%s", d.why)) {
		bar_maps(&d);
		anon_control(&d);
		mixed_map(&d);
		read_only(&d);
		if (argc == 3)
			peer_dma(&d, argv[2]);
	}
	vu_close(&d);
	return check_exit();
}
