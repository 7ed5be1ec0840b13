// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpctl's KEY VALUE parser (userspace/tools/params.c): every key takes
 * its documented range's edges and refuses one past them; bad words,
 * unknown keys, missing values and repeated keys fail with a message
 * naming the key, and a failed parse is reported, never half-applied
 * silently as success.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "libkcp.h"
#include "params.h"
#include "unit.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int parse2(const struct kcp_keyset *set, const char *key,
		  const char *value, void *target, char *err, size_t len)
{
	char *argv[] = { (char *)key, (char *)value };

	return kcp_parse_pairs(set, 2, argv, target, err, len);
}

/* The ranges <linux/kcp.h> documents, written out again on purpose. */
static const struct {
	const char *key;
	unsigned int attr;
	uint32_t min, max;
} profile_ranges[] = {
	{ "nodelay", KCP_PROFILE_A_NODELAY, 0, 2 },
	{ "interval", KCP_PROFILE_A_INTERVAL, 10, 5000 },
	{ "resend", KCP_PROFILE_A_RESEND, 0, 1000 },
	{ "nc", KCP_PROFILE_A_NC, 0, 1 },
	{ "mtu", KCP_PROFILE_A_MTU, 50, 9000 },
	{ "sndwnd", KCP_PROFILE_A_SNDWND, 1, 65535 },
	{ "rcvwnd", KCP_PROFILE_A_RCVWND, 128, 65535 },
	{ "minrto", KCP_PROFILE_A_MINRTO, 1, 60000 },
	{ "fastlimit", KCP_PROFILE_A_FASTLIMIT, 0, 1000 },
	{ "deadlink", KCP_PROFILE_A_DEADLINK, 1, 1000 },
	{ "ack_nodelay", KCP_PROFILE_A_ACK_NODELAY, 0, 1 },
	{ "ack_delay", KCP_PROFILE_A_ACK_DELAY, 0, 500 },
	{ "early_retransmit", KCP_PROFILE_A_EARLY_RETRANSMIT, 0, 1 },
	{ "write_delay", KCP_PROFILE_A_WRITE_DELAY, 0, 1 },
	{ "pacing", KCP_PROFILE_A_PACING, 0, 1 },
	{ "reorder_tolerant", KCP_PROFILE_A_REORDER_TOLERANT, 0, 1 },
	{ "keepalive", KCP_PROFILE_A_KEEPALIVE, 0, 1 },
	{ "keepidle", KCP_PROFILE_A_KEEPIDLE, 1, 32767 },
	{ "keepintvl", KCP_PROFILE_A_KEEPINTVL, 1, 32767 },
	{ "keepcnt", KCP_PROFILE_A_KEEPCNT, 1, 127 },
	{ "sndbuf", KCP_PROFILE_A_SNDBUF, 0, 1073741823 },
	{ "rcvbuf", KCP_PROFILE_A_RCVBUF, 0, 1073741823 },
	{ "stock", KCP_PROFILE_A_STOCK, 0, 1 },
	{ "connect_timeout", KCP_PROFILE_A_CONNECT_TIMEOUT, 100, 600000 },
	{ "thin_dup", KCP_PROFILE_A_THIN_DUP, 0, 1 },
};

static const struct {
	const char *key;
	unsigned int attr;
	uint32_t min, max;
} setting_ranges[] = {
	{ "orphan_max", KCP_SETTING_A_ORPHAN_MAX, 0, 1048576 },
	{ "orphan_timeout", KCP_SETTING_A_ORPHAN_TIMEOUT, 1000, 3600000 },
	{ "idle_timeout", KCP_SETTING_A_IDLE_TIMEOUT, 0, 86400000 },
	{ "restrict_tunables", KCP_SETTING_A_RESTRICT_TUNABLES, 0, 1 },
	{ "mem_max", KCP_SETTING_A_MEM_MAX, 64, 4194304 },
	{ "pending_max", KCP_SETTING_A_PENDING_MAX, 1, 1048576 },
};

static void every_profile_key_takes_its_edges(int *failures)
{
	char num[32], err[256];
	size_t i;

	/* every tunable of the uapi is a key, and no key is untested */
	EXPECT(ARRAY_SIZE(profile_ranges) ==
	       KCP_PROFILE_A_MAX - KCP_PROFILE_A_NODELAY + 1);
	for (i = 0; i < ARRAY_SIZE(profile_ranges); i++) {
		const char *key = profile_ranges[i].key;
		unsigned int a = profile_ranges[i].attr;
		uint32_t edges[] = { profile_ranges[i].min, profile_ranges[i].max };
		size_t e;

		for (e = 0; e < 2; e++) {
			struct kcp_profile p = { 0 };

			snprintf(num, sizeof(num), "%u", edges[e]);
			EXPECT(parse2(&kcp_profile_keyset, key, num, &p, err,
				      sizeof(err)) == 0);
			EXPECT(p.value[a] == edges[e]);
			EXPECT(p.present == KCP_CTL_BIT(a));
		}
		{
			struct kcp_profile p = { 0 };

			snprintf(num, sizeof(num), "%u", profile_ranges[i].max + 1);
			EXPECT(parse2(&kcp_profile_keyset, key, num, &p, err,
				      sizeof(err)) == -EINVAL);
			EXPECT(strstr(err, key) == err);
			EXPECT(p.present == 0);
		}
		if (profile_ranges[i].min > 1) {
			struct kcp_profile p = { 0 };

			snprintf(num, sizeof(num), "%u", profile_ranges[i].min - 1);
			EXPECT(parse2(&kcp_profile_keyset, key, num, &p, err,
				      sizeof(err)) == -EINVAL);
		}
	}
}

static void mtu_takes_zero_for_keep_own(int *failures)
{
	struct kcp_profile p = { 0 };
	char err[256];

	EXPECT(parse2(&kcp_profile_keyset, "mtu", "0", &p, err, sizeof(err)) == 0);
	EXPECT(p.present == KCP_CTL_BIT(KCP_PROFILE_A_MTU) && p.value[KCP_PROFILE_A_MTU] == 0);
	EXPECT(parse2(&kcp_profile_keyset, "mtu", "1", &p, err, sizeof(err)) == -EINVAL);
}

/* What a client's connect() does: the lifecycle extension's keys. */
static void stock_and_connect_timeout(int *failures)
{
	char *args[] = { "stock", "on", "connect_timeout", "20000" };
	struct kcp_profile p = { 0 };
	char err[256];

	EXPECT(kcp_parse_pairs(&kcp_profile_keyset, 4, args, &p, err, sizeof(err)) == 0);
	EXPECT(p.present == (KCP_CTL_BIT(KCP_PROFILE_A_STOCK) |
			     KCP_CTL_BIT(KCP_PROFILE_A_CONNECT_TIMEOUT)));
	EXPECT(p.value[KCP_PROFILE_A_STOCK] == 1 &&
	       p.value[KCP_PROFILE_A_CONNECT_TIMEOUT] == 20000);
	memset(&p, 0, sizeof(p));
	EXPECT(parse2(&kcp_profile_keyset, "connect_timeout", "99", &p, err,
		      sizeof(err)) == -EINVAL);
	EXPECT(strstr(err, "connect_timeout: '99' is not a number in 100..600000 ms") == err);
	EXPECT(parse2(&kcp_profile_keyset, "connect_timeout", "0", &p, err,
		      sizeof(err)) == -EINVAL);
	EXPECT(parse2(&kcp_profile_keyset, "stock", "2", &p, err, sizeof(err)) == -EINVAL);
	EXPECT(strstr(err, "stock: '2' is not 0 or 1") == err);
	EXPECT(p.present == 0);
}

static void every_setting_takes_its_edges(int *failures)
{
	char num[32], err[256];
	size_t i, e;

	/* every setting but default_profile is here */
	EXPECT(ARRAY_SIZE(setting_ranges) == KCP_SETTING_A_MAX - 1);
	for (i = 0; i < ARRAY_SIZE(setting_ranges); i++) {
		uint32_t edges[] = { setting_ranges[i].min, setting_ranges[i].max,
				     setting_ranges[i].max + 1 };

		for (e = 0; e < 3; e++) {
			struct kcp_settings s = { 0 };
			int ret;

			snprintf(num, sizeof(num), "%u", edges[e]);
			ret = parse2(&kcp_setting_keyset, setting_ranges[i].key,
				     num, &s, err, sizeof(err));
			EXPECT(ret == (e < 2 ? 0 : -EINVAL));
			if (e < 2)
				EXPECT(s.value[setting_ranges[i].attr] == edges[e]);
		}
	}
}

static void booleans_take_words(int *failures)
{
	static const char *const yes[] = { "1", "on", "yes", "true" };
	static const char *const no[] = { "0", "off", "no", "false" };
	struct kcp_profile p;
	char err[256];
	size_t i;

	for (i = 0; i < 4; i++) {
		memset(&p, 0, sizeof(p));
		EXPECT(parse2(&kcp_profile_keyset, "pacing", yes[i], &p, err, sizeof(err)) == 0);
		EXPECT(p.value[KCP_PROFILE_A_PACING] == 1);
		memset(&p, 0, sizeof(p));
		EXPECT(parse2(&kcp_profile_keyset, "pacing", no[i], &p, err, sizeof(err)) == 0);
		EXPECT(p.value[KCP_PROFILE_A_PACING] == 0);
	}
	EXPECT(parse2(&kcp_profile_keyset, "pacing", "2", &p, err, sizeof(err)) == -EINVAL);
	EXPECT(parse2(&kcp_profile_keyset, "pacing", "On", &p, err, sizeof(err)) == -EINVAL);
}

static void bad_numbers_are_refused(int *failures)
{
	static const char *const bad[] = {
		"", "-1", "+5", " 20", "20 ", "0x10", "1e3", "20ms", "4294967296",
		"99999999999999999999", "١٠",
	};
	struct kcp_profile p = { 0 };
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT(parse2(&kcp_profile_keyset, "interval", bad[i], &p, err,
			      sizeof(err)) == -EINVAL);
		EXPECT(strstr(err, "interval") != NULL);
	}
	EXPECT(p.present == 0);
}

static void unknown_missing_and_repeated(int *failures)
{
	char *twice[] = { "nodelay", "1", "nodelay", "2" };
	char *missing[] = { "nodelay", "1", "interval" };
	char *unknown[] = { "nodelay", "1", "bogus", "1" };
	struct kcp_profile p = { 0 };
	struct kcp_settings s = { 0 };
	char err[256];

	EXPECT(kcp_parse_pairs(&kcp_profile_keyset, 4, unknown, &p, err, sizeof(err)) == -EINVAL);
	EXPECT(strstr(err, "unknown profile key 'bogus'") != NULL);
	memset(&p, 0, sizeof(p));
	EXPECT(kcp_parse_pairs(&kcp_profile_keyset, 3, missing, &p, err, sizeof(err)) == -EINVAL);
	EXPECT(strstr(err, "interval: a value is missing") != NULL);
	memset(&p, 0, sizeof(p));
	EXPECT(kcp_parse_pairs(&kcp_profile_keyset, 4, twice, &p, err, sizeof(err)) == -EINVAL);
	EXPECT(strstr(err, "given twice") != NULL);
	/* a profile key is no setting, and the other way round */
	EXPECT(parse2(&kcp_setting_keyset, "nodelay", "1", &s, err, sizeof(err)) == -EINVAL);
	EXPECT(parse2(&kcp_profile_keyset, "orphan_max", "1", &p, err, sizeof(err)) == -EINVAL);
	EXPECT(kcp_parse_pairs(&kcp_profile_keyset, 0, NULL, &p, err, sizeof(err)) == 0);
}

static void names_base_and_default_profile(int *failures)
{
	char *args[] = { "from", "high_latency", "interval", "20", "sndwnd", "512" };
	char long_name[40];
	struct kcp_profile p = { 0 };
	struct kcp_settings s = { 0 };
	char err[256];

	EXPECT(kcp_parse_pairs(&kcp_profile_keyset, 6, args, &p, err, sizeof(err)) == 0);
	EXPECT(!strcmp(p.base, "high_latency"));
	EXPECT(p.present == (KCP_CTL_BIT(KCP_PROFILE_A_INTERVAL) |
			     KCP_CTL_BIT(KCP_PROFILE_A_SNDWND)));
	EXPECT(parse2(&kcp_setting_keyset, "default_profile", "sat-1.x", &s, err,
		      sizeof(err)) == 0);
	EXPECT(!strcmp(s.default_profile, "sat-1.x"));
	memset(long_name, 'a', 31);
	long_name[31] = '\0';
	EXPECT(kcp_check_name(long_name, err, sizeof(err)) == 0);
	long_name[31] = 'a';
	long_name[32] = '\0';
	EXPECT(kcp_check_name(long_name, err, sizeof(err)) == -EINVAL);
	EXPECT(kcp_check_name("", err, sizeof(err)) == -EINVAL);
	EXPECT(kcp_check_name("a b", err, sizeof(err)) == -EINVAL);
	EXPECT(kcp_check_name("x/y", err, sizeof(err)) == -EINVAL);
	memset(&s, 0, sizeof(s));
	EXPECT(parse2(&kcp_setting_keyset, "default_profile", "a;b", &s, err,
		      sizeof(err)) == -EINVAL);
	EXPECT(!s.present);
}

static void filters(int *failures)
{
	char *args[] = { "local", "127.0.0.1:9000", "peer", "[::1]:7",
			 "state", "established", "port", "9000" };
	struct kcp_session_filter f = { 0 };
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&f.local;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&f.peer;
	static const char *const bad_ends[] = {
		"", ":", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:x", "::1::5",
		"[1.2.3.4]:5", "[::1", "[::1]x", "host:5", "1.2.3.4.5",
	};
	char err[256];
	size_t i;

	EXPECT(kcp_parse_pairs(&kcp_filter_keyset, 8, args, &f, err, sizeof(err)) == 0);
	EXPECT(sin->sin_family == AF_INET && ntohs(sin->sin_port) == 9000 &&
	       sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	EXPECT(sin6->sin6_family == AF_INET6 && ntohs(sin6->sin6_port) == 7 &&
	       IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
	EXPECT(f.state == 1 && f.local_port == 9000);

	memset(&f, 0, sizeof(f));
	EXPECT(parse2(&kcp_filter_keyset, "local", "::", &f, err, sizeof(err)) == 0);
	EXPECT(f.local.ss_family == AF_INET6);
	memset(&f, 0, sizeof(f));
	EXPECT(parse2(&kcp_filter_keyset, "peer", "10.0.0.1", &f, err, sizeof(err)) == 0);
	EXPECT(f.peer.ss_family == AF_INET && ((struct sockaddr_in *)&f.peer)->sin_port == 0);
	for (i = 0; i < ARRAY_SIZE(bad_ends); i++) {
		memset(&f, 0, sizeof(f));
		EXPECT(parse2(&kcp_filter_keyset, "local", bad_ends[i], &f, err,
			      sizeof(err)) == -EINVAL);
		EXPECT(f.local.ss_family == 0);
	}
	EXPECT(parse2(&kcp_filter_keyset, "port", "0", &f, err, sizeof(err)) == -EINVAL);
	EXPECT(parse2(&kcp_filter_keyset, "port", "65536", &f, err, sizeof(err)) == -EINVAL);
	EXPECT(parse2(&kcp_filter_keyset, "state", "bogus", &f, err, sizeof(err)) == -EINVAL);
	EXPECT(parse2(&kcp_filter_keyset, "state", "TIME_WAIT", &f, err, sizeof(err)) == 0);
	EXPECT(f.state == 6);
}

static void states_round_trip(int *failures)
{
	uint32_t s;

	for (s = 1; s <= 11; s++)
		EXPECT(kcp_state_parse(kcp_state_name(s)) == s);
	EXPECT(kcp_state_name(0) == NULL && kcp_state_name(12) == NULL);
	EXPECT(kcp_state_parse("listen") == 10);
}

static const struct unit_test tests[] = {
	{ "every_profile_key_takes_its_edges", every_profile_key_takes_its_edges },
	{ "mtu_takes_zero_for_keep_own", mtu_takes_zero_for_keep_own },
	{ "stock_and_connect_timeout", stock_and_connect_timeout },
	{ "every_setting_takes_its_edges", every_setting_takes_its_edges },
	{ "booleans_take_words", booleans_take_words },
	{ "bad_numbers_are_refused", bad_numbers_are_refused },
	{ "unknown_missing_and_repeated", unknown_missing_and_repeated },
	{ "names_base_and_default_profile", names_base_and_default_profile },
	{ "filters", filters },
	{ "states_round_trip", states_round_trip },
};

UNIT_MAIN("params", tests)
