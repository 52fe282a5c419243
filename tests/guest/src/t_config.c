// SPDX-License-Identifier: GPL-2.0
/*
 * Config space virtualisation by vfio-pci, on edu: BAR sizing, read-only
 * fields, and the MSI capability, which user space sees as its own
 * virtual copy while the kernel programs the hardware, a copy made
 * afresh at each open. The physical values are read (and once written)
 * through sysfs as root, so each check can tell a virtualised field from a
 * passed-through one.
 *
 *   t_config BDF        (an edu bound to vfio-pci)
 */
#include "vfio_util.h"
#include "pci_sysfs.h"

static void bar_sizing(struct vdev *d)
{
	__u32 orig = vu_cfg_read32(d, PCI_BAR0), sized, back, bar1;
	/* edu's BAR0 is 32-bit, non-prefetchable memory: type bits 0. */
	__u32 want = (__u32)~(EDU_BAR0_SIZE - 1) | (orig & 0xf);

	vu_cfg_write32(d, PCI_BAR0, 0xffffffff);
	sized = vu_cfg_read32(d, PCI_BAR0);
	vu_cfg_write32(d, PCI_BAR0, orig);
	back = vu_cfg_read32(d, PCI_BAR0);
	check(sized == want, "config-bar0-sizing",
	      "BAR0 reads %#x after writing ~0, want %#x (1 MiB, 32-bit memory)",
	      sized, want);
	check(back == orig, "config-bar0-restore",
	      "BAR0 reads %#x after writing back %#x", back, orig);

	vu_cfg_write32(d, PCI_BAR1, 0xffffffff);
	bar1 = vu_cfg_read32(d, PCI_BAR1);
	check(bar1 == 0, "config-bar1-sizing",
	      "unimplemented BAR1 reads %#x after writing ~0, want 0", bar1);
}

static void read_only(struct vdev *d)
{
	__u32 ids = vu_cfg_read32(d, PCI_VENDOR), ids2;
	__u32 rev = vu_cfg_read32(d, PCI_REVISION), rev2, prev;
	__u8 pin = vu_cfg_read8(d, PCI_INT_PIN), pin2, ppin = 0;
	__u8 v = (__u8)~pin;

	vu_cfg_write16(d, PCI_VENDOR, 0xabcd);
	vu_cfg_write16(d, PCI_DEVICE, 0x4321);
	ids2 = vu_cfg_read32(d, PCI_VENDOR);
	check(ids == (EDU_DEVICE << 16 | EDU_VENDOR) && ids2 == ids,
	      "config-vendor-write-dropped",
	      "vendor/device read %#x before and %#x after writing abcd/4321, want %#x",
	      ids, ids2, EDU_DEVICE << 16 | EDU_VENDOR);

	vu_cfg_write32(d, PCI_REVISION, ~rev);
	rev2 = vu_cfg_read32(d, PCI_REVISION);
	prev = ~rev;
	ps_cfg(d->bdf, PCI_REVISION, &prev, sizeof(prev));
	check(rev2 == rev && prev == rev, "config-readonly-class-dropped",
	      "revision/class %#x -> %#x after writing %#x (device holds %#x)",
	      rev, rev2, ~rev, prev);

	vu_cfg_write(d, PCI_INT_PIN, &v, 1);
	pin2 = vu_cfg_read8(d, PCI_INT_PIN);
	ps_cfg(d->bdf, PCI_INT_PIN, &ppin, 1);
	check(pin == 1 && pin2 == pin && ppin == pin,
	      "config-readonly-int-pin-dropped",
	      "interrupt pin %u -> %u after writing %u (device holds %u), want 1",
	      pin, pin2, v, ppin);
}

static void msi_virtualised(struct vdev *d)
{
	__u8 cap = vu_find_cap(d, PCI_CAP_ID_MSI);
	__u16 ctrl, pctrl = 0;
	__u32 addr, paddr = 0;
	int efd = -1;

	if (!check(cap, "config-msi-cap", "no MSI capability in the config region"))
		return;
	ctrl = vu_cfg_read16(d, cap + PCI_MSI_CTRL);
	check(!(ctrl & PCI_MSI_CTRL_ENABLE), "config-msi-initially-off",
	      "MSI control %#x has enable set before any SET_IRQS", ctrl);

	/* Enable is the ioctl's job: a config write alone does not stick. */
	vu_cfg_write16(d, cap + PCI_MSI_CTRL, ctrl | PCI_MSI_CTRL_ENABLE);
	ctrl = vu_cfg_read16(d, cap + PCI_MSI_CTRL);
	ps_cfg(d->bdf, cap + PCI_MSI_CTRL, &pctrl, sizeof(pctrl));
	check(!(ctrl & PCI_MSI_CTRL_ENABLE) && !(pctrl & PCI_MSI_CTRL_ENABLE),
	      "config-msi-enable-write-dropped",
	      "after writing enable without SET_IRQS: control reads %#x, device holds %#x",
	      ctrl, pctrl);

	/* The address is user space's own: written and read back. */
	vu_cfg_write32(d, cap + PCI_MSI_ADDR_LO, 0x12345670);
	addr = vu_cfg_read32(d, cap + PCI_MSI_ADDR_LO);
	check(addr == 0x12345670,
	      "config-msi-address-virtual",
	      "MSI address reads %#x after writing 0x12345670", addr);

	efd = vu_eventfd();
	if (!check(vu_irq_eventfds(d->device, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
				   &efd) == 0, "config-msi-set-irqs",
		   "SET_IRQS(MSI): %s", strerror(errno)))
		goto out;
	ctrl = vu_cfg_read16(d, cap + PCI_MSI_CTRL);
	addr = vu_cfg_read32(d, cap + PCI_MSI_ADDR_LO);
	ps_cfg(d->bdf, cap + PCI_MSI_CTRL, &pctrl, sizeof(pctrl));
	ps_cfg(d->bdf, cap + PCI_MSI_ADDR_LO, &paddr, sizeof(paddr));
	/*
	 * The hardware now runs MSI at the address the kernel chose; user
	 * space still sees its own values.
	 */
	check((pctrl & PCI_MSI_CTRL_ENABLE) && paddr != 0x12345670 &&
	      !(ctrl & PCI_MSI_CTRL_ENABLE) && addr == 0x12345670,
	      "config-msi-virtualised",
	      "with MSI on: region reads control %#x address %#x (want enable clear, 0x12345670); device holds %#x %#x (want enable set, its own address)",
	      ctrl, addr, pctrl, paddr);

	/* Now that MSI is on, the guest's enable write is accepted. */
	vu_cfg_write16(d, cap + PCI_MSI_CTRL, ctrl | PCI_MSI_CTRL_ENABLE);
	ctrl = vu_cfg_read16(d, cap + PCI_MSI_CTRL);
	check(ctrl & PCI_MSI_CTRL_ENABLE, "config-msi-enable-write-kept",
	      "control reads %#x after writing enable with MSI on", ctrl);

	check(vu_irq_disable(d->device, VFIO_PCI_MSI_IRQ_INDEX) == 0,
	      "config-msi-disable", "SET_IRQS(MSI, none, 0): %s",
	      strerror(errno));
	pctrl = PCI_MSI_CTRL_ENABLE;
	ps_cfg(d->bdf, cap + PCI_MSI_CTRL, &pctrl, sizeof(pctrl));
	check(!(pctrl & PCI_MSI_CTRL_ENABLE), "config-msi-disabled-in-device",
	      "device MSI control %#x after disabling", pctrl);
out:
	vu_cfg_write16(d, cap + PCI_MSI_CTRL, 0);
	vu_cfg_write32(d, cap + PCI_MSI_ADDR_LO, 0);
	if (efd >= 0)
		close(efd);
}

/*
 * The virtual copy is made from the device at each open: MSI's address is
 * a virtual field in the body of the capability, so a value put in the
 * device while vfio-pci holds it closed reads back after the next open.
 */
static void copy_at_open(const char *bdf)
{
	unsigned int cap = ps_find_cap(bdf, PCI_CAP_ID_MSI);
	__u32 orig = 0, want = 0x0badc0d0, got = 0;
	struct vdev d;
	bool opened;

	if (!check(cap, "config-copy-msi-cap", "no MSI capability on %s", bdf))
		return;
	ps_cfg(bdf, cap + PCI_MSI_ADDR_LO, &orig, sizeof(orig));
	if (!check(ps_cfg_rw(bdf, cap + PCI_MSI_ADDR_LO, &want, 4, true),
		   "config-copy-set", "writing the MSI address of %s: %s",
		   bdf, strerror(errno)))
		return;
	opened = vu_open(&d, bdf, true);
	if (opened)
		got = vu_cfg_read32(&d, cap + PCI_MSI_ADDR_LO);
	vu_close(&d);
	ps_cfg_rw(bdf, cap + PCI_MSI_ADDR_LO, &orig, 4, true);
	if (check(opened, "config-copy-reopen", "%s", d.why))
		check(got == want, "config-copy-at-open",
		      "MSI address reads %#x through vfio after the device was given %#x while closed",
		      got, want);
}

int main(int argc, char **argv)
{
	struct vdev d;

	if (argc != 2) {
		fprintf(stderr, "usage: t_config BDF\n");
		return 2;
	}
	if (check(vu_open(&d, argv[1], true), "config-open", "%s", d.why)) {
		bar_sizing(&d);
		read_only(&d);
		msi_virtualised(&d);
	}
	vu_close(&d);
	copy_at_open(argv[1]);
	return check_exit();
}
