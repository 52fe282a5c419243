// SPDX-License-Identifier: GPL-2.0
/*
 * The container node /dev/vfio/vfio: where it is, who may open it, the API
 * version, and upstream's errno for what a bare container cannot do.
 *
 *   t_container [NAME-PREFIX]
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "check.h"

#define CONTAINER	"/dev/vfio/vfio"
#define MISC_MAJOR	10
#define VFIO_MINOR	196

/* A command number no VFIO release has used. */
#define VFIO_UNUSED_IOCTL	_IO(VFIO_TYPE, VFIO_BASE + 60)

static void container_node(void)
{
	struct stat st;

	if (!check(stat(CONTAINER, &st) == 0, "container-node",
		   "stat %s: %s", CONTAINER, strerror(errno)))
		return;
	check(S_ISCHR(st.st_mode) && major(st.st_rdev) == MISC_MAJOR &&
	      minor(st.st_rdev) == VFIO_MINOR, "container-node-number",
	      "%s is %s %u:%u, want char 10:196", CONTAINER,
	      S_ISCHR(st.st_mode) ? "char" : "not char",
	      major(st.st_rdev), minor(st.st_rdev));
	check((st.st_mode & 0777) == 0666, "container-node-mode",
	      "mode %o, want 666", st.st_mode & 0777);
}

/* An ioctl that must fail with @want; returns whether it did. */
static bool fails_with(int fd, unsigned long cmd, unsigned long arg, int want,
		       const char *name)
{
	int ret = ioctl(fd, cmd, arg);
	int err = errno;

	return check(ret == -1 && err == want, name,
		     "ioctl returned %d (%s), want -1 (%s)", ret,
		     ret == -1 ? strerror(err) : "no error", strerror(want));
}

int main(int argc, char **argv)
{
	int fd, fd2, ret;

	if (argc > 1)
		check_set_prefix(argv[1]);

	container_node();

	fd = open(CONTAINER, O_RDWR | O_CLOEXEC);
	if (!check(fd >= 0, "container-open", "open %s: %s", CONTAINER,
		   strerror(errno)))
		return check_exit();

	ret = ioctl(fd, VFIO_GET_API_VERSION);
	check(ret == VFIO_API_VERSION, "container-api-version",
	      "VFIO_GET_API_VERSION returned %d, want %d", ret,
	      VFIO_API_VERSION);

	ret = ioctl(fd, VFIO_CHECK_EXTENSION, 0x7fff);
	check(ret == 0, "container-unknown-extension",
	      "VFIO_CHECK_EXTENSION(0x7fff) returned %d, want 0", ret);

	/* vfio pulls its Type1 backend in with a module softdep. */
	ret = ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	check(ret == 1, "container-type1v2-offered",
	      "VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU) returned %d, want 1", ret);
	ret = ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU);
	check(ret == 1, "container-type1-offered",
	      "VFIO_CHECK_EXTENSION(VFIO_TYPE1_IOMMU) returned %d, want 1", ret);

	fails_with(fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU, EINVAL,
		   "container-set-iommu-without-group");
	fails_with(fd, VFIO_UNUSED_IOCTL, 0, EINVAL,
		   "container-unknown-ioctl");

	/* Every open is its own container. */
	fd2 = open(CONTAINER, O_RDWR | O_CLOEXEC);
	check(fd2 >= 0 && ioctl(fd2, VFIO_GET_API_VERSION) == VFIO_API_VERSION,
	      "container-second-open", "second open: %s",
	      fd2 < 0 ? strerror(errno) : "wrong API version");
	if (fd2 >= 0)
		close(fd2);
	close(fd);
	return check_exit();
}
