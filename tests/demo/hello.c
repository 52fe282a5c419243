// SPDX-License-Identifier: GPL-2.0
/*
 * The demo's user-space side: talk to /dev/vfio/vfio as QEMU or DPDK would
 * first do, and say what the container offers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	int id;
	const char *name;
} extensions[] = {
	{ VFIO_TYPE1_IOMMU, "VFIO_TYPE1_IOMMU" },
	{ VFIO_TYPE1v2_IOMMU, "VFIO_TYPE1v2_IOMMU" },
	{ VFIO_UNMAP_ALL, "VFIO_UNMAP_ALL" },
	{ VFIO_UPDATE_VADDR, "VFIO_UPDATE_VADDR" },
};

int main(void)
{
	unsigned int i;
	int fd;

	fd = open("/dev/vfio/vfio", O_RDWR);
	if (fd < 0) {
		printf("open /dev/vfio/vfio: %s\n", strerror(errno));
		return 1;
	}
	printf("open(\"/dev/vfio/vfio\")            = fd %d\n", fd);
	printf("ioctl(VFIO_GET_API_VERSION)       = %d\n",
	       ioctl(fd, VFIO_GET_API_VERSION));
	for (i = 0; i < ARRAY_SIZE(extensions); i++)
		printf("ioctl(VFIO_CHECK_EXTENSION, %-18s) = %d\n",
		       extensions[i].name,
		       ioctl(fd, VFIO_CHECK_EXTENSION, extensions[i].id));
	close(fd);
	return 0;
}
