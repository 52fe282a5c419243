// SPDX-License-Identifier: GPL-2.0
/*
 * One instance of the bundle's sample mdev parent (samples/mdev), seen as
 * a VMM sees it: a vfio-pci device in an emulated IOMMU group, opened
 * through a Type1 v2 container by its UUID.
 *
 *   t_mdev check UUID
 *	device and region info; config space (IDs, class, the MSI
 *	capability, the command register's writable bits, BAR0 sizing,
 *	access sizes); BAR0's registers and RAM; the MSI and REQ
 *	interrupts; DMA between two mappings in both directions, with every
 *	error status; for the pin type, pins held until UNMAP_DMA,
 *	DEVICE_RESET or close, with the pinned-page counters and locked_vm
 *	moving in step, and pins taken for a DMA that another process
 *	starts; an open device holds the parent's module; and
 *	nothing left behind afterwards (pins, locked_vm, module references).
 *   t_mdev hold UUID
 *	removing the instance while it is open: the remove waits, the REQ
 *	eventfd asks for the device, closing it lets the remove finish, the
 *	group goes and the pins with it. Exit status 124: the remove was
 *	still blocked 15 s after the close, and is left behind.
 *   t_mdev write FILE VALUE
 *	write VALUE to FILE (a sysfs attribute) and print the result: OK,
 *	the errno's name (EINVAL, ...), or STUCK if the write has not
 *	returned within 20 s (then it is left behind, not waited for); then
 *	the kernel log lines that came meanwhile, one a line.
 *
 * Check names start with "mdev-rw-" or "mdev-pin-" after the instance's
 * type, which is read from sysfs, not from the device.
 */
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "vfio_util.h"

#define MDEV_DEVICES	"/sys/bus/mdev/devices"
#define PARENT_MODULE	"mdev_sample"

/* The sample device (samples/mdev/mdev_sample.c). */
#define MS_VENDOR	0x1234
#define MS_DEVICE_RW	0x5a01
#define MS_DEVICE_PIN	0x5a02
#define MS_CLASS	0xff0000
#define MS_CFG_SIZE	256
#define MS_MSI_CAP	0x40
#define MS_CMD_WRITABLE	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
			 PCI_COMMAND_INTX_OFF)
#define MS_NUM_REGIONS	9
#define MS_NUM_IRQS	5

/* BAR0 registers: 4-byte accesses at 4-byte aligned offsets. */
#define MS_ID		0x00
#define  MS_ID_VALUE	0x4d444556U
#define MS_TYPE		0x04
#define MS_SCRATCH	0x08
#define MS_IRQ		0x0c
#define MS_DMA_SRC	0x10	/* low word; high word at +4 */
#define MS_DMA_DST	0x18
#define MS_DMA_LEN	0x20
#define  MS_DMA_MAX	0x10000U
#define MS_DMA_CMD	0x24
#define  MS_DMA_RUN	0x1
#define  MS_DMA_MSI	0x2
#define MS_DMA_STATUS	0x28
#define MS_PINNED	0x2c
#define MS_RAM		0x100	/* to the end of BAR0, any access size */

/* Where the tests map their buffers. */
#define IOVA_A		0x100000ULL
#define IOVA_B		0x123400000ULL	/* above 4 GiB: the high words */
#define IOVA_C		0x200000ULL	/* read-only mapping */
#define IOVA_D		0x300000ULL	/* write-only mapping */
#define IOVA_NONE	0x40000000ULL	/* nothing mapped */
#define A_LEN		MS_DMA_MAX	/* 16 pages, all of them DMAed */
#define BUF_LEN		(MS_DMA_MAX + 2 * VU_PAGE)

/* Pages pinned by anything else in the guest meanwhile. */
#define PIN_SLACK	2

struct inst {
	struct vdev d;		/* .bdf is the UUID */
	char uuid[64];
	bool pin;		/* the pin type, else rw */
	__u64 bar_off;
	__u64 bar_size;
};

/* The name of the instance's type directory, from its mdev_type link. */
static bool type_of(const char *uuid, char *buf, size_t len)
{
	char path[160], link[256];
	ssize_t n;
	char *slash;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mdev_type", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	slash = strrchr(link, '/');
	snprintf(buf, len, "%s", slash ? slash + 1 : link);
	return true;
}

/* The instance's type, for the check names and the expected values. */
static bool inst_init(struct inst *m, const char *uuid)
{
	char type[256];

	memset(m, 0, sizeof(*m));
	vu_init(&m->d, "");
	snprintf(m->uuid, sizeof(m->uuid), "%s", uuid);
	if (!type_of(uuid, type, sizeof(type))) {
		fprintf(stderr, "t_mdev: %s has no mdev_type link\n", uuid);
		return false;
	}
	if (!strcmp(type, "mdev_sample-rw")) {
		check_set_prefix("mdev-rw-");
	} else if (!strcmp(type, "mdev_sample-pin")) {
		m->pin = true;
		check_set_prefix("mdev-pin-");
	} else {
		fprintf(stderr, "t_mdev: %s is of type %s, not the sample's\n",
			uuid, type);
		return false;
	}
	return true;
}

/* The device by its UUID, as a VMM opens it; d.why says what failed. */
static bool inst_open(struct inst *m)
{
	struct vfio_region_info r;

	if (!vu_open_in_group(&m->d, m->uuid, vu_bus_group_of("mdev", m->uuid), true))
		return false;
	if (vu_region_info(m->d.device, VFIO_PCI_BAR0_REGION_INDEX, &r)) {
		snprintf(m->d.why, sizeof(m->d.why), "BAR0 region info: %s",
			 strerror(errno));
		return false;
	}
	m->bar_off = r.offset;
	m->bar_size = r.size;
	return true;
}

/* A raw access to the config region or BAR0: bytes moved, or -errno. */
static long cfg_rw(struct inst *m, bool write, __u32 off, void *buf,
		   size_t len)
{
	ssize_t n = write ? pwrite(m->d.device, buf, len, m->d.cfg_offset + off) :
			    pread(m->d.device, buf, len, m->d.cfg_offset + off);

	return n < 0 ? -errno : n;
}

static long bar_rw(struct inst *m, bool write, __u64 off, void *buf,
		   size_t len)
{
	ssize_t n = write ? pwrite(m->d.device, buf, len, m->bar_off + off) :
			    pread(m->d.device, buf, len, m->bar_off + off);

	return n < 0 ? -errno : n;
}

/* A register; 0xffffffff if the read failed (the ID check sees that). */
static __u32 reg_rd(struct inst *m, __u32 reg)
{
	__u32 v = 0xffffffff;

	if (bar_rw(m, false, reg, &v, 4) != 4)
		return 0xffffffff;
	return v;
}

static bool reg_wr(struct inst *m, __u32 reg, __u32 v)
{
	return bar_rw(m, true, reg, &v, 4) == 4;
}

/*
 * One DMA of @len bytes from IOVA @src to IOVA @dst; the status register
 * afterwards, or -1 if a register access failed.
 */
static long dma(struct inst *m, __u64 src, __u64 dst, __u32 len, __u32 cmd)
{
	if (!reg_wr(m, MS_DMA_SRC, (__u32)src) ||
	    !reg_wr(m, MS_DMA_SRC + 4, (__u32)(src >> 32)) ||
	    !reg_wr(m, MS_DMA_DST, (__u32)dst) ||
	    !reg_wr(m, MS_DMA_DST + 4, (__u32)(dst >> 32)) ||
	    !reg_wr(m, MS_DMA_LEN, len) || !reg_wr(m, MS_DMA_CMD, cmd))
		return -1;
	return reg_rd(m, MS_DMA_STATUS);
}

static const char *status_name(long st)
{
	return st < 0 ? "register access failed" : vu_errname((int)st);
}

/* mm->pinned_vm of this process (kB); Type1 must leave it alone. */
static long long vmpin_kb(void)
{
	return vu_proc_field("/proc/self/status", "VmPin");
}

/* ---- info ---- */

static void infos(struct inst *m)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info r;
	__u64 want_bar = m->pin ? 8192 : 4096;
	__u32 rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	void *p;
	int ret, err;

	ret = ioctl(m->d.device, VFIO_DEVICE_GET_INFO, &di);
	check(ret == 0 && (di.flags & VFIO_DEVICE_FLAGS_PCI) &&
	      (di.flags & VFIO_DEVICE_FLAGS_RESET) &&
	      di.num_regions == MS_NUM_REGIONS && di.num_irqs == MS_NUM_IRQS,
	      "device-info",
	      "GET_INFO: %s, flags %#x (want PCI|RESET), %u regions (want %u), %u irqs (want %u)",
	      ret ? strerror(errno) : "ok", di.flags, di.num_regions,
	      MS_NUM_REGIONS, di.num_irqs, MS_NUM_IRQS);

	ret = vu_region_info(m->d.device, VFIO_PCI_CONFIG_REGION_INDEX, &r);
	check(ret == 0 && r.size == MS_CFG_SIZE && (r.flags & rw) == rw &&
	      !(r.flags & VFIO_REGION_INFO_FLAG_MMAP), "config-info",
	      "%s, size %#llx (want 256), flags %#x (want read, write, no mmap)",
	      ret ? strerror(errno) : "ok", (unsigned long long)r.size,
	      r.flags);

	ret = vu_region_info(m->d.device, VFIO_PCI_BAR0_REGION_INDEX, &r);
	check(ret == 0 && r.size == want_bar && (r.flags & rw) == rw &&
	      !(r.flags & VFIO_REGION_INFO_FLAG_MMAP), "bar0-info",
	      "%s, size %#llx (want %#llx), flags %#x (want read, write, no mmap)",
	      ret ? strerror(errno) : "ok", (unsigned long long)r.size,
	      (unsigned long long)want_bar, r.flags);

	/* No mmap flag, and no mmap either. */
	p = mmap(NULL, VU_PAGE, PROT_READ, MAP_SHARED, m->d.device, m->bar_off);
	err = errno;
	if (p != MAP_FAILED)
		munmap(p, VU_PAGE);
	check(p == MAP_FAILED && err == EINVAL, "bar0-no-mmap",
	      "mmap of BAR0: %s, want EINVAL",
	      p == MAP_FAILED ? vu_errname(err) : "mapped");
}

/* ---- config space ---- */

static void config_space(struct inst *m)
{
	struct vdev *d = &m->d;
	__u16 vendor = vu_cfg_read16(d, PCI_VENDOR);
	__u16 device = vu_cfg_read16(d, PCI_DEVICE);
	__u16 want_dev = m->pin ? MS_DEVICE_PIN : MS_DEVICE_RW;
	__u32 class = vu_cfg_read32(d, PCI_REVISION) >> 8;
	__u32 size = m->pin ? 8192 : 4096, bar, sized, addr, back;
	__u16 cmd0, cmd_on, cmd_off;
	__u8 b0, b1;
	struct {
		__u32 off;
		size_t len;
	} bad[] = { { 0, 3 }, { 1, 2 }, { 2, 4 }, { 3, 2 }, { 0, 8 } };
	char why[256] = "";
	__u8 buf[8] = { 0 };
	size_t i;
	long n;

	check(vendor == MS_VENDOR && device == want_dev, "config-ids",
	      "%04x:%04x, want %04x:%04x", vendor, device, MS_VENDOR,
	      want_dev);
	check(class == MS_CLASS, "config-class", "class %06x, want %06x",
	      class, MS_CLASS);

	/* Byte accesses see the same bytes. */
	b0 = vu_cfg_read8(d, PCI_VENDOR);
	b1 = vu_cfg_read8(d, PCI_VENDOR + 1);
	check(b0 == (MS_VENDOR & 0xff) && b1 == MS_VENDOR >> 8,
	      "config-byte-access", "vendor bytes %02x %02x, want %02x %02x",
	      b0, b1, MS_VENDOR & 0xff, MS_VENDOR >> 8);

	check(vu_cfg_read8(d, PCI_CAP_PTR) == MS_MSI_CAP &&
	      vu_find_cap(d, PCI_CAP_ID_MSI) == MS_MSI_CAP, "config-msi-cap",
	      "status %#x, capability pointer %#x, MSI capability at %#x; want the list bit and MSI at %#x",
	      vu_cfg_read16(d, PCI_STATUS), vu_cfg_read8(d, PCI_CAP_PTR),
	      vu_find_cap(d, PCI_CAP_ID_MSI), MS_MSI_CAP);

	/* Command: only memory, bus master and INTx disable are writable. */
	cmd0 = vu_cfg_read16(d, PCI_COMMAND);
	vu_cfg_write16(d, PCI_COMMAND, 0xffff);
	cmd_on = vu_cfg_read16(d, PCI_COMMAND);
	vu_cfg_write16(d, PCI_COMMAND, 0);
	cmd_off = vu_cfg_read16(d, PCI_COMMAND);
	check((cmd_on & MS_CMD_WRITABLE) == MS_CMD_WRITABLE &&
	      !(cmd_off & MS_CMD_WRITABLE) &&
	      !((cmd_on ^ cmd0) & ~MS_CMD_WRITABLE) &&
	      !((cmd_off ^ cmd0) & ~MS_CMD_WRITABLE), "config-command",
	      "command %#06x at first, %#06x after writing 0xffff, %#06x after writing 0; only %#06x may change",
	      cmd0, cmd_on, cmd_off, MS_CMD_WRITABLE);
	vu_cfg_write16(d, PCI_COMMAND, cmd0);

	/* BAR0: 32-bit memory, sized by writing all ones. */
	bar = vu_cfg_read32(d, PCI_BAR0);
	check(!(bar & 0x7), "config-bar0-type",
	      "BAR0 reads %#x: want a 32-bit memory BAR (bits 0-2 clear)",
	      bar);
	vu_cfg_write32(d, PCI_BAR0, 0xffffffff);
	sized = vu_cfg_read32(d, PCI_BAR0);
	check(sized == (~(size - 1) | (bar & 0xf)), "config-bar0-sizing",
	      "BAR0 reads %#x after writing all ones, want %#x (size %#x)",
	      sized, ~(size - 1) | (bar & 0xf), size);
	addr = 0xfebc1234;
	vu_cfg_write32(d, PCI_BAR0, addr);
	back = vu_cfg_read32(d, PCI_BAR0);
	check(back == ((addr & ~(size - 1)) | (bar & 0xf)),
	      "config-bar0-address",
	      "BAR0 reads %#x after writing %#x, want %#x", back, addr,
	      (addr & ~(size - 1)) | (bar & 0xf));
	vu_cfg_write32(d, PCI_BAR0, bar);

	/* Only 1, 2 and 4 bytes, naturally aligned. */
	for (i = 0; i < ARRAY_SIZE(bad) && !why[0]; i++) {
		n = cfg_rw(m, false, bad[i].off, buf, bad[i].len);
		if (n != -EINVAL)
			snprintf(why, sizeof(why),
				 "read of %zu bytes at %#x: %s, want EINVAL",
				 bad[i].len, bad[i].off,
				 n < 0 ? vu_errname((int)-n) : "accepted");
		memcpy(buf, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
		n = cfg_rw(m, true, PCI_COMMAND + bad[i].off, buf,
			   bad[i].len);
		if (!why[0] && n != -EINVAL)
			snprintf(why, sizeof(why),
				 "write of %zu bytes at %#x: %s, want EINVAL",
				 bad[i].len, PCI_COMMAND + bad[i].off,
				 n < 0 ? vu_errname((int)-n) : "accepted");
	}
	check(!why[0] && vu_cfg_read16(d, PCI_COMMAND) == cmd0,
	      "config-access-sizes", "%s%scommand %#x after the refused writes, want %#x",
	      why, why[0] ? "; " : "", vu_cfg_read16(d, PCI_COMMAND), cmd0);
}

/* ---- BAR0 ---- */

static void bar_regs_ram(struct inst *m)
{
	__u32 id, type, a, b, v = 0;
	struct {
		__u32 off;
		size_t len;
	} bad[] = { { MS_SCRATCH, 1 }, { MS_SCRATCH, 2 },
		    { MS_SCRATCH + 2, 4 }, { MS_SCRATCH, 8 } };
	size_t ram = m->bar_size > MS_RAM ? m->bar_size - MS_RAM : 0;
	unsigned char *w = NULL, *r = NULL;
	char why[256] = "";
	__u64 big = 0;
	size_t i;
	long n, rd;

	id = reg_rd(m, MS_ID);
	check(id == MS_ID_VALUE, "bar0-id", "ID reads %#x, want %#x", id,
	      MS_ID_VALUE);
	type = reg_rd(m, MS_TYPE);
	check(type == (m->pin ? 2U : 1U), "bar0-type", "TYPE reads %#x, want %u",
	      type, m->pin ? 2 : 1);
	n = bar_rw(m, true, MS_ID, &v, 4);
	id = reg_rd(m, MS_ID);
	check(id == MS_ID_VALUE, "bar0-id-read-only",
	      "ID reads %#x after writing 0 (the write: %s), want %#x", id,
	      n < 0 ? vu_errname((int)-n) : "accepted", MS_ID_VALUE);

	reg_wr(m, MS_SCRATCH, 0x12345678);
	a = reg_rd(m, MS_SCRATCH);
	reg_wr(m, MS_SCRATCH, 0xa5a50f0f);
	b = reg_rd(m, MS_SCRATCH);
	check(a == 0x12345678 && b == 0xa5a50f0f, "bar0-scratch",
	      "SCRATCH read %#x and %#x, want 0x12345678 and 0xa5a50f0f", a, b);

	/* Registers: 4-byte accesses at 4-byte aligned offsets only. */
	for (i = 0; i < ARRAY_SIZE(bad) && !why[0]; i++) {
		n = bar_rw(m, false, bad[i].off, &big, bad[i].len);
		if (n != -EINVAL)
			snprintf(why, sizeof(why),
				 "read of %zu bytes at %#x: %s, want EINVAL",
				 bad[i].len, bad[i].off,
				 n < 0 ? vu_errname((int)-n) : "accepted");
		big = 0;
		n = bar_rw(m, true, bad[i].off, &big, bad[i].len);
		if (!why[0] && n != -EINVAL)
			snprintf(why, sizeof(why),
				 "write of %zu bytes at %#x: %s, want EINVAL",
				 bad[i].len, bad[i].off,
				 n < 0 ? vu_errname((int)-n) : "accepted");
	}
	b = reg_rd(m, MS_SCRATCH);
	check(!why[0] && b == 0xa5a50f0f, "bar0-register-access-sizes",
	      "%s%sSCRATCH %#x after the refused writes, want 0xa5a50f0f", why,
	      why[0] ? "; " : "", b);

	/* RAM: the whole of it at once, then small odd pieces. */
	w = malloc(ram + 1);
	r = malloc(ram + 1);
	if (!check(ram >= 64 && w && r, "bar0-ram-setup",
		   "BAR0 of %#llx bytes leaves %zu bytes of RAM, or malloc failed",
		   (unsigned long long)m->bar_size, ram))
		goto out;
	for (i = 0; i < ram; i++)
		w[i] = (unsigned char)(i * 13 + 7);
	memset(r, 0, ram);
	n = bar_rw(m, true, MS_RAM, w, ram);
	check(n == (long)ram && bar_rw(m, false, MS_RAM, r, ram) == (long)ram &&
	      !memcmp(w, r, ram), "bar0-ram-bulk",
	      "writing %zu bytes: %s; reading them back %s", ram,
	      n < 0 ? vu_errname((int)-n) : "ok",
	      memcmp(w, r, ram) ? "differs" : "matches");

	why[0] = '\0';
	for (i = 1; i <= 8 && !why[0]; i++) {
		unsigned char piece[8], got[8] = { 0 };
		__u64 off = MS_RAM + 17 * i + (i & 1);	/* odd and even */

		memset(piece, (int)(0xc0 + i), sizeof(piece));
		n = bar_rw(m, true, off, piece, i);
		if (n != (long)i || bar_rw(m, false, off, got, i) != (long)i ||
		    memcmp(piece, got, i))
			snprintf(why, sizeof(why),
				 "%zu bytes at %#llx: write %s, read back %s", i,
				 (unsigned long long)off,
				 n < 0 ? vu_errname((int)-n) : "ok",
				 memcmp(piece, got, i) ? "differs" : "matches");
		/* The neighbours are as the bulk write left them. */
		else if (bar_rw(m, false, off - 1, got, 1) != 1 ||
			 got[0] != w[off - 1 - MS_RAM] ||
			 bar_rw(m, false, off + i, got, 1) != 1 ||
			 got[0] != w[off + i - MS_RAM])
			snprintf(why, sizeof(why),
				 "writing %zu bytes at %#llx changed a byte next to them",
				 i, (unsigned long long)off);
		memcpy(w + off - MS_RAM, piece, i);
	}
	check(!why[0], "bar0-ram-any-size", "%s", why);

	/* Nothing is read or written past the end of BAR0. */
	rd = bar_rw(m, false, m->bar_size - 4, r, 8);
	n = bar_rw(m, true, m->bar_size - 4, w, 8);
	check(rd <= 4 && n <= 4, "bar0-end-bounded",
	      "8 bytes from 4 before the end of BAR0: read %s, write %s (want an error or at most 4 bytes)",
	      rd < 0 ? vu_errname((int)-rd) : rd == 8 ? "8 bytes" : "short",
	      n < 0 ? vu_errname((int)-n) : n == 8 ? "8 bytes" : "short");
out:
	free(w);
	free(r);
}

/* ---- interrupts ---- */

static int set_irq_raw(int device, __u32 index, __u32 start, __u32 count,
		       int fd)
{
	struct {
		struct vfio_irq_set set;
		__s32 fds[2];
	} s = {
		.set = {
			.argsz = sizeof(s),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = index,
			.start = start,
			.count = count,
		},
		.fds = { fd, fd },
	};

	return ioctl(device, VFIO_DEVICE_SET_IRQS, &s);
}

static void irq_index(struct inst *m, __u32 index, const char *name)
{
	__u32 want = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
	struct vfio_irq_info info;
	int efd = vu_eventfd(), ret, e1, e2;
	char cname[64];
	__u64 v;

	ret = vu_irq_info(m->d.device, index, &info);
	snprintf(cname, sizeof(cname), "%s-info", name);
	if (!check(ret == 0 && info.count == 1 && (info.flags & want) == want,
		   cname, "%s, count %u (want 1), flags %#x (want EVENTFD|NORESIZE)",
		   ret ? strerror(errno) : "ok", info.count, info.flags))
		goto out;

	/* Past the one vector: refused. */
	ret = set_irq_raw(m->d.device, index, 1, 1, efd);
	e1 = ret ? errno : 0;
	ret = set_irq_raw(m->d.device, index, 0, 2, efd);
	e2 = ret ? errno : 0;
	snprintf(cname, sizeof(cname), "%s-bad-range", name);
	check(e1 == EINVAL && e2 == EINVAL, cname,
	      "SET_IRQS start 1 count 1: %s; start 0 count 2: %s; want EINVAL",
	      vu_errname(e1), vu_errname(e2));

	snprintf(cname, sizeof(cname), "%s-enable", name);
	if (!check(vu_irq_eventfds(m->d.device, index, 0, 1, &efd) == 0,
		   cname, "SET_IRQS(eventfd): %s", strerror(errno)))
		goto out;

	/* DATA_NONE with count 1 signals the eventfd: a loopback. */
	ret = vu_irq_none(m->d.device, index, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1);
	e1 = ret ? errno : 0;
	v = vu_wait_eventfd(efd, 2000);
	snprintf(cname, sizeof(cname), "%s-loopback", name);
	check(!e1 && v >= 1, cname,
	      "SET_IRQS(DATA_NONE, count 1): %s; eventfd %s", vu_errname(e1),
	      v ? "signalled" : "silent for 2 s");

	if (index == VFIO_PCI_MSI_IRQ_INDEX) {
		reg_wr(m, MS_IRQ, 1);
		v = vu_wait_eventfd(efd, 2000);
		check(v >= 1, "msi-fires",
		      "no eventfd signal within 2 s of writing IRQ");
		reg_wr(m, MS_IRQ, 1);
		v = vu_wait_eventfd(efd, 2000);
		check(v >= 1, "msi-fires-again",
		      "no signal for a second write to IRQ");
	}

	snprintf(cname, sizeof(cname), "%s-disable", name);
	check(vu_irq_disable(m->d.device, index) == 0, cname,
	      "SET_IRQS(DATA_NONE, count 0): %s", strerror(errno));
	if (index == VFIO_PCI_MSI_IRQ_INDEX) {
		reg_wr(m, MS_IRQ, 1);
		v = vu_wait_eventfd(efd, 300);
		check(v == 0, "msi-disabled-silent",
		      "eventfd signalled %llu after MSI was disabled",
		      (unsigned long long)v);
	}
out:
	close(efd);
}

/* ---- DMA ---- */

struct dma_env {
	unsigned char *a, *b, *c, *dd;
	int msi;
	long long pins0, lck0;	/* before anything was mapped */
};

/* The PINNED register, the pinned-page counter and VmLck agree on @n. */
static void pins_are(struct inst *m, struct dma_env *e, unsigned int n,
		     const char *name, const char *when)
{
	unsigned int want = m->pin ? n : 0;
	__u32 reg = reg_rd(m, MS_PINNED);
	long long sys = vu_pinned_pages() - e->pins0;
	long long lck = vu_vmlck_kb(getpid()) - e->lck0;

	check(reg == want && sys >= (long long)want - PIN_SLACK &&
	      sys <= (long long)want + PIN_SLACK &&
	      lck == (long long)want * 4, name,
	      "%s: PINNED %u, pinned pages +%lld, VmLck +%lld kB; want %u pages (%u kB)",
	      when, reg, sys, lck, want, want * 4);
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * seed + (i >> 8) + seed);
}

static bool map_prot(int container, void *vaddr, __u64 iova, __u64 size,
		     __u32 flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (__u64)(uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map) == 0;
}

/* Copies in both directions, and pins held until their IOVA is unmapped. */
static void dma_copies(struct inst *m, struct dma_env *e)
{
	int c = m->d.container;
	unsigned char ref[A_LEN];
	__u64 done = 0;
	long st;
	__u64 v;

	if (!check(vu_map(c, e->a, IOVA_A, A_LEN) == 0 &&
		   vu_map(c, e->b, IOVA_B, BUF_LEN) == 0, "dma-map",
		   "MAP_DMA: %s", strerror(errno)))
		return;
	pins_are(m, e, 0, "dma-map-pins-nothing", "mapped, no DMA yet");

	/* A -> B, the largest transfer, with an MSI at the end. */
	fill(e->a, A_LEN, 7);
	memset(e->b, 0x5a, BUF_LEN);
	st = dma(m, IOVA_A, IOVA_B, MS_DMA_MAX, MS_DMA_RUN | MS_DMA_MSI);
	v = vu_wait_eventfd(e->msi, 2000);
	check(st == 0 && !memcmp(e->a, e->b, MS_DMA_MAX) &&
	      e->b[MS_DMA_MAX] == 0x5a, "dma-a-to-b",
	      "64 KiB from IOVA %#llx to %#llx: status %s, destination %s, byte after it %#x (want 0x5a)",
	      IOVA_A, IOVA_B, status_name(st),
	      memcmp(e->a, e->b, MS_DMA_MAX) ? "differs" : "matches",
	      e->b[MS_DMA_MAX]);
	check(v >= 1, "dma-msi", "no MSI within 2 s of a DMA with bit 1 set");
	pins_are(m, e, 32, "dma-pins-held", "after 64 KiB from A to B");

	/* B -> A, unaligned at both ends and across pages. */
	fill(e->b, BUF_LEN, 11);
	memset(e->a, 0xa5, A_LEN);
	memcpy(ref, e->a, A_LEN);
	memcpy(ref + 0x2001, e->b + 0x123, 0x3000);
	st = dma(m, IOVA_B + 0x123, IOVA_A + 0x2001, 0x3000, MS_DMA_RUN);
	v = vu_wait_eventfd(e->msi, 100);
	check(st == 0 && !memcmp(ref, e->a, A_LEN), "dma-b-to-a",
	      "12 KiB from IOVA %#llx to %#llx: status %s, A %s",
	      IOVA_B + 0x123, IOVA_A + 0x2001, status_name(st),
	      memcmp(ref, e->a, A_LEN) ? "differs from the expected copy" :
					    "as expected");
	check(v == 0, "dma-no-msi-unasked",
	      "an MSI came for a DMA without bit 1");
	/* Pages already held are not pinned twice. */
	pins_are(m, e, 32, "dma-pins-not-doubled", "after copying within pinned pages");

	/*
	 * Bad transfers: the status says why, and the destination stays as
	 * it was. Each one starts in pages already pinned, so a copy that
	 * gets halfway keeps no new page either.
	 */
	memcpy(ref, e->a, A_LEN);
	st = dma(m, IOVA_NONE, IOVA_A, 0x100, MS_DMA_RUN);
	check(st == EINVAL && !memcmp(ref, e->a, A_LEN),
	      "dma-unmapped-source", "from unmapped IOVA %#llx: status %s, want EINVAL%s",
	      IOVA_NONE, status_name(st),
	      memcmp(ref, e->a, A_LEN) ? "; the destination changed" : "");
	st = dma(m, IOVA_A, IOVA_NONE, 0x100, MS_DMA_RUN);
	check(st == EINVAL, "dma-unmapped-destination",
	      "to unmapped IOVA %#llx: status %s, want EINVAL", IOVA_NONE,
	      status_name(st));
	st = dma(m, IOVA_A + A_LEN - 0x800, IOVA_B, 0x1000, MS_DMA_RUN);
	check(st == EINVAL, "dma-past-mapping-end",
	      "4 KiB from 2 KiB before the end of a mapping: status %s, want EINVAL",
	      status_name(st));
	st = dma(m, IOVA_A, IOVA_B, MS_DMA_MAX + 1, MS_DMA_RUN);
	check(st == E2BIG, "dma-too-long",
	      "%#x bytes: status %s, want E2BIG", MS_DMA_MAX + 1,
	      status_name(st));
	st = dma(m, IOVA_A, IOVA_B, 0x10, MS_DMA_RUN);
	check(st == 0, "dma-status-clears",
	      "a good DMA after the bad ones: status %s", status_name(st));
	pins_are(m, e, 32, "dma-errors-pin-nothing", "after the refused DMAs");

	/* UNMAP_DMA reaches the device, which lets go of the range's pins. */
	vu_unmap(c, IOVA_B, BUF_LEN, &done);
	check(done == BUF_LEN, "dma-unmap-b", "UNMAP_DMA of B unmapped %#llx of %#lx",
	      (unsigned long long)done, BUF_LEN);
	pins_are(m, e, 16, "dma-unmap-releases", "B unmapped, A still mapped");
	vu_unmap(c, IOVA_A, A_LEN, &done);
	pins_are(m, e, 0, "dma-unmap-releases-all", "A and B unmapped");
	st = dma(m, IOVA_A, IOVA_B, 0x10, MS_DMA_RUN);
	check(st == EINVAL, "dma-after-unmap",
	      "DMA between unmapped IOVAs: status %s, want EINVAL",
	      status_name(st));
}

/*
 * A DMA started by another process through an inherited device fd: the
 * pins come from the mapping owner's memory, through Type1's remote
 * pinning (the owner's own MAP_DMA pins the lockless way), and count in
 * the owner's locked memory. vfio_dma_rw() is left out: upstream lets
 * only the owner or a kernel thread use it.
 */
static void dma_other_process(struct inst *m, struct dma_env *e)
{
	int c = m->d.container, st = -1;
	__u64 done = 0;
	pid_t pid;

	if (!m->pin) {
		not_applicable("dma-other-process",
			       "upstream's vfio_dma_rw() works only in the mapping owner's process or a kernel thread");
		return;
	}
	if (!check(vu_map(c, e->a, IOVA_A, A_LEN) == 0 &&
		   vu_map(c, e->b, IOVA_B, BUF_LEN) == 0,
		   "dma-other-process-map", "MAP_DMA: %s", strerror(errno)))
		return;
	fill(e->a, A_LEN, 13);
	memset(e->b, 0x5a, BUF_LEN);
	pid = fork();
	if (pid == 0) {
		long ret = dma(m, IOVA_A, IOVA_B, 0x4000, MS_DMA_RUN);

		_exit(ret < 0 ? 255 : (int)ret);
	}
	if (pid > 0 && waitpid(pid, &st, 0) != pid)
		st = -1;
	check(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	      !memcmp(e->a, e->b, 0x4000) && e->b[0x4000] == 0x5a,
	      "dma-other-process",
	      "16 KiB from IOVA %#llx to %#llx by a child: %s, wait status %#x, destination %s",
	      IOVA_A, IOVA_B, pid < 0 ? strerror(errno) : "forked", st,
	      memcmp(e->a, e->b, 0x4000) ? "differs" : "matches");
	pins_are(m, e, 8, "dma-other-process-pins",
		 "after a child's 16 KiB from A to B");
	vu_unmap(c, IOVA_B, BUF_LEN, &done);
	vu_unmap(c, IOVA_A, A_LEN, &done);
	pins_are(m, e, 0, "dma-other-process-unpinned", "A and B unmapped");
}

/* Mapping permissions, then DEVICE_RESET, which drops the pins. */
static void dma_perms_reset(struct inst *m, struct dma_env *e)
{
	int c = m->d.container, ret;
	__u64 done;
	long st;

	if (!check(vu_map(c, e->a, IOVA_A, A_LEN) == 0 &&
		   map_prot(c, e->c, IOVA_C, VU_PAGE, VFIO_DMA_MAP_FLAG_READ) &&
		   map_prot(c, e->dd, IOVA_D, VU_PAGE, VFIO_DMA_MAP_FLAG_WRITE),
		   "dma-map-prot",
		   "MAP_DMA of A, a read-only and a write-only page: %s",
		   strerror(errno)))
		return;
	fill(e->c, VU_PAGE, 3);
	memset(e->a, 0, A_LEN);
	st = dma(m, IOVA_C, IOVA_A, VU_PAGE, MS_DMA_RUN);
	check(st == 0 && !memcmp(e->a, e->c, VU_PAGE), "dma-from-read-only",
	      "from a read-only mapping: status %s, data %s", status_name(st),
	      memcmp(e->a, e->c, VU_PAGE) ? "differs" : "matches");
	fill(e->a, VU_PAGE, 5);
	st = dma(m, IOVA_A, IOVA_C, VU_PAGE, MS_DMA_RUN);
	check(st == EPERM && e->c[0] == 3, "dma-to-read-only",
	      "to a read-only mapping: status %s, want EPERM; first byte %#x (want 0x3)",
	      status_name(st), e->c[0]);
	st = dma(m, IOVA_D, IOVA_A, VU_PAGE, MS_DMA_RUN);
	check(st == EPERM, "dma-from-write-only",
	      "from a write-only mapping: status %s, want EPERM",
	      status_name(st));
	pins_are(m, e, 2, "dma-perm-errors-pin-nothing",
		 "after one good and two refused DMAs");

	ret = ioctl(m->d.device, VFIO_DEVICE_RESET);
	check(ret == 0, "reset", "DEVICE_RESET: %s", strerror(errno));
	pins_are(m, e, 0, "reset-releases-pins", "after DEVICE_RESET");

	/* The device still works after the reset. */
	st = dma(m, IOVA_C, IOVA_A, 0x40, MS_DMA_RUN);
	check(st == 0 && reg_rd(m, MS_ID) == MS_ID_VALUE, "reset-still-works",
	      "after DEVICE_RESET: DMA status %s, ID %#x", status_name(st),
	      reg_rd(m, MS_ID));
	/* That pinned a page of C and one of A: C's goes with C. */
	vu_unmap(c, IOVA_C, VU_PAGE, &done);
	vu_unmap(c, IOVA_D, VU_PAGE, &done);
	pins_are(m, e, 1, "unmap-after-reset", "all but A unmapped");
	/* A stays mapped, for the close. */
}

/*
 * VFIO_UPDATE_VADDR is not for containers with emulated devices: they could
 * not pin while a vaddr is invalid. Upstream (6.2) refuses it with EBUSY
 * and stops offering the extension; the mapping stays as it was.
 */
static void vaddr_refused(struct inst *m, struct dma_env *e)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = VFIO_DMA_UNMAP_FLAG_VADDR,
		.iova = IOVA_C,
		.size = VU_PAGE,
	};
	int c = m->d.container, ext, ret, err;
	__u64 done;
	long st;

	ext = ioctl(c, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR);
	check(ext == 0, "vaddr-extension-off",
	      "CHECK_EXTENSION(UPDATE_VADDR) with an mdev in the container: %d, want 0",
	      ext);
	if (!check(vu_map(c, e->c, IOVA_C, VU_PAGE) == 0, "vaddr-map",
		   "MAP_DMA of C: %s", strerror(errno)))
		return;
	ret = ioctl(c, VFIO_IOMMU_UNMAP_DMA, &unmap);
	err = errno;
	check(ret < 0 && err == EBUSY, "vaddr-invalidate-ebusy",
	      "UNMAP_DMA(VADDR) with an mdev in the container: %s, want EBUSY",
	      ret ? strerror(err) : "succeeded");
	fill(e->c, 0x40, 9);
	st = dma(m, IOVA_C, IOVA_C + 0x40, 0x40, MS_DMA_RUN);
	check(st == 0 && !memcmp(e->c, e->c + 0x40, 0x40), "vaddr-mapping-kept",
	      "DMA within C after the refused invalidation: status %s",
	      status_name(st));
	vu_unmap(c, IOVA_C, VU_PAGE, &done);
}

/* An open device holds the parent's module: unloading it is refused. */
static void holds_parent(struct inst *m, long r_closed)
{
	long r_open = vu_module_refcnt(PARENT_MODULE);
	int ret = -1, err = 0;
	__u32 id, scratch;

	reg_wr(m, MS_SCRATCH, 0x600dcafe);
	/* Only with the reference there: without, the unload would block. */
	if (r_open == r_closed + 1) {
		ret = syscall(SYS_delete_module, PARENT_MODULE, O_NONBLOCK);
		err = errno;
	}
	check(r_closed >= 0 && r_open == r_closed + 1 && ret == -1 &&
	      err == EWOULDBLOCK, "open-holds-parent",
	      "%s refcnt %ld closed, %ld open (want +1); unloading it: %s, want EWOULDBLOCK",
	      PARENT_MODULE, r_closed, r_open,
	      ret == -1 ? vu_errname(err) : "unloaded");
	id = reg_rd(m, MS_ID);
	scratch = reg_rd(m, MS_SCRATCH);
	check(id == MS_ID_VALUE && scratch == 0x600dcafe,
	      "works-after-refused-unload",
	      "ID %#x, SCRATCH %#x (want 0x600dcafe) after the refused unload",
	      id, scratch);
}

static const char *const modules[] = {
	PARENT_MODULE, "mdev", "vfio", "vfio_iommu_type1",
};

static int do_check(const char *uuid)
{
	long ref0[ARRAY_SIZE(modules)], ref;
	struct dma_env e = { .msi = -1 };
	long long vmpin0, lck, pins;
	char why[256] = "";
	struct inst m;
	size_t i;

	if (!inst_init(&m, uuid))
		return 2;
	for (i = 0; i < ARRAY_SIZE(modules); i++)
		ref0[i] = vu_module_refcnt(modules[i]);
	vmpin0 = vmpin_kb();
	e.a = vu_alloc(BUF_LEN);
	e.b = vu_alloc(BUF_LEN);
	e.c = vu_alloc(VU_PAGE);
	e.dd = vu_alloc(VU_PAGE);
	e.msi = vu_eventfd();
	e.pins0 = vu_pinned_pages();
	e.lck0 = vu_vmlck_kb(getpid());
	if (!check(e.a && e.b && e.c && e.dd && e.msi >= 0 && e.pins0 >= 0 &&
		   e.lck0 >= 0 && vmpin0 >= 0, "setup",
		   "buffers, eventfd, nr_foll_pin_* (%lld), VmLck (%lld) or VmPin (%lld): %s",
		   e.pins0, e.lck0, vmpin0, strerror(errno)))
		goto out;
	if (!check(inst_open(&m), "open", "%s", m.d.why))
		goto out;

	infos(&m);
	config_space(&m);
	bar_regs_ram(&m);
	holds_parent(&m, ref0[0]);
	/* As a guest driver would before it uses interrupts and DMA. */
	vu_cfg_write16(&m.d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	irq_index(&m, VFIO_PCI_REQ_IRQ_INDEX, "req");
	irq_index(&m, VFIO_PCI_MSI_IRQ_INDEX, "msi");
	/* The DMA completion MSI. */
	if (check(vu_irq_eventfds(m.d.device, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
				  &e.msi) == 0, "dma-msi-enable",
		  "SET_IRQS(MSI, eventfd): %s", strerror(errno))) {
		dma_copies(&m, &e);
		dma_other_process(&m, &e);
		dma_perms_reset(&m, &e);
		vaddr_refused(&m, &e);
	}

	/* Closing the device drops its pins; A is still mapped. */
	if (dma(&m, IOVA_A, IOVA_A + 0x8000, 0x1000, MS_DMA_RUN) == 0)
		pins_are(&m, &e, 2, "pins-before-close", "copied within A");
	close(m.d.device);
	m.d.device = -1;
	pins = vu_pinned_pages() - e.pins0;
	lck = vu_vmlck_kb(getpid()) - e.lck0;
	check(pins >= 0 && pins <= PIN_SLACK && lck == 0, "close-releases-pins",
	      "device closed, A still mapped: pinned pages +%lld, VmLck +%lld kB; want none",
	      pins, lck);
out:
	vu_close(&m.d);
	pins = vu_pinned_pages() - e.pins0;
	lck = vu_vmlck_kb(getpid()) - e.lck0;
	check(pins >= -PIN_SLACK && pins <= PIN_SLACK && lck == 0 &&
	      vmpin_kb() == vmpin0, "no-leak",
	      "everything closed: pinned pages %+lld, VmLck %+lld kB, VmPin %lld kB (was %lld)",
	      pins, lck, vmpin_kb(), vmpin0);
	for (i = 0; i < ARRAY_SIZE(modules); i++) {
		ref = vu_module_refcnt(modules[i]);
		if (ref != ref0[i] && !why[0])
			snprintf(why, sizeof(why), "%s refcnt %ld, was %ld",
				 modules[i], ref, ref0[i]);
	}
	check(!why[0], "module-refs-back", "after closing: %s", why);
	if (e.msi >= 0)
		close(e.msi);
	if (e.a)
		munmap(e.a, BUF_LEN);
	if (e.b)
		munmap(e.b, BUF_LEN);
	if (e.c)
		munmap(e.c, VU_PAGE);
	if (e.dd)
		munmap(e.dd, VU_PAGE);
	return check_exit();
}

/* ---- remove while open ---- */

static bool present(const char *fmt, const char *arg)
{
	char path[160];

	snprintf(path, sizeof(path), fmt, arg);
	return access(path, F_OK) == 0;
}

static int do_hold(const char *uuid)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_group_status gst = { .argsz = sizeof(gst) };
	unsigned char *buf = vu_alloc(2 * VU_PAGE);
	long long pins0, lck0, pins, lck;
	bool running, usable, node, stuck = false;
	char path[160], gnode[32];
	int efd = vu_eventfd(), st, ret, err;
	struct inst m;
	pid_t pid;
	long dst;
	__u64 v;

	if (!inst_init(&m, uuid))
		return 2;
	pins0 = vu_pinned_pages();
	lck0 = vu_vmlck_kb(getpid());
	if (!check(buf && efd >= 0 && pins0 >= 0 && lck0 >= 0 && inst_open(&m) &&
		   vu_map(m.d.container, buf, IOVA_A, 2 * VU_PAGE) == 0 &&
		   vu_irq_eventfds(m.d.device, VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
				   &efd) == 0, "hold-setup",
		   "buffer, counters, open, MAP_DMA or REQ eventfd: %s",
		   m.d.why[0] ? m.d.why : strerror(errno)))
		goto out;
	/* Something pinned (pin type) for the remove to give back. */
	vu_cfg_write16(&m.d, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	dst = dma(&m, IOVA_A, IOVA_A + VU_PAGE, 0x100, MS_DMA_RUN);
	check(dst == 0, "hold-dma", "DMA status %s", status_name(dst));
	snprintf(gnode, sizeof(gnode), "/dev/vfio/%d", m.d.group_id);

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	pid = vu_write_in_child(path, "1");
	if (!check(pid > 0, "hold-fork", "fork: %s", strerror(errno)))
		goto out;

	v = vu_wait_eventfd(efd, 5000);
	check(v >= 1, "remove-open-req-irq",
	      "no request on the REQ eventfd within 5 s of the remove");
	/* The remove waits for the device: the writer, the group, the fd. */
	vu_sleep_ms(500);
	running = waitpid(pid, &st, WNOHANG) == 0;
	node = access(gnode, F_OK) == 0;
	usable = ioctl(m.d.device, VFIO_DEVICE_GET_INFO, &di) == 0 &&
		 reg_rd(&m, MS_ID) == MS_ID_VALUE;
	check(running && node && usable, "remove-open-blocks",
	      "with the device open: remove %s, %s %s, the device %s",
	      running ? "still blocked" : "returned", gnode,
	      node ? "present" : "gone", usable ? "works" : "fails");

	close(m.d.device);
	m.d.device = -1;
	st = vu_wait_child(pid, 15000);
	check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	      !present(MDEV_DEVICES "/%s", uuid), "remove-open-completes",
	      "after closing the device fd: remove %s, %s %s",
	      st == -1 ? "still blocked after 15 s" :
	      !WIFEXITED(st) ? "killed" : vu_errname(WEXITSTATUS(st)), uuid,
	      present(MDEV_DEVICES "/%s", uuid) ? "still there" : "gone");
	if (st == -1) {
		/*
		 * A remove stuck for good cannot be killed: leave it, and say
		 * so (exit 124), so that the caller unloads nothing.
		 */
		stuck = true;
		goto out;
	}
	ret = ioctl(m.d.group, VFIO_GROUP_GET_STATUS, &gst);
	err = errno;
	check(ret < 0 && err == ENODEV, "remove-open-group-revoked",
	      "GET_STATUS on the open group fd after the remove: %s, want ENODEV",
	      ret ? vu_errname(err) : "ok");
	vu_close(&m.d);
	pins = vu_pinned_pages() - pins0;
	lck = vu_vmlck_kb(getpid()) - lck0;
	check(pins >= -PIN_SLACK && pins <= PIN_SLACK && lck == 0 &&
	      access(gnode, F_OK) != 0, "remove-open-clean",
	      "after the remove and closing everything: pinned pages %+lld, VmLck %+lld kB, %s %s",
	      pins, lck, gnode, access(gnode, F_OK) ? "gone" : "still there");
out:
	vu_close(&m.d);
	if (efd >= 0)
		close(efd);
	if (buf)
		munmap(buf, 2 * VU_PAGE);
	return stuck ? 124 : check_exit();
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "check"))
		return do_check(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return do_hold(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "write"))
		return vu_write_report(argv[2], argv[3]);
	fprintf(stderr,
		"usage: t_mdev check UUID | t_mdev hold UUID | t_mdev write FILE VALUE\n");
	return 2;
}
