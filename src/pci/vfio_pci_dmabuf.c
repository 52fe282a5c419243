// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_FEATURE_DMA_BUF: slices of a memory BAR exported as a
 * dma-buf, so that another device's driver (an importer that allows peer
 * to peer) can DMA to the BAR directly. Upstream since v6.19.
 *
 * A dma-buf is only usable while user space could touch the BAR through
 * an mmap: it is revoked whenever the BAR mappings are zapped (memory
 * decode off, D3, low power, reset) and comes back with them, and it is
 * revoked for good when the device is closed. Revoking tells the
 * importers through the dma-buf's invalidate_mappings and waits until
 * they have unmapped, so no DMA reaches a BAR that is off, being reset or
 * about to belong to someone else. Mapping a revoked buffer fails.
 *
 * Lifetime: a buffer holds a registration reference of the device, so the
 * device it points to exists for as long as the buffer is attached to it.
 * Closing the device detaches every buffer and drops those references;
 * unregistration, which waits for them, therefore never waits for a
 * dma-buf fd that outlives the device fd. Whoever detaches a buffer first,
 * the close or the buffer's own release, claims it by clearing priv->vdev
 * (xchg), and only the claimant drops the reference.
 *
 * Locks: memory_lock, then a buffer's reservation lock. The importers map
 * and unmap with the reservation lock held.
 */
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "vfio_pci_priv.h"

VFIO_COMPAT_IMPORT_NS_DMA_BUF();

/*
 * A total length with bit 63 set is refused: the DMA API uses that bit of
 * an IOVA allocation's size as a flag, and warns on such a size.
 */
#define VFIO_PCI_DMA_BUF_MAX_SIZE	(BIT_ULL(63) - 1)

struct vfio_pci_dma_buf {
	struct dma_buf			*dmabuf;
	struct vfio_pci_core_device	*vdev;	/* NULL once detached */
	struct list_head		node;	/* in vdev->dmabufs */
	struct p2pdma_provider		*provider;
	vfio_compat_phys_vec		*ranges;
	u32				nr_ranges;
	size_t				size;
	/* Under the reservation lock; revoked also under memory_lock. */
	bool				revoked;
	unsigned int			nr_mapped;
	wait_queue_head_t		unmapped;
};

static int vfio_pci_dma_buf_attach(struct dma_buf *dmabuf,
				   struct dma_buf_attachment *attach)
{
	struct vfio_pci_dma_buf *priv = dmabuf->priv;

	/* A BAR has no struct pages: only P2P-aware importers can use it. */
	if (!attach->peer2peer)
		return -EOPNOTSUPP;
	if (priv->revoked)
		return -ENODEV;
	/* Revocation depends on importers that unmap when told to. */
	if (!vfio_compat_dma_buf_attach_revocable(attach))
		return -EOPNOTSUPP;
	return 0;
}

static struct sg_table *
vfio_pci_dma_buf_map(struct dma_buf_attachment *attach,
		     enum dma_data_direction dir)
{
	struct vfio_pci_dma_buf *priv = attach->dmabuf->priv;
	struct sg_table *sgt;

	dma_resv_assert_held(priv->dmabuf->resv);

	if (priv->revoked)
		return ERR_PTR(-ENODEV);

	sgt = vfio_compat_dma_buf_map_phys(attach, priv->provider, priv->ranges,
					   priv->nr_ranges, priv->size, dir);
	if (!IS_ERR(sgt))
		priv->nr_mapped++;
	return sgt;
}

static void vfio_pci_dma_buf_unmap(struct dma_buf_attachment *attach,
				   struct sg_table *sgt,
				   enum dma_data_direction dir)
{
	struct vfio_pci_dma_buf *priv = attach->dmabuf->priv;

	dma_resv_assert_held(priv->dmabuf->resv);

	vfio_compat_dma_buf_free_sgt(attach, sgt, dir);
	if (!WARN_ON(!priv->nr_mapped) && !--priv->nr_mapped)
		wake_up_all(&priv->unmapped);
}

/* The last reference to the dma-buf's file is gone. */
static void vfio_pci_dma_buf_release(struct dma_buf *dmabuf)
{
	struct vfio_pci_dma_buf *priv = dmabuf->priv;
	struct vfio_pci_core_device *vdev = xchg(&priv->vdev, NULL);

	/*
	 * Still attached: the registration reference keeps vdev alive, and
	 * the list walkers skip this entry from now on (priv->vdev is NULL)
	 * until it is unlinked here.
	 */
	if (vdev) {
		down_write(&vdev->memory_lock);
		list_del(&priv->node);
		up_write(&vdev->memory_lock);
		vfio_device_put_registration(&vdev->vdev);
	}
	kfree(priv->ranges);
	kfree(priv);
}

static const struct dma_buf_ops vfio_pci_dma_buf_ops = {
	.attach = vfio_pci_dma_buf_attach,
	.map_dma_buf = vfio_pci_dma_buf_map,
	.unmap_dma_buf = vfio_pci_dma_buf_unmap,
	.release = vfio_pci_dma_buf_release,
};

/*
 * Revoke or restore one buffer; memory_lock held for writing. A revoke
 * returns only when every importer has unmapped: they do so from
 * invalidate_mappings, or soon after, under the reservation lock, which
 * is why the wait is outside it.
 */
static void vfio_pci_dma_buf_set_revoked(struct vfio_pci_core_device *vdev,
					 struct vfio_pci_dma_buf *priv,
					 bool revoked)
{
	struct dma_resv *resv = priv->dmabuf->resv;

	dma_resv_lock(resv, NULL);
	if (priv->revoked == revoked) {
		dma_resv_unlock(resv);
		return;
	}
	priv->revoked = revoked;
	if (revoked)
		vfio_compat_dma_buf_invalidate(priv->dmabuf);
	dma_resv_unlock(resv);
	if (!revoked)
		return;

	if (!wait_event_timeout(priv->unmapped, !READ_ONCE(priv->nr_mapped),
				HZ)) {
		/* A broken importer; the BAR must not go away under its DMA. */
		pci_warn(vdev->pdev,
			 "waiting for a dma-buf importer to unmap the BAR\n");
		wait_event(priv->unmapped, !READ_ONCE(priv->nr_mapped));
	}
}

/*
 * Bring every buffer of the device in line with the BARs: revoked while
 * they are zapped or off, usable again when they are back. Called with
 * memory_lock held for writing wherever the mappings are zapped and
 * wherever decode, power or a reset may have brought them back.
 */
void vfio_pci_dma_buf_update(struct vfio_pci_core_device *vdev, bool zap)
{
	bool revoked = zap || !vfio_pci_bars_reachable(vdev);
	struct vfio_pci_dma_buf *priv;

	lockdep_assert_held_write(&vdev->memory_lock);

	list_for_each_entry(priv, &vdev->dmabufs, node) {
		/* Being released: nothing can be mapped any more. */
		if (!READ_ONCE(priv->vdev))
			continue;
		vfio_pci_dma_buf_set_revoked(vdev, priv, revoked);
	}
}

/* The device is being closed: revoke every buffer for good, detach it. */
void vfio_pci_dma_buf_close(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_dma_buf *priv, *tmp;

	down_write(&vdev->memory_lock);
	list_for_each_entry_safe(priv, tmp, &vdev->dmabufs, node) {
		/* Lost to a concurrent release, which unlinks it itself. */
		if (!xchg(&priv->vdev, NULL))
			continue;
		vfio_pci_dma_buf_set_revoked(vdev, priv, true);
		list_del(&priv->node);
		vfio_device_put_registration(&vdev->vdev);
	}
	up_write(&vdev->memory_lock);
}

/*
 * Check and copy the ranges: each page aligned and not empty, their total
 * representable. Whether they fit in the BAR is checked once its address
 * is known.
 */
static struct vfio_region_dma_range *
vfio_pci_dma_buf_get_ranges(struct vfio_device_feature_dma_buf __user *arg,
			    u32 nr, size_t *size)
{
	struct vfio_region_dma_range *r;
	u64 total = 0;
	u32 i;

	r = memdup_user(&arg->dma_ranges, array_size(nr, sizeof(*r)));
	if (IS_ERR(r))
		return r;

	for (i = 0; i < nr; i++) {
		if (!r[i].length || !PAGE_ALIGNED(r[i].offset) ||
		    !PAGE_ALIGNED(r[i].length) ||
		    check_add_overflow(total, r[i].length, &total) ||
		    total > min_t(u64, VFIO_PCI_DMA_BUF_MAX_SIZE, SIZE_MAX)) {
			kfree(r);
			return ERR_PTR(-EINVAL);
		}
	}
	*size = total;
	return r;
}

/* Physical addresses of the ranges in BAR @bar: EOVERFLOW on a wrap. */
static int vfio_pci_dma_buf_fill(struct pci_dev *pdev, int bar,
				 const struct vfio_region_dma_range *r,
				 vfio_compat_phys_vec *vec, u32 nr)
{
	phys_addr_t start = pci_resource_start(pdev, bar);
	phys_addr_t limit = start + pci_resource_len(pdev, bar);
	phys_addr_t end;
	u32 i;

	for (i = 0; i < nr; i++) {
		if (check_add_overflow(start, (phys_addr_t)r[i].offset,
				       &vec[i].paddr) ||
		    (phys_addr_t)r[i].offset != r[i].offset ||
		    check_add_overflow(vec[i].paddr, (phys_addr_t)r[i].length,
				       &end))
			return -EOVERFLOW;
		if (end > limit)
			return -EINVAL;
		vec[i].len = r[i].length;
	}
	return 0;
}

int vfio_pci_core_feature_dma_buf(struct vfio_pci_core_device *vdev,
				  u32 flags,
				  struct vfio_device_feature_dma_buf __user *arg,
				  size_t argsz)
{
	struct vfio_device_feature_dma_buf req;
	struct dma_buf_export_info exp = {
		.exp_name = KBUILD_MODNAME,
		.owner = THIS_MODULE,
		.ops = &vfio_pci_dma_buf_ops,
	};
	struct vfio_region_dma_range *ranges;
	struct vfio_pci_dma_buf *priv;
	struct dma_buf *dmabuf;
	int ret;

	/* Kernels without P2P dma-buf support: the feature does not exist. */
	if (!vfio_compat_dma_buf_supported())
		return -ENOTTY;
	/*
	 * A variant driver with its own ioctl may present regions that are
	 * not the function's BARs; the ranges are BAR offsets.
	 */
	if (vdev->vdev.ops->ioctl != vfio_pci_core_ioctl)
		return -EOPNOTSUPP;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET,
				 sizeof(req));
	if (ret != 1)
		return ret;
	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (!req.nr_ranges || req.flags)
		return -EINVAL;
	/*
	 * Only BARs (not the ROM, config space or VGA), and only one that
	 * vfio-pci holds and maps: it stays claimed while the device is
	 * open, so no other driver can take it under an importer.
	 */
	if (req.region_index >= VFIO_PCI_ROM_REGION_INDEX ||
	    vfio_pci_setup_barmap(vdev, req.region_index))
		return -ENODEV;

	ranges = vfio_pci_dma_buf_get_ranges(arg, req.nr_ranges, &exp.size);
	if (IS_ERR(ranges))
		return PTR_ERR(ranges);

	ret = -ENOMEM;
	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		goto out_ranges;
	priv->ranges = kcalloc(req.nr_ranges, sizeof(*priv->ranges),
			       GFP_KERNEL);
	if (!priv->ranges)
		goto out_priv;
	priv->nr_ranges = req.nr_ranges;
	priv->size = exp.size;
	init_waitqueue_head(&priv->unmapped);

	/* An I/O BAR has no provider. */
	ret = -EINVAL;
	priv->provider = vfio_compat_p2pdma_provider(vdev->pdev,
						     req.region_index);
	if (!priv->provider)
		goto out_priv;
	ret = vfio_pci_dma_buf_fill(vdev->pdev, req.region_index, ranges,
				    priv->ranges, req.nr_ranges);
	if (ret)
		goto out_priv;
	kfree(ranges);
	ranges = NULL;

	/* Unregistration has begun: no new users. */
	ret = -ENODEV;
	if (!vfio_device_try_get_registration(&vdev->vdev))
		goto out_priv;

	exp.flags = req.open_flags;
	exp.priv = priv;
	dmabuf = vfio_compat_dma_buf_export(&exp);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		vfio_device_put_registration(&vdev->vdev);
		goto out_priv;
	}
	priv->dmabuf = dmabuf;
	priv->vdev = vdev;

	/* From here the dma-buf's release frees priv and drops the device. */
	down_write(&vdev->memory_lock);
	dma_resv_lock(dmabuf->resv, NULL);
	priv->revoked = !vfio_pci_bars_reachable(vdev);
	dma_resv_unlock(dmabuf->resv);
	list_add_tail(&priv->node, &vdev->dmabufs);
	up_write(&vdev->memory_lock);

	ret = vfio_compat_dma_buf_fd(dmabuf, req.open_flags);
	if (ret < 0)
		vfio_compat_dma_buf_put(dmabuf);
	return ret;

out_priv:
	kfree(priv->ranges);
	kfree(priv);
out_ranges:
	kfree(ranges);
	return ret;
}
