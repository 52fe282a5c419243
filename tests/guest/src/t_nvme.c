// SPDX-License-Identifier: GPL-2.0
/*
 * An MSI-X, resettable device through vfio-pci (QEMU's NVMe controller):
 * several MSI-X vectors on eventfds fired by the loopback trigger, the
 * MSI-X table and mmap, VFIO_DEVICE_RESET, and what opening the device
 * copies of its 4 KiB config space.
 *
 *   t_nvme BDF        (an NVMe controller bound to vfio-pci)
 */
#include <sys/mount.h>

#include "vfio_util.h"

#define PCI_MSIX_TABLE		4
#define  PCI_MSIX_BIR		0x7
#define NVME_REG_VS		0x08

static void msix_loopback(struct vdev *d)
{
	struct vfio_irq_info info;
	struct {
		struct vfio_irq_set set;
		__u8 b[2];
	} bools;
	int efd[2] = { vu_eventfd(), vu_eventfd() };
	__u64 v0, v1;
	int ret;

	ret = vu_irq_info(d->device, VFIO_PCI_MSIX_IRQ_INDEX, &info);
	if (!check(ret == 0 && info.count > 1 &&
		   (info.flags & VFIO_IRQ_INFO_EVENTFD), "nvme-msix-info",
		   "MSI-X irq info: ret %d (%s), count %u (want > 1), flags %#x",
		   ret, ret ? strerror(errno) : "ok", info.count, info.flags))
		goto out;
	if (!check(vu_irq_eventfds(d->device, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2,
				   efd) == 0, "nvme-msix-enable",
		   "SET_IRQS(MSI-X, 2 eventfds): %s", strerror(errno)))
		goto out;

	ret = vu_irq_none(d->device, VFIO_PCI_MSIX_IRQ_INDEX,
			  VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2);
	v0 = vu_wait_eventfd(efd[0], 1000);
	v1 = vu_wait_eventfd(efd[1], 1000);
	check(ret == 0 && v0 == 1 && v1 == 1, "nvme-msix-trigger-none",
	      "SET_IRQS(MSI-X, none, trigger 0-1): ret %d (%s), eventfds read %llu and %llu, want 1 and 1",
	      ret, ret ? strerror(errno) : "ok", (unsigned long long)v0,
	      (unsigned long long)v1);

	/* DATA_BOOL fires only the vectors whose bool is set. */
	memset(&bools, 0, sizeof(bools));
	bools.set.argsz = sizeof(bools);
	bools.set.flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER;
	bools.set.index = VFIO_PCI_MSIX_IRQ_INDEX;
	bools.set.start = 0;
	bools.set.count = 2;
	bools.b[0] = 0;
	bools.b[1] = 1;
	ret = ioctl(d->device, VFIO_DEVICE_SET_IRQS, &bools);
	v1 = vu_wait_eventfd(efd[1], 1000);
	v0 = vu_wait_eventfd(efd[0], 200);
	check(ret == 0 && v0 == 0 && v1 == 1, "nvme-msix-trigger-bool",
	      "SET_IRQS(MSI-X, bool {0,1}): ret %d (%s), eventfds read %llu and %llu, want 0 and 1",
	      ret, ret ? strerror(errno) : "ok", (unsigned long long)v0,
	      (unsigned long long)v1);

	check(vu_irq_disable(d->device, VFIO_PCI_MSIX_IRQ_INDEX) == 0,
	      "nvme-msix-disable", "SET_IRQS(MSI-X, none, count 0): %s",
	      strerror(errno));
	/* Disabled: the loopback trigger has no vector to fire. */
	ret = vu_irq_none(d->device, VFIO_PCI_MSIX_IRQ_INDEX,
			  VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2);
	v0 = vu_wait_eventfd(efd[0], 200);
	check(v0 == 0, "nvme-msix-disabled-silent",
	      "eventfd 0 read %llu after disable (trigger returned %d)",
	      (unsigned long long)v0, ret);
out:
	close(efd[0]);
	close(efd[1]);
}

/* Lines of /proc/interrupts naming this device's MSI-X vector VEC (-1: any). */
static int msix_irq_lines(struct vdev *d, int vec)
{
	char line[1024], want[96];
	FILE *f = fopen("/proc/interrupts", "r");
	int n = 0;

	if (vec < 0)
		snprintf(want, sizeof(want), "](%s)", d->bdf);
	else
		snprintf(want, sizeof(want), "vfio-msix[%d](%s)", vec, d->bdf);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, want) && (vec >= 0 || strstr(line, "vfio-msix[")))
			n++;
	fclose(f);
	return n;
}

/*
 * Dynamic MSI-X (upstream 6.5, on kernels whose PCI core can add vectors
 * to an enabled MSI-X, 6.2+): IRQ_INFO drops NORESIZE for MSI-X, and an
 * eventfd for a vector MSI-X enable did not allocate adds that vector.
 * Elsewhere NORESIZE stays and such a vector is refused.
 */
static void msix_dynamic(struct vdev *d)
{
	bool dyn = vu_kernel_at_least(6, 2);
	struct vfio_irq_info info, msi;
	int efd[2] = { vu_eventfd(), vu_eventfd() };
	int ret, lines;
	__u64 v;

	ret = vu_irq_info(d->device, VFIO_PCI_MSIX_IRQ_INDEX, &info);
	if (!check(ret == 0 && info.count > 4, "nvme-msix-dyn-info",
		   "MSI-X irq info: ret %d (%s), count %u (want > 4)", ret,
		   ret ? strerror(errno) : "ok", info.count))
		goto out;
	check(!(info.flags & VFIO_IRQ_INFO_NORESIZE) == dyn,
	      "nvme-msix-noresize-flag",
	      "MSI-X flags %#x on %s: NORESIZE should be %s", info.flags,
	      vu_release(), dyn ? "clear (dynamic MSI-X)" : "set");
	ret = vu_irq_info(d->device, VFIO_PCI_MSI_IRQ_INDEX, &msi);
	check(ret == 0 && (msi.flags & VFIO_IRQ_INFO_NORESIZE),
	      "nvme-msi-noresize-flag",
	      "MSI flags %#x (ret %d): NORESIZE should be set", msi.flags, ret);

	if (!check(vu_irq_eventfds(d->device, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
				   efd) == 0, "nvme-msix-dyn-enable",
		   "SET_IRQS(MSI-X, vector 0): %s", strerror(errno)))
		goto out;

	/* Vector 3 was not allocated by the enable. */
	ret = vu_irq_eventfds(d->device, VFIO_PCI_MSIX_IRQ_INDEX, 3, 1,
			      &efd[1]);
	if (!dyn) {
		check(ret == -1 && errno == EINVAL, "nvme-msix-add-refused",
		      "adding vector 3 to an enabled MSI-X on %s: ret %d (%s), want EINVAL",
		      vu_release(), ret, ret ? strerror(errno) : "ok");
		not_applicable("nvme-msix-add-vector",
			       "%s cannot add vectors to an enabled MSI-X (pci_msix_alloc_irq_at() is 6.2)",
			       vu_release());
		goto disable;
	}
	if (!check(ret == 0, "nvme-msix-add-vector",
		   "adding vector 3 to an enabled MSI-X: %s", strerror(errno)))
		goto disable;
	ret = vu_irq_none(d->device, VFIO_PCI_MSIX_IRQ_INDEX,
			  VFIO_IRQ_SET_ACTION_TRIGGER, 3, 1);
	v = vu_wait_eventfd(efd[1], 1000);
	lines = msix_irq_lines(d, 3);
	check(ret == 0 && v == 1 && lines == 1, "nvme-msix-added-vector-fires",
	      "trigger vector 3: ret %d, eventfd read %llu (want 1), /proc/interrupts lines %d (want 1)",
	      ret, (unsigned long long)v, lines);

	/* Unset and set again: the vector stays allocated, the irq goes. */
	ret = vu_irq_eventfds(d->device, VFIO_PCI_MSIX_IRQ_INDEX, 3, 1,
			      (int[]){ -1 });
	lines = msix_irq_lines(d, 3);
	check(ret == 0 && lines == 0, "nvme-msix-added-vector-unset",
	      "unset vector 3: ret %d (%s), /proc/interrupts lines %d (want 0)",
	      ret, ret ? strerror(errno) : "ok", lines);
	ret = vu_irq_eventfds(d->device, VFIO_PCI_MSIX_IRQ_INDEX, 3, 1,
			      &efd[1]);
	check(ret == 0 && msix_irq_lines(d, 3) == 1, "nvme-msix-added-vector-reset",
	      "set vector 3 again: ret %d (%s)", ret, ret ? strerror(errno) : "ok");

	/* A bad eventfd for a new vector fails and leaves no irq behind. */
	ret = vu_irq_eventfds(d->device, VFIO_PCI_MSIX_IRQ_INDEX, 4, 1,
			      (int[]){ 9999 });
	check(ret == -1 && errno == EBADF && msix_irq_lines(d, 4) == 0,
	      "nvme-msix-add-bad-fd",
	      "vector 4 with fd 9999: ret %d (%s), want EBADF", ret,
	      ret ? strerror(errno) : "ok");
disable:
	ret = vu_irq_eventfds(d->device, VFIO_PCI_MSIX_IRQ_INDEX, info.count,
			      1, &efd[1]);
	check(ret == -1 && errno == EINVAL, "nvme-msix-vector-beyond-table",
	      "vector %u of a %u-entry table: ret %d (%s), want EINVAL",
	      info.count, info.count, ret, ret ? strerror(errno) : "ok");
	ret = vu_irq_disable(d->device, VFIO_PCI_MSIX_IRQ_INDEX);
	lines = msix_irq_lines(d, -1);
	check(ret == 0 && lines == 0, "nvme-msix-dyn-disable",
	      "disable: ret %d (%s), %d vfio-msix irqs of %s left", ret,
	      ret ? strerror(errno) : "ok", lines, d->bdf);
out:
	close(efd[0]);
	close(efd[1]);
}

static void msix_mmap(struct vdev *d)
{
	__u8 cap = vu_find_cap(d, PCI_CAP_ID_MSIX);
	struct vfio_region_info *info;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	__u32 table, bir, toff, i;
	bool covered = false;

	if (!check(cap, "nvme-msix-cap", "no MSI-X capability in the config region"))
		return;
	table = vu_cfg_read32(d, cap + PCI_MSIX_TABLE);
	bir = table & PCI_MSIX_BIR;
	toff = table & ~PCI_MSIX_BIR;
	info = vu_region_info_caps(d->device, bir);
	if (!check(info, "nvme-msix-bar-info", "region info of BAR%u: %s", bir,
		   strerror(errno)))
		return;
	if (vu_region_cap(info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE)) {
		check(info->flags & VFIO_REGION_INFO_FLAG_MMAP,
		      "nvme-msix-table-mmap",
		      "BAR%u has the MSIX_MAPPABLE cap but no mmap flag (%#x)",
		      bir, info->flags);
		goto out;
	}
	sparse = (void *)vu_region_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (sparse) {
		for (i = 0; i < sparse->nr_areas; i++)
			if (sparse->areas[i].offset <= toff &&
			    sparse->areas[i].offset + sparse->areas[i].size > toff)
				covered = true;
		check(!covered, "nvme-msix-table-mmap",
		      "a sparse mmap area of BAR%u covers the MSI-X table at %#x",
		      bir, toff);
		goto out;
	}
	check(!(info->flags & VFIO_REGION_INFO_FLAG_MMAP),
	      "nvme-msix-table-mmap",
	      "BAR%u holds the MSI-X table at %#x, is mmappable (flags %#x), and has neither MSIX_MAPPABLE nor a sparse mmap cap",
	      bir, toff, info->flags);
out:
	free(info);
}

static void device_reset(struct vdev *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info bar;
	__u32 vs = 0;
	__u16 vendor;
	int ret;

	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &info)) {
		check(false, "nvme-reset", "GET_INFO: %s", strerror(errno));
		return;
	}
	if (!(info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		not_applicable("nvme-reset",
			       "VFIO_DEVICE_FLAGS_RESET is clear: the kernel found no reset method for %s",
			       d->bdf);
		return;
	}
	ret = ioctl(d->device, VFIO_DEVICE_RESET);
	check(ret == 0, "nvme-reset", "VFIO_DEVICE_RESET: %s", strerror(errno));

	/* Alive after the reset: config space and a BAR0 register. */
	vendor = vu_cfg_read16(d, PCI_VENDOR);
	ret = vu_region_info(d->device, VFIO_PCI_BAR0_REGION_INDEX, &bar);
	if (!ret)
		ret = pread(d->device, &vs, sizeof(vs),
			    bar.offset + NVME_REG_VS) == sizeof(vs) ? 0 : -1;
	check(vendor != 0xffff && ret == 0 && vs >= 0x10000,
	      "nvme-alive-after-reset",
	      "after reset: vendor %#x, NVMe version register %#x (read: %s)",
	      vendor, vs, ret ? strerror(errno) : "ok");
}

#define PCI_CAP_ID_EXP		0x10
#define PCI_EXP_DEVCTL		8
#define  PCI_EXP_DEVCTL_BCR_FLR	0x8000

/*
 * Setting "initiate FLR" in the PCIe device control register through the
 * config region resets the function; the bit itself reads back as zero.
 */
static void config_flr(struct vdev *d)
{
	__u8 pos = vu_find_cap(d, PCI_CAP_ID_EXP);
	__u16 ctl;

	if (!check(pos, "nvme-config-flr-cap", "no PCI Express capability"))
		return;
	ctl = vu_cfg_read16(d, pos + PCI_EXP_DEVCTL);
	check(vu_cfg_write16(d, pos + PCI_EXP_DEVCTL,
			     ctl | PCI_EXP_DEVCTL_BCR_FLR),
	      "nvme-config-flr-write", "config write: %s", strerror(errno));
	ctl = vu_cfg_read16(d, pos + PCI_EXP_DEVCTL);
	check(!(ctl & PCI_EXP_DEVCTL_BCR_FLR), "nvme-config-flr-reads-zero",
	      "device control reads %#x after the FLR write", ctl);
	check(vu_cfg_read16(d, PCI_VENDOR) != 0xffff, "nvme-config-flr-alive",
	      "the function does not answer after the FLR");
}

#define TRACEFS			"/sys/kernel/tracing"
#define CFG_READ_FN		"pci_read_config_dword"

static bool tracefs_write(const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	return vu_write_str(path, val);
}

/* Lines of the trace buffer naming @fn. */
static long tracefs_count(const char *fn)
{
	char line[512];
	long n = 0;
	FILE *f = fopen(TRACEFS "/trace", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && strstr(line, fn))
			n++;
	fclose(f);
	return n;
}

/*
 * Opening the device copies only the config header and the capabilities
 * vfio-pci describes, not all 1024 dwords of PCIe config space: counted
 * with the function tracer on pci_read_config_dword(), for this process
 * only, over one open and close of the device fd (the close and reopen
 * also resume the device and restore its state, a few dozen reads more).
 */
static void config_open_reads(const char *bdf)
{
	struct vdev d;
	char pid[16];
	long reads;
	bool opened;

	if (access(TRACEFS "/trace", F_OK) &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
		not_applicable("nvme-config-open-reads",
			       "no tracefs at " TRACEFS ": %s", strerror(errno));
		return;
	}
	snprintf(pid, sizeof(pid), "%d", getpid());
	/* Changing the tracer empties the buffer: switch tracing_on instead. */
	if (!tracefs_write("tracing_on", "0") ||
	    !tracefs_write("set_ftrace_filter", CFG_READ_FN) ||
	    !tracefs_write("set_ftrace_pid", pid) ||
	    !tracefs_write("current_tracer", "function") ||
	    !tracefs_write("trace", "")) {
		not_applicable("nvme-config-open-reads",
			       "this kernel cannot trace " CFG_READ_FN "() with the function tracer");
		tracefs_write("current_tracer", "nop");
		tracefs_write("tracing_on", "1");
		return;
	}
	tracefs_write("tracing_on", "1");
	opened = vu_open(&d, bdf, true);
	vu_close(&d);
	tracefs_write("tracing_on", "0");
	reads = tracefs_count(CFG_READ_FN);
	tracefs_write("current_tracer", "nop");
	tracefs_write("set_ftrace_filter", "");
	tracefs_write("set_ftrace_pid", "");
	tracefs_write("tracing_on", "1");

	if (!check(opened, "nvme-config-reopen", "%s", d.why))
		return;
	check(reads > 0 && reads < 256, "nvme-config-open-reads",
	      "%ld config dword reads for one open and close of a device with 4096 bytes of config space, want 1-255",
	      reads);
}

int main(int argc, char **argv)
{
	struct vdev d;

	if (argc != 2) {
		fprintf(stderr, "usage: t_nvme BDF\n");
		return 2;
	}
	if (check(vu_open(&d, argv[1], true), "nvme-open", "%s", d.why)) {
		msix_loopback(&d);
		msix_dynamic(&d);
		msix_mmap(&d);
		device_reset(&d);
		config_flr(&d);
	}
	vu_close(&d);
	config_open_reads(argv[1]);
	return check_exit();
}
