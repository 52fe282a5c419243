// SPDX-License-Identifier: GPL-2.0
/*
 * Which vfio module is loaded: the bundle's or the kernel's.
 *
 *   t_module MODULE bundle|in-tree VERSION SRCVERSION
 *
 * VERSION is the bundle's version and SRCVERSION the srcversion of the .ko
 * that should be loaded, both read on the build side with modinfo.
 */
#include <errno.h>
#include <string.h>

#include "check.h"

static bool read_attr(const char *module, const char *attr, char *buf,
		      size_t len)
{
	char path[256];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/module/%s/%s", module, attr);
	f = fopen(path, "r");
	if (!f) {
		snprintf(buf, len, "<%s: %s>", path, strerror(errno));
		return false;
	}
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok) {
		snprintf(buf, len, "<%s: empty>", path);
		return false;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

int main(int argc, char **argv)
{
	const char *module, *mode, *version, *srcversion;
	char buf[512];
	bool bundle;

	if (argc != 5) {
		fprintf(stderr, "usage: t_module MODULE bundle|in-tree VERSION SRCVERSION\n");
		return 2;
	}
	module = argv[1];
	mode = argv[2];
	version = argv[3];
	srcversion = argv[4];
	bundle = strcmp(mode, "bundle") == 0;

	read_attr(module, "srcversion", buf, sizeof(buf));
	check(strcmp(buf, srcversion) == 0, "module-srcversion",
	      "%s srcversion is %s, want %s (the %s module)", module, buf,
	      srcversion, mode);

	if (bundle) {
		read_attr(module, "version", buf, sizeof(buf));
		check(strcmp(buf, version) == 0, "module-version",
		      "%s version is %s, want the bundle's %s", module, buf,
		      version);
	} else {
		not_applicable("module-version",
			       "the in-tree %s carries the kernel's version, not the bundle's",
			       module);
	}

	/* Out-of-tree modules taint with O; the kernel's own do not. */
	read_attr(module, "taint", buf, sizeof(buf));
	check((strchr(buf, 'O') != NULL) == bundle, "module-taint",
	      "%s taint flags are '%s': %s", module, buf,
	      bundle ? "want O (out-of-tree)" : "want no O (in-tree)");
	return check_exit();
}
