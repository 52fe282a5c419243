// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-pci behaviours around a BAR mapping and the hot reset scope, on
 * edu: turning memory decode off revokes user mappings (SIGBUS) and fails
 * region reads (EIO) until it is turned on again; a mapping survives
 * VFIO_DEVICE_RESET; VFIO_DEVICE_GET_PCI_HOT_RESET_INFO reports the
 * functions a hot reset would affect.
 *
 *   t_pci_extra BDF        (an edu bound to vfio-pci)
 */
#include <setjmp.h>
#include <signal.h>

#include "vfio_util.h"

static sigjmp_buf bus_env;
/* Set only around probe_rd()'s access; atomics keep the compiler honest. */
static sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
	(void)sig;
	if (__atomic_load_n(&bus_armed, __ATOMIC_SEQ_CST))
		siglongjmp(bus_env, 1);
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/*
 * Read a 32-bit register through a mapping. Returns false if the access
 * raised SIGBUS; *val gets the value otherwise.
 */
static bool probe_rd(void *bar, __u32 reg, __u32 *val)
{
	if (sigsetjmp(bus_env, 1)) {
		__atomic_store_n(&bus_armed, 0, __ATOMIC_SEQ_CST);
		return false;
	}
	__atomic_store_n(&bus_armed, 1, __ATOMIC_SEQ_CST);
	*val = edu_rd(bar, reg);
	__atomic_store_n(&bus_armed, 0, __ATOMIC_SEQ_CST);
	return true;
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

static void mmap_reset(struct vdev *d, void *bar)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	__u32 v = 0;

	if (!check(ioctl(d->device, VFIO_DEVICE_GET_INFO, &info) == 0,
		   "extra-reset-info", "GET_INFO: %s", strerror(errno)))
		return;
	if (!(info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		not_applicable("extra-mmap-across-reset",
			       "%s has no function reset (GET_INFO flags %#x lack VFIO_DEVICE_FLAGS_RESET)",
			       d->bdf, info.flags);
		return;
	}
	if (!check(set_memory(d, true) && probe_rd(bar, EDU_ID, &v),
		   "extra-mmap-across-reset", "mapping unreadable before the reset"))
		return;
	if (!check(ioctl(d->device, VFIO_DEVICE_RESET) == 0,
		   "extra-mmap-across-reset", "VFIO_DEVICE_RESET: %s",
		   strerror(errno)))
		return;
	v = 0;
	check(probe_rd(bar, EDU_ID, &v) && v == EDU_ID_VALUE,
	      "extra-mmap-across-reset",
	      "after VFIO_DEVICE_RESET the mapping reads %#x (or SIGBUS), want %#x",
	      v, EDU_ID_VALUE);
}

/* True if @bdf sits on a root bus: no bridge above it to reset. */
static bool on_root_bus(const char *bdf)
{
	char path[96], real[PATH_MAX], *slash;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (!realpath(path, real))
		return false;
	slash = strrchr(real, '/');
	if (!slash)
		return false;
	*slash = '\0';
	slash = strrchr(real, '/');
	return slash && !strncmp(slash + 1, "pci", 3);
}

static void hot_reset_info(struct vdev *d)
{
	struct vfio_pci_hot_reset_info hdr = { .argsz = sizeof(hdr) };
	struct vfio_pci_hot_reset_info *info;
	unsigned int seg, bus, dev, fn, i;
	bool root = on_root_bus(d->bdf), found = false;
	size_t sz;
	int ret, err;

	ret = ioctl(d->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &hdr);
	err = errno;

	/*
	 * Upstream answers ENODEV when neither a slot nor a bus reset can
	 * be done, and a root bus (bus->self NULL) has no bus reset.
	 */
	if (root) {
		if (vu_bundle())
			check(ret < 0 && err == ENODEV,
			      "extra-hot-reset-info-root-bus",
			      "%s is on a root bus: ioctl returned %d (%s), count %u; upstream fails with ENODEV",
			      d->bdf, ret, ret ? strerror(err) : "ok",
			      hdr.count);
		else if (ret < 0 && err == ENODEV)
			check(true, "extra-hot-reset-info-root-bus", "%s", "");
		else
			not_applicable("extra-hot-reset-info-root-bus",
				       "in-tree %s answers %d (%s), count %u, where upstream fails with ENODEV",
				       vu_release(), ret,
				       ret ? strerror(err) : "ok", hdr.count);
		not_applicable("extra-hot-reset-info-enospc",
			       "%s is on a root bus, which has no hot reset", d->bdf);
		not_applicable("extra-hot-reset-info-self",
			       "%s is on a root bus, which has no hot reset", d->bdf);
		return;
	}

	if (!check(ret < 0 && err == ENOSPC && hdr.count >= 1,
		   "extra-hot-reset-info-enospc",
		   "argsz == header: ioctl returned %d (%s), count %u; want ENOSPC and count >= 1",
		   ret, ret ? strerror(err) : "ok", hdr.count))
		return;

	sz = sizeof(*info) + hdr.count * sizeof(info->devices[0]);
	info = calloc(1, sz);
	if (!check(info, "extra-hot-reset-info-self", "calloc: %s",
		   strerror(errno)))
		return;
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
	check(!ret && found && !(info->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID),
	      "extra-hot-reset-info-self",
	      "ioctl returned %d (%s), flags %#x, %u entries: %s (group %d) %s",
	      ret, ret ? strerror(err) : "ok", info->flags, info->count,
	      d->bdf, d->group_id, found ? "listed" : "not listed");
out:
	free(info);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	struct vdev d;
	void *bar;

	if (argc != 2) {
		fprintf(stderr, "usage: t_pci_extra BDF\n");
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	if (!check(vu_open(&d, argv[1], true), "extra-open", "%s", d.why)) {
		vu_close(&d);
		return check_exit();
	}
	bar = edu_map_bar0(&d);
	if (check(bar, "extra-bar0-mmap", "mmap BAR0: %s", strerror(errno))) {
		mmap_revoke(&d, bar);
		mmap_reset(&d, bar);
		munmap(bar, EDU_BAR0_SIZE);
	}
	hot_reset_info(&d);
	vu_close(&d);
	return check_exit();
}
