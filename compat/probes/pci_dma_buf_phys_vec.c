// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_DMA_BUF_PHYS_VEC: what a vfio-pci BAR dma-buf exporter needs,
 * in the shape it has since 2026: dma_buf_phys_vec_to_sgt() and
 * pcim_p2pdma_provider() on struct phys_vec ranges, from "vfio/pci: Add
 * dma-buf export support for MMIO regions" (v6.19) and the dma-buf and
 * p2pdma helpers merged with it, plus the revocation interface of "dma-buf:
 * Rename dma_buf_move_notify() to dma_buf_invalidate_mappings()" and
 * "dma-buf: Add dma_buf_attach_revocable()" (2026, after v6.19). It also
 * needs CONFIG_PCI_P2PDMA: without it the helpers are stubs that map
 * nothing. Kernels with an older shape of these interfaces keep the
 * feature off.
 */
#include <linux/dma-buf.h>
#include <linux/dma-buf-mapping.h>
#include <linux/dma-resv.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/sched.h>

#ifndef CONFIG_PCI_P2PDMA
#error "CONFIG_PCI_P2PDMA is off: no P2P provider for a BAR"
#endif

struct sg_table *vfio_probe_dma_buf_phys_vec(struct dma_buf_attachment *at,
					     struct pci_dev *pdev,
					     struct phys_vec *vec);
struct sg_table *vfio_probe_dma_buf_phys_vec(struct dma_buf_attachment *at,
					     struct pci_dev *pdev,
					     struct phys_vec *vec)
{
	struct p2pdma_provider *prov;

	if (pcim_p2pdma_init(pdev))
		return NULL;
	prov = pcim_p2pdma_provider(pdev, 0);
	if (!prov || !dma_buf_attach_revocable(at))
		return NULL;
	dma_buf_invalidate_mappings(at->dmabuf);
	dma_resv_wait_timeout(at->dmabuf->resv, DMA_RESV_USAGE_BOOKKEEP, false,
			      MAX_SCHEDULE_TIMEOUT);
	return dma_buf_phys_vec_to_sgt(at, prov, vec, 1, vec->len,
				       DMA_BIDIRECTIONAL);
}

void vfio_probe_dma_buf_free_sgt(struct dma_buf_attachment *at,
				 struct sg_table *sgt);
void vfio_probe_dma_buf_free_sgt(struct dma_buf_attachment *at,
				 struct sg_table *sgt)
{
	dma_buf_free_sgt(at, sgt, DMA_BIDIRECTIONAL);
}
