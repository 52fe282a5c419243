// SPDX-License-Identifier: GPL-2.0-only
/*
 * The LOW_POWER device features (upstream 6.1): user space lets runtime PM
 * take an open device down.
 *
 * Runtime PM (vfio_pci_core.c) suspends a device once its usage count
 * drops to zero. An open device holds a reference (unless
 * disable_idle_d3 keeps one for good), and the core and vfio_pci_rw()
 * hold one around every ioctl and region read or write. Entering low
 * power drops the open's reference, so the device suspends when the
 * ioctl returns; LOW_POWER_EXIT, and the close, take it back.
 *
 * While low power is engaged, BAR mmaps fault with SIGBUS: an access
 * through them would reach a powered-down device with no one to wake it.
 * Read, write and ioctls wake the device for the time of the call; after
 * an entry with a wake-up eventfd, the first such wake-up signals it and
 * ends low power, as LOW_POWER_EXIT would.
 *
 * The core's low_power flag and pm_wake_eventfd_ctx change under
 * memory_lock, which the mmap fault handler holds for reading; the core's
 * vfio_device_pm_get() reads the flag without it.
 */
#include <linux/eventfd.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/uaccess.h>

#include "vfio_pci_priv.h"

static int vfio_pci_runtime_pm_entry(struct vfio_pci_core_device *vdev,
				     struct eventfd_ctx *efdctx)
{
	down_write(&vdev->memory_lock);
	if (vdev->vdev.low_power) {
		up_write(&vdev->memory_lock);
		return -EINVAL;
	}
	vfio_pci_zap_mmaps(vdev);
	WRITE_ONCE(vdev->vdev.low_power, true);
	vdev->pm_wake_eventfd_ctx = efdctx;
	/*
	 * The ioctl itself still holds a reference: the device suspends
	 * when the core drops it on the way out. vfio_device_pm_get() must
	 * see the flag if it took its count before this put.
	 */
	smp_mb__before_atomic();
	pm_runtime_put_noidle(&vdev->pdev->dev);
	up_write(&vdev->memory_lock);
	return 0;
}

/* Caller holds memory_lock for writing. */
static void __vfio_pci_runtime_pm_exit(struct vfio_pci_core_device *vdev)
{
	if (!vdev->vdev.low_power)
		return;
	WRITE_ONCE(vdev->vdev.low_power, false);
	pm_runtime_get_noresume(&vdev->pdev->dev);
	if (vdev->pm_wake_eventfd_ctx) {
		eventfd_ctx_put(vdev->pm_wake_eventfd_ctx);
		vdev->pm_wake_eventfd_ctx = NULL;
	}
	vfio_pci_dma_buf_update(vdev, false);
}

void vfio_pci_runtime_pm_exit(struct vfio_pci_core_device *vdev)
{
	down_write(&vdev->memory_lock);
	__vfio_pci_runtime_pm_exit(vdev);
	up_write(&vdev->memory_lock);
}

int vfio_pci_core_pm_entry(struct vfio_pci_core_device *vdev, u32 flags,
			   void __user *arg, size_t argsz)
{
	int ret;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
	if (ret != 1)
		return ret;
	return vfio_pci_runtime_pm_entry(vdev, NULL);
}

int vfio_pci_core_pm_entry_with_wakeup(struct vfio_pci_core_device *vdev,
				       u32 flags, void __user *arg,
				       size_t argsz)
{
	struct vfio_device_low_power_entry_with_wakeup entry;
	struct eventfd_ctx *efdctx;
	int ret;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 sizeof(entry));
	if (ret != 1)
		return ret;
	if (copy_from_user(&entry, arg, sizeof(entry)))
		return -EFAULT;
	if (entry.wakeup_eventfd < 0)
		return -EINVAL;

	efdctx = eventfd_ctx_fdget(entry.wakeup_eventfd);
	if (IS_ERR(efdctx))
		return PTR_ERR(efdctx);
	ret = vfio_pci_runtime_pm_entry(vdev, efdctx);
	if (ret)
		eventfd_ctx_put(efdctx);
	return ret;
}

int vfio_pci_core_pm_exit(struct vfio_pci_core_device *vdev, u32 flags,
			  void __user *arg, size_t argsz)
{
	int ret;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
	if (ret != 1)
		return ret;
	/*
	 * The ioctl woke the device already; if that was the wake-up of an
	 * entry with an eventfd, low power is over and this does nothing.
	 */
	vfio_pci_runtime_pm_exit(vdev);
	return 0;
}

/*
 * From the runtime suspend callback: a suspended function must not assert
 * INTx, so mask a live line and unmask it again on resume.
 */
void vfio_pci_low_power_suspend(struct vfio_pci_core_device *vdev)
{
	vdev->pm_intx_masked = vdev->irq_type == VFIO_PCI_INTX_IRQ_INDEX &&
			       vfio_pci_intx_mask(vdev);
}

/* From the runtime resume callback: the one-shot wake-up fires here. */
void vfio_pci_low_power_resume(struct vfio_pci_core_device *vdev)
{
	down_write(&vdev->memory_lock);
	if (vdev->pm_wake_eventfd_ctx) {
		vfio_compat_eventfd_signal(vdev->pm_wake_eventfd_ctx);
		__vfio_pci_runtime_pm_exit(vdev);
	}
	up_write(&vdev->memory_lock);

	if (vdev->pm_intx_masked) {
		vdev->pm_intx_masked = false;
		vfio_pci_intx_unmask(vdev);
	}
}
