// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl session: the namespace's sessions, as ss -ti shows TCP's.
 *
 *   kcpctl session [list] [local ADDR[:PORT]] [peer ADDR[:PORT]] [port N] [state STATE]
 *   kcpctl session show ID
 *   kcpctl session close ID        abort it, as SO_LINGER 0 would
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkcp.h"
#include "format.h"
#include "json.h"
#include "kcpctl.h"
#include "params.h"

#define SESSION_USAGE \
	"session [list] [local ADDR[:PORT]] [peer ADDR[:PORT]] [port N] [state STATE]\n" \
	"       kcpctl session show ID | close ID"

struct listing {
	struct kcpctl *k;
	struct json j;
};

static int print_session(const struct kcp_session *s, void *arg)
{
	struct listing *l = arg;

	if (l->k->json)
		kcp_fmt_session_json(&l->j, s);
	else
		kcp_fmt_session_row(stdout, s, l->k->color);
	return 0;
}

static int session_list(struct kcpctl *k, struct kcp_ctl *ctl,
			const struct kcp_session_filter *filter)
{
	struct listing l = { .k = k };
	int ret;

	if (k->json) {
		json_init(&l.j, stdout, k->pretty);
		json_open(&l.j, NULL, '[');
	} else {
		kcp_fmt_session_header(stdout, k->color);
	}
	ret = kcp_ctl_session_dump(ctl, filter, print_session, &l);
	if (k->json) {
		json_close(&l.j, '[');
		json_end(&l.j);
	}
	if (ret < 0)
		return kcpctl_fail(ctl, ret, "session list");
	if (kcp_ctl_dump_interrupted(ctl))
		fprintf(stderr, "kcpctl: sessions opened or closed during the listing\n");
	return 0;
}

/* A session id: decimal, nonzero. */
static int parse_id(const char *text, uint64_t *id)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	*id = strtoull(text, &end, 10);
	return errno || *end || !*id ? -EINVAL : 0;
}

static int session_one(struct kcpctl *k, struct kcp_ctl *ctl, bool close,
		       uint64_t id)
{
	struct kcp_session s;
	char what[64];
	struct json j;
	int err;

	snprintf(what, sizeof(what), "session %" PRIu64, id);
	err = close ? kcp_ctl_session_close(ctl, id) :
		      kcp_ctl_session_get(ctl, id, &s);
	if (err)
		return kcpctl_fail(ctl, err, what);
	if (close)
		return 0;
	if (k->json) {
		json_init(&j, stdout, k->pretty);
		kcp_fmt_session_json(&j, &s);
		json_end(&j);
	} else {
		kcp_fmt_session_show(stdout, &s);
	}
	return 0;
}

int kcpctl_session(struct kcpctl *k, int argc, char **argv)
{
	struct kcp_session_filter filter = { 0 };
	bool one = false, close = false;
	struct kcp_ctl *ctl;
	char why[256];
	uint64_t id = 0;
	int first = 1, ret;

	if (argc > 1 && (!strcmp(argv[1], "show") || !strcmp(argv[1], "close"))) {
		one = true;
		close = !strcmp(argv[1], "close");
		if (argc != 3 || parse_id(argv[2], &id))
			return kcpctl_usage(SESSION_USAGE);
	} else {
		if (argc > 1 && !strcmp(argv[1], "list"))
			first = 2;
		if (kcp_parse_pairs(&kcp_filter_keyset, argc - first, argv + first,
				    &filter, why, sizeof(why))) {
			fprintf(stderr, "kcpctl: session: %s\n", why);
			return kcpctl_usage(SESSION_USAGE);
		}
	}
	ctl = kcpctl_open();
	if (!ctl)
		return 1;
	ret = one ? session_one(k, ctl, close, id) : session_list(k, ctl, &filter);
	kcp_ctl_close(ctl);
	return ret;
}
