/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KVM looks VFIO up with symbol_get() by name (virt/kvm/vfio.c). The core
 * exports every family of those names (src/core/kvm.c); the build must stop
 * if the target kernel declares its family with other prototypes, or a
 * family the bundle does not know, because KVM would then call into the
 * bundle with the wrong arguments or silently lose the VFIO device.
 */
#ifndef VFIO_BACKPORTS_KVM_CHECK_H
#define VFIO_BACKPORTS_KVM_CHECK_H

#if IS_ENABLED(CONFIG_KVM) && !defined(HAVE_KVM_VFIO_EXTERNAL_USER) && \
	!defined(HAVE_KVM_VFIO_FILE_IS_GROUP) && \
	!defined(HAVE_KVM_VFIO_FILE_IS_VALID)
#error "the target kernel's KVM expects VFIO symbols the bundle does not export with matching prototypes (see compat/probes/kvm_vfio_*.c)"
#endif

#endif /* VFIO_BACKPORTS_KVM_CHECK_H */
