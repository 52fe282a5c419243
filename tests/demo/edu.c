// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's device part: drive QEMU's edu device from user space through
 * VFIO the way a VMM or a user-space driver does, and say each step.
 *
 *   edu BDF
 */
#include <stdio.h>

#include "vfio_util.h"

#define DEMO_IOVA	0x100000UL
#define DEMO_LEN	EDU_DMA_XFER

static int step_failed(const char *what, const char *why)
{
	printf("  FAILED: %s: %s\n", what, why);
	return 1;
}

int main(int argc, char **argv)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char *src, *dst;
	struct vdev d;
	void *bar;
	__u64 n;
	int efd;

	if (argc != 2) {
		fprintf(stderr, "usage: edu BDF\n");
		return 2;
	}

	printf("1. container, group %d, Type1v2 IOMMU, device fd for %s\n",
	       vu_group_of(argv[1]), argv[1]);
	if (!vu_open(&d, argv[1], true))
		return step_failed("open", d.why);
	ioctl(d.device, VFIO_DEVICE_GET_INFO, &info);
	printf("   device: %u regions, %u interrupt indexes, flags %#x\n",
	       info.num_regions, info.num_irqs, info.flags);

	printf("2. mmap BAR0 and read edu's identification register\n");
	bar = edu_map_bar0(&d);
	if (!bar)
		return step_failed("mmap BAR0", strerror(errno));
	printf("   id = %#010x (edu says 0x010000ed)\n", edu_rd(bar, EDU_ID));

	printf("3. DMA round trip through the IOMMU: RAM -> edu -> RAM\n");
	src = vu_alloc(VU_PAGE);
	dst = vu_alloc(VU_PAGE);
	if (!src || !dst || !vu_bus_master(&d, true))
		return step_failed("buffers or bus master", strerror(errno));
	snprintf(src, DEMO_LEN, "hello from user space, through VT-d and back");
	if (vu_map(d.container, src, DEMO_IOVA, VU_PAGE) ||
	    vu_map(d.container, dst, DEMO_IOVA + VU_PAGE, VU_PAGE))
		return step_failed("MAP_DMA", strerror(errno));
	printf("   mapped two pages at IOVA %#lx and %#lx\n", DEMO_IOVA,
	       DEMO_IOVA + VU_PAGE);
	if (!edu_dma(bar, DEMO_IOVA, 0, DEMO_LEN, false) ||
	    !edu_dma(bar, DEMO_IOVA + VU_PAGE, 0, DEMO_LEN, true))
		return step_failed("edu DMA", "the engine did not finish");
	printf("   second buffer now reads: \"%s\"\n", dst);
	if (strcmp(src, dst))
		return step_failed("DMA", "the buffers differ");

	printf("4. MSI on an eventfd: edu raises, the eventfd wakes us\n");
	efd = vu_eventfd();
	if (vu_irq_eventfds(d.device, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &efd))
		return step_failed("SET_IRQS(MSI)", strerror(errno));
	edu_wr(bar, EDU_IRQ_RAISE, 0x42);
	n = vu_wait_eventfd(efd, 5000);
	printf("   eventfd count %llu, edu interrupt status %#x\n",
	       (unsigned long long)n, edu_rd(bar, EDU_IRQ_STATUS));
	edu_wr(bar, EDU_IRQ_ACK, 0x42);
	if (!n)
		return step_failed("MSI", "no interrupt within 5 s");

	printf("5. unmap and close: pages unpinned, device released\n");
	vu_irq_disable(d.device, VFIO_PCI_MSI_IRQ_INDEX);
	vu_unmap(d.container, DEMO_IOVA, 2 * VU_PAGE, NULL);
	close(efd);
	vu_close(&d);
	printf("done.\n");
	return 0;
}
