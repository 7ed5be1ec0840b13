// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl profile: the namespace's profiles.
 *
 *   kcpctl profile [list]                      every profile, '*' the default
 *   kcpctl profile show NAME                   every tunable of one
 *   kcpctl profile set NAME [from BASE] KEY VALUE...
 *   kcpctl profile del NAME
 *   kcpctl profile NAME                        new sockets start from NAME
 *
 * The words list, show, set and del are commands, not profile names.
 */
#include <stdio.h>
#include <string.h>

#include "libkcp.h"
#include "format.h"
#include "json.h"
#include "kcpctl.h"
#include "params.h"

#define PROFILE_USAGE \
	"profile [list | show NAME | set NAME [from BASE] KEY VALUE... | del NAME | NAME]"

struct listing {
	struct kcpctl *k;
	struct json j;
};

static int print_profile(const struct kcp_profile *p, void *arg)
{
	struct listing *l = arg;

	if (l->k->json)
		kcp_fmt_profile_json(&l->j, p);
	else
		kcp_fmt_profile_row(stdout, p, l->k->color);
	return 0;
}

static int profile_list(struct kcpctl *k, struct kcp_ctl *ctl)
{
	struct listing l = { .k = k };
	int err;

	if (k->json) {
		json_init(&l.j, stdout, k->pretty);
		json_open(&l.j, NULL, '[');
	} else {
		kcp_fmt_profile_header(stdout, k->color);
	}
	err = kcp_ctl_profile_list(ctl, print_profile, &l);
	if (k->json) {
		json_close(&l.j, '[');
		json_end(&l.j);
	}
	return err ? kcpctl_fail(ctl, err, "profile list") : 0;
}

static int profile_show(struct kcpctl *k, struct kcp_ctl *ctl, const char *name)
{
	struct kcp_profile p;
	char what[80];
	struct json j;
	int err;

	err = kcp_ctl_profile_get(ctl, name, &p);
	if (err) {
		snprintf(what, sizeof(what), "profile '%s'", name);
		return kcpctl_fail(ctl, err, what);
	}
	if (k->json) {
		json_init(&j, stdout, k->pretty);
		kcp_fmt_profile_json(&j, &p);
		json_end(&j);
	} else {
		kcp_fmt_profile_show(stdout, &p);
	}
	return 0;
}

/* An action on the profile NAME; @err from libkcp. */
static int profile_done(struct kcp_ctl *ctl, int err, const char *verb,
			const char *name)
{
	char what[96];

	if (!err)
		return 0;
	snprintf(what, sizeof(what), "profile %s '%s'", verb, name);
	return kcpctl_fail(ctl, err, what);
}

int kcpctl_profile(struct kcpctl *k, int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "list";
	struct kcp_profile p = { 0 };
	struct kcp_ctl *ctl;
	char why[256];
	int ret;

	/* arguments first: a bad one is exit status 2 with or without kcp.ko */
	if (!strcmp(cmd, "list")) {
		if (argc > 2)
			return kcpctl_usage(PROFILE_USAGE);
	} else if (!strcmp(cmd, "show") || !strcmp(cmd, "del")) {
		if (argc != 3)
			return kcpctl_usage(PROFILE_USAGE);
	} else if (!strcmp(cmd, "set")) {
		if (argc < 3)
			return kcpctl_usage(PROFILE_USAGE);
		if (kcp_check_name(argv[2], why, sizeof(why)) ||
		    kcp_parse_pairs(&kcp_profile_keyset, argc - 3, argv + 3, &p,
				    why, sizeof(why))) {
			fprintf(stderr, "kcpctl: profile set: %s\n", why);
			return kcpctl_usage(PROFILE_USAGE);
		}
		strcpy(p.name, argv[2]);
	} else if (argc != 2 || kcp_check_name(cmd, why, sizeof(why))) {
		return kcpctl_usage(PROFILE_USAGE);
	}

	ctl = kcpctl_open();
	if (!ctl)
		return 1;
	if (!strcmp(cmd, "list"))
		ret = profile_list(k, ctl);
	else if (!strcmp(cmd, "show"))
		ret = profile_show(k, ctl, argv[2]);
	else if (!strcmp(cmd, "del"))
		ret = profile_done(ctl, kcp_ctl_profile_del(ctl, argv[2]),
				   "del", argv[2]);
	else if (!strcmp(cmd, "set"))
		ret = profile_done(ctl, kcp_ctl_profile_set(ctl, &p), "set", p.name);
	else
		ret = profile_done(ctl, kcp_ctl_profile_make_default(ctl, cmd),
				   "default", cmd);
	kcp_ctl_close(ctl);
	return ret;
}
