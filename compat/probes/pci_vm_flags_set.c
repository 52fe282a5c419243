// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_VM_FLAGS_SET: vma flags are changed through vm_flags_set().
 * Upstream: "mm: introduce vma->vm_flags wrapper functions" (v6.3).
 */
#include <linux/mm.h>

void vfio_probe(struct vm_area_struct *vma);
void vfio_probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO);
}
