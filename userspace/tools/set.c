// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl set KEY VALUE...: change the namespace's settings in one
 * request, so either all change or none (SET_SETTINGS).
 */
#include <stdio.h>

#include "libkcp.h"
#include "kcpctl.h"
#include "params.h"

#define SET_USAGE "set KEY VALUE... (default_profile orphan_max orphan_timeout " \
		  "idle_timeout restrict_tunables mem_max pending_max)"

int kcpctl_set(struct kcpctl *k, int argc, char **argv)
{
	struct kcp_settings settings = { 0 };
	struct kcp_ctl *ctl;
	char why[256];
	int err;

	(void)k;
	if (argc < 3)
		return kcpctl_usage(SET_USAGE);
	if (kcp_parse_pairs(&kcp_setting_keyset, argc - 1, argv + 1, &settings,
			    why, sizeof(why))) {
		fprintf(stderr, "kcpctl: set: %s\n", why);
		return kcpctl_usage(SET_USAGE);
	}
	ctl = kcpctl_open();
	if (!ctl)
		return 1;
	err = kcp_ctl_settings_set(ctl, &settings);
	if (err)
		kcpctl_fail(ctl, err, "set");
	kcp_ctl_close(ctl);
	return err ? 1 : 0;
}
