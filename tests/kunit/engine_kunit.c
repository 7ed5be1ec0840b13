// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: the KCP engine end to end. Two engines talk through an in-memory
 * link (test_link.c) that loses, duplicates and reorders datagrams; the
 * receiver checks every byte against the sender's pattern, so a byte lost,
 * repeated or out of place fails the case.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "engine.h"
#include "test_link.h"

/* The byte at offset @i of every test stream: no period a bug could hide in. */
static u8 pattern(u64 i)
{
	return (u8)((i * 2654435761u) >> 24) ^ (u8)(i >> 16);
}

static void fill(u8 *buf, u64 off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(off + i);
}

static bool matches(const u8 *buf, u64 off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != pattern(off + i))
			return false;
	return true;
}

/*
 * Push @total bytes from a to b in writes of @chunk bytes (messages, in
 * message mode), reading at b as data arrives. Returns the bytes b read,
 * all verified in order and, in message mode, message by message.
 */
static size_t transfer(struct kunit *test, struct test_link *link,
		       size_t total, size_t chunk, u32 time_limit)
{
	struct kcp_engine *a = link->a.kcp, *b = link->b.kcp;
	u32 deadline = link->now + time_limit;
	size_t bufsize = max_t(size_t, chunk, 65536);
	size_t sent = 0, got = 0;
	ssize_t n;
	u8 *buf;

	buf = kunit_kmalloc(test, bufsize, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	while (got < total && kcp_before(link->now, deadline)) {
		while (sent < total && kcp_engine_waitsnd(a) < 2 * a->cfg.snd_wnd) {
			size_t len = min(chunk, total - sent);

			fill(buf, sent, len);
			n = kcp_engine_send_buf(a, buf, len, GFP_KERNEL);
			KUNIT_ASSERT_EQ(test, n, (ssize_t)len);
			sent += len;
		}
		test_link_recheck(link);
		test_link_step(link);
		while ((n = kcp_engine_recv_buf(b, buf, bufsize)) >= 0) {
			if (!b->cfg.stream)
				KUNIT_ASSERT_EQ_MSG(test, (size_t)n,
						    min(chunk, total - got),
						    "message boundary at %zu", got);
			KUNIT_ASSERT_TRUE_MSG(test, matches(buf, got, n),
					      "wrong bytes at offset %zu", got);
			got += n;
		}
	}
	/* let the last ACKs reach the sender */
	while (kcp_engine_waitsnd(a) && kcp_before(link->now, deadline))
		test_link_step(link);
	return got;
}

struct transfer_case {
	const char *name;
	bool stream;
	u32 nodelay, interval, resend;
	bool nc;
	struct test_link_script script;
	size_t total, chunk;
};

static const struct transfer_case transfer_cases[] = {
	{ "stream, clean link", true, 0, 10, 0, true,
	  { .delay = 20 }, 512 << 10, 4000 },
	{ "stream, 10% loss, reordering", true, 0, 10, 0, true,
	  { .loss = 10, .delay = 20, .jitter = 15 }, 256 << 10, 3000 },
	{ "stream, 30% loss, duplication, reordering", true, 1, 10, 2, true,
	  { .loss = 30, .dup = 20, .delay = 10, .jitter = 40 }, 128 << 10, 1000 },
	{ "stream, congestion control, 5% loss", true, 0, 20, 0, false,
	  { .loss = 5, .delay = 30, .jitter = 5 }, 128 << 10, 1500 },
	{ "message, 3-fragment messages, 10% loss, reordering", false, 0, 10, 2, true,
	  { .loss = 10, .dup = 5, .delay = 20, .jitter = 30 }, 192 << 10, 3000 },
	{ "message, largest message (127 fragments)", false, 2, 10, 2, true,
	  { .loss = 5, .delay = 5, .jitter = 5 }, 4 * 127 * 1376, 127 * 1376 },
	{ "message, 7-byte messages, 20% loss", false, 2, 10, 1, true,
	  { .loss = 20, .delay = 15, .jitter = 10 }, 16 << 10, 7 },
};

static void transfer_case_desc(const struct transfer_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(transfer, transfer_cases, transfer_case_desc);

static void cfg_for(struct kcp_config *cfg, const struct transfer_case *c)
{
	kcp_config_init(cfg);
	cfg->stream = c->stream;
	cfg->nodelay = c->nodelay;
	cfg->interval = c->interval;
	cfg->resend = c->resend;
	cfg->nc = c->nc;
	cfg->snd_wnd = 128;
	cfg->rcv_wnd = 256;
	cfg->minrto = c->nodelay ? KCP_RTO_MIN_NODELAY : KCP_RTO_MIN_DEFAULT;
	cfg->dead_link = KCP_DEAD_LINK_MAX;	/* 30% loss may take many tries */
}

/* Every byte arrives exactly once, in order, whatever the link does. */
static void engine_transfer_exact(struct kunit *test)
{
	const struct transfer_case *c = test->param_value;
	struct test_link *link;
	struct kcp_config cfg;

	link = kunit_kzalloc(test, sizeof(*link), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, link);
	cfg_for(&cfg, c);
	test_link_init(test, link, &cfg, &c->script, 1000);

	KUNIT_EXPECT_EQ(test, transfer(test, link, c->total, c->chunk, 600000),
			c->total);
	KUNIT_EXPECT_EQ(test, kcp_engine_waitsnd(link->a.kcp), 0u);
	KUNIT_EXPECT_FALSE(test, link->a.kcp->dead);
	if (c->script.loss)
		KUNIT_EXPECT_GT(test, link->a.kcp->stats.retrans_timeout +
				link->a.kcp->stats.retrans_fast +
				link->a.kcp->stats.retrans_early, 0ull);
	if (c->script.dup)
		KUNIT_EXPECT_GT(test, link->b.kcp->stats.repeat_segs, 0ull);

	kcp_engine_destroy(link->a.kcp);
	kcp_engine_destroy(link->b.kcp);
}

/* Sequence numbers and the millisecond clock both wrap mid-transfer. */
static void engine_wraparound(struct kunit *test)
{
	struct test_link_script script = { .loss = 10, .delay = 20, .jitter = 20 };
	const u32 sn_start = 0xffffffc0;
	struct test_link *link;
	struct kcp_config cfg;

	link = kunit_kzalloc(test, sizeof(*link), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, link);
	kcp_config_init(&cfg);
	cfg.stream = true;
	cfg.interval = 10;
	cfg.nc = true;
	cfg.snd_wnd = 64;
	test_link_init(test, link, &cfg, &script, 0xffffff00);	/* wraps in 256 ms */
	link->a.kcp->snd_una = sn_start;
	link->a.kcp->snd_nxt = sn_start;
	link->b.kcp->rcv_nxt = sn_start;

	KUNIT_EXPECT_EQ(test, transfer(test, link, 256 << 10, 2000, 600000),
			(size_t)(256 << 10));
	KUNIT_EXPECT_TRUE(test, kcp_before(sn_start, link->a.kcp->snd_nxt));
	KUNIT_EXPECT_LT(test, link->a.kcp->snd_nxt, sn_start);	/* it wrapped */
	KUNIT_EXPECT_LT(test, link->now, 0xffffff00);		/* so did time */
	/*
	 * RTT samples taken across the clock's wrap are what the link does
	 * (20-40 ms each way); one measured the long way round the clock would
	 * send the RTO to KCP_RTO_MAX, at least until later samples bring it
	 * back, so look at the largest RTO of the transfer as well as the last.
	 */
	KUNIT_EXPECT_GT(test, link->a.kcp->rx_srtt, 40);
	KUNIT_EXPECT_LT(test, link->a.kcp->rx_srtt, 100);
	KUNIT_EXPECT_LT(test, link->a.rto_max, 1000u);

	kcp_engine_destroy(link->a.kcp);
	kcp_engine_destroy(link->b.kcp);
}

static struct kunit_case engine_test_cases[] = {
	KUNIT_CASE_PARAM(engine_transfer_exact, transfer_gen_params),
	KUNIT_CASE(engine_wraparound),
	{}
};

static struct kunit_suite engine_test_suite = {
	.name = "kcp_engine",
	.test_cases = engine_test_cases,
};

kunit_test_suite(engine_test_suite);

MODULE_LICENSE("Dual MIT/GPL");
