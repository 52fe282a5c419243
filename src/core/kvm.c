// SPDX-License-Identifier: GPL-2.0-only
/*
 * What KVM's VFIO pseudo-device calls, found by name with symbol_get().
 * Both families are exported on every kernel; compat/kvm_check.h stops the
 * build if the target's KVM expects other prototypes. KVM uses them to
 * learn whether DMA is cache coherent (else it emulates WBINVD) and to tell
 * the group which VM it serves.
 */
#include <linux/file.h>
#include <linux/module.h>

#include "compat.h"
#include "vfio_core.h"

/* Called with group->lock held. */
bool vfio_group_enforced_coherent(struct vfio_group *group)
{
	/* Without a container there is no DMA yet to be incoherent. */
	if (!group->container)
		return true;
	return vfio_container_check_extension(group->container,
					      VFIO_DMA_CC_IOMMU) > 0;
}

static struct vfio_group *vfio_group_of_file(struct file *file)
{
	return vfio_file_is_group(file) ? file->private_data : NULL;
}

static void vfio_group_set_kvm_locked(struct vfio_group *group,
				      struct kvm *kvm)
{
	mutex_lock(&group->lock);
	group->kvm = kvm;
	mutex_unlock(&group->lock);
}

/* ---- Up to 5.18 ---- */

struct vfio_group *vfio_group_get_external_user(struct file *file)
{
	struct vfio_group *group = vfio_group_of_file(file);
	int ret = 0;

	if (!group)
		return ERR_PTR(-EINVAL);
	mutex_lock(&group->lock);
	/*
	 * KVM may only hold a group that is inside an IOMMU context, and holds
	 * the group file like a device fd does, so it stays there.
	 */
	if (!group->container) {
		ret = -EINVAL;
	} else {
		group->container_users++;
		get_file(group->opened_file);
	}
	mutex_unlock(&group->lock);
	return ret ? ERR_PTR(ret) : group;
}
EXPORT_SYMBOL_GPL(vfio_group_get_external_user);

void vfio_group_put_external_user(struct vfio_group *group)
{
	struct file *file = group->opened_file;

	vfio_group_device_closed(group);
	fput(file);
}
EXPORT_SYMBOL_GPL(vfio_group_put_external_user);

bool vfio_external_group_match_file(struct vfio_group *group,
				    struct file *file)
{
	return vfio_group_of_file(file) == group;
}
EXPORT_SYMBOL_GPL(vfio_external_group_match_file);

long vfio_external_check_extension(struct vfio_group *group,
				   unsigned long arg)
{
	long ret = 0;

	mutex_lock(&group->lock);
	if (group->container)
		ret = vfio_container_check_extension(group->container, arg);
	mutex_unlock(&group->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_external_check_extension);

void vfio_group_set_kvm(struct vfio_group *group, struct kvm *kvm)
{
	vfio_group_set_kvm_locked(group, kvm);
}
EXPORT_SYMBOL_GPL(vfio_group_set_kvm);

/* ---- 5.19 and later ---- */

bool vfio_file_is_valid(struct file *file)
{
	return vfio_file_is_group(file);
}
EXPORT_SYMBOL_GPL(vfio_file_is_valid);

bool vfio_file_enforced_coherent(struct file *file)
{
	struct vfio_group *group = vfio_group_of_file(file);
	bool ret;

	if (!group)
		return true;
	mutex_lock(&group->lock);
	ret = vfio_group_enforced_coherent(group);
	mutex_unlock(&group->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_file_enforced_coherent);

void vfio_file_set_kvm(struct file *file, struct kvm *kvm)
{
	struct vfio_group *group = vfio_group_of_file(file);

	if (group)
		vfio_group_set_kvm_locked(group, kvm);
}
EXPORT_SYMBOL_GPL(vfio_file_set_kvm);
