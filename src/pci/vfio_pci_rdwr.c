// SPDX-License-Identifier: GPL-2.0-only
/*
 * read() and write() on the BAR, ROM and VGA regions of vfio-pci-core.
 *
 * User memory is copied outside memory_lock: a page fault on the user
 * buffer may need mmap_lock, which a fault on one of our own mappings
 * holds while it waits for memory_lock.
 */
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vgaarb.h>

#include "vfio_pci_priv.h"

int vfio_pci_setup_barmap(struct vfio_pci_core_device *vdev, int bar)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret = 0;

	mutex_lock(&vdev->barmap_lock);
	if (vdev->barmap[bar])
		goto out;

	ret = pci_request_selected_regions(pdev, 1 << bar, "vfio");
	if (ret)
		goto out;
	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, 1 << bar);
		ret = -ENOMEM;
		goto out;
	}
	vdev->barmap[bar] = io;
out:
	mutex_unlock(&vdev->barmap_lock);
	return ret;
}

/* Largest naturally aligned access, up to a dword, at off. */
static int vpci_chunk(loff_t off, size_t left)
{
	if (left >= 4 && !(off % 4))
		return 4;
	if (left >= 2 && !(off % 2))
		return 2;
	return 1;
}

static void vpci_ioread(void __iomem *addr, int size, u8 *val)
{
	__le32 v32;
	__le16 v16;

	if (size == 4) {
		v32 = cpu_to_le32(ioread32(addr));
		memcpy(val, &v32, 4);
	} else if (size == 2) {
		v16 = cpu_to_le16(ioread16(addr));
		memcpy(val, &v16, 2);
	} else {
		*val = ioread8(addr);
	}
}

static void vpci_iowrite(void __iomem *addr, int size, const u8 *val)
{
	__le32 v32;
	__le16 v16;

	if (size == 4) {
		memcpy(&v32, val, 4);
		iowrite32(le32_to_cpu(v32), addr);
	} else if (size == 2) {
		memcpy(&v16, val, 2);
		iowrite16(le16_to_cpu(v16), addr);
	} else {
		iowrite8(*val, addr);
	}
}

/*
 * Accesses [off, off + count) of io. Bytes in [x_start, x_end) are not
 * touched: writes are dropped and reads return 0xff. With lock set, each
 * access is made under memory_lock and only while memory decode is on.
 */
static ssize_t vpci_io_rw(struct vfio_pci_core_device *vdev, bool lock,
			  void __iomem *io, char __user *buf, loff_t off,
			  size_t count, loff_t x_start, loff_t x_end,
			  bool iswrite)
{
	size_t done = 0;

	while (done < count) {
		int size = vpci_chunk(off, count - done);
		u8 val[4];

		if (off >= x_start && off < x_end) {
			size = min_t(size_t, min_t(size_t, count - done, 4),
				     x_end - off);
			if (!iswrite) {
				memset(val, 0xff, sizeof(val));
				if (copy_to_user(buf + done, val, size))
					return -EFAULT;
			}
			goto next;
		}
		/* Stop short of the excluded range; halving keeps alignment. */
		while (off < x_start && off + size > x_start)
			size >>= 1;

		if (iswrite && copy_from_user(val, buf + done, size))
			return -EFAULT;

		if (lock) {
			down_read(&vdev->memory_lock);
			if (!vfio_pci_memory_enabled(vdev)) {
				up_read(&vdev->memory_lock);
				return done ? done : -EIO;
			}
		}
		if (iswrite)
			vpci_iowrite(io + off, size, val);
		else
			vpci_ioread(io + off, size, val);
		if (lock)
			up_read(&vdev->memory_lock);

		if (!iswrite && copy_to_user(buf + done, val, size))
			return -EFAULT;
next:
		off += size;
		done += size;
	}
	return done;
}

/* The ROM is read into a bounce buffer with decode forced on. */
static ssize_t vpci_rom_read(struct vfio_pci_core_device *vdev,
			     char __user *buf, size_t count, loff_t pos)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	size_t size;
	ssize_t ret;
	u8 *bounce;
	u16 cmd;

	count = min_t(size_t, count, PAGE_SIZE);
	bounce = kmalloc(count, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	io = pci_map_rom(pdev, &size);
	if (!io) {
		ret = -ENODEV;
	} else if (pos >= size) {
		ret = -EINVAL;
	} else {
		count = min_t(size_t, count, size - pos);
		memcpy_fromio(bounce, io + pos, count);
		ret = count;
	}
	if (io)
		pci_unmap_rom(pdev, io);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);

	if (ret > 0 && copy_to_user(buf, bounce, ret))
		ret = -EFAULT;
	kfree(bounce);
	return ret;
}

ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int bar = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	loff_t x_start = 0, x_end = 0;
	resource_size_t end;
	ssize_t done;
	int ret;

	if (bar == VFIO_PCI_ROM_REGION_INDEX) {
		done = vpci_rom_read(vdev, buf, count, pos);
		if (done > 0)
			*ppos += done;
		return done;
	}

	end = pci_resource_len(pdev, bar);
	if (!pci_resource_start(pdev, bar) || !end || pos >= end)
		return -EINVAL;
	count = min_t(size_t, count, end - pos);

	ret = vfio_pci_setup_barmap(vdev, bar);
	if (ret)
		return ret;

	/* The MSI-X table belongs to the kernel. */
	if ((int)bar == vdev->msix_bar) {
		x_start = vdev->msix_offset;
		x_end = vdev->msix_offset + vdev->msix_size;
	}

	done = vpci_io_rw(vdev, pci_resource_flags(pdev, bar) & IORESOURCE_MEM,
			  vdev->barmap[bar], buf, pos, count, x_start, x_end,
			  iswrite);
	if (done > 0)
		*ppos += done;
	return done;
}

ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite)
{
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	void __iomem *io;
	unsigned int rsrc;
	bool is_io = true;
	loff_t start;
	size_t len;
	ssize_t done;
	int ret;

	if (!vdev->has_vga)
		return -EINVAL;

	if (pos >= 0xa0000 && pos < 0xc0000) {
		start = 0xa0000;
		len = 0x20000;
		is_io = false;
	} else if (pos >= 0x3b0 && pos < 0x3bc) {
		start = 0x3b0;
		len = 0xc;
	} else if (pos >= 0x3c0 && pos < 0x3e0) {
		start = 0x3c0;
		len = 0x20;
	} else {
		return -EINVAL;
	}
	count = min_t(size_t, count, start + len - pos);

	rsrc = is_io ? VGA_RSRC_LEGACY_IO : VGA_RSRC_LEGACY_MEM;
	io = is_io ? ioport_map(start, len) : ioremap(start, len);
	if (!io)
		return -ENOMEM;

	ret = vga_get_interruptible(vdev->pdev, rsrc);
	if (ret) {
		done = ret;
		goto out;
	}
	done = vpci_io_rw(vdev, false, io, buf, pos - start, count, 0, 0,
			  iswrite);
	vga_put(vdev->pdev, rsrc);
out:
	if (is_io)
		ioport_unmap(io);
	else
		iounmap(io);
	if (done > 0)
		*ppos += done;
	return done;
}

/*
 * VFIO_DEVICE_IOEVENTFD: a write of fixed data to a BAR each time an
 * eventfd fires, without a trip through user space.
 */
#define VFIO_PCI_IOEVENTFD_MAX	1000

struct vfio_pci_ioeventfd {
	struct list_head	next;
	struct vfio_pci_core_device *vdev;
	struct virqfd		*virqfd;
	void __iomem		*addr;
	u64			data;
	loff_t			pos;
	int			bar;
	int			count;
};

static void vpci_ioeventfd_do_write(struct vfio_pci_ioeventfd *ioeventfd)
{
	switch (ioeventfd->count) {
	case 1:
		iowrite8(ioeventfd->data, ioeventfd->addr);
		break;
	case 2:
		iowrite16(ioeventfd->data, ioeventfd->addr);
		break;
	case 4:
		iowrite32(ioeventfd->data, ioeventfd->addr);
		break;
	case 8:	/* memory BARs only, see vfio_pci_ioeventfd() */
		writeq(ioeventfd->data, ioeventfd->addr);
		break;
	}
}

/* From the eventfd wakeup: write now unless memory_lock is contended. */
static int vpci_ioeventfd_handler(void *opaque, void *unused)
{
	struct vfio_pci_ioeventfd *ioeventfd = opaque;
	struct vfio_pci_core_device *vdev = ioeventfd->vdev;

	if (!down_read_trylock(&vdev->memory_lock))
		return 1;	/* do it from the thread */
	if (vfio_pci_memory_enabled(vdev))
		vpci_ioeventfd_do_write(ioeventfd);
	up_read(&vdev->memory_lock);
	return 0;
}

static void vpci_ioeventfd_thread(void *opaque, void *unused)
{
	struct vfio_pci_ioeventfd *ioeventfd = opaque;
	struct vfio_pci_core_device *vdev = ioeventfd->vdev;

	down_read(&vdev->memory_lock);
	if (vfio_pci_memory_enabled(vdev))
		vpci_ioeventfd_do_write(ioeventfd);
	up_read(&vdev->memory_lock);
}

long vfio_pci_ioeventfd(struct vfio_pci_core_device *vdev, loff_t offset,
			u64 data, int count, int fd)
{
	struct pci_dev *pdev = vdev->pdev;
	loff_t pos = offset & VFIO_PCI_OFFSET_MASK;
	int bar = VFIO_PCI_OFFSET_TO_INDEX(offset);
	struct vfio_pci_ioeventfd *ioeventfd;
	int ret;

	/* BARs only, and never the MSI-X table. */
	if (bar > VFIO_PCI_BAR5_REGION_INDEX)
		return -EINVAL;
	if (pos + count > pci_resource_len(pdev, bar))
		return -EINVAL;
	if (count == 8 && !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
		return -EINVAL;
	if (bar == vdev->msix_bar &&
	    !(pos + count <= vdev->msix_offset ||
	      pos >= vdev->msix_offset + vdev->msix_size))
		return -EINVAL;

	ret = vfio_pci_setup_barmap(vdev, bar);
	if (ret)
		return ret;

	mutex_lock(&vdev->ioeventfds_lock);
	list_for_each_entry(ioeventfd, &vdev->ioeventfds_list, next) {
		if (ioeventfd->pos == pos && ioeventfd->bar == bar &&
		    ioeventfd->data == data && ioeventfd->count == count) {
			if (fd == -1) {
				vfio_virqfd_disable(&ioeventfd->virqfd);
				list_del(&ioeventfd->next);
				vdev->ioeventfds_nr--;
				kfree(ioeventfd);
				ret = 0;
			} else {
				ret = -EEXIST;
			}
			goto out_unlock;
		}
	}

	if (fd < 0) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (vdev->ioeventfds_nr >= VFIO_PCI_IOEVENTFD_MAX) {
		ret = -ENOSPC;
		goto out_unlock;
	}

	ioeventfd = kzalloc(sizeof(*ioeventfd), GFP_KERNEL_ACCOUNT);
	if (!ioeventfd) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ioeventfd->vdev = vdev;
	ioeventfd->addr = vdev->barmap[bar] + pos;
	ioeventfd->data = data;
	ioeventfd->pos = pos;
	ioeventfd->bar = bar;
	ioeventfd->count = count;

	ret = vfio_virqfd_enable(ioeventfd, vpci_ioeventfd_handler,
				 vpci_ioeventfd_thread, NULL,
				 &ioeventfd->virqfd, fd);
	if (ret) {
		kfree(ioeventfd);
		goto out_unlock;
	}
	list_add(&ioeventfd->next, &vdev->ioeventfds_list);
	vdev->ioeventfds_nr++;
out_unlock:
	mutex_unlock(&vdev->ioeventfds_lock);
	return ret;
}

void vfio_pci_ioeventfd_remove_all(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_ioeventfd *ioeventfd, *tmp;

	mutex_lock(&vdev->ioeventfds_lock);
	list_for_each_entry_safe(ioeventfd, tmp, &vdev->ioeventfds_list,
				 next) {
		vfio_virqfd_disable(&ioeventfd->virqfd);
		list_del(&ioeventfd->next);
		kfree(ioeventfd);
	}
	vdev->ioeventfds_nr = 0;
	mutex_unlock(&vdev->ioeventfds_lock);
}
