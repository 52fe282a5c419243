// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of a platform device: one VFIO IRQ index per wired line, with
 * one eventfd trigger each. A level-triggered line is masked when it fires
 * (the device keeps it asserted until user space has served it) and stays
 * masked until user space unmasks it; an edge-triggered one is not.
 */
#include <linux/eventfd.h>
#include <linux/irq.h>
#include <linux/slab.h>

#include "compat.h"
#include "vfio_platform_priv.h"

static void vfio_platform_mask(struct vfio_platform_irq *irq)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->lock, flags);
	if (!irq->masked) {
		irq->masked = true;
		if (irq->requested)
			disable_irq_nosync(irq->hwirq);
	}
	spin_unlock_irqrestore(&irq->lock, flags);
}

static void vfio_platform_unmask(struct vfio_platform_irq *irq)
{
	unsigned long flags;

	spin_lock_irqsave(&irq->lock, flags);
	if (irq->masked) {
		irq->masked = false;
		if (irq->requested)
			enable_irq(irq->hwirq);
	}
	spin_unlock_irqrestore(&irq->lock, flags);
}

/* virqfd callbacks: an eventfd of user space masks or unmasks the line. */
static int vfio_platform_mask_handler(void *opaque, void *unused)
{
	vfio_platform_mask(opaque);
	return 0;
}

static int vfio_platform_unmask_handler(void *opaque, void *unused)
{
	vfio_platform_unmask(opaque);
	return 0;
}

static irqreturn_t vfio_platform_level_handler(int hwirq, void *dev_id)
{
	struct vfio_platform_irq *irq = dev_id;
	unsigned long flags;
	bool fired = false;

	spin_lock_irqsave(&irq->lock, flags);
	if (!irq->masked) {
		disable_irq_nosync(irq->hwirq);
		irq->masked = true;
		fired = true;
	}
	spin_unlock_irqrestore(&irq->lock, flags);
	if (!fired)
		return IRQ_NONE;
	vfio_compat_eventfd_signal(irq->trigger);
	return IRQ_HANDLED;
}

static irqreturn_t vfio_platform_edge_handler(int hwirq, void *dev_id)
{
	struct vfio_platform_irq *irq = dev_id;

	vfio_compat_eventfd_signal(irq->trigger);
	return IRQ_HANDLED;
}

static bool vfio_platform_irq_is_level(struct vfio_platform_irq *irq)
{
	return irq->flags & VFIO_IRQ_INFO_AUTOMASKED;
}

/* Software trigger, as if the line had fired. */
static void vfio_platform_fire(struct vfio_platform_irq *irq)
{
	if (!irq->trigger)
		return;
	if (vfio_platform_irq_is_level(irq))
		vfio_platform_level_handler(irq->hwirq, irq);
	else
		vfio_platform_edge_handler(irq->hwirq, irq);
}

/* Called under igate. */
static void vfio_platform_trigger_off(struct vfio_platform_irq *irq)
{
	unsigned long flags;

	if (!irq->trigger)
		return;
	spin_lock_irqsave(&irq->lock, flags);
	irq->requested = false;
	spin_unlock_irqrestore(&irq->lock, flags);
	free_irq(irq->hwirq, irq);
	kfree(irq->name);
	irq->name = NULL;
	eventfd_ctx_put(irq->trigger);
	irq->trigger = NULL;
}

/*
 * Called under igate. The line is requested disabled and enabled only if
 * user space has not masked it, so a masked line stays quiet throughout.
 */
static int vfio_platform_trigger_on(struct vfio_platform_device *vpdev,
				    struct vfio_platform_irq *irq, int fd)
{
	struct eventfd_ctx *trigger;
	unsigned long flags;
	int ret;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);
	irq->name = kasprintf(GFP_KERNEL, "vfio-irq[%d](%s)", irq->hwirq,
			      vpdev->name);
	if (!irq->name) {
		eventfd_ctx_put(trigger);
		return -ENOMEM;
	}
	irq->trigger = trigger;

	irq_set_status_flags(irq->hwirq, IRQ_NOAUTOEN);
	ret = request_irq(irq->hwirq, vfio_platform_irq_is_level(irq) ?
			  vfio_platform_level_handler :
			  vfio_platform_edge_handler, 0, irq->name, irq);
	irq_clear_status_flags(irq->hwirq, IRQ_NOAUTOEN);
	if (ret) {
		dev_info(vpdev->vdev.dev, "cannot request irq %d: %d\n",
			 irq->hwirq, ret);
		kfree(irq->name);
		irq->name = NULL;
		eventfd_ctx_put(trigger);
		irq->trigger = NULL;
		return ret;
	}

	spin_lock_irqsave(&irq->lock, flags);
	irq->requested = true;
	if (!irq->masked)
		enable_irq(irq->hwirq);
	spin_unlock_irqrestore(&irq->lock, flags);
	return 0;
}

/* Attach (@fd >= 0) or detach (@fd == -1) an eventfd through a virqfd. */
static int vfio_platform_set_virqfd(struct vfio_platform_irq *irq,
				    struct virqfd **pvirqfd, s32 fd,
				    int (*handler)(void *, void *))
{
	if (fd >= 0)
		return vfio_virqfd_enable(irq, handler, NULL, NULL, pvirqfd,
					  fd);
	if (fd != -1)
		return -EINVAL;
	vfio_virqfd_disable(pvirqfd);
	return 0;
}

static int vfio_platform_set_mask(struct vfio_platform_irq *irq, u32 flags,
				  bool mask, void *data)
{
	/* As upstream: an edge line is not MASKABLE, and says so. */
	if (!(irq->flags & VFIO_IRQ_INFO_MASKABLE))
		return -EINVAL;
	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		return vfio_platform_set_virqfd(irq, mask ? &irq->mask :
						&irq->unmask, *(s32 *)data,
						mask ? vfio_platform_mask_handler :
						vfio_platform_unmask_handler);
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!*(u8 *)data)
			return 0;
		fallthrough;
	case VFIO_IRQ_SET_DATA_NONE:
		if (mask)
			vfio_platform_mask(irq);
		else
			vfio_platform_unmask(irq);
		return 0;
	}
	return -EINVAL;
}

static int vfio_platform_set_trigger(struct vfio_platform_device *vpdev,
				     struct vfio_platform_irq *irq, u32 flags,
				     unsigned int count, void *data)
{
	s32 fd;

	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		/* DATA_NONE with no count tears the trigger down. */
		if (!count)
			vfio_platform_trigger_off(irq);
		else
			vfio_platform_fire(irq);
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (*(u8 *)data)
			vfio_platform_fire(irq);
		return 0;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		fd = *(s32 *)data;
		if (fd < -1)
			return -EINVAL;
		vfio_platform_trigger_off(irq);
		return fd == -1 ? 0 : vfio_platform_trigger_on(vpdev, irq, fd);
	}
	return -EINVAL;
}

/*
 * VFIO_DEVICE_SET_IRQS, after the core validated the header: each index
 * has exactly one line, so start must be 0 and count 1 (count 0 only to
 * tear a trigger down).
 */
int vfio_platform_set_irqs(struct vfio_platform_device *vpdev, u32 flags,
			   unsigned int index, unsigned int start,
			   unsigned int count, void *data)
{
	struct vfio_platform_irq *irq = &vpdev->irqs[index];
	u32 action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	int ret;

	if (start != 0 || count > 1)
		return -EINVAL;
	if (!count && (action != VFIO_IRQ_SET_ACTION_TRIGGER ||
		       (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) !=
		       VFIO_IRQ_SET_DATA_NONE))
		return -EINVAL;

	mutex_lock(&vpdev->igate);
	switch (action) {
	case VFIO_IRQ_SET_ACTION_MASK:
		ret = vfio_platform_set_mask(irq, flags, true, data);
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		ret = vfio_platform_set_mask(irq, flags, false, data);
		break;
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = vfio_platform_set_trigger(vpdev, irq, flags, count,
						data);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&vpdev->igate);
	return ret;
}

/* The device's lines, read once when the device is set up. */
int vfio_platform_irq_init(struct vfio_platform_device *vpdev)
{
	unsigned int i, n = 0;

	while (vpdev->get_irq(vpdev, n) > 0)
		n++;
	if (!n)
		return 0;
	vpdev->irqs = kcalloc(n, sizeof(*vpdev->irqs), GFP_KERNEL);
	if (!vpdev->irqs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct vfio_platform_irq *irq = &vpdev->irqs[i];

		spin_lock_init(&irq->lock);
		irq->hwirq = vpdev->get_irq(vpdev, i);
		irq->flags = VFIO_IRQ_INFO_EVENTFD;
		if (irq_get_trigger_type(irq->hwirq) & IRQ_TYPE_LEVEL_MASK)
			irq->flags |= VFIO_IRQ_INFO_MASKABLE |
				      VFIO_IRQ_INFO_AUTOMASKED;
	}
	vpdev->num_irqs = n;
	return 0;
}

/* Last close: every eventfd let go, every line unmasked and quiet. */
void vfio_platform_irq_cleanup(struct vfio_platform_device *vpdev)
{
	unsigned int i;

	mutex_lock(&vpdev->igate);
	for (i = 0; i < vpdev->num_irqs; i++) {
		struct vfio_platform_irq *irq = &vpdev->irqs[i];

		vfio_virqfd_disable(&irq->mask);
		vfio_virqfd_disable(&irq->unmask);
		vfio_platform_trigger_off(irq);
		irq->masked = false;
	}
	mutex_unlock(&vpdev->igate);
}

void vfio_platform_irq_free(struct vfio_platform_device *vpdev)
{
	kfree(vpdev->irqs);
	vpdev->irqs = NULL;
	vpdev->num_irqs = 0;
}
