// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space virtualisation for vfio-pci-core.
 *
 * The rules:
 *  - Config space is cut into the standard header (0x00-0x3f) and the
 *    capabilities the table below knows. Each of them has, per byte, a
 *    "virt" mask (bits read from and written to a virtual copy) and a
 *    "write" mask (bits user space may change). Bits written but not
 *    virtual go to the device; bits not in "write" are dropped silently.
 *  - Known capabilities are linked into a virtual chain; unknown ones are
 *    left out of it. Bytes outside the header and the known capabilities
 *    (vendor registers, hidden capabilities) pass through untouched, as
 *    devices keep private registers there.
 *  - BARs and the ROM BAR are fully virtual and masked by their size, so
 *    sizing works and user space never moves the real decoders.
 *  - Command: memory and I/O enable are tracked virtually and mirrored to
 *    the device (turning memory off zaps user mappings); INTx disable is
 *    virtual, since the kernel owns the real bit for masking.
 *  - MSI and MSI-X: enable bits and the MSI message are virtual; the
 *    kernel programs the real ones through VFIO_DEVICE_SET_IRQS.
 *  - PM: power state writes go through the PCI core. PCIe: control bits
 *    that could harm the host are virtual (payload sizes) or turned into
 *    a function reset (FLR, also on the AF capability); the rest of the
 *    capability is read-only.
 * Accesses are split into naturally aligned 1, 2 or 4 byte pieces, and
 * capabilities are padded to dwords so a piece never spans two of them.
 */
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_priv.h"

#define VPCI_HDR_LEN		PCI_STD_HEADER_SIZEOF
#define VPCI_MAX_LEN		64	/* the longest thing we describe */
#define VPCI_MAX_CAPS		64

/* What a post-write hook asks for once the locks are dropped. */
enum {
	VPCI_ACT_NONE,
	VPCI_ACT_RESET,
	VPCI_ACT_POWER,
};

struct vpci_rule {
	u16 off;
	u16 len;	/* > 4: the dword masks repeat */
	u32 virt;
	u32 write;
};

struct vfio_pci_core_device;

struct vpci_desc {
	u16 id;
	bool ext;
	u16 (*length)(struct pci_dev *pdev, u16 pos);
	const struct vpci_rule *rules;
	int nrules;
	int (*post_write)(struct vfio_pci_core_device *vdev, u16 base,
			  u16 off, int size, u32 old);
	u8 virt[VPCI_MAX_LEN];	/* built from rules at first use */
	u8 write[VPCI_MAX_LEN];
	bool built;
};

struct vpci_cap {
	struct vpci_desc *desc;
	u16 start;
	u16 len;
};

struct vfio_pci_vconfig {
	u8 *bytes;
	u32 bar_mask[PCI_STD_NUM_BARS + 1];	/* + ROM */
	u32 bar_flags[PCI_STD_NUM_BARS + 1];
	int ncaps;
	struct vpci_cap caps[VPCI_MAX_CAPS];
	u8 power_state;		/* written by the last PMCSR write */
};

#define RULE(o, l, v, w) { .off = (o), .len = (l), .virt = (v), .write = (w) }

static u16 vpci_len_fixed8(struct pci_dev *pdev, u16 pos) { return 8; }
static u16 vpci_len_fixed12(struct pci_dev *pdev, u16 pos) { return 12; }

static u16 vpci_len_msi(struct pci_dev *pdev, u16 pos)
{
	u16 flags, len = 10;

	pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &flags);
	if (flags & PCI_MSI_FLAGS_64BIT)
		len += 4;
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		len += 10;
	return len;
}

static u16 vpci_len_vndr(struct pci_dev *pdev, u16 pos)
{
	u8 len;

	pci_read_config_byte(pdev, pos + PCI_CAP_FLAGS, &len);
	return len;
}

/* Version 2 runs to the end of Slot Status 2, version 1 to Root Status. */
static u16 vpci_len_exp(struct pci_dev *pdev, u16 pos)
{
	return (pcie_caps_reg(pdev) & PCI_EXP_FLAGS_VERS) > 1 ?
	       PCI_EXP_SLTSTA2 + 2 : PCI_EXP_RTSTA + 4;
}

static u16 vpci_len_af(struct pci_dev *pdev, u16 pos) { return PCI_CAP_AF_SIZEOF; }
static u16 vpci_len_aer(struct pci_dev *pdev, u16 pos) { return PCI_ERR_ROOT_COMMAND; }
static u16 vpci_len_ext4(struct pci_dev *pdev, u16 pos) { return 4; }

static int vpci_header_write(struct vfio_pci_core_device *vdev, u16 base,
			     u16 off, int size, u32 old);
static int vpci_pm_write(struct vfio_pci_core_device *vdev, u16 base,
			 u16 off, int size, u32 old);
static int vpci_exp_write(struct vfio_pci_core_device *vdev, u16 base,
			  u16 off, int size, u32 old);
static int vpci_af_write(struct vfio_pci_core_device *vdev, u16 base,
			 u16 off, int size, u32 old);
static int vpci_msi_write(struct vfio_pci_core_device *vdev, u16 base,
			  u16 off, int size, u32 old);

static const struct vpci_rule vpci_header_rules[] = {
	RULE(PCI_VENDOR_ID, 4, ~0U, 0),
	RULE(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO |
			     PCI_COMMAND_INTX_DISABLE, 0xffff),
	RULE(PCI_STATUS, 2, PCI_STATUS_CAP_LIST,
	     PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
	     PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
	     PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY),
	RULE(PCI_CACHE_LINE_SIZE, 2, 0, 0xffff),	/* + latency timer */
	RULE(PCI_BASE_ADDRESS_0, 24, ~0U, ~0U),
	RULE(PCI_ROM_ADDRESS, 4, ~0U, ~0U),
	RULE(PCI_CAPABILITY_LIST, 8, ~0U, 0),		/* + reserved */
	RULE(PCI_INTERRUPT_LINE, 1, 0xff, 0xff),
	RULE(PCI_INTERRUPT_PIN, 1, 0xff, 0),
};

static const struct vpci_rule vpci_pm_rules[] = {
	RULE(PCI_PM_CTRL, 2, PCI_PM_CTRL_STATE_MASK,
	     PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_ENABLE |
	     PCI_PM_CTRL_PME_STATUS),
};

static const struct vpci_rule vpci_msi_rules[] = {
	RULE(PCI_MSI_FLAGS, 2, 0xffff,
	     PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE),
	RULE(PCI_MSI_ADDRESS_LO, 20, ~0U, ~0U),
};

static const struct vpci_rule vpci_msix_rules[] = {
	RULE(PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL,
	     PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL),
};

static const struct vpci_rule vpci_exp_rules[] = {
	RULE(PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR |
				PCI_EXP_DEVCTL_PAYLOAD |
				PCI_EXP_DEVCTL_READRQ, 0xffff),
	RULE(PCI_EXP_DEVSTA, 2, 0, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
				   PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD),
};

static const struct vpci_rule vpci_af_rules[] = {
	RULE(PCI_AF_CTRL, 1, PCI_AF_CTRL_FLR, PCI_AF_CTRL_FLR),
};

/* The stub standing in at 0x100 when the first extended cap is hidden. */
static const struct vpci_rule vpci_ext_stub_rules[] = {
	RULE(0, 4, ~0U, 0),
};

#define DESC(i, e, l, r, w) { .id = (i), .ext = (e), .length = (l),	\
			      .rules = (r), .nrules = ARRAY_SIZE(r),	\
			      .post_write = (w) }
#define DESC_RO(i, e, l) { .id = (i), .ext = (e), .length = (l) }

static struct vpci_desc vpci_header_desc =
	DESC(0, false, NULL, vpci_header_rules, vpci_header_write);
static struct vpci_desc vpci_ext_stub_desc =
	DESC(0, true, vpci_len_ext4, vpci_ext_stub_rules, NULL);

static struct vpci_desc vpci_descs[] = {
	DESC(PCI_CAP_ID_PM, false, vpci_len_fixed8, vpci_pm_rules,
	     vpci_pm_write),
	DESC(PCI_CAP_ID_MSI, false, vpci_len_msi, vpci_msi_rules,
	     vpci_msi_write),
	DESC_RO(PCI_CAP_ID_VNDR, false, vpci_len_vndr),
	DESC(PCI_CAP_ID_EXP, false, vpci_len_exp, vpci_exp_rules,
	     vpci_exp_write),
	DESC(PCI_CAP_ID_MSIX, false, vpci_len_fixed12, vpci_msix_rules, NULL),
	DESC(PCI_CAP_ID_AF, false, vpci_len_af, vpci_af_rules, vpci_af_write),
	DESC_RO(PCI_EXT_CAP_ID_ERR, true, vpci_len_aer),
	DESC_RO(PCI_EXT_CAP_ID_DSN, true, vpci_len_fixed12),
	DESC_RO(PCI_EXT_CAP_ID_ARI, true, vpci_len_fixed8),
	DESC_RO(PCI_EXT_CAP_ID_LTR, true, vpci_len_fixed8),
};

static DEFINE_MUTEX(vpci_build_lock);

static void vpci_desc_build(struct vpci_desc *desc)
{
	int r, i;

	mutex_lock(&vpci_build_lock);
	if (desc->built)
		goto out;
	for (r = 0; r < desc->nrules; r++) {
		const struct vpci_rule *rule = &desc->rules[r];

		for (i = 0; i < rule->len && rule->off + i < VPCI_MAX_LEN;
		     i++) {
			desc->virt[rule->off + i] = rule->virt >> (8 * (i % 4));
			desc->write[rule->off + i] = rule->write >> (8 * (i % 4));
		}
	}
	/* The link to the next capability is always ours. */
	if (desc != &vpci_header_desc && desc != &vpci_ext_stub_desc) {
		if (desc->ext) {
			desc->virt[2] |= 0xf0;
			desc->virt[3] = 0xff;
		} else {
			desc->virt[PCI_CAP_LIST_NEXT] = 0xff;
		}
	}
	desc->built = true;
out:
	mutex_unlock(&vpci_build_lock);
}

static struct vpci_desc *vpci_find_desc(u16 id, bool ext)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(vpci_descs); i++)
		if (vpci_descs[i].id == id && vpci_descs[i].ext == ext)
			return &vpci_descs[i];
	return NULL;
}

static u32 vcfg_get(struct vfio_pci_vconfig *vc, u16 pos, int size)
{
	u32 val = 0;
	int i;

	for (i = 0; i < size; i++)
		val |= (u32)vc->bytes[pos + i] << (8 * i);
	return val;
}

static void vcfg_set(struct vfio_pci_vconfig *vc, u16 pos, int size, u32 val)
{
	int i;

	for (i = 0; i < size; i++)
		vc->bytes[pos + i] = val >> (8 * i);
}

/* pci_power_t is __bitwise for sparse; its order is the D-state order. */
static int vpci_dstate(pci_power_t state)
{
	return (__force int)state;
}

bool vfio_pci_memory_enabled(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;

	/* A VF's memory decode is its PF's (SR-IOV VF MSE), not its own. */
	return vc && (vdev->pdev->no_command_memory ||
		      (vcfg_get(vc, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY)) &&
	       vpci_dstate(vdev->pdev->current_state) < vpci_dstate(PCI_D3hot);
}

/*
 * Whether user space may reach the BARs through an mmap now (and so an
 * importer through a dma-buf): decode on, D0..D2, not in low power.
 */
bool vfio_pci_bars_reachable(struct vfio_pci_core_device *vdev)
{
	return vfio_pci_memory_enabled(vdev) && !vdev->vdev.low_power;
}

int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev,
			     pci_power_t state)
{
	struct pci_dev *pdev = vdev->pdev;
	int cur = vpci_dstate(pdev->current_state);
	int new = vpci_dstate(state), d3 = vpci_dstate(PCI_D3hot);
	bool save = false, restore = false;
	int ret;

	if (vdev->needs_pm_restore) {
		save = cur < d3 && new >= d3;
		restore = cur >= d3 && new == vpci_dstate(PCI_D0);
	}

	down_write(&vdev->memory_lock);
	/* A PF with VFs stays in D0 (vfio_pci_sriov.c). */
	if (vdev->sriov_d0 && new > vpci_dstate(PCI_D0)) {
		up_write(&vdev->memory_lock);
		return -EBUSY;
	}
	if (save)
		pci_save_state(pdev);
	if (new >= d3)
		vfio_pci_zap_mmaps(vdev);
	ret = pci_set_power_state(pdev, state);
	up_write(&vdev->memory_lock);
	if (ret)
		return ret;

	if (save) {
		kfree(vdev->pm_save);
		vdev->pm_save = pci_store_saved_state(pdev);
	} else if (restore && vdev->pm_save) {
		pci_load_and_free_saved_state(pdev, &vdev->pm_save);
		pci_restore_state(pdev);
	}

	/* Back in D0 with its state: the BARs' dma-bufs are usable again. */
	if (new < d3) {
		down_write(&vdev->memory_lock);
		vfio_pci_dma_buf_update(vdev, false);
		up_write(&vdev->memory_lock);
	}
	return 0;
}

void vfio_pci_vconfig_msi(struct vfio_pci_core_device *vdev, int nvec,
			  bool enable)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	u16 pos = vdev->msi_cap + PCI_MSI_FLAGS;
	u16 flags;

	if (!vc || !vdev->msi_cap)
		return;
	flags = vcfg_get(vc, pos, 2);
	flags &= ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	if (enable)
		flags |= PCI_MSI_FLAGS_ENABLE |
			 ((order_base_2(nvec) << 4) & PCI_MSI_FLAGS_QSIZE);
	vcfg_set(vc, pos, 2, flags);
}

void vfio_pci_vconfig_msix(struct vfio_pci_core_device *vdev, bool enable)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	u16 pos = vdev->msix_cap + PCI_MSIX_FLAGS;
	u16 flags;

	if (!vc || !vdev->msix_cap)
		return;
	flags = vcfg_get(vc, pos, 2) & ~PCI_MSIX_FLAGS_ENABLE;
	if (enable)
		flags |= PCI_MSIX_FLAGS_ENABLE;
	vcfg_set(vc, pos, 2, flags);
}

/* ---- post-write hooks ---- */

static bool vpci_touches(u16 off, int size, u16 reg, int reglen)
{
	return off < reg + reglen && reg < off + size;
}

static void vpci_fix_bars(struct vfio_pci_vconfig *vc)
{
	int i;

	for (i = 0; i <= PCI_STD_NUM_BARS; i++) {
		u16 pos = i < PCI_STD_NUM_BARS ? PCI_BASE_ADDRESS_0 + 4 * i :
						 PCI_ROM_ADDRESS;
		u32 val = vcfg_get(vc, pos, 4);

		if (i == PCI_STD_NUM_BARS)	/* the enable bit is kept */
			val = (val & (vc->bar_mask[i] | PCI_ROM_ADDRESS_ENABLE));
		else
			val = (val & vc->bar_mask[i]) | vc->bar_flags[i];
		if (!vc->bar_mask[i])
			val = 0;
		vcfg_set(vc, pos, 4, val);
	}
}

/* Called with memory_lock held for writing. */
static int vpci_header_write(struct vfio_pci_core_device *vdev, u16 base,
			     u16 off, int size, u32 old)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	struct pci_dev *pdev = vdev->pdev;
	u16 oldcmd, cmd, phys;
	int i;

	if (vpci_touches(off, size, PCI_BASE_ADDRESS_0, 24) ||
	    vpci_touches(off, size, PCI_ROM_ADDRESS, 4))
		vpci_fix_bars(vc);

	if (!vpci_touches(off, size, PCI_COMMAND, 2))
		return VPCI_ACT_NONE;

	cmd = vcfg_get(vc, PCI_COMMAND, 2);
	/* old holds the bytes from off on before the write. */
	oldcmd = cmd;
	for (i = 0; i < size; i++) {
		int b = off + i - PCI_COMMAND;

		if (b == 0 || b == 1) {
			oldcmd &= ~(0xff << (8 * b));
			oldcmd |= ((old >> (8 * i)) & 0xff) << (8 * b);
		}
	}

	pci_read_config_word(pdev, PCI_COMMAND, &phys);
	if ((phys ^ cmd) & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO)) {
		phys &= ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
		phys |= cmd & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
		pci_write_config_word(pdev, PCI_COMMAND, phys);
	}
	if (!(cmd & PCI_COMMAND_MEMORY))
		vfio_pci_zap_mmaps(vdev);

	if ((oldcmd ^ cmd) & PCI_COMMAND_INTX_DISABLE) {
		if (cmd & PCI_COMMAND_INTX_DISABLE)
			vfio_pci_intx_mask(vdev);
		else
			vfio_pci_intx_unmask(vdev);
	}
	/* Decode may be back on: so may the BARs' dma-bufs. */
	vfio_pci_dma_buf_update(vdev, false);
	return VPCI_ACT_NONE;
}

static int vpci_pm_write(struct vfio_pci_core_device *vdev, u16 base,
			 u16 off, int size, u32 old)
{
	if (!vpci_touches(off, size, PCI_PM_CTRL, 1))
		return VPCI_ACT_NONE;
	vdev->vconfig->power_state = vcfg_get(vdev->vconfig, base + PCI_PM_CTRL,
					      1) & PCI_PM_CTRL_STATE_MASK;
	return VPCI_ACT_POWER;
}

/*
 * A write that sets an "initiate FLR" bit (@bit of the @width-byte
 * register at @reg) asks for a function reset; the bit reads back as zero.
 */
static int vpci_flr_write(struct vfio_pci_core_device *vdev, u16 base,
			  u16 off, int size, u16 reg, int width, u32 bit)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	u16 pos = base + reg;
	u32 ctl;

	if (!vpci_touches(off, size, reg, width))
		return VPCI_ACT_NONE;
	ctl = vcfg_get(vc, pos, width);
	if (!(ctl & bit))
		return VPCI_ACT_NONE;
	vcfg_set(vc, pos, width, ctl & ~bit);
	return VPCI_ACT_RESET;
}

static int vpci_exp_write(struct vfio_pci_core_device *vdev, u16 base,
			  u16 off, int size, u32 old)
{
	return vpci_flr_write(vdev, base, off, size, PCI_EXP_DEVCTL, 2,
			      PCI_EXP_DEVCTL_BCR_FLR);
}

static int vpci_af_write(struct vfio_pci_core_device *vdev, u16 base,
			 u16 off, int size, u32 old)
{
	return vpci_flr_write(vdev, base, off, size, PCI_AF_CTRL, 1,
			      PCI_AF_CTRL_FLR);
}

/*
 * MSI is turned on by VFIO_DEVICE_SET_IRQS only: until then the enable
 * bit cannot be set, and the queue size never exceeds what the function
 * offers.
 */
static int vpci_msi_write(struct vfio_pci_core_device *vdev, u16 base,
			  u16 off, int size, u32 old)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	u16 pos = base + PCI_MSI_FLAGS;
	u16 flags, qmax;

	if (!vpci_touches(off, size, PCI_MSI_FLAGS, 2))
		return VPCI_ACT_NONE;
	flags = vcfg_get(vc, pos, 2);
	if (vdev->irq_type != VFIO_PCI_MSI_IRQ_INDEX)
		flags &= ~PCI_MSI_FLAGS_ENABLE;
	qmax = (flags & PCI_MSI_FLAGS_QMASK) >> 1;
	if (((flags & PCI_MSI_FLAGS_QSIZE) >> 4) > qmax)
		flags = (flags & ~PCI_MSI_FLAGS_QSIZE) | (qmax << 4);
	vcfg_set(vc, pos, 2, flags);
	return VPCI_ACT_NONE;
}

/* ---- building the virtual config space ---- */

static int vpci_add_cap(struct vfio_pci_vconfig *vc, struct vpci_desc *desc,
			u16 start, u16 len)
{
	if (vc->ncaps == VPCI_MAX_CAPS)
		return -ENOSPC;
	vpci_desc_build(desc);
	vc->caps[vc->ncaps].desc = desc;
	vc->caps[vc->ncaps].start = start;
	vc->caps[vc->ncaps].len = min_t(u16, ALIGN(len, 4), VPCI_MAX_LEN);
	vc->ncaps++;
	return 0;
}

/* A length we assumed must not run into the next capability. */
static void vpci_clamp_caps(struct vfio_pci_vconfig *vc)
{
	int i, j;

	for (i = 0; i < vc->ncaps; i++) {
		struct vpci_cap *a = &vc->caps[i];

		for (j = 0; j < vc->ncaps; j++) {
			struct vpci_cap *b = &vc->caps[j];

			if (b->start > a->start && b->start < a->start + a->len)
				a->len = b->start - a->start;
		}
	}
}

/*
 * Copy the dwords covering [pos, pos + len) from the device. Only the
 * header, the capability headers and the capabilities we describe are
 * copied: every other byte is read from the device at each access anyway,
 * and on PCIe a full copy would be 1024 config reads per open.
 */
static int vpci_load(struct vfio_pci_core_device *vdev, u16 pos, u16 len)
{
	u16 end = min_t(u32, ALIGN(pos + len, 4), vdev->pdev->cfg_size);
	u32 val;
	int ret;

	for (pos = ALIGN_DOWN(pos, 4); pos < end; pos += 4) {
		ret = pci_read_config_dword(vdev->pdev, pos, &val);
		if (ret)
			return pcibios_err_to_errno(ret);
		vcfg_set(vdev->vconfig, pos, 4, val);
	}
	return 0;
}

/* The rest of a capability whose first dword is already copied. */
static int vpci_load_body(struct vfio_pci_core_device *vdev, u16 pos, u16 len)
{
	len = min_t(u16, ALIGN(len, 4), VPCI_MAX_LEN);
	return len > 4 ? vpci_load(vdev, pos + 4, len - 4) : 0;
}

static int vpci_init_std_caps(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	struct pci_dev *pdev = vdev->pdev;
	u8 *link = &vc->bytes[PCI_CAPABILITY_LIST];
	u8 pos = vc->bytes[PCI_CAPABILITY_LIST] & ~3;
	int loops = 48;	/* as many as fit in 256 bytes */
	int ret;

	*link = 0;
	if (!(vcfg_get(vc, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;

	while (pos >= VPCI_HDR_LEN && loops--) {
		struct vpci_desc *desc;
		u8 id, next;
		u16 len;

		ret = vpci_load(vdev, pos, 4);
		if (ret)
			return ret;
		id = vc->bytes[pos + PCI_CAP_LIST_ID];
		next = vc->bytes[pos + PCI_CAP_LIST_NEXT] & ~3;
		desc = vpci_find_desc(id, false);
		len = desc ? desc->length(pdev, pos) : 0;

		if (len && pos + len <= PCI_CFG_SPACE_SIZE &&
		    !vpci_add_cap(vc, desc, pos, len)) {
			ret = vpci_load_body(vdev, pos, len);
			if (ret)
				return ret;
			*link = pos;
			link = &vc->bytes[pos + PCI_CAP_LIST_NEXT];
			if (id == PCI_CAP_ID_MSI)
				vdev->msi_cap = pos;
			else if (id == PCI_CAP_ID_MSIX)
				vdev->msix_cap = pos;
		} else {
			pci_dbg(pdev, "hiding capability 0x%x at 0x%x\n",
				id, pos);
		}
		pos = next;
	}
	*link = 0;

	if (!vc->bytes[PCI_CAPABILITY_LIST])
		vcfg_set(vc, PCI_STATUS, 2,
			 vcfg_get(vc, PCI_STATUS, 2) & ~PCI_STATUS_CAP_LIST);
	return 0;
}

static void vpci_set_ext_next(struct vfio_pci_vconfig *vc, u16 pos, u16 next)
{
	u32 hdr = vcfg_get(vc, pos, 4);

	vcfg_set(vc, pos, 4, (hdr & 0xfffff) | ((u32)next << 20));
}

static int vpci_init_ext_caps(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	struct pci_dev *pdev = vdev->pdev;
	u16 pos = PCI_CFG_SPACE_SIZE, prev = 0, first = 0;
	int loops = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
	u32 hdr;
	int ret;

	if (pdev->cfg_size <= PCI_CFG_SPACE_SIZE)
		return 0;
	ret = vpci_load(vdev, pos, 4);
	if (ret)
		return ret;
	hdr = vcfg_get(vc, pos, 4);
	if (!hdr || hdr == ~0U)
		return 0;

	while (pos >= PCI_CFG_SPACE_SIZE && loops--) {
		struct vpci_desc *desc;
		u16 len, next;

		hdr = vcfg_get(vc, pos, 4);
		next = PCI_EXT_CAP_NEXT(hdr);
		desc = vpci_find_desc(PCI_EXT_CAP_ID(hdr), true);
		len = desc ? desc->length(pdev, pos) : 0;

		if (len && pos + len <= pdev->cfg_size &&
		    !vpci_add_cap(vc, desc, pos, len)) {
			ret = vpci_load_body(vdev, pos, len);
			if (ret)
				return ret;
			if (prev)
				vpci_set_ext_next(vc, prev, pos);
			else
				first = pos;
			prev = pos;
		} else {
			pci_dbg(pdev, "hiding extended capability 0x%x at 0x%x\n",
				PCI_EXT_CAP_ID(hdr), pos);
		}
		if (!next)
			break;
		pos = next;
		ret = vpci_load(vdev, pos, 4);
		if (ret)
			return ret;
	}
	if (prev)
		vpci_set_ext_next(vc, prev, 0);

	/* The chain must start at 0x100: put an empty header there. */
	if (first != PCI_CFG_SPACE_SIZE) {
		vcfg_set(vc, PCI_CFG_SPACE_SIZE, 4, (u32)first << 20);
		vpci_add_cap(vc, &vpci_ext_stub_desc, PCI_CFG_SPACE_SIZE, 4);
	}
	return 0;
}

/* BAR type bits for a resource: VF BARs read as zero in config space. */
static u32 vpci_res_bar_flags(unsigned long flags)
{
	u32 bar = 0;

	if (flags & IORESOURCE_IO)
		return PCI_BASE_ADDRESS_SPACE_IO;
	if (flags & IORESOURCE_MEM_64)
		bar |= PCI_BASE_ADDRESS_MEM_TYPE_64;
	if (flags & IORESOURCE_PREFETCH)
		bar |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	return bar;
}

static void vpci_init_bars(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	struct pci_dev *pdev = vdev->pdev;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		u64 len = pci_resource_len(pdev, i);
		u16 pos = PCI_BASE_ADDRESS_0 + 4 * i;
		u32 bar = vcfg_get(vc, pos, 4);
		u32 addr_mask;

		if (!len)
			continue;
		if (pdev->is_virtfn)
			bar = vpci_res_bar_flags(pci_resource_flags(pdev, i));
		addr_mask = (bar & PCI_BASE_ADDRESS_SPACE_IO) ?
			    PCI_BASE_ADDRESS_IO_MASK : PCI_BASE_ADDRESS_MEM_MASK;
		vc->bar_mask[i] = (u32)~(len - 1) & addr_mask;
		vc->bar_flags[i] = bar & ~addr_mask;
		if ((bar & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
		    PCI_BASE_ADDRESS_MEM_TYPE_64 &&
		    !(bar & PCI_BASE_ADDRESS_SPACE_IO) &&
		    i + 1 < PCI_STD_NUM_BARS) {
			i++;
			vc->bar_mask[i] = upper_32_bits(~(len - 1));
		}
	}

	if (pci_resource_len(pdev, PCI_ROM_RESOURCE))
		vc->bar_mask[PCI_STD_NUM_BARS] =
			(u32)~(pci_resource_len(pdev, PCI_ROM_RESOURCE) - 1) &
			PCI_ROM_ADDRESS_MASK;
	vpci_fix_bars(vc);
}

int vfio_pci_config_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_vconfig *vc;
	int ret;

	vc = kzalloc(sizeof(*vc), GFP_KERNEL);
	if (!vc)
		return -ENOMEM;
	vc->bytes = kzalloc(pdev->cfg_size, GFP_KERNEL);
	if (!vc->bytes) {
		kfree(vc);
		return -ENOMEM;
	}
	vdev->vconfig = vc;
	vdev->msi_cap = 0;
	vdev->msix_cap = 0;

	ret = vpci_load(vdev, 0, VPCI_HDR_LEN);
	if (ret)
		goto err;

	/* VFs read 0xffff here; show what the PCI core knows. */
	vcfg_set(vc, PCI_VENDOR_ID, 2, pdev->vendor);
	vcfg_set(vc, PCI_DEVICE_ID, 2, pdev->device);
	vcfg_set(vc, 0x35, 3, 0);
	vcfg_set(vc, 0x38, 4, 0);
	/* VFs have no INTx (SR-IOV 1.1, 3.4.1.18), whatever they claim. */
	if (vdev->nointx || pdev->is_virtfn)
		vc->bytes[PCI_INTERRUPT_PIN] = 0;

	vpci_desc_build(&vpci_header_desc);
	vpci_init_bars(vdev);
	ret = vpci_init_std_caps(vdev);
	if (!ret)
		ret = vpci_init_ext_caps(vdev);
	if (ret)
		goto err;
	vpci_clamp_caps(vc);

	if (vdev->msi_cap) {
		u16 flags = vcfg_get(vc, vdev->msi_cap + PCI_MSI_FLAGS, 2);

		vdev->msi_qmax = 1 << ((flags & PCI_MSI_FLAGS_QMASK) >> 1);
		/* Nothing is enabled until SET_IRQS says so. */
		vfio_pci_vconfig_msi(vdev, 0, false);
	}
	vfio_pci_vconfig_msix(vdev, false);
	return 0;

err:
	vfio_pci_config_exit(vdev);
	return ret;
}

void vfio_pci_config_exit(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;

	if (!vc)
		return;
	down_write(&vdev->memory_lock);
	vdev->vconfig = NULL;
	up_write(&vdev->memory_lock);
	kfree(vc->bytes);
	kfree(vc);
}

/* ---- access ---- */

static int vpci_phys_read(struct pci_dev *pdev, u16 pos, int size, u32 *val)
{
	int ret;

	if (size == 4) {
		ret = pci_user_read_config_dword(pdev, pos, val);
	} else if (size == 2) {
		u16 v;

		ret = pci_user_read_config_word(pdev, pos, &v);
		*val = v;
	} else {
		u8 v;

		ret = pci_user_read_config_byte(pdev, pos, &v);
		*val = v;
	}
	return pcibios_err_to_errno(ret);
}

static int vpci_phys_write(struct pci_dev *pdev, u16 pos, int size, u32 val)
{
	int ret;

	if (size == 4)
		ret = pci_user_write_config_dword(pdev, pos, val);
	else if (size == 2)
		ret = pci_user_write_config_word(pdev, pos, val);
	else
		ret = pci_user_write_config_byte(pdev, pos, val);
	return pcibios_err_to_errno(ret);
}

static struct vpci_cap *vpci_lookup(struct vfio_pci_vconfig *vc, u16 pos)
{
	int i;

	for (i = 0; i < vc->ncaps; i++)
		if (pos >= vc->caps[i].start &&
		    pos < vc->caps[i].start + vc->caps[i].len)
			return &vc->caps[i];
	return NULL;
}

static u32 vpci_mask(const u8 *bytes, u16 off, int size)
{
	u32 mask = 0;
	int i;

	for (i = 0; i < size; i++)
		mask |= (u32)bytes[off + i] << (8 * i);
	return mask;
}

/* One aligned piece; memory_lock is held by the caller. */
static int vpci_access(struct vfio_pci_core_device *vdev, u16 pos, int size,
		       u32 *val, bool iswrite, int *action)
{
	struct vfio_pci_vconfig *vc = vdev->vconfig;
	struct pci_dev *pdev = vdev->pdev;
	struct vpci_desc *desc;
	u32 virt, write, phys, old;
	u16 base, off;
	int ret;

	if (pos < VPCI_HDR_LEN) {
		desc = &vpci_header_desc;
		base = 0;
	} else {
		struct vpci_cap *cap = vpci_lookup(vc, pos);

		if (!cap) {	/* outside what we describe: raw */
			if (iswrite)
				return vpci_phys_write(pdev, pos, size, *val);
			return vpci_phys_read(pdev, pos, size, val);
		}
		desc = cap->desc;
		base = cap->start;
	}
	off = pos - base;
	virt = vpci_mask(desc->virt, off, size);
	write = vpci_mask(desc->write, off, size);
	old = vcfg_get(vc, pos, size);

	if (!iswrite) {
		phys = 0;
		if (virt != GENMASK(8 * size - 1, 0)) {
			ret = vpci_phys_read(pdev, pos, size, &phys);
			if (ret)
				return ret;
		}
		*val = (phys & ~virt) | (old & virt);
		return 0;
	}

	vcfg_set(vc, pos, size, (old & ~(virt & write)) | (*val & virt & write));
	if (write & ~virt) {
		ret = vpci_phys_read(pdev, pos, size, &phys);
		if (ret)
			return ret;
		phys = (phys & ~(write & ~virt)) | (*val & write & ~virt);
		ret = vpci_phys_write(pdev, pos, size, phys);
		if (ret)
			return ret;
	}
	if (desc->post_write)
		*action = desc->post_write(vdev, base, off, size, old);
	return 0;
}

static int vpci_do_action(struct vfio_pci_core_device *vdev, int action)
{
	switch (action) {
	case VPCI_ACT_RESET:
		return vdev->reset_works ? vfio_pci_reset_locked(vdev) : 0;
	case VPCI_ACT_POWER:
		/* D1/D2/D3hot as asked; errors read back as the old state. */
		vfio_pci_set_power_state(vdev, (__force pci_power_t)
					 vdev->vconfig->power_state);
		return 0;
	default:
		return 0;
	}
}

ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite)
{
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	size_t done = 0;
	int ret = 0;

	if (pos < 0 || pos >= vdev->pdev->cfg_size ||
	    pos + count > vdev->pdev->cfg_size)
		return -EFAULT;

	while (done < count) {
		size_t left = count - done;
		int size, action = VPCI_ACT_NONE;
		u32 val = 0;

		if (left >= 4 && !(pos % 4))
			size = 4;
		else if (left >= 2 && !(pos % 2))
			size = 2;
		else
			size = 1;

		if (iswrite) {
			__le32 le = 0;

			if (copy_from_user(&le, buf + done, size))
				return -EFAULT;
			val = le32_to_cpu(le);
			down_write(&vdev->memory_lock);
		} else {
			down_read(&vdev->memory_lock);
		}

		if (!vdev->vconfig)
			ret = -EIO;
		else
			ret = vpci_access(vdev, pos, size, &val, iswrite,
					  &action);

		if (iswrite)
			up_write(&vdev->memory_lock);
		else
			up_read(&vdev->memory_lock);
		if (ret)
			return ret;

		if (action != VPCI_ACT_NONE) {
			ret = vpci_do_action(vdev, action);
			if (ret)
				return ret;
		}

		if (!iswrite) {
			__le32 le = cpu_to_le32(val);

			if (copy_to_user(buf + done, &le, size))
				return -EFAULT;
		}
		pos += size;
		done += size;
	}

	*ppos += done;
	return done;
}
