// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO user ABI as numbers: one "name value" line for every ioctl
 * number, flag, constant, enumerator, structure size and alignment, and
 * field offset and size of <linux/vfio.h>. tests/build/uapi-abi builds it
 * once against the bundle's header and once against upstream's and
 * compares the two outputs line by line; it also checks that every name
 * of upstream's header is listed here (or left out on purpose), so an
 * item cannot be forgotten. Host <linux/types.h> and <linux/ioctl.h> serve
 * both builds: they are ABI-stable.
 */
#include <stddef.h>
#include <stdio.h>
#include <linux/stddef.h>

/* Newer upstream headers annotate flexible arrays; it is not ABI. */
#ifndef __counted_by
#define __counted_by(m)
#endif

#include <linux/vfio.h>

#define NUM(x)		printf("%s %lld\n", #x, (long long)(x))
#define STR(x)		printf("%s \"%s\"\n", #x, x)
#define STRUCT(s)	printf("struct %s size %zu align %zu\n", #s,	\
			       sizeof(struct s), _Alignof(struct s))
#define FIELD(s, f)	printf("struct %s.%s offset %zu size %zu\n", #s, #f, \
			       offsetof(struct s, f),			\
			       sizeof(((struct s *)0)->f))
#define FLEX(s, f)	printf("struct %s.%s[] offset %zu element %zu\n",	\
			       #s, #f, offsetof(struct s, f),		\
			       sizeof(((struct s *)0)->f[0]))

static void container_and_group(void)
{
	NUM(VFIO_API_VERSION);
	NUM(VFIO_TYPE1_IOMMU);
	NUM(VFIO_SPAPR_TCE_IOMMU);
	NUM(VFIO_TYPE1v2_IOMMU);
	NUM(VFIO_DMA_CC_IOMMU);
	NUM(VFIO_EEH);
	NUM(__VFIO_RESERVED_TYPE1_NESTING_IOMMU);
	NUM(VFIO_SPAPR_TCE_v2_IOMMU);
	NUM(VFIO_NOIOMMU_IOMMU);
	NUM(VFIO_UNMAP_ALL);
	NUM(VFIO_UPDATE_VADDR);
	NUM(VFIO_TYPE);
	NUM(VFIO_BASE);

	STRUCT(vfio_info_cap_header);
	FIELD(vfio_info_cap_header, id);
	FIELD(vfio_info_cap_header, version);
	FIELD(vfio_info_cap_header, next);

	NUM(VFIO_GET_API_VERSION);
	NUM(VFIO_CHECK_EXTENSION);
	NUM(VFIO_SET_IOMMU);

	STRUCT(vfio_group_status);
	FIELD(vfio_group_status, argsz);
	FIELD(vfio_group_status, flags);
	NUM(VFIO_GROUP_FLAGS_VIABLE);
	NUM(VFIO_GROUP_FLAGS_CONTAINER_SET);
	NUM(VFIO_GROUP_GET_STATUS);
	NUM(VFIO_GROUP_SET_CONTAINER);
	NUM(VFIO_GROUP_UNSET_CONTAINER);
	NUM(VFIO_GROUP_GET_DEVICE_FD);
}

static void device_info(void)
{
	STRUCT(vfio_device_info);
	FIELD(vfio_device_info, argsz);
	FIELD(vfio_device_info, flags);
	FIELD(vfio_device_info, num_regions);
	FIELD(vfio_device_info, num_irqs);
	FIELD(vfio_device_info, cap_offset);
	FIELD(vfio_device_info, pad);
	NUM(VFIO_DEVICE_FLAGS_RESET);
	NUM(VFIO_DEVICE_FLAGS_PCI);
	NUM(VFIO_DEVICE_FLAGS_PLATFORM);
	NUM(VFIO_DEVICE_FLAGS_AMBA);
	NUM(VFIO_DEVICE_FLAGS_CCW);
	NUM(VFIO_DEVICE_FLAGS_AP);
	NUM(VFIO_DEVICE_FLAGS_FSL_MC);
	NUM(VFIO_DEVICE_FLAGS_CAPS);
	NUM(VFIO_DEVICE_FLAGS_CDX);
	NUM(VFIO_DEVICE_GET_INFO);

	STR(VFIO_DEVICE_API_PCI_STRING);
	STR(VFIO_DEVICE_API_PLATFORM_STRING);
	STR(VFIO_DEVICE_API_AMBA_STRING);
	STR(VFIO_DEVICE_API_CCW_STRING);
	STR(VFIO_DEVICE_API_AP_STRING);

	NUM(VFIO_DEVICE_INFO_CAP_ZPCI_BASE);
	NUM(VFIO_DEVICE_INFO_CAP_ZPCI_GROUP);
	NUM(VFIO_DEVICE_INFO_CAP_ZPCI_UTIL);
	NUM(VFIO_DEVICE_INFO_CAP_ZPCI_PFIP);
	NUM(VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP);
	STRUCT(vfio_device_info_cap_pci_atomic_comp);
	FIELD(vfio_device_info_cap_pci_atomic_comp, header);
	FIELD(vfio_device_info_cap_pci_atomic_comp, flags);
	FIELD(vfio_device_info_cap_pci_atomic_comp, reserved);
	NUM(VFIO_PCI_ATOMIC_COMP32);
	NUM(VFIO_PCI_ATOMIC_COMP64);
	NUM(VFIO_PCI_ATOMIC_COMP128);
}

static void regions(void)
{
	unsigned int s;

	STRUCT(vfio_region_info);
	FIELD(vfio_region_info, argsz);
	FIELD(vfio_region_info, flags);
	FIELD(vfio_region_info, index);
	FIELD(vfio_region_info, cap_offset);
	FIELD(vfio_region_info, size);
	FIELD(vfio_region_info, offset);
	NUM(VFIO_REGION_INFO_FLAG_READ);
	NUM(VFIO_REGION_INFO_FLAG_WRITE);
	NUM(VFIO_REGION_INFO_FLAG_MMAP);
	NUM(VFIO_REGION_INFO_FLAG_CAPS);
	NUM(VFIO_DEVICE_GET_REGION_INFO);

	NUM(VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	STRUCT(vfio_region_sparse_mmap_area);
	FIELD(vfio_region_sparse_mmap_area, offset);
	FIELD(vfio_region_sparse_mmap_area, size);
	STRUCT(vfio_region_info_cap_sparse_mmap);
	FIELD(vfio_region_info_cap_sparse_mmap, header);
	FIELD(vfio_region_info_cap_sparse_mmap, nr_areas);
	FIELD(vfio_region_info_cap_sparse_mmap, reserved);
	FLEX(vfio_region_info_cap_sparse_mmap, areas);

	NUM(VFIO_REGION_INFO_CAP_TYPE);
	STRUCT(vfio_region_info_cap_type);
	FIELD(vfio_region_info_cap_type, header);
	FIELD(vfio_region_info_cap_type, type);
	FIELD(vfio_region_info_cap_type, subtype);

	NUM(VFIO_REGION_TYPE_PCI_VENDOR_TYPE);
	NUM(VFIO_REGION_TYPE_PCI_VENDOR_MASK);
	NUM(VFIO_REGION_TYPE_GFX);
	NUM(VFIO_REGION_TYPE_CCW);
	NUM(VFIO_REGION_TYPE_MIGRATION_DEPRECATED);
	NUM(VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION);
	NUM(VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG);
	NUM(VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG);
	NUM(VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM);
	NUM(VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD);
	NUM(VFIO_REGION_SUBTYPE_GFX_EDID);

	STRUCT(vfio_region_gfx_edid);
	FIELD(vfio_region_gfx_edid, edid_offset);
	FIELD(vfio_region_gfx_edid, edid_max_size);
	FIELD(vfio_region_gfx_edid, edid_size);
	FIELD(vfio_region_gfx_edid, max_xres);
	FIELD(vfio_region_gfx_edid, max_yres);
	FIELD(vfio_region_gfx_edid, link_state);
	NUM(VFIO_DEVICE_GFX_LINK_STATE_UP);
	NUM(VFIO_DEVICE_GFX_LINK_STATE_DOWN);

	NUM(VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD);
	NUM(VFIO_REGION_SUBTYPE_CCW_SCHIB);
	NUM(VFIO_REGION_SUBTYPE_CCW_CRW);

	NUM(VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED);
	STRUCT(vfio_device_migration_info);
	FIELD(vfio_device_migration_info, device_state);
	FIELD(vfio_device_migration_info, reserved);
	FIELD(vfio_device_migration_info, pending_bytes);
	FIELD(vfio_device_migration_info, data_offset);
	FIELD(vfio_device_migration_info, data_size);
	NUM(VFIO_DEVICE_STATE_V1_STOP);
	NUM(VFIO_DEVICE_STATE_V1_RUNNING);
	NUM(VFIO_DEVICE_STATE_V1_SAVING);
	NUM(VFIO_DEVICE_STATE_V1_RESUMING);
	NUM(VFIO_DEVICE_STATE_MASK);
	/* The v1 helpers, over every state and with unrelated bits set. */
	for (s = 0; s < 8; s++) {
		unsigned int v = s | 0x50;

		printf("VFIO_DEVICE_STATE_VALID(%#x) %d\n", s,
		       (int)VFIO_DEVICE_STATE_VALID(s));
		printf("VFIO_DEVICE_STATE_VALID(%#x) %d\n", v,
		       (int)VFIO_DEVICE_STATE_VALID(v));
		printf("VFIO_DEVICE_STATE_IS_ERROR(%#x) %d\n", s,
		       (int)VFIO_DEVICE_STATE_IS_ERROR(s));
		printf("VFIO_DEVICE_STATE_IS_ERROR(%#x) %d\n", v,
		       (int)VFIO_DEVICE_STATE_IS_ERROR(v));
		printf("VFIO_DEVICE_STATE_SET_ERROR(%#x) %#x\n", v,
		       (unsigned int)VFIO_DEVICE_STATE_SET_ERROR(v));
	}

	NUM(VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
	NUM(VFIO_REGION_INFO_CAP_NVLINK2_SSATGT);
	STRUCT(vfio_region_info_cap_nvlink2_ssatgt);
	FIELD(vfio_region_info_cap_nvlink2_ssatgt, header);
	FIELD(vfio_region_info_cap_nvlink2_ssatgt, tgt);
	NUM(VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD);
	STRUCT(vfio_region_info_cap_nvlink2_lnkspd);
	FIELD(vfio_region_info_cap_nvlink2_lnkspd, header);
	FIELD(vfio_region_info_cap_nvlink2_lnkspd, link_speed);
	FIELD(vfio_region_info_cap_nvlink2_lnkspd, __pad);
}

static void irqs_and_indexes(void)
{
	STRUCT(vfio_irq_info);
	FIELD(vfio_irq_info, argsz);
	FIELD(vfio_irq_info, flags);
	FIELD(vfio_irq_info, index);
	FIELD(vfio_irq_info, count);
	NUM(VFIO_IRQ_INFO_EVENTFD);
	NUM(VFIO_IRQ_INFO_MASKABLE);
	NUM(VFIO_IRQ_INFO_AUTOMASKED);
	NUM(VFIO_IRQ_INFO_NORESIZE);
	NUM(VFIO_DEVICE_GET_IRQ_INFO);

	STRUCT(vfio_irq_set);
	FIELD(vfio_irq_set, argsz);
	FIELD(vfio_irq_set, flags);
	FIELD(vfio_irq_set, index);
	FIELD(vfio_irq_set, start);
	FIELD(vfio_irq_set, count);
	FLEX(vfio_irq_set, data);
	NUM(VFIO_IRQ_SET_DATA_NONE);
	NUM(VFIO_IRQ_SET_DATA_BOOL);
	NUM(VFIO_IRQ_SET_DATA_EVENTFD);
	NUM(VFIO_IRQ_SET_ACTION_MASK);
	NUM(VFIO_IRQ_SET_ACTION_UNMASK);
	NUM(VFIO_IRQ_SET_ACTION_TRIGGER);
	NUM(VFIO_DEVICE_SET_IRQS);
	NUM(VFIO_IRQ_SET_DATA_TYPE_MASK);
	NUM(VFIO_IRQ_SET_ACTION_TYPE_MASK);
	NUM(VFIO_DEVICE_RESET);

	NUM(VFIO_PCI_BAR0_REGION_INDEX);
	NUM(VFIO_PCI_BAR1_REGION_INDEX);
	NUM(VFIO_PCI_BAR2_REGION_INDEX);
	NUM(VFIO_PCI_BAR3_REGION_INDEX);
	NUM(VFIO_PCI_BAR4_REGION_INDEX);
	NUM(VFIO_PCI_BAR5_REGION_INDEX);
	NUM(VFIO_PCI_ROM_REGION_INDEX);
	NUM(VFIO_PCI_CONFIG_REGION_INDEX);
	NUM(VFIO_PCI_VGA_REGION_INDEX);
	NUM(VFIO_PCI_NUM_REGIONS);
	NUM(VFIO_PCI_INTX_IRQ_INDEX);
	NUM(VFIO_PCI_MSI_IRQ_INDEX);
	NUM(VFIO_PCI_MSIX_IRQ_INDEX);
	NUM(VFIO_PCI_ERR_IRQ_INDEX);
	NUM(VFIO_PCI_REQ_IRQ_INDEX);
	NUM(VFIO_PCI_NUM_IRQS);
	NUM(VFIO_CCW_CONFIG_REGION_INDEX);
	NUM(VFIO_CCW_NUM_REGIONS);
	NUM(VFIO_CCW_IO_IRQ_INDEX);
	NUM(VFIO_CCW_CRW_IRQ_INDEX);
	NUM(VFIO_CCW_REQ_IRQ_INDEX);
	NUM(VFIO_CCW_NUM_IRQS);
	NUM(VFIO_AP_REQ_IRQ_INDEX);
	NUM(VFIO_AP_CFG_CHG_IRQ_INDEX);
	NUM(VFIO_AP_NUM_IRQS);
}

static void hot_reset_gfx_ioeventfd(void)
{
	STRUCT(vfio_pci_dependent_device);
	FIELD(vfio_pci_dependent_device, group_id);
	FIELD(vfio_pci_dependent_device, devid);
	FIELD(vfio_pci_dependent_device, segment);
	FIELD(vfio_pci_dependent_device, bus);
	FIELD(vfio_pci_dependent_device, devfn);
	NUM(VFIO_PCI_DEVID_OWNED);
	NUM(VFIO_PCI_DEVID_NOT_OWNED);
	STRUCT(vfio_pci_hot_reset_info);
	FIELD(vfio_pci_hot_reset_info, argsz);
	FIELD(vfio_pci_hot_reset_info, flags);
	FIELD(vfio_pci_hot_reset_info, count);
	FLEX(vfio_pci_hot_reset_info, devices);
	NUM(VFIO_PCI_HOT_RESET_FLAG_DEV_ID);
	NUM(VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED);
	NUM(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO);
	STRUCT(vfio_pci_hot_reset);
	FIELD(vfio_pci_hot_reset, argsz);
	FIELD(vfio_pci_hot_reset, flags);
	FIELD(vfio_pci_hot_reset, count);
	FLEX(vfio_pci_hot_reset, group_fds);
	NUM(VFIO_DEVICE_PCI_HOT_RESET);

	STRUCT(vfio_device_gfx_plane_info);
	FIELD(vfio_device_gfx_plane_info, argsz);
	FIELD(vfio_device_gfx_plane_info, flags);
	FIELD(vfio_device_gfx_plane_info, drm_plane_type);
	FIELD(vfio_device_gfx_plane_info, drm_format);
	FIELD(vfio_device_gfx_plane_info, drm_format_mod);
	FIELD(vfio_device_gfx_plane_info, width);
	FIELD(vfio_device_gfx_plane_info, height);
	FIELD(vfio_device_gfx_plane_info, stride);
	FIELD(vfio_device_gfx_plane_info, size);
	FIELD(vfio_device_gfx_plane_info, x_pos);
	FIELD(vfio_device_gfx_plane_info, y_pos);
	FIELD(vfio_device_gfx_plane_info, x_hot);
	FIELD(vfio_device_gfx_plane_info, y_hot);
	FIELD(vfio_device_gfx_plane_info, region_index);
	FIELD(vfio_device_gfx_plane_info, dmabuf_id);
	FIELD(vfio_device_gfx_plane_info, reserved);
	NUM(VFIO_GFX_PLANE_TYPE_PROBE);
	NUM(VFIO_GFX_PLANE_TYPE_DMABUF);
	NUM(VFIO_GFX_PLANE_TYPE_REGION);
	NUM(VFIO_DEVICE_QUERY_GFX_PLANE);
	NUM(VFIO_DEVICE_GET_GFX_DMABUF);

	STRUCT(vfio_device_ioeventfd);
	FIELD(vfio_device_ioeventfd, argsz);
	FIELD(vfio_device_ioeventfd, flags);
	FIELD(vfio_device_ioeventfd, offset);
	FIELD(vfio_device_ioeventfd, data);
	FIELD(vfio_device_ioeventfd, fd);
	FIELD(vfio_device_ioeventfd, reserved);
	NUM(VFIO_DEVICE_IOEVENTFD_8);
	NUM(VFIO_DEVICE_IOEVENTFD_16);
	NUM(VFIO_DEVICE_IOEVENTFD_32);
	NUM(VFIO_DEVICE_IOEVENTFD_64);
	NUM(VFIO_DEVICE_IOEVENTFD_SIZE_MASK);
	NUM(VFIO_DEVICE_IOEVENTFD);
}

static void features(void)
{
	STRUCT(vfio_device_feature);
	FIELD(vfio_device_feature, argsz);
	FIELD(vfio_device_feature, flags);
	FLEX(vfio_device_feature, data);
	NUM(VFIO_DEVICE_FEATURE_MASK);
	NUM(VFIO_DEVICE_FEATURE_GET);
	NUM(VFIO_DEVICE_FEATURE_SET);
	NUM(VFIO_DEVICE_FEATURE_PROBE);
	NUM(VFIO_DEVICE_FEATURE);

	NUM(VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);

	NUM(VFIO_DEVICE_FEATURE_MIGRATION);
	STRUCT(vfio_device_feature_migration);
	FIELD(vfio_device_feature_migration, flags);
	NUM(VFIO_MIGRATION_STOP_COPY);
	NUM(VFIO_MIGRATION_P2P);
	NUM(VFIO_MIGRATION_PRE_COPY);

	NUM(VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE);
	STRUCT(vfio_device_feature_mig_state);
	FIELD(vfio_device_feature_mig_state, device_state);
	FIELD(vfio_device_feature_mig_state, data_fd);
	printf("enum vfio_device_mig_state size %zu\n",
	       sizeof(enum vfio_device_mig_state));
	NUM(VFIO_DEVICE_STATE_ERROR);
	NUM(VFIO_DEVICE_STATE_STOP);
	NUM(VFIO_DEVICE_STATE_RUNNING);
	NUM(VFIO_DEVICE_STATE_STOP_COPY);
	NUM(VFIO_DEVICE_STATE_RESUMING);
	NUM(VFIO_DEVICE_STATE_RUNNING_P2P);
	NUM(VFIO_DEVICE_STATE_PRE_COPY);
	NUM(VFIO_DEVICE_STATE_PRE_COPY_P2P);
	NUM(VFIO_DEVICE_STATE_NR);

	STRUCT(vfio_precopy_info);
	FIELD(vfio_precopy_info, argsz);
	FIELD(vfio_precopy_info, flags);
	FIELD(vfio_precopy_info, initial_bytes);
	FIELD(vfio_precopy_info, dirty_bytes);
	NUM(VFIO_PRECOPY_INFO_REINIT);
	NUM(VFIO_MIG_GET_PRECOPY_INFO);

	NUM(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
	NUM(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP);
	STRUCT(vfio_device_low_power_entry_with_wakeup);
	FIELD(vfio_device_low_power_entry_with_wakeup, wakeup_eventfd);
	FIELD(vfio_device_low_power_entry_with_wakeup, reserved);
	NUM(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);

	NUM(VFIO_DEVICE_FEATURE_DMA_LOGGING_START);
	STRUCT(vfio_device_feature_dma_logging_control);
	FIELD(vfio_device_feature_dma_logging_control, page_size);
	FIELD(vfio_device_feature_dma_logging_control, num_ranges);
	FIELD(vfio_device_feature_dma_logging_control, __reserved);
	FIELD(vfio_device_feature_dma_logging_control, ranges);
	STRUCT(vfio_device_feature_dma_logging_range);
	FIELD(vfio_device_feature_dma_logging_range, iova);
	FIELD(vfio_device_feature_dma_logging_range, length);
	NUM(VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP);
	NUM(VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT);
	STRUCT(vfio_device_feature_dma_logging_report);
	FIELD(vfio_device_feature_dma_logging_report, iova);
	FIELD(vfio_device_feature_dma_logging_report, length);
	FIELD(vfio_device_feature_dma_logging_report, page_size);
	FIELD(vfio_device_feature_dma_logging_report, bitmap);

	NUM(VFIO_DEVICE_FEATURE_MIG_DATA_SIZE);
	STRUCT(vfio_device_feature_mig_data_size);
	FIELD(vfio_device_feature_mig_data_size, stop_copy_length);

	NUM(VFIO_DEVICE_FEATURE_BUS_MASTER);
	STRUCT(vfio_device_feature_bus_master);
	FIELD(vfio_device_feature_bus_master, op);
	NUM(VFIO_DEVICE_FEATURE_CLEAR_MASTER);
	NUM(VFIO_DEVICE_FEATURE_SET_MASTER);

	NUM(VFIO_DEVICE_FEATURE_DMA_BUF);
	STRUCT(vfio_region_dma_range);
	FIELD(vfio_region_dma_range, offset);
	FIELD(vfio_region_dma_range, length);
	STRUCT(vfio_device_feature_dma_buf);
	FIELD(vfio_device_feature_dma_buf, region_index);
	FIELD(vfio_device_feature_dma_buf, open_flags);
	FIELD(vfio_device_feature_dma_buf, flags);
	FIELD(vfio_device_feature_dma_buf, nr_ranges);
	FLEX(vfio_device_feature_dma_buf, dma_ranges);

	NUM(VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2);
}

static void type1(void)
{
	STRUCT(vfio_iommu_type1_info);
	FIELD(vfio_iommu_type1_info, argsz);
	FIELD(vfio_iommu_type1_info, flags);
	FIELD(vfio_iommu_type1_info, iova_pgsizes);
	FIELD(vfio_iommu_type1_info, cap_offset);
	FIELD(vfio_iommu_type1_info, pad);
	NUM(VFIO_IOMMU_INFO_PGSIZES);
	NUM(VFIO_IOMMU_INFO_CAPS);

	NUM(VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	STRUCT(vfio_iova_range);
	FIELD(vfio_iova_range, start);
	FIELD(vfio_iova_range, end);
	STRUCT(vfio_iommu_type1_info_cap_iova_range);
	FIELD(vfio_iommu_type1_info_cap_iova_range, header);
	FIELD(vfio_iommu_type1_info_cap_iova_range, nr_iovas);
	FIELD(vfio_iommu_type1_info_cap_iova_range, reserved);
	FLEX(vfio_iommu_type1_info_cap_iova_range, iova_ranges);

	NUM(VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	STRUCT(vfio_iommu_type1_info_cap_migration);
	FIELD(vfio_iommu_type1_info_cap_migration, header);
	FIELD(vfio_iommu_type1_info_cap_migration, flags);
	FIELD(vfio_iommu_type1_info_cap_migration, pgsize_bitmap);
	FIELD(vfio_iommu_type1_info_cap_migration, max_dirty_bitmap_size);

	NUM(VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	STRUCT(vfio_iommu_type1_info_dma_avail);
	FIELD(vfio_iommu_type1_info_dma_avail, header);
	FIELD(vfio_iommu_type1_info_dma_avail, avail);
	NUM(VFIO_IOMMU_GET_INFO);

	STRUCT(vfio_iommu_type1_dma_map);
	FIELD(vfio_iommu_type1_dma_map, argsz);
	FIELD(vfio_iommu_type1_dma_map, flags);
	FIELD(vfio_iommu_type1_dma_map, vaddr);
	FIELD(vfio_iommu_type1_dma_map, iova);
	FIELD(vfio_iommu_type1_dma_map, size);
	NUM(VFIO_DMA_MAP_FLAG_READ);
	NUM(VFIO_DMA_MAP_FLAG_WRITE);
	NUM(VFIO_DMA_MAP_FLAG_VADDR);
	NUM(VFIO_IOMMU_MAP_DMA);

	STRUCT(vfio_bitmap);
	FIELD(vfio_bitmap, pgsize);
	FIELD(vfio_bitmap, size);
	FIELD(vfio_bitmap, data);

	STRUCT(vfio_iommu_type1_dma_unmap);
	FIELD(vfio_iommu_type1_dma_unmap, argsz);
	FIELD(vfio_iommu_type1_dma_unmap, flags);
	FIELD(vfio_iommu_type1_dma_unmap, iova);
	FIELD(vfio_iommu_type1_dma_unmap, size);
	FLEX(vfio_iommu_type1_dma_unmap, data);
	NUM(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);
	NUM(VFIO_DMA_UNMAP_FLAG_ALL);
	NUM(VFIO_DMA_UNMAP_FLAG_VADDR);
	NUM(VFIO_IOMMU_UNMAP_DMA);

	NUM(VFIO_IOMMU_ENABLE);
	NUM(VFIO_IOMMU_DISABLE);

	STRUCT(vfio_iommu_type1_dirty_bitmap);
	FIELD(vfio_iommu_type1_dirty_bitmap, argsz);
	FIELD(vfio_iommu_type1_dirty_bitmap, flags);
	FLEX(vfio_iommu_type1_dirty_bitmap, data);
	NUM(VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
	NUM(VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
	NUM(VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP);
	STRUCT(vfio_iommu_type1_dirty_bitmap_get);
	FIELD(vfio_iommu_type1_dirty_bitmap_get, iova);
	FIELD(vfio_iommu_type1_dirty_bitmap_get, size);
	FIELD(vfio_iommu_type1_dirty_bitmap_get, bitmap);
	NUM(VFIO_IOMMU_DIRTY_PAGES);
}

static void spapr(void)
{
	STRUCT(vfio_iommu_spapr_tce_ddw_info);
	FIELD(vfio_iommu_spapr_tce_ddw_info, pgsizes);
	FIELD(vfio_iommu_spapr_tce_ddw_info, max_dynamic_windows_supported);
	FIELD(vfio_iommu_spapr_tce_ddw_info, levels);
	STRUCT(vfio_iommu_spapr_tce_info);
	FIELD(vfio_iommu_spapr_tce_info, argsz);
	FIELD(vfio_iommu_spapr_tce_info, flags);
	FIELD(vfio_iommu_spapr_tce_info, dma32_window_start);
	FIELD(vfio_iommu_spapr_tce_info, dma32_window_size);
	FIELD(vfio_iommu_spapr_tce_info, ddw);
	NUM(VFIO_IOMMU_SPAPR_INFO_DDW);
	NUM(VFIO_IOMMU_SPAPR_TCE_GET_INFO);

	STRUCT(vfio_eeh_pe_err);
	FIELD(vfio_eeh_pe_err, type);
	FIELD(vfio_eeh_pe_err, func);
	FIELD(vfio_eeh_pe_err, addr);
	FIELD(vfio_eeh_pe_err, mask);
	STRUCT(vfio_eeh_pe_op);
	FIELD(vfio_eeh_pe_op, argsz);
	FIELD(vfio_eeh_pe_op, flags);
	FIELD(vfio_eeh_pe_op, op);
	FIELD(vfio_eeh_pe_op, err);
	NUM(VFIO_EEH_PE_DISABLE);
	NUM(VFIO_EEH_PE_ENABLE);
	NUM(VFIO_EEH_PE_UNFREEZE_IO);
	NUM(VFIO_EEH_PE_UNFREEZE_DMA);
	NUM(VFIO_EEH_PE_GET_STATE);
	NUM(VFIO_EEH_PE_STATE_NORMAL);
	NUM(VFIO_EEH_PE_STATE_RESET);
	NUM(VFIO_EEH_PE_STATE_STOPPED);
	NUM(VFIO_EEH_PE_STATE_STOPPED_DMA);
	NUM(VFIO_EEH_PE_STATE_UNAVAIL);
	NUM(VFIO_EEH_PE_RESET_DEACTIVATE);
	NUM(VFIO_EEH_PE_RESET_HOT);
	NUM(VFIO_EEH_PE_RESET_FUNDAMENTAL);
	NUM(VFIO_EEH_PE_CONFIGURE);
	NUM(VFIO_EEH_PE_INJECT_ERR);
	NUM(VFIO_EEH_PE_OP);

	STRUCT(vfio_iommu_spapr_register_memory);
	FIELD(vfio_iommu_spapr_register_memory, argsz);
	FIELD(vfio_iommu_spapr_register_memory, flags);
	FIELD(vfio_iommu_spapr_register_memory, vaddr);
	FIELD(vfio_iommu_spapr_register_memory, size);
	NUM(VFIO_IOMMU_SPAPR_REGISTER_MEMORY);
	NUM(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY);

	STRUCT(vfio_iommu_spapr_tce_create);
	FIELD(vfio_iommu_spapr_tce_create, argsz);
	FIELD(vfio_iommu_spapr_tce_create, flags);
	FIELD(vfio_iommu_spapr_tce_create, page_shift);
	FIELD(vfio_iommu_spapr_tce_create, __resv1);
	FIELD(vfio_iommu_spapr_tce_create, window_size);
	FIELD(vfio_iommu_spapr_tce_create, levels);
	FIELD(vfio_iommu_spapr_tce_create, __resv2);
	FIELD(vfio_iommu_spapr_tce_create, start_addr);
	NUM(VFIO_IOMMU_SPAPR_TCE_CREATE);

	STRUCT(vfio_iommu_spapr_tce_remove);
	FIELD(vfio_iommu_spapr_tce_remove, argsz);
	FIELD(vfio_iommu_spapr_tce_remove, flags);
	FIELD(vfio_iommu_spapr_tce_remove, start_addr);
	NUM(VFIO_IOMMU_SPAPR_TCE_REMOVE);
}

int main(void)
{
	container_and_group();
	device_info();
	regions();
	irqs_and_indexes();
	hot_reset_gfx_ioeventfd();
	features();
	type1();
	spapr();
	return 0;
}
