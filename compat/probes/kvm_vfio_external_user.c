// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_KVM_VFIO_EXTERNAL_USER: the kernel's KVM finds VFIO through the
 * vfio_group_*external_user family, with exactly the prototypes the bundle
 * exports (src/core/kvm.c). Replaced upstream by "vfio: Change
 * vfio_external_user_iommu_id() to vfio_file_iommu_group()" and the rest of
 * that series (v5.19).
 */
#include <linux/vfio.h>

#define SAME_TYPE(fn, type) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&fn), type), #fn)

SAME_TYPE(vfio_group_get_external_user, struct vfio_group *(*)(struct file *));
SAME_TYPE(vfio_group_put_external_user, void (*)(struct vfio_group *));
SAME_TYPE(vfio_external_group_match_file,
	  bool (*)(struct vfio_group *, struct file *));
SAME_TYPE(vfio_external_check_extension,
	  long (*)(struct vfio_group *, unsigned long));
SAME_TYPE(vfio_group_set_kvm, void (*)(struct vfio_group *, struct kvm *));
