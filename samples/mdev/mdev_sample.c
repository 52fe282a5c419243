// SPDX-License-Identifier: GPL-2.0-only
/*
 * A sample mdev parent driver: one virtual parent device whose instances
 * are small PCI-like VFIO devices with a DMA engine. Two types show the
 * two ways an emulated device reaches user memory: "rw" copies through
 * vfio_dma_rw(), "pin" pins pages with vfio_pin_pages() and keeps them, as
 * a GPU keeps its page tables, until Type1 asks for them back.
 *
 * The register map and the VFIO ABI are in samples/mdev/README.md; the
 * walk-through of the mdev API is docs/mdev.md.
 *
 * Locking: the parent's lock guards its budget of units. Each instance has
 * one mutex over its registers, RAM, config space, pins and eventfds. The
 * DMA engine holds it while it calls into Type1 (which takes its own lock
 * inside); Type1 calls dma_unmap() with its lock dropped, so taking the
 * instance mutex there cannot deadlock. User copies happen outside it.
 */
#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci_ids.h>
#include <linux/pci_regs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

#include "compat.h"

#define MDEV_SAMPLE_NAME	"mdev_sample"

/* Units the parent can hand out, shared by both types. */
#define MDEV_SAMPLE_UNITS	4

/* Config space. */
#define MDEV_SAMPLE_VENDOR	0x1234
#define MDEV_SAMPLE_CFG_SIZE	PCI_CFG_SPACE_SIZE
#define MDEV_SAMPLE_MSI_CAP	0x40

/* BAR0 registers, all 32 bits wide. */
#define MDEV_SAMPLE_REG_ID		0x00
#define MDEV_SAMPLE_REG_TYPE		0x04
#define MDEV_SAMPLE_REG_SCRATCH		0x08
#define MDEV_SAMPLE_REG_IRQ		0x0c
#define MDEV_SAMPLE_REG_DMA_SRC_LO	0x10
#define MDEV_SAMPLE_REG_DMA_SRC_HI	0x14
#define MDEV_SAMPLE_REG_DMA_DST_LO	0x18
#define MDEV_SAMPLE_REG_DMA_DST_HI	0x1c
#define MDEV_SAMPLE_REG_DMA_LEN		0x20
#define MDEV_SAMPLE_REG_DMA_CMD		0x24
#define MDEV_SAMPLE_REG_DMA_STATUS	0x28
#define MDEV_SAMPLE_REG_PINNED		0x2c
#define MDEV_SAMPLE_RAM_START		0x100

#define MDEV_SAMPLE_ID_VALUE		0x4d444556
#define MDEV_SAMPLE_DMA_CMD_START	BIT(0)
#define MDEV_SAMPLE_DMA_CMD_IRQ		BIT(1)
#define MDEV_SAMPLE_DMA_MAX		SZ_64K
#define MDEV_SAMPLE_MAX_PINS		64

struct mdev_sample_type_info {
	const char *sysfs_name;
	const char *pretty_name;
	const char *dma_method;		/* for the description */
	unsigned int cost;		/* units of the parent's budget */
	u32 bar_size;			/* a power of two */
	u16 device_id;
	u32 type_reg;			/* the TYPE register, the subsystem id */
	bool pins;			/* DMA through kept pins */
};

static const struct mdev_sample_type_info mdev_sample_type_infos[] = {
	{
		.sysfs_name	= "rw",
		.pretty_name	= "sample DMA via vfio_dma_rw",
		.dma_method	= "vfio_dma_rw() through a bounce buffer",
		.cost		= 1,
		.bar_size	= SZ_4K,
		.device_id	= 0x5a01,
		.type_reg	= 1,
		.pins		= false,
	},
	{
		.sysfs_name	= "pin",
		.pretty_name	= "sample DMA via pinned pages",
		.dma_method	= "pages pinned with vfio_pin_pages() and kept",
		.cost		= 2,
		.bar_size	= SZ_8K,
		.device_id	= 0x5a02,
		.type_reg	= 2,
		.pins		= true,
	},
};

struct mdev_sample_type {
	struct mdev_type type;
	const struct mdev_sample_type_info *info;
};

/*
 * The types live here rather than in static data: their kobjects hold a
 * reference to the device, so this memory outlives every one of them.
 */
struct mdev_sample_parent {
	struct device dev;
	struct mdev_parent parent;
	struct mdev_sample_type types[ARRAY_SIZE(mdev_sample_type_infos)];
	struct mdev_type *type_list[ARRAY_SIZE(mdev_sample_type_infos)];
	struct mutex lock;		/* guards units_left */
	unsigned int units_left;
};

struct mdev_sample_pin {
	u64 iova;			/* page aligned */
	struct page *page;
	int prot;			/* IOMMU_READ and/or IOMMU_WRITE */
};

struct mdev_sample_state {
	struct vfio_device vdev;	/* first: see vfio_alloc_device() */
	const struct mdev_sample_type_info *info;
	struct mdev_sample_parent *sp;

	struct mutex lock;		/* everything below */
	u8 cfg[MDEV_SAMPLE_CFG_SIZE];
	u8 *ram;			/* BAR0 from MDEV_SAMPLE_RAM_START */
	u32 scratch;
	u64 dma_src;
	u64 dma_dst;
	u32 dma_len;
	u32 dma_status;
	struct eventfd_ctx *msi_trigger;
	struct eventfd_ctx *req_trigger;
	struct mdev_sample_pin pins[MDEV_SAMPLE_MAX_PINS];
	unsigned int npins;
};

static struct class *mdev_sample_class;
static struct mdev_sample_parent *mdev_sample_sp;

static struct mdev_sample_type *to_sample_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct mdev_sample_type, type);
}

static struct mdev_sample_parent *to_sample_parent(struct mdev_type *mtype)
{
	return container_of(mtype->parent, struct mdev_sample_parent, parent);
}

static struct mdev_sample_state *to_state(struct vfio_device *vdev)
{
	return container_of(vdev, struct mdev_sample_state, vdev);
}

/* Little endian byte by byte: no alignment needed, same on any host. */
static void mdev_sample_put_le(u8 *p, u32 val, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = val >> (8 * i);
}

static u32 mdev_sample_get_le(const u8 *p, size_t n)
{
	u32 val = 0;
	size_t i;

	for (i = 0; i < n; i++)
		val |= (u32)p[i] << (8 * i);
	return val;
}

static void mdev_sample_signal(struct eventfd_ctx *trigger)
{
	if (trigger)
		vfio_compat_eventfd_signal(trigger);
}

/* ---- Config space ---- */

/*
 * Bits a config write may change, byte by byte; BAR0 is handled apart
 * because its mask depends on the type's size.
 */
static const u8 mdev_sample_cfg_wmask[MDEV_SAMPLE_CFG_SIZE] = {
	[PCI_COMMAND]		= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
	[PCI_COMMAND + 1]	= PCI_COMMAND_INTX_DISABLE >> 8,
	[MDEV_SAMPLE_MSI_CAP + PCI_MSI_FLAGS] = PCI_MSI_FLAGS_ENABLE,
	/* The message address is dword aligned: bits 1:0 stay zero. */
	[MDEV_SAMPLE_MSI_CAP + PCI_MSI_ADDRESS_LO] = 0xfc,
	[MDEV_SAMPLE_MSI_CAP + PCI_MSI_ADDRESS_LO + 1 ...
	 MDEV_SAMPLE_MSI_CAP + PCI_MSI_DATA_64 + 1] = 0xff,
};

static u8 mdev_sample_cfg_wmask_at(struct mdev_sample_state *s,
				   unsigned int off)
{
	u32 mask;

	if (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_1) {
		/* Address bits only: sizing reads back ~(size - 1). */
		mask = ~(s->info->bar_size - 1) & PCI_BASE_ADDRESS_MEM_MASK;
		return mask >> (8 * (off - PCI_BASE_ADDRESS_0));
	}
	return mdev_sample_cfg_wmask[off];
}

static void mdev_sample_cfg_reset(struct mdev_sample_state *s)
{
	u8 *cfg = s->cfg;
	u8 *msi = cfg + MDEV_SAMPLE_MSI_CAP;

	memset(cfg, 0, sizeof(s->cfg));
	mdev_sample_put_le(cfg + PCI_VENDOR_ID, MDEV_SAMPLE_VENDOR, 2);
	mdev_sample_put_le(cfg + PCI_DEVICE_ID, s->info->device_id, 2);
	mdev_sample_put_le(cfg + PCI_STATUS, PCI_STATUS_CAP_LIST, 2);
	cfg[PCI_REVISION_ID] = 1;
	/* Class 0xff0000: base class "other", subclass and interface 0. */
	cfg[PCI_CLASS_DEVICE + 1] = PCI_CLASS_OTHERS;
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	mdev_sample_put_le(cfg + PCI_BASE_ADDRESS_0,
			   PCI_BASE_ADDRESS_SPACE_MEMORY |
			   PCI_BASE_ADDRESS_MEM_TYPE_32, 4);
	mdev_sample_put_le(cfg + PCI_SUBSYSTEM_VENDOR_ID, MDEV_SAMPLE_VENDOR, 2);
	mdev_sample_put_le(cfg + PCI_SUBSYSTEM_ID, s->info->type_reg, 2);
	cfg[PCI_CAPABILITY_LIST] = MDEV_SAMPLE_MSI_CAP;

	msi[PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	msi[PCI_CAP_LIST_NEXT] = 0;
	/* One vector (MMC 0), 64-bit address, no per-vector masking. */
	mdev_sample_put_le(msi + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT, 2);
}

static void mdev_sample_cfg_write(struct mdev_sample_state *s,
				  unsigned int off, const u8 *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		u8 wmask = mdev_sample_cfg_wmask_at(s, off + i);

		s->cfg[off + i] = (s->cfg[off + i] & ~wmask) | (buf[i] & wmask);
	}
}

/* ---- The DMA engine ---- */

static void mdev_sample_drop_pin(struct mdev_sample_state *s, unsigned int i)
{
	vfio_unpin_pages(&s->vdev, s->pins[i].iova, 1);
	/* Order does not matter: fill the hole with the last entry. */
	s->pins[i] = s->pins[--s->npins];
}

static void mdev_sample_drop_all_pins(struct mdev_sample_state *s)
{
	while (s->npins)
		mdev_sample_drop_pin(s, s->npins - 1);
}

/*
 * The page at @iova (page aligned) with at least @prot, from the table or
 * newly pinned into it. A page held with less permission than now needed
 * is pinned again with both, so that Type1 checks the new permission
 * against the mapping, and the old pin is dropped.
 */
static int mdev_sample_get_page(struct mdev_sample_state *s, u64 iova,
				int prot, struct page **page)
{
	struct mdev_sample_pin *pin = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < s->npins; i++) {
		if (s->pins[i].iova == iova) {
			pin = &s->pins[i];
			break;
		}
	}
	if (pin && (pin->prot & prot) == prot) {
		*page = pin->page;
		return 0;
	}
	if (!pin && s->npins == MDEV_SAMPLE_MAX_PINS)
		return -ENOSPC;

	if (pin)
		prot |= pin->prot;
	ret = vfio_pin_pages(&s->vdev, iova, 1, prot, page);
	if (ret < 0)
		return ret;
	if (ret != 1)
		return -EFAULT;

	if (pin) {
		vfio_unpin_pages(&s->vdev, iova, 1);
	} else {
		pin = &s->pins[s->npins++];
		pin->iova = iova;
	}
	pin->page = *page;
	pin->prot = prot;
	return 0;
}

/* Copy @n bytes that stay within one page on both sides. */
static int mdev_sample_copy_chunk(struct mdev_sample_state *s, u64 src,
				  u64 dst, u32 n)
{
	struct page *spage, *dpage;
	void *saddr, *daddr;
	int ret;

	ret = mdev_sample_get_page(s, ALIGN_DOWN(src, PAGE_SIZE), IOMMU_READ,
				   &spage);
	if (ret)
		return ret;
	ret = mdev_sample_get_page(s, ALIGN_DOWN(dst, PAGE_SIZE), IOMMU_WRITE,
				   &dpage);
	if (ret)
		return ret;

	saddr = vfio_compat_kmap_local_page(spage);
	daddr = vfio_compat_kmap_local_page(dpage);
	memmove(daddr + offset_in_page(dst), saddr + offset_in_page(src), n);
	/* Local mappings unwind in reverse order. */
	vfio_compat_kunmap_local(dpage, daddr);
	vfio_compat_kunmap_local(spage, saddr);
	return 0;
}

/*
 * Page by page through the pin table. A destination that overlaps the
 * source from above is copied from the end, so that the result is that
 * of memmove(), as for the "rw" type.
 */
static int mdev_sample_dma_pin(struct mdev_sample_state *s, u64 src, u64 dst,
			       u32 len)
{
	bool backward = dst > src && dst - src < len;
	u32 done = 0, rem, n;
	u64 sa, da;
	int ret;

	while (done < len) {
		rem = len - done;
		if (backward) {
			sa = src + rem;
			da = dst + rem;
			n = min_t(u32, rem, min(offset_in_page(sa - 1),
						offset_in_page(da - 1)) + 1);
			sa -= n;
			da -= n;
		} else {
			sa = src + done;
			da = dst + done;
			n = min_t(u32, rem,
				  PAGE_SIZE - max(offset_in_page(sa),
						  offset_in_page(da)));
		}
		ret = mdev_sample_copy_chunk(s, sa, da, n);
		if (ret)
			return ret;
		done += n;
	}
	return 0;
}

static int mdev_sample_dma_rw(struct mdev_sample_state *s, u64 src, u64 dst,
			      u32 len)
{
	void *bounce;
	int ret;

	bounce = kvmalloc(len, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	ret = vfio_dma_rw(&s->vdev, src, bounce, len, false);
	if (!ret)
		ret = vfio_dma_rw(&s->vdev, dst, bounce, len, true);
	kvfree(bounce);
	return ret;
}

static int mdev_sample_dma(struct mdev_sample_state *s)
{
	u32 len = s->dma_len;

	if (len > MDEV_SAMPLE_DMA_MAX)
		return -E2BIG;
	if (!len)
		return 0;
	if (s->dma_src > U64_MAX - (len - 1) ||
	    s->dma_dst > U64_MAX - (len - 1))
		return -EOVERFLOW;
	if (s->info->pins)
		return mdev_sample_dma_pin(s, s->dma_src, s->dma_dst, len);
	return mdev_sample_dma_rw(s, s->dma_src, s->dma_dst, len);
}

/* ---- BAR0 ---- */

static u32 mdev_sample_reg_read(struct mdev_sample_state *s, unsigned int off)
{
	switch (off) {
	case MDEV_SAMPLE_REG_ID:
		return MDEV_SAMPLE_ID_VALUE;
	case MDEV_SAMPLE_REG_TYPE:
		return s->info->type_reg;
	case MDEV_SAMPLE_REG_SCRATCH:
		return s->scratch;
	case MDEV_SAMPLE_REG_DMA_SRC_LO:
		return lower_32_bits(s->dma_src);
	case MDEV_SAMPLE_REG_DMA_SRC_HI:
		return upper_32_bits(s->dma_src);
	case MDEV_SAMPLE_REG_DMA_DST_LO:
		return lower_32_bits(s->dma_dst);
	case MDEV_SAMPLE_REG_DMA_DST_HI:
		return upper_32_bits(s->dma_dst);
	case MDEV_SAMPLE_REG_DMA_LEN:
		return s->dma_len;
	case MDEV_SAMPLE_REG_DMA_STATUS:
		return s->dma_status;
	case MDEV_SAMPLE_REG_PINNED:
		return s->npins;
	default:
		/* IRQ and DMA_CMD are write-only; the rest is reserved. */
		return 0;
	}
}

static u64 mdev_sample_set_lo(u64 reg, u32 val)
{
	return ((u64)upper_32_bits(reg) << 32) | val;
}

static u64 mdev_sample_set_hi(u64 reg, u32 val)
{
	return ((u64)val << 32) | lower_32_bits(reg);
}

static int mdev_sample_reg_write(struct mdev_sample_state *s,
				 unsigned int off, u32 val)
{
	switch (off) {
	case MDEV_SAMPLE_REG_SCRATCH:
		s->scratch = val;
		break;
	case MDEV_SAMPLE_REG_IRQ:
		mdev_sample_signal(s->msi_trigger);
		break;
	case MDEV_SAMPLE_REG_DMA_SRC_LO:
		s->dma_src = mdev_sample_set_lo(s->dma_src, val);
		break;
	case MDEV_SAMPLE_REG_DMA_SRC_HI:
		s->dma_src = mdev_sample_set_hi(s->dma_src, val);
		break;
	case MDEV_SAMPLE_REG_DMA_DST_LO:
		s->dma_dst = mdev_sample_set_lo(s->dma_dst, val);
		break;
	case MDEV_SAMPLE_REG_DMA_DST_HI:
		s->dma_dst = mdev_sample_set_hi(s->dma_dst, val);
		break;
	case MDEV_SAMPLE_REG_DMA_LEN:
		/* Any value; an oversized one fails the command. */
		s->dma_len = val;
		break;
	case MDEV_SAMPLE_REG_DMA_CMD:
		if (val & ~(MDEV_SAMPLE_DMA_CMD_START | MDEV_SAMPLE_DMA_CMD_IRQ))
			return -EINVAL;
		if (!(val & MDEV_SAMPLE_DMA_CMD_START))
			break;
		s->dma_status = -mdev_sample_dma(s);
		if (val & MDEV_SAMPLE_DMA_CMD_IRQ)
			mdev_sample_signal(s->msi_trigger);
		break;
	default:
		/* Read-only and reserved registers ignore writes, as in PCI. */
		break;
	}
	return 0;
}

/* Registers, RAM, config space and pins as after power-on. */
static void mdev_sample_reset(struct mdev_sample_state *s)
{
	mdev_sample_drop_all_pins(s);
	s->scratch = 0;
	s->dma_src = 0;
	s->dma_dst = 0;
	s->dma_len = 0;
	s->dma_status = 0;
	memset(s->ram, 0, s->info->bar_size - MDEV_SAMPLE_RAM_START);
	mdev_sample_cfg_reset(s);
}

/* ---- read() and write() on the device fd ---- */

/*
 * Whether an access may go ahead, before anything is copied: accesses
 * never extend past a region's end (no clipping), and a zero-length one
 * is refused like any other malformed access.
 */
static int mdev_sample_check(struct mdev_sample_state *s, unsigned int index,
			     u64 off, size_t count)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (count != 1 && count != 2 && count != 4)
			return -EINVAL;
		if ((off & (count - 1)) || off >= MDEV_SAMPLE_CFG_SIZE)
			return -EINVAL;
		return 0;
	case VFIO_PCI_BAR0_REGION_INDEX:
		if (off >= s->info->bar_size)
			return -EINVAL;
		if (off < MDEV_SAMPLE_RAM_START)
			return count == 4 && !(off & 3) ? 0 : -EINVAL;
		if (!count || count > s->info->bar_size - off)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/* A checked access, under the instance mutex. */
static int mdev_sample_access(struct mdev_sample_state *s, unsigned int index,
			      unsigned int off, u8 *buf, size_t count,
			      bool write)
{
	lockdep_assert_held(&s->lock);

	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		if (write)
			mdev_sample_cfg_write(s, off, buf, count);
		else
			memcpy(buf, s->cfg + off, count);
		return 0;
	}

	if (off >= MDEV_SAMPLE_RAM_START) {
		u8 *ram = s->ram + off - MDEV_SAMPLE_RAM_START;

		if (write)
			memcpy(ram, buf, count);
		else
			memcpy(buf, ram, count);
		return 0;
	}
	if (write)
		return mdev_sample_reg_write(s, off,
					     mdev_sample_get_le(buf, 4));
	mdev_sample_put_le(buf, mdev_sample_reg_read(s, off), 4);
	return 0;
}

/*
 * read() and write() on the device fd: one region access, staged in a
 * kernel buffer so that the device is touched under its lock only.
 */
static ssize_t mdev_sample_rw(struct vfio_device *vdev, char __user *ubuf,
			      size_t count, loff_t *ppos, bool write)
{
	struct mdev_sample_state *s = to_state(vdev);
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX((u64)*ppos);
	u64 off = *ppos & VFIO_PCI_OFFSET_MASK;
	u8 small[4], *buf = small;
	int ret;

	ret = mdev_sample_check(s, index, off, count);
	if (ret)
		return ret;
	if (count > sizeof(small)) {
		buf = kmalloc(count, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	if (write && copy_from_user(buf, ubuf, count)) {
		ret = -EFAULT;
		goto out;
	}

	mutex_lock(&s->lock);
	ret = mdev_sample_access(s, index, off, buf, count, write);
	mutex_unlock(&s->lock);
	if (!ret && !write && copy_to_user(ubuf, buf, count))
		ret = -EFAULT;
out:
	if (buf != small)
		kfree(buf);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static ssize_t mdev_sample_read(struct vfio_device *vdev, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	return mdev_sample_rw(vdev, ubuf, count, ppos, false);
}

static ssize_t mdev_sample_write(struct vfio_device *vdev,
				 const char __user *ubuf, size_t count,
				 loff_t *ppos)
{
	/* Only read from: mdev_sample_rw() copies in when @write. */
	return mdev_sample_rw(vdev, (char __user *)ubuf, count, ppos, true);
}

/* ---- ioctls ---- */

static long mdev_sample_ioctl_get_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;
	/* No capability chain: a caller that knows cap_offset reads 0. */
	if (info.argsz >= offsetofend(struct vfio_device_info, cap_offset)) {
		minsz = offsetofend(struct vfio_device_info, cap_offset);
		info.cap_offset = 0;
	}
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long mdev_sample_ioctl_get_region_info(struct mdev_sample_state *s,
					      void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
	info.cap_offset = 0;
	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = MDEV_SAMPLE_CFG_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		/* Every access is trapped: no mmap. */
		info.size = s->info->bar_size;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	default:
		info.size = 0;
		info.flags = 0;
		break;
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long mdev_sample_ioctl_get_irq_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	if (info.index == VFIO_PCI_MSI_IRQ_INDEX ||
	    info.index == VFIO_PCI_REQ_IRQ_INDEX) {
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		info.count = 1;
	} else {
		info.flags = 0;
		info.count = 0;
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * One trigger (MSI or REQ), ACTION_TRIGGER: an eventfd sets it (-1 clears
 * it), NONE or a true BOOL fires it, NONE with count 0 clears it.
 */
static int mdev_sample_set_trigger(struct mdev_sample_state *s,
				   struct vfio_irq_set *hdr, const u8 *data)
{
	struct eventfd_ctx **slot, *new = NULL, *old;
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	bool fire;

	slot = hdr->index == VFIO_PCI_MSI_IRQ_INDEX ?
	       &s->msi_trigger : &s->req_trigger;

	if (!hdr->count) {
		if (type != VFIO_IRQ_SET_DATA_NONE)
			return -EINVAL;
	} else if (type == VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd;

		memcpy(&fd, data, sizeof(fd));
		if (fd < -1)
			return -EINVAL;
		if (fd >= 0) {
			new = eventfd_ctx_fdget(fd);
			if (IS_ERR(new))
				return PTR_ERR(new);
		}
	} else {
		fire = type == VFIO_IRQ_SET_DATA_NONE || data[0];
		mutex_lock(&s->lock);
		if (fire)
			mdev_sample_signal(*slot);
		mutex_unlock(&s->lock);
		return 0;
	}

	/* Set or clear: swap under the lock, put the old one after it. */
	mutex_lock(&s->lock);
	old = *slot;
	*slot = new;
	mutex_unlock(&s->lock);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

static long mdev_sample_ioctl_set_irqs(struct mdev_sample_state *s,
				       void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int num_irqs, ret;

	ret = vfio_copy_argsz(&hdr, arg, minsz);
	if (ret)
		return ret;

	/* Other indexes have no vectors: the check below refuses them. */
	num_irqs = hdr.index == VFIO_PCI_MSI_IRQ_INDEX ||
		   hdr.index == VFIO_PCI_REQ_IRQ_INDEX ? 1 : 0;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, num_irqs,
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	if ((hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) !=
	    VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;

	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	ret = mdev_sample_set_trigger(s, &hdr, data);
	kfree(data);
	return ret;
}

static long mdev_sample_ioctl(struct vfio_device *vdev, unsigned int cmd,
			      unsigned long arg)
{
	struct mdev_sample_state *s = to_state(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return mdev_sample_ioctl_get_info(uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return mdev_sample_ioctl_get_region_info(s, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return mdev_sample_ioctl_get_irq_info(uarg);
	case VFIO_DEVICE_SET_IRQS:
		return mdev_sample_ioctl_set_irqs(s, uarg);
	case VFIO_DEVICE_RESET:
		mutex_lock(&s->lock);
		mdev_sample_reset(s);
		mutex_unlock(&s->lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* ---- The rest of vfio_device_ops ---- */

static int mdev_sample_init_dev(struct vfio_device *vdev)
{
	mutex_init(&to_state(vdev)->lock);
	return 0;
}

/* The last reference is gone; the core frees the state after this. */
static void mdev_sample_release_dev(struct vfio_device *vdev)
{
	struct mdev_sample_state *s = to_state(vdev);

	kfree(s->ram);
	mutex_destroy(&s->lock);
}

/* Every user gets a device fresh from reset. */
static int mdev_sample_open_device(struct vfio_device *vdev)
{
	struct mdev_sample_state *s = to_state(vdev);

	mutex_lock(&s->lock);
	mdev_sample_reset(s);
	mutex_unlock(&s->lock);
	return 0;
}

/* The device still counts as open here, so unpinning works. */
static void mdev_sample_close_device(struct vfio_device *vdev)
{
	struct mdev_sample_state *s = to_state(vdev);

	mutex_lock(&s->lock);
	mdev_sample_drop_all_pins(s);
	if (s->msi_trigger)
		eventfd_ctx_put(s->msi_trigger);
	if (s->req_trigger)
		eventfd_ctx_put(s->req_trigger);
	s->msi_trigger = NULL;
	s->req_trigger = NULL;
	mutex_unlock(&s->lock);
}

/* Called repeatedly while remove() waits for user space to let go. */
static void mdev_sample_request(struct vfio_device *vdev, unsigned int count)
{
	struct mdev_sample_state *s = to_state(vdev);

	mutex_lock(&s->lock);
	if (s->req_trigger)
		vfio_compat_eventfd_signal(s->req_trigger);
	else if (!count)
		dev_notice(vdev->dev,
			   "being removed; user space set no request eventfd, waiting for it to close the device\n");
	mutex_unlock(&s->lock);
}

/* Type1 is about to unmap [iova, iova + length): let go of its pages. */
static void mdev_sample_dma_unmap(struct vfio_device *vdev, u64 iova,
				  u64 length)
{
	struct mdev_sample_state *s = to_state(vdev);
	unsigned int i = 0;
	u64 p;

	mutex_lock(&s->lock);
	while (i < s->npins) {
		p = s->pins[i].iova;
		/* Overlap without computing iova + length, which may wrap. */
		if (p >= iova ? p - iova < length : iova - p < PAGE_SIZE)
			mdev_sample_drop_pin(s, i);
		else
			i++;
	}
	mutex_unlock(&s->lock);
}

static const struct vfio_device_ops mdev_sample_ops = {
	.name		= MDEV_SAMPLE_NAME,
	.init		= mdev_sample_init_dev,
	.release	= mdev_sample_release_dev,
	.open_device	= mdev_sample_open_device,
	.close_device	= mdev_sample_close_device,
	.read		= mdev_sample_read,
	.write		= mdev_sample_write,
	.ioctl		= mdev_sample_ioctl,
	.request	= mdev_sample_request,
	.dma_unmap	= mdev_sample_dma_unmap,
};

/* ---- The mdev driver: types, instances ---- */

static unsigned int mdev_sample_get_available(struct mdev_type *mtype)
{
	struct mdev_sample_parent *sp = to_sample_parent(mtype);
	unsigned int n;

	mutex_lock(&sp->lock);
	n = sp->units_left / to_sample_type(mtype)->info->cost;
	mutex_unlock(&sp->lock);
	return n;
}

static ssize_t mdev_sample_show_description(struct mdev_type *mtype,
					    char *buf)
{
	const struct mdev_sample_type_info *info = to_sample_type(mtype)->info;

	return sysfs_emit(buf, "costs %u of %u units, BAR0 %u KiB, DMA via %s\n",
			  info->cost, MDEV_SAMPLE_UNITS, info->bar_size / SZ_1K,
			  info->dma_method);
}

static void mdev_sample_units_put(struct mdev_sample_parent *sp,
				  unsigned int cost)
{
	mutex_lock(&sp->lock);
	sp->units_left += cost;
	mutex_unlock(&sp->lock);
}

static int mdev_sample_probe(struct mdev_device *mdev)
{
	struct mdev_sample_parent *sp = to_sample_parent(mdev->type);
	const struct mdev_sample_type_info *info =
		to_sample_type(mdev->type)->info;
	struct mdev_sample_state *s;
	int ret;

	/* The core asked get_available() first, but another create may race. */
	mutex_lock(&sp->lock);
	if (sp->units_left < info->cost) {
		mutex_unlock(&sp->lock);
		dev_info(&sp->dev, "%s: no units left\n",
			 kobject_name(&mdev->type->kobj));
		return -EUSERS;
	}
	sp->units_left -= info->cost;
	mutex_unlock(&sp->lock);

	s = vfio_alloc_device(mdev_sample_state, vdev, &mdev->dev,
			      &mdev_sample_ops);
	if (IS_ERR(s)) {
		ret = PTR_ERR(s);
		goto err_units;
	}
	s->info = info;
	s->sp = sp;
	s->ram = kzalloc(info->bar_size - MDEV_SAMPLE_RAM_START, GFP_KERNEL);
	if (!s->ram) {
		ret = -ENOMEM;
		goto err_put;
	}

	dev_set_drvdata(&mdev->dev, s);
	ret = vfio_register_emulated_iommu_dev(&s->vdev);
	if (ret)
		goto err_put;
	return 0;

err_put:
	vfio_put_device(&s->vdev);
err_units:
	mdev_sample_units_put(sp, info->cost);
	return ret;
}

static void mdev_sample_remove(struct mdev_device *mdev)
{
	struct mdev_sample_state *s = dev_get_drvdata(&mdev->dev);
	struct mdev_sample_parent *sp = s->sp;
	unsigned int cost = s->info->cost;

	/* Waits for user space to close the device. */
	vfio_unregister_group_dev(&s->vdev);
	vfio_put_device(&s->vdev);
	mdev_sample_units_put(sp, cost);
}

static struct mdev_driver mdev_sample_driver = {
	.device_api		= VFIO_DEVICE_API_PCI_STRING,
	.get_available		= mdev_sample_get_available,
	.show_description	= mdev_sample_show_description,
	.probe			= mdev_sample_probe,
	.remove			= mdev_sample_remove,
	.driver = {
		.name		= MDEV_SAMPLE_NAME,
		.owner		= THIS_MODULE,
		.mod_name	= KBUILD_MODNAME,
	},
};

/* ---- Module: class, parent device, driver, parent ---- */

static void mdev_sample_parent_release(struct device *dev)
{
	struct mdev_sample_parent *sp =
		container_of(dev, struct mdev_sample_parent, dev);

	mutex_destroy(&sp->lock);
	kfree(sp);
}

static int __init mdev_sample_init(void)
{
	struct mdev_sample_parent *sp;
	unsigned int i;
	int ret;

	mdev_sample_class = vfio_compat_class_create(MDEV_SAMPLE_NAME);
	if (IS_ERR(mdev_sample_class))
		return PTR_ERR(mdev_sample_class);

	sp = kzalloc(sizeof(*sp), GFP_KERNEL);
	if (!sp) {
		ret = -ENOMEM;
		goto err_class;
	}
	mutex_init(&sp->lock);
	sp->units_left = MDEV_SAMPLE_UNITS;
	for (i = 0; i < ARRAY_SIZE(sp->types); i++) {
		sp->types[i].info = &mdev_sample_type_infos[i];
		sp->types[i].type.sysfs_name = mdev_sample_type_infos[i].sysfs_name;
		sp->types[i].type.pretty_name =
			mdev_sample_type_infos[i].pretty_name;
		sp->type_list[i] = &sp->types[i].type;
	}

	/* From here on the release frees sp. */
	device_initialize(&sp->dev);
	sp->dev.class = mdev_sample_class;
	sp->dev.release = mdev_sample_parent_release;
	ret = dev_set_name(&sp->dev, MDEV_SAMPLE_NAME);
	if (ret)
		goto err_put;
	ret = device_add(&sp->dev);
	if (ret)
		goto err_put;

	ret = mdev_register_driver(&mdev_sample_driver);
	if (ret)
		goto err_del;
	ret = mdev_register_parent(&sp->parent, &sp->dev, &mdev_sample_driver,
				   sp->type_list, ARRAY_SIZE(sp->type_list));
	if (ret)
		goto err_driver;

	mdev_sample_sp = sp;
	return 0;

err_driver:
	mdev_unregister_driver(&mdev_sample_driver);
err_del:
	device_del(&sp->dev);
err_put:
	put_device(&sp->dev);
err_class:
	class_destroy(mdev_sample_class);
	return ret;
}

static void __exit mdev_sample_exit(void)
{
	struct mdev_sample_parent *sp = mdev_sample_sp;

	/* Removes the instances, each once user space has closed it. */
	mdev_unregister_parent(&sp->parent);
	mdev_unregister_driver(&mdev_sample_driver);
	device_unregister(&sp->dev);
	class_destroy(mdev_sample_class);
}

module_init(mdev_sample_init);
module_exit(mdev_sample_exit);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("Sample mdev parent driver: PCI-like devices with a DMA engine");
