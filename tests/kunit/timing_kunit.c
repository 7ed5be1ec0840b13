// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: when things leave. With ikcp's timing (the engine's defaults)
 * data, ACKs and retransmissions wait for the periodic flush; with the
 * timing sockets use, nothing waits that need not: data leaves when it is
 * sent, ACKs when the datagram is processed, a retransmission at its
 * deadline, and a window of data is paced over a round trip.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "engine.h"
#include "wire.h"

#define CONV 0x7177
#define INTERVAL 10

/* Segments emitted, by command, and the time of the last datagram. */
struct tally {
	u32 cmds[4];
	u32 datagrams;
};

static int tally_output(struct kcp_engine *kcp, const void *buf, size_t len,
			void *priv)
{
	struct tally *t = priv;
	struct kcp_hdr hdr;
	const u8 *p = buf;

	t->datagrams++;
	while (!kcp_hdr_decode(&hdr, p, len)) {
		t->cmds[hdr.cmd - KCP_CMD_PUSH]++;
		p += KCP_HDR_LEN + hdr.len;
		len -= KCP_HDR_LEN + hdr.len;
	}
	return 0;
}

static struct kcp_engine *engine(struct kunit *test, struct tally *t,
				 bool sockets_timing)
{
	struct kcp_engine *kcp;
	struct kcp_config cfg;

	kcp_config_init(&cfg);
	cfg.interval = INTERVAL;
	cfg.nodelay = 1;
	cfg.nc = true;
	cfg.snd_wnd = 1024;
	cfg.minrto = 30;
	cfg.stream = true;
	if (sockets_timing) {
		cfg.write_delay = false;
		cfg.ack_nodelay = true;
		cfg.pacing = true;
	}
	kcp = kcp_engine_create(CONV, &cfg, tally_output, t, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	/* the first update starts the tick grid at 0 */
	kcp_engine_update(kcp, 0);
	return kcp;
}

/* Data sent between ticks: at once, or at the next tick with ikcp's. */
static void timing_data_leaves_when_sent(struct kunit *test)
{
	struct tally t = { }, ti = { };
	struct kcp_engine *kcp = engine(test, &t, true);
	struct kcp_engine *ikcp = engine(test, &ti, false);
	u32 when;

	kcp_engine_send_buf(kcp, "ping", 4, GFP_KERNEL);
	kcp_engine_send_buf(ikcp, "ping", 4, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(kcp, 3, &when));
	KUNIT_EXPECT_EQ(test, when, 3u);
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(ikcp, 3, &when));
	KUNIT_EXPECT_EQ(test, when, (u32)INTERVAL);

	kcp_engine_update(kcp, 3);
	kcp_engine_update(ikcp, 3);
	KUNIT_EXPECT_EQ(test, t.cmds[0], 1u);
	KUNIT_EXPECT_EQ(test, ti.cmds[0], 0u);
	kcp_engine_update(ikcp, INTERVAL);
	KUNIT_EXPECT_EQ(test, ti.cmds[0], 1u);
	kcp_engine_destroy(kcp);
	kcp_engine_destroy(ikcp);
}

/* A PUSH is acknowledged by the input call itself, in its own datagram. */
static void timing_ack_leaves_on_input(struct kunit *test)
{
	struct tally t = { }, ti = { };
	struct kcp_engine *kcp = engine(test, &t, true);
	struct kcp_engine *ikcp = engine(test, &ti, false);
	struct kcp_hdr h = { .conv = CONV, .cmd = KCP_CMD_PUSH, .wnd = 128,
			     .ts = 1, .sn = 0, .una = 0, .len = 3 };
	u8 dgram[KCP_HDR_LEN + 3] = { };
	u32 when;

	kcp_hdr_encode(dgram, &h);
	KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, dgram, sizeof(dgram), 4,
					       GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, kcp_engine_input(ikcp, dgram, sizeof(dgram), 4,
					       GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, t.cmds[KCP_CMD_ACK - KCP_CMD_PUSH], 1u);
	KUNIT_EXPECT_FALSE(test, kcp_engine_check(kcp, 4, &when));
	KUNIT_EXPECT_EQ(test, ti.cmds[KCP_CMD_ACK - KCP_CMD_PUSH], 0u);
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(ikcp, 4, &when));
	KUNIT_EXPECT_EQ(test, when, (u32)INTERVAL);
	kcp_engine_destroy(kcp);
	kcp_engine_destroy(ikcp);
}

/*
 * With an ACK delay (what sockets use), an in-order PUSH is acknowledged
 * within that delay, not at the tick; data out of order at once.
 */
static void timing_ack_delay_bounded(struct kunit *test)
{
	struct tally t = { };
	struct kcp_engine *kcp = engine(test, &t, true);
	struct kcp_hdr h = { .conv = CONV, .cmd = KCP_CMD_PUSH, .wnd = 128,
			     .ts = 1, .sn = 0, .una = 0, .len = 3 };
	u8 dgram[KCP_HDR_LEN + 3] = { };
	u32 acks = KCP_CMD_ACK - KCP_CMD_PUSH, when;

	kcp->cfg.ack_nodelay = false;
	kcp->cfg.ack_delay = 1;
	kcp_hdr_encode(dgram, &h);
	KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, dgram, sizeof(dgram), 4,
					       GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, t.cmds[acks], 0u);
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(kcp, 4, &when));
	KUNIT_EXPECT_EQ(test, when, 5u);
	kcp_engine_update(kcp, 5);
	KUNIT_EXPECT_EQ(test, t.cmds[acks], 1u);

	/* sn 2 with sn 1 missing: a gap the sender must hear of now */
	h.sn = 2;
	kcp_hdr_encode(dgram, &h);
	KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, dgram, sizeof(dgram), 6,
					       GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, t.cmds[acks], 2u);
	kcp_engine_destroy(kcp);
}

/* The RTO fires at its deadline, not at the first tick after it. */
static void timing_retransmit_at_deadline(struct kunit *test)
{
	struct tally t = { };
	struct kcp_engine *kcp = engine(test, &t, true);
	u32 when, deadline;

	kcp_engine_send_buf(kcp, "x", 1, GFP_KERNEL);
	kcp_engine_update(kcp, 3);
	KUNIT_ASSERT_EQ(test, t.cmds[0], 1u);
	deadline = 3 + kcp->rx_rto;	/* nodelay: no first-send grace */
	KUNIT_ASSERT_NE(test, deadline % INTERVAL, 0u);
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(kcp, 4, &when));
	KUNIT_EXPECT_EQ(test, when, deadline);
	kcp_engine_update(kcp, deadline - 1);
	KUNIT_EXPECT_EQ(test, t.cmds[0], 1u);
	kcp_engine_update(kcp, deadline);
	KUNIT_EXPECT_EQ(test, t.cmds[0], 2u);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_timeout, 1ull);
	kcp_engine_destroy(kcp);
}

/*
 * Once a round trip is known, a window's worth of data leaves in bursts
 * of the pacing limit, one more burst per ms, not all at once.
 */
static void timing_window_is_paced(struct kunit *test)
{
	struct tally t = { };
	struct kcp_engine *kcp = engine(test, &t, true);
	u32 sent, when, i;
	u8 *buf;

	buf = kunit_kzalloc(test, 256 * kcp->mss, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* as if measured and heard: 1024 segments per 100 ms */
	kcp->rx_srtt = 100;
	kcp->rmt_wnd = 1024;
	KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, buf, 256 * kcp->mss,
						  GFP_KERNEL), 256 * kcp->mss);
	kcp_engine_update(kcp, 1);
	sent = t.cmds[0];
	KUNIT_EXPECT_GE(test, sent, 1u);
	KUNIT_EXPECT_LE(test, sent, 21u);	/* 16, or 2 ms of 10.24 */
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(kcp, 1, &when));
	KUNIT_EXPECT_EQ(test, when, 2u);

	/* about 10 segments a ms from then on: all 256 in 24 to 26 ms */
	for (i = 2; i <= 40 && t.cmds[0] < 256; i++)
		kcp_engine_update(kcp, i);
	KUNIT_EXPECT_EQ(test, t.cmds[0], 256u);
	KUNIT_EXPECT_GE(test, i, 20u);
	KUNIT_EXPECT_LE(test, i, 28u);
	kcp_engine_destroy(kcp);
}

static struct kunit_case timing_test_cases[] = {
	KUNIT_CASE(timing_data_leaves_when_sent),
	KUNIT_CASE(timing_ack_leaves_on_input),
	KUNIT_CASE(timing_ack_delay_bounded),
	KUNIT_CASE(timing_retransmit_at_deadline),
	KUNIT_CASE(timing_window_is_paced),
	{}
};

static struct kunit_suite timing_test_suite = {
	.name = "kcp_timing",
	.test_cases = timing_test_cases,
};

kunit_test_suite(timing_test_suite);

MODULE_LICENSE("Dual MIT/GPL");
