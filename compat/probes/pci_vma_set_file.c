// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_PCI_VMA_SET_FILE: vma_set_file() swaps the file of a vma.
 * Upstream: "mm: introduce vma_set_file function v5" (v5.11).
 */
#include <linux/mm.h>

void vfio_probe(struct vm_area_struct *vma, struct file *file);
void vfio_probe(struct vm_area_struct *vma, struct file *file)
{
	vma_set_file(vma, file);
}
