/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Result lines for guest tests. Each check prints one line the runner
 * counts:
 *   PASS name
 *   FAIL name: why
 *   N/A  name: why it does not apply here
 */
#ifndef VFIO_BACKPORTS_TEST_CHECK_H
#define VFIO_BACKPORTS_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* __printf() is the kernel's spelling; tests/guest/Makefile defines it. */
static int check_failures;
static const char *check_prefix = "";

static inline void check_set_prefix(const char *prefix)
{
	check_prefix = prefix;
}

__printf(3, 4)
static inline bool check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS %s%s\n", check_prefix, name);
	} else {
		check_failures++;
		printf("FAIL %s%s: ", check_prefix, name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
	return ok;
}

__printf(2, 3)
static inline void not_applicable(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("N/A  %s%s: ", check_prefix, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int check_exit(void)
{
	return check_failures ? 1 : 0;
}

#endif
