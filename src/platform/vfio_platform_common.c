// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-platform-base: what vfio-platform and vfio-amba share. A device's
 * MMIO and port resources become regions, its wired interrupts IRQ
 * indexes, and a reset comes from ACPI _RST or from the reset registry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/kmod.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "vfio_platform_priv.h"

/* ---- The reset registry ---- */

static DEFINE_MUTEX(vfio_platform_reset_lock);
static LIST_HEAD(vfio_platform_reset_list);

int __vfio_platform_register_reset(struct vfio_platform_reset_node *node)
{
	struct vfio_platform_reset_node *tmp;
	int ret = 0;

	if (!node->id || !*node->id || !node->reset)
		return -EINVAL;
	mutex_lock(&vfio_platform_reset_lock);
	list_for_each_entry(tmp, &vfio_platform_reset_list, link) {
		if (!strcmp(tmp->id, node->id)) {
			ret = -EBUSY;
			break;
		}
	}
	if (!ret)
		list_add(&node->link, &vfio_platform_reset_list);
	mutex_unlock(&vfio_platform_reset_lock);
	if (ret)
		pr_warn("a reset function for \"%s\" is already registered\n",
			node->id);
	return ret;
}
EXPORT_SYMBOL_GPL(__vfio_platform_register_reset);

void vfio_platform_unregister_reset(const char *id,
				    vfio_platform_reset_fn_t reset)
{
	struct vfio_platform_reset_node *node;

	mutex_lock(&vfio_platform_reset_lock);
	list_for_each_entry(node, &vfio_platform_reset_list, link) {
		if (!strcmp(node->id, id) && node->reset == reset) {
			list_del(&node->link);
			break;
		}
	}
	mutex_unlock(&vfio_platform_reset_lock);
}
EXPORT_SYMBOL_GPL(vfio_platform_unregister_reset);

/* The entry for @id, its module held; NULL if none. */
static struct vfio_platform_reset_node *vfio_platform_reset_get(const char *id)
{
	struct vfio_platform_reset_node *node, *found = NULL;

	mutex_lock(&vfio_platform_reset_lock);
	list_for_each_entry(node, &vfio_platform_reset_list, link) {
		if (!strcmp(node->id, id) && try_module_get(node->owner)) {
			found = node;
			break;
		}
	}
	mutex_unlock(&vfio_platform_reset_lock);
	return found;
}

/* ---- Identity and reset of one device ---- */

struct device *vfio_platform_to_dev(struct vfio_platform_device *vpdev)
{
	return vpdev->vdev.dev;
}
EXPORT_SYMBOL_GPL(vfio_platform_to_dev);

#ifdef CONFIG_ACPI
static const char *vfio_platform_acpi_hid(struct device *dev)
{
	struct acpi_device *adev = ACPI_COMPANION(dev);

	return adev ? acpi_device_hid(adev) : NULL;
}

static bool vfio_platform_acpi_has_reset(struct device *dev)
{
	return acpi_has_method(ACPI_HANDLE(dev), "_RST");
}

static int vfio_platform_acpi_reset(struct device *dev)
{
	acpi_status status;

	status = acpi_evaluate_object(ACPI_HANDLE(dev), "_RST", NULL, NULL);
	if (ACPI_FAILURE(status)) {
		dev_warn(dev, "ACPI _RST failed: %s\n",
			 acpi_format_exception(status));
		return -EIO;
	}
	return 0;
}
#else
static const char *vfio_platform_acpi_hid(struct device *dev)
{
	return NULL;
}

static bool vfio_platform_acpi_has_reset(struct device *dev)
{
	return false;
}

static int vfio_platform_acpi_reset(struct device *dev)
{
	return -ENOENT;
}
#endif

static bool vfio_platform_has_acpi_reset(struct vfio_platform_device *vpdev)
{
	return vpdev->acpihid && vfio_platform_acpi_has_reset(vpdev->vdev.dev);
}

static bool vfio_platform_has_reset(struct vfio_platform_device *vpdev)
{
	return vfio_platform_has_acpi_reset(vpdev) || vpdev->reset;
}

/*
 * Find the reset for the device's ID: _RST for ACPI, else a registry
 * entry, loading the module that provides it ("vfio-reset:ID") if needed.
 */
static void vfio_platform_find_reset(struct vfio_platform_device *vpdev)
{
	const char *id = vpdev->compat ? vpdev->compat : vpdev->acpihid;

	if (vfio_platform_has_acpi_reset(vpdev) || !id)
		return;
	vpdev->reset = vfio_platform_reset_get(id);
	if (vpdev->reset)
		return;
	request_module("vfio-reset:%s", id);
	vpdev->reset = vfio_platform_reset_get(id);
}

static int vfio_platform_call_reset(struct vfio_platform_device *vpdev)
{
	int ret;

	if (vfio_platform_has_acpi_reset(vpdev))
		return vfio_platform_acpi_reset(vpdev->vdev.dev);
	if (!vpdev->reset)
		return -EINVAL;
	ret = vpdev->reset->reset(vpdev);
	if (ret)
		dev_warn(vpdev->vdev.dev, "reset by %s failed: %d\n",
			 module_name(vpdev->reset->owner), ret);
	return ret;
}

/* ---- Regions ---- */

static int vfio_platform_regions_init(struct vfio_platform_device *vpdev)
{
	struct vfio_platform_region *reg;
	struct resource *res;
	unsigned int i, n = 0;

	while (vpdev->get_resource(vpdev, n))
		n++;
	if (!n)
		return 0;
	vpdev->regions = kcalloc(n, sizeof(*vpdev->regions), GFP_KERNEL);
	if (!vpdev->regions)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		res = vpdev->get_resource(vpdev, i);
		reg = &vpdev->regions[i];
		reg->addr = res->start;
		reg->size = resource_size(res);
		reg->flags = VFIO_REGION_INFO_FLAG_READ;
		if (resource_type(res) == IORESOURCE_MEM) {
			reg->mmio = true;
			if (!(res->flags & IORESOURCE_READONLY))
				reg->flags |= VFIO_REGION_INFO_FLAG_WRITE;
			/* Only whole pages can be handed to user space. */
			if (PAGE_ALIGNED(reg->addr) && PAGE_ALIGNED(reg->size))
				reg->flags |= VFIO_REGION_INFO_FLAG_MMAP;
		} else {
			reg->flags |= VFIO_REGION_INFO_FLAG_WRITE;
		}
	}
	vpdev->num_regions = n;
	return 0;
}

static void vfio_platform_regions_unmap(struct vfio_platform_device *vpdev)
{
	unsigned int i;

	mutex_lock(&vpdev->region_lock);
	for (i = 0; i < vpdev->num_regions; i++) {
		if (vpdev->regions[i].ioaddr)
			iounmap(vpdev->regions[i].ioaddr);
		vpdev->regions[i].ioaddr = NULL;
	}
	mutex_unlock(&vpdev->region_lock);
}

void __iomem *vfio_platform_region_ioaddr(struct vfio_platform_device *vpdev,
					  unsigned int index)
{
	struct vfio_platform_region *reg;
	void __iomem *ioaddr;

	if (index >= vpdev->num_regions || !vpdev->regions[index].mmio)
		return IOMEM_ERR_PTR(-EINVAL);
	reg = &vpdev->regions[index];

	mutex_lock(&vpdev->region_lock);
	if (!reg->ioaddr)
		reg->ioaddr = ioremap(reg->addr, reg->size);
	ioaddr = reg->ioaddr;
	mutex_unlock(&vpdev->region_lock);
	return ioaddr ? ioaddr : IOMEM_ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(vfio_platform_region_ioaddr);

/*
 * The region behind a device fd offset and the offset inside it, for
 * read() and write(): -EINVAL unless the region exists, allows @flag and
 * the access starts inside it.
 */
static struct vfio_platform_region *
vfio_platform_rw_region(struct vfio_platform_device *vpdev, loff_t pos,
			u32 flag, loff_t *off)
{
	u64 index = VFIO_PLATFORM_OFFSET_TO_INDEX((u64)pos);
	struct vfio_platform_region *reg;

	if (pos < 0 || index >= vpdev->num_regions)
		return ERR_PTR(-EINVAL);
	reg = &vpdev->regions[index];
	*off = pos & VFIO_PLATFORM_OFFSET_MASK;
	/* Port I/O regions are listed, as upstream does, but not served. */
	if (!(reg->flags & flag) || !reg->mmio || *off >= reg->size)
		return ERR_PTR(-EINVAL);
	return reg;
}

/* One access of the widest size that @off and @left allow (4, 2 or 1). */
static size_t vfio_platform_access_size(loff_t off, size_t left)
{
	if (left >= 4 && !(off % 4))
		return 4;
	if (left >= 2 && !(off % 2))
		return 2;
	return 1;
}

ssize_t vfio_platform_read(struct vfio_device *vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	struct vfio_platform_device *vpdev = to_vfio_platform(vdev);
	struct vfio_platform_region *reg;
	void __iomem *io;
	size_t done = 0, n;
	loff_t off;
	u32 val;

	reg = vfio_platform_rw_region(vpdev, *ppos, VFIO_REGION_INFO_FLAG_READ,
				      &off);
	if (IS_ERR(reg))
		return PTR_ERR(reg);
	io = vfio_platform_region_ioaddr(vpdev, reg - vpdev->regions);
	if (IS_ERR(io))
		return PTR_ERR(io);
	count = min_t(size_t, count, reg->size - off);

	while (done < count) {
		n = vfio_platform_access_size(off, count - done);
		if (n == 4)
			val = ioread32(io + off);
		else if (n == 2)
			val = ioread16(io + off);
		else
			val = ioread8(io + off);
		/* The value is little-endian data, as on the bus. */
		if (n == 4) {
			__le32 le = cpu_to_le32(val);

			if (copy_to_user(buf + done, &le, n))
				return -EFAULT;
		} else if (n == 2) {
			__le16 le = cpu_to_le16(val);

			if (copy_to_user(buf + done, &le, n))
				return -EFAULT;
		} else if (copy_to_user(buf + done, &val, 1)) {
			return -EFAULT;
		}
		done += n;
		off += n;
	}
	*ppos += done;
	return done;
}
EXPORT_SYMBOL_GPL(vfio_platform_read);

ssize_t vfio_platform_write(struct vfio_device *vdev, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct vfio_platform_device *vpdev = to_vfio_platform(vdev);
	struct vfio_platform_region *reg;
	void __iomem *io;
	size_t done = 0, n;
	loff_t off;

	reg = vfio_platform_rw_region(vpdev, *ppos,
				      VFIO_REGION_INFO_FLAG_WRITE, &off);
	if (IS_ERR(reg))
		return PTR_ERR(reg);
	io = vfio_platform_region_ioaddr(vpdev, reg - vpdev->regions);
	if (IS_ERR(io))
		return PTR_ERR(io);
	count = min_t(size_t, count, reg->size - off);

	while (done < count) {
		n = vfio_platform_access_size(off, count - done);
		if (n == 4) {
			__le32 le;

			if (copy_from_user(&le, buf + done, n))
				return -EFAULT;
			iowrite32(le32_to_cpu(le), io + off);
		} else if (n == 2) {
			__le16 le;

			if (copy_from_user(&le, buf + done, n))
				return -EFAULT;
			iowrite16(le16_to_cpu(le), io + off);
		} else {
			u8 val;

			if (copy_from_user(&val, buf + done, 1))
				return -EFAULT;
			iowrite8(val, io + off);
		}
		done += n;
		off += n;
	}
	*ppos += done;
	return done;
}
EXPORT_SYMBOL_GPL(vfio_platform_write);

int vfio_platform_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct vfio_platform_device *vpdev = to_vfio_platform(vdev);
	unsigned long index_shift = VFIO_PLATFORM_OFFSET_SHIFT - PAGE_SHIFT;
	unsigned long index = vma->vm_pgoff >> index_shift;
	unsigned long pgoff = vma->vm_pgoff & ((1UL << index_shift) - 1);
	unsigned long len = vma->vm_end - vma->vm_start;
	struct vfio_platform_region *reg;

	if (!(vma->vm_flags & VM_SHARED) || index >= vpdev->num_regions)
		return -EINVAL;
	reg = &vpdev->regions[index];
	if (!(reg->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EINVAL;
	if (((vma->vm_flags & VM_READ) &&
	     !(reg->flags & VFIO_REGION_INFO_FLAG_READ)) ||
	    ((vma->vm_flags & VM_WRITE) &&
	     !(reg->flags & VFIO_REGION_INFO_FLAG_WRITE)))
		return -EINVAL;
	if (pgoff > reg->size >> PAGE_SHIFT ||
	    len > reg->size - (pgoff << PAGE_SHIFT))
		return -EINVAL;

	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return remap_pfn_range(vma, vma->vm_start,
			       (reg->addr >> PAGE_SHIFT) + pgoff, len,
			       vma->vm_page_prot);
}
EXPORT_SYMBOL_GPL(vfio_platform_mmap);

/* ---- ioctls ---- */

static long vfio_platform_get_info(struct vfio_platform_device *vpdev,
				   void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;
	info.flags = vpdev->flags;
	if (vfio_platform_has_reset(vpdev))
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = vpdev->num_regions;
	info.num_irqs = vpdev->num_irqs;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vfio_platform_get_region_info(struct vfio_platform_device *vpdev,
					  void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= vpdev->num_regions)
		return -EINVAL;
	info.offset = VFIO_PLATFORM_INDEX_TO_OFFSET(info.index);
	info.size = vpdev->regions[info.index].size;
	info.flags = vpdev->regions[info.index].flags;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vfio_platform_get_irq_info(struct vfio_platform_device *vpdev,
				       void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;
	if (info.index >= vpdev->num_irqs)
		return -EINVAL;
	info.flags = vpdev->irqs[info.index].flags;
	info.count = 1;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vfio_platform_ioctl_set_irqs(struct vfio_platform_device *vpdev,
					 void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	/* Every index has one line. */
	ret = vfio_set_irqs_validate_and_prepare(&hdr, 1, vpdev->num_irqs,
						 &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	ret = vfio_platform_set_irqs(vpdev, hdr.flags, hdr.index, hdr.start,
				     hdr.count, data);
	kfree(data);
	return ret;
}

long vfio_platform_ioctl(struct vfio_device *vdev, unsigned int cmd,
			 unsigned long arg)
{
	struct vfio_platform_device *vpdev = to_vfio_platform(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_platform_get_info(vpdev, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_platform_get_region_info(vpdev, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_platform_get_irq_info(vpdev, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_platform_ioctl_set_irqs(vpdev, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_platform_call_reset(vpdev);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_GPL(vfio_platform_ioctl);

/* ---- Open, close, set up, release ---- */

/* User space gets the device reset, and leaves it reset. */
int vfio_platform_open_device(struct vfio_device *vdev)
{
	struct vfio_platform_device *vpdev = to_vfio_platform(vdev);
	int ret;

	ret = vfio_platform_call_reset(vpdev);
	if (ret && vpdev->reset_required) {
		dev_warn(vdev->dev, "reset failed on open (%d), and reset_required is set\n",
			 ret);
		vfio_platform_regions_unmap(vpdev);
		return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_platform_open_device);

void vfio_platform_close_device(struct vfio_device *vdev)
{
	struct vfio_platform_device *vpdev = to_vfio_platform(vdev);
	int ret;

	vfio_platform_irq_cleanup(vpdev);
	ret = vfio_platform_call_reset(vpdev);
	if (ret && vpdev->reset_required)
		dev_warn(vdev->dev, "reset failed on close (%d)\n", ret);
	vfio_platform_regions_unmap(vpdev);
}
EXPORT_SYMBOL_GPL(vfio_platform_close_device);

/*
 * Reads the device's identity, resources and reset, once, at probe.
 * Fails when reset_required is set and there is no reset to be had.
 */
static int vfio_platform_init_common(struct vfio_platform_device *vpdev)
{
	struct device *dev = vpdev->vdev.dev;
	int ret;

	mutex_init(&vpdev->region_lock);
	mutex_init(&vpdev->igate);

	vpdev->acpihid = vfio_platform_acpi_hid(dev);
	if (device_property_read_string(dev, "compatible", &vpdev->compat))
		vpdev->compat = NULL;
	if (!vpdev->compat && !vpdev->acpihid) {
		dev_err(dev, "%s has neither a \"compatible\" property nor an ACPI ID: it cannot be matched with a reset\n",
			vpdev->name);
		return -EINVAL;
	}

	ret = vfio_platform_regions_init(vpdev);
	if (!ret)
		ret = vfio_platform_irq_init(vpdev);
	if (ret)
		return ret;

	vfio_platform_find_reset(vpdev);
	if (!vfio_platform_has_reset(vpdev) && vpdev->reset_required) {
		dev_err(dev, "no reset function for %s (%s): not binding it; load the reset module for it, or set the reset_required parameter of %s to 0\n",
			vpdev->name, vpdev->compat ? vpdev->compat :
			vpdev->acpihid, vpdev->vdev.ops->name);
		return -EINVAL;
	}
	return 0;
}

/*
 * The second half of a bus driver's probe(), after it allocated @vpdev
 * and described it: set up and register, or put @vpdev and fail.
 */
int vfio_platform_register(struct vfio_platform_device *vpdev)
{
	int ret;

	ret = vfio_platform_init_common(vpdev);
	if (!ret)
		ret = vfio_register_group_dev(&vpdev->vdev);
	if (ret)
		vfio_put_device(&vpdev->vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_platform_register);

/* A bus driver's remove(): returns once user space has closed @vpdev. */
void vfio_platform_unregister(struct vfio_platform_device *vpdev)
{
	vfio_unregister_group_dev(&vpdev->vdev);
	vfio_put_device(&vpdev->vdev);
}
EXPORT_SYMBOL_GPL(vfio_platform_unregister);

/* The vfio_device_ops release of both bus drivers: undoes the above. */
void vfio_platform_release_common(struct vfio_device *vdev)
{
	struct vfio_platform_device *vpdev = to_vfio_platform(vdev);

	if (vpdev->reset)
		module_put(vpdev->reset->owner);
	vpdev->reset = NULL;
	vfio_platform_irq_free(vpdev);
	kfree(vpdev->regions);
	vpdev->regions = NULL;
	vpdev->num_regions = 0;
	mutex_destroy(&vpdev->igate);
	mutex_destroy(&vpdev->region_lock);
}
EXPORT_SYMBOL_GPL(vfio_platform_release_common);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("VFIO platform base: regions, interrupts, reset registry (vfio-backports)");
