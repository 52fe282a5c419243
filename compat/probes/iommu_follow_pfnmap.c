// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_IOMMU_FOLLOW_PFNMAP: follow_pfnmap_start()/follow_pfnmap_end() give
 * the pfn and write permission at an address of a VM_PFNMAP mapping.
 * Upstream: "mm: new follow_pfnmap API" (v6.12), which replaced
 * follow_pte() ("mm: remove follow_pte()", v6.12).
 */
#include <linux/mm.h>

int vfio_probe(struct vm_area_struct *vma, unsigned long addr,
	       unsigned long *pfn, bool *writable);
int vfio_probe(struct vm_area_struct *vma, unsigned long addr,
	       unsigned long *pfn, bool *writable)
{
	struct follow_pfnmap_args args = { .vma = vma, .address = addr };
	int ret = follow_pfnmap_start(&args);

	if (ret)
		return ret;
	*pfn = args.pfn;
	*writable = args.writable;
	follow_pfnmap_end(&args);
	return 0;
}
