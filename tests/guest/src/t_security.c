// SPDX-License-Identifier: GPL-2.0
/*
 * What VFIO must keep from a process that should not have it:
 *
 *  - permission: the group node is root's alone (0600) while the container
 *    node is everyone's (0666), so a process without permission on the
 *    group gets EACCES and nothing else; given the node (chown, as
 *    libvirt does), the same unprivileged process reaches the device,
 *    which shows the refusal was the permission and nothing else;
 *  - release: once a device is released, its previous owner's mappings
 *    are gone from the IOMMU. The next owner's device can neither write
 *    into nor read from them, whether the previous owner still holds its
 *    container or has exited; mapped again, the same IOVA does reach the
 *    memory (the control);
 *  - revocation: a BAR mapping's page tables are torn down when memory
 *    decode is turned off and when the device is reset, so the next
 *    access faults (and waits for the device) instead of reaching it
 *    behind vfio-pci's back. Counted as page faults of this thread: a
 *    second access to a live mapping takes none.
 *
 * A device fd from a group that is not viable: t_viability.
 *
 *   t_security EDU_BDF [NVME_BDF]     (both bound to vfio-pci)
 */
#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "vfio_util.h"

#define NOBODY		65534
#define IOVA_SRC	0x100000UL
#define IOVA_OLD	0x200000UL	/* the previous owner's mapping */
#define IOVA_DST	0x300000UL
#define LEN		VU_PAGE
#define XFER		EDU_DMA_XFER
#define OWNER_BYTE	0x0f
#define SECRET_BYTE	0x5a
#define NEW_BYTE	0xa5
#define UNTOUCHED	0x11	/* @dst before the device writes it */
#define NVME_CAP	0x00

static bool any_byte(const unsigned char *p, size_t len, unsigned char v)
{
	return memchr(p, v, len) != NULL;
}

/* --- permission --- */

/* errno of each step an unprivileged process took, 0 for success. */
struct unpriv_report {
	int setuid_err;
	int container_err;
	int group_err;
	int device_err;
	int map_err;
};

static int step(bool ok)
{
	return ok ? 0 : (errno ? errno : EIO);
}

/* As uid/gid nobody: container, group, device, a one-page MAP_DMA. */
static void unpriv_child(const char *bdf, const char *path, int wfd)
{
	struct unpriv_report r = { 0 };
	int container = -1, group = -1, device = -1;
	void *buf = vu_alloc(LEN);

	r.setuid_err = step(!setgroups(0, NULL) && !setgid(NOBODY) &&
			    !setuid(NOBODY) && getuid() == NOBODY);
	if (r.setuid_err)
		goto out;
	container = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	r.container_err = step(container >= 0);
	group = open(path, O_RDWR | O_CLOEXEC);
	r.group_err = step(group >= 0);
	if (container < 0 || group < 0)
		goto out;
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		r.device_err = step(false);
		goto out;
	}
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	r.device_err = step(device >= 0);
	r.map_err = step(buf && !vu_map(container, buf, IOVA_SRC, LEN));
out:
	if (write(wfd, &r, sizeof(r)) != sizeof(r))
		_exit(3);
	_exit(0);
}

static bool unpriv_try(const char *bdf, const char *path,
		       struct unpriv_report *r)
{
	int p[2], st;
	pid_t pid;
	bool ok;

	if (pipe(p))
		return false;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		unpriv_child(bdf, path, p[1]);
	}
	close(p[1]);
	ok = pid > 0 && read(p[0], r, sizeof(*r)) == sizeof(*r);
	close(p[0]);
	if (pid > 0)
		ok &= waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
			!WEXITSTATUS(st);
	return ok;
}

static void test_permission(const char *bdf)
{
	struct unpriv_report r;
	struct stat gs, cs;
	char path[64];
	int gid = vu_group_of(bdf);

	snprintf(path, sizeof(path), "/dev/vfio/%d", gid);
	if (!check(gid >= 0 && !stat(path, &gs) && !stat(VU_CONTAINER, &cs),
		   "security-nodes", "%s has no group node (group %d): %s",
		   bdf, gid, strerror(errno)))
		return;
	check(gs.st_uid == 0 && (gs.st_mode & 0777) == 0600,
	      "security-group-node-root-only",
	      "%s: uid %u mode %04o, want uid 0 mode 0600", path,
	      gs.st_uid, gs.st_mode & 0777);
	check((cs.st_mode & 0777) == 0666, "security-container-node-open",
	      "%s: mode %04o, want 0666", VU_CONTAINER, cs.st_mode & 0777);

	if (!check(unpriv_try(bdf, path, &r) && !r.setuid_err,
		   "security-unpriv-child", "the child as nobody failed: %s",
		   vu_errname(r.setuid_err)))
		return;
	check(!r.container_err && r.group_err == EACCES,
	      "security-group-eacces",
	      "as nobody: open %s %s, open %s %s (want ok and EACCES)",
	      VU_CONTAINER, vu_errname(r.container_err), path,
	      vu_errname(r.group_err));

	if (!check(!chown(path, NOBODY, NOBODY), "security-group-chown",
		   "chown %s to nobody: %s", path, strerror(errno)))
		return;
	memset(&r, 0, sizeof(r));
	unpriv_try(bdf, path, &r);
	check(!r.setuid_err && !r.container_err && !r.group_err &&
	      !r.device_err && !r.map_err, "security-group-granted",
	      "as nobody with %s chowned to it: group %s, device %s, MAP_DMA %s (want all ok)",
	      path, vu_errname(r.group_err), vu_errname(r.device_err),
	      vu_errname(r.map_err));
	check(!chown(path, 0, 0) && !stat(path, &gs) && gs.st_uid == 0,
	      "security-group-chown-back", "chown %s back to root: %s",
	      path, strerror(errno));
}

/* --- release --- */

/* Open edu with BAR0 mapped and bus mastering on; NULL with @d->why. */
static void *open_edu(struct vdev *d, const char *bdf)
{
	void *bar;

	if (!vu_open(d, bdf, true))
		return NULL;
	bar = edu_map_bar0(d);
	if (!bar) {
		snprintf(d->why, sizeof(d->why), "BAR0 mmap: %s",
			 strerror(errno));
		return NULL;
	}
	if (!vu_bus_master(d, true)) {
		snprintf(d->why, sizeof(d->why), "bus mastering stays off");
		munmap(bar, EDU_BAR0_SIZE);
		return NULL;
	}
	return bar;
}

/*
 * The previous owner: maps @secret at IOVA_OLD, proves its device reaches
 * it, fills it with SECRET_BYTE, releases the device (device and group
 * fds closed, container kept), says so on @wfd, exits when @rfd says.
 */
static void owner_child(const char *bdf, unsigned char *secret, int wfd,
			int rfd)
{
	unsigned char *src = vu_alloc(LEN);
	char ok = 0, go;
	struct vdev d;
	void *bar = open_edu(&d, bdf);

	if (bar && src) {
		memset(src, OWNER_BYTE, LEN);
		memset(secret, 0, LEN);
		ok = !vu_map(d.container, src, IOVA_SRC, LEN) &&
			!vu_map(d.container, secret, IOVA_OLD, LEN) &&
			edu_dma(bar, IOVA_SRC, 0, XFER, false) &&
			edu_dma(bar, IOVA_OLD, 0, XFER, true) &&
			vu_all_bytes(secret, XFER, OWNER_BYTE);
		vu_bus_master(&d, false);
	}
	memset(secret, SECRET_BYTE, LEN);
	if (bar)
		munmap(bar, EDU_BAR0_SIZE);
	close(d.device);
	close(d.group);
	if (write(wfd, &ok, 1) != 1 || read(rfd, &go, 1) != 1)
		_exit(3);
	_exit(0);
}

/*
 * The next owner's device writes NEW_BYTE to IOVA_OLD and reads IOVA_OLD
 * into IOVA_DST; @secret must keep SECRET_BYTE and @dst must not get it.
 */
static void probe_old(const char *when, void *bar, unsigned char *secret,
		      unsigned char *dst)
{
	char name[64];

	memset(dst, UNTOUCHED, LEN);
	edu_dma(bar, IOVA_SRC, 0, XFER, false);
	edu_dma(bar, IOVA_OLD, 0, XFER, true);
	snprintf(name, sizeof(name), "security-release-%s-no-write", when);
	check(vu_all_bytes(secret, LEN, SECRET_BYTE), name,
	      "the next owner's DMA to IOVA %#lx reached the previous owner's page (first byte %#x)",
	      IOVA_OLD, secret[0]);
	edu_dma(bar, IOVA_OLD, 0, XFER, false);
	edu_dma(bar, IOVA_DST, 0, XFER, true);
	snprintf(name, sizeof(name), "security-release-%s-no-read", when);
	check(!any_byte(dst, XFER, SECRET_BYTE) &&
	      !any_byte(dst, XFER, UNTOUCHED), name,
	      "after a DMA read of IOVA %#lx the next owner got %#x (the secret is %#x, %#x means the DMA to IOVA %#lx never came)",
	      IOVA_OLD, dst[0], SECRET_BYTE, UNTOUCHED, IOVA_DST);
}

static void test_release(const char *bdf)
{
	unsigned char *secret, *src, *dst;
	int up[2] = { -1, -1 }, down[2] = { -1, -1 }, st;
	long long pins0, pins1;
	void *bar = NULL;
	pid_t pid = -1;
	struct vdev d;
	char ok = 0;

	vu_init(&d, bdf);
	secret = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	src = vu_alloc(LEN);
	dst = vu_alloc(LEN);
	pins0 = vu_pinned_pages();
	if (!check(secret != MAP_FAILED && src && dst && !pipe(up) &&
		   !pipe(down), "security-release-setup", "buffers or pipes: %s",
		   strerror(errno)))
		goto out;
	pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		owner_child(bdf, secret, up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	if (!check(pid > 0 && read(up[0], &ok, 1) == 1 && ok,
		   "security-release-owner",
		   "the previous owner could not map its page and DMA into it"))
		goto out;

	bar = open_edu(&d, bdf);
	if (!check(bar, "security-release-reopen",
		   "the next owner's open: %s", d.why))
		goto out;
	memset(src, NEW_BYTE, LEN);
	if (!check(!vu_map(d.container, src, IOVA_SRC, LEN) &&
		   !vu_map(d.container, dst, IOVA_DST, LEN),
		   "security-release-map", "MAP_DMA: %s", strerror(errno)))
		goto out;
	probe_old("owner-alive", bar, secret, dst);

	/* The previous owner exits: its container goes too. */
	if (write(down[1], "x", 1) != 1 || waitpid(pid, &st, 0) != pid)
		st = -1;
	pid = -1;
	check(st == 0, "security-release-owner-exit",
	      "the previous owner ended with status %#x", st);
	probe_old("owner-gone", bar, secret, dst);

	/* Control: mapped again, the same IOVA is reached. */
	check(!vu_map(d.container, secret, IOVA_OLD, LEN) &&
	      edu_dma(bar, IOVA_SRC, 0, XFER, false) &&
	      edu_dma(bar, IOVA_OLD, 0, XFER, true) &&
	      vu_all_bytes(secret, XFER, NEW_BYTE), "security-release-control",
	      "mapped by the next owner, IOVA %#lx was not reached (first byte %#x)",
	      IOVA_OLD, secret[0]);
	vu_unmap(d.container, 0, 1ULL << 32, NULL);
	pins1 = vu_pinned_pages();
	check(pins0 == pins1, "security-release-pins",
	      "pinned pages %lld before, %lld with every mapping gone",
	      pins0, pins1);
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (bar) {
		vu_bus_master(&d, false);
		munmap(bar, EDU_BAR0_SIZE);
	}
	vu_close(&d);
	for (st = 0; st < 2; st++) {
		if (up[st] >= 0)
			close(up[st]);
		if (down[st] >= 0)
			close(down[st]);
	}
	if (secret != MAP_FAILED)
		munmap(secret, LEN);
	if (src)
		munmap(src, LEN);
	if (dst)
		munmap(dst, LEN);
}

/* --- revocation --- */

static long faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/*
 * Read @reg through @bar after @revoke(@d): the access must fault once
 * (the mapping was torn down) while a repeated one does not.
 */
static void revoke_check(const char *name, struct vdev *d, void *bar,
			 __u32 reg, bool (*revoke)(struct vdev *d))
{
	__u32 v0 = 0, v1 = 0, v2 = 0;
	char control[64], step[64];
	long f0, f1, f2;
	bool ok;

	ok = vu_read32((char *)bar + reg, &v0);
	f0 = faults();
	ok &= vu_read32((char *)bar + reg, &v1);
	f1 = faults();
	snprintf(control, sizeof(control), "%s-control", name);
	snprintf(step, sizeof(step), "%s-step", name);
	if (!check(ok && f1 == f0 && v0 == v1, control,
		   "two reads of a live mapping: %#x then %#x, %ld faults between (want 0)",
		   v0, v1, f1 - f0))
		return;
	if (!check(revoke(d), step, "%s", d->why))
		return;
	f1 = faults();
	ok = vu_read32((char *)bar + reg, &v2);
	f2 = faults();
	check(ok && f2 > f1 && v2 == v0, name,
	      "the first read after: %s %#x (want %#x) with %ld faults (want at least 1)",
	      ok ? "read" : "SIGBUS", v2, v0, f2 - f1);
}

static bool memory_cycle(struct vdev *d)
{
	__u16 cmd = vu_cfg_read16(d, PCI_COMMAND);

	if (!vu_cfg_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY) ||
	    !vu_cfg_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_MEMORY)) {
		snprintf(d->why, sizeof(d->why), "command register write: %s",
			 strerror(errno));
		return false;
	}
	return true;
}

static bool device_reset(struct vdev *d)
{
	if (ioctl(d->device, VFIO_DEVICE_RESET)) {
		snprintf(d->why, sizeof(d->why), "VFIO_DEVICE_RESET: %s",
			 strerror(errno));
		return false;
	}
	return true;
}

static void test_revoke(const char *bdf, bool reset)
{
	const char *name = reset ? "security-bar-zap-reset" :
		"security-bar-zap-memory-off";
	char open_name[64], mmap_name[64];
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info bar0;
	struct vdev d;
	void *bar = MAP_FAILED;

	snprintf(open_name, sizeof(open_name), "%s-open", name);
	snprintf(mmap_name, sizeof(mmap_name), "%s-mmap", name);
	if (!check(vu_open(&d, bdf, true) &&
		   !vu_region_info(d.device, VFIO_PCI_BAR0_REGION_INDEX, &bar0) &&
		   !ioctl(d.device, VFIO_DEVICE_GET_INFO, &info), open_name,
		   "open %s: %s", bdf, d.why))
		goto out;
	if (reset && !(info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		not_applicable(name, "%s reports no reset", bdf);
		goto out;
	}
	bar = mmap(NULL, bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   d.device, bar0.offset);
	if (!check(bar != MAP_FAILED, mmap_name, "BAR0 mmap: %s", strerror(errno)))
		goto out;
	/* NVMe's CAP register or edu's ID: both constant across a reset. */
	revoke_check(name, &d, bar, reset ? NVME_CAP : EDU_ID,
		     reset ? device_reset : memory_cycle);
out:
	if (bar != MAP_FAILED)
		munmap(bar, bar0.size);
	vu_close(&d);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: t_security EDU_BDF [NVME_BDF]\n");
		return 2;
	}
	vu_catch_sigbus();
	test_permission(argv[1]);
	test_release(argv[1]);
	test_revoke(argv[1], false);
	if (argc == 3)
		test_revoke(argv[2], true);
	else
		not_applicable("security-bar-zap-reset",
			       "no resettable function (the NVMe) was given");
	return check_exit();
}
