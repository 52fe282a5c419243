// SPDX-License-Identifier: GPL-2.0
/*
 * The ERR IRQ (VFIO_PCI_ERR_IRQ_INDEX): AER error notification.
 *
 *  - a PCI Express function reports one ERR interrupt (eventfd, no
 *    resize); a conventional PCI function has none, and both GET_IRQ_INFO
 *    and SET_IRQS for it fail with EINVAL, as upstream;
 *  - an uncorrectable non-fatal error injected on the function (the
 *    kernel's aer_inject, /dev/aer_inject) reaches user space through the
 *    ERR eventfd while the function is open, and the function still
 *    answers after the AER recovery;
 *  - with the eventfd unset, the same error signals nothing.
 *
 *   t_err PCIE_BDF [CONVENTIONAL_BDF]   (bound to vfio-pci; aer_inject loaded)
 */
#include "vfio_util.h"

#define AER_INJECT		"/dev/aer_inject"
/* Completer Abort: uncorrectable, non-fatal in the default severity. */
#define PCI_ERR_UNC_COMP_ABORT	0x00008000U

/* What aer_inject reads from a write(): drivers/pci/pcie/aer_inject.c */
struct aer_error_inj {
	__u8 bus;
	__u8 dev;
	__u8 fn;
	__u32 uncor_status;
	__u32 cor_status;
	__u32 header_log0;
	__u32 header_log1;
	__u32 header_log2;
	__u32 header_log3;
	__u32 domain;
};

static int inject(const char *bdf)
{
	struct aer_error_inj e = { .uncor_status = PCI_ERR_UNC_COMP_ABORT };
	unsigned int seg, bus, dev, fn;
	int fd, err;
	ssize_t n;

	if (sscanf(bdf, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4) {
		errno = EINVAL;
		return -1;
	}
	e.domain = seg;
	e.bus = bus;
	e.dev = dev;
	e.fn = fn;
	fd = open(AER_INJECT, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, &e, sizeof(e));
	err = errno;
	close(fd);
	errno = err;
	return n == sizeof(e) ? 0 : -1;
}

static void no_err_irq(const char *bdf)
{
	struct vfio_irq_info info;
	struct vdev d;
	int efd = vu_eventfd(), ret, err;

	if (!check(vu_open(&d, bdf, true), "err-conventional-open", "%s",
		   d.why))
		goto out;
	ret = vu_irq_info(d.device, VFIO_PCI_ERR_IRQ_INDEX, &info);
	err = errno;
	check(ret < 0 && err == EINVAL, "err-info-conventional-einval",
	      "GET_IRQ_INFO(ERR) on conventional PCI %s: %d (%s), count %u; want EINVAL",
	      bdf, ret, ret ? strerror(err) : "ok", info.count);
	ret = vu_irq_eventfds(d.device, VFIO_PCI_ERR_IRQ_INDEX, 0, 1, &efd);
	err = errno;
	check(ret < 0 && err == EINVAL, "err-set-conventional-einval",
	      "SET_IRQS(ERR, eventfd) on conventional PCI %s: %d (%s); want EINVAL",
	      bdf, ret, ret ? strerror(err) : "ok");
out:
	vu_close(&d);
	close(efd);
}

int main(int argc, char **argv)
{
	struct vfio_irq_info info;
	int efd = vu_eventfd(), off = -1, ret;
	struct vdev d;
	__u64 v;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: t_err PCIE_BDF [CONVENTIONAL_BDF]\n");
		return 2;
	}
	if (argc == 3)
		no_err_irq(argv[2]);

	if (!check(vu_open(&d, argv[1], true), "err-open", "%s", d.why))
		goto out;
	ret = vu_irq_info(d.device, VFIO_PCI_ERR_IRQ_INDEX, &info);
	if (!check(!ret && info.count == 1 &&
		   (info.flags & VFIO_IRQ_INFO_EVENTFD), "err-info-pcie",
		   "GET_IRQ_INFO(ERR) on PCIe %s: %d (%s), count %u, flags %#x; want count 1, eventfd",
		   argv[1], ret, ret ? strerror(errno) : "ok", info.count,
		   info.flags))
		goto out;
	ret = vu_irq_eventfds(d.device, VFIO_PCI_ERR_IRQ_INDEX, 0, 1, &efd);
	if (!check(!ret, "err-enable", "SET_IRQS(ERR, eventfd): %s",
		   ret ? strerror(errno) : "ok"))
		goto out;

	ret = inject(argv[1]);
	if (!check(!ret, "err-inject",
		   "writing a non-fatal uncorrectable error for %s to %s: %s",
		   argv[1], AER_INJECT, ret ? strerror(errno) : "ok"))
		goto out;
	v = vu_wait_eventfd(efd, 5000);
	check(v >= 1, "err-eventfd-fires",
	      "no signal on the ERR eventfd within 5 s of the injected error");
	check(vu_cfg_read16(&d, PCI_VENDOR) != 0xffff, "err-alive-after-recovery",
	      "%s does not answer config reads after the AER recovery",
	      argv[1]);

	/* Unset: the next error reaches nobody. */
	ret = vu_irq_eventfds(d.device, VFIO_PCI_ERR_IRQ_INDEX, 0, 1, &off);
	if (!check(!ret, "err-unset", "SET_IRQS(ERR, -1): %s",
		   ret ? strerror(errno) : "ok"))
		goto out;
	ret = inject(argv[1]);
	if (!check(!ret, "err-inject-again", "%s: %s", AER_INJECT,
		   ret ? strerror(errno) : "ok"))
		goto out;
	v = vu_wait_eventfd(efd, 2000);
	check(v == 0, "err-unset-silent",
	      "the ERR eventfd fired (%llu) after it was unset",
	      (unsigned long long)v);
out:
	vu_close(&d);
	close(efd);
	return check_exit();
}
