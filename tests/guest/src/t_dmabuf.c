// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_FEATURE_DMA_BUF (upstream 6.19) on a vfio-pci function:
 *  - PROBE of GET answers 0, PROBE of SET EINVAL;
 *  - GET exports page-aligned slices of a memory BAR as a dma-buf fd of
 *    their total size, with the open flags asked for; closing the fd frees
 *    the buffer (seen in debugfs' dma_buf/bufinfo when debugfs mounts);
 *  - bad requests get upstream's errno: EINVAL for SET, a short argsz,
 *    unknown flags, no ranges, an empty, unaligned or out-of-BAR range;
 *    ENODEV for an unimplemented BAR, the ROM, config or any index past
 *    the BARs; EOVERFLOW for a range whose end wraps (an I/O BAR, EINVAL
 *    upstream, is not tested: QEMU's NVMe has none);
 *  - a buffer outlives its device fd: closing the device revokes it, the
 *    device opens again, and vfio-pci unbinds from the function (which
 *    waits for every user of the device) while the buffer's fd is open.
 * Where the kernel (bundle) or the in-tree vfio (--in-tree) has no such
 * feature, it answers ENOTTY and every check is N/A with the reason.
 *
 *   t_dmabuf BDF NAME      (a function with a memory BAR 0 bound to
 *                           vfio-pci; NAME prefixes the check names)
 */
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vfio_util.h"

#define PAGE		4096ULL
#define BUFINFO		"/sys/kernel/debug/dma_buf/bufinfo"
#define MAX_RANGES	4

static const char *const all_checks[] = {
	"dmabuf-probe", "dmabuf-probe-set", "dmabuf-export",
	"dmabuf-export-fd", "dmabuf-export-cloexec", "dmabuf-export-size",
	"dmabuf-bufinfo", "dmabuf-close-frees", "dmabuf-two-ranges",
	"dmabuf-set", "dmabuf-argsz-short", "dmabuf-flags-unknown",
	"dmabuf-nr-ranges-zero", "dmabuf-region-rom", "dmabuf-region-config",
	"dmabuf-region-past", "dmabuf-region-empty", "dmabuf-length-zero",
	"dmabuf-offset-unaligned", "dmabuf-length-unaligned",
	"dmabuf-range-past-bar", "dmabuf-range-overflow",
	"dmabuf-survives-device-close", "dmabuf-reopen-after-close",
	"dmabuf-unbind-with-fd-open",
};

struct req {
	struct vfio_device_feature hdr;
	struct vfio_device_feature_dma_buf db;
	struct vfio_region_dma_range r[MAX_RANGES];
};

static int dma_buf_ioctl(int dev, __u32 op, __u32 argsz, __u32 region,
			 __u32 open_flags, __u32 flags, __u32 nr,
			 const struct vfio_region_dma_range *r)
{
	struct req q;

	memset(&q, 0, sizeof(q));
	q.hdr.argsz = argsz ? argsz : sizeof(q.hdr) + sizeof(q.db) +
					  nr * sizeof(q.r[0]);
	q.hdr.flags = op | VFIO_DEVICE_FEATURE_DMA_BUF;
	q.db.region_index = region;
	q.db.open_flags = open_flags;
	q.db.flags = flags;
	q.db.nr_ranges = nr;
	if (r && nr)
		memcpy(q.r, r, (nr > MAX_RANGES ? MAX_RANGES : nr) *
		       sizeof(q.r[0]));
	return ioctl(dev, VFIO_DEVICE_FEATURE, &q);
}

static int export1(int dev, __u32 region, __u64 off, __u64 len)
{
	struct vfio_region_dma_range r = { .offset = off, .length = len };

	return dma_buf_ioctl(dev, VFIO_DEVICE_FEATURE_GET, 0, region,
			     O_RDWR | O_CLOEXEC, 0, 1, &r);
}

static void expect(int ret, int want, const char *name, const char *what)
{
	int err = errno;

	if (ret >= 0)
		close(ret);
	check(ret == -1 && err == want, name,
	      "%s returned %d (%s), want -1 (%s)", what, ret,
	      ret == -1 ? strerror(err) : "no error", strerror(want));
}

/* Lines of debugfs' bufinfo exported by vfio-pci-core, or -1. */
static int bufinfo_count(void)
{
	char line[512];
	int n = 0;
	FILE *f;

	f = fopen(BUFINFO, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "vfio_pci_core"))
			n++;
	fclose(f);
	return n;
}

static bool debugfs_up(void)
{
	if (access(BUFINFO, R_OK) == 0)
		return true;
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	return access(BUFINFO, R_OK) == 0;
}

static void export_and_free(int dev, __u64 bar_size)
{
	struct vfio_region_dma_range two[2] = {
		{ .offset = 0, .length = PAGE },
		{ .offset = bar_size - PAGE, .length = PAGE },
	};
	char link[128] = "", path[64];
	int fd, fdflags, before = -1, during = -1, after = -1;
	bool dbg = debugfs_up();
	ssize_t n;
	off_t size;

	if (dbg)
		before = bufinfo_count();
	fd = export1(dev, 0, 0, PAGE);
	if (!check(fd >= 0, "dmabuf-export",
		   "GET of BAR 0 [0, 4096): %s", strerror(errno))) {
		not_applicable("dmabuf-export-fd", "no dma-buf");
		not_applicable("dmabuf-export-cloexec", "no dma-buf");
		not_applicable("dmabuf-export-size", "no dma-buf");
		not_applicable("dmabuf-bufinfo", "no dma-buf");
		not_applicable("dmabuf-close-frees", "no dma-buf");
		goto two;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0)
		link[n] = 0;
	check(n > 0 && strstr(link, "dmabuf"), "dmabuf-export-fd",
	      "fd %d is '%s', want a dmabuf", fd, n > 0 ? link : "?");
	fdflags = fcntl(fd, F_GETFD);
	check(fdflags >= 0 && (fdflags & FD_CLOEXEC), "dmabuf-export-cloexec",
	      "open_flags O_CLOEXEC: F_GETFD %#x", fdflags);
	size = lseek(fd, 0, SEEK_END);
	check(size == (off_t)PAGE, "dmabuf-export-size",
	      "lseek(SEEK_END) %lld, want 4096", (long long)size);
	if (dbg) {
		during = bufinfo_count();
		check(during == before + 1, "dmabuf-bufinfo",
		      "vfio_pci_core buffers in bufinfo: %d before, %d with one exported",
		      before, during);
	} else {
		not_applicable("dmabuf-bufinfo", "debugfs does not mount here");
	}
	close(fd);
	if (dbg) {
		after = bufinfo_count();
		check(after == before, "dmabuf-close-frees",
		      "vfio_pci_core buffers in bufinfo: %d before, %d after close",
		      before, after);
	} else {
		not_applicable("dmabuf-close-frees",
			       "debugfs does not mount here");
	}
two:
	fd = dma_buf_ioctl(dev, VFIO_DEVICE_FEATURE_GET, 0, 0, O_RDWR, 0, 2,
			   two);
	size = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	check(fd >= 0 && size == (off_t)(2 * PAGE), "dmabuf-two-ranges",
	      "GET of the first and last page of BAR 0: fd %d (%s), size %lld, want 8192",
	      fd, fd < 0 ? strerror(errno) : "ok", (long long)size);
	if (fd >= 0)
		close(fd);
}

/* A BAR index below the ROM whose region is empty (no memory BAR). */
static int empty_bar(int dev)
{
	struct vfio_region_info ri;
	int i;

	for (i = 1; i < VFIO_PCI_ROM_REGION_INDEX; i++)
		if (!vu_region_info(dev, i, &ri) && !ri.size)
			return i;
	return -1;
}

static void bad_input(int dev, __u64 bar_size)
{
	const __u32 get = VFIO_DEVICE_FEATURE_GET;
	struct vfio_region_dma_range r = { .offset = 0, .length = PAGE };
	const __u32 short_argsz = sizeof(struct vfio_device_feature) +
				  sizeof(struct vfio_device_feature_dma_buf) - 1;
	int bar = empty_bar(dev);

	expect(dma_buf_ioctl(dev, VFIO_DEVICE_FEATURE_SET, 0, 0, O_RDWR, 0, 1,
			     &r), EINVAL, "dmabuf-set", "SET of DMA_BUF");
	expect(dma_buf_ioctl(dev, get, short_argsz, 0, O_RDWR, 0, 1, &r),
	       EINVAL, "dmabuf-argsz-short", "GET with argsz one byte short");
	expect(dma_buf_ioctl(dev, get, 0, 0, O_RDWR, 1, 1, &r), EINVAL,
	       "dmabuf-flags-unknown", "GET with flags 1");
	expect(dma_buf_ioctl(dev, get, 0, 0, O_RDWR, 0, 0, NULL), EINVAL,
	       "dmabuf-nr-ranges-zero", "GET with no ranges");
	expect(export1(dev, VFIO_PCI_ROM_REGION_INDEX, 0, PAGE), ENODEV,
	       "dmabuf-region-rom", "GET of the ROM region");
	expect(export1(dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, PAGE), ENODEV,
	       "dmabuf-region-config", "GET of the config region");
	expect(export1(dev, 1000, 0, PAGE), ENODEV, "dmabuf-region-past",
	       "GET of region 1000");
	if (bar > 0)
		expect(export1(dev, bar, 0, PAGE), ENODEV,
		       "dmabuf-region-empty", "GET of an empty BAR");
	else
		not_applicable("dmabuf-region-empty",
			       "every BAR of the function is populated");
	expect(export1(dev, 0, 0, 0), EINVAL, "dmabuf-length-zero",
	       "GET of an empty range");
	expect(export1(dev, 0, 512, PAGE), EINVAL, "dmabuf-offset-unaligned",
	       "GET of [512, 4608)");
	expect(export1(dev, 0, 0, 512), EINVAL, "dmabuf-length-unaligned",
	       "GET of [0, 512)");
	expect(export1(dev, 0, bar_size, PAGE), EINVAL, "dmabuf-range-past-bar",
	       "GET of the page after BAR 0");
	expect(export1(dev, 0, ~(PAGE - 1), PAGE), EOVERFLOW,
	       "dmabuf-range-overflow", "GET of a range ending past 2^64");
}

/* Unbind @bdf from its driver, giving up after 20 s. */
static bool let_go(const char *bdf, char *why, size_t len)
{
	char path[128];
	pid_t pid;
	int st = 0, i;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
		 bdf);
	pid = fork();
	if (pid == 0)
		_exit(vu_write_str(path, bdf) ? 0 : 1);
	for (i = 0; i < 200; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		vu_sleep_ms(100);
	}
	if (i == 200) {
		snprintf(why, len, "unbind still waiting after 20 s");
		return false;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, len, "unbind failed");
		return false;
	}
	return true;
}

static void outlive_device(struct vdev *d)
{
	char why[128] = "";
	int fd, fd2;
	bool ok;

	fd = export1(d->device, 0, 0, PAGE);
	if (fd < 0) {
		check(false, "dmabuf-survives-device-close",
		      "GET of BAR 0 [0, 4096): %s", strerror(errno));
		not_applicable("dmabuf-reopen-after-close", "no dma-buf");
		not_applicable("dmabuf-unbind-with-fd-open", "no dma-buf");
		return;
	}
	close(d->device);
	d->device = -1;
	check(lseek(fd, 0, SEEK_END) == (off_t)PAGE,
	      "dmabuf-survives-device-close",
	      "the buffer's fd after the device fd closed: %s",
	      strerror(errno));

	fd2 = vu_get_device(d, d->group) ? export1(d->device, 0, 0, PAGE) : -1;
	check(fd2 >= 0, "dmabuf-reopen-after-close",
	      "device fd %d, a new buffer %d: %s", d->device, fd2,
	      strerror(errno));
	if (fd2 >= 0)
		close(fd2);

	/* Nothing of the device open but the first buffer's fd. */
	vu_close(d);
	ok = let_go(d->bdf, why, sizeof(why));
	check(ok, "dmabuf-unbind-with-fd-open", "%s", why);
	close(fd);
	/* Back to vfio-pci (driver_override still names it). */
	if (ok)
		vu_write_str("/sys/bus/pci/drivers_probe", d->bdf);
}

int main(int argc, char **argv)
{
	char prefix[64];
	struct vfio_region_info bar0;
	struct vdev d;
	__u16 cmd;
	unsigned int i;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: t_dmabuf BDF NAME\n");
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "%s-", argv[2]);
	check_set_prefix(prefix);

	if (!vu_open(&d, argv[1], true)) {
		check(false, "dmabuf-open", "%s", d.why);
		return check_exit();
	}

	ret = dma_buf_ioctl(d.device, VFIO_DEVICE_FEATURE_PROBE |
			    VFIO_DEVICE_FEATURE_GET, 0, 0, 0, 0, 0, NULL);
	if (ret == -1 && errno == ENOTTY) {
		for (i = 0; i < ARRAY_SIZE(all_checks); i++)
			not_applicable(all_checks[i], "%s",
				       vu_bundle() ?
				       "this kernel has no P2P dma-buf export (dma_buf_phys_vec_to_sgt, pcim_p2pdma_provider, CONFIG_PCI_P2PDMA): DMA_BUF answers ENOTTY" :
				       "the in-tree vfio-pci of this kernel predates VFIO_DEVICE_FEATURE_DMA_BUF (upstream 6.19) and answers ENOTTY");
		vu_close(&d);
		return check_exit();
	}
	check(ret == 0, "dmabuf-probe", "PROBE|GET returned %d (%s), want 0",
	      ret, ret ? strerror(errno) : "ok");
	expect(dma_buf_ioctl(d.device, VFIO_DEVICE_FEATURE_PROBE |
			     VFIO_DEVICE_FEATURE_SET, 0, 0, 0, 0, 0, NULL),
	       EINVAL, "dmabuf-probe-set", "PROBE|SET");

	if (vu_region_info(d.device, VFIO_PCI_BAR0_REGION_INDEX, &bar0) ||
	    bar0.size < 2 * PAGE) {
		check(false, "dmabuf-bar0", "BAR 0 info: %s, size %llu",
		      strerror(errno), (unsigned long long)bar0.size);
		vu_close(&d);
		return check_exit();
	}

	/* Memory decode on, as a user of the BAR would have it. */
	cmd = vu_cfg_read16(&d, 0x04);
	vu_cfg_write16(&d, 0x04, cmd | 0x2);

	export_and_free(d.device, bar0.size);
	bad_input(d.device, bar0.size);
	outlive_device(&d);

	vu_close(&d);
	return check_exit();
}
