/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundle's in-kernel VFIO API. It shadows the target kernel's own
 * <linux/vfio.h>: bus drivers built in the bundle see this one only.
 *
 * A bus driver's device structure embeds struct vfio_device:
 *
 *	struct foo_device {
 *		struct vfio_device vdev;	(first member)
 *		...
 *	};
 *
 *	foo = vfio_alloc_device(foo_device, vdev, &pdev->dev, &foo_ops);
 *	ret = vfio_register_group_dev(&foo->vdev);
 *	...
 *	vfio_unregister_group_dev(&foo->vdev);	(waits for every user)
 *	vfio_put_device(&foo->vdev);		(frees foo)
 *
 * Callbacks get the struct vfio_device and reach foo with container_of().
 */
#ifndef VFIO_BACKPORTS_LINUX_VFIO_H
#define VFIO_BACKPORTS_LINUX_VFIO_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/pm_runtime.h>
#include <linux/refcount.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <uapi/linux/vfio.h>

/* Lets a build tell the bundle's header from a kernel's. */
#define VFIO_BACKPORTS_KAPI 1

/*
 * The bundle exports everything in the VFIO_BACKPORTS namespace
 * (compat/symbol_namespace.h); a module that includes this header imports
 * it. A module built against a kernel's own <linux/vfio.h> does not, and
 * the module loader refuses it instead of letting it run on structures
 * whose layout it does not know.
 */
MODULE_INFO(import_ns, "VFIO_BACKPORTS");

struct kvm;
struct vfio_group;
struct vfio_iommu;
struct eventfd_ctx;

/*
 * Devices that can only be reset together (a PCI slot or bus) share a set;
 * its lock serialises their open and close.
 */
struct vfio_device_set {
	void *set_id;
	struct mutex lock;
	struct list_head device_list;
	unsigned int device_count;
};

struct vfio_device {
	/* For bus drivers. */
	struct device *dev;			/* the device being driven */
	const struct vfio_device_ops *ops;
	struct vfio_device_set *dev_set;	/* never NULL once registered */
	struct list_head dev_set_list;
	/*
	 * A driver with runtime PM keeps its open device resumed, except
	 * while it has set low_power (then a full barrier, then the put of
	 * its reference): vfio_device_pm_get() resumes only then.
	 */
	bool low_power;

	/* Private to the core. */
	struct device device;			/* vfio-dev/vfioN; owns the memory */
	int index;
	refcount_t refcount;			/* registration + device fds */
	struct completion comp;			/* last reference dropped */
	unsigned int open_count;		/* under dev_set->lock */
	struct vfio_group *group;
	struct list_head group_next;
	bool emulated_iommu;
};

/**
 * struct vfio_device_ops - what a bus driver does for the core
 * @name: driver name, for logs
 * @init: set up the embedding structure after allocation (optional)
 * @release: undo @init before the memory is freed (optional)
 * @open_device: first open of the device fd
 * @close_device: last close of the device fd
 * @read: read() on the device fd
 * @write: write() on the device fd
 * @ioctl: device ioctls the core does not handle itself
 * @mmap: mmap() on the device fd
 * @request: ask user space to release the device; @count grows per call
 * @match: does @buf name this device? >0 yes, 0 no, <0 error (optional:
 *	   the default compares with dev_name())
 * @dma_unmap: an IOVA range is being unmapped (emulated IOMMU devices)
 * @device_feature: VFIO_DEVICE_FEATURE, after the core checked the flags
 */
struct vfio_device_ops {
	const char *name;
	int (*init)(struct vfio_device *vdev);
	void (*release)(struct vfio_device *vdev);
	int (*open_device)(struct vfio_device *vdev);
	void (*close_device)(struct vfio_device *vdev);
	ssize_t (*read)(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos);
	ssize_t (*write)(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *ppos);
	long (*ioctl)(struct vfio_device *vdev, unsigned int cmd,
		      unsigned long arg);
	int (*mmap)(struct vfio_device *vdev, struct vm_area_struct *vma);
	void (*request)(struct vfio_device *vdev, unsigned int count);
	int (*match)(struct vfio_device *vdev, char *buf);
	void (*dma_unmap)(struct vfio_device *vdev, u64 iova, u64 length);
	int (*device_feature)(struct vfio_device *vdev, u32 flags,
			      void __user *arg, size_t argsz);
};

/* Allocation, registration, teardown. */
struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops);
/*
 * The vfio_device must be the first member, so that the allocation the
 * core frees is the driver's structure.
 */
#define vfio_alloc_device(dev_struct, member, dev, ops)			\
	container_of(_vfio_alloc_device(sizeof(struct dev_struct) +	\
					BUILD_BUG_ON_ZERO(offsetof(	\
						struct dev_struct, member)), \
					dev, ops),			\
		     struct dev_struct, member)

/*
 * A reference that vfio_unregister_group_dev() waits for, as for an open
 * device fd: for objects that use the device on their own (vfio-pci's
 * dma-bufs). Try-get fails once unregistration has begun.
 */
bool vfio_device_try_get_registration(struct vfio_device *vdev);
void vfio_device_put_registration(struct vfio_device *vdev);

/*
 * Keep a device with runtime PM powered for one ioctl or access. The
 * driver cannot change while a device fd is open.
 *
 * Such a driver keeps an open device resumed unless it has set low_power,
 * which it does before a full barrier and the put of its own reference.
 * The count is taken before the flag is read, so a clear flag means the
 * device is up and cannot suspend until the put. That common case is
 * inline and costs two atomics, not the PM core's lock: it runs on every
 * ioctl and region access. A flag cleared by the driver's runtime resume
 * callback is as good: the bus restored the device first.
 */
int vfio_device_pm_resume(struct vfio_device *vdev);

static inline bool vfio_device_has_pm(const struct vfio_device *vdev)
{
	return vdev->dev->driver && vdev->dev->driver->pm;
}

static inline int vfio_device_pm_get(struct vfio_device *vdev)
{
	if (!vfio_device_has_pm(vdev))
		return 0;
	pm_runtime_get_noresume(vdev->dev);
	/* Pairs with the barrier between setting low_power and the put. */
	smp_mb__after_atomic();
	if (likely(!READ_ONCE(vdev->low_power)))
		return 0;
	return vfio_device_pm_resume(vdev);
}

/*
 * Only the put that drops the last reference has to let the device
 * suspend, and with the flag clear the driver still holds one. The flag
 * is read after the count drops: if the driver set it and put its own
 * reference in between, this put may be the last, and asks for idle.
 */
static inline void vfio_device_pm_put(struct vfio_device *vdev)
{
	if (!vfio_device_has_pm(vdev))
		return;
	pm_runtime_put_noidle(vdev->dev);
	/* Pairs with the barrier between setting low_power and the put. */
	smp_mb__after_atomic();
	if (unlikely(READ_ONCE(vdev->low_power)))
		pm_request_idle(vdev->dev);
}

static inline void vfio_put_device(struct vfio_device *vdev)
{
	put_device(&vdev->device);
}

int vfio_register_group_dev(struct vfio_device *vdev);
int vfio_register_emulated_iommu_dev(struct vfio_device *vdev);
void vfio_unregister_group_dev(struct vfio_device *vdev);

/* Reset sets. */
int vfio_assign_device_set(struct vfio_device *vdev, void *set_id);
unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set);
struct vfio_device *
vfio_find_device_in_devset(struct vfio_device_set *dev_set,
			   struct device *dev);

/* Files user space passes back to prove ownership (hot reset). */
bool vfio_file_is_group(struct file *file);
bool vfio_file_has_dev(struct file *file, struct vfio_device *vdev);

/*
 * For KVM, which finds them with symbol_get(): kernels up to 5.18 use the
 * external_user family, later ones the vfio_file_ family.
 */
struct vfio_group *vfio_group_get_external_user(struct file *file);
void vfio_group_put_external_user(struct vfio_group *group);
bool vfio_external_group_match_file(struct vfio_group *group,
				    struct file *file);
long vfio_external_check_extension(struct vfio_group *group,
				   unsigned long arg);
void vfio_group_set_kvm(struct vfio_group *group, struct kvm *kvm);
bool vfio_file_is_valid(struct file *file);
bool vfio_file_enforced_coherent(struct file *file);
void vfio_file_set_kvm(struct file *file, struct kvm *kvm);

/*
 * The head of an argsz-led ioctl argument: copy its first @minsz bytes
 * into @kptr; -EFAULT if they cannot be read, -EINVAL if the caller's own
 * argsz says it passed fewer. Flags and the rest are the caller's to check.
 */
static inline int __vfio_copy_argsz(void *kptr, u32 argsz_off,
				    const void __user *uptr, size_t minsz)
{
	u32 argsz;

	if (copy_from_user(kptr, uptr, minsz))
		return -EFAULT;
	memcpy(&argsz, (u8 *)kptr + argsz_off, sizeof(argsz));
	return argsz < minsz ? -EINVAL : 0;
}

#define vfio_copy_argsz(kptr, uptr, minsz)				\
	__vfio_copy_argsz((kptr), offsetof(typeof(*(kptr)), argsz),	\
			  (uptr), (minsz))

/* VFIO_DEVICE_FEATURE: 1 = do it, 0 = probe answered, <0 = error. */
int vfio_check_feature(u32 flags, size_t argsz, u32 supported_ops,
		       size_t minsz);

/* Capability chains for the *_GET_INFO ioctls. */
struct vfio_info_cap {
	struct vfio_info_cap_header *buf;
	size_t size;
};
struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps,
					       size_t size, u16 id,
					       u16 version);
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset);
int vfio_info_cap_copy_out(struct vfio_info_cap *caps, void __user *arg,
			   size_t infosz, u32 *argsz, u32 *cap_offset);
int vfio_info_add_capability(struct vfio_info_cap *caps,
			     struct vfio_info_cap_header *cap, size_t size);

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       int num_irqs, int max_irq_type,
				       size_t *data_size);

/*
 * Emulated-IOMMU devices: access user memory through the container, with
 * the device open. A device that pins must have a dma_unmap callback and
 * drop its pins there; at most VFIO_PIN_PAGES_MAX_ENTRIES per call.
 */
#define VFIO_PIN_PAGES_MAX_ENTRIES	(PAGE_SIZE / sizeof(unsigned long))
int vfio_pin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage,
		   int prot, struct page **pages);
void vfio_unpin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage);
int vfio_dma_rw(struct vfio_device *vdev, dma_addr_t iova, void *data,
		size_t len, bool write);

/* IOMMU backends (vfio_iommu_type1). */
enum vfio_group_type {
	VFIO_IOMMU,		/* a real IOMMU group */
	VFIO_EMULATED_IOMMU,	/* a group the core made for one mdev */
	VFIO_NO_IOMMU,		/* one the core made: no IOMMU at all */
};

/**
 * struct vfio_iommu_driver_ops - an IOMMU backend for containers
 * @name: backend name
 * @owner: module, pinned while a container uses the backend
 * @open: VFIO_SET_IOMMU with model @arg; returns the backend's data or an
 *	  ERR_PTR (-EINVAL for a model it does not serve)
 * @release: the container goes away
 * @ioctl: container ioctls; called with @iommu NULL for
 *	   VFIO_CHECK_EXTENSION before any model is set
 * @attach_group: a group joins the container
 * @detach_group: a group leaves the container
 * @pin_pages: see vfio_pin_pages()
 * @unpin_pages: see vfio_unpin_pages()
 * @register_device: a device of an attached group is opened
 * @unregister_device: it is closed
 * @dma_rw: see vfio_dma_rw()
 */
struct vfio_iommu_driver_ops {
	const char *name;
	struct module *owner;
	struct vfio_iommu *(*open)(unsigned long arg);
	void (*release)(struct vfio_iommu *iommu);
	long (*ioctl)(struct vfio_iommu *iommu, unsigned int cmd,
		      unsigned long arg);
	int (*attach_group)(struct vfio_iommu *iommu,
			    struct iommu_group *group,
			    enum vfio_group_type type);
	void (*detach_group)(struct vfio_iommu *iommu,
			     struct iommu_group *group);
	int (*pin_pages)(struct vfio_iommu *iommu, struct iommu_group *group,
			 dma_addr_t iova, int npage, int prot,
			 struct page **pages);
	void (*unpin_pages)(struct vfio_iommu *iommu, dma_addr_t iova,
			    int npage);
	void (*register_device)(struct vfio_iommu *iommu,
				struct vfio_device *vdev);
	void (*unregister_device)(struct vfio_iommu *iommu,
				  struct vfio_device *vdev);
	int (*dma_rw)(struct vfio_iommu *iommu, dma_addr_t iova, void *data,
		      size_t count, bool write);
};

int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops);
void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops);

/* Eventfd-triggered handlers: INTx unmask, platform IRQ unmask. */
struct virqfd {
	void *opaque;
	struct eventfd_ctx *eventfd;
	int (*handler)(void *opaque, void *data);
	void (*thread)(void *opaque, void *data);
	void *data;
	struct work_struct inject;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct shutdown;
	struct work_struct flush_inject;
	struct virqfd **pvirqfd;
};

int vfio_virqfd_enable(void *opaque, int (*handler)(void *, void *),
		       void (*thread)(void *, void *), void *data,
		       struct virqfd **pvirqfd, int fd);
void vfio_virqfd_disable(struct virqfd **pvirqfd);
void vfio_virqfd_flush_thread(struct virqfd **pvirqfd);

#endif /* VFIO_BACKPORTS_LINUX_VFIO_H */
