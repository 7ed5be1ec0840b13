// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl status: whether kcp.ko is loaded, its version, the address family
 * it holds, and whether the kernel routes socket() of that family to it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "libkcp.h"
#include "json.h"
#include "kcpctl.h"

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* -j: {"loaded": false} or loaded, version, family, socket ("ok" or errno text) */
static void status_json(struct kcpctl *k, int family, const char *version,
			int err)
{
	struct json j;

	json_init(&j, stdout, k->pretty);
	json_open(&j, NULL, '{');
	json_bool(&j, "loaded", family >= 0);
	if (family >= 0) {
		json_str(&j, "version", version);
		json_u64(&j, "family", (uint64_t)family);
		json_str(&j, "socket", err ? strerror(err) : "ok");
	}
	json_close(&j, '{');
	json_end(&j);
}

int kcpctl_status(struct kcpctl *k, int argc, char **argv)
{
	char version[64] = "";
	int family, fd, err = 0;

	(void)argv;
	if (argc != 1)
		return kcpctl_usage("status");
	family = kcp_family();
	if (family < 0) {
		if (k->json)
			status_json(k, family, version, 0);
		else
			printf("kcp.ko: not loaded (%s)\n", strerror(-family));
		return 1;
	}
	read_line("/sys/module/kcp/version", version, sizeof(version));

	/*
	 * EAFNOSUPPORT would mean no one holds the slot. Any other answer
	 * comes from kcp.ko itself.
	 */
	fd = socket(family, SOCK_STREAM, 0);
	err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	if (k->json) {
		status_json(k, family, version[0] ? version : "unknown", err);
		return err == EAFNOSUPPORT ? 1 : 0;
	}
	printf("kcp.ko: loaded, version %s\n", version[0] ? version : "unknown");
	printf("family: %d\n", family);
	printf("socket(%d, SOCK_STREAM): %s%s\n", family,
	       err ? strerror(err) : "ok",
	       err == EAFNOSUPPORT ? " (family not registered!)" :
	       err ? " (answered by kcp.ko)" : "");
	return err == EAFNOSUPPORT ? 1 : 0;
}
