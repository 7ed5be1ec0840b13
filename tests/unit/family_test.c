// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * libkcp's kcp_family_read(): the number a program will pass to socket()
 * must be exactly what kcp.ko printed, and anything else an error rather
 * than a wrong family. And kcp_set_stock() passes on why setsockopt()
 * refused, as a negative errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "libkcp.h"
#include "unit.h"

static int family_from(const char *content)
{
	char path[] = "/tmp/kcp-family-XXXXXX";
	int fd = mkstemp(path), ret;

	if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content))
		abort();
	close(fd);
	ret = kcp_family_read(path);
	unlink(path);
	return ret;
}

static void reads_what_the_kernel_prints(int *failures)
{
	EXPECT(family_from("19\n") == 19);
	EXPECT(family_from("45\n") == 45);
	EXPECT(family_from("21") == 21);
}

static void rejects_what_is_not_a_family(int *failures)
{
	static const char *const bad[] = {
		"", "\n", "x19\n", "19x\n", "-1\n", "0\n", "19\n20\n",
		"99999999999999999999\n", " \n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT(family_from(bad[i]) == -EINVAL);
}

static void missing_module_is_enoent(int *failures)
{
	EXPECT(kcp_family_read("/nonexistent/kcp/family") == -ENOENT);
}

static void set_stock_returns_the_errno(int *failures)
{
	int udp = socket(AF_INET, SOCK_DGRAM, 0);

	EXPECT(kcp_set_stock(-1, true) == -EBADF);
	/* a UDP socket has no level SOL_KCP; nor has an old kcp.ko KCP_STOCK */
	EXPECT(udp >= 0 && kcp_set_stock(udp, true) == -ENOPROTOOPT);
	close(udp);
}

static const struct unit_test tests[] = {
	{ "reads_what_the_kernel_prints", reads_what_the_kernel_prints },
	{ "rejects_what_is_not_a_family", rejects_what_is_not_a_family },
	{ "missing_module_is_enoent", missing_module_is_enoent },
	{ "set_stock_returns_the_errno", set_stock_returns_the_errno },
};

UNIT_MAIN("libkcp_family", tests)
