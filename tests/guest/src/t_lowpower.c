// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, _ENTRY_WITH_WAKEUP and _EXIT with
 * upstream's semantics (6.1), watched from the host side through sysfs:
 * entry lets runtime PM suspend the open function (D3hot where it has a
 * PM capability); its BAR mmaps then fault; read, write, config and
 * ioctl accesses wake it for their duration and it suspends again; exit
 * brings it back with mmaps working; an entry with a wake-up eventfd is
 * ended, and the eventfd signalled, by the first wake-up; INTx is masked
 * while suspended; a close ends low power and leaves no reference behind.
 *
 *   t_lowpower BDF NAME     (a function bound to vfio-pci; NAME prefixes
 *                            the check names)
 */
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>

#include "vfio_util.h"
#include "pci_sysfs.h"

#define LP_WAIT_MS	5000

static const char *bdf;
static struct vdev d;
static void *bar;
static size_t bar_size;
static __u32 ref;		/* BAR0 offset 0, read in D0 */
static bool has_pm;

/* Read BAR0 offset 0 through the mapping; false if that faulted. */
static bool mmap_rd(__u32 *val)
{
	return vu_read32(bar, val);
}

static int feature(__u32 flags, const void *data, size_t len, __u32 argsz)
{
	struct {
		struct vfio_device_feature hdr;
		__u8 data[16];
	} f;

	memset(&f, 0, sizeof(f));
	f.hdr.argsz = argsz ? argsz : sizeof(f.hdr) + len;
	f.hdr.flags = flags;
	if (len)
		memcpy(f.data, data, len);
	return ioctl(d.device, VFIO_DEVICE_FEATURE, &f);
}

static int lp_set(__u32 feat)
{
	return feature(VFIO_DEVICE_FEATURE_SET | feat, NULL, 0, 0);
}

static int lp_wakeup(int fd)
{
	struct vfio_device_low_power_entry_with_wakeup e = {
		.wakeup_eventfd = fd,
	};

	return feature(VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		       &e, sizeof(e), 0);
}

static bool expect(int ret, int want, const char *name, const char *what)
{
	int err = errno;

	if (!want)
		return check(ret == 0, name, "%s: %s, want success", what,
			     strerror(err));
	return check(ret == -1 && err == want, name,
		     "%s returned %d (%s), want -1 (%s)", what, ret,
		     ret == -1 ? strerror(err) : "no error", strerror(want));
}

static const char *state(void)
{
	static char buf[96];
	char st[32];

	snprintf(buf, sizeof(buf), "runtime %s, D%d, usage %d",
		 ps_runtime_status(bdf, st, sizeof(st)), ps_dstate(bdf),
		 ps_runtime_usage(bdf));
	return buf;
}

/* Suspended (and in D3hot, with PM) within LP_WAIT_MS? */
static bool wait_low(void)
{
	int i;

	for (i = 0; i < LP_WAIT_MS / 10; i++) {
		if (ps_suspended(bdf) && (!has_pm || ps_dstate(bdf) == 3))
			return true;
		vu_sleep_ms(10);
	}
	return false;
}

static bool is_up(void)
{
	return !ps_suspended(bdf) && (!has_pm || ps_dstate(bdf) == 0);
}

static bool pread_bar(__u32 *v)
{
	struct vfio_region_info r;

	return !vu_region_info(d.device, VFIO_PCI_BAR0_REGION_INDEX, &r) &&
	       pread(d.device, v, sizeof(*v), r.offset) == sizeof(*v);
}

static bool open_and_map(const char *name)
{
	struct vfio_region_info r;
	char sub[64];
	void *p;

	if (!check(vu_open(&d, bdf, true), name, "%s", d.why))
		return false;
	snprintf(sub, sizeof(sub), "%s-bar0", name);
	if (!check(vu_region_info(d.device, VFIO_PCI_BAR0_REGION_INDEX, &r) == 0 &&
		   (r.flags & VFIO_REGION_INFO_FLAG_MMAP), sub,
		   "BAR0 info: %s, flags %#x (want mmap)", strerror(errno),
		   r.flags))
		return false;
	p = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, d.device,
		 r.offset);
	snprintf(sub, sizeof(sub), "%s-mmap", name);
	if (!check(p != MAP_FAILED, sub, "mmap BAR0: %s", strerror(errno)))
		return false;
	bar = p;
	bar_size = r.size;
	snprintf(sub, sizeof(sub), "%s-memory-on", name);
	return check(vu_bus_master(&d, true), sub,
		     "cannot turn memory decode and bus mastering on");
}

static void close_all(void)
{
	if (bar)
		munmap(bar, bar_size);
	bar = NULL;
	vu_bus_master(&d, false);
	vu_close(&d);
}

static void bad_input(void)
{
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	__u32 v = 0;

	expect(feature(VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0, 0), 0,
	       "lp-probe-entry-set", "PROBE|SET of LOW_POWER_ENTRY");
	expect(feature(VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, NULL, 0,
		       0), 0, "lp-probe-wakeup-set",
	       "PROBE|SET of LOW_POWER_ENTRY_WITH_WAKEUP (no data)");
	expect(feature(VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0, 0), 0,
	       "lp-probe-exit-set", "PROBE|SET of LOW_POWER_EXIT");
	expect(feature(VFIO_DEVICE_FEATURE_PROBE |
		       VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0, 0), 0,
	       "lp-probe-exit", "PROBE of LOW_POWER_EXIT");
	expect(feature(VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0, 0), EINVAL,
	       "lp-probe-entry-get", "PROBE|GET of LOW_POWER_ENTRY (SET only)");
	expect(feature(VFIO_DEVICE_FEATURE_GET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0, 0), EINVAL,
	       "lp-get-exit", "GET of LOW_POWER_EXIT (SET only)");
	expect(feature(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0, 0), EINVAL,
	       "lp-entry-no-op", "LOW_POWER_ENTRY with none of GET, SET, PROBE");

	/* The wake-up entry's data: 8 bytes, a real eventfd. */
	expect(feature(VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, NULL, 0,
		       sizeof(struct vfio_device_feature) + 4), EINVAL,
	       "lp-wakeup-short", "ENTRY_WITH_WAKEUP with 4 bytes of data");
	expect(lp_wakeup(-1), EINVAL, "lp-wakeup-negative-fd",
	       "ENTRY_WITH_WAKEUP with eventfd -1");
	expect(lp_wakeup(999), EBADF, "lp-wakeup-closed-fd",
	       "ENTRY_WITH_WAKEUP with fd 999 (not open)");
	expect(lp_wakeup(nul), EINVAL, "lp-wakeup-not-eventfd",
	       "ENTRY_WITH_WAKEUP with an fd of /dev/null");
	if (nul >= 0)
		close(nul);

	/* None of them engaged low power: the mapping still works. */
	check(mmap_rd(&v) && v == ref, "lp-bad-input-not-engaged",
	      "after refused entries the mapping reads %#x or faults (want %#x); %s",
	      v, ref, state());
}

/*
 * An awake device's reads, config accesses and ioctls (failed ones too)
 * take the wake's reference and give it back without resuming anything:
 * after many, the count is where it was and the device never went down.
 */
static void awake_calls(int usage)
{
	struct vfio_region_info r = { .argsz = sizeof(r), .index = 99 };
	int i, bad = 0;
	__u32 v;
	__u16 vendor;

	for (i = 0; i < 200; i++) {
		if (!pread_bar(&v) || v != ref ||
		    !vu_cfg_read(&d, 0, &vendor, 2) ||
		    ioctl(d.device, VFIO_DEVICE_GET_REGION_INFO, &r) != -1 ||
		    errno != EINVAL)
			bad++;
	}
	check(!bad, "lp-awake-calls",
	      "%d of 200 rounds of reads and ioctls failed", bad);
	check(is_up(), "lp-awake-stays-up", "after 200 rounds: %s", state());
	if (usage >= 0)
		check(ps_runtime_usage(bdf) == usage, "lp-awake-count-kept",
		      "usage %d after 200 rounds, %d before",
		      ps_runtime_usage(bdf), usage);
}

static void plain_entry(int usage)
{
	char vendor_cfg[2] = { 0 }, vendor_sys[2] = { 1 };
	int efd = vu_eventfd();
	__u32 v = 0;

	if (!expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY), 0, "lp-entry",
		    "SET LOW_POWER_ENTRY"))
		goto out;
	check(wait_low(), "lp-entry-suspends",
	      "not runtime suspended%s after %d ms: %s",
	      has_pm ? " in D3hot" : "", LP_WAIT_MS, state());
	if (usage >= 0)
		check(ps_runtime_usage(bdf) == usage - 1, "lp-entry-drops-reference",
		      "runtime usage %d, want %d (the open's reference dropped)",
		      ps_runtime_usage(bdf), usage - 1);
	check(!mmap_rd(&v), "lp-entry-mmap-faults",
	      "the BAR0 mapping read %#x in low power, want SIGBUS", v);

	expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY), EINVAL,
	       "lp-entry-twice", "a second LOW_POWER_ENTRY");
	expect(lp_wakeup(efd), EINVAL, "lp-wakeup-while-engaged",
	       "ENTRY_WITH_WAKEUP while low power is engaged");
	check(wait_low(), "lp-resuspends-after-ioctl",
	      "not back in low power after the ioctls: %s", state());

	v = 0;
	check(pread_bar(&v) && v == ref, "lp-read-wakes",
	      "pread of BAR0 in low power: %#x (%s), want %#x", v,
	      strerror(errno), ref);
	check(wait_low(), "lp-resuspends-after-read",
	      "not back in low power after the read: %s", state());

	ps_cfg(bdf, 0, vendor_sys, 2);
	check(vu_cfg_read(&d, 0, vendor_cfg, 2) &&
	      !memcmp(vendor_cfg, vendor_sys, 2), "lp-config-read",
	      "config read in low power: %02x%02x, want %02x%02x (%s)",
	      (__u8)vendor_cfg[1], (__u8)vendor_cfg[0], (__u8)vendor_sys[1],
	      (__u8)vendor_sys[0], strerror(errno));
	check(wait_low(), "lp-resuspends-after-config",
	      "not back in low power after the config read: %s", state());
	check(!mmap_rd(&v), "lp-mmap-faults-after-wakes",
	      "the mapping read %#x after the wake-ups, want SIGBUS until exit",
	      v);

	if (!expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), 0, "lp-exit",
		    "SET LOW_POWER_EXIT"))
		goto out;
	vu_sleep_ms(200);
	check(is_up(), "lp-exit-up", "after LOW_POWER_EXIT: %s", state());
	if (usage >= 0)
		check(ps_runtime_usage(bdf) == usage, "lp-exit-takes-reference",
		      "runtime usage %d after exit, want %d",
		      ps_runtime_usage(bdf), usage);
	v = 0;
	check(mmap_rd(&v) && v == ref, "lp-exit-mmap-works",
	      "the mapping reads %#x (or faults) after exit, want %#x", v, ref);
	expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), 0, "lp-exit-twice",
	       "LOW_POWER_EXIT when not in low power");
	check(vu_wait_eventfd(efd, 0) == 0, "lp-refused-wakeup-silent",
	      "the eventfd of the refused wake-up entry was signalled");
out:
	close(efd);
}

static void wakeup_entry(int usage)
{
	int efd = vu_eventfd();
	__u64 n;
	__u32 v = 0;

	if (!expect(lp_wakeup(efd), 0, "lp-wakeup-entry",
		    "SET LOW_POWER_ENTRY_WITH_WAKEUP"))
		goto out;
	check(wait_low(), "lp-wakeup-suspends",
	      "not in low power after %d ms: %s", LP_WAIT_MS, state());
	check(vu_wait_eventfd(efd, 0) == 0, "lp-wakeup-quiet",
	      "the wake-up eventfd fired before any access");
	check(pread_bar(&v) && v == ref, "lp-wakeup-read",
	      "pread of BAR0: %#x (%s), want %#x", v, strerror(errno), ref);
	n = vu_wait_eventfd(efd, 2000);
	check(n == 1, "lp-wakeup-fires",
	      "the wake-up eventfd counted %llu after the read, want 1",
	      (unsigned long long)n);
	vu_sleep_ms(300);
	check(is_up(), "lp-wakeup-one-shot",
	      "low power did not end with the wake-up: %s", state());
	if (usage >= 0)
		check(ps_runtime_usage(bdf) == usage, "lp-wakeup-takes-reference",
		      "runtime usage %d after the wake-up, want %d",
		      ps_runtime_usage(bdf), usage);
	v = 0;
	check(mmap_rd(&v) && v == ref, "lp-wakeup-mmap-works",
	      "the mapping reads %#x (or faults) after the wake-up, want %#x",
	      v, ref);
	expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), 0,
	       "lp-exit-after-wakeup", "LOW_POWER_EXIT after the wake-up");
	check(vu_wait_eventfd(efd, 200) == 0, "lp-wakeup-once",
	      "the eventfd fired again");

	/* An exit is a wake-up too: it signals a pending eventfd. */
	if (!expect(lp_wakeup(efd), 0, "lp-wakeup-entry-again",
		    "a second SET LOW_POWER_ENTRY_WITH_WAKEUP"))
		goto out;
	check(wait_low(), "lp-wakeup-suspends-again",
	      "not in low power: %s", state());
	expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), 0,
	       "lp-exit-with-wakeup", "LOW_POWER_EXIT of a wake-up entry");
	n = vu_wait_eventfd(efd, 2000);
	check(n == 1, "lp-exit-signals-wakeup",
	      "the eventfd counted %llu after LOW_POWER_EXIT, want 1",
	      (unsigned long long)n);
	check(is_up(), "lp-exit-with-wakeup-up", "after exit: %s", state());
out:
	close(efd);
}

/* edu: INTx is masked at the device while it is suspended. */
static void intx_masking(void)
{
	int efd = vu_eventfd();
	unsigned int cmd;
	__u64 n;

	if (!check(vu_irq_eventfds(d.device, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
				   &efd) == 0, "lp-intx-enable",
		   "SET_IRQS(INTx, eventfd): %s", strerror(errno)))
		goto out;
	cmd = ps_cfg16(bdf, PS_COMMAND);
	check(!(cmd & PS_COMMAND_INTX_OFF), "lp-intx-live",
	      "INTx disable set in the command register (%#x) with INTx set up",
	      cmd);
	if (!expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY), 0,
		    "lp-intx-entry", "SET LOW_POWER_ENTRY with INTx live"))
		goto disable;
	check(wait_low(), "lp-intx-suspends", "not suspended: %s", state());
	cmd = ps_cfg16(bdf, PS_COMMAND);
	check(cmd & PS_COMMAND_INTX_OFF, "lp-intx-masked-while-suspended",
	      "command register %#x: INTx not masked while suspended", cmd);
	expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), 0, "lp-intx-exit",
	       "SET LOW_POWER_EXIT");
	cmd = ps_cfg16(bdf, PS_COMMAND);
	check(!(cmd & PS_COMMAND_INTX_OFF), "lp-intx-unmasked-on-resume",
	      "command register %#x: INTx still masked after exit", cmd);
	edu_wr(bar, EDU_IRQ_RAISE, 0x1);
	n = vu_wait_eventfd(efd, 2000);
	edu_wr(bar, EDU_IRQ_ACK, 0xffffffff);
	check(n >= 1, "lp-intx-fires-after-exit",
	      "no INTx signalled after low power ended");
	vu_irq_none(d.device, VFIO_PCI_INTX_IRQ_INDEX,
		    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1);
disable:
	vu_irq_disable(d.device, VFIO_PCI_INTX_IRQ_INDEX);
out:
	close(efd);
}

static void close_in_low_power(int idle_usage)
{
	__u32 v = 0;

	if (!expect(lp_set(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY), 0,
		    "lp-close-entry", "SET LOW_POWER_ENTRY"))
		return;
	check(wait_low(), "lp-close-suspends", "not suspended: %s", state());
	close_all();
	vu_sleep_ms(300);
	if (idle_usage >= 0)
		check(ps_runtime_usage(bdf) == idle_usage, "lp-close-usage",
		      "runtime usage %d after the close, want %d as before the open",
		      ps_runtime_usage(bdf), idle_usage);
	if (!open_and_map("lp-close-reopen"))
		return;
	check(is_up(), "lp-reopen-up", "after the reopen: %s", state());
	check(mmap_rd(&v) && v == ref, "lp-close-ends-low-power",
	      "after close and reopen the mapping reads %#x (or faults), want %#x",
	      v, ref);
}

int main(int argc, char **argv)
{
	static char prefix[32];
	int idle_usage, usage;
	bool edu;

	if (argc != 3) {
		fprintf(stderr, "usage: t_lowpower BDF NAME\n");
		return 2;
	}
	bdf = argv[1];
	snprintf(prefix, sizeof(prefix), "%s-", argv[2]);
	check_set_prefix(prefix);
	vu_catch_sigbus();
	has_pm = ps_dstate(bdf) >= 0;
	edu = ps_cfg16(bdf, 0) == EDU_VENDOR;
	idle_usage = ps_runtime_usage(bdf);

	if (!open_and_map("lp-open"))
		goto out;
	if (!check(mmap_rd(&ref), "lp-open-read", "BAR0 mapping faults"))
		goto out;
	if (has_pm)
		check(ps_dstate(bdf) == 0, "lp-open-d0", "open: %s", state());
	else
		not_applicable("lp-open-d0",
			       "%s has no PM capability: runtime suspend leaves it in D0",
			       bdf);

	if (feature(VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		    VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0, 0) &&
	    errno == ENOTTY && !vu_bundle()) {
		not_applicable("lp-all",
			       "the in-tree vfio-pci of %s has no VFIO_DEVICE_FEATURE_LOW_POWER_* (upstream 6.1)",
			       vu_release());
		goto out;
	}
	usage = ps_runtime_usage(bdf);
	if (usage < 0)
		not_applicable("lp-usage",
			       "%s has no power/runtime_usage (CONFIG_PM_ADVANCED_DEBUG)",
			       vu_release());

	bad_input();
	awake_calls(usage);
	plain_entry(usage);
	wakeup_entry(usage);
	if (edu)
		intx_masking();
	else
		not_applicable("lp-intx",
			       "INTx is raised on edu only (this is %s)", bdf);
	close_in_low_power(idle_usage);
out:
	close_all();
	return check_exit();
}
