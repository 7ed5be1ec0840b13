// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl info: kcp.ko's version and family, the namespace's sessions,
 * settings and the module's limits (GET_INFO).
 */
#include <stdio.h>

#include "libkcp.h"
#include "format.h"
#include "json.h"
#include "kcpctl.h"

int kcpctl_info(struct kcpctl *k, int argc, char **argv)
{
	struct kcp_module_info info;
	struct kcp_ctl *ctl;
	struct json j;
	int err;

	(void)argv;
	if (argc != 1)
		return kcpctl_usage("info");
	ctl = kcpctl_open();
	if (!ctl)
		return 1;
	err = kcp_ctl_info(ctl, &info);
	if (err) {
		kcpctl_fail(ctl, err, "info");
		kcp_ctl_close(ctl);
		return 1;
	}
	if (k->json) {
		json_init(&j, stdout, k->pretty);
		kcp_fmt_info_json(&j, &info);
		json_end(&j);
	} else {
		kcp_fmt_info_text(stdout, &info);
	}
	kcp_ctl_close(ctl);
	return 0;
}
