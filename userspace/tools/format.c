// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * How kcpctl prints what libkcp returns. The JSON keys are a stable
 * interface (kcpctl(8) lists them): the profile keys are the KEY names
 * kcpctl takes, the session's "info" keys those of struct kcp_info
 * without "kcpi_", the counters nstat's style of names.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "libkcp.h"
#include "format.h"
#include "json.h"
#include "params.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BOLD(c)		((c) ? "\033[1m" : "")
#define GREEN(c)	((c) ? "\033[32m" : "")
#define RESET(c)	((c) ? "\033[0m" : "")
#define ESTABLISHED	1	/* TCP_ESTABLISHED, as the kernel reports it */

void kcp_fmt_endpoint(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET &&
	    inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host)))
		snprintf(buf, size, "%s:%u", host, ntohs(sin->sin_port));
	else if (ss->ss_family == AF_INET6 &&
		 inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host)))
		snprintf(buf, size, "[%s]:%u", host, ntohs(sin6->sin6_port));
	else
		snprintf(buf, size, "-");
}

/* ---- counters ------------------------------------------------------------ */

static const char *const stat_names[KCP_STAT_A_MAX + 1] = {
	[KCP_STAT_A_IN_DATAGRAMS]	= "KcpInDatagrams",
	[KCP_STAT_A_IN_BYTES]		= "KcpInBytes",
	[KCP_STAT_A_OUT_DATAGRAMS]	= "KcpOutDatagrams",
	[KCP_STAT_A_OUT_BYTES]		= "KcpOutBytes",
	[KCP_STAT_A_IN_SEGS]		= "KcpInSegs",
	[KCP_STAT_A_OUT_SEGS]		= "KcpOutSegs",
	[KCP_STAT_A_ACTIVE_OPENS]	= "KcpActiveOpens",
	[KCP_STAT_A_PASSIVE_OPENS]	= "KcpPassiveOpens",
	[KCP_STAT_A_CURR_ESTAB]		= "KcpCurrEstab",
	[KCP_STAT_A_RETRANS_TIMEOUT]	= "KcpRetransTimeout",
	[KCP_STAT_A_RETRANS_FAST]	= "KcpRetransFast",
	[KCP_STAT_A_RETRANS_EARLY]	= "KcpRetransEarly",
	[KCP_STAT_A_SPURIOUS_RETRANS]	= "KcpSpuriousRetrans",
	[KCP_STAT_A_REPEAT_SEGS]	= "KcpRepeatSegs",
	[KCP_STAT_A_DROPPED_SEGS]	= "KcpDroppedSegs",
	[KCP_STAT_A_IN_ERRORS]		= "KcpInErrors",
	[KCP_STAT_A_INVALID_SEGS]	= "KcpInvalidSegs",
	[KCP_STAT_A_NO_SESSION]		= "KcpNoSession",
	[KCP_STAT_A_BACKLOG_DROPS]	= "KcpBacklogDrops",
	[KCP_STAT_A_LISTEN_OVERFLOWS]	= "KcpListenOverflows",
	[KCP_STAT_A_LISTEN_DROPS]	= "KcpListenDrops",
	[KCP_STAT_A_DEAD_LINKS]		= "KcpDeadLinks",
	[KCP_STAT_A_KEEPALIVE_TIMEOUTS]	= "KcpKeepaliveTimeouts",
	[KCP_STAT_A_ICMP_UNREACH]	= "KcpIcmpUnreach",
	[KCP_STAT_A_ABORTS]		= "KcpAborts",
	[KCP_STAT_A_ORPHAN_OVERFLOWS]	= "KcpOrphanOverflows",
	[KCP_STAT_A_ORPHAN_TIMEOUTS]	= "KcpOrphanTimeouts",
	[KCP_STAT_A_IDLE_TIMEOUTS]	= "KcpIdleTimeouts",
	[KCP_STAT_A_GSO_BATCHES]	= "KcpGsoBatches",
	[KCP_STAT_A_MEM_LIMITED]	= "KcpMemLimited",
	[KCP_STAT_A_COOKIES_SENT]	= "KcpCookiesSent",
	[KCP_STAT_A_COOKIES_INVALID]	= "KcpCookiesInvalid",
	[KCP_STAT_A_CONNECT_TIMEOUTS]	= "KcpConnectTimeouts",
	[KCP_STAT_A_RESETS_SENT]	= "KcpResetsSent",
	[KCP_STAT_A_RESETS_ACCEPTED]	= "KcpResetsAccepted",
	[KCP_STAT_A_RESETS_INVALID]	= "KcpResetsInvalid",
	[KCP_STAT_A_UNPROVED_HELD]	= "KcpUnprovedHeld",
	[KCP_STAT_A_LISTEN_EVICTIONS]	= "KcpListenEvictions",
};

const char *kcp_stat_name(unsigned int attr)
{
	return attr < ARRAY_SIZE(stat_names) ? stat_names[attr] : NULL;
}

unsigned int kcp_stat_attr(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stat_names); i++)
		if (stat_names[i] && !strcmp(stat_names[i], name))
			return i;
	return 0;
}

/* A gauge is shown as it is, not as a change (KcpCurrEstab). */
static uint64_t stat_value(const struct kcp_stats *cur,
			   const struct kcp_stats *prev, unsigned int i)
{
	if (!prev || i == KCP_STAT_A_CURR_ESTAB)
		return cur->value[i];
	return cur->value[i] - prev->value[i];
}

void kcp_fmt_stats_text(FILE *f, const struct kcp_stats *cur,
			const struct kcp_stats *prev, bool all)
{
	unsigned int i;
	uint64_t v;

	for (i = 1; i < ARRAY_SIZE(stat_names); i++) {
		if (!stat_names[i] || !(cur->present & KCP_CTL_BIT(i)))
			continue;
		v = stat_value(cur, prev, i);
		if (v || all)
			fprintf(f, "%-24s %" PRIu64 "\n", stat_names[i], v);
	}
}

void kcp_fmt_stats_json(struct json *j, const struct kcp_stats *cur,
			const struct kcp_stats *prev)
{
	unsigned int i;

	for (i = 1; i < ARRAY_SIZE(stat_names); i++)
		if (stat_names[i] && (cur->present & KCP_CTL_BIT(i)))
			json_u64(j, stat_names[i], stat_value(cur, prev, i));
}

/* ---- module information -------------------------------------------------- */

static const char *const limit_names[KCP_LIMIT_A_MAX + 1] = {
	[KCP_LIMIT_A_PROFILES_MAX]	= "profiles_max",
	[KCP_LIMIT_A_PROFILE_NAME_MAX]	= "profile_name_max",
	[KCP_LIMIT_A_WND_MAX]		= "wnd_max",
	[KCP_LIMIT_A_MTU_MIN]		= "mtu_min",
	[KCP_LIMIT_A_MTU_MAX]		= "mtu_max",
};

void kcp_fmt_info_text(FILE *f, const struct kcp_module_info *info)
{
	const struct kcp_settings *s = &info->settings;
	const struct kcp_key *key;
	unsigned int i;

	fprintf(f, "kcp.ko %s, address family %u\n", info->version, info->family);
	fprintf(f, "sessions %u (orphans %u, waiting for accept %u), holding %" PRIu64
		" bytes; profiles of its own %u\n", info->sessions, info->orphans,
		info->pending, info->memory, info->profiles);
	fprintf(f, "settings:\n");
	for (i = 1; i <= KCP_SETTING_A_MAX; i++) {
		key = kcp_key_by_attr(&kcp_setting_keyset, i);
		if (!key || !(s->present & KCP_CTL_BIT(i)))
			continue;
		if (i == KCP_SETTING_A_DEFAULT_PROFILE)
			fprintf(f, "  %-18s %s\n", key->name, s->default_profile);
		else
			fprintf(f, "  %-18s %u%s%s\n", key->name, s->value[i],
				key->unit ? " " : "", key->unit ? key->unit : "");
	}
	fprintf(f, "limits:\n");
	for (i = 1; i <= KCP_LIMIT_A_MAX; i++)
		if (limit_names[i] && (info->limits_present & KCP_CTL_BIT(i)))
			fprintf(f, "  %-18s %u\n", limit_names[i], info->limit[i]);
}

void kcp_fmt_info_json(struct json *j, const struct kcp_module_info *info)
{
	const struct kcp_settings *s = &info->settings;
	const struct kcp_key *key;
	unsigned int i;

	json_open(j, NULL, '{');
	json_str(j, "version", info->version);
	json_u64(j, "family", info->family);
	json_u64(j, "sessions", info->sessions);
	json_u64(j, "orphans", info->orphans);
	json_u64(j, "profiles", info->profiles);
	json_u64(j, "memory", info->memory);
	json_u64(j, "pending", info->pending);
	json_open(j, "settings", '{');
	for (i = 1; i <= KCP_SETTING_A_MAX; i++) {
		key = kcp_key_by_attr(&kcp_setting_keyset, i);
		if (!key || !(s->present & KCP_CTL_BIT(i)))
			continue;
		if (i == KCP_SETTING_A_DEFAULT_PROFILE)
			json_str(j, key->name, s->default_profile);
		else if (key->type == KCP_KEY_BOOL)
			json_bool(j, key->name, s->value[i]);
		else
			json_u64(j, key->name, s->value[i]);
	}
	json_close(j, '{');
	json_open(j, "limits", '{');
	for (i = 1; i <= KCP_LIMIT_A_MAX; i++)
		if (limit_names[i] && (info->limits_present & KCP_CTL_BIT(i)))
			json_u64(j, limit_names[i], info->limit[i]);
	json_close(j, '{');
	json_close(j, '{');
}

/* ---- profiles ------------------------------------------------------------ */

/* The tunables a profile list shows; profile show has them all. */
static const unsigned int profile_columns[] = {
	KCP_PROFILE_A_NODELAY, KCP_PROFILE_A_INTERVAL, KCP_PROFILE_A_RESEND,
	KCP_PROFILE_A_NC, KCP_PROFILE_A_SNDWND, KCP_PROFILE_A_RCVWND,
	KCP_PROFILE_A_MINRTO, KCP_PROFILE_A_MTU,
};

void kcp_fmt_profile_header(FILE *f, bool color)
{
	size_t i;

	fprintf(f, "%s  %-16s %-7s", BOLD(color), "NAME", "BUILTIN");
	for (i = 0; i < ARRAY_SIZE(profile_columns); i++)
		fprintf(f, " %8s", kcp_key_by_attr(&kcp_profile_keyset,
						   profile_columns[i])->name);
	fprintf(f, "%s\n", RESET(color));
}

void kcp_fmt_profile_row(FILE *f, const struct kcp_profile *p, bool color)
{
	size_t i;

	fprintf(f, "%s%c %-16s %-7s", p->is_default ? GREEN(color) : "",
		p->is_default ? '*' : ' ', p->name, p->builtin ? "yes" : "no");
	for (i = 0; i < ARRAY_SIZE(profile_columns); i++) {
		unsigned int a = profile_columns[i];

		if (p->present & KCP_CTL_BIT(a))
			fprintf(f, " %8u", p->value[a]);
		else
			fprintf(f, " %8s", "-");
	}
	fprintf(f, "%s\n", p->is_default ? RESET(color) : "");
}

void kcp_fmt_profile_show(FILE *f, const struct kcp_profile *p)
{
	const struct kcp_key *key;
	unsigned int a;

	fprintf(f, "profile %s%s%s\n", p->name, p->builtin ? " (built in)" : "",
		p->is_default ? " (the namespace's default)" : "");
	for (a = KCP_PROFILE_A_NODELAY; a <= KCP_PROFILE_A_MAX; a++) {
		key = kcp_key_by_attr(&kcp_profile_keyset, a);
		if (!key || !(p->present & KCP_CTL_BIT(a)))
			continue;
		fprintf(f, "  %-18s %u%s%s\n", key->name, p->value[a],
			key->unit ? " " : "", key->unit ? key->unit : "");
	}
}

void kcp_fmt_profile_json(struct json *j, const struct kcp_profile *p)
{
	const struct kcp_key *key;
	unsigned int a;

	json_open(j, NULL, '{');
	json_str(j, "name", p->name);
	json_bool(j, "builtin", p->builtin);
	json_bool(j, "default", p->is_default);
	for (a = KCP_PROFILE_A_NODELAY; a <= KCP_PROFILE_A_MAX; a++) {
		key = kcp_key_by_attr(&kcp_profile_keyset, a);
		if (!key || !(p->present & KCP_CTL_BIT(a)))
			continue;
		if (key->type == KCP_KEY_BOOL)
			json_bool(j, key->name, p->value[a]);
		else
			json_u64(j, key->name, p->value[a]);
	}
	json_close(j, '{');
}

/* ---- sessions ------------------------------------------------------------ */

/* struct kcp_info's numbers, by name; those past info_len are not shown. */
static const struct {
	const char *name;
	unsigned short offset;
	unsigned char size;
} info_fields[] = {
#define F(field)	{ #field, offsetof(struct kcp_info, kcpi_##field), \
			  sizeof(((struct kcp_info *)0)->kcpi_##field) }
	F(mtu), F(mss), F(srtt), F(rttvar), F(rto), F(snd_wnd), F(rcv_wnd),
	F(rmt_wnd), F(cwnd), F(ssthresh), F(inflight), F(snd_queue),
	F(rcv_queue), F(rcv_buf), F(snd_mem), F(rcv_mem), F(nodelay),
	F(interval), F(resend), F(nc), F(dead), F(in_pkts), F(out_pkts),
	F(in_segs), F(out_segs), F(in_bytes), F(out_bytes), F(in_errors),
	F(retrans_timeout), F(retrans_fast), F(retrans_early), F(repeat_segs),
	F(dropped_segs), F(backlog_drops), F(spurious_timeout),
	F(spurious_fast), F(invalid_segs), F(snd_bytes), F(gso_batches),
	F(ext_version), F(thin_dups), F(rto_stalls), F(rto_losses),
#undef F
};

static bool info_has(const struct kcp_session *s, size_t i)
{
	return info_fields[i].offset + info_fields[i].size <= s->info_len;
}

static uint64_t info_value(const struct kcp_session *s, size_t i)
{
	const char *base = (const char *)&s->info + info_fields[i].offset;
	uint32_t v32;
	uint64_t v64;

	if (info_fields[i].size == sizeof(v64)) {
		memcpy(&v64, base, sizeof(v64));
		return v64;
	}
	memcpy(&v32, base, sizeof(v32));
	return v32;
}

static const char *state_of(const struct kcp_session *s)
{
	const char *name = kcp_state_name(s->state);

	return name ? name : "UNKNOWN";
}

void kcp_fmt_session_header(FILE *f, bool color)
{
	fprintf(f, "%s%-8s %-12s %-24s %-24s %-10s %s%s\n", BOLD(color), "ID",
		"STATE", "LOCAL", "PEER", "CONV", "PROFILE", RESET(color));
}

void kcp_fmt_session_row(FILE *f, const struct kcp_session *s, bool color)
{
	const struct kcp_info *i = &s->info;
	char local[64], peer[64];

	kcp_fmt_endpoint(&s->local, local, sizeof(local));
	kcp_fmt_endpoint(&s->peer, peer, sizeof(peer));
	fprintf(f, "%-8" PRIu64 " %s%-12s%s %-24s %-24s %-10u %s%s\n", s->id,
		s->state == ESTABLISHED ? GREEN(color) : "", state_of(s),
		s->state == ESTABLISHED ? RESET(color) : "", local, peer, s->conv,
		s->profile[0] ? s->profile : "-", s->orphan ? " (orphan)" : "");
	if (!s->info_len)
		return;
	/* the second line, as ss -ti has: what the engine is doing */
	fprintf(f, "\t rtt:%u/%u rto:%u cwnd:%u ssthresh:%u wnd:%u/%u/%u"
		" inflight:%u queue:%u/%u retrans:%" PRIu64 "/%" PRIu64 "/%" PRIu64
		" bytes:%" PRIu64 "/%" PRIu64 " mem:%u/%u\n",
		i->kcpi_srtt, i->kcpi_rttvar, i->kcpi_rto, i->kcpi_cwnd,
		i->kcpi_ssthresh, i->kcpi_snd_wnd, i->kcpi_rcv_wnd, i->kcpi_rmt_wnd,
		i->kcpi_inflight, i->kcpi_snd_queue, i->kcpi_rcv_queue,
		(uint64_t)i->kcpi_retrans_timeout, (uint64_t)i->kcpi_retrans_fast,
		(uint64_t)i->kcpi_retrans_early, (uint64_t)i->kcpi_in_bytes,
		(uint64_t)i->kcpi_out_bytes, i->kcpi_snd_mem, i->kcpi_rcv_mem);
}

void kcp_fmt_session_show(FILE *f, const struct kcp_session *s)
{
	char local[64], peer[64];
	size_t i;

	kcp_fmt_endpoint(&s->local, local, sizeof(local));
	kcp_fmt_endpoint(&s->peer, peer, sizeof(peer));
	fprintf(f, "session %" PRIu64 "%s\n", s->id, s->orphan ? " (orphan)" : "");
	fprintf(f, "  %-18s %s\n", "state", state_of(s));
	fprintf(f, "  %-18s %s\n", "local", local);
	fprintf(f, "  %-18s %s\n", "peer", peer);
	fprintf(f, "  %-18s %u\n", "conv", s->conv);
	fprintf(f, "  %-18s %s\n", "profile", s->profile[0] ? s->profile : "-");
	fprintf(f, "  %-18s %u\n", "uid", s->uid);
	fprintf(f, "  %-18s %" PRIu64 "\n", "inode", s->inode);
	for (i = 0; i < ARRAY_SIZE(info_fields); i++)
		if (info_has(s, i))
			fprintf(f, "  %-18s %" PRIu64 "\n", info_fields[i].name,
				info_value(s, i));
}

void kcp_fmt_session_json(struct json *j, const struct kcp_session *s)
{
	char local[64], peer[64];
	size_t i;

	kcp_fmt_endpoint(&s->local, local, sizeof(local));
	kcp_fmt_endpoint(&s->peer, peer, sizeof(peer));
	json_open(j, NULL, '{');
	json_u64(j, "id", s->id);
	json_str(j, "state", state_of(s));
	json_str(j, "local", local);
	json_str(j, "peer", peer);
	json_u64(j, "conv", s->conv);
	json_str(j, "profile", s->profile);
	json_u64(j, "uid", s->uid);
	json_u64(j, "inode", s->inode);
	json_bool(j, "orphan", s->orphan);
	if (s->info_len) {
		json_open(j, "info", '{');
		for (i = 0; i < ARRAY_SIZE(info_fields); i++)
			if (info_has(s, i))
				json_u64(j, info_fields[i].name, info_value(s, i));
		if (s->info_len >= offsetof(struct kcp_info, kcpi_profile) +
				   sizeof(s->info.kcpi_profile)) {
			char name[KCP_PROFILE_NAME_MAX];

			memcpy(name, s->info.kcpi_profile, sizeof(name));
			name[sizeof(name) - 1] = '\0';
			json_str(j, "profile", name);
		}
		json_close(j, '{');
	}
	json_close(j, '{');
}

/* ---- events -------------------------------------------------------------- */

static const char *const actions[] = {
	[KCP_PROFILE_CREATED] = "created",
	[KCP_PROFILE_CHANGED] = "changed",
	[KCP_PROFILE_DELETED] = "deleted",
	[KCP_PROFILE_MADE_DEFAULT] = "made_default",
};

static const char *action_name(uint32_t action)
{
	return action < ARRAY_SIZE(actions) && actions[action] ?
	       actions[action] : "unknown";
}

/* The errno a session ended with, by name where kcp.ko uses it. */
static const char *reason_name(uint32_t reason, char *buf, size_t size)
{
	switch (reason) {
	case 0:			return "ok";
	case ETIMEDOUT:		return "ETIMEDOUT";
	case ECONNABORTED:	return "ECONNABORTED";
	case ECONNREFUSED:	return "ECONNREFUSED";
	case ECONNRESET:	return "ECONNRESET";
	case EPIPE:		return "EPIPE";
	default:
		snprintf(buf, size, "errno %u", reason);
		return buf;
	}
}

void kcp_fmt_event_text(FILE *f, const struct kcp_event *ev)
{
	const struct kcp_session *s = &ev->session;
	char local[64], peer[64], why[32];

	if (ev->cmd == KCP_NL_CMD_PROFILE_CHANGED) {
		fprintf(f, "profile %s %s\n", ev->profile.name,
			action_name(ev->profile.action));
		return;
	}
	kcp_fmt_endpoint(&s->local, local, sizeof(local));
	kcp_fmt_endpoint(&s->peer, peer, sizeof(peer));
	if (ev->cmd == KCP_NL_CMD_SESSION_OPENED)
		fprintf(f, "session opened id %" PRIu64 " %s %s -> %s conv %u profile %s uid %u\n",
			s->id, state_of(s), local, peer, s->conv,
			s->profile[0] ? s->profile : "-", s->uid);
	else
		fprintf(f, "session closed id %" PRIu64 " %s -> %s conv %u reason %s\n",
			s->id, local, peer, s->conv,
			reason_name(s->reason, why, sizeof(why)));
}

void kcp_fmt_event_json(struct json *j, const struct kcp_event *ev)
{
	const struct kcp_session *s = &ev->session;
	char local[64], peer[64];

	json_open(j, NULL, '{');
	if (ev->cmd == KCP_NL_CMD_PROFILE_CHANGED) {
		json_str(j, "event", "profile");
		json_str(j, "name", ev->profile.name);
		json_str(j, "action", action_name(ev->profile.action));
		json_close(j, '{');
		return;
	}
	kcp_fmt_endpoint(&s->local, local, sizeof(local));
	kcp_fmt_endpoint(&s->peer, peer, sizeof(peer));
	json_str(j, "event", ev->cmd == KCP_NL_CMD_SESSION_OPENED ?
		 "session_opened" : "session_closed");
	json_u64(j, "id", s->id);
	json_str(j, "local", local);
	json_str(j, "peer", peer);
	json_u64(j, "conv", s->conv);
	if (ev->cmd == KCP_NL_CMD_SESSION_OPENED) {
		json_str(j, "state", state_of(s));
		json_str(j, "profile", s->profile);
		json_u64(j, "uid", s->uid);
	} else {
		json_u64(j, "reason", s->reason);
	}
	json_close(j, '{');
}
