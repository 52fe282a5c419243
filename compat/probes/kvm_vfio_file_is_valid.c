// SPDX-License-Identifier: GPL-2.0
/*
 * HAVE_KVM_VFIO_FILE_IS_VALID: the kernel's KVM accepts any VFIO file
 * (group or device cdev) through vfio_file_is_valid(), with
 * vfio_file_enforced_coherent() and vfio_file_set_kvm(), with the
 * prototypes the bundle exports.
 * Upstream: "kvm/vfio: Accept vfio device file from userspace" (v6.6).
 */
#include <linux/vfio.h>

#define SAME_TYPE(fn, type) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&fn), type), #fn)

SAME_TYPE(vfio_file_is_valid, bool (*)(struct file *));
SAME_TYPE(vfio_file_enforced_coherent, bool (*)(struct file *));
SAME_TYPE(vfio_file_set_kvm, void (*)(struct file *, struct kvm *));
