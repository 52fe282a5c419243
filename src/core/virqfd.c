// SPDX-License-Identifier: GPL-2.0-only
/*
 * virqfd: run a handler when user space signals an eventfd. Bus drivers
 * use it for the unmask eventfd of level-triggered interrupts: the handler
 * runs in the eventfd's wakeup (atomic), and an optional thread part in a
 * work item.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "compat.h"
#include "vfio_core.h"

static struct workqueue_struct *vfio_virqfd_cleanup_wq;
/* Protects every *pvirqfd slot against the wakeup's hangup path. */
static DEFINE_SPINLOCK(virqfd_lock);

int vfio_virqfd_init(void)
{
	vfio_virqfd_cleanup_wq = alloc_workqueue("vfio-irqfd-cleanup", WQ_UNBOUND, 0);
	return vfio_virqfd_cleanup_wq ? 0 : -ENOMEM;
}

void vfio_virqfd_exit(void)
{
	destroy_workqueue(vfio_virqfd_cleanup_wq);
}

/* Called with virqfd_lock held. */
static void virqfd_deactivate(struct virqfd *virqfd)
{
	queue_work(vfio_virqfd_cleanup_wq, &virqfd->shutdown);
}

static int virqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			 int sync, void *key)
{
	struct virqfd *virqfd = container_of(wait, struct virqfd, wait);
	__poll_t flags = key_to_poll(key);
	unsigned long irqflags;

	if (flags & EPOLLIN) {
		/* Consume the count so the next signal wakes us again. */
		vfio_compat_eventfd_consume(virqfd->eventfd);
		if ((!virqfd->handler ||
		     virqfd->handler(virqfd->opaque, virqfd->data)) &&
		    virqfd->thread)
			schedule_work(&virqfd->inject);
	}

	if (flags & EPOLLHUP) {
		/* The eventfd is going away: so is this virqfd. */
		spin_lock_irqsave(&virqfd_lock, irqflags);
		if (*virqfd->pvirqfd == virqfd) {
			*virqfd->pvirqfd = NULL;
			virqfd_deactivate(virqfd);
		}
		spin_unlock_irqrestore(&virqfd_lock, irqflags);
	}
	return 0;
}

static void virqfd_ptable_queue_proc(struct file *file,
				     wait_queue_head_t *wqh, poll_table *pt)
{
	struct virqfd *virqfd = container_of(pt, struct virqfd, pt);

	add_wait_queue(wqh, &virqfd->wait);
}

static void virqfd_shutdown(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, shutdown);
	u64 cnt;

	eventfd_ctx_remove_wait_queue(virqfd->eventfd, &virqfd->wait, &cnt);
	flush_work(&virqfd->inject);
	eventfd_ctx_put(virqfd->eventfd);
	kfree(virqfd);
}

static void virqfd_inject(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, inject);

	if (virqfd->thread)
		virqfd->thread(virqfd->opaque, virqfd->data);
}

static void virqfd_flush_inject(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd,
					     flush_inject);

	flush_work(&virqfd->inject);
}

int vfio_virqfd_enable(void *opaque, int (*handler)(void *, void *),
		       void (*thread)(void *, void *), void *data,
		       struct virqfd **pvirqfd, int fd)
{
	struct eventfd_ctx *ctx;
	struct virqfd *virqfd;
	struct file *file;
	__poll_t events;
	int ret;

	virqfd = kzalloc(sizeof(*virqfd), GFP_KERNEL_ACCOUNT);
	if (!virqfd)
		return -ENOMEM;
	virqfd->pvirqfd = pvirqfd;
	virqfd->opaque = opaque;
	virqfd->handler = handler;
	virqfd->thread = thread;
	virqfd->data = data;
	INIT_WORK(&virqfd->shutdown, virqfd_shutdown);
	INIT_WORK(&virqfd->inject, virqfd_inject);
	INIT_WORK(&virqfd->flush_inject, virqfd_flush_inject);

	file = fget(fd);
	if (!file) {
		ret = -EBADF;
		goto err_free;
	}
	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto err_fput;
	}
	virqfd->eventfd = ctx;

	spin_lock_irq(&virqfd_lock);
	if (*pvirqfd) {
		spin_unlock_irq(&virqfd_lock);
		ret = -EBUSY;
		goto err_ctx;
	}
	*pvirqfd = virqfd;
	spin_unlock_irq(&virqfd_lock);

	init_waitqueue_func_entry(&virqfd->wait, virqfd_wakeup);
	init_poll_funcptr(&virqfd->pt, virqfd_ptable_queue_proc);
	events = vfs_poll(file, &virqfd->pt);

	/* Signalled before we listened: act on it now. */
	if (events & EPOLLIN) {
		if ((!handler || handler(opaque, data)) && thread)
			schedule_work(&virqfd->inject);
	}
	fput(file);
	return 0;

err_ctx:
	eventfd_ctx_put(ctx);
err_fput:
	fput(file);
err_free:
	kfree(virqfd);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_virqfd_enable);

void vfio_virqfd_disable(struct virqfd **pvirqfd)
{
	unsigned long flags;

	spin_lock_irqsave(&virqfd_lock, flags);
	if (*pvirqfd) {
		virqfd_deactivate(*pvirqfd);
		*pvirqfd = NULL;
	}
	spin_unlock_irqrestore(&virqfd_lock, flags);

	/* The handler must not run after we return. */
	flush_workqueue(vfio_virqfd_cleanup_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_disable);

void vfio_virqfd_flush_thread(struct virqfd **pvirqfd)
{
	unsigned long flags;

	spin_lock_irqsave(&virqfd_lock, flags);
	if (*pvirqfd && (*pvirqfd)->thread)
		queue_work(vfio_virqfd_cleanup_wq, &(*pvirqfd)->flush_inject);
	spin_unlock_irqrestore(&virqfd_lock, flags);

	flush_workqueue(vfio_virqfd_cleanup_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_flush_thread);
