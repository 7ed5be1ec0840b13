// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The KEY VALUE parser and its tables. Ranges are those <linux/kcp.h>
 * documents for the socket option of the same name; the kernel checks
 * them again, but a refusal here names the range, before any netlink.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "libkcp.h"
#include "params.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Profile tunables in attribute order; "from" names the base profile. */
static const struct kcp_key profile_keys[] = {
	{ "from",		KCP_KEY_NAME, KCP_PROFILE_A_BASE, 0, 0, NULL, false },
	{ "nodelay",		KCP_KEY_U32, KCP_PROFILE_A_NODELAY, 0, 2, NULL, false },
	{ "interval",		KCP_KEY_U32, KCP_PROFILE_A_INTERVAL, 10, 5000, "ms", false },
	{ "resend",		KCP_KEY_U32, KCP_PROFILE_A_RESEND, 0, 1000, "ACKs", false },
	{ "nc",			KCP_KEY_BOOL, KCP_PROFILE_A_NC, 0, 1, NULL, false },
	/* 0: a socket keeps its own MTU (the built-in profiles' value) */
	{ "mtu",		KCP_KEY_U32, KCP_PROFILE_A_MTU, 50, 9000, "bytes", true },
	{ "sndwnd",		KCP_KEY_U32, KCP_PROFILE_A_SNDWND, 1, 65535, "segments", false },
	{ "rcvwnd",		KCP_KEY_U32, KCP_PROFILE_A_RCVWND, 128, 65535, "segments", false },
	{ "minrto",		KCP_KEY_U32, KCP_PROFILE_A_MINRTO, 1, 60000, "ms", false },
	{ "fastlimit",		KCP_KEY_U32, KCP_PROFILE_A_FASTLIMIT, 0, 1000, "transmissions", false },
	{ "deadlink",		KCP_KEY_U32, KCP_PROFILE_A_DEADLINK, 1, 1000, "transmissions", false },
	{ "ack_nodelay",	KCP_KEY_BOOL, KCP_PROFILE_A_ACK_NODELAY, 0, 1, NULL, false },
	{ "ack_delay",		KCP_KEY_U32, KCP_PROFILE_A_ACK_DELAY, 0, 500, "ms", false },
	{ "early_retransmit",	KCP_KEY_BOOL, KCP_PROFILE_A_EARLY_RETRANSMIT, 0, 1, NULL, false },
	{ "write_delay",	KCP_KEY_BOOL, KCP_PROFILE_A_WRITE_DELAY, 0, 1, NULL, false },
	{ "pacing",		KCP_KEY_BOOL, KCP_PROFILE_A_PACING, 0, 1, NULL, false },
	{ "reorder_tolerant",	KCP_KEY_BOOL, KCP_PROFILE_A_REORDER_TOLERANT, 0, 1, NULL, false },
	{ "keepalive",		KCP_KEY_BOOL, KCP_PROFILE_A_KEEPALIVE, 0, 1, NULL, false },
	{ "keepidle",		KCP_KEY_U32, KCP_PROFILE_A_KEEPIDLE, 1, 32767, "s", false },
	{ "keepintvl",		KCP_KEY_U32, KCP_PROFILE_A_KEEPINTVL, 1, 32767, "s", false },
	{ "keepcnt",		KCP_KEY_U32, KCP_PROFILE_A_KEEPCNT, 1, 127, "probes", false },
	/* 0: the system's default; at most INT_MAX / 2, as SO_SNDBUF doubles */
	{ "sndbuf",		KCP_KEY_U32, KCP_PROFILE_A_SNDBUF, 0, 1073741823, "bytes", false },
	{ "rcvbuf",		KCP_KEY_U32, KCP_PROFILE_A_RCVBUF, 0, 1073741823, "bytes", false },
	/* connect() dials a stock KCP server: no handshake, FIN or reset */
	{ "stock",		KCP_KEY_BOOL, KCP_PROFILE_A_STOCK, 0, 1, NULL, false },
	{ "connect_timeout",	KCP_KEY_U32, KCP_PROFILE_A_CONNECT_TIMEOUT, 100, 600000, "ms", false },
	/* a thin stream's new segments leave twice */
	{ "thin_dup",		KCP_KEY_BOOL, KCP_PROFILE_A_THIN_DUP, 0, 1, NULL, false },
};

static const struct kcp_key setting_keys[] = {
	{ "default_profile",	KCP_KEY_NAME, KCP_SETTING_A_DEFAULT_PROFILE, 0, 0, NULL, false },
	{ "orphan_max",		KCP_KEY_U32, KCP_SETTING_A_ORPHAN_MAX, 0, 1048576, "orphans", false },
	{ "orphan_timeout",	KCP_KEY_U32, KCP_SETTING_A_ORPHAN_TIMEOUT, 1000, 3600000, "ms", false },
	{ "idle_timeout",	KCP_KEY_U32, KCP_SETTING_A_IDLE_TIMEOUT, 0, 86400000, "ms", false },
	{ "restrict_tunables",	KCP_KEY_BOOL, KCP_SETTING_A_RESTRICT_TUNABLES, 0, 1, NULL, false },
	{ "mem_max",		KCP_KEY_U32, KCP_SETTING_A_MEM_MAX, 64, 4194304, "KiB", false },
	{ "pending_max",	KCP_KEY_U32, KCP_SETTING_A_PENDING_MAX, 1, 1048576, "sessions", false },
};

static const struct kcp_key filter_keys[] = {
	{ "local",	KCP_KEY_ENDPOINT, KCP_SESSION_A_LOCAL, 0, 0, NULL, false },
	{ "peer",	KCP_KEY_ENDPOINT, KCP_SESSION_A_PEER, 0, 0, NULL, false },
	{ "port",	KCP_KEY_PORT, KCP_SESSION_A_UNSPEC, 1, 65535, NULL, false },
	{ "state",	KCP_KEY_STATE, KCP_SESSION_A_STATE, 0, 0, NULL, false },
};

/* Indexed by the TCP state number the kernel reports (TCP_ESTABLISHED...). */
static const char *const state_names[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV",
	[4] = "FIN_WAIT1", [5] = "FIN_WAIT2", [6] = "TIME_WAIT",
	[7] = "CLOSE", [8] = "CLOSE_WAIT", [9] = "LAST_ACK",
	[10] = "LISTEN", [11] = "CLOSING",
};

const char *kcp_state_name(uint32_t state)
{
	return state < ARRAY_SIZE(state_names) ? state_names[state] : NULL;
}

uint32_t kcp_state_parse(const char *name)
{
	uint32_t i;

	for (i = 1; i < ARRAY_SIZE(state_names); i++)
		if (!strcasecmp(name, state_names[i]))
			return i;
	return 0;
}

int kcp_check_name(const char *name, char *err, size_t errlen)
{
	size_t len = strlen(name), i;

	if (!len || len >= KCP_PROFILE_NAME_MAX) {
		snprintf(err, errlen, "a profile name has 1 to %d characters",
			 KCP_PROFILE_NAME_MAX - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) {
			snprintf(err, errlen,
				 "a profile name has letters, digits, '_', '-' and '.' only");
			return -EINVAL;
		}
	}
	return 0;
}

/* Strict decimal: digits only, no sign, no space, no overflow. */
static int parse_u32(const char *text, uint32_t *out)
{
	uint64_t v = 0;

	if (!*text)
		return -EINVAL;
	for (; *text; text++) {
		if (*text < '0' || *text > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*text - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_bool(const char *text, uint32_t *out)
{
	static const char *const words[] = {
		"0", "off", "no", "false", "1", "on", "yes", "true",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (!strcmp(text, words[i])) {
			*out = i >= ARRAY_SIZE(words) / 2;
			return 0;
		}
	}
	return -EINVAL;
}

/* ADDR, ADDR:PORT, [ADDR6], [ADDR6]:PORT; port 0 or absent: any port. */
static int parse_endpoint(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *end;
	bool bracketed = text[0] == '[';
	uint32_t portnum = 0;
	size_t len;

	memset(ss, 0, sizeof(*ss));
	if (bracketed) {
		end = strchr(text, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		len = (size_t)(end - text - 1);
		if (end[1] == ':')
			port = end + 2;
		text++;
	} else {
		end = strchr(text, ':');
		if (end && strchr(end + 1, ':'))
			end = NULL;	/* IPv6 without brackets has no port */
		len = end ? (size_t)(end - text) : strlen(text);
		if (end)
			port = end + 1;
	}
	if (!len || len >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, len);
	host[len] = '\0';
	if (port && (parse_u32(port, &portnum) || portnum > 65535))
		return -EINVAL;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1 && !bracketed) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)portnum);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)portnum);
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	return -EINVAL;
}

int kcp_parse_value(const struct kcp_key *key, const char *text,
		    struct kcp_value *v, char *err, size_t errlen)
{
	int ret;

	memset(v, 0, sizeof(*v));
	switch (key->type) {
	case KCP_KEY_U32:
		ret = parse_u32(text, &v->u32);
		if (!ret && (v->u32 < key->min || v->u32 > key->max) &&
		    !(key->or_zero && !v->u32))
			ret = -ERANGE;
		if (ret) {
			snprintf(err, errlen, "%s: '%s' is not %sa number in %u..%u%s%s",
				 key->name, text, key->or_zero ? "0 or " : "",
				 key->min, key->max,
				 key->unit ? " " : "", key->unit ? key->unit : "");
			return -EINVAL;
		}
		return 0;
	case KCP_KEY_BOOL:
		if (parse_bool(text, &v->u32)) {
			snprintf(err, errlen, "%s: '%s' is not 0 or 1 (on/off)",
				 key->name, text);
			return -EINVAL;
		}
		return 0;
	case KCP_KEY_NAME:
		if (kcp_check_name(text, err, errlen)) {
			/* prefix the key to the reason kcp_check_name() gave */
			char why[160];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "%s: %s", key->name, why);
			return -EINVAL;
		}
		strcpy(v->name, text);
		return 0;
	case KCP_KEY_ENDPOINT:
		if (parse_endpoint(text, &v->addr)) {
			snprintf(err, errlen,
				 "%s: '%s' is not ADDR[:PORT] or [ADDR6][:PORT]",
				 key->name, text);
			return -EINVAL;
		}
		return 0;
	case KCP_KEY_PORT:
		if (parse_u32(text, &v->u32) || !v->u32 || v->u32 > 65535) {
			snprintf(err, errlen, "%s: '%s' is not a port in 1..65535",
				 key->name, text);
			return -EINVAL;
		}
		return 0;
	case KCP_KEY_STATE:
		v->u32 = kcp_state_parse(text);
		if (!v->u32) {
			snprintf(err, errlen,
				 "%s: '%s' is not a state (established, listen, fin_wait1, time_wait, close, ...)",
				 key->name, text);
			return -EINVAL;
		}
		return 0;
	}
	snprintf(err, errlen, "%s: no parser", key->name);
	return -EINVAL;
}

const struct kcp_key *kcp_key_find(const struct kcp_keyset *set,
				   const char *name)
{
	size_t i;

	for (i = 0; i < set->nkeys; i++)
		if (!strcmp(set->keys[i].name, name))
			return &set->keys[i];
	return NULL;
}

const struct kcp_key *kcp_key_by_attr(const struct kcp_keyset *set,
				      unsigned int attr)
{
	size_t i;

	for (i = 0; i < set->nkeys; i++)
		if (set->keys[i].attr == attr)
			return &set->keys[i];
	return NULL;
}

int kcp_parse_pairs(const struct kcp_keyset *set, int argc, char **argv,
		    void *target, char *err, size_t errlen)
{
	const struct kcp_key *key;
	struct kcp_value v;
	int i;

	for (i = 0; i < argc; i += 2) {
		key = kcp_key_find(set, argv[i]);
		if (!key) {
			snprintf(err, errlen, "unknown %s '%s'", set->what, argv[i]);
			return -EINVAL;
		}
		if (i + 1 >= argc) {
			snprintf(err, errlen, "%s: a value is missing", key->name);
			return -EINVAL;
		}
		if (kcp_parse_value(key, argv[i + 1], &v, err, errlen))
			return -EINVAL;
		if (set->apply(target, key, &v)) {
			snprintf(err, errlen, "%s: given twice", key->name);
			return -EINVAL;
		}
	}
	return 0;
}

static int apply_profile(void *target, const struct kcp_key *key,
			 const struct kcp_value *v)
{
	struct kcp_profile *p = target;

	if (key->attr == KCP_PROFILE_A_BASE) {
		if (p->base[0])
			return -EEXIST;
		strcpy(p->base, v->name);
		return 0;
	}
	if (p->present & KCP_CTL_BIT(key->attr))
		return -EEXIST;
	p->value[key->attr] = v->u32;
	p->present |= KCP_CTL_BIT(key->attr);
	return 0;
}

static int apply_setting(void *target, const struct kcp_key *key,
			 const struct kcp_value *v)
{
	struct kcp_settings *s = target;

	if (s->present & KCP_CTL_BIT(key->attr))
		return -EEXIST;
	if (key->attr == KCP_SETTING_A_DEFAULT_PROFILE)
		strcpy(s->default_profile, v->name);
	else
		s->value[key->attr] = v->u32;
	s->present |= KCP_CTL_BIT(key->attr);
	return 0;
}

static int apply_filter(void *target, const struct kcp_key *key,
			const struct kcp_value *v)
{
	struct kcp_session_filter *f = target;

	switch (key->type) {
	case KCP_KEY_ENDPOINT:
		if (key->attr == KCP_SESSION_A_LOCAL) {
			if (f->local.ss_family)
				return -EEXIST;
			f->local = v->addr;
		} else {
			if (f->peer.ss_family)
				return -EEXIST;
			f->peer = v->addr;
		}
		return 0;
	case KCP_KEY_PORT:
		if (f->local_port)
			return -EEXIST;
		f->local_port = (uint16_t)v->u32;
		return 0;
	default:
		if (f->state)
			return -EEXIST;
		f->state = v->u32;
		return 0;
	}
}

const struct kcp_keyset kcp_profile_keyset = {
	"profile key", profile_keys, ARRAY_SIZE(profile_keys), apply_profile,
};
const struct kcp_keyset kcp_setting_keyset = {
	"setting", setting_keys, ARRAY_SIZE(setting_keys), apply_setting,
};
const struct kcp_keyset kcp_filter_keyset = {
	"filter", filter_keys, ARRAY_SIZE(filter_keys), apply_filter,
};
