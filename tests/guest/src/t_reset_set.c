// SPDX-License-Identifier: GPL-2.0
/*
 * Reset sets: two functions on one secondary bus can only be reset
 * together (a bus reset), and neither has a reset of its own (the
 * runner's e1000 pair behind a root port: no FLR, no PM capability).
 *
 *  - the hot reset info lists both, and VFIO_DEVICE_PCI_HOT_RESET with
 *    their group fd resets both;
 *  - closing one function while the other is open resets nothing: state
 *    left in the closed function's registers is still there when it is
 *    opened again;
 *  - closing the last open function of the set resets the bus: both
 *    functions come back with their registers cleared;
 *  - if the bus also holds a function that is not bound to vfio-pci,
 *    closing everything resets nothing.
 *
 * The state is the e1000 receive descriptor base (RDBAL), written through
 * BAR0, which only a reset clears.
 *
 *   t_reset_set BDF_A BDF_B     (both bound to vfio-pci, one IOMMU group)
 */
#include "vfio_util.h"

#define E1000_RDBAL	0x2800
#define MARK_A		0x12345000U
#define MARK_B		0x0abcd000U

static const char *bdf_a, *bdf_b;

/* A device fd of @bdf from the group @grp has open; in @d, no group. */
static bool open_fn(struct vdev *d, struct vdev *grp, const char *bdf)
{
	vu_init(d, bdf);
	d->group_id = grp->group_id;
	return vu_get_device(d, grp->group);
}

static void close_fn(struct vdev *d)
{
	if (d->device >= 0)
		close(d->device);
	d->device = -1;
}

static bool bar0_rw(struct vdev *d, __u32 reg, __u32 *val, bool write)
{
	struct vfio_region_info r;
	__u16 cmd = vu_cfg_read16(d, PCI_COMMAND);
	ssize_t n;

	if (!(cmd & PCI_COMMAND_MEMORY) &&
	    !vu_cfg_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY))
		return false;
	if (vu_region_info(d->device, VFIO_PCI_BAR0_REGION_INDEX, &r))
		return false;
	if (write)
		n = pwrite(d->device, val, sizeof(*val), r.offset + reg);
	else
		n = pread(d->device, val, sizeof(*val), r.offset + reg);
	return n == sizeof(*val);
}

static __u32 rdbal(struct vdev *d)
{
	__u32 v = 0xffffffff;

	return bar0_rw(d, E1000_RDBAL, &v, false) ? v : 0xffffffff;
}

static bool mark(struct vdev *d, __u32 v)
{
	return bar0_rw(d, E1000_RDBAL, &v, true) && rdbal(d) == v;
}

static bool has_reset(struct vdev *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	return !ioctl(d->device, VFIO_DEVICE_GET_INFO, &info) &&
	       (info.flags & VFIO_DEVICE_FLAGS_RESET);
}

static bool listed(struct vfio_pci_hot_reset_info *info, const char *bdf,
		   int group)
{
	unsigned int seg, bus, dev, fn, i;

	if (sscanf(bdf, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4)
		return false;
	for (i = 0; i < info->count; i++)
		if (info->devices[i].segment == seg &&
		    info->devices[i].bus == bus &&
		    info->devices[i].devfn == ((dev << 3) | fn) &&
		    info->devices[i].group_id == (__u32)group)
			return true;
	return false;
}

static void hot_reset_pair(struct vdev *a, struct vdev *b, int group)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device dev[4];
	} info = { .hdr.argsz = sizeof(info) };
	struct {
		struct vfio_pci_hot_reset hdr;
		__s32 fd;
	} reset = { .hdr.argsz = sizeof(reset), .hdr.count = 1, .fd = group };
	__u32 va, vb;
	int ret, err;

	ret = ioctl(a->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info);
	err = errno;
	check(!ret && info.hdr.count == 2 &&
	      listed(&info.hdr, bdf_a, a->group_id) &&
	      listed(&info.hdr, bdf_b, a->group_id), "resetset-hot-reset-info",
	      "ioctl %d (%s), %u entries; want %s and %s, both in group %d",
	      ret, ret ? strerror(err) : "ok", info.hdr.count, bdf_a, bdf_b,
	      a->group_id);

	if (!mark(a, MARK_A) || !mark(b, MARK_B)) {
		check(false, "resetset-hot-reset",
		      "RDBAL does not keep what was written (A %#x, B %#x)",
		      rdbal(a), rdbal(b));
		return;
	}
	ret = ioctl(a->device, VFIO_DEVICE_PCI_HOT_RESET, &reset);
	err = errno;
	va = rdbal(a);
	vb = rdbal(b);
	check(!ret && va == 0 && vb == 0, "resetset-hot-reset",
	      "hot reset from A with the pair's group fd: %d (%s); RDBAL A %#x, B %#x after (want 0, 0)",
	      ret, ret ? strerror(err) : "ok", va, vb);
}

static bool sysfs_bind(const char *bdf, bool bind)
{
	char path[96];

	if (bind)
		return vu_write_str("/sys/bus/pci/drivers_probe", bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
		 bdf);
	return vu_write_str(path, bdf);
}

int main(int argc, char **argv)
{
	struct vdev g, a, b;
	bool ok;
	__u32 v;

	if (argc != 3) {
		fprintf(stderr, "usage: t_reset_set BDF_A BDF_B\n");
		return 2;
	}
	bdf_a = argv[1];
	bdf_b = argv[2];
	vu_init(&a, bdf_a);
	vu_init(&b, bdf_b);

	/* The group and container stay open throughout: only device fds count. */
	ok = vu_open(&g, bdf_a, false) && open_fn(&a, &g, bdf_a) &&
	     open_fn(&b, &g, bdf_b);
	if (!check(ok, "resetset-open", "%s",
		   g.why[0] ? g.why : a.why[0] ? a.why : b.why))
		goto out;
	if (!check(!has_reset(&a) && !has_reset(&b),
		   "resetset-no-function-reset",
		   "VFIO_DEVICE_FLAGS_RESET on %s: %s, on %s: %s; the pair needs functions only a bus reset resets",
		   bdf_a, has_reset(&a) ? "set" : "clear", bdf_b,
		   has_reset(&b) ? "set" : "clear"))
		goto out;

	hot_reset_pair(&a, &b, g.group);

	/* One function closed, the other open: no reset may happen. */
	if (!mark(&a, MARK_A) || !mark(&b, MARK_B)) {
		check(false, "resetset-no-reset-while-open",
		      "RDBAL A %#x, B %#x after writing marks", rdbal(&a),
		      rdbal(&b));
		goto out;
	}
	close_fn(&a);
	if (!open_fn(&a, &g, bdf_a)) {
		check(false, "resetset-no-reset-while-open", "%s", a.why);
		goto out;
	}
	v = rdbal(&a);
	check(v == MARK_A, "resetset-no-reset-while-open",
	      "after closing A with B open, A's RDBAL reads %#x, want the mark %#x kept",
	      v, MARK_A);

	/* Both closed: the last close resets the bus. */
	close_fn(&a);
	close_fn(&b);
	if (!open_fn(&a, &g, bdf_a) || !open_fn(&b, &g, bdf_b)) {
		check(false, "resetset-reset-when-idle", "%s",
		      a.why[0] ? a.why : b.why);
		goto out;
	}
	v = rdbal(&a);
	check(v == 0 && rdbal(&b) == 0, "resetset-reset-when-idle",
	      "after the last close of the set, RDBAL A %#x, B %#x; want 0, 0 (a bus reset)",
	      v, rdbal(&b));

	/*
	 * B unbound from vfio-pci: the bus reset would hit a function that
	 * is not ours, so closing A must not reset anything.
	 */
	close_fn(&b);
	if (!mark(&a, MARK_A) || !sysfs_bind(bdf_b, false)) {
		check(false, "resetset-no-reset-foreign-function",
		      "mark A or unbind %s: %s", bdf_b, strerror(errno));
		goto rebind;
	}
	close_fn(&a);
	if (!open_fn(&a, &g, bdf_a)) {
		check(false, "resetset-no-reset-foreign-function", "%s", a.why);
		goto rebind;
	}
	v = rdbal(&a);
	check(v == MARK_A, "resetset-no-reset-foreign-function",
	      "with %s not bound to vfio-pci, closing A left RDBAL %#x, want the mark %#x kept",
	      bdf_b, v, MARK_A);
	close_fn(&a);
rebind:
	ok = sysfs_bind(bdf_b, true);
	check(ok, "resetset-rebind-b", "drivers_probe %s: %s", bdf_b,
	      ok ? "ok" : strerror(errno));
out:
	close_fn(&a);
	close_fn(&b);
	vu_close(&g);
	return check_exit();
}
