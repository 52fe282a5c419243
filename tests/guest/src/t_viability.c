// SPDX-License-Identifier: GPL-2.0
/*
 * Group viability: a group may reach user space only while no device in it
 * is driven by a host driver that does DMA.
 *
 *   t_viability BDF viable|blocked [NAME-PREFIX]
 *
 * BDF is bound to vfio-pci; the caller binds (blocked) or unbinds (viable)
 * a host driver on another function of the same IOMMU group.
 */
#include "vfio_util.h"

/* Kernels from 5.19 refuse the container; 5.10 only the device fd. */
static bool refuses_at_set_container(void)
{
	return vu_bundle() || vu_kernel_at_least(5, 19);
}

static void viable(const char *bdf)
{
	struct vdev d;

	check(vu_open(&d, bdf, true), "open", "%s", d.why);
	vu_close(&d);
}

static void blocked(const char *bdf)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vdev d;
	char path[64];
	int ret, err;

	vu_init(&d, bdf);
	d.group_id = vu_group_of(bdf);
	snprintf(path, sizeof(path), "/dev/vfio/%d", d.group_id);
	d.container = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	d.group = open(path, O_RDWR | O_CLOEXEC);
	if (!check(d.container >= 0 && d.group >= 0, "setup", "open %s: %s",
		   path, strerror(errno)))
		goto out;

	ret = ioctl(d.group, VFIO_GROUP_GET_STATUS, &st);
	check(ret == 0 && !(st.flags & VFIO_GROUP_FLAGS_VIABLE), "status",
	      "GET_STATUS returned %d, flags %#x: want VIABLE clear", ret,
	      st.flags);

	ret = ioctl(d.group, VFIO_GROUP_SET_CONTAINER, &d.container);
	err = errno;
	if (refuses_at_set_container()) {
		check(ret == -1 && err == EPERM, "set-container",
		      "SET_CONTAINER returned %d (%s), want EPERM", ret,
		      ret ? strerror(err) : "success");
		goto out;
	}
	not_applicable("set-container",
		       "the in-tree vfio of %s lets a non-viable group into a container and refuses its devices instead",
		       vu_release());
	if (!check(ret == 0 && !ioctl(d.container, VFIO_SET_IOMMU,
				      VFIO_TYPE1v2_IOMMU),
		   "set-iommu", "SET_CONTAINER/SET_IOMMU: %s", strerror(errno)))
		goto out;
	ret = ioctl(d.group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	err = errno;
	check(ret == -1 && err == EINVAL, "device-fd",
	      "GET_DEVICE_FD returned %d (%s), want EINVAL", ret,
	      ret >= 0 ? "a device fd" : strerror(err));
	if (ret >= 0)
		close(ret);
out:
	vu_close(&d);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: t_viability BDF viable|blocked [PREFIX]\n");
		return 2;
	}
	check_set_prefix(argc > 3 ? argv[3] : "viability-");
	if (!strcmp(argv[2], "blocked"))
		blocked(argv[1]);
	else
		viable(argv[1]);
	return check_exit();
}
