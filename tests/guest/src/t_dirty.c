// SPDX-License-Identifier: GPL-2.0
/*
 * Type1 dirty page tracking, as upstream has it since 5.8:
 *  - GET_INFO's MIGRATION capability: bitmaps of 4 KiB pages, at most
 *    256 MiB of bitmap per report;
 *  - VFIO_IOMMU_DIRTY_PAGES START / STOP / GET_BITMAP, one at a time, on
 *    Type1 v2 only. With no hardware dirty bits, every page of a mapping
 *    that a vfio-pci device can reach reads dirty, at every report; bits
 *    of mappings that do not start on a 64-page boundary of the user
 *    bitmap are shifted into place, and a report never writes outside
 *    the words of the mappings it covers;
 *  - UNMAP_DMA with GET_DIRTY_BITMAP reports the unmapped range first;
 *  - the errno of every bad input, in upstream's order of checks;
 *  - no leak: bitmaps come and go with START/STOP, MAP/UNMAP and close,
 *    and tracking neither pins nor counts anything.
 *
 *   t_dirty BDF        (edu, bound to vfio-pci)
 */
#include <sys/wait.h>

#include "vfio_util.h"

#define IOVA_A		0x100000UL	/* 3 pages */
#define NPAGE_A		3
#define IOVA_B		(IOVA_A + NPAGE_A * VU_PAGE)	/* 130 pages */
#define NPAGE_B		130
#define NPAGE_AB	(NPAGE_A + NPAGE_B)
#define IOVA_C		0x400000UL	/* 2 pages */
#define NPAGE_C		2
#define IOVA_D		0x600000UL	/* 4 pages, mapped while tracking */
#define NPAGE_D		4
#define IOVA_GAP	0x200000UL	/* nothing mapped */
#define MAX_BITMAP	(256UL << 20)	/* upstream: INT_MAX pages */
#define GUARD		0x5a5a5a5a5a5a5a5aULL
#define KERNEL_PTR	0xffff888000000000ULL

#define BIG_SIZE	(256UL << 20)	/* a bitmap of 8 KiB and a word */
#define BIG_IOVA	0x10000000UL
#define CYCLES		1024
#define LEAK_SLACK_KB	(4 * 1024)	/* a leak would be 16 MiB */
#define SMALL_CYCLES	64
#define CLOSE_CYCLES	16
#define SMALL_NPAGE	16

/*
 * Upstream shifts the range size by __ffs(pgsize) before it checks pgsize;
 * __ffs(0) is undefined, and 7.2's UBSAN reports the shift.
 */
#define PGSIZE_0_WHY	"not tried on the in-tree type1 of %s: upstream computes size >> __ffs(pgsize) before checking pgsize, and __ffs(0) is undefined (UBSAN reports a shift out of bounds)"

/* DIRTY_PAGES with the GET_BITMAP range right behind its header. */
struct dirty_arg {
	struct vfio_iommu_type1_dirty_bitmap hdr;
	struct vfio_iommu_type1_dirty_bitmap_get range;
};

/* UNMAP_DMA with its bitmap right behind. */
struct unmap_arg {
	struct vfio_iommu_type1_dma_unmap unmap;
	struct vfio_bitmap bitmap;
};

static int dirty_flags(int container, __u32 flags)
{
	struct vfio_iommu_type1_dirty_bitmap hdr = {
		.argsz = sizeof(hdr),
		.flags = flags,
	};

	return ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &hdr);
}

static int dirty_get(int container, __u64 iova, __u64 size, __u64 pgsize,
		     void *data, __u64 bsize)
{
	struct dirty_arg a = {
		.hdr.argsz = sizeof(a),
		.hdr.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
		.range = {
			.iova = iova,
			.size = size,
			.bitmap = {
				.pgsize = pgsize,
				.size = bsize,
				.data = data,
			},
		},
	};

	return ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &a);
}

static int unmap_bitmap(int container, __u32 flags, __u32 argsz, __u64 iova,
			__u64 size, __u64 pgsize, void *data, __u64 bsize,
			__u64 *unmapped)
{
	struct unmap_arg a = {
		.unmap = {
			.argsz = argsz,
			.flags = flags,
			.iova = iova,
			.size = size,
		},
		.bitmap = {
			.pgsize = pgsize,
			.size = bsize,
			.data = data,
		},
	};
	int ret = ioctl(container, VFIO_IOMMU_UNMAP_DMA, &a);

	if (unmapped)
		*unmapped = a.unmap.size;
	return ret;
}

/* Bytes of bitmap for @npage pages, in whole u64 words as upstream. */
static size_t bitmap_bytes(unsigned long npage)
{
	return (npage + 63) / 64 * 8;
}

/* Are exactly the bits [first, first + n) set in the @words words? */
static bool bits_are(const __u64 *map, size_t words, unsigned long first,
		     unsigned long n, char *why, size_t len)
{
	unsigned long bit;

	for (bit = 0; bit < words * 64; bit++) {
		bool set = map[bit / 64] >> (bit % 64) & 1;
		bool want = bit >= first && bit < first + n;

		if (set != want) {
			snprintf(why, len,
				 "bit %lu is %d, want bits %lu..%lu set and no other (word %lu is %#llx)",
				 bit, set, first, first + n - 1, bit / 64,
				 (unsigned long long)map[bit / 64]);
			return false;
		}
	}
	return true;
}

/* The bits of one mapping in a user bitmap. */
struct span {
	unsigned long first;
	unsigned long n;
};

static const struct span *span_of(const struct span *s, int ns,
				  unsigned long bit)
{
	int i;

	for (i = 0; i < ns; i++)
		if (bit >= s[i].first && bit < s[i].first + s[i].n)
			return &s[i];
	return NULL;
}

/*
 * Which of two known upstream bugs explains how @map differs from the
 * spans, or NULL if neither does:
 *  - a report shifts a mapping's bitmap in place (update_user_bitmap())
 *    and clears only the mapping's own bits afterwards, so later reports
 *    set bits past the end of a mapping, in the word of its last bit;
 *  - 5.10 unmaps mappings in rb-tree order, not by IOVA, and a report
 *    writes whole words: a lower mapping sharing the first word of a
 *    higher one reported before it overwrites that one's bits there.
 */
static const char *upstream_quirk(const __u64 *map, size_t words,
				  const struct span *s, int ns)
{
	bool residue = false, order = false;
	unsigned long bit;
	int i;

	for (bit = 0; bit < words * 64; bit++) {
		bool set = map[bit / 64] >> (bit % 64) & 1;
		const struct span *in = span_of(s, ns, bit);
		bool ok = false;

		if (set == !!in)
			continue;
		for (i = 0; set && i < ns; i++) {
			unsigned long last = s[i].first + s[i].n - 1;

			if (bit > last && bit / 64 == last / 64)
				ok = residue = true;
		}
		if (!set && !vu_kernel_at_least(5, 12) && in->first % 64 &&
		    bit / 64 == in->first / 64)
			ok = order = true;
		if (!ok)
			return NULL;
	}
	if (order)
		return "its type1 unmaps mappings in rb-tree order, not by IOVA, and writes a mapping's bits in whole words, so a lower mapping sharing a word with a higher one reported first overwrites that one's bits (upstream unmaps in IOVA order since 5.12)";
	if (residue)
		return "upstream shifts a mapping's bitmap in place to report it and clears only the mapping's own bits afterwards (update_user_bitmap()), so from the second report on up to 63 pages past the end of a mapping that does not start on a 64-page boundary read dirty";
	return NULL;
}

/*
 * Exactly the spans' bits must be set in the @words words; an in-tree
 * module may differ by a known upstream bug, reported as N/A.
 */
static void check_spans(const char *name, const __u64 *map, size_t words,
			const struct span *s, int ns, const char *what)
{
	const char *quirk = NULL;
	char why[256] = "";
	unsigned long bit;
	int i;

	for (bit = 0; bit < words * 64; bit++) {
		bool set = map[bit / 64] >> (bit % 64) & 1;

		if (set != !!span_of(s, ns, bit)) {
			snprintf(why, sizeof(why),
				 "bit %lu is %d (word %lu is %#llx), want only",
				 bit, set, bit / 64,
				 (unsigned long long)map[bit / 64]);
			for (i = 0; i < ns; i++)
				snprintf(why + strlen(why),
					 sizeof(why) - strlen(why),
					 " %lu..%lu", s[i].first,
					 s[i].first + s[i].n - 1);
			break;
		}
	}
	if (*why && !vu_bundle())
		quirk = upstream_quirk(map, words, s, ns);
	if (quirk)
		not_applicable(name, "%s: %s; the in-tree type1 of %s has an upstream bug: %s",
			       what, why, vu_release(), quirk);
	else
		check(!*why, name, "%s: %s", what, why);
}

/* An address of user space that is not mapped. */
static void *unmapped_addr(void)
{
	void *p = mmap(NULL, VU_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, VU_PAGE);
	return p;
}

/*
 * Where an older in-tree vfio answers @old instead of upstream's @want:
 * N/A with the reason there, but the bundle must give upstream's errno.
 */
static void expect_errno(int ret, int want, int old, const char *name,
			 const char *what, const char *why)
{
	int err = errno;

	if (old && ret == -1 && err == old && !vu_bundle()) {
		not_applicable(name, "%s: the in-tree type1 of %s returns %s: %s",
			       what, vu_release(), strerror(old), why);
		return;
	}
	check(ret == -1 && err == want, name, "%s returned %d (%s), want -1 (%s)",
	      what, ret, ret == -1 ? strerror(err) : "no error",
	      strerror(want));
}

/* GET_INFO's MIGRATION capability. */
static void cap_checks(int container)
{
	struct vfio_iommu_type1_info_cap_migration cap;
	struct vfio_iommu_type1_info *info = NULL, small = {
		.argsz = sizeof(small),
	};
	struct vfio_info_cap_header *hdr = NULL;

	if (!check(ioctl(container, VFIO_IOMMU_GET_INFO, &small) == 0 &&
		   (small.flags & VFIO_IOMMU_INFO_CAPS) &&
		   small.argsz > sizeof(small), "dirty-cap-info",
		   "GET_INFO: %s, flags %#x, argsz %u", strerror(errno),
		   small.flags, small.argsz))
		return;
	info = calloc(1, small.argsz);
	if (!info)
		return;
	info->argsz = small.argsz;
	if (!check(ioctl(container, VFIO_IOMMU_GET_INFO, info) == 0,
		   "dirty-cap-info-full", "GET_INFO(argsz %u): %s",
		   small.argsz, strerror(errno)))
		goto out;
	hdr = vu_cap_chain(info, info->argsz, info->cap_offset,
			   VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	/* The whole capability must lie inside what GET_INFO returned. */
	if (hdr && (char *)hdr - (char *)info + sizeof(cap) > info->argsz)
		hdr = NULL;
	if (!check(hdr, "dirty-cap-migration",
		   "no MIGRATION capability (id %d) in the chain",
		   VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION))
		goto out;
	memcpy(&cap, hdr, sizeof(cap));
	check(cap.header.version == 1 && cap.flags == 0,
	      "dirty-cap-version", "version %u, flags %#x: want 1 and 0",
	      cap.header.version, cap.flags);
	check(cap.pgsize_bitmap == VU_PAGE &&
	      (small.iova_pgsizes & -small.iova_pgsizes) == VU_PAGE,
	      "dirty-cap-pgsize",
	      "pgsize_bitmap %#llx, iova_pgsizes %#llx: want only the smallest IOMMU page size, 4 KiB",
	      (unsigned long long)cap.pgsize_bitmap,
	      (unsigned long long)small.iova_pgsizes);
	check(cap.max_dirty_bitmap_size == MAX_BITMAP, "dirty-cap-max-size",
	      "max_dirty_bitmap_size %llu, want %lu (INT_MAX pages)",
	      (unsigned long long)cap.max_dirty_bitmap_size, MAX_BITMAP);
out:
	free(info);
}

static void flag_checks(int container)
{
	struct vfio_iommu_type1_dirty_bitmap hdr = {
		.argsz = 4,
		.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_START,
	};
	int ret;

	ret = dirty_flags(container, 0);
	expect_errno(ret, EINVAL, 0, "dirty-no-flag", "DIRTY_PAGES(flags 0)",
		     "");
	ret = dirty_flags(container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START |
			  VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
	expect_errno(ret, EINVAL, 0, "dirty-two-flags",
		     "DIRTY_PAGES(START | STOP)", "");
	ret = dirty_flags(container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |
			  VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP);
	expect_errno(ret, EINVAL, 0, "dirty-two-flags-get",
		     "DIRTY_PAGES(STOP | GET_BITMAP)", "");
	ret = dirty_flags(container, 1 << 3);
	expect_errno(ret, EINVAL, 0, "dirty-unknown-flag",
		     "DIRTY_PAGES(flags 1 << 3)", "");
	ret = ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &hdr);
	expect_errno(ret, EINVAL, 0, "dirty-short-argsz",
		     "DIRTY_PAGES(START) with argsz 4", "");
	ret = ioctl(container, VFIO_IOMMU_DIRTY_PAGES, (void *)8);
	expect_errno(ret, EFAULT, 0, "dirty-bad-pointer",
		     "DIRTY_PAGES at address 8", "");
}

/* GET_BITMAP's bad inputs, with tracking on and A, B, C mapped. */
static void get_bad_input(int container)
{
	__u64 map[4] = { 0 };
	unsigned char *page2;
	struct dirty_arg *a;
	void *hole = unmapped_addr();
	int ret;

	ret = dirty_get(container, IOVA_A, NPAGE_AB * VU_PAGE, 2 * VU_PAGE,
			map, sizeof(map));
	expect_errno(ret, EINVAL, 0, "dirty-get-bad-pgsize",
		     "GET_BITMAP with pgsize 8 KiB", "");
	if (vu_bundle()) {
		ret = dirty_get(container, IOVA_A, NPAGE_AB * VU_PAGE, 0, map,
				sizeof(map));
		expect_errno(ret, EINVAL, 0, "dirty-get-pgsize-0",
			     "GET_BITMAP with pgsize 0", "");
	} else {
		not_applicable("dirty-get-pgsize-0", PGSIZE_0_WHY, vu_release());
	}
	ret = dirty_get(container, IOVA_A + 512, NPAGE_A * VU_PAGE, VU_PAGE,
			map, sizeof(map));
	expect_errno(ret, EINVAL, 0, "dirty-get-iova-unaligned",
		     "GET_BITMAP at IOVA_A + 512", "");
	ret = dirty_get(container, IOVA_A, NPAGE_A * VU_PAGE + 512, VU_PAGE,
			map, sizeof(map));
	expect_errno(ret, EINVAL, 0, "dirty-get-size-unaligned",
		     "GET_BITMAP of 3 pages + 512 bytes", "");
	ret = dirty_get(container, IOVA_A, 0, VU_PAGE, map, sizeof(map));
	expect_errno(ret, EINVAL, 0, "dirty-get-size-0",
		     "GET_BITMAP of 0 bytes", "");
	ret = dirty_get(container, ~0ULL & ~(VU_PAGE - 1), 2 * VU_PAGE,
			VU_PAGE, map, sizeof(map));
	expect_errno(ret, EOVERFLOW, EINVAL, "dirty-get-wraps",
		     "GET_BITMAP of 2 pages at the last IOVA page",
		     "upstream returns EOVERFLOW since 'vfio/type1: sanitize for overflow using check_*_overflow()' (6.18)");
	ret = dirty_get(container, IOVA_B + VU_PAGE, 2 * VU_PAGE, VU_PAGE,
			map, sizeof(map));
	expect_errno(ret, EINVAL, 0, "dirty-get-starts-inside",
		     "GET_BITMAP from inside mapping B", "");
	ret = dirty_get(container, IOVA_A, (NPAGE_A + 2) * VU_PAGE, VU_PAGE,
			map, sizeof(map));
	expect_errno(ret, EINVAL, 0, "dirty-get-ends-inside",
		     "GET_BITMAP ending inside mapping B", "");
	ret = dirty_get(container, IOVA_A, NPAGE_AB * VU_PAGE, VU_PAGE, map,
			bitmap_bytes(NPAGE_AB) - 8);
	expect_errno(ret, EINVAL, 0, "dirty-get-bitmap-small",
		     "GET_BITMAP of 133 pages into 16 bytes", "");
	ret = dirty_get(container, IOVA_A, NPAGE_AB * VU_PAGE, VU_PAGE, map,
			0);
	expect_errno(ret, EINVAL, 0, "dirty-get-bitmap-size-0",
		     "GET_BITMAP into a bitmap of 0 bytes", "");
	ret = dirty_get(container, IOVA_A, NPAGE_AB * VU_PAGE, VU_PAGE, map,
			MAX_BITMAP + 8);
	expect_errno(ret, EINVAL, 0, "dirty-get-bitmap-too-big",
		     "GET_BITMAP into a bitmap of 256 MiB + 8", "");
	ret = dirty_get(container, IOVA_A, NPAGE_AB * VU_PAGE, VU_PAGE,
			(void *)(uintptr_t)KERNEL_PTR, sizeof(map));
	expect_errno(ret, EINVAL, 0, "dirty-get-bitmap-kernel",
		     "GET_BITMAP into a kernel address", "");
	ret = hole ? dirty_get(container, IOVA_A, NPAGE_AB * VU_PAGE, VU_PAGE,
			       hole, sizeof(map)) : 0;
	expect_errno(ret, EFAULT, 0, "dirty-get-bitmap-unmapped",
		     "GET_BITMAP into an unmapped user address", "");

	/* The range must fit in argsz, and be readable. */
	{
		struct dirty_arg s = {
			.hdr.argsz = sizeof(s) - 1,
			.hdr.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
			.range = { IOVA_A, NPAGE_A * VU_PAGE,
				   { VU_PAGE, sizeof(map), map } },
		};

		ret = ioctl(container, VFIO_IOMMU_DIRTY_PAGES, &s);
		expect_errno(ret, EINVAL, 0, "dirty-get-argsz-short",
			     "GET_BITMAP with argsz one byte short of the range",
			     "");
	}
	page2 = mmap(NULL, 2 * VU_PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page2 != MAP_FAILED &&
	    mprotect(page2 + VU_PAGE, VU_PAGE, PROT_NONE) == 0) {
		a = (struct dirty_arg *)(page2 + VU_PAGE - sizeof(a->hdr));
		a->hdr.argsz = sizeof(*a);
		a->hdr.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
		ret = ioctl(container, VFIO_IOMMU_DIRTY_PAGES, a);
	} else {
		ret = 0;
	}
	expect_errno(ret, EFAULT, 0, "dirty-get-range-unreadable",
		     "GET_BITMAP whose range lies in a PROT_NONE page", "");
	if (page2 != MAP_FAILED)
		munmap(page2, 2 * VU_PAGE);
}

/* Reports while tracking: everything the device can reach is dirty. */
static void get_reports(int container)
{
	const unsigned long gap_bits = (IOVA_C - IOVA_A) / VU_PAGE + NPAGE_C;
	const struct span ab[] = { { 0, NPAGE_A }, { NPAGE_A, NPAGE_B } };
	const struct span b[] = { { 0, NPAGE_B } };
	const struct span abc[] = {
		{ 0, NPAGE_A }, { NPAGE_A, NPAGE_B },
		{ (IOVA_C - IOVA_A) / VU_PAGE, NPAGE_C },
	};
	__u64 map[4], wide[16];
	int ret, i;

	/* B starts at bit 3: its bits are shifted across words. */
	for (i = 0; i < 2; i++) {
		memset(map, 0, sizeof(map));
		map[3] = GUARD;
		ret = dirty_get(container, IOVA_A, NPAGE_AB * VU_PAGE, VU_PAGE,
				map, bitmap_bytes(NPAGE_AB));
		if (!check(ret == 0, i ? "dirty-get-again" : "dirty-get",
			   "GET_BITMAP of A and B: %s", strerror(errno)))
			continue;
		check(map[3] == GUARD, i ? "dirty-get-again-in-bounds" :
		      "dirty-get-in-bounds",
		      "the word after the bitmap is %#llx, want it untouched",
		      (unsigned long long)map[3]);
		check_spans(i ? "dirty-get-again-bits" : "dirty-get-bits", map,
			    3, ab, 2, "GET_BITMAP of A and B");
	}

	memset(map, 0, sizeof(map));
	ret = dirty_get(container, IOVA_B, NPAGE_B * VU_PAGE, VU_PAGE, map,
			bitmap_bytes(NPAGE_B));
	if (check(ret == 0, "dirty-get-one-mapping", "GET_BITMAP of B alone: %s",
		  strerror(errno)))
		check_spans("dirty-get-one-mapping-bits", map, 4, b, 1,
			    "GET_BITMAP of B alone");

	/* A, B, a gap and C: nothing for the gap, nothing past the end. */
	memset(wide, 0, sizeof(wide));
	ret = dirty_get(container, IOVA_A, gap_bits * VU_PAGE, VU_PAGE, wide,
			bitmap_bytes(gap_bits));
	if (check(ret == 0, "dirty-get-gap",
		  "GET_BITMAP over A, B, a gap and C: %s", strerror(errno)))
		check_spans("dirty-get-gap-bits", wide, 16, abc, 3,
			    "GET_BITMAP over A, B, a gap and C");

	memset(map, 0, sizeof(map));
	map[0] = GUARD;
	ret = dirty_get(container, IOVA_GAP, VU_PAGE, VU_PAGE, map, 8);
	check(ret == 0 && map[0] == GUARD, "dirty-get-nothing-mapped",
	      "GET_BITMAP of an unmapped page: %s, word %#llx (want untouched)",
	      ret ? strerror(errno) : "ok", (unsigned long long)map[0]);
}

/* UNMAP_DMA with GET_DIRTY_BITMAP, with tracking on and A, B, C mapped. */
static void unmap_checks(int container)
{
	const struct span ab[] = { { 0, NPAGE_A }, { NPAGE_A, NPAGE_B } };
	const __u32 argsz = sizeof(struct unmap_arg);
	const __u32 f = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	__u64 map[4] = { 0 }, done = 0;
	void *hole = unmapped_addr();
	char why[256];
	int ret;

	ret = unmap_bitmap(container, f | VFIO_DMA_UNMAP_FLAG_ALL, argsz, 0, 0,
			   VU_PAGE, map, sizeof(map), NULL);
	expect_errno(ret, EINVAL, 0, "dirty-unmap-with-all",
		     "UNMAP_DMA(GET_DIRTY_BITMAP | ALL)", "");
	ret = unmap_bitmap(container, f | VFIO_DMA_UNMAP_FLAG_VADDR, argsz,
			   IOVA_C, NPAGE_C * VU_PAGE, VU_PAGE, map,
			   sizeof(map), NULL);
	expect_errno(ret, EINVAL, 0, "dirty-unmap-with-vaddr",
		     "UNMAP_DMA(GET_DIRTY_BITMAP | VADDR)", "");
	ret = unmap_bitmap(container, f, sizeof(struct vfio_iommu_type1_dma_unmap),
			   IOVA_C, NPAGE_C * VU_PAGE, VU_PAGE, map,
			   sizeof(map), NULL);
	expect_errno(ret, EINVAL, 0, "dirty-unmap-argsz-short",
		     "UNMAP_DMA(GET_DIRTY_BITMAP) with no room for the bitmap in argsz",
		     "");
	ret = unmap_bitmap(container, f, argsz, IOVA_C, NPAGE_C * VU_PAGE,
			   2 * VU_PAGE, map, sizeof(map), NULL);
	expect_errno(ret, EINVAL, 0, "dirty-unmap-bad-pgsize",
		     "UNMAP_DMA(GET_DIRTY_BITMAP) with pgsize 8 KiB", "");
	if (vu_bundle()) {
		ret = unmap_bitmap(container, f, argsz, IOVA_C,
				   NPAGE_C * VU_PAGE, 0, map, sizeof(map),
				   NULL);
		expect_errno(ret, EINVAL, 0, "dirty-unmap-pgsize-0",
			     "UNMAP_DMA(GET_DIRTY_BITMAP) with pgsize 0", "");
	} else {
		not_applicable("dirty-unmap-pgsize-0", PGSIZE_0_WHY,
			       vu_release());
	}
	ret = unmap_bitmap(container, f, argsz, IOVA_A, NPAGE_AB * VU_PAGE,
			   VU_PAGE, map, 8, NULL);
	expect_errno(ret, EINVAL, 0, "dirty-unmap-bitmap-small",
		     "UNMAP_DMA(GET_DIRTY_BITMAP) of 133 pages into 8 bytes",
		     "");
	ret = unmap_bitmap(container, f, argsz, IOVA_A, NPAGE_AB * VU_PAGE,
			   VU_PAGE, (void *)(uintptr_t)KERNEL_PTR,
			   sizeof(map), NULL);
	expect_errno(ret, EINVAL, 0, "dirty-unmap-bitmap-kernel",
		     "UNMAP_DMA(GET_DIRTY_BITMAP) into a kernel address", "");
	ret = hole ? unmap_bitmap(container, f, argsz, IOVA_C,
				  NPAGE_C * VU_PAGE, VU_PAGE, hole,
				  sizeof(map), NULL) : 0;
	expect_errno(ret, EFAULT, 0, "dirty-unmap-bitmap-unmapped",
		     "UNMAP_DMA(GET_DIRTY_BITMAP) into an unmapped user address",
		     "");
	/* Whatever failed, C is still mapped, and reports. */
	memset(map, 0, sizeof(map));
	ret = dirty_get(container, IOVA_C, NPAGE_C * VU_PAGE, VU_PAGE, map, 8);
	check(ret == 0 && bits_are(map, 1, 0, NPAGE_C, why, sizeof(why)),
	      "dirty-unmap-failed-keeps", "GET_BITMAP of C after the failed unmaps: %s",
	      ret ? strerror(errno) : why);

	memset(map, 0, sizeof(map));
	ret = unmap_bitmap(container, f, argsz, IOVA_C, NPAGE_C * VU_PAGE,
			   VU_PAGE, map, 8, &done);
	check(ret == 0 && done == NPAGE_C * VU_PAGE &&
	      bits_are(map, 1, 0, NPAGE_C, why, sizeof(why)), "dirty-unmap",
	      "UNMAP_DMA(GET_DIRTY_BITMAP) of C: %s, %llu bytes (want %lu); %s",
	      ret ? strerror(errno) : "ok", (unsigned long long)done,
	      NPAGE_C * VU_PAGE, ret ? "" : why);

	/* A and B at once: B's bits shifted by A's three. */
	memset(map, 0, sizeof(map));
	map[3] = GUARD;
	ret = unmap_bitmap(container, f, argsz, IOVA_A, NPAGE_AB * VU_PAGE,
			   VU_PAGE, map, bitmap_bytes(NPAGE_AB), &done);
	if (!check(ret == 0 && done == NPAGE_AB * VU_PAGE && map[3] == GUARD,
		   "dirty-unmap-two",
		   "UNMAP_DMA(GET_DIRTY_BITMAP) of A and B: %s, %llu bytes (want %lu); the word after the bitmap %#llx (want it untouched)",
		   ret ? strerror(errno) : "ok", (unsigned long long)done,
		   NPAGE_AB * VU_PAGE, (unsigned long long)map[3]))
		return;
	check_spans("dirty-unmap-two-bits", map, 3, ab, 2,
		    "UNMAP_DMA(GET_DIRTY_BITMAP) of A and B");
}

/* The whole round trip on one container. */
static void round_trip(const char *bdf)
{
	void *a = NULL, *b = NULL, *c = NULL, *d4 = NULL;
	__u64 map[4] = { 0 }, done = 0;
	long long lck0, lck1, pin0, pin1;
	struct vdev d;
	char why[256];
	int ret;

	if (!check(vu_open(&d, bdf, false), "dirty-open", "%s", d.why))
		goto out;
	cap_checks(d.container);
	flag_checks(d.container);

	a = vu_alloc(NPAGE_A * VU_PAGE);
	b = vu_alloc(NPAGE_B * VU_PAGE);
	c = vu_alloc(NPAGE_C * VU_PAGE);
	d4 = vu_alloc(NPAGE_D * VU_PAGE);
	if (!check(a && b && c && d4 &&
		   !vu_map(d.container, a, IOVA_A, NPAGE_A * VU_PAGE) &&
		   !vu_map(d.container, b, IOVA_B, NPAGE_B * VU_PAGE) &&
		   !vu_map(d.container, c, IOVA_C, NPAGE_C * VU_PAGE),
		   "dirty-map", "buffers or MAP_DMA: %s", strerror(errno)))
		goto out;

	ret = dirty_get(d.container, IOVA_A, NPAGE_AB * VU_PAGE, VU_PAGE, map,
			sizeof(map));
	expect_errno(ret, EINVAL, 0, "dirty-get-not-started",
		     "GET_BITMAP before START", "");
	ret = unmap_bitmap(d.container, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
			   sizeof(struct unmap_arg), IOVA_C, NPAGE_C * VU_PAGE,
			   VU_PAGE, map, sizeof(map), NULL);
	expect_errno(ret, EINVAL, 0, "dirty-unmap-not-started",
		     "UNMAP_DMA(GET_DIRTY_BITMAP) before START", "");
	check(dirty_flags(d.container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) == 0,
	      "dirty-stop-not-started", "STOP before START: %s (want success, as upstream)",
	      strerror(errno));

	lck0 = vu_vmlck_kb(getpid());
	pin0 = vu_pinned_pages();
	if (!check(dirty_flags(d.container,
			       VFIO_IOMMU_DIRTY_PAGES_FLAG_START) == 0,
		   "dirty-start", "START: %s", strerror(errno)))
		goto out;
	check(dirty_flags(d.container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START) == 0,
	      "dirty-start-again", "START while started: %s (want success)",
	      strerror(errno));
	lck1 = vu_vmlck_kb(getpid());
	pin1 = vu_pinned_pages();
	check(lck0 >= 0 && pin0 >= 0 && lck1 == lck0 && pin1 == pin0,
	      "dirty-start-pins-nothing",
	      "VmLck %lld -> %lld kB, pinned pages %lld -> %lld: want both unchanged",
	      lck0, lck1, pin0, pin1);

	get_reports(d.container);
	get_bad_input(d.container);

	/* A mapping made while tracking reports too. */
	memset(map, 0, sizeof(map));
	ret = vu_map(d.container, d4, IOVA_D, NPAGE_D * VU_PAGE);
	ret = ret ? ret : dirty_get(d.container, IOVA_D, NPAGE_D * VU_PAGE,
				    VU_PAGE, map, 8);
	check(ret == 0 && bits_are(map, 1, 0, NPAGE_D, why, sizeof(why)),
	      "dirty-map-while-tracking",
	      "MAP_DMA of D while tracking, then GET_BITMAP of D: %s",
	      ret ? strerror(errno) : why);

	unmap_checks(d.container);

	check(dirty_flags(d.container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) == 0,
	      "dirty-stop", "STOP: %s", strerror(errno));
	ret = dirty_get(d.container, IOVA_D, NPAGE_D * VU_PAGE, VU_PAGE, map,
			8);
	expect_errno(ret, EINVAL, 0, "dirty-get-after-stop",
		     "GET_BITMAP after STOP", "");
	ret = unmap_bitmap(d.container, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
			   sizeof(struct unmap_arg), IOVA_D, NPAGE_D * VU_PAGE,
			   VU_PAGE, map, 8, NULL);
	expect_errno(ret, EINVAL, 0, "dirty-unmap-after-stop",
		     "UNMAP_DMA(GET_DIRTY_BITMAP) after STOP", "");
	ret = vu_unmap(d.container, IOVA_D, NPAGE_D * VU_PAGE, &done);
	check(ret == 0 && done == NPAGE_D * VU_PAGE, "dirty-unmap-plain",
	      "UNMAP_DMA of D after STOP: %s, %llu bytes (want %lu)",
	      ret ? strerror(errno) : "ok", (unsigned long long)done,
	      NPAGE_D * VU_PAGE);
out:
	vu_close(&d);
	if (a)
		munmap(a, NPAGE_A * VU_PAGE);
	if (b)
		munmap(b, NPAGE_B * VU_PAGE);
	if (c)
		munmap(c, NPAGE_C * VU_PAGE);
	if (d4)
		munmap(d4, NPAGE_D * VU_PAGE);
}

/* Type1 v1 has no dirty tracking: EACCES, as upstream. */
static void type1_v1(const char *bdf)
{
	int container, group, ret;
	char path[64];

	container = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "/dev/vfio/%d", vu_group_of(bdf));
	group = open(path, O_RDWR | O_CLOEXEC);
	if (!check(container >= 0 && group >= 0 &&
		   ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) == 0 &&
		   ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) == 0,
		   "dirty-v1-open", "a Type1 v1 container for %s: %s", bdf,
		   strerror(errno)))
		goto out;
	ret = dirty_flags(container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
	expect_errno(ret, EACCES, 0, "dirty-v1-eacces",
		     "DIRTY_PAGES(START) on a Type1 v1 container", "");
out:
	if (group >= 0)
		close(group);
	if (container >= 0)
		close(container);
}

/* Memory aligned to 2 MiB and advised huge, so pinning it is quick. */
static void *alloc_huge(size_t size, void **base)
{
	size_t align = 2UL << 20;
	char *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q;

	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	q = (char *)(((uintptr_t)p + align - 1) & ~(align - 1));
	madvise(q, size, MADV_HUGEPAGE);
	memset(q, 1, size);
	return q;
}

/*
 * START/GET/STOP many times over a 256 MiB mapping: each START allocates
 * its bitmap (8 KiB and a word, so pages from the page allocator), each
 * STOP frees it. A leak shows in MemAvailable.
 */
static void leak_start_stop(const char *bdf)
{
	static __u64 map[BIG_SIZE / VU_PAGE / 64];
	long long m0 = -1, m1, pin0, pin1;
	void *base = NULL, *big;
	struct vdev d;
	int i, bad = 0, err = 0;

	big = alloc_huge(BIG_SIZE, &base);
	if (!check(big && vu_open(&d, bdf, false) &&
		   vu_map(d.container, big, BIG_IOVA, BIG_SIZE) == 0,
		   "dirty-leak-setup", "256 MiB buffer, open or MAP_DMA: %s %s",
		   strerror(errno), big ? d.why : ""))
		goto out;
	pin0 = vu_pinned_pages();
	for (i = 0; i < CYCLES + 16; i++) {
		if (i == 16) {
			vu_write_str("/proc/sys/vm/stat_refresh", "1");
			m0 = vu_proc_field("/proc/meminfo", "MemAvailable");
		}
		if (dirty_flags(d.container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START) ||
		    dirty_get(d.container, BIG_IOVA, BIG_SIZE, VU_PAGE, map,
			      sizeof(map)) ||
		    dirty_flags(d.container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP)) {
			err = errno;
			bad++;
		}
	}
	vu_write_str("/proc/sys/vm/stat_refresh", "1");
	m1 = vu_proc_field("/proc/meminfo", "MemAvailable");
	pin1 = vu_pinned_pages();
	check(!bad && map[0] == ~0ULL && map[BIG_SIZE / VU_PAGE / 64 - 1] == ~0ULL,
	      "dirty-leak-cycles",
	      "%d of %d START/GET/STOP cycles failed (last: %s); first and last words %#llx %#llx",
	      bad, CYCLES + 16, strerror(err), (unsigned long long)map[0],
	      (unsigned long long)map[BIG_SIZE / VU_PAGE / 64 - 1]);
	check(m0 > 0 && m1 > 0 && m0 - m1 < LEAK_SLACK_KB && pin1 == pin0,
	      "dirty-leak-start-stop",
	      "MemAvailable %lld kB before %d cycles, %lld kB after (a leak of each bitmap would be %d kB); pinned pages %lld -> %lld",
	      m0, CYCLES, m1, CYCLES * 16, pin0, pin1);
out:
	vu_close(&d);
	if (base)
		munmap(base, BIG_SIZE + (2UL << 20));
}

/*
 * Mappings made and unmapped while tracking, and containers closed while
 * tracking: every pin and every locked page comes back.
 */
static void leak_cycles(const char *bdf)
{
	long long lck0, lck1, pin0, pin1, m0, m1;
	__u64 map[1], done;
	void *buf = vu_alloc(SMALL_NPAGE * VU_PAGE);
	struct vdev d;
	int i, bad = 0, err = 0;

	vu_init(&d, bdf);
	if (!check(buf && vu_open(&d, bdf, false), "dirty-cycle-setup",
		   "buffer or open: %s %s", strerror(errno), d.why))
		goto out;
	lck0 = vu_vmlck_kb(getpid());
	pin0 = vu_pinned_pages();
	m0 = vu_proc_field("/proc/meminfo", "MemAvailable");
	for (i = 0; i < SMALL_CYCLES; i++) {
		bool with_bitmap = i & 1;

		if (vu_map(d.container, buf, IOVA_A, SMALL_NPAGE * VU_PAGE) ||
		    dirty_flags(d.container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START) ||
		    (with_bitmap ?
		     unmap_bitmap(d.container,
				  VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
				  sizeof(struct unmap_arg), IOVA_A,
				  SMALL_NPAGE * VU_PAGE, VU_PAGE, map,
				  sizeof(map), &done) :
		     vu_unmap(d.container, IOVA_A, SMALL_NPAGE * VU_PAGE,
			      &done)) ||
		    done != SMALL_NPAGE * VU_PAGE ||
		    vu_map(d.container, buf, IOVA_C, SMALL_NPAGE * VU_PAGE) ||
		    dirty_flags(d.container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) ||
		    vu_unmap(d.container, IOVA_C, SMALL_NPAGE * VU_PAGE, &done)) {
			err = errno;
			bad++;
		}
	}
	vu_close(&d);
	/* Closed while tracking, with a mapping live. */
	for (i = 0; i < CLOSE_CYCLES; i++) {
		if (!vu_open(&d, bdf, false) ||
		    vu_map(d.container, buf, IOVA_A, SMALL_NPAGE * VU_PAGE) ||
		    dirty_flags(d.container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START)) {
			err = errno;
			bad++;
		}
		vu_close(&d);
	}
	lck1 = vu_vmlck_kb(getpid());
	pin1 = vu_pinned_pages();
	m1 = vu_proc_field("/proc/meminfo", "MemAvailable");
	check(!bad, "dirty-cycle-ops",
	      "%d of %d map/start/unmap/stop or open/map/start/close cycles failed (last: %s)",
	      bad, SMALL_CYCLES + CLOSE_CYCLES, strerror(err));
	check(lck0 >= 0 && pin0 >= 0 && lck1 == lck0 && pin1 == pin0 &&
	      m0 - m1 < LEAK_SLACK_KB, "dirty-cycle-no-leak",
	      "VmLck %lld -> %lld kB, pinned pages %lld -> %lld, MemAvailable %lld -> %lld kB",
	      lck0, lck1, pin0, pin1, m0, m1);
out:
	vu_close(&d);
	if (buf)
		munmap(buf, SMALL_NPAGE * VU_PAGE);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: t_dirty BDF\n");
		return 2;
	}
	round_trip(argv[1]);
	type1_v1(argv[1]);
	leak_start_stop(argv[1]);
	leak_cycles(argv[1]);
	return check_exit();
}
