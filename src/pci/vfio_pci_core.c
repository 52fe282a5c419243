// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core: the device side of VFIO for PCI functions, shared by
 * vfio-pci and PCI variant drivers.
 *
 * Life cycle: the first open of the device fd enables the function, saves
 * its state and resets it if it can; the last close disables interrupts,
 * turns bus mastering off, resets and restores the saved state. A function
 * with no reset of its own is reset with its whole reset set (slot or bus)
 * once no function of the set is open. A bound function nobody has open
 * is runtime suspended, which parks it in D3hot unless disable_idle_d3.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pm_runtime.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vgaarb.h>

#include "vfio_pci_priv.h"

bool vfio_pci_nointxmask;
bool vfio_pci_disable_vga;
bool vfio_pci_disable_idle_d3;

static void vfio_pci_dev_set_try_reset(struct vfio_device_set *dev_set);

void vfio_pci_core_set_params(bool nointxmask, bool is_disable_vga,
			      bool is_disable_idle_d3)
{
	vfio_pci_nointxmask = nointxmask;
	vfio_pci_disable_vga = is_disable_vga;
	vfio_pci_disable_idle_d3 = is_disable_idle_d3;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_set_params);

/*
 * BAR mmaps live in the address space of a per-device inode of a private
 * pseudo filesystem, so one unmap_mapping_range() zaps exactly this
 * device's mappings whatever file the core gave user space. The vma keeps
 * a reference to the device fd through its pseudo file, so the device
 * stays open while any mapping exists.
 */
#define VFIO_PCI_FS_MAGIC	0x76706369	/* "vpci" */

static struct vfsmount *vfio_pci_mnt;

static int vfio_pci_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, VFIO_PCI_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: the module mounts it itself, and a module reference held by
 * its own mount would keep it from ever unloading.
 */
static struct file_system_type vfio_pci_fs_type = {
	.name = "vfio-pci-core",
	.init_fs_context = vfio_pci_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static int vfio_pci_mmap_file_release(struct inode *inode, struct file *file)
{
	fput(file->private_data);
	return 0;
}

static const struct file_operations vfio_pci_mmap_fops = {
	.owner = THIS_MODULE,
	.release = vfio_pci_mmap_file_release,
};

/*
 * Called with memory_lock held for writing. The BARs' dma-bufs go with
 * the mappings: what user space may not touch, its importers may not.
 */
void vfio_pci_zap_mmaps(struct vfio_pci_core_device *vdev)
{
	unmap_mapping_range(vdev->mmap_inode->i_mapping, 0, 0, true);
	vfio_pci_dma_buf_update(vdev, true);
}

/*
 * Turn memory decode on for a kernel access (MSI-X table writes, ROM
 * probing) with memory_lock held for writing, so that user space sees
 * neither the change nor a BAR access in between.
 */
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev)
{
	u16 cmd;

	down_write(&vdev->memory_lock);
	pci_read_config_word(vdev->pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(vdev->pdev, PCI_COMMAND,
				      cmd | PCI_COMMAND_MEMORY);
	return cmd;
}

void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
					u16 cmd)
{
	pci_write_config_word(vdev->pdev, PCI_COMMAND, cmd);
	up_write(&vdev->memory_lock);
}

/* A function reset with every mapping zapped; the caller holds nothing. */
int vfio_pci_reset_locked(struct vfio_pci_core_device *vdev)
{
	int ret;

	/*
	 * From D0 through our own path, so a NoSoftRst- function that user
	 * space put in D3hot gets its state back before the reset saves it.
	 */
	vfio_pci_set_power_state(vdev, PCI_D0);
	down_write(&vdev->memory_lock);
	vfio_pci_zap_mmaps(vdev);
	ret = pci_try_reset_function(vdev->pdev);
	vfio_pci_dma_buf_update(vdev, false);
	up_write(&vdev->memory_lock);
	return ret;
}

static bool vfio_pci_is_vga(struct pci_dev *pdev)
{
	return (pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA;
}

/*
 * Only page-aligned memory BARs of at least a page can be mapped: a
 * smaller BAR would share its page with whatever the PCI core put next
 * to it.
 */
static void vfio_pci_probe_mmaps(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		struct resource *res = &pdev->resource[PCI_STD_RESOURCES + i];

		vdev->bar_mmap_supported[i] =
			(res->flags & IORESOURCE_MEM) &&
			resource_size(res) >= PAGE_SIZE &&
			PAGE_ALIGNED(res->start) &&
			PAGE_ALIGNED(resource_size(res));
	}
}

int vfio_pci_core_enable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd;
	int ret;

	/* Out of runtime suspend for as long as the device is open. */
	if (!vfio_pci_disable_idle_d3) {
		ret = pm_runtime_resume_and_get(&pdev->dev);
		if (ret < 0)
			return ret;
	}
	vfio_pci_set_power_state(vdev, PCI_D0);

	/* The state saved below must not include bus mastering. */
	pci_clear_master(pdev);
	ret = pci_enable_device(pdev);
	if (ret)
		goto out_power;

	/* -EAGAIN: someone holds the device lock; do not open half-reset. */
	ret = pci_try_reset_function(pdev);
	if (ret == -EAGAIN)
		goto out_disable;
	vdev->reset_works = !ret;

	pci_save_state(pdev);
	vdev->pci_saved_state = pci_store_saved_state(pdev);
	if (!vdev->pci_saved_state)
		pci_dbg(pdev, "cannot save the device state\n");

	vdev->pci_2_3 = !vfio_pci_nointxmask && pci_intx_mask_supported(pdev);
	vdev->nointx = !pdev->irq;
	vdev->has_dyn_msix = vfio_compat_msix_can_alloc_dyn(pdev);

	/* With 2.3 masking, INTx disable is ours: start with it clear. */
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (vdev->pci_2_3 && (cmd & PCI_COMMAND_INTX_DISABLE)) {
		cmd &= ~PCI_COMMAND_INTX_DISABLE;
		pci_write_config_word(pdev, PCI_COMMAND, cmd);
	}

	ret = vfio_pci_config_init(vdev);
	if (ret)
		goto out_free_state;

	vdev->msix_bar = -1;
	if (pdev->msix_cap) {
		u32 table;
		u16 flags;

		pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				     &flags);
		pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE,
				      &table);
		vdev->msix_bar = table & PCI_MSIX_TABLE_BIR;
		vdev->msix_offset = table & PCI_MSIX_TABLE_OFFSET;
		vdev->msix_size = ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) * 16;
	}

	vdev->has_vga = vfio_pci_is_vga(pdev) && !vfio_pci_disable_vga &&
			IS_ENABLED(CONFIG_VGA_ARB);
	vfio_pci_probe_mmaps(vdev);
	return 0;

out_free_state:
	kfree(vdev->pci_saved_state);
	vdev->pci_saved_state = NULL;
out_disable:
	pci_disable_device(pdev);
out_power:
	if (!vfio_pci_disable_idle_d3)
		pm_runtime_put(&pdev->dev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_enable);

void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev)
{
	vfio_pci_sriov_open(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_finish_enable);

void vfio_pci_core_disable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int bar;

	/* needs_reset and the set's open count are read under it. */
	lockdep_assert_held(&vdev->vdev.dev_set->lock);

	/* A close ends low power: take the reference back and wake up. */
	vfio_pci_runtime_pm_exit(vdev);
	pm_runtime_resume(&pdev->dev);

	/*
	 * User space may have left the function in D3hot: a PM reset only
	 * works from D0, and a NoSoftRst- function must get its state back.
	 */
	vfio_pci_set_power_state(vdev, PCI_D0);

	/* Stop every interrupt before the device can be reset under it. */
	mutex_lock(&vdev->igate);
	vfio_pci_irqs_disable_all(vdev);
	mutex_lock(&vdev->trigger_lock);
	if (vdev->err_trigger) {
		eventfd_ctx_put(vdev->err_trigger);
		vdev->err_trigger = NULL;
	}
	if (vdev->req_trigger) {
		eventfd_ctx_put(vdev->req_trigger);
		vdev->req_trigger = NULL;
	}
	mutex_unlock(&vdev->trigger_lock);
	mutex_unlock(&vdev->igate);

	vfio_pci_ioeventfd_remove_all(vdev);

	down_write(&vdev->memory_lock);
	vfio_pci_zap_mmaps(vdev);
	up_write(&vdev->memory_lock);

	pci_clear_master(pdev);

	vfio_pci_config_exit(vdev);

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!vdev->barmap[bar])
			continue;
		pci_iounmap(pdev, vdev->barmap[bar]);
		pci_release_selected_regions(pdev, 1 << bar);
		vdev->barmap[bar] = NULL;
	}

	vdev->needs_reset = true;

	/*
	 * Go back to the state saved at open. If it cannot be loaded and
	 * there is no reset either, leave the device as it is rather than
	 * restore a stale state.
	 */
	if (pci_load_and_free_saved_state(pdev, &vdev->pci_saved_state)) {
		pci_info(pdev, "no saved state to restore\n");
		if (!vdev->reset_works)
			goto out;
		pci_save_state(pdev);
	}

	/* No DMA and no INTx while the reset runs. */
	pci_write_config_word(pdev, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);

	/*
	 * Reset under locks taken by hand: pci_try_reset_function() would
	 * save the current state over the one just loaded. Trylock, since
	 * the holder of the device lock may be waiting for this close.
	 */
	if (vdev->reset_works && vfio_compat_pci_dev_trylock(pdev)) {
		if (!__pci_reset_function_locked(pdev))
			vdev->needs_reset = false;
		vfio_compat_pci_dev_unlock(pdev);
	}

	pci_restore_state(pdev);
out:
	pci_disable_device(pdev);

	vfio_pci_dev_set_try_reset(vdev->vdev.dev_set);

	/* Idle now: runtime PM may park it. */
	if (!vfio_pci_disable_idle_d3)
		pm_runtime_put(&pdev->dev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_disable);

int vfio_pci_core_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_open_device);

void vfio_pci_core_close_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	vfio_pci_sriov_close(vdev);
	vfio_pci_core_disable(vdev);
	/* Revoked by the disable already; now for good. */
	vfio_pci_dma_buf_close(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_close_device);

/* ---- ioctls ---- */

/*
 * The AtomicOp sizes the function may send up to the root port, by
 * upstream's rule (6.5): sizes its own DEVCAP2 lists as completer sizes,
 * for which pci_enable_atomic_ops_to_root() finds a root port completing
 * them and a path routing them (and turns requests on in the function).
 */
static int vfio_pci_info_atomic_cap(struct vfio_pci_core_device *vdev,
				    struct vfio_info_cap *caps)
{
	static const struct {
		u32 devcap2;
		u32 flag;
	} sizes[] = {
		{ PCI_EXP_DEVCAP2_ATOMIC_COMP32, VFIO_PCI_ATOMIC_COMP32 },
		{ PCI_EXP_DEVCAP2_ATOMIC_COMP64, VFIO_PCI_ATOMIC_COMP64 },
		{ PCI_EXP_DEVCAP2_ATOMIC_COMP128, VFIO_PCI_ATOMIC_COMP128 },
	};
	struct vfio_device_info_cap_pci_atomic_comp cap = {
		.header.id = VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP,
		.header.version = 1,
	};
	struct pci_dev *pdev = pci_physfn(vdev->pdev);
	u32 devcap2 = 0;
	int i;

	pcie_capability_read_dword(pdev, PCI_EXP_DEVCAP2, &devcap2);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if ((devcap2 & sizes[i].devcap2) &&
		    !pci_enable_atomic_ops_to_root(pdev, sizes[i].devcap2))
			cap.flags |= sizes[i].flag;
	if (!cap.flags)
		return 0;
	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

static noinline_for_stack long
vfio_pci_ioctl_get_info(struct vfio_pci_core_device *vdev, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_device_info info;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;

	/* A caller that knows cap_offset gets it back, 0 without a chain. */
	if (info.argsz >= offsetofend(struct vfio_device_info, cap_offset)) {
		minsz = offsetofend(struct vfio_device_info, cap_offset);
		info.cap_offset = 0;
	}

	info.flags = VFIO_DEVICE_FLAGS_PCI;
	if (vdev->reset_works)
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;

	ret = vfio_pci_info_atomic_cap(vdev, &caps);
	if (ret) {
		pci_warn(vdev->pdev, "cannot build the AtomicOps capability: %d\n",
			 ret);
		return ret;
	}

	if (caps.size) {
		info.flags |= VFIO_DEVICE_FLAGS_CAPS;
		ret = vfio_info_cap_copy_out(&caps, arg, sizeof(info),
					     &info.argsz, &info.cap_offset);
		if (ret)
			return ret;
	}

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* Is there really a ROM behind the ROM BAR? Map it to find out. */
static void vfio_pci_rom_info(struct vfio_pci_core_device *vdev,
			      struct vfio_region_info *info)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	size_t size;
	u16 cmd;

	info->flags = 0;
	info->size = pci_resource_len(pdev, PCI_ROM_RESOURCE);
	if (!info->size) {
		/* A shadowed ROM (boot VGA) has no BAR but is readable. */
		if (!(pdev->resource[PCI_ROM_RESOURCE].flags &
		      IORESOURCE_ROM_SHADOW))
			return;
		info->size = 0x20000;
	}

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	io = pci_map_rom(pdev, &size);
	if (io) {
		info->flags = VFIO_REGION_INFO_FLAG_READ;
		pci_unmap_rom(pdev, io);
	} else {
		info->size = 0;
	}
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
}

static noinline_for_stack long
vfio_pci_ioctl_get_region_info(struct vfio_pci_core_device *vdev,
			       void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_region_info info;
	int ret = 0;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;

	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
		info.size = pdev->cfg_size;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
		info.size = pci_resource_len(pdev, info.index);
		if (!info.size) {
			info.flags = 0;
			break;
		}
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		if (!vdev->bar_mmap_supported[info.index])
			break;
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
		/*
		 * The MSI-X table may be mapped like the rest of its BAR:
		 * with interrupt remapping user space cannot forge
		 * interrupts through it, and the kernel programs the
		 * vectors itself. The capability says so.
		 */
		if ((int)info.index == vdev->msix_bar) {
			struct vfio_info_cap_header header = {
				.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
				.version = 1,
			};

			ret = vfio_info_add_capability(&caps, &header,
						       sizeof(header));
			if (ret)
				return ret;
		}
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
		vfio_pci_rom_info(vdev, &info);
		break;
	case VFIO_PCI_VGA_REGION_INDEX:
		if (!vdev->has_vga)
			return -EINVAL;
		info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
		info.size = VFIO_PCI_VGA_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	default:
		return -EINVAL;
	}

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		ret = vfio_info_cap_copy_out(&caps, arg, sizeof(info),
					     &info.argsz, &info.cap_offset);
		if (ret)
			return ret;
	}

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static noinline_for_stack long
vfio_pci_ioctl_get_irq_info(struct vfio_pci_core_device *vdev, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;

	/* AER reporting needs a PCIe function. */
	if (info.index == VFIO_PCI_ERR_IRQ_INDEX && !pci_is_pcie(vdev->pdev))
		return -EINVAL;

	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = vfio_pci_irq_count(vdev, info.index);
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.index != VFIO_PCI_MSIX_IRQ_INDEX || !vdev->has_dyn_msix)
		info.flags |= VFIO_IRQ_INFO_NORESIZE;

	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static noinline_for_stack long
vfio_pci_ioctl_set_irqs(struct vfio_pci_core_device *vdev, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int max, ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;

	max = hdr.index < VFIO_PCI_NUM_IRQS ?
	      vfio_pci_irq_count(vdev, hdr.index) : 0;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, max, VFIO_PCI_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;

	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vdev->igate);
	ret = vfio_pci_set_irqs_ioctl(vdev, hdr.flags, hdr.index, hdr.start,
				      hdr.count, data);
	mutex_unlock(&vdev->igate);
	kfree(data);
	return ret;
}

static noinline_for_stack long
vfio_pci_ioctl_reset(struct vfio_pci_core_device *vdev)
{
	if (!vdev->reset_works)
		return -EINVAL;
	return vfio_pci_reset_locked(vdev);
}

/*
 * Hot reset: a secondary bus reset of the slot if the slot can be reset
 * alone, else of the whole bus. Every function below it is affected.
 */
static int vfio_pci_hot_reset_scope(struct pci_dev *pdev, bool *slot)
{
	*slot = pdev->slot && !pci_probe_reset_slot(pdev->slot);
	if (!*slot && pci_probe_reset_bus(pdev->bus))
		return -ENODEV;
	return 0;
}

struct vfio_pci_walk {
	struct pci_slot *slot;	/* only functions of this slot, if set */
	int (*fn)(struct pci_dev *pdev, void *data);
	void *data;
};

/* Is @pdev in @slot, itself or below a bridge that is? */
static bool vfio_pci_in_slot(struct pci_dev *pdev, struct pci_slot *slot)
{
	for (; pdev; pdev = pdev->bus->self)
		if (pdev->bus == slot->bus)
			return pdev->slot == slot;
	return false;
}

static int vfio_pci_walk_one(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_walk *walk = data;

	if (walk->slot && !vfio_pci_in_slot(pdev, walk->slot))
		return 0;
	return walk->fn(pdev, walk->data);
}

/* Calls walk->fn for each function the hot reset of pdev affects. */
static void vfio_pci_walk_affected(struct pci_dev *pdev, bool slot,
				       struct vfio_pci_walk *walk)
{
	walk->slot = slot ? pdev->slot : NULL;
	pci_walk_bus(pdev->bus, vfio_pci_walk_one, walk);
}

/* ---- Reset sets ---- */

struct vfio_pci_set_walk {
	struct vfio_device_set *dev_set;
	bool all_in;
};

static int vfio_pci_set_has_one(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_set_walk *sw = data;

	if (!vfio_find_device_in_devset(sw->dev_set, &pdev->dev)) {
		sw->all_in = false;
		return -EBUSY;
	}
	return 0;
}

/*
 * The function to hand to pci_reset_bus() for the whole set, or NULL when
 * the set has no slot or bus reset, or when that reset would also hit a
 * function that is not ours (bound to another driver, or to none): only
 * our own functions coordinate with it. Called with dev_set->lock held.
 */
static struct pci_dev *
vfio_pci_dev_set_resettable(struct vfio_device_set *dev_set)
{
	struct vfio_pci_set_walk sw = { .dev_set = dev_set, .all_in = true };
	struct vfio_pci_core_device *first;
	struct vfio_pci_walk walk;
	bool slot;

	lockdep_assert_held(&dev_set->lock);
	first = list_first_entry_or_null(&dev_set->device_list,
					 struct vfio_pci_core_device,
					 vdev.dev_set_list);
	if (!first || vfio_pci_hot_reset_scope(first->pdev, &slot))
		return NULL;

	walk.fn = vfio_pci_set_has_one;
	walk.data = &sw;
	vfio_pci_walk_affected(first->pdev, slot, &walk);
	return sw.all_in ? first->pdev : NULL;
}

/* Wake every function of the set (a bus reset needs them in D0). */
static int vfio_pci_dev_set_runtime_get(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;
	int ret;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		ret = pm_runtime_resume_and_get(&cur->pdev->dev);
		if (ret < 0)
			goto unwind;
	}
	return 0;

unwind:
	list_for_each_entry_continue_reverse(cur, &dev_set->device_list,
					     vdev.dev_set_list)
		pm_runtime_put(&cur->pdev->dev);
	return ret;
}

static void vfio_pci_dev_set_runtime_put(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		pm_runtime_put(&cur->pdev->dev);
}

/*
 * Called from the last close of a function (dev_set->lock held, the
 * closing device still counted as open). A function that could not
 * be reset alone stays dirty (needs_reset) until its whole slot or bus
 * is reset, which may only happen once no function of the set is open.
 */
static void vfio_pci_dev_set_try_reset(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;
	struct pci_dev *pdev;
	bool dirty = false;
	int ret;

	if (vfio_device_set_open_count(dev_set) > 1)
		return;
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		dirty |= cur->needs_reset;
	if (!dirty)
		return;

	pdev = vfio_pci_dev_set_resettable(dev_set);
	if (!pdev || vfio_pci_dev_set_runtime_get(dev_set))
		return;

	ret = pci_reset_bus(pdev);
	if (!ret)
		list_for_each_entry(cur, &dev_set->device_list,
				    vdev.dev_set_list)
			cur->needs_reset = false;
	else
		pci_dbg(pdev, "reset of the idle reset set failed: %d\n", ret);

	vfio_pci_dev_set_runtime_put(dev_set);
}

struct vfio_pci_fill {
	struct vfio_pci_dependent_device *devices;
	int max;
	int cur;
	int err;
};

static int vfio_pci_count_one(struct pci_dev *pdev, void *data)
{
	(*(int *)data)++;
	return 0;
}

static int vfio_pci_fill_one(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_fill *fill = data;
	struct iommu_group *group;

	if (fill->err)
		return fill->err;
	if (fill->cur == fill->max) {
		/* The bus changed since it was counted. */
		fill->err = -EAGAIN;
		return fill->err;
	}

	group = iommu_group_get(&pdev->dev);
	if (!group) {
		fill->err = -EPERM;
		return fill->err;
	}
	fill->devices[fill->cur].group_id = iommu_group_id(group);
	fill->devices[fill->cur].segment = pci_domain_nr(pdev->bus);
	fill->devices[fill->cur].bus = pdev->bus->number;
	fill->devices[fill->cur].devfn = pdev->devfn;
	fill->cur++;
	iommu_group_put(group);
	return 0;
}

static noinline_for_stack long
vfio_pci_ioctl_hot_reset_info(struct vfio_pci_core_device *vdev,
			      void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_pci_hot_reset_info,
					  count);
	struct vfio_pci_hot_reset_info hdr;
	struct vfio_pci_fill fill = { };
	struct vfio_pci_walk walk;
	bool slot;
	int count = 0, ret;

	ret = vfio_copy_argsz(&hdr, arg, minsz);
	if (ret)
		return ret;
	hdr.flags = 0;

	ret = vfio_pci_hot_reset_scope(vdev->pdev, &slot);
	if (ret)
		return ret;

	walk.fn = vfio_pci_count_one;
	walk.data = &count;
	vfio_pci_walk_affected(vdev->pdev, slot, &walk);

	if (hdr.argsz < sizeof(hdr) + count * sizeof(*fill.devices)) {
		hdr.count = count;
		ret = -ENOSPC;
		goto out;
	}

	fill.devices = kcalloc(count, sizeof(*fill.devices), GFP_KERNEL);
	if (!fill.devices)
		return -ENOMEM;
	fill.max = count;
	walk.fn = vfio_pci_fill_one;
	walk.data = &fill;
	vfio_pci_walk_affected(vdev->pdev, slot, &walk);
	ret = fill.err;
	if (!ret) {
		hdr.count = fill.cur;
		if (copy_to_user(arg + minsz, fill.devices,
				 hdr.count * sizeof(*fill.devices)))
			ret = -EFAULT;
	}
	kfree(fill.devices);
out:
	if (copy_to_user(arg, &hdr, minsz))
		ret = -EFAULT;
	return ret;
}

struct vfio_pci_reset_check {
	struct vfio_device_set *dev_set;
	struct file **files;
	int nfiles;
	int err;
};

/*
 * Each affected function must be one of ours, in this device set, and
 * owned by the caller: one of the group files it passed holds it.
 */
static int vfio_pci_check_owned(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_reset_check *check = data;
	struct vfio_device *vdev;
	int i;

	if (check->err)
		return check->err;

	vdev = vfio_find_device_in_devset(check->dev_set, &pdev->dev);
	if (!vdev) {
		check->err = -EINVAL;
		return check->err;
	}
	for (i = 0; i < check->nfiles; i++)
		if (vfio_file_has_dev(check->files[i], vdev))
			return 0;
	check->err = -EINVAL;
	return check->err;
}

static noinline_for_stack long
vfio_pci_ioctl_hot_reset(struct vfio_pci_core_device *vdev, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_pci_hot_reset, count);
	struct vfio_device_set *dev_set = vdev->vdev.dev_set;
	struct vfio_pci_reset_check check = { .dev_set = dev_set };
	struct vfio_pci_core_device *cur;
	struct vfio_pci_hot_reset hdr;
	struct vfio_pci_walk walk;
	struct file **files;
	int count = 0, locked = 0, i, ret;
	s32 *fds;
	bool slot;

	ret = vfio_copy_argsz(&hdr, arg, minsz);
	if (ret)
		return ret;
	if (hdr.flags)
		return -EINVAL;

	ret = vfio_pci_hot_reset_scope(vdev->pdev, &slot);
	if (ret)
		return ret;

	/* At most one group per affected function. */
	walk.fn = vfio_pci_count_one;
	walk.data = &count;
	vfio_pci_walk_affected(vdev->pdev, slot, &walk);
	if (!hdr.count || hdr.count > count ||
	    hdr.argsz < minsz + hdr.count * sizeof(*fds))
		return -EINVAL;

	fds = memdup_user(arg + minsz, hdr.count * sizeof(*fds));
	if (IS_ERR(fds))
		return PTR_ERR(fds);

	files = kcalloc(hdr.count, sizeof(*files), GFP_KERNEL);
	if (!files) {
		kfree(fds);
		return -ENOMEM;
	}

	for (i = 0; i < hdr.count; i++) {
		files[i] = fget(fds[i]);
		if (!files[i]) {
			ret = -EBADF;
			goto out_put;
		}
		if (!vfio_file_is_group(files[i])) {
			ret = -EINVAL;
			goto out_put;
		}
	}

	mutex_lock(&dev_set->lock);
	check.files = files;
	check.nfiles = hdr.count;
	walk.fn = vfio_pci_check_owned;
	walk.data = &check;
	vfio_pci_walk_affected(vdev->pdev, slot, &walk);
	ret = check.err;
	if (ret)
		goto out_unlock;

	/*
	 * Idle functions of the set may be runtime suspended, and any may
	 * be in D3hot by user space's choice: all to D0 through our own
	 * path, so NoSoftRst- functions get their state back first.
	 */
	ret = vfio_pci_dev_set_runtime_get(dev_set);
	if (ret)
		goto out_unlock;
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		vfio_pci_set_power_state(cur, PCI_D0);

	/*
	 * No mapping may be touched while the bus is down: zap them all and
	 * hold every device's memory_lock. Trylock, since another thread
	 * may hold one of them while waiting for the device set.
	 */
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		if (!down_write_trylock(&cur->memory_lock)) {
			ret = -EBUSY;
			break;
		}
		locked++;
		vfio_pci_zap_mmaps(cur);
	}
	if (!ret)
		ret = pci_reset_bus(vdev->pdev);

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		if (!locked--)
			break;
		vfio_pci_dma_buf_update(cur, false);
		up_write(&cur->memory_lock);
	}
	vfio_pci_dev_set_runtime_put(dev_set);
out_unlock:
	mutex_unlock(&dev_set->lock);
out_put:
	for (i = 0; i < hdr.count; i++)
		if (files[i])
			fput(files[i]);
	kfree(files);
	kfree(fds);
	return ret;
}

static noinline_for_stack long
vfio_pci_ioctl_ioeventfd(struct vfio_pci_core_device *vdev, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_ioeventfd, fd);
	struct vfio_device_ioeventfd ioeventfd;
	int count, ret;

	ret = vfio_copy_argsz(&ioeventfd, arg, minsz);
	if (ret)
		return ret;
	if (ioeventfd.flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK)
		return -EINVAL;

	count = ioeventfd.flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
	if (hweight8(count) != 1 || ioeventfd.fd < -1)
		return -EINVAL;

	return vfio_pci_ioeventfd(vdev, ioeventfd.offset, ioeventfd.data,
				  count, ioeventfd.fd);
}

/*
 * The handlers are out of line so that this switch needs no stack frame
 * and jumps straight to the one it picks: it runs on every ioctl.
 */
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_pci_ioctl_get_info(vdev, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_pci_ioctl_get_region_info(vdev, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_pci_ioctl_get_irq_info(vdev, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_pci_ioctl_set_irqs(vdev, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_pci_ioctl_reset(vdev);
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
		return vfio_pci_ioctl_hot_reset_info(vdev, uarg);
	case VFIO_DEVICE_PCI_HOT_RESET:
		return vfio_pci_ioctl_hot_reset(vdev, uarg);
	case VFIO_DEVICE_IOEVENTFD:
		return vfio_pci_ioctl_ioeventfd(vdev, uarg);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl);

/* VFIO_DEVICE_FEATURE: one case per feature vfio-pci implements. */
int vfio_pci_core_ioctl_feature(struct vfio_device *core_vdev, u32 flags,
				void __user *arg, size_t argsz)
{
	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
		return vfio_pci_sriov_feature_token(to_vfio_pci_core(core_vdev),
						    flags, arg, argsz);
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
		return vfio_pci_core_pm_entry(to_vfio_pci_core(core_vdev),
					      flags, arg, argsz);
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
		return vfio_pci_core_pm_entry_with_wakeup(to_vfio_pci_core(core_vdev),
							  flags, arg, argsz);
	case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
		return vfio_pci_core_pm_exit(to_vfio_pci_core(core_vdev),
					     flags, arg, argsz);
	case VFIO_DEVICE_FEATURE_DMA_BUF:
		return vfio_pci_core_feature_dma_buf(to_vfio_pci_core(core_vdev),
						     flags, arg, argsz);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl_feature);

/* ---- read / write ---- */

static ssize_t vfio_pci_rw_region(struct vfio_pci_core_device *vdev,
				  char __user *buf, size_t count, loff_t *ppos,
				  bool iswrite)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return vfio_pci_config_rw(vdev, buf, count, ppos, iswrite);
	case VFIO_PCI_ROM_REGION_INDEX:
		if (iswrite)
			return -EINVAL;
		return vfio_pci_bar_rw(vdev, buf, count, ppos, false);
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		return vfio_pci_bar_rw(vdev, buf, count, ppos, iswrite);
	case VFIO_PCI_VGA_REGION_INDEX:
		return vfio_pci_vga_rw(vdev, buf, count, ppos, iswrite);
	default:
		return -EINVAL;
	}
}

/* An access wakes a device in low power for as long as it takes. */
static ssize_t vfio_pci_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite)
{
	ssize_t ret;

	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	ret = vfio_device_pm_get(&vdev->vdev);
	if (ret)
		return ret;
	ret = vfio_pci_rw_region(vdev, buf, count, ppos, iswrite);
	vfio_device_pm_put(&vdev->vdev);
	return ret;
}

ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	if (!count)
		return 0;
	return vfio_pci_rw(to_vfio_pci_core(core_vdev), buf, count, ppos,
			   false);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_read);

ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count,
			    loff_t *ppos)
{
	if (!count)
		return 0;
	return vfio_pci_rw(to_vfio_pci_core(core_vdev), (char __user *)buf,
			   count, ppos, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_write);

/* ---- mmap ---- */

/*
 * BAR pages are inserted one at a time on fault, and only while memory
 * decode is on and the function is in D0; otherwise the access gets
 * SIGBUS, as it would from a disabled BAR.
 */
static vm_fault_t vfio_pci_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	unsigned long index, pgoff, pfn;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	pgoff = vma->vm_pgoff &
		((1UL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1);
	pfn = (pci_resource_start(vdev->pdev, index) >> PAGE_SHIFT) + pgoff +
	      ((vmf->address - vma->vm_start) >> PAGE_SHIFT);

	/* Nothing wakes a device in low power from here: no access. */
	down_read(&vdev->memory_lock);
	if (vfio_pci_bars_reachable(vdev))
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
	up_read(&vdev->memory_lock);
	return ret;
}

static const struct vm_operations_struct vfio_pci_mmap_ops = {
	.fault = vfio_pci_mmap_fault,
};

int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	struct pci_dev *pdev = vdev->pdev;
	u64 phys_len, req_len, req_start, pgoff;
	struct file *file;
	unsigned int index;
	int ret;

	index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	if (index >= VFIO_PCI_ROM_REGION_INDEX)
		return -EINVAL;
	if (vma->vm_end < vma->vm_start || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (!vdev->bar_mmap_supported[index])
		return -EINVAL;

	phys_len = PAGE_ALIGN(pci_resource_len(pdev, index));
	req_len = vma->vm_end - vma->vm_start;
	pgoff = vma->vm_pgoff &
		((1UL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1);
	req_start = pgoff << PAGE_SHIFT;
	if (req_start + req_len > phys_len)
		return -EINVAL;

	/* The BAR must be claimed even though the mmap does not use it. */
	ret = vfio_pci_setup_barmap(vdev, index);
	if (ret)
		return ret;

	/* The file's last fput drops a module reference it did not take. */
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	ihold(vdev->mmap_inode);
	file = alloc_file_pseudo(vdev->mmap_inode, vfio_pci_mnt, "vfio-pci",
				 O_RDWR, &vfio_pci_mmap_fops);
	if (IS_ERR(file)) {
		iput(vdev->mmap_inode);
		module_put(THIS_MODULE);
		return PTR_ERR(file);
	}
	file->private_data = get_file(vma->vm_file);
	vfio_compat_vma_set_file(vma, file);
	fput(file);

	vma->vm_private_data = vdev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vfio_compat_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
				      VM_DONTDUMP);
	vma->vm_ops = &vfio_pci_mmap_ops;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_mmap);

/* ---- release request ---- */

void vfio_pci_core_request(struct vfio_device *core_vdev, unsigned int count)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	struct pci_dev *pdev = vdev->pdev;

	mutex_lock(&vdev->trigger_lock);
	if (vdev->req_trigger) {
		if (!(count % 10))
			pci_notice_ratelimited(pdev,
					       "asking user space to release the device (request #%u)\n",
					       count);
		vfio_compat_eventfd_signal(vdev->req_trigger);
	} else if (!count) {
		pci_warn(pdev,
			 "no release request channel: waiting for user space to close the device\n");
	}
	mutex_unlock(&vdev->trigger_lock);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_request);

/* ---- AER ---- */

/*
 * The PCI driver that uses these handlers keeps its struct
 * vfio_pci_core_device in drvdata while bound.
 */
static pci_ers_result_t vfio_pci_error_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	struct vfio_pci_core_device *vdev = pci_get_drvdata(pdev);

	if (!vdev)
		return PCI_ERS_RESULT_DISCONNECT;

	mutex_lock(&vdev->trigger_lock);
	if (vdev->err_trigger)
		vfio_compat_eventfd_signal(vdev->err_trigger);
	mutex_unlock(&vdev->trigger_lock);
	return PCI_ERS_RESULT_CAN_RECOVER;
}

const struct pci_error_handlers vfio_pci_core_err_handlers = {
	.error_detected = vfio_pci_error_detected,
};
EXPORT_SYMBOL_GPL(vfio_pci_core_err_handlers);

/* ---- Runtime PM ---- */

/*
 * A function is runtime suspended when nobody has it open (open holds a
 * reference), or when its user asked for low power (vfio_pci_power.c).
 * The PCI core then saves its state and puts it in the lowest state it
 * can wake from: D3hot for a function with PM.
 */
static int vfio_pci_runtime_suspend(struct device *dev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);

	/*
	 * Start from D0 through our own path: if user space left the
	 * function in D3hot, a NoSoftRst- one gets its state back before
	 * the PCI core saves it.
	 */
	vfio_pci_set_power_state(vdev, PCI_D0);
	vfio_pci_low_power_suspend(vdev);
	return 0;
}

/* The PCI core restored D0 and the saved state before this. */
static int vfio_pci_runtime_resume(struct device *dev)
{
	vfio_pci_low_power_resume(dev_get_drvdata(dev));
	return 0;
}

static const struct dev_pm_ops vfio_pci_core_pm_ops = {
	.runtime_suspend = vfio_pci_runtime_suspend,
	.runtime_resume = vfio_pci_runtime_resume,
};

/* ---- init, release, registration ---- */

int vfio_pci_core_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	int ret;

	vdev->pdev = to_pci_dev(core_vdev->dev);
	vdev->irq_type = -1;	/* none */
	vdev->msix_bar = -1;
	mutex_init(&vdev->igate);
	mutex_init(&vdev->trigger_lock);
	mutex_init(&vdev->barmap_lock);
	spin_lock_init(&vdev->irqlock);
	mutex_init(&vdev->ioeventfds_lock);
	INIT_LIST_HEAD(&vdev->ioeventfds_list);
	init_rwsem(&vdev->memory_lock);
	INIT_LIST_HEAD(&vdev->dmabufs);

	/*
	 * The BARs' P2P providers, for dma-bufs. Only a failure to allocate
	 * them is fatal: where the kernel has none, there are no dma-bufs.
	 */
	ret = vfio_compat_p2pdma_init(vdev->pdev);
	if (ret && ret != -EOPNOTSUPP)
		goto out_mutexes;

	vdev->mmap_inode = alloc_anon_inode(vfio_pci_mnt->mnt_sb);
	if (IS_ERR(vdev->mmap_inode)) {
		ret = PTR_ERR(vdev->mmap_inode);
		vdev->mmap_inode = NULL;
		goto out_mutexes;
	}
	return 0;

out_mutexes:
	mutex_destroy(&vdev->igate);
	mutex_destroy(&vdev->trigger_lock);
	mutex_destroy(&vdev->barmap_lock);
	mutex_destroy(&vdev->ioeventfds_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_init_dev);

void vfio_pci_core_release_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	if (vdev->mmap_inode)
		iput(vdev->mmap_inode);
	kfree(vdev->pm_save);
	mutex_destroy(&vdev->igate);
	mutex_destroy(&vdev->trigger_lock);
	mutex_destroy(&vdev->barmap_lock);
	mutex_destroy(&vdev->ioeventfds_lock);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_release_dev);

int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 pmcsr;
	int ret;

	/* Bridges and CardBus headers cannot be virtualised safely. */
	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL)
		return -EINVAL;

	ret = vfio_pci_sriov_init(vdev);
	if (ret)
		return ret;

	/* Functions reset together share one set (slot, else bus). */
	if (pdev->slot && !pci_probe_reset_slot(pdev->slot))
		ret = vfio_assign_device_set(&vdev->vdev, pdev->slot);
	else if (!pci_probe_reset_bus(pdev->bus))
		ret = vfio_assign_device_set(&vdev->vdev, pdev->bus);
	else
		ret = 0;	/* the core gives it a set of its own */
	if (ret)
		goto out_sriov;

	/* Without NoSoftRst, D3hot->D0 loses the state: restore it. */
	if (pdev->pm_cap) {
		pci_read_config_word(pdev, pdev->pm_cap + PCI_PM_CTRL, &pmcsr);
		vdev->needs_pm_restore = !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET);
	}

	/*
	 * The PCI core leaves an unbound function in an unknown power
	 * state, from which only D0 is allowed: go there before runtime PM
	 * may take it down. probe() runs with a runtime PM reference held
	 * for the driver; dropping it lets the idle function suspend.
	 */
	vfio_pci_set_power_state(vdev, PCI_D0);
	pdev->dev.driver->pm = &vfio_pci_core_pm_ops;
	pm_runtime_allow(&pdev->dev);
	if (!vfio_pci_disable_idle_d3)
		pm_runtime_put(&pdev->dev);

	ret = vfio_register_group_dev(&vdev->vdev);
	if (!ret)
		return 0;
	if (!vfio_pci_disable_idle_d3)
		pm_runtime_get_noresume(&pdev->dev);
	pm_runtime_forbid(&pdev->dev);
out_sriov:
	vfio_pci_sriov_exit(vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_register_device);

void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev)
{
	/* The VFs go first: their removal waits for their users. */
	vfio_pci_sriov_disable(vdev);
	vfio_unregister_group_dev(&vdev->vdev);
	vfio_pci_sriov_exit(vdev);

	/* Take back probe()'s reference; forbidding resumes it to D0. */
	if (!vfio_pci_disable_idle_d3)
		pm_runtime_get_noresume(&vdev->pdev->dev);
	pm_runtime_forbid(&vdev->pdev->dev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_unregister_device);

static int __init vfio_pci_core_init(void)
{
	vfio_pci_mnt = kern_mount(&vfio_pci_fs_type);
	if (IS_ERR(vfio_pci_mnt))
		return PTR_ERR(vfio_pci_mnt);
	return 0;
}

static void __exit vfio_pci_core_exit(void)
{
	kern_unmount(vfio_pci_mnt);
}

module_init(vfio_pci_core_init);
module_exit(vfio_pci_core_exit);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("VFIO PCI core: device access for vfio-pci and variant drivers");
