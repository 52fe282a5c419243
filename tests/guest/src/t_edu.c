// SPDX-License-Identifier: GPL-2.0
/*
 * A VMM's view of QEMU's edu device through vfio-pci: device and region
 * info, BAR0 mmap, config space, a DMA round trip through Type1, and
 * interrupts on MSI and on INTx (with the unmask path).
 *
 *   t_edu BDF        (the device bound to vfio-pci)
 */
#include "vfio_util.h"

#define IOVA_SRC	0x100000UL
#define IOVA_DST	0x200000UL
#define DMA_LEN		EDU_DMA_XFER

static void device_info(struct vdev *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info r;
	int ret;

	ret = ioctl(d->device, VFIO_DEVICE_GET_INFO, &info);
	if (!check(ret == 0, "edu-device-info", "GET_INFO: %s",
		   strerror(errno)))
		return;
	check(info.flags & VFIO_DEVICE_FLAGS_PCI, "edu-device-info-pci",
	      "flags %#x lack VFIO_DEVICE_FLAGS_PCI", info.flags);
	check(info.num_regions == VFIO_PCI_NUM_REGIONS, "edu-device-regions",
	      "num_regions %u, want %u", info.num_regions,
	      VFIO_PCI_NUM_REGIONS);
	check(info.num_irqs == VFIO_PCI_NUM_IRQS, "edu-device-irqs",
	      "num_irqs %u, want %u", info.num_irqs, VFIO_PCI_NUM_IRQS);

	ret = vu_region_info(d->device, VFIO_PCI_BAR0_REGION_INDEX, &r);
	check(ret == 0 && r.size == EDU_BAR0_SIZE &&
	      (r.flags & VFIO_REGION_INFO_FLAG_MMAP) &&
	      (r.flags & VFIO_REGION_INFO_FLAG_READ) &&
	      (r.flags & VFIO_REGION_INFO_FLAG_WRITE), "edu-bar0-info",
	      "ret %d (%s), size %#llx (want 1 MiB), flags %#x (want read, write, mmap)",
	      ret, ret ? strerror(errno) : "ok", (unsigned long long)r.size,
	      r.flags);

	ret = vu_region_info(d->device, VFIO_PCI_CONFIG_REGION_INDEX, &r);
	check(ret == 0 && r.size >= 256 &&
	      (r.flags & VFIO_REGION_INFO_FLAG_READ) &&
	      (r.flags & VFIO_REGION_INFO_FLAG_WRITE) &&
	      !(r.flags & VFIO_REGION_INFO_FLAG_MMAP), "edu-config-info",
	      "ret %d (%s), size %#llx (want >= 256), flags %#x (want read, write, no mmap)",
	      ret, ret ? strerror(errno) : "ok", (unsigned long long)r.size,
	      r.flags);

	/* edu has one BAR: BAR1 is there but empty. */
	ret = vu_region_info(d->device, VFIO_PCI_BAR1_REGION_INDEX, &r);
	check(ret == 0 && r.size == 0, "edu-bar1-empty",
	      "ret %d (%s), size %#llx, want 0", ret,
	      ret ? strerror(errno) : "ok", (unsigned long long)r.size);
}

static void config_ids(struct vdev *d)
{
	__u16 vendor = vu_cfg_read16(d, PCI_VENDOR);
	__u16 device = vu_cfg_read16(d, PCI_DEVICE);

	check(vendor == EDU_VENDOR && device == EDU_DEVICE, "edu-config-ids",
	      "config region reads %04x:%04x, want %04x:%04x", vendor, device,
	      EDU_VENDOR, EDU_DEVICE);
	check(vu_bus_master(d, true), "edu-bus-master",
	      "command register reads %#x after setting bus master",
	      vu_cfg_read16(d, PCI_COMMAND));
}

static void bar0_regs(void *bar)
{
	__u32 id = edu_rd(bar, EDU_ID), a, b;

	check(id == EDU_ID_VALUE, "edu-bar0-id", "identification reads %#x, want %#x",
	      id, EDU_ID_VALUE);
	edu_wr(bar, EDU_LIVE, 0x12345678);
	a = edu_rd(bar, EDU_LIVE);
	edu_wr(bar, EDU_LIVE, 0xa5a50f0f);
	b = edu_rd(bar, EDU_LIVE);
	check(a == ~0x12345678U && b == ~0xa5a50f0fU, "edu-bar0-liveness",
	      "liveness read %#x and %#x, want %#x and %#x", a, b,
	      ~0x12345678U, ~0xa5a50f0fU);
}

static void dma_round_trip(struct vdev *d, void *bar)
{
	unsigned char *src = vu_alloc(VU_PAGE), *dst = vu_alloc(VU_PAGE);
	__u64 done;
	size_t i;
	bool ok;

	if (!check(src && dst, "edu-dma-alloc", "mmap: %s", strerror(errno)))
		goto out;
	for (i = 0; i < VU_PAGE; i++) {
		src[i] = (unsigned char)(i * 7 + 3);
		dst[i] = 0x5a;
	}
	if (!check(vu_map(d->container, src, IOVA_SRC, VU_PAGE) == 0 &&
		   vu_map(d->container, dst, IOVA_DST, VU_PAGE) == 0,
		   "edu-dma-map", "MAP_DMA: %s", strerror(errno)))
		goto unmap;

	ok = edu_dma(bar, IOVA_SRC, 0, DMA_LEN, false) &&
	     edu_dma(bar, IOVA_DST, 0, DMA_LEN, true);
	if (check(ok, "edu-dma-complete", "edu's DMA engine did not finish"))
		check(!memcmp(src, dst, DMA_LEN) && dst[DMA_LEN] == 0x5a,
		      "edu-dma-round-trip",
		      "destination differs from source (first bytes %02x %02x, want %02x %02x; byte after the transfer %02x, want 5a)",
		      dst[0], dst[1], src[0], src[1], dst[DMA_LEN]);
unmap:
	vu_unmap(d->container, IOVA_SRC, VU_PAGE, &done);
	vu_unmap(d->container, IOVA_DST, VU_PAGE, &done);
out:
	if (src)
		munmap(src, VU_PAGE);
	if (dst)
		munmap(dst, VU_PAGE);
}

static void irq_msi(struct vdev *d, void *bar)
{
	struct vfio_irq_info info;
	int efd = vu_eventfd();
	__u64 v;

	if (!check(vu_irq_info(d->device, VFIO_PCI_MSI_IRQ_INDEX, &info) == 0 &&
		   info.count == 1 && (info.flags & VFIO_IRQ_INFO_EVENTFD),
		   "edu-msi-info", "MSI irq info: %s, count %u, flags %#x",
		   strerror(errno), info.count, info.flags))
		goto out;
	if (!check(vu_irq_eventfds(d->device, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
				   &efd) == 0, "edu-msi-enable",
		   "SET_IRQS(MSI, eventfd): %s", strerror(errno)))
		goto out;

	edu_wr(bar, EDU_IRQ_RAISE, 0x1);
	v = vu_wait_eventfd(efd, 2000);
	check(v >= 1, "edu-msi-fires",
	      "no eventfd signal within 2 s of raising (status %#x)",
	      edu_rd(bar, EDU_IRQ_STATUS));
	edu_wr(bar, EDU_IRQ_ACK, 0x1);
	check(edu_rd(bar, EDU_IRQ_STATUS) == 0, "edu-msi-ack",
	      "interrupt status %#x after ack", edu_rd(bar, EDU_IRQ_STATUS));

	/* A second interrupt proves the first did not leave it stuck. */
	edu_wr(bar, EDU_IRQ_RAISE, 0x2);
	v = vu_wait_eventfd(efd, 2000);
	edu_wr(bar, EDU_IRQ_ACK, 0x2);
	check(v >= 1, "edu-msi-fires-again", "no signal for a second interrupt");

	check(vu_irq_disable(d->device, VFIO_PCI_MSI_IRQ_INDEX) == 0,
	      "edu-msi-disable", "SET_IRQS(MSI, none, count 0): %s",
	      strerror(errno));
	/* Disabled: raising now must not reach the old eventfd. */
	edu_wr(bar, EDU_IRQ_RAISE, 0x4);
	v = vu_wait_eventfd(efd, 300);
	edu_wr(bar, EDU_IRQ_ACK, 0x4);
	check(v == 0, "edu-msi-disabled-silent",
	      "eventfd signalled %llu after MSI was disabled",
	      (unsigned long long)v);
out:
	close(efd);
}

static void irq_intx(struct vdev *d, void *bar)
{
	struct vfio_irq_info info;
	int efd = vu_eventfd();
	__u64 v;
	int i, got = 0;

	if (!check(vu_irq_info(d->device, VFIO_PCI_INTX_IRQ_INDEX, &info) == 0 &&
		   info.count == 1 &&
		   (info.flags & VFIO_IRQ_INFO_EVENTFD) &&
		   (info.flags & VFIO_IRQ_INFO_MASKABLE) &&
		   (info.flags & VFIO_IRQ_INFO_AUTOMASKED),
		   "edu-intx-info",
		   "INTx irq info: %s, count %u, flags %#x (want eventfd, maskable, automasked)",
		   strerror(errno), info.count, info.flags))
		goto out;
	if (!check(vu_irq_eventfds(d->device, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
				   &efd) == 0, "edu-intx-enable",
		   "SET_IRQS(INTx, eventfd): %s", strerror(errno)))
		goto out;

	/* Three rounds: each needs the unmask of the one before. */
	for (i = 0; i < 3; i++) {
		edu_wr(bar, EDU_IRQ_RAISE, 0x1);
		v = vu_wait_eventfd(efd, 2000);
		edu_wr(bar, EDU_IRQ_ACK, 0x1);
		if (!v)
			break;
		got++;
		if (vu_irq_none(d->device, VFIO_PCI_INTX_IRQ_INDEX,
				VFIO_IRQ_SET_ACTION_UNMASK, 0, 1))
			break;
	}
	check(got == 3, "edu-intx-fires-with-unmask",
	      "%d of 3 INTx rounds signalled (last unmask: %s)", got,
	      strerror(errno));

	/* Masked and not unmasked: a raised line must stay quiet. */
	edu_wr(bar, EDU_IRQ_RAISE, 0x1);
	v = vu_wait_eventfd(efd, 2000);
	if (check(v >= 1, "edu-intx-automasked-first",
		  "no signal for the interrupt before the masking round")) {
		edu_wr(bar, EDU_IRQ_ACK, 0x1);
		edu_wr(bar, EDU_IRQ_RAISE, 0x1);
		v = vu_wait_eventfd(efd, 300);
		check(v == 0, "edu-intx-automasked",
		      "signalled again without an unmask");
		/* The unmask with the line still up delivers it. */
		vu_irq_none(d->device, VFIO_PCI_INTX_IRQ_INDEX,
			    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1);
		v = vu_wait_eventfd(efd, 2000);
		check(v >= 1, "edu-intx-unmask-delivers-pending",
		      "a pending interrupt was not delivered on unmask");
	}
	edu_wr(bar, EDU_IRQ_ACK, 0xffffffff);
	vu_irq_none(d->device, VFIO_PCI_INTX_IRQ_INDEX,
		    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1);

	check(vu_irq_disable(d->device, VFIO_PCI_INTX_IRQ_INDEX) == 0,
	      "edu-intx-disable", "SET_IRQS(INTx, none, count 0): %s",
	      strerror(errno));
out:
	close(efd);
}

int main(int argc, char **argv)
{
	struct vdev d;
	void *bar;

	if (argc != 2) {
		fprintf(stderr, "usage: t_edu BDF\n");
		return 2;
	}
	if (!check(vu_open(&d, argv[1], true), "edu-open", "%s", d.why)) {
		vu_close(&d);
		return check_exit();
	}
	device_info(&d);
	config_ids(&d);
	bar = edu_map_bar0(&d);
	if (check(bar, "edu-bar0-mmap", "mmap BAR0: %s", strerror(errno))) {
		bar0_regs(bar);
		dma_round_trip(&d, bar);
		irq_msi(&d, bar);
		irq_intx(&d, bar);
		edu_wr(bar, EDU_IRQ_ACK, 0xffffffff);
		munmap(bar, EDU_BAR0_SIZE);
	}
	vu_bus_master(&d, false);
	vu_close(&d);
	return check_exit();
}
