/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vfio.ko: groups, containers and the state they share.
 */
#ifndef VFIO_BACKPORTS_CORE_H
#define VFIO_BACKPORTS_CORE_H

#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/vfio.h>

struct vfio_container;

/*
 * One per IOMMU group that has at least one registered vfio device. Its
 * struct device (class "vfio", /dev/vfio/$ID) owns the memory.
 */
struct vfio_group {
	struct device dev;
	struct cdev cdev;
	struct iommu_group *iommu_group;
	enum vfio_group_type type;
	struct list_head vfio_next;		/* vfio.group_list */
	unsigned int registered;		/* devices; under vfio.group_lock */

	struct mutex lock;			/* everything below */
	struct list_head device_list;
	struct file *opened_file;		/* the one open of the node */
	struct vfio_container *container;
	bool revoked;				/* its last device is gone */
	struct list_head container_next;	/* container->group_list */
	unsigned int container_users;		/* open device fds and KVM */
	struct kvm *kvm;			/* set by KVM's VFIO device */
};

struct vfio_container {
	struct kref kref;
	struct rw_semaphore lock;		/* groups and backend */
	struct list_head group_list;
	const struct vfio_iommu_driver_ops *backend;
	struct vfio_iommu *iommu;
	bool noiommu;				/* holds no-IOMMU groups */
};

/* group.c */
int vfio_group_init(void);
void vfio_group_exit(void);
struct vfio_group *vfio_group_get_for_dev(struct device *dev,
					  enum vfio_group_type type);
void vfio_group_put_for_dev(struct vfio_group *group, struct device *dev);
int vfio_group_add_device(struct vfio_group *group, struct vfio_device *vdev);
void vfio_group_remove_device(struct vfio_group *group,
			      struct vfio_device *vdev);
void vfio_group_device_closed(struct vfio_group *group);

/* kvm.c */
bool vfio_group_enforced_coherent(struct vfio_group *group);

/* container.c */
extern const struct file_operations vfio_container_fops;
bool vfio_file_is_container(struct file *file);
int vfio_container_attach_group(struct vfio_container *container,
				struct vfio_group *group);
void vfio_container_detach_group(struct vfio_group *group);
void vfio_container_get(struct vfio_container *container);
void vfio_container_put(struct vfio_container *container);
void vfio_container_device_open(struct vfio_container *container,
				struct vfio_device *vdev);
void vfio_container_device_close(struct vfio_container *container,
				 struct vfio_device *vdev);
long vfio_container_check_extension(struct vfio_container *container,
				    unsigned long arg);
int vfio_container_init(void);
void vfio_container_exit(void);

/* vfio_main.c */
extern bool vfio_noiommu;
struct file *vfio_device_open_file(struct vfio_device *vdev);

/* virqfd.c */
int vfio_virqfd_init(void);
void vfio_virqfd_exit(void);

#endif /* VFIO_BACKPORTS_CORE_H */
