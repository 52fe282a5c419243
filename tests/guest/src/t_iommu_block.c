// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU confines the device to what Type1 mapped: edu's DMA to an IOVA
 * that was never mapped, or that was mapped and then unmapped, must not
 * reach memory. edu does not report DMA errors, so the proof is that the
 * memory the device could have hit is unchanged, and that the same DMA to
 * a mapped IOVA does land (so the test can tell the two apart). Also: an
 * unmap returns the size mapped, and a second unmap of the range 0 bytes.
 *
 *   t_iommu_block BDF        (an edu bound to vfio-pci)
 */
#include "vfio_util.h"

#define IOVA_SRC	0x100000UL
#define IOVA_VICTIM	0x200000UL	/* mapped, then unmapped */
#define IOVA_NEVER	0x400000UL	/* never mapped */
#define IOVA_CANARY	0x401000UL	/* mapped, right above IOVA_NEVER */
#define LEN		VU_PAGE
#define XFER		EDU_DMA_XFER
#define SRC_BYTE	0xc3
#define KEEP_BYTE	0x11

/* Wait up to 3 s for a kernel log record holding all of @a, @b and @c. */
static bool kmsg_find(int fd, const char *a, const char *b, const char *c)
{
	const char *text;
	char rec[1024];
	int i;

	for (i = 0; i < 60; i++) {
		text = vu_kmsg_next(fd, rec, sizeof(rec));
		if (!text) {
			vu_sleep_ms(50);
			continue;
		}
		if (strstr(text, a) && strstr(text, b) && strstr(text, c))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	unsigned char *src = NULL, *victim = NULL, *canary = NULL;
	struct vdev d;
	void *bar = NULL;
	__u64 done = ~0ULL;
	char addr[32], rid[40];
	int ret, kmsg = -1;

	if (argc != 2) {
		fprintf(stderr, "usage: t_iommu_block BDF\n");
		return 2;
	}
	if (!check(vu_open(&d, argv[1], true), "iommu-block-open", "%s",
		   d.why))
		goto out;
	bar = edu_map_bar0(&d);
	src = vu_alloc(LEN);
	victim = vu_alloc(LEN);
	canary = vu_alloc(LEN);
	if (!check(bar && src && victim && canary && vu_bus_master(&d, true),
		   "iommu-block-setup", "BAR0 mmap, buffers or bus master failed: %s",
		   strerror(errno)))
		goto out;
	memset(src, SRC_BYTE, LEN);
	memset(victim, KEEP_BYTE, LEN);
	memset(canary, KEEP_BYTE, LEN);
	/* The buffers stay put in RAM for the whole test. */
	mlock(victim, LEN);
	mlock(canary, LEN);

	if (!check(vu_map(d.container, src, IOVA_SRC, LEN) == 0 &&
		   vu_map(d.container, canary, IOVA_CANARY, LEN) == 0 &&
		   vu_map(d.container, victim, IOVA_VICTIM, LEN) == 0,
		   "iommu-block-map", "MAP_DMA: %s", strerror(errno)))
		goto out;

	/* Load edu's buffer with SRC_BYTE from the mapped source. */
	if (!check(edu_dma(bar, IOVA_SRC, 0, XFER, false),
		   "iommu-block-load", "DMA from the mapped source did not finish"))
		goto out;

	/* Control: while mapped, the victim does receive the DMA. */
	edu_dma(bar, IOVA_VICTIM, 0, XFER, true);
	check(vu_all_bytes(victim, XFER, SRC_BYTE), "iommu-block-control",
	      "DMA to the mapped victim IOVA did not land (first byte %#x, want %#x)",
	      victim[0], SRC_BYTE);

	/* The unmap returns what was mapped; again, nothing is left. */
	ret = vu_unmap(d.container, IOVA_VICTIM, LEN, &done);
	check(ret == 0 && done == LEN, "iommu-unmap-size",
	      "UNMAP_DMA returned %d (%s), size %#llx, want 0 and %#lx",
	      ret, ret ? strerror(errno) : "ok", (unsigned long long)done,
	      LEN);
	done = ~0ULL;
	ret = vu_unmap(d.container, IOVA_VICTIM, LEN, &done);
	check(ret == 0 && done == 0, "iommu-unmap-twice",
	      "second UNMAP_DMA returned %d (%s), size %#llx, want 0 and 0",
	      ret, ret ? strerror(errno) : "ok", (unsigned long long)done);

	/* After the unmap: the DMA must not reach the old victim page. */
	memset(victim, KEEP_BYTE, LEN);
	edu_dma(bar, IOVA_VICTIM, 0, XFER, true);
	check(vu_all_bytes(victim, LEN, KEEP_BYTE), "iommu-block-after-unmap",
	      "DMA to the unmapped IOVA %#lx reached the page once mapped there (first byte %#x)",
	      IOVA_VICTIM, victim[0]);

	/* Never mapped: nothing, including the mapped page right above. */
	kmsg = vu_kmsg_from_now();
	edu_dma(bar, IOVA_NEVER, 0, XFER, true);
	check(vu_all_bytes(canary, LEN, KEEP_BYTE) &&
	      vu_all_bytes(src, LEN, SRC_BYTE) &&
	      vu_all_bytes(victim, LEN, KEEP_BYTE), "iommu-block-never-mapped",
	      "a DMA to never-mapped IOVA %#lx changed mapped memory (canary %#x, source %#x, victim %#x)",
	      IOVA_NEVER, canary[0], src[0], victim[0]);

	/* And it was the IOMMU that stopped it: the kernel logs the fault. */
	snprintf(addr, sizeof(addr), "%lx", IOVA_NEVER);
	/* "[00:01.0]" up to 6.x, "[0000:00:01.0]" since: match the tail. */
	snprintf(rid, sizeof(rid), "%.31s]",
		 strlen(d.bdf) > 5 ? d.bdf + 5 : d.bdf);
	check(kmsg >= 0 && kmsg_find(kmsg, "DMAR", rid, addr),
	      "iommu-block-fault-reported",
	      "no DMAR fault for %s at %s in the kernel log within 3 s%s",
	      rid, addr, kmsg < 0 ? " (cannot read /dev/kmsg)" : "");
	if (kmsg >= 0)
		close(kmsg);

	/* Reading from an unmapped IOVA must not pull memory in either. */
	edu_dma(bar, IOVA_VICTIM, 0, XFER, false);
	edu_dma(bar, IOVA_CANARY, 0, XFER, true);
	check(!vu_all_bytes(canary, XFER, KEEP_BYTE), "iommu-block-read-unmapped",
	      "edu's buffer holds the victim page's bytes after a DMA read of the unmapped IOVA %#lx",
	      IOVA_VICTIM);

	vu_unmap(d.container, IOVA_SRC, LEN, NULL);
	vu_unmap(d.container, IOVA_CANARY, LEN, NULL);
out:
	if (bar) {
		vu_bus_master(&d, false);
		munmap(bar, EDU_BAR0_SIZE);
	}
	if (src)
		munmap(src, LEN);
	if (victim)
		munmap(victim, LEN);
	if (canary)
		munmap(canary, LEN);
	vu_close(&d);
	return check_exit();
}
