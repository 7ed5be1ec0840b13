// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl monitor [-c COUNT]: the namespace's events as they happen, one
 * line each (JSON lines with -j): sessions opening and closing, profiles
 * created, changed, deleted or made the default. -c stops after COUNT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkcp.h"
#include "format.h"
#include "json.h"
#include "kcpctl.h"

struct watch {
	struct kcpctl *k;
	unsigned long count;	/* 0: forever */
	unsigned long seen;
};

static int print_event(const struct kcp_event *ev, void *arg)
{
	struct watch *w = arg;
	struct json j;

	if (w->k->json) {
		json_init(&j, stdout, false);	/* one event, one line */
		kcp_fmt_event_json(&j, ev);
		json_end(&j);
	} else {
		kcp_fmt_event_text(stdout, ev);
	}
	fflush(stdout);
	return w->count && ++w->seen >= w->count;
}

int kcpctl_monitor(struct kcpctl *k, int argc, char **argv)
{
	struct watch w = { .k = k };
	struct kcp_ctl *ctl;
	char *end;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "-c")) {
		w.count = strtoul(argv[2], &end, 10);
		if (argv[2][0] < '0' || argv[2][0] > '9' || *end || !w.count)
			return kcpctl_usage("monitor [-c COUNT]");
	} else if (argc != 1) {
		return kcpctl_usage("monitor [-c COUNT]");
	}
	ctl = kcpctl_open();
	if (!ctl)
		return 1;
	ret = kcp_ctl_monitor(ctl, print_event, &w);
	if (ret < 0)
		kcpctl_fail(ctl, ret, "monitor");
	kcp_ctl_close(ctl);
	return ret < 0 ? 1 : 0;
}
