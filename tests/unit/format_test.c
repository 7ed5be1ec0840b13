// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl's output (userspace/tools/format.c, json.c) from made-up
 * objects: the table rows and listings say what the object holds, and
 * the JSON is read back by Python's json module, which must find the
 * documented keys with the right values.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "libkcp.h"
#include "format.h"
#include "json.h"
#include "unit.h"

/* Run @emit into a string; the caller frees it. */
#define CAPTURE(buf, stmt) do {						\
	size_t len_;							\
	FILE *f = open_memstream(&(buf), &len_);			\
	stmt;								\
	fclose(f);							\
} while (0)

/*
 * Parse @json with Python and evaluate @check (a Python expression over
 * d, the parsed document): 1 if it held, 0 if not or if the text is no
 * JSON at all.
 */
static int python_says(const char *json, const char *check)
{
	FILE *p;

	/* the check goes through the environment: no shell quoting */
	setenv("KCP_JSON_CHECK", check, 1);
	p = popen("python3 -c 'import json,os,sys; d=json.load(sys.stdin); "
		  "sys.exit(0 if eval(os.environ[\"KCP_JSON_CHECK\"]) else 1)'", "w");
	if (!p)
		return 0;
	fputs(json, p);
	return pclose(p) == 0;
}

static void sample_profile(struct kcp_profile *p)
{
	memset(p, 0, sizeof(*p));
	strcpy(p->name, "sat");
	p->is_default = true;
	p->value[KCP_PROFILE_A_INTERVAL] = 20;
	p->value[KCP_PROFILE_A_SNDWND] = 512;
	p->value[KCP_PROFILE_A_PACING] = 1;
	p->value[KCP_PROFILE_A_STOCK] = 1;
	p->value[KCP_PROFILE_A_CONNECT_TIMEOUT] = 5000;
	p->present = KCP_CTL_BIT(KCP_PROFILE_A_INTERVAL) |
		     KCP_CTL_BIT(KCP_PROFILE_A_SNDWND) |
		     KCP_CTL_BIT(KCP_PROFILE_A_PACING) |
		     KCP_CTL_BIT(KCP_PROFILE_A_STOCK) |
		     KCP_CTL_BIT(KCP_PROFILE_A_CONNECT_TIMEOUT);
}

static void sample_session(struct kcp_session *s)
{
	struct sockaddr_in *local = (struct sockaddr_in *)&s->local;
	struct sockaddr_in6 *peer = (struct sockaddr_in6 *)&s->peer;

	memset(s, 0, sizeof(*s));
	s->id = 42;
	s->state = 1;
	s->conv = 7;
	s->uid = 1000;
	strcpy(s->profile, "fast3");
	local->sin_family = AF_INET;
	local->sin_port = htons(9000);
	local->sin_addr.s_addr = htonl(0x7f000001);
	peer->sin6_family = AF_INET6;
	peer->sin6_port = htons(40000);
	inet_pton(AF_INET6, "2001:db8::1", &peer->sin6_addr);
	s->info.kcpi_srtt = 12;
	s->info.kcpi_rttvar = 3;
	s->info.kcpi_cwnd = 32;
	s->info.kcpi_in_bytes = 5000000000ULL;	/* past 32 bits */
	strcpy(s->info.kcpi_profile, "fast3");
	s->info.kcpi_ext_version = 1;
	s->info.kcpi_thin_dups = 2;
	s->info.kcpi_rto_stalls = 3;
	s->info.kcpi_rto_losses = 4;
	s->info_len = sizeof(s->info);
}

static void profile_row_and_show(int *failures)
{
	struct kcp_profile p;
	char *row = NULL, *show = NULL;

	sample_profile(&p);
	CAPTURE(row, kcp_fmt_profile_row(f, &p, false));
	EXPECT(row[0] == '*');			/* the default's marker */
	EXPECT(strstr(row, "sat") && strstr(row, " 20") && strstr(row, " 512"));
	EXPECT(!strchr(row, '\033'));		/* no colour unless asked */
	CAPTURE(show, kcp_fmt_profile_show(f, &p));
	EXPECT(strstr(show, "interval           20 ms") != NULL);
	EXPECT(strstr(show, "pacing             1") != NULL);
	EXPECT(strstr(show, "stock              1\n") != NULL);
	EXPECT(strstr(show, "connect_timeout    5000 ms\n") != NULL);
	EXPECT(strstr(show, "nodelay") == NULL);	/* absent: not shown */
	free(row);
	free(show);
}

static void profile_json(int *failures)
{
	struct kcp_profile p;
	struct json j;
	char *out = NULL;

	sample_profile(&p);
	CAPTURE(out, (json_init(&j, f, false), kcp_fmt_profile_json(&j, &p), json_end(&j)));
	EXPECT(python_says(out, "d['name'] == 'sat' and d['default'] is True and "
			   "d['builtin'] is False and d['interval'] == 20 and "
			   "d['sndwnd'] == 512 and d['pacing'] is True and "
			   "d['stock'] is True and d['connect_timeout'] == 5000 and "
			   "'nodelay' not in d"));
	free(out);
	/* a list, pretty-printed, is JSON too */
	CAPTURE(out, (json_init(&j, f, true), json_open(&j, NULL, '['),
		      kcp_fmt_profile_json(&j, &p), kcp_fmt_profile_json(&j, &p),
		      json_close(&j, '['), json_end(&j)));
	EXPECT(python_says(out, "len(d) == 2 and d[1]['name'] == 'sat'"));
	EXPECT(strchr(out, '\n') != strrchr(out, '\n'));	/* indented */
	free(out);
}

static void session_row_and_json(int *failures)
{
	struct kcp_session s;
	struct json j;
	char *out = NULL;

	sample_session(&s);
	CAPTURE(out, kcp_fmt_session_row(f, &s, false));
	EXPECT(strstr(out, "ESTABLISHED") && strstr(out, "127.0.0.1:9000") &&
	       strstr(out, "[2001:db8::1]:40000") && strstr(out, "fast3"));
	EXPECT(strstr(out, "rtt:12/3") && strstr(out, "cwnd:32") &&
	       strstr(out, "bytes:5000000000/0"));
	free(out);
	CAPTURE(out, (json_init(&j, f, false), kcp_fmt_session_json(&j, &s), json_end(&j)));
	EXPECT(python_says(out, "d['id'] == 42 and d['state'] == 'ESTABLISHED' and "
			   "d['local'] == '127.0.0.1:9000' and "
			   "d['peer'] == '[2001:db8::1]:40000' and d['conv'] == 7 and "
			   "d['uid'] == 1000 and d['orphan'] is False and "
			   "d['info']['srtt'] == 12 and d['info']['in_bytes'] == 5000000000 and "
			   "d['info']['profile'] == 'fast3' and d['info']['ext_version'] == 1 and "
			   "d['info']['thin_dups'] == 2 and d['info']['rto_stalls'] == 3 and "
			   "d['info']['rto_losses'] == 4"));
	free(out);
	CAPTURE(out, kcp_fmt_session_show(f, &s));
	EXPECT(strstr(out, "  ext_version        1\n") != NULL);
	free(out);
}

static void session_from_an_older_kernel(int *failures)
{
	struct kcp_session s;
	struct json j;
	char *out = NULL;

	sample_session(&s);
	s.info_len = 24 * 4;	/* the kernel sent only the u32 block */
	CAPTURE(out, (json_init(&j, f, false), kcp_fmt_session_json(&j, &s), json_end(&j)));
	EXPECT(python_says(out, "d['info']['srtt'] == 12 and 'in_bytes' not in d['info'] "
			   "and 'profile' not in d['info']"));
	free(out);
	/* one before the lifecycle extension: no ext_version, not a stock 0 */
	s.info_len = offsetof(struct kcp_info, kcpi_ext_version);
	CAPTURE(out, (json_init(&j, f, false), kcp_fmt_session_json(&j, &s), json_end(&j)));
	EXPECT(python_says(out, "d['info']['profile'] == 'fast3' and "
			   "'ext_version' not in d['info']"));
	free(out);
	/* one before F-RTO's counters */
	s.info_len = offsetof(struct kcp_info, kcpi_rto_stalls);
	CAPTURE(out, (json_init(&j, f, false), kcp_fmt_session_json(&j, &s), json_end(&j)));
	EXPECT(python_says(out, "d['info']['thin_dups'] == 2 and "
			   "'rto_stalls' not in d['info'] and 'rto_losses' not in d['info']"));
	free(out);
}

static void stats_text_json_and_deltas(int *failures)
{
	struct kcp_stats prev = { 0 }, cur = { 0 };
	char *out = NULL;
	struct json j;
	int i;

	for (i = KCP_STAT_A_PAD + 1; i <= KCP_STAT_A_MAX; i++) {
		prev.present |= KCP_CTL_BIT(i);
		cur.present |= KCP_CTL_BIT(i);
	}
	cur.value[KCP_STAT_A_IN_DATAGRAMS] = 100;
	prev.value[KCP_STAT_A_IN_DATAGRAMS] = 40;
	cur.value[KCP_STAT_A_CURR_ESTAB] = 3;
	prev.value[KCP_STAT_A_CURR_ESTAB] = 3;
	EXPECT(kcp_stat_attr("KcpInDatagrams") == KCP_STAT_A_IN_DATAGRAMS);
	EXPECT(kcp_stat_attr("KcpCookiesSent") == KCP_STAT_A_COOKIES_SENT);
	EXPECT(kcp_stat_attr("KcpCookiesInvalid") == KCP_STAT_A_COOKIES_INVALID);
	EXPECT(kcp_stat_attr("KcpConnectTimeouts") == KCP_STAT_A_CONNECT_TIMEOUTS);
	EXPECT(kcp_stat_attr("KcpResetsSent") == KCP_STAT_A_RESETS_SENT);
	EXPECT(kcp_stat_attr("KcpResetsAccepted") == KCP_STAT_A_RESETS_ACCEPTED);
	EXPECT(kcp_stat_attr("KcpResetsInvalid") == KCP_STAT_A_RESETS_INVALID);
	for (i = KCP_STAT_A_PAD + 1; i <= KCP_STAT_A_MAX; i++)
		EXPECT(kcp_stat_name(i) != NULL);

	CAPTURE(out, kcp_fmt_stats_text(f, &cur, NULL, false));
	EXPECT(strstr(out, "KcpInDatagrams") && strstr(out, " 100\n"));
	EXPECT(!strstr(out, "KcpOutBytes"));	/* zeros hidden, as nstat */
	free(out);
	CAPTURE(out, kcp_fmt_stats_text(f, &cur, &prev, true));
	EXPECT(strstr(out, " 60\n") && strstr(out, "KcpOutBytes"));
	free(out);
	CAPTURE(out, (json_init(&j, f, false), json_open(&j, NULL, '{'),
		      kcp_fmt_stats_json(&j, &cur, &prev), json_close(&j, '{'),
		      json_end(&j)));
	/* a change per interval, except for the gauge */
	EXPECT(python_says(out, "d['KcpInDatagrams'] == 60 and d['KcpCurrEstab'] == 3 "
			   "and d['KcpOutBytes'] == 0"));
	free(out);
}

static void json_escapes(int *failures)
{
	struct json j;
	char *out = NULL;

	CAPTURE(out, (json_init(&j, f, false), json_open(&j, NULL, '{'),
		      json_str(&j, "k", "a\"b\\c\n\001"), json_open(&j, "e", '['),
		      json_close(&j, '['), json_close(&j, '{'), json_end(&j)));
	EXPECT(python_says(out, "d['k'] == 'a\"b\\\\c\\n\\x01' and d['e'] == []"));
	free(out);
}

static void events(int *failures)
{
	struct kcp_event ev = { .cmd = KCP_NL_CMD_SESSION_CLOSED };
	struct json j;
	char *out = NULL;

	sample_session(&ev.session);
	ev.session.reason = 110;	/* ETIMEDOUT */
	CAPTURE(out, kcp_fmt_event_text(f, &ev));
	EXPECT(strstr(out, "session closed id 42") && strstr(out, "reason ETIMEDOUT"));
	EXPECT(strchr(out, '\n') == out + strlen(out) - 1);	/* one line */
	free(out);
	ev.cmd = KCP_NL_CMD_PROFILE_CHANGED;
	strcpy(ev.profile.name, "sat");
	ev.profile.action = KCP_PROFILE_MADE_DEFAULT;
	CAPTURE(out, (json_init(&j, f, false), kcp_fmt_event_json(&j, &ev), json_end(&j)));
	EXPECT(python_says(out, "d == {'event': 'profile', 'name': 'sat', "
			   "'action': 'made_default'}"));
	free(out);
}

static const struct unit_test tests[] = {
	{ "profile_row_and_show", profile_row_and_show },
	{ "profile_json", profile_json },
	{ "session_row_and_json", session_row_and_json },
	{ "session_from_an_older_kernel", session_from_an_older_kernel },
	{ "stats_text_json_and_deltas", stats_text_json_and_deltas },
	{ "json_escapes", json_escapes },
	{ "events", events },
};

UNIT_MAIN("format", tests)
