// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-pci behaviours around a BAR mapping and the hot reset scope.
 *
 * On edu (root bus, no reset of any kind): turning memory decode off
 * revokes user mappings (SIGBUS) and fails region reads (EIO) until it is
 * turned on again; a root bus has no hot reset (ENODEV).
 *
 * On a resettable function alone behind a bridge (the runner's NVMe):
 * a BAR mapping survives VFIO_DEVICE_RESET and a hot reset, reaching the
 * reset device afterwards (the mapping is revoked while the reset runs and
 * faults back in); VFIO_DEVICE_GET_PCI_HOT_RESET_INFO lists it;
 * VFIO_DEVICE_PCI_HOT_RESET needs the group fds of every affected
 * function as proof of ownership, and refuses anything else with
 * upstream's errno.
 *
 *   t_pci_extra EDU_BDF [NVME_BDF]     (both bound to vfio-pci)
 */
#include "vfio_util.h"
#include "pci_sysfs.h"

/* A 32-bit register through a mapping; false if the access faulted. */
static bool probe_rd(void *bar, __u32 reg, __u32 *val)
{
	return vu_read32((char *)bar + reg, val);
}

static bool set_memory(struct vdev *d, bool on)
{
	__u16 cmd = vu_cfg_read16(d, PCI_COMMAND);

	if (on)
		cmd |= PCI_COMMAND_MEMORY;
	else
		cmd &= ~PCI_COMMAND_MEMORY;
	return vu_cfg_write16(d, PCI_COMMAND, cmd) &&
		!!(vu_cfg_read16(d, PCI_COMMAND) & PCI_COMMAND_MEMORY) == on;
}

static void mmap_revoke(struct vdev *d, void *bar)
{
	struct vfio_region_info r;
	__u32 v = 0;
	ssize_t n;
	int err;

	if (!check(set_memory(d, true) && probe_rd(bar, EDU_ID, &v) &&
		   v == EDU_ID_VALUE, "extra-mmap-before",
		   "with memory on, BAR0's ID register reads %#x (or SIGBUS), want %#x",
		   v, EDU_ID_VALUE))
		return;
	if (!check(set_memory(d, false), "extra-memory-off",
		   "PCI_COMMAND reads %#x after clearing memory decode",
		   vu_cfg_read16(d, PCI_COMMAND)))
		goto restore;

	v = 0;
	check(!probe_rd(bar, EDU_ID, &v), "extra-mmap-revoked-sigbus",
	      "reading the mapping with memory off returned %#x, want SIGBUS",
	      v);

	if (vu_region_info(d->device, VFIO_PCI_BAR0_REGION_INDEX, &r)) {
		check(false, "extra-pread-memory-off-eio", "BAR0 region info: %s",
		      strerror(errno));
	} else {
		v = 0;
		errno = 0;
		n = pread(d->device, &v, sizeof(v), r.offset + EDU_ID);
		err = errno;
		check(n < 0 && err == EIO, "extra-pread-memory-off-eio",
		      "pread of BAR0 with memory off returned %zd (%s, value %#x), want -1 EIO",
		      n, n < 0 ? strerror(err) : "no error", v);
	}

restore:
	v = 0;
	check(set_memory(d, true) && probe_rd(bar, EDU_ID, &v) &&
	      v == EDU_ID_VALUE, "extra-mmap-restored",
	      "after turning memory on again the mapping reads %#x (or SIGBUS), want %#x",
	      v, EDU_ID_VALUE);
}

/* NVMe controller registers in BAR0 (NVMe base specification). */
#define NVME_REG_VS		0x08
#define NVME_REG_CC		0x14
/* Queue entry sizes with the controller left disabled (EN clear). */
#define NVME_CC_QES		0x00460000U

static bool probe_wr(void *bar, __u32 reg, __u32 val)
{
	return vu_write32((char *)bar + reg, val);
}

/*
 * Leave a mark in the NVMe controller through the mapping: CC, which any
 * controller reset clears. False if the write did not stick.
 */
static bool nvme_mark(void *bar)
{
	__u32 v = 0;

	return probe_wr(bar, NVME_REG_CC, NVME_CC_QES) &&
	       probe_rd(bar, NVME_REG_CC, &v) && v == NVME_CC_QES;
}

/*
 * After a reset, through the same mapping: no SIGBUS, the version
 * register answers, and the mark is gone (the access reached the reset
 * controller). @what names the reset in the failure.
 */
static void nvme_check_after(void *bar, const char *name, const char *what)
{
	__u32 vs = 0, cc = 0xffffffff;
	bool ok;

	ok = probe_rd(bar, NVME_REG_VS, &vs) && probe_rd(bar, NVME_REG_CC, &cc);
	check(ok && vs >= 0x10000 && vs != 0xffffffff && cc == 0, name,
	      "after %s the mapping %s: VS %#x, CC %#x (want a version and CC 0)",
	      what, ok ? "reads" : "raised SIGBUS", vs, cc);
}

static void *map_page(struct vdev *d, __u32 index)
{
	struct vfio_region_info r;
	void *p;

	if (vu_region_info(d->device, index, &r))
		return NULL;
	if (!(r.flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		errno = ENODEV;
		return NULL;
	}
	p = mmap(NULL, VU_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
		 r.offset);
	return p == MAP_FAILED ? NULL : p;
}

static void mmap_reset(struct vdev *d, void *bar)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int ret;

	ret = ioctl(d->device, VFIO_DEVICE_GET_INFO, &info);
	if (!check(!ret && (info.flags & VFIO_DEVICE_FLAGS_RESET),
		   "extra-reset-info",
		   "GET_INFO: %s, flags %#x (want VFIO_DEVICE_FLAGS_RESET on %s)",
		   ret ? strerror(errno) : "ok", info.flags, d->bdf))
		return;
	if (!set_memory(d, true) || !nvme_mark(bar)) {
		check(false, "extra-mmap-across-reset",
		      "could not set CC through the mapping before the reset");
		return;
	}
	ret = ioctl(d->device, VFIO_DEVICE_RESET);
	if (ret) {
		check(false, "extra-mmap-across-reset", "VFIO_DEVICE_RESET: %s",
		      strerror(errno));
		return;
	}
	nvme_check_after(bar, "extra-mmap-across-reset", "VFIO_DEVICE_RESET");
}

/* True if @bdf exists and sits on a root bus: no bridge above it to reset. */
static bool on_root_bus(const char *bdf)
{
	char path[96], up[32];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	return !access(path, F_OK) && !ps_parent(bdf, up, sizeof(up));
}

static void hot_reset_info_root(struct vdev *d)
{
	struct vfio_pci_hot_reset_info hdr = { .argsz = sizeof(hdr) };
	int ret, err;

	ret = ioctl(d->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hdr);
	err = errno;

	/*
	 * Upstream answers ENODEV when neither a slot nor a bus reset can
	 * be done, and a root bus (bus->self NULL) has no bus reset.
	 */
	if (!on_root_bus(d->bdf))
		check(false, "extra-hot-reset-info-root-bus",
		      "%s is not on a root bus", d->bdf);
	else if (vu_bundle())
		check(ret < 0 && err == ENODEV, "extra-hot-reset-info-root-bus",
		      "%s is on a root bus: ioctl returned %d (%s), count %u; upstream fails with ENODEV",
		      d->bdf, ret, ret ? strerror(err) : "ok", hdr.count);
	else if (ret < 0 && err == ENODEV)
		check(true, "extra-hot-reset-info-root-bus", "%s", "");
	else
		not_applicable("extra-hot-reset-info-root-bus",
			       "in-tree %s answers %d (%s), count %u, where upstream fails with ENODEV",
			       vu_release(), ret, ret ? strerror(err) : "ok",
			       hdr.count);
}

/* The function behind a bridge: the hot reset info lists it, and only it. */
static void hot_reset_info(struct vdev *d)
{
	struct vfio_pci_hot_reset_info hdr = { .argsz = sizeof(hdr) };
	struct vfio_pci_hot_reset_info *info;
	unsigned int seg, bus, dev, fn, i;
	bool found = false;
	size_t sz;
	int ret, err;

	ret = ioctl(d->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hdr);
	err = errno;
	if (!check(ret < 0 && err == ENOSPC && hdr.count >= 1,
		   "extra-hot-reset-info-enospc",
		   "argsz == header: ioctl returned %d (%s), count %u; want ENOSPC and count >= 1",
		   ret, ret ? strerror(err) : "ok", hdr.count))
		return;

	sz = sizeof(*info) + hdr.count * sizeof(info->devices[0]);
	info = calloc(1, sz);
	if (!info) {
		check(false, "extra-hot-reset-info-self", "calloc: %s",
		      strerror(errno));
		return;
	}
	info->argsz = sz;
	ret = ioctl(d->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info);
	err = errno;
	if (sscanf(d->bdf, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4) {
		check(false, "extra-hot-reset-info-self", "cannot parse %s",
		      d->bdf);
		goto out;
	}
	for (i = 0; !ret && i < info->count && i < hdr.count; i++) {
		struct vfio_pci_dependent_device *p = &info->devices[i];

		if (p->segment == seg && p->bus == bus &&
		    p->devfn == ((dev << 3) | fn) &&
		    p->group_id == (__u32)d->group_id)
			found = true;
	}
	check(!ret && found && info->count == 1 &&
	      !(info->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID),
	      "extra-hot-reset-info-self",
	      "ioctl returned %d (%s), flags %#x, %u entries: %s (group %d) %s, want it alone",
	      ret, ret ? strerror(err) : "ok", info->flags, info->count,
	      d->bdf, d->group_id, found ? "listed" : "not listed");
out:
	free(info);
}

/* VFIO_DEVICE_PCI_HOT_RESET with @count group fds; -1 and errno on error. */
static int hot_reset(int device, __u32 flags, const __s32 *fds, __u32 count)
{
	size_t sz = sizeof(struct vfio_pci_hot_reset) + count * sizeof(__s32);
	struct vfio_pci_hot_reset *r = calloc(1, sz);
	int ret, err;

	if (!r)
		return -1;
	r->argsz = sz;
	r->flags = flags;
	r->count = count;
	if (count)
		memcpy(r->group_fds, fds, count * sizeof(__s32));
	ret = ioctl(device, VFIO_DEVICE_PCI_HOT_RESET, r);
	err = errno;
	free(r);
	errno = err;
	return ret;
}

static void expect_errno(const char *name, int ret, int want, const char *what)
{
	int err = errno;

	check(ret < 0 && err == want, name, "%s: returned %d (%s), want %s",
	      what, ret, ret ? strerror(err) : "ok", strerror(want));
}

/*
 * The hot reset of @d (alone on its bus), proven by its own group fd.
 * @other is an open device of another group (edu): its group fd is valid
 * but proves nothing about @d.
 */
static void hot_reset_proof(struct vdev *d, struct vdev *other, void *bar)
{
	__s32 fds[2] = { d->group, d->group };
	__s32 bad = -1, wrong = other->group, notgroup = d->container;
	int ret;

	expect_errno("extra-hot-reset-no-groups", hot_reset(d->device, 0, NULL, 0),
		     EINVAL, "no group fd");
	expect_errno("extra-hot-reset-bad-fd", hot_reset(d->device, 0, &bad, 1),
		     EBADF, "group fd -1");
	expect_errno("extra-hot-reset-not-a-group",
		     hot_reset(d->device, 0, &notgroup, 1), EINVAL,
		     "the container fd as a group fd");
	expect_errno("extra-hot-reset-wrong-group",
		     hot_reset(d->device, 0, &wrong, 1), EINVAL,
		     "another group's fd as the only proof");
	expect_errno("extra-hot-reset-too-many",
		     hot_reset(d->device, 0, fds, 2), EINVAL,
		     "two group fds for one affected function");
	expect_errno("extra-hot-reset-flags",
		     hot_reset(d->device, 1, fds, 1), EINVAL, "flags 1");

	if (!set_memory(d, true) || !nvme_mark(bar)) {
		check(false, "extra-hot-reset",
		      "could not set CC through the mapping before the hot reset");
		return;
	}
	ret = hot_reset(d->device, 0, fds, 1);
	if (!check(!ret, "extra-hot-reset", "with its own group fd: %s",
		   ret ? strerror(errno) : "ok"))
		return;
	nvme_check_after(bar, "extra-mmap-across-hot-reset", "the hot reset");
}

static void resettable(const char *bdf, struct vdev *edu)
{
	struct vdev d;
	void *bar;

	if (!check(vu_open(&d, bdf, true), "extra-nvme-open", "%s", d.why))
		goto out;
	bar = map_page(&d, VFIO_PCI_BAR0_REGION_INDEX);
	if (check(bar, "extra-nvme-bar0-mmap", "mmap BAR0: %s",
		  strerror(errno))) {
		mmap_reset(&d, bar);
		hot_reset_info(&d);
		hot_reset_proof(&d, edu, bar);
		munmap(bar, VU_PAGE);
	}
out:
	vu_close(&d);
}

int main(int argc, char **argv)
{
	struct vdev d;
	void *bar;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: t_pci_extra EDU_BDF [NVME_BDF]\n");
		return 2;
	}
	vu_catch_sigbus();
	if (!check(vu_open(&d, argv[1], true), "extra-open", "%s", d.why)) {
		vu_close(&d);
		return check_exit();
	}
	bar = edu_map_bar0(&d);
	if (check(bar, "extra-bar0-mmap", "mmap BAR0: %s", strerror(errno))) {
		mmap_revoke(&d, bar);
		munmap(bar, EDU_BAR0_SIZE);
	}
	hot_reset_info_root(&d);
	if (argc == 3)
		resettable(argv[2], &d);
	else
		not_applicable("extra-nvme-open",
			       "no resettable function behind a bridge given");
	vu_close(&d);
	return check_exit();
}
