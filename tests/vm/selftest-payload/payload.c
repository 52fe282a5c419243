// SPDX-License-Identifier: GPL-2.0
/*
 * Payload of the runner's self-test: proves it runs inside the guest with
 * the bundle's vfio loaded, then exits with the status it was given.
 *
 *   payload STATUS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

int main(int argc, char **argv)
{
	int fd = open("/dev/vfio/vfio", O_RDWR);

	if (fd < 0 || ioctl(fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		printf("payload: /dev/vfio/vfio does not answer\n");
		return 100;
	}
	close(fd);
	printf("payload: vfio answers, exiting with %s\n", argc > 1 ? argv[1] : "0");
	return argc > 1 ? atoi(argv[1]) : 0;
}
