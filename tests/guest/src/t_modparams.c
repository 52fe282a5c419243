// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-pci module parameters, each with an effect the host can see. The
 * suite loads vfio-pci with the parameter, binds the function and runs
 * the matching mode here.
 *
 *   t_modparams idle BDF d3|d0
 *	disable_idle_d3=0 (d3): a bound function nobody has open is runtime
 *	suspended and, having a PM capability, sits in D3hot; opening it
 *	brings it to D0 and closing it parks it again.
 *	disable_idle_d3=1 (d0): it stays active in D0 throughout.
 *
 *   t_modparams intx BDF masking|exclusive	(an edu)
 *	INTx is delivered, automasked and unmasked either way. By default
 *	(masking) it is masked with the PCI 2.3 INTx disable bit of the
 *	function's command register; with nointxmask=1 (exclusive) that bit
 *	is never used: the host IRQ line is disabled instead.
 */
#include "vfio_util.h"
#include "pci_sysfs.h"

#define SETTLE_MS	3000

static const char *bdf;

/* Runtime PM parks an idle function asynchronously: give it time. */
static bool wait_dstate(int want, bool suspended)
{
	int i;

	for (i = 0; i < SETTLE_MS / 50; i++) {
		if (ps_dstate(bdf) == want && ps_suspended(bdf) == suspended)
			return true;
		vu_sleep_ms(50);
	}
	return false;
}

static void idle_state(bool d3)
{
	const char *mode = d3 ? "d3" : "d0";
	int want = d3 ? 3 : 0;
	/* Upstream parks idle functions through runtime PM since 5.19. */
	bool rpm = d3 && (vu_bundle() || vu_kernel_at_least(5, 19));
	char name[64], st[32];
	struct vdev d;

	if (!check(ps_dstate(bdf) >= 0, "params-idle-has-pm",
		   "%s has no PM capability to watch", bdf))
		return;

	snprintf(name, sizeof(name), "params-idle-%s-bound", mode);
	check(wait_dstate(want, rpm), name,
	      "idle bound %s: D%d, runtime PM '%s'; want D%d, %s", bdf,
	      ps_dstate(bdf), ps_runtime_status(bdf, st, sizeof(st)), want,
	      rpm ? "suspended" : "active");

	snprintf(name, sizeof(name), "params-idle-%s-open", mode);
	if (!vu_open(&d, bdf, true))
		check(false, name, "%s", d.why);
	else
		check(ps_dstate(bdf) == 0 && !ps_suspended(bdf), name,
		      "open %s: D%d, runtime PM '%s'; want D0, active", bdf,
		      ps_dstate(bdf), ps_runtime_status(bdf, st, sizeof(st)));
	vu_close(&d);

	snprintf(name, sizeof(name), "params-idle-%s-closed", mode);
	check(wait_dstate(want, rpm), name,
	      "%d ms after the close %s is in D%d, runtime PM '%s'; want D%d, %s",
	      SETTLE_MS, bdf, ps_dstate(bdf),
	      ps_runtime_status(bdf, st, sizeof(st)), want,
	      rpm ? "suspended" : "active");
}

static bool intx_off(void)
{
	return ps_cfg16(bdf, PS_COMMAND) & PS_COMMAND_INTX_OFF;
}

static void intx_path(bool exclusive)
{
	const char *mode = exclusive ? "exclusive" : "masking";
	int efd = vu_eventfd();
	char name[64];
	struct vdev d;
	bool masked_bit, ok;
	void *bar = NULL;
	__u64 v;

	snprintf(name, sizeof(name), "params-intx-%s-setup", mode);
	ok = vu_open(&d, bdf, true) && (bar = edu_map_bar0(&d)) &&
	     vu_bus_master(&d, true) &&
	     vu_irq_eventfds(d.device, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &efd) == 0;
	if (!check(ok, name, "open, mmap or INTx: %s",
		   d.why[0] ? d.why : strerror(errno)))
		goto out;

	edu_wr(bar, EDU_IRQ_RAISE, 0x1);
	v = vu_wait_eventfd(efd, 2000);
	masked_bit = intx_off();
	snprintf(name, sizeof(name), "params-intx-%s-delivered", mode);
	check(v >= 1, name, "no INTx signal within 2 s");
	/* While automasked, the line is held off one way or the other. */
	snprintf(name, sizeof(name), "params-intx-%s-mask-path", mode);
	check(masked_bit == !exclusive, name,
	      "automasked INTx: the function's INTx disable bit is %s; %s masks %s",
	      masked_bit ? "set" : "clear", mode,
	      exclusive ? "at the host IRQ, never with that bit" :
			  "with that bit (PCI 2.3)");

	/* Still masked: a second interrupt waits for the unmask. */
	edu_wr(bar, EDU_IRQ_ACK, 0x1);
	edu_wr(bar, EDU_IRQ_RAISE, 0x1);
	v = vu_wait_eventfd(efd, 300);
	snprintf(name, sizeof(name), "params-intx-%s-automasked", mode);
	check(v == 0, name, "signalled again before the unmask");
	vu_irq_none(d.device, VFIO_PCI_INTX_IRQ_INDEX,
		    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1);
	v = vu_wait_eventfd(efd, 2000);
	snprintf(name, sizeof(name), "params-intx-%s-unmask", mode);
	check(v >= 1, name, "the pending interrupt was not delivered on unmask");

	edu_wr(bar, EDU_IRQ_ACK, 0xffffffff);
	vu_irq_none(d.device, VFIO_PCI_INTX_IRQ_INDEX,
		    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1);
	snprintf(name, sizeof(name), "params-intx-%s-unmasked-bit", mode);
	check(!intx_off(), name,
	      "INTx disable bit still set after the ack and unmask");
	vu_irq_disable(d.device, VFIO_PCI_INTX_IRQ_INDEX);
out:
	if (bar)
		munmap(bar, EDU_BAR0_SIZE);
	vu_close(&d);
	close(efd);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		goto usage;
	bdf = argv[2];
	if (!strcmp(argv[1], "idle") && !strcmp(argv[3], "d3"))
		idle_state(true);
	else if (!strcmp(argv[1], "idle") && !strcmp(argv[3], "d0"))
		idle_state(false);
	else if (!strcmp(argv[1], "intx") && !strcmp(argv[3], "masking"))
		intx_path(false);
	else if (!strcmp(argv[1], "intx") && !strcmp(argv[3], "exclusive"))
		intx_path(true);
	else
		goto usage;
	return check_exit();
usage:
	fprintf(stderr, "usage: t_modparams idle BDF d3|d0\n"
			"       t_modparams intx BDF masking|exclusive\n");
	return 2;
}
