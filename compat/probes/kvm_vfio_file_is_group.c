// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_KVM_VFIO_FILE_IS_GROUP: the kernel's KVM finds VFIO through
 * vfio_file_is_group(), vfio_file_enforced_coherent() and
 * vfio_file_set_kvm(), with the prototypes the bundle exports.
 * Upstream: "kvm/vfio: Store the struct file in the kvm_vfio_group" and its
 * series (v5.19).
 */
#include <linux/vfio.h>

#define SAME_TYPE(fn, type) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&fn), type), #fn)

SAME_TYPE(vfio_file_is_group, bool (*)(struct file *));
SAME_TYPE(vfio_file_enforced_coherent, bool (*)(struct file *));
SAME_TYPE(vfio_file_set_kvm, void (*)(struct file *, struct kvm *));
