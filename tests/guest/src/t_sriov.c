// SPDX-License-Identifier: GPL-2.0
/*
 * SR-IOV through vfio-pci and the VF token (upstream since 5.7):
 *  - sriov_numvfs of a vfio-pci PF is refused (ENOENT) unless vfio-pci's
 *    enable_sriov parameter is on; with it on, VFs appear with their
 *    driver_override set to vfio-pci, even while the PF is open;
 *  - VFIO_DEVICE_FEATURE_PCI_VF_TOKEN: SET of a 16-byte UUID on a PF,
 *    PROBE answers, GET is refused; ENOTTY on anything but a PF;
 *  - GET_DEVICE_FD of a VF must name the PF's token ("BDF vf_token=UUID"):
 *    EACCES without it or with a wrong one, EINVAL for a malformed one; so
 *    must an open of the PF while VFs are open; a PF open with a token
 *    and no VF in use sets the token;
 *  - a VF through vfio shows its real IDs, its BAR types, no INTx pin, and
 *    decodes its BARs whatever its own command register says (its memory
 *    enable is the PF's); an idle PF with VFs stays in D0;
 *  - a VF bound to another driver is reported; disabling VFs while one is
 *    open asks its user to release it and waits; unbinding the PF removes
 *    its VFs; vfio-pci refuses a PF whose VFs someone else created.
 *
 *   t_sriov pf BDF      (an SR-IOV PF bound to vfio-pci, no VFs; left so)
 *   t_sriov nonpf BDF   (a function without SR-IOV bound to vfio-pci)
 */
#include <sys/wait.h>

#include "vfio_util.h"

#define PARAM	"/sys/module/vfio_pci/parameters/enable_sriov"
#define MAX_VFS	2

/* Tokens; the kernel compares the 16 bytes these spell, in this order. */
#define TOKEN_A	"5f2b4a52-6b3c-4f0e-9b6a-0c1d2e3f4a5b"
#define TOKEN_B	"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define TOKEN_C	"c0ffee00-1234-4abc-8def-00112233abcd"
#define TOKEN_D	"DEADBEEF-0000-4000-8000-FEEDFACE0001"
#define TOKEN_D_LOWER "deadbeef-0000-4000-8000-feedface0001"	/* the same */

static const char *pf;
static char vfs[MAX_VFS][32];
static int nvf;
static int kfd = -1;
static bool stuck;	/* a sysfs write never returned: touch nothing */

static void spath(char *buf, size_t len, const char *bdf, const char *attr)
{
	snprintf(buf, len, "/sys/bus/pci/devices/%s/%s", bdf, attr);
}

/* Write a sysfs attribute: 0, or the errno of the write. */
static int swrite(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	err = n < 0 ? errno : (n == (ssize_t)strlen(val) ? 0 : EIO);
	close(fd);
	return err;
}

static int dev_write(const char *bdf, const char *attr, const char *val)
{
	char path[128];

	spath(path, sizeof(path), bdf, attr);
	return swrite(path, val);
}

static bool dev_read(const char *bdf, const char *attr, char *buf,
		     size_t len)
{
	char path[128];

	spath(path, sizeof(path), bdf, attr);
	return vu_read_line(path, buf, len);
}

static int numvfs(void)
{
	char v[16];

	return dev_read(pf, "sriov_numvfs", v, sizeof(v)) ? atoi(v) : -1;
}

static int set_numvfs(int n)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", n);
	return dev_write(pf, "sriov_numvfs", v);
}

/* The driver bound to @bdf ("" for none). */
static const char *driver_of(const char *bdf, char *buf, size_t len)
{
	char path[128];
	ssize_t n;

	spath(path, sizeof(path), bdf, "driver");
	n = readlink(path, buf, len - 1);
	if (n <= 0)
		return strcpy(buf, "");
	buf[n] = '\0';
	return memmove(buf, strrchr(buf, '/') + 1, strlen(strrchr(buf, '/')));
}

static bool wait_driver(const char *bdf, const char *want, int ms)
{
	char drv[256];
	int i;

	for (i = 0; i <= ms / 20; i++) {
		if (!strcmp(driver_of(bdf, drv, sizeof(drv)), want))
			return true;
		vu_sleep_ms(20);
	}
	return false;
}

/* Bind @bdf to @drv through driver_override; true if it is bound so. */
static bool rebind(const char *bdf, const char *drv)
{
	char cur[256];

	if (*driver_of(bdf, cur, sizeof(cur)))
		dev_write(bdf, "driver/unbind", bdf);
	dev_write(bdf, "driver_override", drv);
	swrite("/sys/bus/pci/drivers_probe", bdf);
	return wait_driver(bdf, drv, 2000);
}

/* Has the kernel logged, since the last look, a line with @a (and @b)? */
static bool kmsg_has(const char *a, const char *b)
{
	char rec[2048];
	const char *text;
	bool found = false;

	if (kfd < 0)
		return false;
	while ((text = vu_kmsg_next(kfd, rec, sizeof(rec))))
		if (strstr(text, a) && (!b || strstr(text, b)))
			found = true;
	return found;
}

static void kmsg_skip(void)
{
	kmsg_has("", NULL);
}

static bool parse_uuid(const char *s, __u8 out[16])
{
	int i, j = 0;

	for (i = 0; i < 16; i++) {
		if (s[j] == '-')
			j++;
		if (sscanf(s + j, "%2hhx", &out[i]) != 1)
			return false;
		j += 2;
	}
	return true;
}

/* VFIO_DEVICE_FEATURE with @len bytes of payload: 0 or -errno. */
static int feature(int device, __u32 flags, const void *data, size_t len)
{
	__u64 buf[8] = { 0 };	/* header + payload, aligned */
	struct vfio_device_feature *f = (void *)buf;

	f->argsz = sizeof(*f) + len;
	f->flags = VFIO_DEVICE_FEATURE_PCI_VF_TOKEN | flags;
	memcpy((__u8 *)buf + sizeof(*f), data, len);
	return ioctl(device, VFIO_DEVICE_FEATURE, f) ? -errno : 0;
}

static int set_token(int device, const char *uuid)
{
	__u8 u[16];

	parse_uuid(uuid, u);
	return feature(device, VFIO_DEVICE_FEATURE_SET, u, sizeof(u));
}

/* GET_DEVICE_FD of "@bdf@rest": the fd, or -errno. */
static int get_fd(int group, const char *bdf, const char *rest)
{
	char name[256];
	int fd;

	snprintf(name, sizeof(name), "%s%s", bdf, rest);
	fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, name);
	return fd < 0 ? -errno : fd;
}

static const char *err_str(int ret)
{
	static char buf[64];

	if (ret >= 0)
		return "succeeded";
	snprintf(buf, sizeof(buf), "%s", strerror(-ret));
	return buf;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Power state of @bdf from its PM capability (0-3), or -1. */
static int pm_state(const char *bdf)
{
	__u8 cfg[256];
	char path[128];
	int fd, pos, hops = 0;
	ssize_t n;

	spath(path, sizeof(path), bdf, "config");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n != sizeof(cfg) || !(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return -1;
	for (pos = cfg[PCI_CAP_PTR] & ~3; pos >= 0x40 && hops++ < 48;
	     pos = cfg[pos + 1] & ~3)
		if (cfg[pos] == 0x01)	/* PM; PMCSR at +4 */
			return cfg[pos + 4] & 3;
	return -1;
}

/* ---- a function that is not a PF ---- */

static int run_nonpf(const char *bdf)
{
	struct vdev d;
	__u8 u[16];
	int ret;

	check_set_prefix("sriov-nonpf-");
	if (!check(vu_open(&d, bdf, true), "open", "%s", d.why))
		goto out;

	parse_uuid(TOKEN_A, u);
	ret = feature(d.device, VFIO_DEVICE_FEATURE_PROBE |
		      VFIO_DEVICE_FEATURE_SET, u, sizeof(u));
	check(ret == -ENOTTY, "token-probe", "PROBE|SET of PCI_VF_TOKEN: %s (want ENOTTY)",
	      err_str(ret));
	ret = set_token(d.device, TOKEN_A);
	check(ret == -ENOTTY, "token-set", "SET of PCI_VF_TOKEN: %s (want ENOTTY)",
	      err_str(ret));

	ret = get_fd(d.group, bdf, " vf_token=" TOKEN_A);
	check(ret == -EINVAL, "token-in-name",
	      "GET_DEVICE_FD(\"%s vf_token=...\"): %s (want EINVAL: no token applies)",
	      bdf, err_str(ret));
	if (ret >= 0)
		close(ret);
	ret = get_fd(d.group, bdf, "0");
	check(ret == -ENODEV, "longer-name",
	      "GET_DEVICE_FD(\"%s0\"): %s (want ENODEV: another name)", bdf,
	      err_str(ret));
	if (ret >= 0)
		close(ret);
	ret = get_fd(d.group, bdf, "  ");
	check(ret >= 0, "name-trailing-spaces",
	      "GET_DEVICE_FD(\"%s  \"): %s (want a device fd)", bdf,
	      err_str(ret));
	if (ret >= 0)
		close(ret);
out:
	vu_close(&d);
	return check_exit();
}

/* ---- an SR-IOV PF ---- */

/* The VFs' names, from the PF's virtfnN links; their number. */
static int find_vfs(void)
{
	char path[128], link[256];
	ssize_t n;
	int i;

	for (i = 0; i < MAX_VFS; i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/virtfn%d",
			 pf, i);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			break;
		link[n] = '\0';
		snprintf(vfs[i], sizeof(vfs[i]), "%s", strrchr(link, '/') + 1);
	}
	return i;
}

/* No VF left: none counted, no virtfn link, VF0's device gone. */
static bool vfs_gone(void)
{
	char link[128], dev[128];

	spath(link, sizeof(link), pf, "virtfn0");
	spath(dev, sizeof(dev), vfs[0], "vendor");
	return numvfs() == 0 && access(link, F_OK) && access(dev, F_OK);
}

static void param_off_refused(void)
{
	char v[8] = "";
	int ret;

	vu_read_line(PARAM, v, sizeof(v));
	check(!strcmp(v, "N"), "param-default-off", "%s reads '%s', want N",
	      PARAM, v);
	swrite(PARAM, "N");
	kmsg_skip();
	ret = set_numvfs(1);
	check(ret == ENOENT && numvfs() == 0, "param-off-refused",
	      "writing 1 to sriov_numvfs with enable_sriov=N: %s, %d VFs (want ENOENT, 0 VFs)",
	      ret ? strerror(ret) : "succeeded", numvfs());
	if (vu_bundle())
		check(kmsg_has(pf, "enable_sriov"), "param-off-logged",
		      "no kernel log line names %s and enable_sriov", pf);
	else
		not_applicable("param-off-logged",
			       "upstream's vfio-pci refuses without a log line; the bundle's says why");
}

/* Each VF has an IOMMU group of its own here: open it (and a container). */
static bool open_vf_groups(struct vdev *vg)
{
	int i;

	for (i = 0; i < nvf; i++)
		if (!vu_open(&vg[i], vfs[i], false))
			return check(false, "vf-group", "%s: %s", vfs[i],
				     vg[i].why);
	return check(true, "vf-group", "-");
}

static void vf_token_refusals(int group, const char *vf)
{
	static const struct {
		const char *name, *rest;
	} bad[] = {
		{ "vf-name-token-short", " vf_token=5f2b4a52-6b3c-4f0e-9b6a-0c1d2e3f4a5" },
		{ "vf-name-token-not-hex", " vf_token=5f2b4a52-6b3c-4f0e-9b6a-0c1d2e3f4a5g" },
		{ "vf-name-token-bad-dash", " vf_token=5f2b4a52_6b3c-4f0e-9b6a-0c1d2e3f4a5b" },
		{ "vf-name-token-trailing", " vf_token=" TOKEN_A "0" },
		{ "vf-name-token-twice", " vf_token=" TOKEN_A " vf_token=" TOKEN_A },
		{ "vf-name-unknown-option", " vf_token=" TOKEN_A " foo=bar" },
		{ "vf-name-token-empty", " vf_token=" },
	};
	unsigned int i;
	int ret;

	kmsg_skip();
	ret = get_fd(group, vf, "");
	check(ret == -EACCES, "vf-no-token",
	      "GET_DEVICE_FD(\"%s\"): %s (want EACCES)", vf, err_str(ret));
	if (ret >= 0)
		close(ret);
	check(kmsg_has(vf, NULL), "vf-no-token-logged",
	      "no kernel log line names %s", vf);

	ret = get_fd(group, vf, " vf_token=" TOKEN_B);
	check(ret == -EACCES, "vf-wrong-token",
	      "GET_DEVICE_FD(\"%s vf_token=<another>\"): %s (want EACCES)",
	      vf, err_str(ret));
	if (ret >= 0)
		close(ret);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = get_fd(group, vf, bad[i].rest);
		check(ret == -EINVAL, bad[i].name,
		      "GET_DEVICE_FD(\"%s%s\"): %s (want EINVAL)", vf,
		      bad[i].rest, err_str(ret));
		if (ret >= 0)
			close(ret);
	}

	ret = get_fd(group, vf, "0");
	check(ret == -ENODEV, "vf-longer-name",
	      "GET_DEVICE_FD(\"%s0\"): %s (want ENODEV)", vf, err_str(ret));
	if (ret >= 0)
		close(ret);
}

/* The VF through vfio: IDs, BAR0 type, BAR0 with memory decode "off". */
static void vf_device_checks(int device, const char *vf)
{
	struct vfio_region_info cfg, bar;
	char v[32], d[32], res[128], path[128];
	unsigned long long start, end, flags = 0;
	__u32 bar0 = 0, want, val;
	__u16 vid = 0, did = 0, cmd = 0;
	__u8 pin;
	bool ok;
	FILE *f;
	int ret;

	if (!check(vu_region_info(device, VFIO_PCI_CONFIG_REGION_INDEX,
				  &cfg) == 0, "vf-config-info", "%s",
		   strerror(errno)))
		return;
	ok = pread(device, &vid, 2, cfg.offset + PCI_VENDOR) == 2 &&
	     pread(device, &did, 2, cfg.offset + PCI_DEVICE) == 2 &&
	     dev_read(vf, "vendor", v, sizeof(v)) &&
	     dev_read(vf, "device", d, sizeof(d));
	check(ok && vid == strtoul(v, NULL, 16) && did == strtoul(d, NULL, 16),
	      "vf-config-ids", "config space says %04x:%04x, sysfs %s:%s", vid,
	      did, v, d);

	spath(path, sizeof(path), vf, "resource");
	f = fopen(path, "r");
	if (f) {
		if (!fgets(res, sizeof(res), f) ||
		    sscanf(res, "%llx %llx %llx", &start, &end, &flags) != 3)
			flags = 0;
		fclose(f);
	}
	pin = 0xff;
	check(pread(device, &pin, 1, cfg.offset + PCI_INT_PIN) == 1 && !pin,
	      "vf-config-int-pin", "interrupt pin reads %u, want 0 (VFs have no INTx)",
	      pin);

	if (pread(device, &bar0, 4, cfg.offset + PCI_BAR0) != 4)
		flags = 0;
	want = (flags & 0x100) ? 1 :	/* IORESOURCE_IO */
	       ((flags & 0x100000) ? 4 : 0) |	/* IORESOURCE_MEM_64 */
	       ((flags & 0x2000) ? 8 : 0);	/* IORESOURCE_PREFETCH */
	check(flags && (bar0 & 0xf) == want, "vf-config-bar0-type",
	      "BAR0 reads %#x, want type bits %#x (resource flags %#llx)",
	      bar0, want, flags);

	/* A VF decodes memory when its PF's SR-IOV control says so. */
	ret = vu_region_info(device, VFIO_PCI_BAR0_REGION_INDEX, &bar);
	check(!ret && pwrite(device, &cmd, 2, cfg.offset + PCI_COMMAND) == 2 &&
	      pread(device, &val, 4, bar.offset) == 4,
	      "vf-bar0-read-command-memory-off",
	      "read of BAR0 with the VF's command memory bit clear: %s",
	      strerror(errno));

	ret = set_token(device, TOKEN_A);
	check(ret == -ENOTTY, "vf-token-feature",
	      "SET of PCI_VF_TOKEN on a VF: %s (want ENOTTY, a VF is no PF)",
	      err_str(ret));
}

static void token_feature(int device)
{
	__u8 u[16];
	int ret;

	parse_uuid(TOKEN_A, u);
	ret = feature(device, VFIO_DEVICE_FEATURE_PROBE |
		      VFIO_DEVICE_FEATURE_SET, u, sizeof(u));
	check(!ret, "token-probe", "PROBE|SET: %s", err_str(ret));
	ret = feature(device, VFIO_DEVICE_FEATURE_PROBE |
		      VFIO_DEVICE_FEATURE_GET, u, sizeof(u));
	check(ret == -EINVAL, "token-probe-get",
	      "PROBE|GET: %s (want EINVAL: the token cannot be read)",
	      err_str(ret));
	ret = feature(device, VFIO_DEVICE_FEATURE_GET, u, sizeof(u));
	check(ret == -EINVAL, "token-get", "GET: %s (want EINVAL)",
	      err_str(ret));
	ret = feature(device, VFIO_DEVICE_FEATURE_SET, u, 8);
	check(ret == -EINVAL, "token-short", "SET with 8 bytes: %s (want EINVAL)",
	      err_str(ret));
	ret = set_token(device, TOKEN_A);
	check(!ret, "token-set", "SET: %s", err_str(ret));
}

/* Disable the VFs while VF0 is open: its user is asked, then waited for. */
static void disable_with_vf_open(struct vdev *vg, int *vfd)
{
	int efd = vu_eventfd(), st;
	bool asked, waiting;
	pid_t pid;

	if (!check(vu_irq_eventfds(vfd[0], VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
				   &efd) == 0, "vf-req-irq",
		   "SET_IRQS(REQ) on %s: %s", vfs[0], strerror(errno)))
		goto out;

	pid = fork();
	if (pid == 0) {
		/* The writer must hold none of the devices it waits for. */
		for (st = 3; st < 1024; st++)
			if (st != kfd)
				close(st);
		_exit(set_numvfs(0));
	}
	if (!check(pid > 0, "disable-fork", "fork: %s", strerror(errno)))
		goto out;
	asked = vu_wait_eventfd(efd, 15000);
	waiting = waitpid(pid, &st, WNOHANG) == 0;
	check(asked, "disable-requests-release",
	      "no request on %s's REQ eventfd within 15 s of writing 0 to sriov_numvfs",
	      vfs[0]);
	check(waiting, "disable-waits-for-vf",
	      "sriov_numvfs=0 returned while %s was still open", vfs[0]);

	close_fd(&vfd[0]);
	vu_close(&vg[0]);
	st = vu_wait_child(pid, 20000);
	stuck = st == -1;
	if (!check(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "disable-completes", "writing 0 to sriov_numvfs: %s",
		   st == -1 ? "still blocked 20 s after the VF was closed" :
		   WIFEXITED(st) ? strerror(WEXITSTATUS(st)) : "killed"))
		goto out;
	check(vfs_gone(), "disable-vfs-gone",
	      "sriov_numvfs reads %d, %s", numvfs(), vfs[0]);
out:
	close(efd);
}

/* Load a stub driver; *@loaded says whether it was there already. */
static bool load_stub(const char *name, bool *loaded)
{
	char path[96], cmd[96];

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s", name);
	*loaded = !access(path, F_OK);
	snprintf(cmd, sizeof(cmd), "modprobe %s >/dev/null 2>&1", name);
	return !system(cmd) && !access(path, F_OK);
}

/* Unload it again unless it was there before: leave no trace. */
static void unload_stub(const char *name, bool loaded)
{
	char cmd[96], path[96], check_name[64];

	if (loaded)
		return;
	snprintf(cmd, sizeof(cmd), "modprobe -r %s >/dev/null 2>&1", name);
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s", name);
	snprintf(check_name, sizeof(check_name), "%s-unloaded", name);
	check(!system(cmd) && access(path, F_OK), check_name,
	      "modprobe -r %s left it loaded", name);
}

/* Another driver on a VF of a user space PF binds, with a warning. */
static void vf_other_driver(const char *vf)
{
	char drv[256];
	bool loaded;

	if (!load_stub("pci-stub", &loaded)) {
		not_applicable("vf-other-driver", "no pci-stub driver here");
		return;
	}
	kmsg_skip();
	check(rebind(vf, "pci-stub"), "vf-other-driver-binds",
	      "%s is bound to '%s', want pci-stub", vf,
	      driver_of(vf, drv, sizeof(drv)));
	check(kmsg_has(vf, "pci-stub"), "vf-other-driver-warned",
	      "no kernel log line names %s and pci-stub", vf);
	check(rebind(vf, "vfio-pci"), "vf-rebound",
	      "%s is bound to '%s', want vfio-pci", vf,
	      driver_of(vf, drv, sizeof(drv)));
	unload_stub("pci-stub", loaded);
}

/*
 * vfio-pci refuses a PF whose VFs exist already (made here through
 * pci-pf-stub, which leaves them enabled when it unbinds). True if
 * pci-pf-stub was loaded for it, to be unloaded once the PF is off it.
 */
static bool bind_refused_with_vfs(void)
{
	char drv[256];
	bool loaded;

	if (!load_stub("pci-pf-stub", &loaded)) {
		not_applicable("bind-refused-with-vfs", "no pci-pf-stub driver here");
		return false;
	}
	dev_write(pf, "sriov_drivers_autoprobe", "0");
	if (!check(rebind(pf, "pci-pf-stub") && !set_numvfs(1) &&
		   numvfs() == 1, "stub-vfs",
		   "pci-pf-stub on %s: driver '%s', %d VFs", pf,
		   driver_of(pf, drv, sizeof(drv)), numvfs()))
		goto out;
	dev_write(pf, "driver/unbind", pf);
	kmsg_skip();
	rebind(pf, "vfio-pci");
	check(strcmp(driver_of(pf, drv, sizeof(drv)), "vfio-pci") &&
	      numvfs() == 1, "bind-refused-with-vfs",
	      "%s with %d VFs enabled is bound to '%s'", pf, numvfs(), drv);
	check(kmsg_has(pf, "SR-IOV"), "bind-refused-logged",
	      "no kernel log line names %s and SR-IOV", pf);
out:
	rebind(pf, "pci-pf-stub");
	set_numvfs(0);
	dev_write(pf, "sriov_drivers_autoprobe", "1");
	check(numvfs() == 0, "stub-cleanup", "%d VFs left", numvfs());
	return !loaded;
}

static int run_pf(void)
{
	struct vdev pfd, vg[MAX_VFS];
	int vfd[MAX_VFS], i, ret, total, st;
	char v[64], drv[256];
	bool ok, unload;

	check_set_prefix("sriov-");
	for (i = 0; i < MAX_VFS; i++) {
		vu_init(&vg[i], "");
		vfd[i] = -1;
	}
	vu_init(&pfd, pf);

	total = dev_read(pf, "sriov_totalvfs", v, sizeof(v)) ? atoi(v) : 0;
	if (!check(total > 0 && numvfs() == 0, "pf-ready",
		   "%s: sriov_totalvfs %d, sriov_numvfs %d", pf, total,
		   numvfs()))
		return check_exit();
	nvf = total < MAX_VFS ? total : MAX_VFS;

	param_off_refused();
	check(!swrite(PARAM, "Y") && vu_read_line(PARAM, v, sizeof(v)) &&
	      !strcmp(v, "Y"), "param-on", "%s: '%s'", PARAM, v);

	/* The PF's user sets the token, then creates VFs. */
	if (!check(vu_open(&pfd, pf, true), "pf-open", "%s", pfd.why))
		goto out;
	token_feature(pfd.device);
	ret = set_numvfs(nvf);
	if (!check(!ret && numvfs() == nvf, "enable-pf-open",
		   "writing %d to sriov_numvfs with the PF open: %s, %d VFs",
		   nvf, ret ? strerror(ret) : "ok", numvfs()))
		goto out;
	check(find_vfs() == nvf, "vfs-present", "%d virtfn links, want %d",
	      find_vfs(), nvf);
	for (i = 0, ok = true; i < nvf; i++)
		ok &= dev_read(vfs[i], "driver_override", v, sizeof(v)) &&
		      !strcmp(v, "vfio-pci");
	check(ok, "vf-driver-override", "a VF's driver_override is not vfio-pci");
	for (i = 0, ok = true; i < nvf; i++)
		ok &= wait_driver(vfs[i], "vfio-pci", 2000);
	check(ok, "vf-bound", "a VF is not bound to vfio-pci");
	if (!open_vf_groups(vg))
		goto out;

	vf_token_refusals(vg[0].group, vfs[0]);
	vfd[0] = get_fd(vg[0].group, vfs[0], "  vf_token=" TOKEN_A);
	if (!check(vfd[0] >= 0, "vf-open-token",
		   "GET_DEVICE_FD(\"%s vf_token=<the PF's>\"): %s", vfs[0],
		   err_str(vfd[0])))
		goto out;
	vf_device_checks(vfd[0], vfs[0]);

	/* VF0 is in use: the PF's other opens must vouch for it. */
	ret = get_fd(pfd.group, pf, "");
	check(ret == -EACCES, "pf-open-no-token",
	      "second GET_DEVICE_FD(\"%s\") with a VF open: %s (want EACCES)",
	      pf, err_str(ret));
	if (ret >= 0)
		close(ret);
	ret = get_fd(pfd.group, pf, " vf_token=" TOKEN_B);
	check(ret == -EACCES, "pf-open-wrong-token",
	      "GET_DEVICE_FD(\"%s vf_token=<another>\") with a VF open: %s (want EACCES)",
	      pf, err_str(ret));
	if (ret >= 0)
		close(ret);
	ret = get_fd(pfd.group, pf, " vf_token=" TOKEN_A);
	check(ret >= 0, "pf-open-token",
	      "GET_DEVICE_FD(\"%s vf_token=<the token>\") with a VF open: %s",
	      pf, err_str(ret));
	if (ret >= 0)
		close(ret);

	if (nvf > 1) {
		/* The PF's user may change the token at any time. */
		ret = set_token(pfd.device, TOKEN_C);
		check(!ret, "token-change", "SET with a VF open: %s",
		      err_str(ret));
		ret = get_fd(vg[1].group, vfs[1], " vf_token=" TOKEN_A);
		check(ret == -EACCES, "token-change-old-refused",
		      "GET_DEVICE_FD(\"%s vf_token=<the old token>\"): %s (want EACCES)",
		      vfs[1], err_str(ret));
		if (ret >= 0)
			close(ret);
		vfd[1] = get_fd(vg[1].group, vfs[1], " vf_token=" TOKEN_C);
		check(vfd[1] >= 0, "token-change-new",
		      "GET_DEVICE_FD(\"%s vf_token=<the new token>\"): %s",
		      vfs[1], err_str(vfd[1]));
		close_fd(&vfd[1]);
		vu_close(&vg[1]);
		vf_other_driver(vfs[1]);
	} else {
		not_applicable("token-change", "the PF has a single VF");
	}

	disable_with_vf_open(vg, vfd);
	if (numvfs())
		goto out;

	/* No VF in use: a token on the PF's open becomes the token. */
	ret = get_fd(pfd.group, pf, " vf_token=" TOKEN_D);
	check(ret >= 0, "pf-open-sets-token",
	      "GET_DEVICE_FD(\"%s vf_token=...\") with no VF in use: %s", pf,
	      err_str(ret));
	if (ret >= 0)
		close(ret);
	vu_close(&pfd);

	/* Now with nobody on the PF, which has been idle. */
	ret = set_numvfs(nvf);
	if (!check(!ret && numvfs() == nvf && find_vfs() == nvf,
		   "enable-pf-closed",
		   "writing %d to sriov_numvfs with the PF closed: %s, %d VFs",
		   nvf, ret ? strerror(ret) : "ok", numvfs()))
		goto out;
	st = pm_state(pf);
	if (!vu_bundle() && !vu_kernel_at_least(5, 19))
		not_applicable("pf-d0-with-vfs",
			       "in-tree vfio-pci of %s predates 'vfio/pci: Change the PF power state to D0 before enabling VFs' (5.19)",
			       vu_release());
	else if (st < 0)
		not_applicable("pf-d0-with-vfs", "%s has no PM capability", pf);
	else
		check(st == 0, "pf-d0-with-vfs", "idle PF with VFs is in D%d",
		      st);
	if (!wait_driver(vfs[0], "vfio-pci", 2000) ||
	    !vu_open(&vg[0], vfs[0], false)) {
		check(false, "token-from-pf-open", "%s: bound to '%s', %s",
		      vfs[0], driver_of(vfs[0], drv, sizeof(drv)), vg[0].why);
	} else {
		vfd[0] = get_fd(vg[0].group, vfs[0],
				" vf_token=" TOKEN_D_LOWER);
		check(vfd[0] >= 0, "token-from-pf-open",
		      "GET_DEVICE_FD(\"%s vf_token=<set by the PF's open>\"): %s",
		      vfs[0], err_str(vfd[0]));
	}
	close_fd(&vfd[0]);
	vu_close(&vg[0]);

	/* Unbinding the PF takes its VFs away. */
	ret = dev_write(pf, "driver/unbind", pf);
	check(!ret && vfs_gone(), "unbind-disables",
	      "unbind of %s with %d VFs: %s; sriov_numvfs now %d", pf, nvf,
	      ret ? strerror(ret) : "ok", numvfs());

	unload = bind_refused_with_vfs();
	check(rebind(pf, "vfio-pci"), "pf-rebound",
	      "%s is bound to '%s', want vfio-pci", pf,
	      driver_of(pf, drv, sizeof(drv)));
	if (unload)
		unload_stub("pci-pf-stub", false);
out:
	for (i = 0; i < MAX_VFS; i++) {
		close_fd(&vfd[i]);
		vu_close(&vg[i]);
	}
	vu_close(&pfd);
	if (stuck)
		return check_exit();
	if (numvfs() > 0)
		set_numvfs(0);
	check(!swrite(PARAM, "N") && numvfs() <= 0, "param-restored",
	      "enable_sriov back to N, %d VFs left", numvfs());
	return check_exit();
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "pf") && strcmp(argv[1], "nonpf"))) {
		fprintf(stderr, "usage: t_sriov pf|nonpf BDF\n");
		return 2;
	}
	kfd = vu_kmsg_from_now();
	if (!strcmp(argv[1], "nonpf"))
		return run_nonpf(argv[2]);
	pf = argv[2];
	return run_pf();
}
