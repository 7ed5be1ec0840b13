// SPDX-License-Identifier: MIT OR GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcp.h>

#include "libkcp.h"

int kcp_family_read(const char *path)
{
	char buf[32], *end;
	size_t len;
	long value;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';

	/* The kernel prints "19\n"; anything else is not a family number. */
	errno = 0;
	value = strtol(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0') ||
	    value <= 0 || value > INT_MAX)
		return -EINVAL;
	if (*end == '\n' && end[1] != '\0')
		return -EINVAL;
	return (int)value;
}

int kcp_family(void)
{
	return kcp_family_read(KCP_FAMILY_SYSFS);
}
