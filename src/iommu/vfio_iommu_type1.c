// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO Type1 IOMMU backend (VFIO_TYPE1_IOMMU and VFIO_TYPE1v2_IOMMU).
 *
 * A container maps user memory for DMA: MAP_DMA pins the pages of a range
 * of the caller's address space and maps them at an IOVA in every IOMMU
 * domain of the container; UNMAP_DMA undoes it. Emulated-IOMMU devices
 * (mdev) have no domain: they pin single pages of existing mappings.
 *
 * Locking: iommu->lock serialises everything in struct vfio_iommu except
 * the device list, which has iommu->device_lock. A device's dma_unmap()
 * calls back into unpin_pages(), so device_lock is taken first and
 * iommu->lock is never held while dma_unmap() runs. The mmap lock of a
 * mapping's owner is taken inside iommu->lock.
 *
 * Page accounting: a pinned page counts once against its owner's
 * locked_vm, whether the IOMMU mapping or an emulated device (or both)
 * pinned it. While a mapping is in the IOMMU (dma->iommu_mapped) the
 * IOMMU pin carries the count; otherwise each emulated pin does.
 *
 * Memory without struct pages or with reserved ones ("rsvd": a device BAR
 * mmapped from a vfio-pci device fd, for peer-to-peer DMA, or the zero
 * page) is mapped by pfn: it is never held pinned, never counted and never
 * unpinned. VM_PFNMAP mappings are looked up in the page tables, faulted
 * in first if user space has not touched them yet.
 *
 * Dirty tracking (VFIO_IOMMU_DIRTY_PAGES), as upstream: without hardware
 * dirty bits, every page a device could have written counts as dirty.
 * While tracking, each mapping has a bitmap of pages (of the smallest
 * IOMMU page size when tracking started) that records emulated pins and
 * dma_rw() writes. A report sets every bit of an IOMMU-mapped mapping as
 * long as the container has a group whose devices DMA through the IOMMU
 * without telling us what they touch (all groups but emulated ones, until
 * one of their devices pins pages); reading then clears the bitmap and
 * marks again what emulated devices still hold pinned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "compat.h"

static bool allow_unsafe_interrupts;
module_param(allow_unsafe_interrupts, bool, 0644);
MODULE_PARM_DESC(allow_unsafe_interrupts,
		 "Allow groups whose MSIs are not isolated by interrupt remapping (unsafe).");

static bool disable_hugepages;
module_param(disable_hugepages, bool, 0644);
MODULE_PARM_DESC(disable_hugepages,
		 "Map every page on its own instead of using IOMMU huge pages.");

static unsigned int dma_entry_limit __read_mostly = U16_MAX;
module_param(dma_entry_limit, uint, 0644);
MODULE_PARM_DESC(dma_entry_limit,
		 "Maximum number of DMA mappings per container (65535).");

/* Pages pinned per get-user-pages call: one page worth of pointers. */
#define VFIO_PIN_BATCH	(PAGE_SIZE / sizeof(struct page *))

struct vfio_iommu {
	struct mutex lock;
	struct list_head domain_list;		/* struct vfio_domain */
	struct list_head emulated_groups;	/* struct vfio_iommu_group */
	struct list_head iova_list;		/* struct vfio_iova, sorted */
	struct rb_root dma_list;		/* struct vfio_dma by iova */
	unsigned int dma_avail;
	unsigned int vaddr_invalid_count;
	unsigned long pgsize_bitmap;
	bool v2;
	bool dirty_tracking;
	unsigned int dirty_pgshift;		/* of the bitmaps' pages */
	unsigned int num_non_pinned_groups;	/* groups that dirty all */

	struct mutex device_lock;
	struct list_head device_list;		/* struct vfio_iommu_device */
};

struct vfio_domain {
	struct iommu_domain *domain;
	struct list_head next;
	struct list_head group_list;		/* struct vfio_iommu_group */
	int prot;				/* added to every mapping */
	bool enforce_cc;
};

struct vfio_iommu_group {
	struct iommu_group *group;
	struct list_head next;
	bool pinned_scope;		/* dirties only what it pins */
};

struct vfio_iommu_device {
	struct vfio_device *vdev;
	struct list_head next;
};

/* A valid IOVA range, both ends inclusive. */
struct vfio_iova {
	struct list_head list;
	dma_addr_t start;
	dma_addr_t end;
};

struct vfio_dma {
	struct rb_node node;
	dma_addr_t iova;
	unsigned long vaddr;
	size_t size;
	int prot;			/* IOMMU_READ / IOMMU_WRITE */
	bool iommu_mapped;
	bool has_rsvd;			/* the IOMMU maps rsvd pfns too */
	bool vaddr_invalid;
	bool lock_cap;			/* owner had CAP_IPC_LOCK */
	long locked_vm;			/* pages counted against the owner */
	struct task_struct *task;	/* owner (group leader), for rlimits */
	struct mm_struct *mm;		/* owner's mm, mmgrab()ed */
	struct rb_root pfn_list;	/* struct vfio_pfn: emulated pins */
	u64 *bitmap;			/* dirty pages, while tracking */
};

/* A page pinned for emulated devices. */
struct vfio_pfn {
	struct rb_node node;
	dma_addr_t iova;
	struct page *page;
	unsigned int ref;
};

/* ---- Mapping and pin lookup ---- */

/* Any mapping overlapping [start, end]. */
static struct vfio_dma *vfio_find_dma(struct vfio_iommu *iommu,
				      dma_addr_t start, dma_addr_t end)
{
	struct rb_node *node = iommu->dma_list.rb_node;

	while (node) {
		struct vfio_dma *dma = rb_entry(node, struct vfio_dma, node);

		if (end < dma->iova)
			node = node->rb_left;
		else if (start > dma->iova + dma->size - 1)
			node = node->rb_right;
		else
			return dma;
	}
	return NULL;
}

/* The lowest mapping overlapping [start, end]. */
static struct vfio_dma *vfio_find_dma_first(struct vfio_iommu *iommu,
					    dma_addr_t start, dma_addr_t end)
{
	struct rb_node *node = iommu->dma_list.rb_node;
	struct vfio_dma *found = NULL;

	while (node) {
		struct vfio_dma *dma = rb_entry(node, struct vfio_dma, node);

		if (start > dma->iova + dma->size - 1) {
			node = node->rb_right;
		} else {
			if (dma->iova <= end)
				found = dma;
			node = node->rb_left;
		}
	}
	return found;
}

static void vfio_link_dma(struct vfio_iommu *iommu, struct vfio_dma *new)
{
	struct rb_node **link = &iommu->dma_list.rb_node, *parent = NULL;

	while (*link) {
		struct vfio_dma *dma = rb_entry(*link, struct vfio_dma, node);

		parent = *link;
		if (new->iova < dma->iova)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &iommu->dma_list);
}

static struct vfio_pfn *vfio_find_vpfn(struct vfio_dma *dma, dma_addr_t iova)
{
	struct rb_node *node = dma->pfn_list.rb_node;

	while (node) {
		struct vfio_pfn *vpfn = rb_entry(node, struct vfio_pfn, node);

		if (iova < vpfn->iova)
			node = node->rb_left;
		else if (iova > vpfn->iova)
			node = node->rb_right;
		else
			return vpfn;
	}
	return NULL;
}

static void vfio_link_vpfn(struct vfio_dma *dma, struct vfio_pfn *new)
{
	struct rb_node **link = &dma->pfn_list.rb_node, *parent = NULL;

	while (*link) {
		struct vfio_pfn *vpfn = rb_entry(*link, struct vfio_pfn, node);

		parent = *link;
		if (new->iova < vpfn->iova)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &dma->pfn_list);
}

/* ---- locked_vm accounting ---- */

/*
 * Add @npage (may be negative) to the owner's locked_vm. An increase is
 * checked against the owner's RLIMIT_MEMLOCK unless it had CAP_IPC_LOCK
 * when it mapped. If the owner's mm is already gone there is nothing to
 * give back.
 */
static int vfio_lock_acct(struct vfio_dma *dma, long npage)
{
	struct mm_struct *mm = dma->mm;
	int ret = 0;

	if (!npage)
		return 0;

	if (!mmget_not_zero(mm)) {
		if (npage > 0)
			return -ESRCH;
		dma->locked_vm += npage;
		return 0;
	}

	if (npage > 0) {
		ret = mmap_write_lock_killable(mm);
		if (ret)
			goto out;
		ret = __account_locked_vm(mm, npage, true, dma->task,
					  dma->lock_cap);
	} else {
		/* A decrease must never be lost, so it is not killable. */
		mmap_write_lock(mm);
		__account_locked_vm(mm, -npage, false, dma->task,
				    dma->lock_cap);
	}
	mmap_write_unlock(mm);

	if (!ret)
		dma->locked_vm += npage;
	else if (ret == -ENOMEM)
		pr_warn_ratelimited("%s (pid %d): RLIMIT_MEMLOCK of %lu bytes reached: pinning %lu more bytes for DMA needs a higher limit\n",
				    dma->task->comm, task_pid_nr(dma->task),
				    task_rlimit(dma->task, RLIMIT_MEMLOCK),
				    (unsigned long)npage << PAGE_SHIFT);
out:
	mmput(mm);
	return ret;
}

/* ---- Pinning user pages ---- */

static unsigned int vfio_gup_flags(int prot)
{
	return FOLL_LONGTERM | ((prot & IOMMU_WRITE) ? FOLL_WRITE : 0);
}

/*
 * Pin up to @npage pages at @vaddr in @dma's owner's address space. The
 * owner's own MAP_DMA pins through the lockless walk, as iommufd does:
 * older kernels' locked walk takes a huge page 4 KiB at a time. Both
 * walks pin the same pages: for a long-term pin the lockless one leaves
 * to the locked one what must first move (CMA, and since v5.13 also
 * ZONE_MOVABLE pages).
 */
static long vfio_pin_user(struct vfio_dma *dma, unsigned long vaddr,
			  unsigned long npage, unsigned int gup_flags,
			  struct page **pages)
{
	struct mm_struct *mm = dma->mm;
	long ret;

	if (mm == current->mm) {
		ret = pin_user_pages_fast(vaddr, npage, gup_flags, pages);
		return ret ? ret : -EFAULT;
	}
	if (!mmget_not_zero(mm))
		return -ESRCH;
	mmap_read_lock(mm);
	ret = vfio_compat_pin_user_pages_remote(mm, vaddr, npage, gup_flags,
						pages);
	mmap_read_unlock(mm);
	mmput(mm);
	return ret ? ret : -EFAULT;
}

static void vfio_unpin_page(struct vfio_dma *dma, struct page *page)
{
	unpin_user_pages_dirty_lock(&page, 1, dma->prot & IOMMU_WRITE);
}

/*
 * rsvd memory: no struct page (a device BAR) or a reserved one (the zero
 * page). No page reference keeps it alive, so it is neither held pinned
 * nor counted in locked_vm.
 */
static bool vfio_pfn_rsvd(unsigned long pfn)
{
	return !pfn_valid(pfn) || PageReserved(pfn_to_page(pfn));
}

/*
 * The pfns of the VM_PFNMAP mapping at @vaddr, faulting in what user space
 * has not touched yet, as an access would. Returns how many of the @npage
 * pages from @vaddr map rsvd pfns contiguous from *@pfn_base (at least
 * one), or -errno: -EFAULT when @vaddr is not in a VM_PFNMAP mapping, maps
 * normal memory, or cannot be written and @dma is writable.
 */
static long vfio_get_pfnmap(struct vfio_dma *dma, unsigned long vaddr,
			    unsigned long npage, unsigned long *pfn_base)
{
	bool write = dma->prot & IOMMU_WRITE;
	struct mm_struct *mm = dma->mm;
	unsigned long i = 0;
	int ret = 0;

	if (!mmget_not_zero(mm))
		return -ESRCH;
	mmap_read_lock(mm);
	while (i < npage) {
		unsigned long addr = vaddr + (i << PAGE_SHIFT), pfn;
		struct vm_area_struct *vma = find_vma(mm, addr);
		bool writable, unlocked = false;

		ret = -EFAULT;
		if (!vma || vma->vm_start > addr ||
		    !(vma->vm_flags & VM_PFNMAP))
			break;
		ret = vfio_compat_follow_pfn(vma, addr, &pfn, &writable);
		if (ret) {
			ret = fixup_user_fault(mm, addr, FAULT_FLAG_REMOTE |
					       (write ? FAULT_FLAG_WRITE : 0),
					       &unlocked);
			if (ret)
				break;
			/* The mmap lock was dropped: look the vma up again. */
			if (unlocked)
				continue;
			ret = vfio_compat_follow_pfn(vma, addr, &pfn,
						     &writable);
			if (ret)
				break;
		}
		ret = -EFAULT;
		if ((write && !writable) || !vfio_pfn_rsvd(pfn))
			break;
		if (i && pfn != *pfn_base + i)
			break;
		if (!i)
			*pfn_base = pfn;
		i++;
	}
	mmap_read_unlock(mm);
	mmput(mm);
	return i ? i : ret;
}

/*
 * Pages of one mapping being pinned: pinned pages of normal memory, or
 * the contiguous pfns of a VM_PFNMAP range.
 */
struct vfio_batch {
	struct page **pages;
	unsigned long pfn;	/* the first one, if !pinned */
	long size;
	bool pinned;
};

/* Fill @b with up to @npage pages of @dma from @vaddr on; how many, or -errno. */
static long vfio_batch_get(struct vfio_dma *dma, struct vfio_batch *b,
			   unsigned long vaddr, unsigned long npage,
			   unsigned int gup_flags)
{
	long ret;

	ret = vfio_pin_user(dma, vaddr, npage, gup_flags, b->pages);
	/* pin_user_pages() refuses VM_IO and VM_PFNMAP mappings so. */
	b->pinned = ret != -EFAULT;
	if (!b->pinned)
		ret = vfio_get_pfnmap(dma, vaddr, npage, &b->pfn);
	b->size = max(ret, 0L);
	return ret;
}

/*
 * Take the pages of @b from @i on, at most @max, that are physically
 * contiguous and all rsvd or all not: returns how many, their first pfn
 * in *@pfn. Pages of
 * one compound page are never rsvd, so only the first of them needs the
 * test; the others need only a compare, which is what makes pinning huge
 * pages cheap.
 */
static long vfio_batch_chunk(struct vfio_batch *b, long i, long max,
			     unsigned long *pfn, bool *rsvd)
{
	struct page *page, *head;
	long n;

	max = min(max, b->size - i);
	if (!b->pinned) {
		*pfn = b->pfn + i;
		*rsvd = true;
		return max;
	}
	page = b->pages[i];
	*pfn = page_to_pfn(page);
	*rsvd = PageReserved(page);
	if (*rsvd)
		return 1;
	head = compound_head(page);
	max = min_t(long, max, compound_nr(head) - (*pfn - page_to_pfn(head)));
	for (n = 1; n < max; n++)
		if (page_to_pfn(b->pages[i + n]) != *pfn + n)
			break;
	return n;
}

/*
 * The chunk at @i is taken. The pin of an rsvd page (the zero page) is
 * dropped at once, as upstream does: nothing would ever unpin it.
 */
static void vfio_batch_take(struct vfio_batch *b, long i, bool rsvd)
{
	if (rsvd && b->pinned)
		unpin_user_page(b->pages[i]);
}

/* Drop the pins of the pages of @b from @i on, none of them taken yet. */
static void vfio_batch_unpin_from(struct vfio_batch *b, long i)
{
	if (b->pinned && i < b->size)
		unpin_user_pages(b->pages + i, b->size - i);
}

/* How many of the @npage pages from @iova have an emulated pin too. */
static long vfio_vpfn_count(struct vfio_dma *dma, dma_addr_t iova,
			    unsigned long npage)
{
	unsigned long i;
	long n = 0;

	if (RB_EMPTY_ROOT(&dma->pfn_list))
		return 0;
	for (i = 0; i < npage; i++, iova += PAGE_SIZE)
		if (vfio_find_vpfn(dma, iova))
			n++;
	return n;
}

/* vfio_pfn_rsvd(), known false for a mapping of normal memory only. */
static bool vfio_dma_pfn_rsvd(struct vfio_dma *dma, unsigned long pfn)
{
	return dma->has_rsvd && vfio_pfn_rsvd(pfn);
}

/*
 * Let go of @npage physically contiguous pages from @pfn mapped at @iova,
 * each stretch of normal pages in one go; returns how many of them were
 * counted in locked_vm.
 */
static long vfio_unpin_contig(struct vfio_dma *dma, dma_addr_t iova,
			      unsigned long pfn, unsigned long npage)
{
	bool dirty = dma->prot & IOMMU_WRITE;
	unsigned long i = 0, n;
	long counted = 0;

	while (i < npage) {
		bool rsvd = vfio_dma_pfn_rsvd(dma, pfn + i);

		for (n = 1; i + n < npage; n++)
			if (vfio_dma_pfn_rsvd(dma, pfn + i + n) != rsvd)
				break;
		if (!rsvd) {
			vfio_compat_unpin_page_range(pfn_to_page(pfn + i), n,
						     dirty);
			counted += n - vfio_vpfn_count(dma, iova +
						       (i << PAGE_SHIFT), n);
		}
		i += n;
	}
	return counted;
}

/* ---- IOMMU mapping of one mapping's pages ---- */

static struct vfio_domain *vfio_first_domain(struct vfio_iommu *iommu)
{
	return list_first_entry_or_null(&iommu->domain_list,
					struct vfio_domain, next);
}

/* Map a physically contiguous run into every domain, all or nothing. */
static int vfio_map_run(struct vfio_iommu *iommu, struct vfio_dma *dma,
			dma_addr_t iova, phys_addr_t phys, size_t size)
{
	struct vfio_domain *d;
	int ret;

	list_for_each_entry(d, &iommu->domain_list, next) {
		ret = vfio_compat_iommu_map(d->domain, iova, phys, size,
					    dma->prot | d->prot);
		if (ret)
			goto unwind;
	}
	return 0;

unwind:
	list_for_each_entry_continue_reverse(d, &iommu->domain_list, next)
		iommu_unmap(d->domain, iova, size);
	return ret;
}

/*
 * Length of the physically contiguous run at @iova in @domain, up to
 * @end (exclusive); the run starts at *@phys, 0 if nothing is mapped.
 */
static size_t vfio_contig_len(struct iommu_domain *domain, dma_addr_t iova,
			      dma_addr_t end, phys_addr_t *phys)
{
	size_t len = PAGE_SIZE;

	*phys = iommu_iova_to_phys(domain, iova);
	if (!*phys)
		return 0;
	while (iova + len < end &&
	       iommu_iova_to_phys(domain, iova + len) == *phys + len)
		len += PAGE_SIZE;
	return len;
}

/*
 * A run of pages unmapped from the first domain, whose pins must outlive
 * the IOTLB entries that still point at them.
 */
struct vfio_unmapped {
	dma_addr_t iova;
	unsigned long pfn;
	unsigned long npage;
};

#define VFIO_UNMAP_BATCH	(PAGE_SIZE / sizeof(struct vfio_unmapped))
#define VFIO_UNMAP_STACK	8

/*
 * Room for a page-full of runs, for an unmap that outgrew the few on the
 * stack (most unmaps, a huge page or a handful of runs, never do).
 */
static void vfio_unmap_runs_grow(struct vfio_unmapped **runs,
				 unsigned int *max)
{
	void *page = (void *)__get_free_page(GFP_KERNEL | __GFP_NOWARN);

	if (page) {
		*runs = page;
		*max = VFIO_UNMAP_BATCH;
	}
}

/* Flush @domain's IOTLB once for all @n runs, then unpin them. */
static long vfio_unmap_flush(struct vfio_dma *dma, struct iommu_domain *domain,
			     struct iommu_iotlb_gather *gather,
			     struct vfio_unmapped *runs, unsigned int n)
{
	unsigned int i;
	long counted = 0;

	iommu_iotlb_sync(domain, gather);
	for (i = 0; i < n; i++)
		counted += vfio_unpin_contig(dma, runs[i].iova, runs[i].pfn,
					     runs[i].npage);
	return counted;
}

/*
 * Unmap the first @size bytes of @dma from every domain and unpin them;
 * returns how many of the pages were counted in locked_vm. The pages are
 * found through the first domain's page table, which is unmapped a run at
 * a time with one IOTLB flush per page-full of runs (per few runs for the
 * first ones, or short of memory).
 */
static long vfio_unmap_unpin_range(struct vfio_iommu *iommu,
				   struct vfio_dma *dma, size_t size)
{
	struct vfio_domain *d0 = vfio_first_domain(iommu), *d;
	dma_addr_t iova = dma->iova, end = dma->iova + size;
	struct vfio_unmapped stack_runs[VFIO_UNMAP_STACK], *runs = stack_runs;
	unsigned int n = 0, max = VFIO_UNMAP_STACK;
	struct iommu_iotlb_gather gather;
	long counted = 0;

	if (!d0 || !size)
		return 0;

	d = d0;
	list_for_each_entry_continue(d, &iommu->domain_list, next)
		iommu_unmap(d->domain, dma->iova, size);

	iommu_iotlb_gather_init(&gather);
	while (iova < end) {
		phys_addr_t phys;
		size_t len, unmapped;

		len = vfio_contig_len(d0->domain, iova, end, &phys);
		if (WARN_ON_ONCE(!len)) {
			iova += PAGE_SIZE;
			continue;
		}
		unmapped = iommu_unmap_fast(d0->domain, iova, len, &gather);
		if (WARN_ON_ONCE(!unmapped))
			break;
		runs[n].iova = iova;
		runs[n].pfn = PHYS_PFN(phys);
		runs[n].npage = unmapped >> PAGE_SHIFT;
		iova += unmapped;
		if (++n == max) {
			counted += vfio_unmap_flush(dma, d0->domain, &gather,
						    runs, n);
			n = 0;
			if (runs == stack_runs)
				vfio_unmap_runs_grow(&runs, &max);
			cond_resched();
		}
	}
	counted += vfio_unmap_flush(dma, d0->domain, &gather, runs, n);
	if (runs != stack_runs)
		free_page((unsigned long)runs);
	return counted;
}

static void vfio_unmap_unpin(struct vfio_iommu *iommu, struct vfio_dma *dma)
{
	if (!dma->iommu_mapped)
		return;
	vfio_lock_acct(dma, -vfio_unmap_unpin_range(iommu, dma, dma->size));
	dma->iommu_mapped = false;
}

/*
 * Count @dma's pinned but uncounted pages in locked_vm: before any of them
 * is mapped (@now), or as soon as they would reach the owner's limit. A
 * long contiguous run is so counted once, yet a limit too low still shows
 * within a batch of pinning.
 */
static int vfio_lock_pending(struct vfio_dma *dma, long *pending, bool now)
{
	unsigned long limit;
	int ret;

	if (!*pending)
		return 0;
	limit = task_rlimit(dma->task, RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	if (!now && (dma->lock_cap ||
		     READ_ONCE(dma->mm->locked_vm) + *pending <= limit))
		return 0;
	ret = vfio_lock_acct(dma, *pending);
	if (!ret)
		*pending = 0;
	return ret;
}

/* Map a run of @dma's pages, counted first. */
static int vfio_map_counted(struct vfio_iommu *iommu, struct vfio_dma *dma,
			    long *pending, dma_addr_t iova, unsigned long pfn,
			    unsigned long npage)
{
	int ret = vfio_lock_pending(dma, pending, true);

	if (ret)
		return ret;
	return vfio_map_run(iommu, dma, iova, PFN_PHYS(pfn),
			    npage << PAGE_SHIFT);
}

/*
 * Pin all of @dma and map it into every domain of the container, joining
 * physically contiguous pages so the IOMMU can use its large pages.
 */
static int vfio_pin_map_dma(struct vfio_iommu *iommu, struct vfio_dma *dma)
{
	unsigned long total = dma->size >> PAGE_SHIFT;
	unsigned int gup_flags = vfio_gup_flags(dma->prot);
	unsigned long pinned = 0, mapped = 0;
	dma_addr_t run_iova = 0;
	unsigned long run_pfn = 0;
	unsigned long run_npage = 0;	/* pinned, not yet mapped */
	bool run_rsvd = false;
	long pending = 0;		/* pinned, to count, not yet counted */
	long released = 0;
	struct vfio_batch b = {};
	long i = 0, n, ret = 0;

	b.pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (!b.pages)
		return -ENOMEM;

	while (pinned < total) {
		unsigned long want = min_t(unsigned long, total - pinned,
					   VFIO_PIN_BATCH);
		dma_addr_t batch_iova = dma->iova + (pinned << PAGE_SHIFT);

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto unwind_run;
		}

		ret = vfio_batch_get(dma, &b, dma->vaddr + (pinned << PAGE_SHIFT),
				     want, gup_flags);
		if (ret < 0)
			goto unwind_run;

		for (i = 0; i < b.size; i += n) {
			dma_addr_t iova = batch_iova + (i << PAGE_SHIFT);
			unsigned long pfn;
			bool rsvd;

			/* disable_hugepages: every page its own run. */
			n = vfio_batch_chunk(&b, i, disable_hugepages ? 1 : b.size,
					     &pfn, &rsvd);
			if (rsvd)
				dma->has_rsvd = true;
			if (!run_npage || disable_hugepages || rsvd != run_rsvd ||
			    pfn != run_pfn + run_npage) {
				if (run_npage) {
					ret = vfio_map_counted(iommu, dma,
							       &pending,
							       run_iova,
							       run_pfn,
							       run_npage);
					if (ret)
						goto unwind_batch;
					mapped += run_npage;
				}
				run_iova = iova;
				run_pfn = pfn;
				run_rsvd = rsvd;
				run_npage = 0;
			}
			vfio_batch_take(&b, i, rsvd);
			run_npage += n;
			if (!rsvd)
				pending += n - vfio_vpfn_count(dma, iova, n);
		}
		pinned += b.size;
		ret = vfio_lock_pending(dma, &pending, false);
		if (ret)
			goto unwind_run;
		cond_resched();
	}

	if (run_npage) {
		ret = vfio_map_counted(iommu, dma, &pending, run_iova, run_pfn,
				       run_npage);
		if (ret)
			goto unwind_run;
	}
	free_page((unsigned long)b.pages);
	dma->iommu_mapped = true;
	return 0;

unwind_batch:
	vfio_batch_unpin_from(&b, i);
unwind_run:
	if (run_npage)
		released += vfio_unpin_contig(dma, run_iova, run_pfn,
					      run_npage);
	released += vfio_unmap_unpin_range(iommu, dma, mapped << PAGE_SHIFT);
	/* Of what was released, all but the pending pages had been counted. */
	vfio_lock_acct(dma, pending - released);
	free_page((unsigned long)b.pages);
	return ret;
}

/* ---- Emulated pins ---- */

static void vfio_put_vpfn(struct vfio_dma *dma, struct vfio_pfn *vpfn)
{
	if (--vpfn->ref)
		return;
	rb_erase(&vpfn->node, &dma->pfn_list);
	if (!vfio_pfn_rsvd(page_to_pfn(vpfn->page))) {
		vfio_unpin_page(dma, vpfn->page);
		if (!dma->iommu_mapped)
			vfio_lock_acct(dma, -1);
	}
	kfree(vpfn);
}

/* Drop pins an emulated device failed to release before an unmap. */
static void vfio_put_all_vpfn(struct vfio_dma *dma)
{
	struct rb_node *node;

	while ((node = rb_first(&dma->pfn_list))) {
		struct vfio_pfn *vpfn = rb_entry(node, struct vfio_pfn, node);

		vpfn->ref = 1;
		vfio_put_vpfn(dma, vpfn);
	}
}

/* ---- Dirty page tracking ---- */

/* As upstream: a report covers at most INT_MAX pages, in u64 words. */
#define VFIO_DIRTY_BYTES(npage)	(ALIGN((u64)(npage), 64) / 8)
#define VFIO_DIRTY_MAX_PAGES	((u64)INT_MAX)
#define VFIO_DIRTY_MAX_BYTES	VFIO_DIRTY_BYTES(VFIO_DIRTY_MAX_PAGES)

static u64 vfio_dirty_nbits(struct vfio_iommu *iommu, struct vfio_dma *dma)
{
	return dma->size >> iommu->dirty_pgshift;
}

static void vfio_bits_set(u64 *map, u64 start, u64 len)
{
	while (len) {
		unsigned int bit = start % 64;
		u64 n = min_t(u64, len, 64 - bit);

		map[start / 64] |= GENMASK_ULL(bit + n - 1, bit);
		start += n;
		len -= n;
	}
}

/* A device may have written [iova, iova + len) of @dma. */
static void vfio_dirty_mark(struct vfio_iommu *iommu, struct vfio_dma *dma,
			    dma_addr_t iova, size_t len)
{
	unsigned int shift = iommu->dirty_pgshift;
	u64 first, last;

	if (!iommu->dirty_tracking || !len)
		return;
	first = (iova - dma->iova) >> shift;
	last = (iova + len - 1 - dma->iova) >> shift;
	vfio_bits_set(dma->bitmap, first, last - first + 1);
}

/* What emulated devices hold pinned they may write at any time. */
static void vfio_dirty_mark_pinned(struct vfio_iommu *iommu,
				   struct vfio_dma *dma)
{
	struct rb_node *node;

	for (node = rb_first(&dma->pfn_list); node; node = rb_next(node)) {
		struct vfio_pfn *vpfn = rb_entry(node, struct vfio_pfn, node);

		vfio_dirty_mark(iommu, dma, vpfn->iova, PAGE_SIZE);
	}
}

/* A group left that could have written anything it saw. */
static void vfio_dirty_mark_all(struct vfio_iommu *iommu)
{
	struct rb_node *node;

	if (!iommu->dirty_tracking)
		return;
	for (node = rb_first(&iommu->dma_list); node; node = rb_next(node)) {
		struct vfio_dma *dma = rb_entry(node, struct vfio_dma, node);

		vfio_bits_set(dma->bitmap, 0, vfio_dirty_nbits(iommu, dma));
	}
}

/*
 * One bit per page and a spare word, which a report shifting the bits by
 * up to 63 reads as the zeros after the last page.
 */
static int vfio_dirty_alloc(struct vfio_iommu *iommu, struct vfio_dma *dma)
{
	u64 nbits = vfio_dirty_nbits(iommu, dma);

	if (nbits > VFIO_DIRTY_MAX_PAGES)
		return -EINVAL;
	dma->bitmap = kvcalloc(DIV_ROUND_UP_ULL(nbits, 64) + 1, sizeof(u64),
			       GFP_KERNEL_ACCOUNT);
	if (!dma->bitmap)
		return -ENOMEM;
	vfio_dirty_mark_pinned(iommu, dma);
	return 0;
}

static void vfio_dirty_free(struct vfio_dma *dma)
{
	kvfree(dma->bitmap);
	dma->bitmap = NULL;
}

static void vfio_dirty_stop(struct vfio_iommu *iommu)
{
	struct rb_node *node;

	iommu->dirty_tracking = false;
	for (node = rb_first(&iommu->dma_list); node; node = rb_next(node))
		vfio_dirty_free(rb_entry(node, struct vfio_dma, node));
}

/* The smallest page size every domain of the container maps. */
static size_t vfio_min_pgsize(struct vfio_iommu *iommu)
{
	return (size_t)1 << __ffs(iommu->pgsize_bitmap);
}

/* Bitmaps are of the smallest IOMMU page size when tracking starts. */
static int vfio_dirty_start(struct vfio_iommu *iommu)
{
	struct rb_node *node;
	int ret;

	if (iommu->dirty_tracking)
		return 0;
	iommu->dirty_pgshift = ilog2(vfio_min_pgsize(iommu));
	iommu->dirty_tracking = true;
	for (node = rb_first(&iommu->dma_list); node; node = rb_next(node)) {
		ret = vfio_dirty_alloc(iommu, rb_entry(node, struct vfio_dma,
						       node));
		if (ret) {
			vfio_dirty_stop(iommu);
			return ret;
		}
	}
	return 0;
}

/* The page size of user bitmaps: the bitmaps', or what they would be. */
static size_t vfio_dirty_pgsize(struct vfio_iommu *iommu)
{
	if (iommu->dirty_tracking)
		return (size_t)1 << iommu->dirty_pgshift;
	return vfio_min_pgsize(iommu);
}

/*
 * A user bitmap for @size bytes of IOVA, as upstream checks it: in user
 * memory, with room for one bit per bm->pgsize page and no bigger than
 * the maximum. The page size itself is checked against the container's.
 */
static int vfio_dirty_check_bitmap(struct vfio_bitmap *bm, u64 size)
{
	u64 npage;

	if (!bm->pgsize || !access_ok(bm->data, bm->size))
		return -EINVAL;
	npage = size >> __ffs64(bm->pgsize);
	if (!npage || !bm->size || bm->size > VFIO_DIRTY_MAX_BYTES ||
	    bm->size < VFIO_DIRTY_BYTES(npage))
		return -EINVAL;
	return 0;
}

/*
 * Write @dma's bits into the user bitmap @ubits, whose bit 0 is the page
 * at @base, at or below @dma. The first user word is merged with what it
 * holds (a lower mapping's bits); the others are written whole, so bits
 * after @dma in its last word read clean, as upstream. @buf is one page.
 */
static int vfio_dirty_copy(struct vfio_iommu *iommu, struct vfio_dma *dma,
			   dma_addr_t base, u64 __user *ubits, u64 *buf)
{
	u64 first = (dma->iova - base) >> iommu->dirty_pgshift;
	unsigned int shift = first % 64;
	u64 nwords = DIV_ROUND_UP_ULL(vfio_dirty_nbits(iommu, dma) + shift, 64);
	u64 __user *dst = ubits + first / 64;
	const u64 *src = dma->bitmap;
	u64 w, n, i;

	for (w = 0; w < nwords; w += n) {
		n = min_t(u64, nwords - w, PAGE_SIZE / sizeof(u64));
		for (i = 0; i < n; i++) {
			buf[i] = src[w + i] << shift;
			if (shift && w + i)
				buf[i] |= src[w + i - 1] >> (64 - shift);
		}
		if (!w && shift) {
			u64 old;

			if (copy_from_user(&old, dst, sizeof(old)))
				return -EFAULT;
			buf[0] |= old & GENMASK_ULL(shift - 1, 0);
		}
		if (copy_to_user(dst + w, buf, n * sizeof(u64)))
			return -EFAULT;
	}
	return 0;
}

/*
 * Report @dma's dirty pages into @ubits (see vfio_dirty_copy()). A read
 * (@clear) starts the bitmap over with what emulated devices still hold
 * pinned; before an unmap nothing needs clearing.
 */
static int vfio_dirty_report(struct vfio_iommu *iommu, struct vfio_dma *dma,
			     dma_addr_t base, u64 __user *ubits, u64 *buf,
			     bool clear)
{
	u64 nbits = vfio_dirty_nbits(iommu, dma);
	int ret;

	/* A group that does not pin may have written all it can reach. */
	if (iommu->num_non_pinned_groups && dma->iommu_mapped)
		vfio_bits_set(dma->bitmap, 0, nbits);
	ret = vfio_dirty_copy(iommu, dma, base, ubits, buf);
	if (ret || !clear)
		return ret;
	memset(dma->bitmap, 0, DIV_ROUND_UP_ULL(nbits, 64) * sizeof(u64));
	vfio_dirty_mark_pinned(iommu, dma);
	return 0;
}

/* ---- Mapping life cycle ---- */

static void vfio_remove_dma(struct vfio_iommu *iommu, struct vfio_dma *dma)
{
	vfio_unmap_unpin(iommu, dma);
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&dma->pfn_list));
	vfio_put_all_vpfn(dma);
	WARN_ON_ONCE(dma->locked_vm);
	rb_erase(&dma->node, &iommu->dma_list);
	if (dma->vaddr_invalid)
		iommu->vaddr_invalid_count--;
	vfio_dirty_free(dma);
	put_task_struct(dma->task);
	mmdrop(dma->mm);
	kfree(dma);
	iommu->dma_avail++;
}

static void vfio_remove_all_dma(struct vfio_iommu *iommu)
{
	struct rb_node *node;

	while ((node = rb_first(&iommu->dma_list))) {
		vfio_remove_dma(iommu, rb_entry(node, struct vfio_dma, node));
		cond_resched();
	}
}

/* The last IOMMU domain goes but emulated groups stay: unpin, keep maps. */
static void vfio_unmap_unpin_all(struct vfio_iommu *iommu)
{
	struct rb_node *node;

	for (node = rb_first(&iommu->dma_list); node; node = rb_next(node)) {
		vfio_unmap_unpin(iommu, rb_entry(node, struct vfio_dma, node));
		cond_resched();
	}
}

/* ---- Valid IOVA ranges ---- */

static int vfio_iova_add(struct list_head *list, struct list_head *where,
			 dma_addr_t start, dma_addr_t end)
{
	struct vfio_iova *r = kmalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->start = start;
	r->end = end;
	list_add(&r->list, where ? where : list);
	return 0;
}

static void vfio_iova_free(struct list_head *list)
{
	struct vfio_iova *r, *tmp;

	list_for_each_entry_safe(r, tmp, list, list) {
		list_del(&r->list);
		kfree(r);
	}
}

/* Keep only the parts of the ranges inside [start, end]. */
static void vfio_iova_clip(struct list_head *list, dma_addr_t start,
			   dma_addr_t end)
{
	struct vfio_iova *r, *tmp;

	list_for_each_entry_safe(r, tmp, list, list) {
		if (r->end < start || r->start > end) {
			list_del(&r->list);
			kfree(r);
			continue;
		}
		r->start = max(r->start, start);
		r->end = min(r->end, end);
	}
}

/* A driver that set no aperture limits nothing. */
static void vfio_iova_clip_domain(struct list_head *list,
				  struct iommu_domain *domain)
{
	struct iommu_domain_geometry *geo = &domain->geometry;

	if (geo->aperture_end)
		vfio_iova_clip(list, geo->aperture_start, geo->aperture_end);
}

/* Remove [start, end] from the ranges, splitting one if needed. */
static int vfio_iova_exclude(struct list_head *list, dma_addr_t start,
			     dma_addr_t end)
{
	struct vfio_iova *r, *tmp;

	list_for_each_entry_safe(r, tmp, list, list) {
		if (r->end < start || r->start > end)
			continue;
		if (r->start < start && r->end > end) {
			int ret = vfio_iova_add(list, &r->list, end + 1,
						r->end);

			if (ret)
				return ret;
			r->end = start - 1;
		} else if (r->start < start) {
			r->end = start - 1;
		} else if (r->end > end) {
			r->start = end + 1;
		} else {
			list_del(&r->list);
			kfree(r);
		}
	}
	return 0;
}

static void vfio_resv_free(struct list_head *resv)
{
	struct iommu_resv_region *region, *tmp;

	list_for_each_entry_safe(region, tmp, resv, list) {
		list_del(&region->list);
		kfree(region);
	}
}

/*
 * Take @group's reserved regions out of the ranges. Relaxable direct
 * regions (e.g. RMRRs the device may ignore once assigned) stay usable.
 * *@sw_msi gets the base of a software-managed MSI window, if any.
 */
static int vfio_iova_exclude_group(struct list_head *list,
				   struct iommu_group *group,
				   phys_addr_t *sw_msi, bool *has_sw_msi)
{
	struct iommu_resv_region *region;
	LIST_HEAD(resv);
	int ret;

	ret = iommu_get_group_resv_regions(group, &resv);
	if (ret)
		goto out;
	list_for_each_entry(region, &resv, list) {
		if (!region->length)
			continue;
		if (region->type == IOMMU_RESV_SW_MSI && has_sw_msi) {
			*sw_msi = region->start;
			*has_sw_msi = true;
		}
		if (region->type == IOMMU_RESV_DIRECT_RELAXABLE)
			continue;
		ret = vfio_iova_exclude(list, region->start,
					region->start + region->length - 1);
		if (ret)
			break;
	}
out:
	vfio_resv_free(&resv);
	return ret;
}

/*
 * Build the container's valid IOVA ranges from its domains' apertures and
 * its groups' reserved regions, plus @new_domain / @new_group when a group
 * is being attached. No IOMMU domain means no restriction: empty list.
 */
static int vfio_iova_build(struct vfio_iommu *iommu,
			   struct iommu_domain *new_domain,
			   struct iommu_group *new_group,
			   struct list_head *list,
			   phys_addr_t *sw_msi, bool *has_sw_msi)
{
	struct vfio_domain *d;
	struct vfio_iommu_group *g;
	int ret;

	INIT_LIST_HEAD(list);
	if (!new_domain && list_empty(&iommu->domain_list))
		return 0;

	ret = vfio_iova_add(list, NULL, 0, (dma_addr_t)~0ULL);
	if (ret)
		return ret;

	list_for_each_entry(d, &iommu->domain_list, next)
		vfio_iova_clip_domain(list, d->domain);
	if (new_domain)
		vfio_iova_clip_domain(list, new_domain);

	list_for_each_entry(d, &iommu->domain_list, next) {
		list_for_each_entry(g, &d->group_list, next) {
			ret = vfio_iova_exclude_group(list, g->group, NULL,
						      NULL);
			if (ret)
				goto err;
		}
	}
	if (new_group) {
		ret = vfio_iova_exclude_group(list, new_group, sw_msi,
					      has_sw_msi);
		if (ret)
			goto err;
	}
	return 0;
err:
	vfio_iova_free(list);
	return ret;
}

/* Is [start, end] inside one valid range? An empty list allows all. */
static bool vfio_iova_valid(struct list_head *list, dma_addr_t start,
			    dma_addr_t end)
{
	struct vfio_iova *r;

	if (list_empty(list))
		return true;
	list_for_each_entry(r, list, list)
		if (start >= r->start && end <= r->end)
			return true;
	return false;
}

static void vfio_iova_replace(struct vfio_iommu *iommu, struct list_head *new)
{
	vfio_iova_free(&iommu->iova_list);
	list_splice_init(new, &iommu->iova_list);
}

static void vfio_update_pgsize_bitmap(struct vfio_iommu *iommu)
{
	unsigned long bitmap = ULONG_MAX;
	struct vfio_domain *d;

	list_for_each_entry(d, &iommu->domain_list, next)
		bitmap &= d->domain->pgsize_bitmap;

	/* The CPU page is the smallest unit we pin, whatever the IOMMU has. */
	if (!bitmap || __ffs(bitmap) < PAGE_SHIFT) {
		bitmap &= PAGE_MASK;
		bitmap |= PAGE_SIZE;
	}
	iommu->pgsize_bitmap = bitmap;
}

/* ---- Groups ---- */

static struct vfio_iommu_group *
vfio_find_group_in(struct list_head *list, struct iommu_group *group)
{
	struct vfio_iommu_group *g;

	list_for_each_entry(g, list, next)
		if (g->group == group)
			return g;
	return NULL;
}

static struct vfio_iommu_group *vfio_find_group(struct vfio_iommu *iommu,
						struct iommu_group *group)
{
	struct vfio_iommu_group *g;
	struct vfio_domain *d;

	list_for_each_entry(d, &iommu->domain_list, next) {
		g = vfio_find_group_in(&d->group_list, group);
		if (g)
			return g;
	}
	return vfio_find_group_in(&iommu->emulated_groups, group);
}

/* A device of @group pinned what it uses: it dirties no more than that. */
static void vfio_group_pinned_scope(struct vfio_iommu *iommu,
				    struct iommu_group *group)
{
	struct vfio_iommu_group *g = vfio_find_group(iommu, group);

	if (g && !g->pinned_scope) {
		g->pinned_scope = true;
		iommu->num_non_pinned_groups--;
	}
}

static int vfio_first_dev(struct device *dev, void *data)
{
	*(struct device **)data = dev;
	return 1;
}

/* Mirror every mapping of the container into a new domain. */
static int vfio_replay_mirror(struct vfio_iommu *iommu, struct vfio_domain *to)
{
	struct vfio_domain *from = vfio_first_domain(iommu);
	struct rb_node *node;

	for (node = rb_first(&iommu->dma_list); node; node = rb_next(node)) {
		struct vfio_dma *dma = rb_entry(node, struct vfio_dma, node);
		dma_addr_t iova = dma->iova, end = dma->iova + dma->size;

		while (iova < end) {
			phys_addr_t phys;
			size_t len;
			int ret;

			len = vfio_contig_len(from->domain, iova, end, &phys);
			if (WARN_ON_ONCE(!len))
				return -EFAULT;
			ret = vfio_compat_iommu_map(to->domain, iova, phys, len,
						    dma->prot | to->prot);
			if (ret)
				return ret;	/* the domain is freed */
			iova += len;
		}
		cond_resched();
	}
	return 0;
}

/* Pin and map every mapping into the container's first IOMMU domain. */
static int vfio_replay_pin(struct vfio_iommu *iommu)
{
	struct rb_node *node;
	int ret;

	for (node = rb_first(&iommu->dma_list); node; node = rb_next(node)) {
		ret = vfio_pin_map_dma(iommu,
				       rb_entry(node, struct vfio_dma, node));
		if (ret) {
			vfio_unmap_unpin_all(iommu);
			return ret;
		}
	}
	return 0;
}

static int vfio_attach_emulated(struct vfio_iommu *iommu,
				struct iommu_group *group)
{
	struct vfio_iommu_group *g = kzalloc(sizeof(*g), GFP_KERNEL);

	if (!g)
		return -ENOMEM;
	g->group = group;
	/* It reaches memory only through pins and dma_rw(). */
	g->pinned_scope = true;
	list_add(&g->next, &iommu->emulated_groups);
	return 0;
}

static int vfio_iommu_type1_attach_group(struct vfio_iommu *iommu,
					 struct iommu_group *group,
					 enum vfio_group_type type)
{
	struct vfio_iommu_group *g;
	struct vfio_domain *domain, *d;
	struct device *dev = NULL;
	struct rb_node *node;
	phys_addr_t sw_msi = 0;
	bool has_sw_msi = false;
	LIST_HEAD(iovas);
	int ret;

	mutex_lock(&iommu->lock);

	/* Attaching may pin, which needs every vaddr to be valid. */
	ret = -EBUSY;
	if (iommu->vaddr_invalid_count)
		goto out_unlock;
	ret = -EINVAL;
	if (vfio_find_group(iommu, group))
		goto out_unlock;

	if (type == VFIO_EMULATED_IOMMU) {
		ret = vfio_attach_emulated(iommu, group);
		goto out_unlock;
	}

	iommu_group_for_each_dev(group, &dev, vfio_first_dev);
	ret = -ENODEV;
	if (!dev)
		goto out_unlock;

	ret = -ENOMEM;
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	domain = kzalloc(sizeof(*domain), GFP_KERNEL);
	if (!g || !domain)
		goto out_free;
	g->group = group;
	INIT_LIST_HEAD(&domain->group_list);

	domain->domain = vfio_compat_paging_domain_alloc(dev);
	if (IS_ERR(domain->domain)) {
		ret = PTR_ERR(domain->domain);
		goto out_free;
	}

	ret = iommu_attach_group(domain->domain, group);
	if (ret)
		goto out_domain;

	/* Interrupts must be isolated, or the admin must accept the risk. */
	if (!vfio_compat_group_isolated_msi(group)) {
		if (!allow_unsafe_interrupts) {
			pr_warn("group %d: no interrupt remapping, so its devices could raise any host interrupt; load with allow_unsafe_interrupts=1 to accept that\n",
				iommu_group_id(group));
			ret = -EPERM;
			goto out_detach;
		}
		pr_warn_once("allow_unsafe_interrupts is set: devices without interrupt remapping are used\n");
	}

	ret = vfio_iova_build(iommu, domain->domain, group, &iovas, &sw_msi,
			      &has_sw_msi);
	if (ret)
		goto out_detach;

	/* A range the user already mapped must stay usable. */
	ret = -EINVAL;
	if (list_empty(&iovas))
		goto out_iovas;
	for (node = rb_first(&iommu->dma_list); node; node = rb_next(node)) {
		struct vfio_dma *dma = rb_entry(node, struct vfio_dma, node);

		if (!vfio_iova_valid(&iovas, dma->iova,
				     dma->iova + dma->size - 1))
			goto out_iovas;
	}

	domain->enforce_cc = vfio_compat_domain_coherency(domain->domain, dev,
							  &domain->prot);

	/* Share an existing domain when the same IOMMU driver serves it. */
	list_for_each_entry(d, &iommu->domain_list, next) {
		if (d->domain->ops != domain->domain->ops ||
		    d->prot != domain->prot ||
		    d->enforce_cc != domain->enforce_cc)
			continue;
		iommu_detach_group(domain->domain, group);
		if (!iommu_attach_group(d->domain, group)) {
			list_add(&g->next, &d->group_list);
			iommu->num_non_pinned_groups++;
			iommu_domain_free(domain->domain);
			kfree(domain);
			vfio_iova_replace(iommu, &iovas);
			ret = 0;
			goto out_unlock;
		}
		ret = iommu_attach_group(domain->domain, group);
		if (ret)
			goto out_iovas_nodetach;
	}

	if (has_sw_msi) {
		ret = iommu_get_msi_cookie(domain->domain, sw_msi);
		if (ret && ret != -ENODEV)
			goto out_iovas;
	}

	if (list_empty(&iommu->domain_list)) {
		/* The first IOMMU domain: the mappings get pinned now. */
		list_add(&domain->next, &iommu->domain_list);
		ret = vfio_replay_pin(iommu);
		if (ret) {
			list_del(&domain->next);
			goto out_iovas;
		}
	} else {
		ret = vfio_replay_mirror(iommu, domain);
		if (ret)
			goto out_iovas;
		list_add_tail(&domain->next, &iommu->domain_list);
	}

	list_add(&g->next, &domain->group_list);
	/* Its devices may write anything mapped, unseen, until they pin. */
	iommu->num_non_pinned_groups++;
	vfio_iova_replace(iommu, &iovas);
	vfio_update_pgsize_bitmap(iommu);
	mutex_unlock(&iommu->lock);
	return 0;

out_iovas:
	vfio_iova_free(&iovas);
out_detach:
	iommu_detach_group(domain->domain, group);
	goto out_domain;
out_iovas_nodetach:
	vfio_iova_free(&iovas);
out_domain:
	iommu_domain_free(domain->domain);
out_free:
	kfree(domain);
	kfree(g);
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/* No group left at all: drop every mapping. */
static void vfio_iommu_empty(struct vfio_iommu *iommu)
{
	WARN_ON_ONCE(!list_empty(&iommu->device_list));
	vfio_remove_all_dma(iommu);
}

static void vfio_iommu_type1_detach_group(struct vfio_iommu *iommu,
					  struct iommu_group *group)
{
	struct vfio_iommu_group *g;
	struct vfio_domain *d;
	bool dirtied;
	LIST_HEAD(iovas);

	mutex_lock(&iommu->lock);

	g = vfio_find_group_in(&iommu->emulated_groups, group);
	if (g) {
		list_del(&g->next);
		kfree(g);
		if (list_empty(&iommu->emulated_groups) &&
		    list_empty(&iommu->domain_list))
			vfio_iommu_empty(iommu);
		goto out_unlock;
	}

	list_for_each_entry(d, &iommu->domain_list, next) {
		g = vfio_find_group_in(&d->group_list, group);
		if (g)
			break;
	}
	if (WARN_ON_ONCE(!g))
		goto out_unlock;

	iommu_detach_group(d->domain, group);
	list_del(&g->next);
	dirtied = !g->pinned_scope;
	if (dirtied)
		iommu->num_non_pinned_groups--;
	kfree(g);

	if (list_empty(&d->group_list)) {
		/* The last domain holds the pins; release them through it. */
		if (list_is_singular(&iommu->domain_list)) {
			if (list_empty(&iommu->emulated_groups))
				vfio_iommu_empty(iommu);
			else
				vfio_unmap_unpin_all(iommu);
		}
		list_del(&d->next);
		iommu_domain_free(d->domain);
		kfree(d);
		vfio_update_pgsize_bitmap(iommu);
	}

	/* The remaining groups may allow more IOVA space now. */
	if (!vfio_iova_build(iommu, NULL, NULL, &iovas, NULL, NULL))
		vfio_iova_replace(iommu, &iovas);

	/* What it may have written unseen stays reported until read. */
	if (dirtied)
		vfio_dirty_mark_all(iommu);

out_unlock:
	mutex_unlock(&iommu->lock);
}

/* ---- Container life cycle ---- */

static struct vfio_iommu *vfio_iommu_type1_open(unsigned long arg)
{
	struct vfio_iommu *iommu;

	if (arg != VFIO_TYPE1_IOMMU && arg != VFIO_TYPE1v2_IOMMU)
		return ERR_PTR(-EINVAL);

	iommu = kzalloc(sizeof(*iommu), GFP_KERNEL);
	if (!iommu)
		return ERR_PTR(-ENOMEM);

	mutex_init(&iommu->lock);
	mutex_init(&iommu->device_lock);
	INIT_LIST_HEAD(&iommu->domain_list);
	INIT_LIST_HEAD(&iommu->emulated_groups);
	INIT_LIST_HEAD(&iommu->iova_list);
	INIT_LIST_HEAD(&iommu->device_list);
	iommu->dma_list = RB_ROOT;
	iommu->dma_avail = dma_entry_limit;
	iommu->v2 = arg == VFIO_TYPE1v2_IOMMU;
	vfio_update_pgsize_bitmap(iommu);
	return iommu;
}

static void vfio_iommu_type1_release(struct vfio_iommu *iommu)
{
	struct vfio_iommu_group *g, *gtmp;
	struct vfio_iommu_device *dev, *dtmp;
	struct vfio_domain *d, *dtmp2;

	/* Groups normally left already; this covers any that did not. */
	mutex_lock(&iommu->lock);
	vfio_remove_all_dma(iommu);
	list_for_each_entry_safe(d, dtmp2, &iommu->domain_list, next) {
		list_for_each_entry_safe(g, gtmp, &d->group_list, next) {
			iommu_detach_group(d->domain, g->group);
			list_del(&g->next);
			kfree(g);
		}
		list_del(&d->next);
		iommu_domain_free(d->domain);
		kfree(d);
	}
	list_for_each_entry_safe(g, gtmp, &iommu->emulated_groups, next) {
		list_del(&g->next);
		kfree(g);
	}
	vfio_iova_free(&iommu->iova_list);
	mutex_unlock(&iommu->lock);

	list_for_each_entry_safe(dev, dtmp, &iommu->device_list, next) {
		list_del(&dev->next);
		kfree(dev);
	}
	mutex_destroy(&iommu->device_lock);
	mutex_destroy(&iommu->lock);
	kfree(iommu);
}

/* ---- Emulated-IOMMU devices ---- */

static void vfio_iommu_type1_register_device(struct vfio_iommu *iommu,
					     struct vfio_device *vdev)
{
	struct vfio_iommu_device *dev;

	/* Only devices that can be told about unmaps may pin. */
	if (!vdev->ops->dma_unmap)
		return;

	/* The op cannot fail; the entry is tiny. */
	dev = kzalloc(sizeof(*dev), GFP_KERNEL | __GFP_NOFAIL);
	dev->vdev = vdev;
	mutex_lock(&iommu->device_lock);
	list_add(&dev->next, &iommu->device_list);
	mutex_unlock(&iommu->device_lock);
}

static void vfio_iommu_type1_unregister_device(struct vfio_iommu *iommu,
					       struct vfio_device *vdev)
{
	struct vfio_iommu_device *dev;

	mutex_lock(&iommu->device_lock);
	list_for_each_entry(dev, &iommu->device_list, next) {
		if (dev->vdev == vdev) {
			list_del(&dev->next);
			kfree(dev);
			break;
		}
	}
	mutex_unlock(&iommu->device_lock);
}

/* Called without iommu->lock: the devices unpin through our ops. */
static void vfio_notify_dma_unmap(struct vfio_iommu *iommu, dma_addr_t iova,
				  size_t size)
{
	struct vfio_iommu_device *dev;

	mutex_lock(&iommu->device_lock);
	list_for_each_entry(dev, &iommu->device_list, next)
		dev->vdev->ops->dma_unmap(dev->vdev, iova, size);
	mutex_unlock(&iommu->device_lock);
}

static void vfio_unpin_one(struct vfio_iommu *iommu, dma_addr_t iova)
{
	struct vfio_dma *dma;
	struct vfio_pfn *vpfn;

	dma = vfio_find_dma(iommu, iova, iova + PAGE_SIZE - 1);
	vpfn = dma ? vfio_find_vpfn(dma, iova) : NULL;
	if (WARN_ON_ONCE(!vpfn))
		return;
	vfio_put_vpfn(dma, vpfn);
}

static int vfio_pin_one(struct vfio_iommu *iommu, dma_addr_t iova, int prot,
			struct page **page)
{
	struct vfio_batch b = {};
	struct vfio_dma *dma;
	struct vfio_pfn *vpfn;
	unsigned long pfn;
	bool rsvd;
	long ret;

	dma = vfio_find_dma(iommu, iova, iova + PAGE_SIZE - 1);
	if (!dma)
		return -EINVAL;
	if ((dma->prot & prot) != prot)
		return -EPERM;

	vpfn = vfio_find_vpfn(dma, iova);
	if (vpfn) {
		vpfn->ref++;
		*page = vpfn->page;
		vfio_dirty_mark(iommu, dma, iova, PAGE_SIZE);
		return 0;
	}

	vpfn = kzalloc(sizeof(*vpfn), GFP_KERNEL);
	if (!vpfn)
		return -ENOMEM;

	b.pages = &vpfn->page;
	ret = vfio_batch_get(dma, &b, dma->vaddr + (iova - dma->iova), 1,
			     vfio_gup_flags(dma->prot));
	if (ret < 0)
		goto err_free;
	vfio_batch_chunk(&b, 0, 1, &pfn, &rsvd);
	vfio_batch_take(&b, 0, rsvd);
	/* The device gets a struct page: memory without one cannot do. */
	ret = -EINVAL;
	if (!pfn_valid(pfn))
		goto err_free;
	vpfn->page = pfn_to_page(pfn);

	/* Mapped in the IOMMU, the page is counted already. */
	if (!dma->iommu_mapped && !vfio_pfn_rsvd(pfn)) {
		ret = vfio_lock_acct(dma, 1);
		if (ret) {
			vfio_unpin_page(dma, vpfn->page);
			goto err_free;
		}
	}
	vpfn->iova = iova;
	vpfn->ref = 1;
	vfio_link_vpfn(dma, vpfn);
	*page = vpfn->page;
	vfio_dirty_mark(iommu, dma, iova, PAGE_SIZE);
	return 0;

err_free:
	kfree(vpfn);
	return ret;
}

static int vfio_iommu_type1_pin_pages(struct vfio_iommu *iommu,
				      struct iommu_group *group,
				      dma_addr_t iova, int npage, int prot,
				      struct page **pages)
{
	int i, ret;

	if (!pages || npage <= 0 || !PAGE_ALIGNED(iova))
		return -EINVAL;
	/* Type1 v1 never offered pinning to emulated devices. */
	if (!iommu->v2)
		return -EACCES;

	mutex_lock(&iommu->lock);

	/* Vaddrs being updated cannot be pinned; user space misbehaved. */
	if (WARN_ONCE(iommu->vaddr_invalid_count,
		      "vfio_pin_pages while VFIO_DMA_UNMAP_FLAG_VADDR is in effect\n")) {
		ret = -EBUSY;
		goto out_unlock;
	}
	/* Nobody could be told to let go of the pages on unmap. */
	ret = -EINVAL;
	if (list_empty(&iommu->device_list))
		goto out_unlock;

	for (i = 0; i < npage; i++) {
		ret = vfio_pin_one(iommu, iova + ((dma_addr_t)i << PAGE_SHIFT),
				   prot, &pages[i]);
		if (ret)
			goto unwind;
	}
	ret = npage;
	vfio_group_pinned_scope(iommu, group);
	goto out_unlock;

unwind:
	while (i--) {
		vfio_unpin_one(iommu, iova + ((dma_addr_t)i << PAGE_SHIFT));
		pages[i] = NULL;
	}
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

static void vfio_iommu_type1_unpin_pages(struct vfio_iommu *iommu,
					 dma_addr_t iova, int npage)
{
	int i;

	if (WARN_ON_ONCE(!iommu->v2 || npage <= 0 || !PAGE_ALIGNED(iova)))
		return;

	mutex_lock(&iommu->lock);
	for (i = 0; i < npage; i++)
		vfio_unpin_one(iommu, iova + ((dma_addr_t)i << PAGE_SHIFT));
	mutex_unlock(&iommu->lock);
}

/* Copy within one page of one mapping; the page is pinned for the copy. */
static int vfio_rw_page(struct vfio_dma *dma, dma_addr_t iova, void *data,
			size_t count, bool write)
{
	unsigned long vaddr = dma->vaddr + (iova - dma->iova);
	struct page *page;
	void *kaddr;
	long ret;

	ret = vfio_pin_user(dma, vaddr & PAGE_MASK, 1,
			    write ? FOLL_WRITE : 0, &page);
	if (ret < 0)
		return ret;
	kaddr = vfio_compat_kmap_local_page(page);
	if (write)
		memcpy(kaddr + offset_in_page(vaddr), data, count);
	else
		memcpy(data, kaddr + offset_in_page(vaddr), count);
	vfio_compat_kunmap_local(page, kaddr);
	unpin_user_pages_dirty_lock(&page, 1, write);
	return 0;
}

static int vfio_iommu_type1_dma_rw(struct vfio_iommu *iommu, dma_addr_t iova,
				   void *buf, size_t count, bool write)
{
	u8 *data = buf;
	int ret = 0;

	mutex_lock(&iommu->lock);

	if (WARN_ONCE(iommu->vaddr_invalid_count,
		      "vfio_dma_rw while VFIO_DMA_UNMAP_FLAG_VADDR is in effect\n")) {
		ret = -EBUSY;
		goto out_unlock;
	}

	while (count) {
		struct vfio_dma *dma = vfio_find_dma(iommu, iova, iova);
		size_t len;

		if (!dma) {
			ret = -EINVAL;
			break;
		}
		/* "write" is the device writing memory: it needs IOMMU_WRITE. */
		if (!(dma->prot & (write ? IOMMU_WRITE : IOMMU_READ))) {
			ret = -EPERM;
			break;
		}
		len = min_t(size_t, count, PAGE_SIZE - offset_in_page(iova));
		ret = vfio_rw_page(dma, iova, data, len, write);
		if (ret)
			break;
		if (write)
			vfio_dirty_mark(iommu, dma, iova, len);
		iova += len;
		data += len;
		count -= len;
	}

out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/* ---- ioctls ---- */

static bool vfio_domains_enforce_cc(struct vfio_iommu *iommu)
{
	struct vfio_domain *d;
	bool ret = true;

	mutex_lock(&iommu->lock);
	list_for_each_entry(d, &iommu->domain_list, next) {
		if (!d->enforce_cc) {
			ret = false;
			break;
		}
	}
	mutex_unlock(&iommu->lock);
	return ret;
}

static bool vfio_iommu_has_emulated(struct vfio_iommu *iommu)
{
	bool ret;

	mutex_lock(&iommu->lock);
	ret = !list_empty(&iommu->emulated_groups);
	mutex_unlock(&iommu->lock);
	return ret;
}

static long vfio_check_extension(struct vfio_iommu *iommu, unsigned long arg)
{
	switch (arg) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_UPDATE_VADDR:
		/*
		 * As upstream since v6.2: only on a container and without
		 * emulated devices, which could not pin during an update.
		 */
		return iommu && !vfio_iommu_has_emulated(iommu);
	case VFIO_DMA_CC_IOMMU:
		return iommu && vfio_domains_enforce_cc(iommu);
	default:
		return 0;
	}
}

static int vfio_caps_iova_range(struct vfio_iommu *iommu,
				struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_cap_iova_range *cap;
	struct vfio_info_cap_header *header;
	struct vfio_iova *r;
	u32 n = 0;

	list_for_each_entry(r, &iommu->iova_list, list)
		n++;
	/* A container of emulated devices only has no IOVA limits. */
	if (!n)
		return 0;

	header = vfio_info_cap_add(caps, struct_size(cap, iova_ranges, n),
				   VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header, struct vfio_iommu_type1_info_cap_iova_range,
			   header);
	cap->nr_iovas = n;
	n = 0;
	list_for_each_entry(r, &iommu->iova_list, list) {
		cap->iova_ranges[n].start = r->start;
		cap->iova_ranges[n].end = r->end;
		n++;
	}
	return 0;
}

static int vfio_caps_migration(struct vfio_iommu *iommu,
			       struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_cap_migration *cap;
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, sizeof(*cap),
				   VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header, struct vfio_iommu_type1_info_cap_migration,
			   header);
	/* Bitmaps come in the smallest page size only. */
	cap->pgsize_bitmap = vfio_min_pgsize(iommu);
	cap->max_dirty_bitmap_size = VFIO_DIRTY_MAX_BYTES;
	return 0;
}

static int vfio_caps_dma_avail(struct vfio_iommu *iommu,
			       struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_dma_avail *cap;
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, sizeof(*cap),
				   VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	cap = container_of(header, struct vfio_iommu_type1_info_dma_avail,
			   header);
	cap->avail = iommu->dma_avail;
	return 0;
}

static long vfio_iommu_get_info(struct vfio_iommu *iommu, void __user *arg)
{
	struct vfio_iommu_type1_info info = {};
	struct vfio_info_cap caps = {};
	size_t minsz = offsetofend(struct vfio_iommu_type1_info, iova_pgsizes);
	size_t outsz;
	int ret;

	ret = vfio_copy_argsz(&info, arg, minsz);
	if (ret)
		return ret;
	/* Never write past what the caller said it has. */
	outsz = min_t(size_t, info.argsz, sizeof(info));

	mutex_lock(&iommu->lock);
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = iommu->pgsize_bitmap;
	ret = vfio_caps_migration(iommu, &caps);
	if (!ret)
		ret = vfio_caps_dma_avail(iommu, &caps);
	if (!ret)
		ret = vfio_caps_iova_range(iommu, &caps);
	mutex_unlock(&iommu->lock);
	if (ret)
		goto out;

	if (caps.size) {
		info.flags |= VFIO_IOMMU_INFO_CAPS;
		ret = vfio_info_cap_copy_out(&caps, arg, sizeof(info),
					     &info.argsz, &info.cap_offset);
		if (ret)
			goto out;
	}

	if (copy_to_user(arg, &info, outsz))
		ret = -EFAULT;
out:
	kfree(caps.buf);
	return ret;
}

/* MAP_DMA with the VADDR flag: give an invalidated mapping a new vaddr. */
static int vfio_dma_update_vaddr(struct vfio_iommu *iommu,
				 struct vfio_dma *dma, unsigned long vaddr)
{
	struct task_struct *task = current->group_leader;
	struct mm_struct *mm = current->mm;

	/* Another mm (exec, or a new process) takes over the accounting. */
	if (mm != dma->mm) {
		struct vfio_dma new = {
			.mm = mm,
			.task = task,
			.lock_cap = capable(CAP_IPC_LOCK),
		};
		long npage = dma->locked_vm;
		int ret;

		if (!mm)
			return -ENODEV;
		ret = vfio_lock_acct(&new, npage);
		if (ret)
			return ret;
		vfio_lock_acct(dma, -npage);
		put_task_struct(dma->task);
		dma->task = get_task_struct(task);
		mmdrop(dma->mm);
		mmgrab(mm);
		dma->mm = mm;
		dma->lock_cap = new.lock_cap;
		dma->locked_vm = npage;
	}
	dma->vaddr = vaddr;
	dma->vaddr_invalid = false;
	iommu->vaddr_invalid_count--;
	return 0;
}

static int vfio_dma_do_map(struct vfio_iommu *iommu,
			   struct vfio_iommu_type1_dma_map *map)
{
	bool set_vaddr = map->flags & VFIO_DMA_MAP_FLAG_VADDR;
	dma_addr_t iova = map->iova, end;
	unsigned long vaddr = map->vaddr, vend;
	size_t size = map->size, pgsize;
	struct vfio_dma *dma;
	int prot = 0;
	int ret;

	if (map->flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (map->flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	/* A new mapping needs a direction; a vaddr update keeps its own. */
	if (!!prot == set_vaddr)
		return -EINVAL;

	mutex_lock(&iommu->lock);

	pgsize = vfio_min_pgsize(iommu);
	ret = -EINVAL;
	if (!size || (size | iova | vaddr) & (pgsize - 1))
		goto out_unlock;
	ret = -EOVERFLOW;
	if (check_add_overflow(iova, (dma_addr_t)size - 1, &end) ||
	    check_add_overflow(vaddr, (unsigned long)size - 1, &vend))
		goto out_unlock;

	dma = vfio_find_dma(iommu, iova, end);
	if (set_vaddr) {
		if (!dma)
			ret = -ENOENT;
		else if (!dma->vaddr_invalid || dma->iova != iova ||
			 dma->size != size)
			ret = -EINVAL;
		else
			ret = vfio_dma_update_vaddr(iommu, dma, vaddr);
		goto out_unlock;
	}
	ret = -EEXIST;
	if (dma)
		goto out_unlock;
	ret = -ENOSPC;
	if (!iommu->dma_avail)
		goto out_unlock;
	ret = -EINVAL;
	if (!vfio_iova_valid(&iommu->iova_list, iova, end))
		goto out_unlock;
	ret = -ENODEV;
	if (!current->mm)
		goto out_unlock;

	ret = -ENOMEM;
	dma = kzalloc(sizeof(*dma), GFP_KERNEL);
	if (!dma)
		goto out_unlock;

	dma->iova = iova;
	dma->vaddr = vaddr;
	dma->size = size;
	dma->prot = prot;
	dma->pfn_list = RB_ROOT;
	/* The group leader, so every thread's mappings share one owner. */
	dma->task = get_task_struct(current->group_leader);
	dma->mm = current->mm;
	mmgrab(dma->mm);
	dma->lock_cap = capable(CAP_IPC_LOCK);
	iommu->dma_avail--;
	vfio_link_dma(iommu, dma);

	if (iommu->dirty_tracking) {
		ret = vfio_dirty_alloc(iommu, dma);
		if (ret) {
			vfio_remove_dma(iommu, dma);
			goto out_unlock;
		}
	}

	/* Without an IOMMU domain, pages are pinned only when used. */
	ret = 0;
	if (!list_empty(&iommu->domain_list)) {
		ret = vfio_pin_map_dma(iommu, dma);
		if (ret)
			vfio_remove_dma(iommu, dma);
	}

out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

static long vfio_iommu_map_dma(struct vfio_iommu *iommu, void __user *arg)
{
	struct vfio_iommu_type1_dma_map map;
	size_t minsz = offsetofend(struct vfio_iommu_type1_dma_map, size);
	u32 mask = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE |
		   VFIO_DMA_MAP_FLAG_VADDR;
	int ret;

	ret = vfio_copy_argsz(&map, arg, minsz);
	if (ret)
		return ret;
	if (map.flags & ~mask)
		return -EINVAL;
	return vfio_dma_do_map(iommu, &map);
}

/* Flag [iova, end]'s mappings' vaddrs invalid, all or none. */
static int vfio_dma_invalidate_vaddr(struct vfio_iommu *iommu,
				     dma_addr_t iova, dma_addr_t end,
				     u64 *unmapped)
{
	struct vfio_dma *first, *dma;
	struct rb_node *node, *stop = NULL;

	first = vfio_find_dma_first(iommu, iova, end);
	if (!first)
		return 0;

	for (node = &first->node; node; node = rb_next(node)) {
		dma = rb_entry(node, struct vfio_dma, node);
		if (dma->iova > end)
			break;
		if (dma->vaddr_invalid) {
			stop = node;
			break;
		}
		dma->vaddr_invalid = true;
		iommu->vaddr_invalid_count++;
		*unmapped += dma->size;
	}
	if (!stop)
		return 0;

	/* One was invalid already: undo the ones flagged by this call. */
	for (node = &first->node; node != stop; node = rb_next(node)) {
		dma = rb_entry(node, struct vfio_dma, node);
		dma->vaddr_invalid = false;
		iommu->vaddr_invalid_count--;
	}
	*unmapped = 0;
	return -EINVAL;
}

/* Does [start, end] cut a mapping, instead of holding whole ones? */
static bool vfio_range_cuts(struct vfio_iommu *iommu, dma_addr_t start,
			    dma_addr_t end)
{
	struct vfio_dma *dma = vfio_find_dma(iommu, start, start);

	if (dma && dma->iova != start)
		return true;
	dma = vfio_find_dma(iommu, end, end);
	return dma && dma->iova + dma->size - 1 != end;
}

/*
 * With @bitmap (checked by the caller; @buf is a page), each mapping's
 * dirty pages are reported into it before the mapping goes.
 */
/* An unmap's bitmap needs tracking on, and in its page size. */
static bool vfio_unmap_bitmap_ok(struct vfio_iommu *iommu,
				 struct vfio_bitmap *bitmap)
{
	return !bitmap || (iommu->dirty_tracking &&
			   bitmap->pgsize == vfio_dirty_pgsize(iommu));
}

static int vfio_dma_do_unmap(struct vfio_iommu *iommu,
			     struct vfio_iommu_type1_dma_unmap *unmap,
			     struct vfio_bitmap *bitmap, u64 *buf)
{
	bool all = unmap->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	bool vaddr_only = unmap->flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	dma_addr_t iova = unmap->iova, end, notified = 0;
	bool have_notified = false;
	u64 unmapped = 0;
	struct vfio_dma *dma;
	size_t pgsize;
	int ret;

	mutex_lock(&iommu->lock);

	/* Emulated devices could not pin while vaddrs are invalid. */
	ret = -EBUSY;
	if (vaddr_only && !list_empty(&iommu->emulated_groups))
		goto out_unlock;

	pgsize = vfio_min_pgsize(iommu);
	ret = -EINVAL;
	if (all) {
		if (unmap->iova || unmap->size)
			goto out_unlock;
		iova = 0;
		end = (dma_addr_t)~0ULL;
	} else {
		if (!unmap->size || (unmap->iova | unmap->size) & (pgsize - 1))
			goto out_unlock;
		ret = -EOVERFLOW;
		if (check_add_overflow(iova, (dma_addr_t)unmap->size - 1,
				       &end))
			goto out_unlock;
	}

	ret = -EINVAL;
	if (!vfio_unmap_bitmap_ok(iommu, bitmap))
		goto out_unlock;

	/* v2 unmaps whole mappings only: the range must not cut one. */
	if (iommu->v2 && !all && vfio_range_cuts(iommu, iova, end))
		goto out_unlock;

	if (vaddr_only) {
		ret = vfio_dma_invalidate_vaddr(iommu, iova, end, &unmapped);
		goto out_unlock;
	}

	ret = 0;
	while ((dma = vfio_find_dma_first(iommu, iova, end))) {
		/*
		 * v1 unmaps every mapping that starts in the range, whole;
		 * one starting before the range ends the walk, as upstream.
		 */
		if (!iommu->v2 && dma->iova < iova)
			break;

		/* Emulated devices must drop their pins first, unlocked. */
		if (!RB_EMPTY_ROOT(&dma->pfn_list) &&
		    !(have_notified && notified == dma->iova)) {
			dma_addr_t start = dma->iova;
			size_t len = dma->size;

			have_notified = true;
			notified = start;
			mutex_unlock(&iommu->lock);
			vfio_notify_dma_unmap(iommu, start, len);
			mutex_lock(&iommu->lock);
			/* Tracking may have stopped while the lock was out. */
			if (!vfio_unmap_bitmap_ok(iommu, bitmap)) {
				ret = -EINVAL;
				break;
			}
			continue;
		}
		if (bitmap) {
			ret = vfio_dirty_report(iommu, dma, iova, bitmap->data,
						buf, false);
			if (ret)
				break;
		}
		unmapped += dma->size;
		vfio_remove_dma(iommu, dma);
		cond_resched();
	}

out_unlock:
	mutex_unlock(&iommu->lock);
	unmap->size = unmapped;
	return ret;
}

static long vfio_iommu_unmap_dma(struct vfio_iommu *iommu, void __user *arg)
{
	struct vfio_iommu_type1_dma_unmap unmap;
	size_t minsz = offsetofend(struct vfio_iommu_type1_dma_unmap, size);
	u32 mask = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
		   VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR;
	struct vfio_bitmap bitmap;
	u64 *buf = NULL;
	int ret;

	ret = vfio_copy_argsz(&unmap, arg, minsz);
	if (ret)
		return ret;
	if (unmap.flags & ~mask)
		return -EINVAL;

	/* The bitmap follows the struct and covers exactly its range. */
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) {
		if (unmap.flags & (VFIO_DMA_UNMAP_FLAG_ALL |
				   VFIO_DMA_UNMAP_FLAG_VADDR) ||
		    unmap.argsz < minsz + sizeof(bitmap))
			return -EINVAL;
		if (copy_from_user(&bitmap, arg + minsz, sizeof(bitmap)))
			return -EFAULT;
		ret = vfio_dirty_check_bitmap(&bitmap, unmap.size);
		if (ret)
			return ret;
		buf = (u64 *)__get_free_page(GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}

	ret = vfio_dma_do_unmap(iommu, &unmap, buf ? &bitmap : NULL, buf);
	free_page((unsigned long)buf);
	if (ret)
		return ret;
	return copy_to_user(arg, &unmap, minsz) ? -EFAULT : 0;
}

static long vfio_dirty_get_bitmap(struct vfio_iommu *iommu, void __user *arg,
				  u32 len)
{
	struct vfio_iommu_type1_dirty_bitmap_get range;
	struct vfio_dma *dma;
	struct rb_node *node;
	dma_addr_t end;
	size_t pgsize;
	u64 *buf;
	long ret;

	if (len < sizeof(range))
		return -EINVAL;
	if (copy_from_user(&range, arg, sizeof(range)))
		return -EFAULT;
	if (!range.size)
		return -EINVAL;
	/* As upstream since v6.18: a range that wraps is EOVERFLOW. */
	if (check_add_overflow((dma_addr_t)range.iova,
			       (dma_addr_t)range.size - 1, &end))
		return -EOVERFLOW;
	ret = vfio_dirty_check_bitmap(&range.bitmap, range.size);
	if (ret)
		return ret;

	buf = (u64 *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&iommu->lock);
	pgsize = vfio_dirty_pgsize(iommu);
	ret = -EINVAL;
	if (range.bitmap.pgsize != pgsize ||
	    (range.iova | range.size) & (pgsize - 1) ||
	    !iommu->dirty_tracking || vfio_range_cuts(iommu, range.iova, end))
		goto out;

	ret = 0;
	dma = vfio_find_dma_first(iommu, range.iova, end);
	for (node = dma ? &dma->node : NULL; node; node = rb_next(node)) {
		dma = rb_entry(node, struct vfio_dma, node);
		if (dma->iova > end)
			break;
		ret = vfio_dirty_report(iommu, dma, range.iova,
					range.bitmap.data, buf, true);
		if (ret)
			break;
		cond_resched();
	}
out:
	mutex_unlock(&iommu->lock);
	free_page((unsigned long)buf);
	return ret;
}

static long vfio_iommu_dirty_pages(struct vfio_iommu *iommu, void __user *arg)
{
	struct vfio_iommu_type1_dirty_bitmap dirty;
	size_t minsz = offsetofend(struct vfio_iommu_type1_dirty_bitmap, flags);
	u32 mask = VFIO_IOMMU_DIRTY_PAGES_FLAG_START |
		   VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |
		   VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	long ret = 0;

	/* As upstream: Type1 v1 containers have no dirty tracking. */
	if (!iommu->v2)
		return -EACCES;
	ret = vfio_copy_argsz(&dirty, arg, minsz);
	if (ret)
		return ret;
	/* Exactly one operation. */
	if (dirty.flags & ~mask ||
	    hweight32(dirty.flags) != 1)
		return -EINVAL;

	switch (dirty.flags) {
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_START:
		mutex_lock(&iommu->lock);
		ret = vfio_dirty_start(iommu);
		mutex_unlock(&iommu->lock);
		break;
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP:
		mutex_lock(&iommu->lock);
		vfio_dirty_stop(iommu);
		mutex_unlock(&iommu->lock);
		break;
	default:
		ret = vfio_dirty_get_bitmap(iommu, arg + minsz,
					    dirty.argsz - minsz);
	}
	return ret;
}

static long vfio_iommu_type1_ioctl(struct vfio_iommu *iommu, unsigned int cmd,
				   unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (cmd == VFIO_CHECK_EXTENSION)
		return vfio_check_extension(iommu, arg);
	if (!iommu)
		return -EINVAL;

	switch (cmd) {
	case VFIO_IOMMU_GET_INFO:
		return vfio_iommu_get_info(iommu, uarg);
	case VFIO_IOMMU_MAP_DMA:
		return vfio_iommu_map_dma(iommu, uarg);
	case VFIO_IOMMU_UNMAP_DMA:
		return vfio_iommu_unmap_dma(iommu, uarg);
	case VFIO_IOMMU_DIRTY_PAGES:
		return vfio_iommu_dirty_pages(iommu, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct vfio_iommu_driver_ops vfio_iommu_type1_ops = {
	.name			= "vfio-iommu-type1",
	.owner			= THIS_MODULE,
	.open			= vfio_iommu_type1_open,
	.release		= vfio_iommu_type1_release,
	.ioctl			= vfio_iommu_type1_ioctl,
	.attach_group		= vfio_iommu_type1_attach_group,
	.detach_group		= vfio_iommu_type1_detach_group,
	.pin_pages		= vfio_iommu_type1_pin_pages,
	.unpin_pages		= vfio_iommu_type1_unpin_pages,
	.register_device	= vfio_iommu_type1_register_device,
	.unregister_device	= vfio_iommu_type1_unregister_device,
	.dma_rw			= vfio_iommu_type1_dma_rw,
};

static int __init vfio_iommu_type1_init(void)
{
	return vfio_register_iommu_driver(&vfio_iommu_type1_ops);
}

static void __exit vfio_iommu_type1_exit(void)
{
	vfio_unregister_iommu_driver(&vfio_iommu_type1_ops);
}

module_init(vfio_iommu_type1_init);
module_exit(vfio_iommu_type1_exit);

MODULE_VERSION(VFIO_BACKPORTS_VERSION);
MODULE_LICENSE("GPL v2");
MODULE_AUTHOR("vfio-backports developers");
MODULE_DESCRIPTION("VFIO Type1 IOMMU backend (vfio-backports)");
