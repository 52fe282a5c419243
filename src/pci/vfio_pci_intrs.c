// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of vfio-pci-core: VFIO_DEVICE_SET_IRQS for INTx, MSI, MSI-X,
 * and the ERR and REQ notification eventfds.
 *
 * INTx is level triggered and shared, so it is masked as it fires (by
 * the PCI 2.3 INTx disable bit, or by disabling the host IRQ, which then
 * cannot be shared) and stays masked until user space unmasks it. MSI and
 * MSI-X vectors each signal their own eventfd. Everything here runs under
 * vdev->igate except the hard IRQ handlers, which use vdev->irqlock; the
 * ERR and REQ eventfds are also under vdev->trigger_lock, which is all AER
 * recovery and release requests take.
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vfio_pci_priv.h"

struct vfio_pci_irq_ctx {
	struct eventfd_ctx	*trigger;
	struct virqfd		*unmask;
	struct virqfd		*mask;
	char			*name;
	bool			masked;
};

#define VFIO_PCI_IRQ_NONE	(-1)

static bool vfio_pci_irq_is(struct vfio_pci_core_device *vdev, int type)
{
	return vdev->irq_type == type;
}

static bool vfio_pci_is_intx(struct vfio_pci_core_device *vdev)
{
	return vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX);
}

int vfio_pci_irq_count(struct vfio_pci_core_device *vdev, int irq_type)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 flags;
	u8 pin;

	switch (irq_type) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (vdev->nointx || pdev->is_virtfn)
			return 0;
		pci_read_config_byte(pdev, PCI_INTERRUPT_PIN, &pin);
		return pin ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (!pdev->msi_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS,
				     &flags);
		return 1 << ((flags & PCI_MSI_FLAGS_QMASK) >> 1);
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (!pdev->msix_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				     &flags);
		return (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pci_is_pcie(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

/* ---- INTx ---- */

static void vfio_pci_intx_signal(struct vfio_pci_core_device *vdev)
{
	unsigned long flags;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (vfio_pci_is_intx(vdev) && !vdev->virq_disabled &&
	    vdev->ctx[0].trigger)
		vfio_compat_eventfd_signal(vdev->ctx[0].trigger);
	spin_unlock_irqrestore(&vdev->irqlock, flags);
}

/* Returns true if this masked a line that was live until now. */
bool vfio_pci_intx_mask(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned long flags;
	bool masked = false;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (vfio_pci_is_intx(vdev) && !vdev->ctx[0].masked) {
		if (vdev->pci_2_3)
			pci_intx(pdev, 0);
		else
			disable_irq_nosync(pdev->irq);
		vdev->ctx[0].masked = true;
		masked = true;
	} else if (!vfio_pci_is_intx(vdev)) {
		/* Remembered: INTx starts masked when it is set up. */
		vdev->virq_disabled = true;
	}
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return masked;
}

/* Returns true if the line is still asserted and was left masked. */
static bool vfio_pci_intx_do_unmask(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned long flags;
	bool pending = false;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (vfio_pci_is_intx(vdev) && vdev->ctx[0].masked &&
	    !vdev->virq_disabled) {
		if (!vdev->pci_2_3) {
			enable_irq(pdev->irq);
			vdev->ctx[0].masked = false;
		} else if (pci_check_and_unmask_intx(pdev)) {
			vdev->ctx[0].masked = false;
		} else {
			pending = true;
		}
	} else if (!vfio_pci_is_intx(vdev)) {
		vdev->virq_disabled = false;
	}
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return pending;
}

void vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev)
{
	/* Still asserted: that is a new interrupt for user space. */
	if (vfio_pci_intx_do_unmask(vdev))
		vfio_pci_intx_signal(vdev);
}

/* virqfd handler: runs from the eventfd wakeup, so signal from a thread. */
static int vfio_pci_intx_unmask_handler(void *opaque, void *unused)
{
	return vfio_pci_intx_do_unmask(opaque) ? 1 : 0;
}

static void vfio_pci_intx_unmask_thread(void *opaque, void *unused)
{
	vfio_pci_intx_signal(opaque);
}

static irqreturn_t vfio_pci_intx_handler(int irq, void *dev_id)
{
	struct vfio_pci_core_device *vdev = dev_id;
	irqreturn_t ret = IRQ_NONE;
	unsigned long flags;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (!vdev->pci_2_3) {
		disable_irq_nosync(vdev->pdev->irq);
		vdev->ctx[0].masked = true;
		ret = IRQ_HANDLED;
	} else if (!vdev->ctx[0].masked &&
		   pci_check_and_mask_intx(vdev->pdev)) {
		vdev->ctx[0].masked = true;
		ret = IRQ_HANDLED;
	}
	if (ret == IRQ_HANDLED && vdev->ctx[0].trigger)
		vfio_compat_eventfd_signal(vdev->ctx[0].trigger);
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return ret;
}

static int vfio_pci_intx_enable(struct vfio_pci_core_device *vdev,
				struct eventfd_ctx *trigger)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	unsigned long irqflags;
	int ret;

	if (!vfio_pci_irq_is(vdev, VFIO_PCI_IRQ_NONE))
		return -EINVAL;
	if (!pdev->irq)
		return -ENODEV;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-intx(%s)",
			      pci_name(pdev));
	if (!ctx->name) {
		kfree(ctx);
		return -ENOMEM;
	}
	ctx->trigger = trigger;
	ctx->masked = vdev->virq_disabled;

	/* Without 2.3 masking the line cannot be shared with anyone. */
	irqflags = vdev->pci_2_3 ? IRQF_SHARED : 0;
	if (vdev->pci_2_3)
		pci_intx(pdev, !ctx->masked);

	spin_lock_irq(&vdev->irqlock);
	vdev->ctx = ctx;
	vdev->num_ctx = 1;
	vdev->irq_type = VFIO_PCI_INTX_IRQ_INDEX;
	spin_unlock_irq(&vdev->irqlock);

	ret = request_irq(pdev->irq, vfio_pci_intx_handler, irqflags,
			  ctx->name, vdev);
	if (ret) {
		spin_lock_irq(&vdev->irqlock);
		vdev->irq_type = VFIO_PCI_IRQ_NONE;
		vdev->ctx = NULL;
		vdev->num_ctx = 0;
		spin_unlock_irq(&vdev->irqlock);
		kfree(ctx->name);
		kfree(ctx);
		return ret;
	}

	if (!vdev->pci_2_3 && ctx->masked)
		disable_irq_nosync(pdev->irq);
	return 0;
}

static void vfio_pci_intx_set_trigger(struct vfio_pci_core_device *vdev,
				      struct eventfd_ctx *trigger)
{
	struct eventfd_ctx *old;

	spin_lock_irq(&vdev->irqlock);
	old = vdev->ctx[0].trigger;
	vdev->ctx[0].trigger = trigger;
	spin_unlock_irq(&vdev->irqlock);
	if (old)
		eventfd_ctx_put(old);
}

static void vfio_pci_intx_disable(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = vdev->ctx;

	vfio_virqfd_disable(&ctx->unmask);
	vfio_virqfd_disable(&ctx->mask);
	free_irq(vdev->pdev->irq, vdev);
	/* Leave the line quiet until it is set up again. */
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev, 0);
	else if (ctx->masked)
		enable_irq(vdev->pdev->irq);

	spin_lock_irq(&vdev->irqlock);
	vdev->irq_type = VFIO_PCI_IRQ_NONE;
	vdev->ctx = NULL;
	vdev->num_ctx = 0;
	spin_unlock_irq(&vdev->irqlock);

	if (ctx->trigger)
		eventfd_ctx_put(ctx->trigger);
	kfree(ctx->name);
	kfree(ctx);
}

static int vfio_pci_set_intx_mask(struct vfio_pci_core_device *vdev,
				  unsigned int start, unsigned int count,
				  u32 flags, void *data)
{
	if (!vfio_pci_is_intx(vdev) || start != 0 || count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		vfio_pci_intx_mask(vdev);
	} else if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(u8 *)data)
			vfio_pci_intx_mask(vdev);
	} else {
		/* A masking eventfd is not supported, as upstream. */
		return -ENOTTY;
	}
	return 0;
}

static int vfio_pci_set_intx_unmask(struct vfio_pci_core_device *vdev,
				    unsigned int start, unsigned int count,
				    u32 flags, void *data)
{
	if (!vfio_pci_is_intx(vdev) || start != 0 || count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		vfio_pci_intx_unmask(vdev);
	} else if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(u8 *)data)
			vfio_pci_intx_unmask(vdev);
	} else {
		s32 fd = *(s32 *)data;

		if (fd >= 0)
			return vfio_virqfd_enable(vdev,
						  vfio_pci_intx_unmask_handler,
						  vfio_pci_intx_unmask_thread,
						  NULL, &vdev->ctx[0].unmask,
						  fd);
		vfio_virqfd_disable(&vdev->ctx[0].unmask);
	}
	return 0;
}

static int vfio_pci_set_intx_trigger(struct vfio_pci_core_device *vdev,
				     unsigned int start, unsigned int count,
				     u32 flags, void *data)
{
	if (vfio_pci_is_intx(vdev) && !count &&
	    (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_pci_intx_disable(vdev);
		return 0;
	}

	if (!(vfio_pci_is_intx(vdev) ||
	      vfio_pci_irq_is(vdev, VFIO_PCI_IRQ_NONE)) ||
	    start != 0 || count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		struct eventfd_ctx *trigger = NULL;
		s32 fd = *(s32 *)data;
		int ret = 0;

		if (fd >= 0) {
			trigger = eventfd_ctx_fdget(fd);
			if (IS_ERR(trigger))
				return PTR_ERR(trigger);
		}
		if (vfio_pci_is_intx(vdev))
			vfio_pci_intx_set_trigger(vdev, trigger);
		else
			ret = vfio_pci_intx_enable(vdev, trigger);
		if (ret && trigger)
			eventfd_ctx_put(trigger);
		return ret;
	}

	if (!vfio_pci_is_intx(vdev))
		return -EINVAL;
	if ((flags & VFIO_IRQ_SET_DATA_NONE) || *(u8 *)data)
		vfio_pci_intx_signal(vdev);
	return 0;
}

/* ---- MSI / MSI-X ---- */

static irqreturn_t vfio_pci_msi_handler(int irq, void *arg)
{
	vfio_compat_eventfd_signal(arg);
	return IRQ_HANDLED;
}

static int vfio_pci_msi_enable(struct vfio_pci_core_device *vdev, int nvec,
			       bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	int nctx, ret;
	u16 cmd;

	if (!vfio_pci_irq_is(vdev, VFIO_PCI_IRQ_NONE))
		return -EINVAL;

	/*
	 * With dynamic MSI-X every vector of the table may get an eventfd
	 * later, so each needs its context now; only nvec get an irq.
	 */
	nctx = msix && vdev->has_dyn_msix ?
		vfio_pci_irq_count(vdev, VFIO_PCI_MSIX_IRQ_INDEX) : nvec;
	ctx = kcalloc(nctx, sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;

	/* Programming the MSI-X table needs memory decode. */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	ret = pci_alloc_irq_vectors(pdev, 1, nvec,
				    msix ? PCI_IRQ_MSIX : PCI_IRQ_MSI);
	if (ret > 0 && ret < nvec)
		pci_free_irq_vectors(pdev);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
	if (ret < nvec) {
		kfree(ctx);
		return ret < 0 ? ret : -ENOSPC;
	}

	vdev->ctx = ctx;
	vdev->num_ctx = nctx;
	/* The virtual enable bits stay as user space wrote them. */
	vdev->irq_type = msix ? VFIO_PCI_MSIX_IRQ_INDEX :
				VFIO_PCI_MSI_IRQ_INDEX;
	return 0;
}

/*
 * The irq of a vector. A vector MSI-X enable did not allocate is added
 * now where the kernel allows it; it stays until MSI-X is disabled.
 */
static int vfio_pci_msi_vector_irq(struct vfio_pci_core_device *vdev,
				   int vector, bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	int irq;
	u16 cmd;

	irq = pci_irq_vector(pdev, vector);
	if (irq >= 0 || !msix || !vdev->has_dyn_msix)
		return irq < 0 ? -EINVAL : irq;

	/* The new vector's table entry is written through the BAR. */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	irq = vfio_compat_msix_alloc_irq_at(pdev, vector);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
	if (irq < 0)
		pci_dbg(pdev, "cannot add MSI-X vector %d: %d\n", vector, irq);
	return irq;
}

static int vfio_pci_msi_set_vector(struct vfio_pci_core_device *vdev,
				   int vector, s32 fd, bool msix)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[vector];
	struct pci_dev *pdev = vdev->pdev;
	struct eventfd_ctx *trigger;
	int irq, ret;
	u16 cmd;

	if (ctx->trigger) {
		free_irq(pci_irq_vector(pdev, vector), ctx->trigger);
		eventfd_ctx_put(ctx->trigger);
		kfree(ctx->name);
		ctx->trigger = NULL;
		ctx->name = NULL;
	}
	if (fd < 0)
		return 0;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);

	irq = vfio_pci_msi_vector_irq(vdev, vector, msix);
	if (irq < 0) {
		ret = irq;
		goto out_put;
	}

	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-msi%s[%d](%s)",
			      msix ? "x" : "", vector, pci_name(pdev));
	if (!ctx->name) {
		ret = -ENOMEM;
		goto out_put;
	}

	/* Requesting an MSI-X vector unmasks it in the table. */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	ret = request_irq(irq, vfio_pci_msi_handler, 0, ctx->name, trigger);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);
	if (ret)
		goto out_free_name;
	ctx->trigger = trigger;
	return 0;

out_free_name:
	kfree(ctx->name);
	ctx->name = NULL;
out_put:
	eventfd_ctx_put(trigger);
	return ret;
}

static int vfio_pci_msi_set_block(struct vfio_pci_core_device *vdev,
				  unsigned int start, unsigned int count,
				  s32 *fds, bool msix)
{
	unsigned int i;
	int ret = 0;

	if (start >= vdev->num_ctx || start + count > vdev->num_ctx)
		return -EINVAL;

	for (i = 0; i < count && !ret; i++)
		ret = vfio_pci_msi_set_vector(vdev, start + i,
					      fds ? fds[i] : -1, msix);
	if (ret) {
		/* All or nothing. */
		while (i--)
			vfio_pci_msi_set_vector(vdev, start + i, -1, msix);
	}
	return ret;
}

static void vfio_pci_msi_disable(struct vfio_pci_core_device *vdev, bool msix)
{
	struct pci_dev *pdev = vdev->pdev;
	int i;
	u16 cmd;

	for (i = 0; i < vdev->num_ctx; i++) {
		vfio_virqfd_disable(&vdev->ctx[i].unmask);
		vfio_virqfd_disable(&vdev->ctx[i].mask);
	}
	vfio_pci_msi_set_block(vdev, 0, vdev->num_ctx, NULL, msix);

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	pci_free_irq_vectors(pdev);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);

	/* Freeing the vectors may leave INTx enabled: keep it quiet. */
	if (vdev->nointx || vdev->pci_2_3)
		pci_intx(pdev, 0);

	if (msix)
		vfio_pci_vconfig_msix(vdev, false);
	else
		vfio_pci_vconfig_msi(vdev, 0, false);

	kfree(vdev->ctx);
	vdev->ctx = NULL;
	vdev->num_ctx = 0;
	vdev->irq_type = VFIO_PCI_IRQ_NONE;
}

static int vfio_pci_set_msi_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	bool msix = index == VFIO_PCI_MSIX_IRQ_INDEX;
	unsigned int i;
	int ret;

	if (vfio_pci_irq_is(vdev, index) && !count &&
	    (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_pci_msi_disable(vdev, msix);
		return 0;
	}

	if (!(vfio_pci_irq_is(vdev, index) ||
	      vfio_pci_irq_is(vdev, VFIO_PCI_IRQ_NONE)))
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 *fds = data;

		if (vfio_pci_irq_is(vdev, index))
			return vfio_pci_msi_set_block(vdev, start, count, fds,
						      msix);

		ret = vfio_pci_msi_enable(vdev, start + count, msix);
		if (ret)
			return ret;
		ret = vfio_pci_msi_set_block(vdev, start, count, fds, msix);
		if (ret)
			vfio_pci_msi_disable(vdev, msix);
		return ret;
	}

	if (!vfio_pci_irq_is(vdev, index) || start + count > vdev->num_ctx)
		return -EINVAL;

	for (i = start; i < start + count; i++) {
		if (!vdev->ctx[i].trigger)
			continue;
		if ((flags & VFIO_IRQ_SET_DATA_NONE) ||
		    ((u8 *)data)[i - start])
			vfio_compat_eventfd_signal(vdev->ctx[i].trigger);
	}
	return 0;
}

/* ---- ERR and REQ: one eventfd each ---- */

static int vfio_pci_set_ctx_trigger(struct eventfd_ctx **ctx,
				    unsigned int count, u32 flags, void *data)
{
	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		/* count 0 unsets; count 1 is a loopback test. */
		if (!*ctx)
			return -EINVAL;
		if (count) {
			vfio_compat_eventfd_signal(*ctx);
		} else {
			eventfd_ctx_put(*ctx);
			*ctx = NULL;
		}
		return 0;
	}

	if (!count)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(u8 *)data && *ctx)
			vfio_compat_eventfd_signal(*ctx);
		return 0;
	}

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = *(s32 *)data;
		struct eventfd_ctx *efd;

		if (fd == -1) {
			if (*ctx)
				eventfd_ctx_put(*ctx);
			*ctx = NULL;
		} else if (fd >= 0) {
			efd = eventfd_ctx_fdget(fd);
			if (IS_ERR(efd))
				return PTR_ERR(efd);
			if (*ctx)
				eventfd_ctx_put(*ctx);
			*ctx = efd;
		} else {
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

int vfio_pci_set_irqs_ioctl(struct vfio_pci_core_device *vdev, u32 flags,
			    unsigned int index, unsigned int start,
			    unsigned int count, void *data)
{
	u32 action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	int ret;

	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		switch (action) {
		case VFIO_IRQ_SET_ACTION_MASK:
			return vfio_pci_set_intx_mask(vdev, start, count,
						      flags, data);
		case VFIO_IRQ_SET_ACTION_UNMASK:
			return vfio_pci_set_intx_unmask(vdev, start, count,
							flags, data);
		case VFIO_IRQ_SET_ACTION_TRIGGER:
			return vfio_pci_set_intx_trigger(vdev, start, count,
							 flags, data);
		}
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return vfio_pci_set_msi_trigger(vdev, index, start,
							count, flags, data);
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			break;
		if (start != 0 || count > 1)
			return -EINVAL;
		if (index == VFIO_PCI_ERR_IRQ_INDEX && !pci_is_pcie(vdev->pdev))
			return -EINVAL;
		mutex_lock(&vdev->trigger_lock);
		ret = vfio_pci_set_ctx_trigger(index == VFIO_PCI_ERR_IRQ_INDEX ?
					       &vdev->err_trigger :
					       &vdev->req_trigger,
					       count, flags, data);
		mutex_unlock(&vdev->trigger_lock);
		return ret;
	}
	return -ENOTTY;
}

void vfio_pci_irqs_disable_all(struct vfio_pci_core_device *vdev)
{
	if (vfio_pci_is_intx(vdev))
		vfio_pci_intx_disable(vdev);
	else if (vfio_pci_irq_is(vdev, VFIO_PCI_MSI_IRQ_INDEX))
		vfio_pci_msi_disable(vdev, false);
	else if (vfio_pci_irq_is(vdev, VFIO_PCI_MSIX_IRQ_INDEX))
		vfio_pci_msi_disable(vdev, true);
	vdev->virq_disabled = false;
}
