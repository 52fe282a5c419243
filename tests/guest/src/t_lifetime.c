// SPDX-License-Identifier: GPL-2.0
/*
 * Device and memory lifetime:
 *  - unbinding a device that user space holds open blocks until the
 *    holder lets go, and the holder is asked through the request IRQ
 *    (VFIO_PCI_REQ_IRQ_INDEX) meanwhile;
 *  - Type1 accounts pinned pages to the mapper's locked_vm (VmLck in
 *    /proc/PID/status) and gives all of it back on unmap and on close;
 *  - kill -9 of a process with live mappings unpins its pages. The counter
 *    is /proc/vmstat: nr_foll_pin_acquired - nr_foll_pin_released is the
 *    number of pages pinned with FOLL_PIN system-wide right now, which is
 *    how Type1 pins; it does not depend on the dead process's accounting;
 *  - removing the function from the PCI bus (sysfs remove) while user
 *    space holds it and has DMA mapped behaves like unbind: the request
 *    IRQ fires, remove() waits for the device fd to close and then
 *    completes, revoking the group (its fd answers ENODEV) as upstream
 *    does since 6.1; nothing stays pinned once the group and container
 *    are closed; a rescan brings the function back and it is bound to
 *    vfio-pci again;
 *  - each open device fd holds the bound driver's module, as upstream: it
 *    cannot be unloaded (EWOULDBLOCK) until the fd is closed.
 *
 *   t_lifetime BDF        (bound to vfio-pci; rebound there at the end)
 */
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "vfio_util.h"
#include "pci_sysfs.h"

#define IOVA		0x100000UL
#define ACCT_LEN	(64 * VU_PAGE)
#define KILL_PAGES	4096UL		/* 16 MiB */
#define PIN_SLACK	128		/* pins by anything else meanwhile */

static void unbind_blocks(const char *bdf)
{
	struct vfio_irq_info info;
	struct vdev d;
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	int efd = vu_eventfd(), st;
	bool running, node_there, usable;
	char node[32];
	pid_t pid;
	__u64 v;

	if (!check(vu_open(&d, bdf, true), "lifetime-open", "%s", d.why))
		goto out;
	if (!check(vu_irq_info(d.device, VFIO_PCI_REQ_IRQ_INDEX, &info) == 0 &&
		   info.count == 1, "lifetime-req-info",
		   "REQ irq info: %s, count %u", strerror(errno), info.count))
		goto out;
	if (!check(vu_irq_eventfds(d.device, VFIO_PCI_REQ_IRQ_INDEX, 0, 1,
				   &efd) == 0, "lifetime-req-enable",
		   "SET_IRQS(REQ, eventfd): %s", strerror(errno)))
		goto out;

	pid = fork();
	if (pid == 0) {
		/* The unbinder must not hold the device itself. */
		vu_close(&d);
		close(efd);
		_exit(vu_write_str("/sys/bus/pci/drivers/vfio-pci/unbind", bdf) ?
		      0 : 1);
	}
	if (!check(pid > 0, "lifetime-fork", "fork: %s", strerror(errno)))
		goto out;

	v = vu_wait_eventfd(efd, 5000);
	check(v >= 1, "lifetime-req-irq",
	      "no request on the REQ eventfd within 5 s of the unbind");
	/*
	 * The driver core drops the driver link before remove(), so the
	 * proof that remove() waits is the blocked writer, the group node,
	 * and a device fd that still works.
	 */
	vu_sleep_ms(500);
	running = waitpid(pid, &st, WNOHANG) == 0;
	snprintf(node, sizeof(node), "/dev/vfio/%d", d.group_id);
	node_there = access(node, F_OK) == 0;
	usable = ioctl(d.device, VFIO_DEVICE_GET_INFO, &dinfo) == 0;
	check(running && node_there && usable, "lifetime-unbind-blocks",
	      "with the device open: unbind %s, %s %s, GET_INFO %s",
	      running ? "still blocked" : "returned", node,
	      node_there ? "present" : "gone", usable ? "works" : "fails");

	vu_close(&d);
	st = vu_wait_child(pid, 15000);
	if (!check(st == 0 && ps_driver_is(bdf, NULL), "lifetime-unbind-completes",
		   "after close: unbind %s, device %s",
		   st == -1 ? "still blocked after 15 s" :
		   st ? "failed" : "done",
		   ps_driver_is(bdf, NULL) ? "unbound" : "still bound")) {
		/*
		 * A remove() stuck for good cannot be killed (upstream waits
		 * uninterruptibly once signalled): leave it, so the rest of
		 * the suite still runs and reports.
		 */
		if (st == -1) {
			kill(pid, SIGKILL);
			if (vu_wait_child(pid, 2000) == -1)
				goto out;
		}
	}

	/* driver_override still names vfio-pci: put the device back. */
	vu_write_str("/sys/bus/pci/drivers_probe", bdf);
	check(ps_driver_is(bdf, "vfio-pci"), "lifetime-rebind",
	      "%s is not back on vfio-pci after drivers_probe", bdf);
out:
	vu_close(&d);
	close(efd);
}

/* GET_DEVICE_FD on @group, whose device @bdf is gone: ENODEV as @name. */
static void check_device_fd_gone(int group, const char *bdf, const char *name)
{
	int fd = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	int err = errno;

	if (fd >= 0)
		close(fd);
	check(fd < 0 && err == ENODEV, name,
	      "GET_DEVICE_FD on the group fd after %s left: %s; want ENODEV",
	      bdf, fd < 0 ? strerror(err) : "a device fd");
}

/*
 * A group fd held, in its container but with no device open, across an
 * unbind: the device it named is gone (ENODEV), whatever became of the
 * container.
 */
static void unbind_open_group(const char *bdf)
{
	struct vdev d;

	vu_init(&d, bdf);
	if (!vu_bundle() && !vu_kernel_at_least(6, 1)) {
		not_applicable("lifetime-group-unbind-device-fd",
			       "the in-tree vfio of %s holds an unbind until the group leaves its container (upstream 6.1 revokes the group)",
			       vu_release());
		return;
	}
	if (!check(vu_open(&d, bdf, false), "lifetime-group-unbind-open",
		   "%s", d.why))
		goto out;
	if (!check(vu_write_str("/sys/bus/pci/drivers/vfio-pci/unbind", bdf),
		   "lifetime-group-unbind", "unbind %s with only its group open",
		   bdf))
		goto out;
	check_device_fd_gone(d.group, bdf, "lifetime-group-unbind-device-fd");
	vu_close(&d);
	vu_write_str("/sys/bus/pci/drivers_probe", bdf);
	check(ps_driver_is(bdf, "vfio-pci"), "lifetime-group-unbind-rebind",
	      "%s is not back on vfio-pci after drivers_probe", bdf);
out:
	vu_close(&d);
}

static bool dev_present(const char *bdf)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	return access(path, F_OK) == 0;
}

/* Rescan the PCI bus until @bdf is back; true if it came back. */
static bool pci_rescan(const char *bdf)
{
	int i;

	vu_write_str("/sys/bus/pci/rescan", "1");
	for (i = 0; i < 50 && !dev_present(bdf); i++)
		vu_sleep_ms(100);
	return dev_present(bdf);
}

static bool bind_vfio(const char *bdf)
{
	char path[96];

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/driver_override", bdf);
	return vu_write_str(path, "vfio-pci") &&
	       vu_write_str("/sys/bus/pci/drivers_probe", bdf) &&
	       ps_driver_is(bdf, "vfio-pci");
}

static void remove_blocks(const char *bdf)
{
	void *buf = vu_alloc(KILL_PAGES * VU_PAGE);
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	struct vfio_group_status gst = { .argsz = sizeof(gst) };
	bool old_wait = !vu_bundle() && !vu_kernel_at_least(6, 1);
	long long p0, p1, p2;
	bool running, usable, ok;
	int ret, err;
	int efd = vu_eventfd(), st;
	char path[96], node[32];
	struct vdev d;
	pid_t pid;
	__u64 v;

	vu_init(&d, bdf);
	p0 = vu_pinned_pages();
	ok = buf && p0 >= 0 && vu_open(&d, bdf, true) &&
	     vu_map(d.container, buf, IOVA, KILL_PAGES * VU_PAGE) == 0 &&
	     vu_irq_eventfds(d.device, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, &efd) == 0;
	if (!check(ok, "lifetime-remove-setup",
		   "buffer, pin counters (%lld), open, map 16 MiB or REQ eventfd: %s",
		   p0, d.why[0] ? d.why : strerror(errno)))
		goto out;
	p1 = vu_pinned_pages();
	snprintf(node, sizeof(node), "/dev/vfio/%d", d.group_id);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	pid = fork();
	if (pid == 0) {
		vu_close(&d);
		close(efd);
		_exit(vu_write_str(path, "1") ? 0 : 1);
	}
	if (pid < 0) {
		check(false, "lifetime-remove-blocks", "fork: %s",
		      strerror(errno));
		goto out;
	}

	v = vu_wait_eventfd(efd, 5000);
	check(v >= 1, "lifetime-remove-req-irq",
	      "no request on the REQ eventfd within 5 s of the remove");
	vu_sleep_ms(500);
	running = waitpid(pid, &st, WNOHANG) == 0;
	usable = ioctl(d.device, VFIO_DEVICE_GET_INFO, &dinfo) == 0;
	check(running && usable, "lifetime-remove-blocks",
	      "with the device open: remove %s, GET_INFO %s",
	      running ? "still blocked" : "returned",
	      usable ? "works" : "fails");

	/* As a VMM would: the device first, the mappings with the rest. */
	close(d.device);
	d.device = -1;
	if (old_wait) {
		/*
		 * Before 6.1, remove() also waited for the group to leave its
		 * container: closing the group file is what lets it end.
		 */
		not_applicable("lifetime-remove-completes",
			       "the in-tree vfio of %s waits for the group to leave its container too; upstream revokes the group itself since 6.1",
			       vu_release());
		not_applicable("lifetime-remove-group-revoked",
			       "the in-tree vfio of %s has no group revocation (upstream 6.1)",
			       vu_release());
		not_applicable("lifetime-remove-group-revoked-device-fd",
			       "the in-tree vfio of %s has no group revocation (upstream 6.1)",
			       vu_release());
		vu_close(&d);
	}
	st = vu_wait_child(pid, 15000);
	if (!check(st == 0 && !dev_present(bdf),
		   old_wait ? "lifetime-remove-completes-after-group-close" :
			      "lifetime-remove-completes",
		   "after closing the device fd%s: remove %s, %s %s",
		   old_wait ? " and the group" : "",
		   st == -1 ? "still blocked after 15 s" :
		   st ? "failed" : "done", bdf,
		   dev_present(bdf) ? "still on the bus" : "gone")) {
		/* See unbind_blocks(): a stuck remove cannot be killed. */
		if (st == -1) {
			kill(pid, SIGKILL);
			if (vu_wait_child(pid, 2000) == -1)
				goto out;
		}
	}
	if (!old_wait) {
		/* The group fd outlives its group's last device, revoked. */
		ret = ioctl(d.group, VFIO_GROUP_GET_STATUS, &gst);
		err = errno;
		check(ret < 0 && err == ENODEV, "lifetime-remove-group-revoked",
		      "GET_STATUS on the open group fd after the remove: %d (%s), flags %#x; want ENODEV",
		      ret, ret ? strerror(err) : "ok", gst.flags);
		/* Not EINVAL for the container the group lost with it. */
		check_device_fd_gone(d.group, bdf,
				     "lifetime-remove-group-revoked-device-fd");
	}
	vu_close(&d);
	p2 = vu_pinned_pages();
	check(p1 - p0 >= (long long)KILL_PAGES - PIN_SLACK &&
	      p2 - p0 < PIN_SLACK && p0 - p2 < PIN_SLACK,
	      "lifetime-remove-unpins",
	      "pinned pages %lld before, %lld mapped (want +%lu), %lld after remove and close (want back)",
	      p0, p1, KILL_PAGES, p2);
	check(access(node, F_OK) != 0, "lifetime-remove-group-node-gone",
	      "%s still exists after the function was removed and its group closed",
	      node);
out:
	vu_close(&d);
	close(efd);
	if (buf)
		munmap(buf, KILL_PAGES * VU_PAGE);
	if (!dev_present(bdf) &&
	    !check(pci_rescan(bdf), "lifetime-rescan",
		   "%s did not come back within 5 s of a PCI rescan", bdf))
		return;
	check(ps_driver_is(bdf, "vfio-pci") || bind_vfio(bdf),
	      "lifetime-rescan-rebind",
	      "%s is not bound to vfio-pci after driver_override and drivers_probe",
	      bdf);
}

static void lock_accounting(const char *bdf)
{
	long long l0, l1, l2, l3;
	void *buf = vu_alloc(ACCT_LEN);
	struct vdev d;
	__u64 done = 0;

	vu_init(&d, bdf);
	l0 = vu_vmlck_kb(getpid());
	if (!check(buf && l0 >= 0 && vu_open(&d, bdf, true), "lifetime-acct-setup",
		   "buffer, VmLck (%lld) or open: %s", l0,
		   buf ? d.why : strerror(errno)))
		goto out;
	if (!check(vu_map(d.container, buf, IOVA, ACCT_LEN) == 0,
		   "lifetime-acct-map", "MAP_DMA: %s", strerror(errno)))
		goto out;
	l1 = vu_vmlck_kb(getpid());
	vu_unmap(d.container, IOVA, ACCT_LEN, &done);
	l2 = vu_vmlck_kb(getpid());
	check(l1 == l0 + (long long)(ACCT_LEN / 1024) && l2 == l0,
	      "lifetime-acct-unmap",
	      "VmLck %lld kB, %lld kB mapped (want +%lu), %lld kB unmapped (want back)",
	      l0, l1, ACCT_LEN / 1024, l2);

	vu_map(d.container, buf, IOVA, ACCT_LEN);
	l1 = vu_vmlck_kb(getpid());
	vu_close(&d);
	l3 = vu_vmlck_kb(getpid());
	check(l1 == l0 + (long long)(ACCT_LEN / 1024) && l3 == l0,
	      "lifetime-acct-close",
	      "VmLck %lld kB, %lld kB mapped, %lld kB after closing with the mapping live (want back)",
	      l0, l1, l3);
out:
	vu_close(&d);
	if (buf)
		munmap(buf, ACCT_LEN);
}

static void kill_releases(const char *bdf)
{
	int pfd[2];
	long long p0, p1, p2, lck;
	pid_t pid;
	char c = 0;
	struct vdev d;

	p0 = vu_pinned_pages();
	if (!check(p0 >= 0 && pipe(pfd) == 0, "lifetime-kill-setup",
		   "no nr_foll_pin_* in /proc/vmstat, or pipe failed"))
		return;
	pid = fork();
	if (pid == 0) {
		void *buf = vu_alloc(KILL_PAGES * VU_PAGE);

		close(pfd[0]);
		if (buf && vu_open(&d, bdf, true) &&
		    vu_map(d.container, buf, IOVA, KILL_PAGES * VU_PAGE) == 0)
			c = 'y';
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (!check(pid > 0 && read(pfd[0], &c, 1) == 1 && c == 'y',
		   "lifetime-kill-child-mapped",
		   "the child could not open the device and map 16 MiB"))
		goto out;
	p1 = vu_pinned_pages();
	lck = vu_vmlck_kb(pid);
	check(p1 - p0 >= (long long)KILL_PAGES - PIN_SLACK &&
	      lck >= (long long)(KILL_PAGES * 4), "lifetime-kill-pins-visible",
	      "with the child's 16 MiB mapped: pinned pages %lld -> %lld (want +%lu), child VmLck %lld kB",
	      p0, p1, KILL_PAGES, lck);
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(pfd[0]);
	p2 = vu_pinned_pages();
	check(p2 - p0 < PIN_SLACK && p0 - p2 < PIN_SLACK,
	      "lifetime-kill-releases-pins",
	      "pinned pages %lld before the child, %lld after kill -9 (want within %d)",
	      p0, p2, PIN_SLACK);
	/* And the device is free again. */
	check(vu_open(&d, bdf, true), "lifetime-reopen-after-kill", "%s", d.why);
	vu_close(&d);
}

static void driver_module_ref(const char *bdf)
{
	char path[128], link[256], *mod;
	long r0, r1, r2;
	struct vdev d;
	ssize_t n;
	int ret, err;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/module",
		 bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (!check(n > 0, "lifetime-driver-module", "readlink %s: %s", path,
		   strerror(errno)))
		return;
	link[n] = '\0';
	mod = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;

	r0 = vu_module_refcnt(mod);
	if (!check(vu_open(&d, bdf, true), "lifetime-modref-open", "%s",
		   d.why)) {
		vu_close(&d);
		return;
	}
	r1 = vu_module_refcnt(mod);
	ret = -1;
	err = 0;
	/* Only with the reference held: without it the unload would block. */
	if (r1 == r0 + 1) {
		ret = syscall(SYS_delete_module, mod, O_NONBLOCK);
		err = errno;
	}
	check(r0 >= 0 && r1 == r0 + 1 && ret == -1 && err == EWOULDBLOCK,
	      "lifetime-open-holds-driver",
	      "%s refcnt %ld -> %ld with a device fd open (want +1); unloading it: %d (%s), want EWOULDBLOCK",
	      mod, r0, r1, ret, ret ? strerror(err) : "unloaded");
	vu_close(&d);
	r2 = vu_module_refcnt(mod);
	check(r2 == r0, "lifetime-close-drops-driver",
	      "%s refcnt %ld after closing, %ld before opening", mod, r2, r0);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: t_lifetime BDF\n");
		return 2;
	}
	driver_module_ref(argv[1]);
	lock_accounting(argv[1]);
	kill_releases(argv[1]);
	unbind_blocks(argv[1]);
	unbind_open_group(argv[1]);
	remove_blocks(argv[1]);
	return check_exit();
}
