// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_FEATURE's rules on a vfio-pci device, and the AtomicOps
 * capability of VFIO_DEVICE_GET_INFO:
 *  - the core's checks (unknown flag bits, GET with SET without PROBE, a
 *    header shorter than argsz and flags) answer EINVAL whatever the
 *    feature;
 *  - every feature vfio-pci does not implement (migration, DMA logging,
 *    bus master, ...) answers ENOTTY to GET, SET and PROBE, but the
 *    precopy_info opt-in, which the core refuses (EINVAL);
 *  - the iommufd-only device ioctls answer ENOTTY;
 *  - VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP (upstream 6.5) is in the
 *    capability chain exactly when upstream's rule, worked out here from
 *    the physical DEVCAP2 of the function and of the bridges above it,
 *    says so, with the same sizes.
 *
 *   t_feature BDF NAME      (a function bound to vfio-pci; NAME prefixes
 *                            the check names)
 */
#include <stddef.h>

#include "vfio_util.h"
#include "pci_sysfs.h"


static int feature(int dev, __u32 argsz, __u32 flags)
{
	struct {
		struct vfio_device_feature hdr;
		__u8 data[64];
	} f;

	memset(&f, 0, sizeof(f));
	f.hdr.argsz = argsz;
	f.hdr.flags = flags;
	return ioctl(dev, VFIO_DEVICE_FEATURE, &f);
}

static void expect(int ret, int want, const char *name, const char *what)
{
	int err = errno;

	check(ret == -1 && err == want, name,
	      "%s returned %d (%s), want -1 (%s)", what, ret,
	      ret == -1 ? strerror(err) : "no error", strerror(want));
}

static void core_rules(int dev)
{
	const __u32 full = sizeof(struct vfio_device_feature) + 64;
	const __u32 lp = VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;

	expect(feature(dev, 4, VFIO_DEVICE_FEATURE_PROBE | lp), EINVAL,
	       "feature-argsz-short", "FEATURE with argsz 4");
	expect(feature(dev, full, VFIO_DEVICE_FEATURE_PROBE | (1U << 19) | lp),
	       EINVAL, "feature-unknown-flag", "FEATURE with flag bit 19");
	expect(feature(dev, full, VFIO_DEVICE_FEATURE_PROBE | (1U << 31) |
		       0xffff), EINVAL, "feature-unknown-flag-before-index",
	       "FEATURE with flag bit 31 on an unknown index");
	expect(feature(dev, full, VFIO_DEVICE_FEATURE_GET |
		       VFIO_DEVICE_FEATURE_SET | 0xffff), EINVAL,
	       "feature-get-and-set", "GET|SET without PROBE, unknown index");
	expect(feature(dev, full, 0xffff), ENOTTY, "feature-unknown-index",
	       "no GET/SET/PROBE on index 0xffff");
	expect(feature(dev, full, VFIO_DEVICE_FEATURE_PROBE | 0xffff), ENOTTY,
	       "feature-unknown-index-probe", "PROBE of index 0xffff");
	expect(feature(dev, full, VFIO_DEVICE_FEATURE_SET | 0x8000), ENOTTY,
	       "feature-unknown-index-set", "SET of index 0x8000");
}

/* Features with no vfio-pci implementation upstream: ENOTTY, any op. */
static void not_implemented(int dev)
{
	static const struct {
		__u32 index;
		const char *name;
	} feats[] = {
		{ VFIO_DEVICE_FEATURE_MIGRATION, "migration" },
		{ VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, "mig-device-state" },
		{ VFIO_DEVICE_FEATURE_DMA_LOGGING_START, "dma-logging-start" },
		{ VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, "dma-logging-stop" },
		{ VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, "dma-logging-report" },
		{ VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, "mig-data-size" },
		{ VFIO_DEVICE_FEATURE_BUS_MASTER, "bus-master" },
	};
	static const struct {
		__u32 op;
		const char *name;
	} ops[] = {
		{ VFIO_DEVICE_FEATURE_GET, "get" },
		{ VFIO_DEVICE_FEATURE_SET, "set" },
		{ VFIO_DEVICE_FEATURE_PROBE, "probe" },
		{ VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
		  VFIO_DEVICE_FEATURE_SET, "probe-get-set" },
	};
	const __u32 full = sizeof(struct vfio_device_feature) + 64;
	char name[96], what[96];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(feats); i++) {
		for (j = 0; j < ARRAY_SIZE(ops); j++) {
			snprintf(name, sizeof(name), "feature-%s-%s-enotty",
				 feats[i].name, ops[j].name);
			snprintf(what, sizeof(what), "%s of feature %u",
				 ops[j].name, feats[i].index);
			expect(feature(dev, full, ops[j].op | feats[i].index),
			       ENOTTY, name, what);
		}
	}
}

/*
 * The precopy_info opt-in (upstream 7.1) is decided by the core, which
 * refuses it with EINVAL on a device without PRE_COPY migration.
 */
static void precopy_info_v2(int dev)
{
	static const __u32 ops[] = {
		VFIO_DEVICE_FEATURE_SET, VFIO_DEVICE_FEATURE_GET,
		VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET,
	};
	const __u32 full = sizeof(struct vfio_device_feature) + 64;
	unsigned int i;
	char name[64];
	int ret;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		snprintf(name, sizeof(name), "feature-mig-precopy-info-v2-%s",
			 i == 0 ? "set" : i == 1 ? "get" : "probe-set");
		ret = feature(dev, full, ops[i] |
			      VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2);
		if (ret == -1 && errno == ENOTTY && !vu_bundle()) {
			not_applicable(name,
				       "the in-tree vfio of %s predates VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2 (upstream 7.1) and answers ENOTTY",
				       vu_release());
			continue;
		}
		expect(ret, EINVAL, name,
		       "MIG_PRECOPY_INFOv2 on a device without PRE_COPY");
	}
}

/* The capability @id in a device info's chain, or NULL. */
static struct vfio_info_cap_header *info_cap(struct vfio_device_info *info,
					     __u16 id)
{
	if (!(info->flags & VFIO_DEVICE_FLAGS_CAPS))
		return NULL;
	return vu_cap_chain(info, info->argsz, info->cap_offset, id);
}

/*
 * Upstream's answer, from the physical config space: the sizes the
 * function's DEVCAP2 lists as completer sizes, kept if every switch port
 * on the way routes AtomicOps (and no upstream port blocks them), and the
 * root port completes that size. -1: cannot tell (a root-bus function
 * with completer sizes, which depends on the kernel's host bridge rule).
 */
static int expected_atomic(const char *bdf, char *why, size_t len)
{
	static const __u32 sz[3][2] = {
		{ PS_EXP_DEVCAP2_COMP32, VFIO_PCI_ATOMIC_COMP32 },
		{ PS_EXP_DEVCAP2_COMP64, VFIO_PCI_ATOMIC_COMP64 },
		{ PS_EXP_DEVCAP2_COMP128, VFIO_PCI_ATOMIC_COMP128 },
	};
	unsigned int exp = ps_find_cap(bdf, PS_CAP_ID_EXP), type, devcap2;
	char cur[64], up[64];
	int want = 0, i;
	bool root_port = false, path_ok = true;
	__u32 rp_cap = 0;

	if (!exp) {
		snprintf(why, len, "%s is not PCIe: no DEVCAP2", bdf);
		return 0;
	}
	devcap2 = ps_cfg32(bdf, exp + PS_EXP_DEVCAP2);
	type = PS_EXP_TYPE(ps_cfg16(bdf, exp + PS_EXP_FLAGS));
	snprintf(why, len, "%s: PCIe type %u, DEVCAP2 %#x", bdf, type,
		 devcap2);
	if (!(devcap2 & (PS_EXP_DEVCAP2_COMP32 | PS_EXP_DEVCAP2_COMP64 |
			 PS_EXP_DEVCAP2_COMP128)))
		return 0;
	if (type != PS_EXP_TYPE_ENDPOINT && type != PS_EXP_TYPE_LEG_END &&
	    type != PS_EXP_TYPE_RC_END)
		return 0;

	snprintf(cur, sizeof(cur), "%s", bdf);
	while (ps_parent(cur, up, sizeof(up))) {
		unsigned int bexp = ps_find_cap(up, PS_CAP_ID_EXP);
		unsigned int btype, bcap;

		if (!bexp)
			break;
		btype = PS_EXP_TYPE(ps_cfg16(up, bexp + PS_EXP_FLAGS));
		bcap = ps_cfg32(up, bexp + PS_EXP_DEVCAP2);
		if ((btype == PS_EXP_TYPE_UPSTREAM ||
		     btype == PS_EXP_TYPE_DOWNSTREAM) &&
		    !(bcap & PS_EXP_DEVCAP2_ROUTE))
			path_ok = false;
		if (btype == PS_EXP_TYPE_UPSTREAM &&
		    (ps_cfg16(up, bexp + PS_EXP_DEVCTL2) &
		     PS_EXP_DEVCTL2_EGRESS_BLOCK))
			path_ok = false;
		if (btype == PS_EXP_TYPE_ROOT_PORT) {
			root_port = true;
			rp_cap = bcap;
		}
		snprintf(cur, sizeof(cur), "%s", up);
	}
	if (!root_port)
		return -1;
	for (i = 0; i < 3 && path_ok; i++)
		if ((devcap2 & sz[i][0]) && (rp_cap & sz[i][0]))
			want |= sz[i][1];
	snprintf(why + strlen(why), len - strlen(why),
		 ", root port DEVCAP2 %#x, path %s", rp_cap,
		 path_ok ? "routes AtomicOps" : "blocks AtomicOps");
	return want;
}

static void atomic_cap(struct vdev *d)
{
	struct vfio_device_info_cap_pci_atomic_comp *cap;
	struct vfio_device_info small = { .argsz = sizeof(small) };
	struct vfio_device_info *info;
	char why[256];
	__u32 argsz = 4096;
	int want, got;

	info = calloc(1, argsz);
	if (!check(info, "atomic-alloc", "calloc"))
		return;
	info->argsz = argsz;
	info->cap_offset = 0xdeadbeef;	/* must come back 0 without a chain */
	if (!check(ioctl(d->device, VFIO_DEVICE_GET_INFO, info) == 0,
		   "atomic-get-info", "GET_INFO with a 4 KiB buffer: %s",
		   strerror(errno)))
		goto out;
	cap = (void *)info_cap(info, VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP);
	got = cap ? (int)cap->flags : 0;
	want = expected_atomic(d->bdf, why, sizeof(why));

	if (!vu_bundle() && !vu_kernel_at_least(6, 5)) {
		not_applicable("atomic-cap",
			       "the in-tree vfio-pci of %s has no VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP (upstream 6.5)",
			       vu_release());
		goto out;
	}
	if (want < 0) {
		not_applicable("atomic-cap",
			       "%s sits on a root bus with completer sizes; whether the host bridge completes AtomicOps is the kernel's call",
			       why);
		goto out;
	}
	check(got == want && (!cap || (cap->header.version == 1 &&
				       !cap->reserved)),
	      "atomic-cap", "capability %s, flags %#x, want %#x (%s)",
	      cap ? "present" : "absent", got, want, why);
	if (!(info->flags & VFIO_DEVICE_FLAGS_CAPS))
		check(info->cap_offset == 0, "info-no-chain-cap-offset",
		      "no capability chain, but cap_offset reads %u",
		      info->cap_offset);

	/* Callers of the structure before cap_offset still work. */
	small.argsz = offsetof(struct vfio_device_info, cap_offset);
	check(ioctl(d->device, VFIO_DEVICE_GET_INFO, &small) == 0 &&
	      small.num_regions == VFIO_PCI_NUM_REGIONS, "info-short-argsz",
	      "GET_INFO with argsz %u: %s, %u regions", small.argsz,
	      strerror(errno), small.num_regions);
out:
	free(info);
}

/*
 * The iommufd-only device ioctls (BIND_IOMMUFD, ATTACH_IOMMUFD_PT,
 * DETACH_IOMMUFD_PT: VFIO_BASE + 18 to 20), which the bundle's header
 * leaves out: ENOTTY, as from upstream without CONFIG_VFIO_DEVICE_CDEV.
 */
static void cdev_ioctls(int dev)
{
	__u32 buf[16] = { 0 };
	char name[64];
	int nr;

	for (nr = 18; nr <= 20; nr++) {
		buf[0] = sizeof(buf);	/* argsz */
		snprintf(name, sizeof(name), "device-cdev-ioctl-%d-enotty", nr);
		expect(ioctl(dev, _IO(VFIO_TYPE, VFIO_BASE + nr), buf), ENOTTY,
		       name, "an iommufd-only ioctl on a group-opened device");
	}
}

int main(int argc, char **argv)
{
	static char prefix[32];
	struct vdev d;

	if (argc != 3) {
		fprintf(stderr, "usage: t_feature BDF NAME\n");
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "%s-", argv[2]);
	check_set_prefix(prefix);
	if (check(vu_open(&d, argv[1], true), "feature-open", "%s", d.why)) {
		core_rules(d.device);
		not_implemented(d.device);
		precopy_info_v2(d.device);
		cdev_ioctls(d.device);
		atomic_cap(&d);
	}
	vu_close(&d);
	return check_exit();
}
