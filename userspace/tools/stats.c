// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl stats: the namespace's counters (GET_STATS), named as nstat
 * names the kernel's own (KcpInDatagrams, ...).
 *
 *   kcpctl stats [-z]                   the counters; -z: zeros too
 *   kcpctl stats -i SECONDS [-c COUNT]  their change every SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libkcp.h"
#include "format.h"
#include "json.h"
#include "kcpctl.h"

#define STATS_USAGE "stats [-z] [-i SECONDS [-c COUNT]]"

/* A positive decimal no larger than @max, or 0. */
static unsigned long positive(const char *text, unsigned long max)
{
	char *end;
	unsigned long v;

	if (text[0] < '0' || text[0] > '9')
		return 0;
	v = strtoul(text, &end, 10);
	return *end || v > max ? 0 : v;
}

static void print_stats(struct kcpctl *k, const struct kcp_stats *cur,
			const struct kcp_stats *prev, bool zeros,
			unsigned long interval)
{
	struct json j;

	if (k->json) {
		json_init(&j, stdout, k->pretty);
		json_open(&j, NULL, '{');
		if (prev)
			json_u64(&j, "interval", interval);
		kcp_fmt_stats_json(&j, cur, prev);
		json_close(&j, '{');
		json_end(&j);
	} else {
		if (prev)
			printf("--- %lu s\n", interval);
		kcp_fmt_stats_text(stdout, cur, prev, zeros);
	}
	fflush(stdout);
}

int kcpctl_stats(struct kcpctl *k, int argc, char **argv)
{
	unsigned long interval = 0, count = 0, n;
	struct kcp_stats prev, cur;
	struct kcp_ctl *ctl;
	bool zeros = false;
	struct timespec ts;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-z")) {
			zeros = true;
		} else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			interval = positive(argv[++i], 86400);
			if (!interval)
				return kcpctl_usage(STATS_USAGE);
		} else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			count = positive(argv[++i], 1000000000UL);
			if (!count)
				return kcpctl_usage(STATS_USAGE);
		} else {
			return kcpctl_usage(STATS_USAGE);
		}
	}
	if (count && !interval)
		return kcpctl_usage(STATS_USAGE);

	ctl = kcpctl_open();
	if (!ctl)
		return 1;
	err = kcp_ctl_stats(ctl, &cur);
	if (err)
		goto fail;
	if (!interval) {
		print_stats(k, &cur, NULL, zeros, 0);
		kcp_ctl_close(ctl);
		return 0;
	}
	for (n = 0; !count || n < count; n++) {
		prev = cur;
		ts.tv_sec = (time_t)interval;
		ts.tv_nsec = 0;
		nanosleep(&ts, NULL);
		err = kcp_ctl_stats(ctl, &cur);
		if (err)
			goto fail;
		print_stats(k, &cur, &prev, zeros, interval);
	}
	kcp_ctl_close(ctl);
	return 0;

fail:
	kcpctl_fail(ctl, err, "stats");
	kcp_ctl_close(ctl);
	return 1;
}
