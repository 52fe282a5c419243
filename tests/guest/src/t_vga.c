// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy VGA region of a VGA-class function (QEMU's std VGA): the
 * 0xa0000-0xbffff memory and the 0x3b0-0x3bb and 0x3c0-0x3df ports, at
 * their own addresses inside region VFIO_PCI_VGA_REGION_INDEX. With
 * vfio-pci's disable_vga=1 the region is not offered.
 *
 *   t_vga vga BDF vga-on|vga-off     (BDF bound to vfio-pci)
 */
#include "vfio_util.h"

#define VGA_SEQ_INDEX	0x3c4	/* sequencer index: reads back what was written */

static ssize_t vga_rw(struct vdev *d, __u64 base, __u64 off, void *buf,
		      size_t len, bool write)
{
	return write ? pwrite(d->device, buf, len, base + off) :
		       pread(d->device, buf, len, base + off);
}

static void vga_on(struct vdev *d)
{
	struct vfio_region_info info;
	__u8 v, back, old;
	__u32 word;
	ssize_t n;
	int i, ret;
	static const __u64 gaps[] = { 0x0, 0x3af, 0x3bc, 0x3bf, 0x3e0,
				      0x9ffff, 0xc0000 };

	ret = vu_region_info(d->device, VFIO_PCI_VGA_REGION_INDEX, &info);
	if (!check(ret == 0 && info.size == 0xc0000 &&
		   (info.flags & VFIO_REGION_INFO_FLAG_READ) &&
		   (info.flags & VFIO_REGION_INFO_FLAG_WRITE) &&
		   !(info.flags & VFIO_REGION_INFO_FLAG_MMAP),
		   "vga-region-info",
		   "VGA region info: ret %d (%s), size %#llx (want 0xc0000), flags %#x (want read, write, no mmap)",
		   ret, ret ? strerror(errno) : "ok",
		   (unsigned long long)info.size, info.flags))
		return;

	/* The sequencer index register reads back what was written. */
	n = vga_rw(d, info.offset, VGA_SEQ_INDEX, &old, 1, false);
	for (i = 0, ret = 0; i < 2 && n == 1; i++) {
		v = i ? 0x04 : 0x02;
		back = 0xff;
		if (vga_rw(d, info.offset, VGA_SEQ_INDEX, &v, 1, true) != 1 ||
		    vga_rw(d, info.offset, VGA_SEQ_INDEX, &back, 1, false) != 1 ||
		    back != v)
			ret = -1;
	}
	check(n == 1 && ret == 0, "vga-io-readback",
	      "port 0x3c4 through the region: first read %zd (%s), write/read back %s",
	      n, n < 0 ? strerror(errno) : "ok", ret ? "differs" : "ok");
	if (n == 1)
		vga_rw(d, info.offset, VGA_SEQ_INDEX, &old, 1, true);

	/* The legacy memory window reads. */
	n = vga_rw(d, info.offset, 0xa0000, &word, 4, false);
	check(n == 4, "vga-mem-read", "4 bytes at 0xa0000: %zd (%s)", n,
	      n < 0 ? strerror(errno) : "short");

	/* An access is clipped at the end of its window, as upstream. */
	n = vga_rw(d, info.offset, 0x3b8, &word, 4 + 4, false);
	check(n == 4, "vga-io-read-clipped",
	      "8 bytes at 0x3b8 (window ends at 0x3bc): got %zd (%s), want 4",
	      n, n < 0 ? strerror(errno) : "ok");

	/* Between and outside the windows: EINVAL. */
	for (i = 0, ret = 0; i < (int)ARRAY_SIZE(gaps); i++) {
		n = vga_rw(d, info.offset, gaps[i], &v, 1, false);
		if (n != -1 || errno != EINVAL) {
			ret = -1;
			break;
		}
	}
	check(ret == 0, "vga-gaps-einval",
	      "a read at %#llx of the VGA region returned %zd (%s), want EINVAL",
	      ret ? (unsigned long long)gaps[i] : 0ULL, n,
	      n < 0 ? strerror(errno) : "no error");
}

static void vga_off(struct vdev *d)
{
	struct vfio_region_info info;
	ssize_t n;
	__u8 v;
	int ret, err;

	ret = vu_region_info(d->device, VFIO_PCI_VGA_REGION_INDEX, &info);
	err = errno;
	check(ret == -1 && err == EINVAL, "vga-disabled-info",
	      "VGA region info with disable_vga=1: ret %d (%s), want EINVAL",
	      ret, ret ? strerror(err) : "ok");
	n = pread(d->device, &v, 1,
		  VFIO_PCI_VGA_REGION_INDEX * (1ULL << 40) + VGA_SEQ_INDEX);
	err = errno;
	check(n == -1 && err == EINVAL, "vga-disabled-read",
	      "a read of port 0x3c4 with disable_vga=1: %zd (%s), want EINVAL",
	      n, n < 0 ? strerror(err) : "ok");
}

int main(int argc, char **argv)
{
	struct vdev d;

	if (argc != 4 || strcmp(argv[1], "vga") ||
	    (strcmp(argv[3], "vga-on") && strcmp(argv[3], "vga-off"))) {
		fprintf(stderr, "usage: t_vga vga BDF vga-on|vga-off\n");
		return 2;
	}
	if (check(vu_open(&d, argv[2], true),
		  strcmp(argv[3], "vga-on") ? "vga-off-open" : "vga-on-open",
		  "%s", d.why)) {
		if (!strcmp(argv[3], "vga-on"))
			vga_on(&d);
		else
			vga_off(&d);
	}
	vu_close(&d);
	return check_exit();
}
