/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's view of a PCI function, through sysfs: its physical config
 * space (not vfio's virtualised one) and its runtime PM state. Reading
 * config through sysfs does not wake a function in D3hot, so tests can
 * watch the power state vfio puts it in.
 */
#ifndef VFIO_BACKPORTS_TEST_PCI_SYSFS_H
#define VFIO_BACKPORTS_TEST_PCI_SYSFS_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PS_CAP_PTR		0x34
#define PS_STATUS		0x06
#define  PS_STATUS_CAP_LIST	0x0010
#define PS_COMMAND		0x04
#define  PS_COMMAND_INTX_OFF	0x0400
#define PS_CAP_ID_PM		0x01
#define  PS_PM_CTRL		4
#define  PS_PM_STATE_MASK	0x0003
#define PS_CAP_ID_EXP		0x10
#define  PS_EXP_FLAGS		2
#define   PS_EXP_TYPE(f)	(((f) >> 4) & 0xf)
#define   PS_EXP_TYPE_ENDPOINT	0x0
#define   PS_EXP_TYPE_LEG_END	0x1
#define   PS_EXP_TYPE_ROOT_PORT	0x4
#define   PS_EXP_TYPE_UPSTREAM	0x5
#define   PS_EXP_TYPE_DOWNSTREAM	0x6
#define   PS_EXP_TYPE_RC_END	0x9
#define  PS_EXP_DEVCAP2		0x24
#define   PS_EXP_DEVCAP2_ROUTE	0x00000040
#define   PS_EXP_DEVCAP2_COMP32	0x00000080
#define   PS_EXP_DEVCAP2_COMP64	0x00000100
#define   PS_EXP_DEVCAP2_COMP128	0x00000200
#define  PS_EXP_DEVCTL2		0x28
#define   PS_EXP_DEVCTL2_EGRESS_BLOCK	0x0080

/* @len bytes of @bdf's config space at @off, read or written as root. */
static inline bool ps_cfg_rw(const char *bdf, unsigned int off, void *buf,
			     size_t len, bool write)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len;
}

static inline bool ps_cfg(const char *bdf, unsigned int off, void *buf,
			  size_t len)
{
	return ps_cfg_rw(bdf, off, buf, len, false);
}

static inline unsigned int ps_cfg16(const char *bdf, unsigned int off)
{
	unsigned short v = 0xffff;

	ps_cfg(bdf, off, &v, sizeof(v));
	return v;
}

static inline unsigned int ps_cfg32(const char *bdf, unsigned int off)
{
	unsigned int v = 0xffffffff;

	ps_cfg(bdf, off, &v, sizeof(v));
	return v;
}

/* True if @bdf is bound to driver @want, or to none when @want is NULL. */
static inline bool ps_driver_is(const char *bdf, const char *want)
{
	char path[96], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return !want;
	link[n] = '\0';
	return want && !strcmp(strrchr(link, '/') + 1, want);
}

/* Offset of standard capability @id in the physical config space, or 0. */
static inline unsigned int ps_find_cap(const char *bdf, unsigned char id)
{
	unsigned char pos = 0, hdr[2];
	int hops = 0;

	if (!(ps_cfg16(bdf, PS_STATUS) & PS_STATUS_CAP_LIST) ||
	    !ps_cfg(bdf, PS_CAP_PTR, &pos, 1))
		return 0;
	pos &= ~3;
	while (pos >= 0x40 && hops++ < 48) {
		if (!ps_cfg(bdf, pos, hdr, 2))
			return 0;
		if (hdr[0] == id)
			return pos;
		pos = hdr[1] & ~3;
	}
	return 0;
}

/* The D-state in the PM control register (0-3), or -1 without PM. */
static inline int ps_dstate(const char *bdf)
{
	unsigned int pm = ps_find_cap(bdf, PS_CAP_ID_PM);

	if (!pm)
		return -1;
	return ps_cfg16(bdf, pm + PS_PM_CTRL) & PS_PM_STATE_MASK;
}

/* power/runtime_status ("active", "suspended", ...) into @buf. */
static inline const char *ps_runtime_status(const char *bdf, char *buf,
					    size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/power/runtime_status", bdf);
	snprintf(buf, len, "?");
	f = fopen(path, "r");
	if (!f)
		return buf;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return buf;
}

static inline bool ps_suspended(const char *bdf)
{
	char s[32];

	return !strcmp(ps_runtime_status(bdf, s, sizeof(s)), "suspended");
}

/*
 * power/runtime_usage (CONFIG_PM_ADVANCED_DEBUG): the runtime PM usage
 * count, or -1 where the kernel has no such file.
 */
static inline int ps_runtime_usage(const char *bdf)
{
	char path[128];
	int v = -1;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/power/runtime_usage", bdf);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * The upstream bridge of @bdf (its parent in sysfs) into @parent; false
 * when the function sits on a root bus.
 */
static inline bool ps_parent(const char *bdf, char *parent, size_t len)
{
	char path[128], real[512], *slash, *name;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (!realpath(path, real))
		return false;
	slash = strrchr(real, '/');
	if (!slash)
		return false;
	*slash = '\0';
	name = strrchr(real, '/');
	name = name ? name + 1 : real;
	/* A PCI function's name: dddd:bb:dd.f */
	if (strlen(name) != 12 || name[4] != ':' || name[7] != ':' ||
	    name[10] != '.')
		return false;
	snprintf(parent, len, "%s", name);
	return true;
}

#endif
