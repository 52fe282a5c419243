/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interfaces between the files of vfio-pci-core. */
#ifndef VFIO_PCI_PRIV_H
#define VFIO_PCI_PRIV_H

#include <linux/vfio_pci_core.h>

#include "compat.h"

/* Legacy VGA ranges that the VGA region passes through. */
#define VFIO_PCI_VGA_SIZE	0xc0000

extern bool vfio_pci_nointxmask;
extern bool vfio_pci_disable_vga;
extern bool vfio_pci_disable_idle_d3;

/* vfio_pci_config.c */
int vfio_pci_config_init(struct vfio_pci_core_device *vdev);
void vfio_pci_config_exit(struct vfio_pci_core_device *vdev);
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite);
bool vfio_pci_memory_enabled(struct vfio_pci_core_device *vdev);
bool vfio_pci_bars_reachable(struct vfio_pci_core_device *vdev);
void vfio_pci_vconfig_msi(struct vfio_pci_core_device *vdev, int nvec,
			  bool enable);
void vfio_pci_vconfig_msix(struct vfio_pci_core_device *vdev, bool enable);
int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev,
			     pci_power_t state);

/* vfio_pci_rdwr.c */
ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite);
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t *ppos, bool iswrite);
int vfio_pci_setup_barmap(struct vfio_pci_core_device *vdev, int bar);
long vfio_pci_ioeventfd(struct vfio_pci_core_device *vdev, loff_t offset,
			u64 data, int count, int fd);
void vfio_pci_ioeventfd_remove_all(struct vfio_pci_core_device *vdev);

/* vfio_pci_core.c */
void vfio_pci_zap_mmaps(struct vfio_pci_core_device *vdev);
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
					u16 cmd);
int vfio_pci_reset_locked(struct vfio_pci_core_device *vdev);

/* vfio_pci_sriov.c */
int vfio_pci_sriov_init(struct vfio_pci_core_device *vdev);
void vfio_pci_sriov_exit(struct vfio_pci_core_device *vdev);
void vfio_pci_sriov_open(struct vfio_pci_core_device *vdev);
void vfio_pci_sriov_close(struct vfio_pci_core_device *vdev);
void vfio_pci_sriov_disable(struct vfio_pci_core_device *vdev);
int vfio_pci_sriov_feature_token(struct vfio_pci_core_device *vdev,
				 u32 flags, void __user *arg, size_t argsz);

/* vfio_pci_dmabuf.c */
void vfio_pci_dma_buf_update(struct vfio_pci_core_device *vdev, bool zap);
void vfio_pci_dma_buf_close(struct vfio_pci_core_device *vdev);
int vfio_pci_core_feature_dma_buf(struct vfio_pci_core_device *vdev,
				  u32 flags,
				  struct vfio_device_feature_dma_buf __user *arg,
				  size_t argsz);

/* vfio_pci_intrs.c */
int vfio_pci_irq_count(struct vfio_pci_core_device *vdev, int irq_type);
int vfio_pci_set_irqs_ioctl(struct vfio_pci_core_device *vdev, u32 flags,
			    unsigned int index, unsigned int start,
			    unsigned int count, void *data);
void vfio_pci_irqs_disable_all(struct vfio_pci_core_device *vdev);
bool vfio_pci_intx_mask(struct vfio_pci_core_device *vdev);
void vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev);

/* vfio_pci_power.c */
void vfio_pci_low_power_suspend(struct vfio_pci_core_device *vdev);
void vfio_pci_low_power_resume(struct vfio_pci_core_device *vdev);
void vfio_pci_runtime_pm_exit(struct vfio_pci_core_device *vdev);
int vfio_pci_core_pm_entry(struct vfio_pci_core_device *vdev, u32 flags,
			   void __user *arg, size_t argsz);
int vfio_pci_core_pm_entry_with_wakeup(struct vfio_pci_core_device *vdev,
				       u32 flags, void __user *arg,
				       size_t argsz);
int vfio_pci_core_pm_exit(struct vfio_pci_core_device *vdev, u32 flags,
			  void __user *arg, size_t argsz);

#endif /* VFIO_PCI_PRIV_H */
