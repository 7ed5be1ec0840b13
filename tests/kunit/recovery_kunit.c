// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: how the engine recovers from loss and a closed window. Each case
 * scripts the network exactly and asserts the times and kinds of
 * (re)transmissions a KCP peer would observe.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "engine.h"
#include "segment.h"
#include "manual_link.h"
#include "test_link.h"
#include "wire.h"

/* A single engine whose datagrams are recorded, not delivered. */
struct capture {
	u32 now;
	u32 count;
	u32 times[64];		/* when a PUSH of sn 0 went out */
	u32 cmds[4];
	u32 dgrams;
	u8 last[KCP_MTU_DEFAULT];
	u32 last_len;
};

static int capture_output(struct kcp_engine *kcp, const void *buf, size_t len,
			  void *priv)
{
	struct capture *cap = priv;
	const u8 *p = buf;
	struct kcp_hdr hdr;
	size_t left = len;

	cap->dgrams++;
	while (!kcp_hdr_decode(&hdr, p, left)) {
		cap->cmds[hdr.cmd - KCP_CMD_PUSH]++;
		if (hdr.cmd == KCP_CMD_PUSH && hdr.sn == 0 &&
		    cap->count < ARRAY_SIZE(cap->times))
			cap->times[cap->count++] = cap->now;
		p += KCP_HDR_LEN + hdr.len;
		left -= KCP_HDR_LEN + hdr.len;
	}
	memcpy(cap->last, buf, min_t(size_t, len, sizeof(cap->last)));
	cap->last_len = len;
	return 0;
}

struct backoff_case {
	const char *name;
	u32 nodelay;
	u32 gaps[4];	/* ms between transmissions of a segment never acked */
};

/*
 * rx_rto is its initial 200 ms (no RTT sample yet); flushes fall on 10 ms
 * ticks, so each retransmission lands on the first tick at or after its
 * deadline. nodelay 0 adds ikcp's rto/8 grace to the first deadline and
 * doubles; 1 multiplies by 1.5; 2 adds rx_rto/2.
 */
static const struct backoff_case backoff_cases[] = {
	{ "nodelay 0 doubles", 0, { 230, 400, 800, 1600 } },
	{ "nodelay 1 multiplies by 1.5", 1, { 200, 300, 450, 680 } },
	{ "nodelay 2 adds half the estimate", 2, { 200, 300, 400, 500 } },
};

static void backoff_case_desc(const struct backoff_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(backoff, backoff_cases, backoff_case_desc);

static void recovery_rto_backoff(struct kunit *test)
{
	const struct backoff_case *c = test->param_value;
	struct kcp_engine *kcp;
	struct capture *cap;
	struct kcp_config cfg;
	int i;

	cap = kunit_kzalloc(test, sizeof(*cap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cap);
	kcp_config_init(&cfg);
	cfg.nodelay = c->nodelay;
	cfg.interval = 10;
	kcp = kcp_engine_create(1, &cfg, capture_output, cap, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));

	KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, "x", 1, GFP_KERNEL), 1);
	for (cap->now = 0; cap->now < 5000; cap->now++)
		kcp_engine_update(kcp, cap->now);

	KUNIT_ASSERT_GE(test, cap->count, 5u);
	KUNIT_EXPECT_EQ(test, cap->times[0], 0u);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ_MSG(test, cap->times[i + 1] - cap->times[i],
				    c->gaps[i], "gap %d", i);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_fast, 0ull);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_timeout, (u64)cap->count - 1);
	kcp_engine_destroy(kcp);
}

/*
 * With an MTU of 50 every 10-byte segment is a datagram of its own. Segment
 * 0 is lost; the ACKs of 1..4 go back in two datagrams, each skipping 0, of
 * which the first @skips (1 or 2) arrive.
 */
static struct manual *recovery_lose_first(struct kunit *test,
					  struct kcp_config *cfg, u32 skips)
{
	struct manual *m;
	int i;

	cfg->mtu = 50;
	cfg->interval = 10;
	cfg->nc = true;
	m = manual_init(test, cfg);
	for (i = 0; i < 5; i++) {
		ssize_t n = kcp_engine_send_buf(m->side[0].kcp, "0123456789", 10,
						GFP_KERNEL);

		KUNIT_ASSERT_EQ(test, n, 10);
	}
	kcp_engine_update(m->side[0].kcp, 0);
	KUNIT_ASSERT_EQ(test, m->side[0].n, 5u);
	manual_carry(m, 0, 20, 0);
	kcp_engine_update(m->side[1].kcp, 20);
	KUNIT_ASSERT_EQ(test, m->side[1].n, 2u);	/* 4 ACKs, 2 per datagram */
	m->side[1].n = skips;
	manual_carry(m, 1, 40, -1);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->snd_una, 0u);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->nsnd_buf, 5 - 2 * skips);
	KUNIT_EXPECT_EQ(test, list_first_entry(&m->side[0].kcp->snd_buf,
					       struct kcp_seg, node)->fastack, skips);
	return m;
}

/* resend=2: two skipping ACK datagrams retransmit at the next tick. */
static void recovery_fast_retransmit(struct kunit *test)
{
	struct kcp_config cfg;
	struct manual *m;

	kcp_config_init(&cfg);
	cfg.resend = 2;
	cfg.early_retransmit = false;
	m = recovery_lose_first(test, &cfg, 2);

	kcp_engine_update(m->side[0].kcp, 50);	/* long before the RTO */
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_fast, 1ull);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_timeout, 0ull);
	KUNIT_ASSERT_EQ(test, m->side[0].n, 1u);
	manual_carry(m, 0, 60, -1);
	KUNIT_EXPECT_EQ(test, m->side[1].kcp->rcv_nxt, 5u);
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(m->side[1].kcp), 10);
	manual_destroy(m);
}

/*
 * ACKs skipping a segment whose RTO earlier timeouts had backed off prove
 * the path delivers: its fast retransmit brings the RTO back to rx_rto, so
 * a random loss after a streak of them does not wait out the streak's
 * backoff (kcp-go does the same; ikcp keeps the backoff).
 */
static void recovery_fast_ends_backoff(struct kunit *test)
{
	struct kcp_config cfg;
	struct kcp_engine *kcp;
	struct kcp_seg *seg;
	struct manual *m;

	kcp_config_init(&cfg);
	cfg.resend = 2;
	cfg.early_retransmit = false;
	m = recovery_lose_first(test, &cfg, 2);
	kcp = m->side[0].kcp;
	seg = list_first_entry(&kcp->snd_buf, struct kcp_seg, node);
	seg->rto = 3 * kcp->rx_rto;	/* as after three timeouts at 1.5x */
	seg->resendts = 1000;

	kcp_engine_update(kcp, 50);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_fast, 1ull);
	KUNIT_EXPECT_EQ(test, seg->rto, kcp->rx_rto);
	KUNIT_EXPECT_EQ(test, seg->resendts, 50 + kcp->rx_rto);
	manual_destroy(m);
}

/*
 * thin_dup: a lone message leaves twice, in two datagrams; a burst of
 * eight (not a thin stream) once each; without thin_dup, once.
 */
static void recovery_thin_dup(struct kunit *test)
{
	struct kcp_config cfg;
	struct kcp_engine *kcp;
	struct capture *cap;
	bool dup;
	int i;

	for (dup = false; ; dup = true) {
		cap = kunit_kzalloc(test, sizeof(*cap), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, cap);
		kcp_config_init(&cfg);
		cfg.nc = true;
		cfg.thin_dup = dup;
		kcp = kcp_engine_create(1, &cfg, capture_output, cap,
					GFP_KERNEL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
		kcp_engine_update(kcp, 0);
		KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, "x", 1,
							  GFP_KERNEL), 1);
		kcp_engine_flush(kcp);
		KUNIT_EXPECT_EQ(test, cap->count, dup ? 2u : 1u);
		KUNIT_EXPECT_EQ(test, cap->dgrams, dup ? 2u : 1u);
		KUNIT_EXPECT_EQ(test, kcp->stats.thin_dups, dup ? 1ull : 0ull);

		for (i = 0; i < 8; i++)
			KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, "y", 1,
								  GFP_KERNEL), 1);
		kcp_engine_flush(kcp);
		KUNIT_EXPECT_EQ(test, cap->cmds[0], dup ? 2u + 8 : 1u + 8);
		KUNIT_EXPECT_EQ(test, kcp->stats.thin_dups, dup ? 1ull : 0ull);
		kcp_engine_destroy(kcp);
		if (dup)
			break;
	}
}

/* Two skips do not reach resend=3, and fastlimit stops a second resend. */
static void recovery_fast_retransmit_limits(struct kunit *test)
{
	struct kcp_config cfg;
	struct manual *m;

	kcp_config_init(&cfg);
	cfg.resend = 3;
	cfg.early_retransmit = false;
	m = recovery_lose_first(test, &cfg, 2);
	kcp_engine_update(m->side[0].kcp, 50);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_fast, 0ull);
	KUNIT_EXPECT_EQ(test, m->side[0].n, 0u);
	manual_destroy(m);

	kcp_config_init(&cfg);
	cfg.resend = 1;
	cfg.fastlimit = 1;
	cfg.early_retransmit = false;
	m = recovery_lose_first(test, &cfg, 2);
	kcp_engine_update(m->side[0].kcp, 50);	/* xmit 1 <= 1: allowed */
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_fast, 1ull);
	list_first_entry(&m->side[0].kcp->snd_buf, struct kcp_seg,
			 node)->fastack = 10;
	kcp_engine_update(m->side[0].kcp, 60);	/* xmit 2 > 1: not again */
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_fast, 1ull);
	manual_destroy(m);
}

/*
 * resend=0 with early retransmit: one skip suffices when nothing new goes,
 * and only the skipped segment goes again (3 and 4 were not skipped).
 */
static void recovery_early_retransmit(struct kunit *test)
{
	struct kcp_config cfg;
	struct manual *m;
	struct kcp_hdr hdr;

	kcp_config_init(&cfg);
	KUNIT_ASSERT_TRUE(test, cfg.early_retransmit);
	m = recovery_lose_first(test, &cfg, 1);
	kcp_engine_update(m->side[0].kcp, 50);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_early, 1ull);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_timeout, 0ull);
	KUNIT_ASSERT_EQ(test, m->side[0].n, 1u);
	KUNIT_ASSERT_EQ(test, kcp_hdr_decode(&hdr, m->side[0].q[0],
					     m->side[0].len[0]), 0);
	KUNIT_EXPECT_EQ(test, hdr.cmd, KCP_CMD_PUSH);
	KUNIT_EXPECT_EQ(test, hdr.sn, 0u);
	manual_destroy(m);

	/* not while new data goes out: its ACKs will tell */
	m = recovery_lose_first(test, &cfg, 1);
	KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(m->side[0].kcp, "new", 3,
						  GFP_KERNEL), 3);
	kcp_engine_update(m->side[0].kcp, 50);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_early, 0ull);
	KUNIT_EXPECT_EQ(test, m->side[0].n, 1u);	/* sn 5 only */
	manual_destroy(m);

	/* and none without it: the segment waits for its RTO */
	cfg.early_retransmit = false;
	m = recovery_lose_first(test, &cfg, 1);
	kcp_engine_update(m->side[0].kcp, 50);
	KUNIT_EXPECT_EQ(test, m->side[0].n, 0u);
	manual_destroy(m);
}

static u32 pushes_in_flush(struct kcp_engine *kcp, struct capture *cap, u32 now)
{
	u32 before = cap->cmds[0];

	cap->now = now;
	kcp_engine_update(kcp, now);
	return cap->cmds[0] - before;
}

/*
 * Reno: one segment at first, the window growing with each segment acked,
 * and back to one on a timeout with ssthresh at half the window. With nc
 * the whole send window goes at once.
 *
 * The segments each flush sends, worked out by hand from ikcp's rules
 * (mss 1376): slow start takes cwnd from 1 to ssthresh 2, then congestion
 * avoidance adds mss^2/incr + mss/16 to incr per segment acked and sets
 * cwnd to incr/mss rounded up once incr reaches (cwnd + 1) * mss.
 */
static const u32 reno_pushes[] = { 1, 2, 4, 4, 6 };

static void recovery_congestion_window(struct kunit *test)
{
	struct kcp_engine *kcp;
	struct capture *cap;
	struct kcp_config cfg;
	u8 ack[KCP_HDR_LEN];
	u32 i, sn, cwnd;
	u64 first;

	cap = kunit_kzalloc(test, sizeof(*cap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cap);
	kcp_config_init(&cfg);
	cfg.interval = 10;
	cfg.snd_wnd = 8;
	cfg.early_retransmit = false;
	kcp = kcp_engine_create(3, &cfg, capture_output, cap, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	for (i = 0; i < 40; i++)
		kcp_engine_send_buf(kcp, "data", 4, GFP_KERNEL);

	KUNIT_EXPECT_EQ(test, pushes_in_flush(kcp, cap, 0), reno_pushes[0]);
	KUNIT_EXPECT_EQ(test, kcp->cwnd, 1u);

	/* ACK each segment in flight, one per datagram, then flush again */
	for (sn = 0; sn + 1 < ARRAY_SIZE(reno_pushes); sn++) {
		u32 inflight = kcp->snd_nxt - kcp->snd_una, k;

		for (k = 0; k < inflight; k++) {
			struct kcp_hdr h = { .conv = 3, .cmd = KCP_CMD_ACK,
					     .wnd = 128, .sn = kcp->snd_una,
					     .una = kcp->snd_una + 1, .ts = 0 };

			kcp_hdr_encode(ack, &h);
			KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, ack, sizeof(ack),
							       5 + 10 * sn, GFP_KERNEL), 0);
		}
		KUNIT_EXPECT_EQ_MSG(test, pushes_in_flush(kcp, cap, 10 * (sn + 1)),
				    reno_pushes[sn + 1], "flush %u", sn + 1);
	}
	cwnd = kcp->cwnd;
	KUNIT_EXPECT_EQ(test, cwnd, reno_pushes[sn]);

	/* nothing acked: the first timeout halves ssthresh, cwnd back to 1 */
	for (cap->now = 50; !kcp->stats.retrans_timeout && cap->now < 2000;
	     cap->now += 10)
		kcp_engine_update(kcp, cap->now);
	first = kcp->stats.retrans_timeout;
	KUNIT_ASSERT_GT(test, first, 0ull);
	KUNIT_EXPECT_EQ(test, kcp->cwnd, 1u);
	KUNIT_EXPECT_EQ(test, kcp->ssthresh, cwnd / 2);
	KUNIT_EXPECT_GT(test, cwnd / 2, (u32)KCP_SSTHRESH_MIN);	/* not the floor */

	/* later timeouts halve a window of 1: ssthresh stops at its floor */
	for (; cap->now < 2000; cap->now += 10)
		kcp_engine_update(kcp, cap->now);
	KUNIT_EXPECT_GT(test, kcp->stats.retrans_timeout, first);
	KUNIT_EXPECT_EQ(test, kcp->cwnd, 1u);
	KUNIT_EXPECT_EQ(test, kcp->ssthresh, (u32)KCP_SSTHRESH_MIN);
	kcp_engine_destroy(kcp);

	/* nc: no congestion window, the send window goes at once */
	memset(cap, 0, sizeof(*cap));
	cfg.nc = true;
	kcp = kcp_engine_create(3, &cfg, capture_output, cap, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	for (i = 0; i < 40; i++)
		kcp_engine_send_buf(kcp, "data", 4, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, pushes_in_flush(kcp, cap, 0), cfg.snd_wnd);
	kcp_engine_destroy(kcp);
}

/*
 * A reader that stops: the window closes, the sender stops and probes
 * (first after KCP_PROBE_INIT), and when the reader drains, its window
 * report restarts the transfer without loss. With congestion control on,
 * the closed window must not take the congestion window down to 0 (which
 * once stalled the sender for good).
 */
static void recovery_zero_window_with(struct kunit *test, bool nc)
{
	struct test_link_script script = { .delay = 10 };
	struct test_link *link;
	struct kcp_config cfg;
	u8 *buf;
	u32 i, sent = 0, got = 0, stalled_at, cwnd_max = 0;
	ssize_t n;

	link = kunit_kzalloc(test, sizeof(*link), GFP_KERNEL);
	buf = kunit_kmalloc(test, 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, link);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	kcp_config_init(&cfg);
	cfg.stream = true;
	cfg.interval = 10;
	cfg.nc = nc;
	cfg.snd_wnd = 64;
	test_link_init(test, link, &cfg, &script, 0);

	memset(buf, 0x5a, 1000);
	for (i = 0; i < 300; i++)
		sent += kcp_engine_send_buf(link->a.kcp, buf, 1000, GFP_KERNEL);
	for (i = 0; i < 3000; i++)
		test_link_step(link);
	KUNIT_EXPECT_EQ(test, link->a.kcp->rmt_wnd, 0u);
	KUNIT_EXPECT_EQ(test, link->b.kcp->nrcv_que, cfg.rcv_wnd);
	KUNIT_EXPECT_GT(test, kcp_engine_waitsnd(link->a.kcp), 0u);
	KUNIT_EXPECT_EQ(test, link->a.cmds[KCP_CMD_WASK - KCP_CMD_PUSH], 0u);
	/* the ACKs that closed the window did not close cwnd with it */
	if (!nc)
		KUNIT_EXPECT_GE(test, link->a.kcp->cwnd, 1u);

	stalled_at = link->now;
	for (i = 0; i < KCP_PROBE_INIT + 100; i++)
		test_link_step(link);
	KUNIT_EXPECT_GE(test, link->a.cmds[KCP_CMD_WASK - KCP_CMD_PUSH], 1u);
	KUNIT_EXPECT_GE(test, link->b.cmds[KCP_CMD_WINS - KCP_CMD_PUSH], 1u);

	while (got < sent && link->now < stalled_at + 60000) {
		while ((n = kcp_engine_recv_buf(link->b.kcp, buf, 4096)) > 0)
			got += n;
		test_link_recheck(link);
		test_link_step(link);
		cwnd_max = max(cwnd_max, link->a.kcp->cwnd);
	}
	KUNIT_EXPECT_EQ(test, got, sent);
	/* and the reopened window let it grow again */
	if (!nc)
		KUNIT_EXPECT_GT(test, cwnd_max, 1u);
	kcp_engine_destroy(link->a.kcp);
	kcp_engine_destroy(link->b.kcp);
}

static void recovery_zero_window(struct kunit *test)
{
	recovery_zero_window_with(test, true);
}

static void recovery_zero_window_cc(struct kunit *test)
{
	recovery_zero_window_with(test, false);
}

/* A segment sent dead_link times without an ACK marks the link dead. */
static void recovery_dead_link(struct kunit *test)
{
	struct kcp_engine *kcp;
	struct capture *cap;
	struct kcp_config cfg;

	cap = kunit_kzalloc(test, sizeof(*cap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cap);
	kcp_config_init(&cfg);
	cfg.nodelay = 2;
	cfg.interval = 10;
	cfg.dead_link = 5;
	kcp = kcp_engine_create(1, &cfg, capture_output, cap, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	kcp_engine_send_buf(kcp, "x", 1, GFP_KERNEL);
	for (cap->now = 0; cap->count < 4 && cap->now < 100000; cap->now++)
		kcp_engine_update(kcp, cap->now);
	KUNIT_ASSERT_EQ(test, cap->count, 4u);
	KUNIT_EXPECT_FALSE(test, kcp->dead);
	for (; cap->count < 5 && cap->now < 100000; cap->now++)
		kcp_engine_update(kcp, cap->now);
	KUNIT_ASSERT_EQ(test, cap->count, 5u);
	KUNIT_EXPECT_TRUE(test, kcp->dead);
	kcp_engine_destroy(kcp);
}

static struct kunit_case recovery_test_cases[] = {
	KUNIT_CASE_PARAM(recovery_rto_backoff, backoff_gen_params),
	KUNIT_CASE(recovery_fast_retransmit),
	KUNIT_CASE(recovery_fast_ends_backoff),
	KUNIT_CASE(recovery_thin_dup),
	KUNIT_CASE(recovery_fast_retransmit_limits),
	KUNIT_CASE(recovery_early_retransmit),
	KUNIT_CASE(recovery_congestion_window),
	KUNIT_CASE(recovery_zero_window),
	KUNIT_CASE(recovery_zero_window_cc),
	KUNIT_CASE(recovery_dead_link),
	{}
};

static struct kunit_suite recovery_test_suite = {
	.name = "kcp_recovery",
	.test_cases = recovery_test_cases,
};

kunit_test_suite(recovery_test_suite);

MODULE_LICENSE("Dual MIT/GPL");
