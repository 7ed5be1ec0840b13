// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: what a forged or oversized segment can do (nothing), and what a
 * session's memory counts. A segment that acknowledges what was never
 * sent, or carries more than the MSS, is dropped whole and counted; every
 * segment held costs its struct too, so empty messages fill the buffer.
 */
#include <kunit/test.h>

#include "engine.h"
#include "segment.h"
#include "wire.h"

#define CONV 0x51525354

static int discard_output(struct kcp_engine *kcp, const void *buf, size_t len,
			  void *priv)
{
	return 0;
}

/* An engine with @n one-byte messages sent (in flight), window 128. */
static struct kcp_engine *sender(struct kunit *test, u32 n)
{
	struct kcp_engine *kcp;
	struct kcp_config cfg;
	u32 i;

	kcp_config_init(&cfg);
	cfg.nc = true;
	kcp = kcp_engine_create(CONV, &cfg, discard_output, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, "x", 1, GFP_KERNEL), 1);
	kcp_engine_update(kcp, 0);
	kcp_engine_flush(kcp);
	KUNIT_ASSERT_EQ(test, kcp->nsnd_buf, n);
	return kcp;
}

static int input_one(struct kcp_engine *kcp, u8 cmd, u32 sn, u32 una,
		     u16 wnd, u32 len)
{
	static u8 buf[KCP_HDR_LEN + 2048];
	struct kcp_hdr h = { .conv = CONV, .cmd = cmd, .wnd = wnd, .ts = 1,
			     .sn = sn, .una = una, .len = len };

	kcp_hdr_encode(buf, &h);
	memset(buf + KCP_HDR_LEN, 0x5a, len);
	return kcp_engine_input(kcp, buf, KCP_HDR_LEN + len, 5, GFP_KERNEL);
}

/* una beyond snd_nxt frees nothing and leaves the window as it was. */
static void validate_future_una(struct kunit *test)
{
	struct kcp_engine *kcp = sender(test, 4);
	u32 wnd = kcp->rmt_wnd;

	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_WINS, 0, 1000, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, kcp->snd_una, 0u);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 4u);
	KUNIT_EXPECT_EQ(test, kcp->rmt_wnd, wnd);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 1ull);
	/* una == snd_nxt is an honest "all of it" */
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_WINS, 0, 4, 64, 0), 0);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 0u);
	KUNIT_EXPECT_EQ(test, kcp->rmt_wnd, 64u);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 1ull);
	kcp_engine_destroy(kcp);
}

/*
 * una more than a send window behind snd_una, or data more than a receive
 * window behind rcv_nxt, comes from no peer's engine: dropped, its window
 * unused, and no ACK drawn for it. Within a window, an old una or a repeat
 * is an honest straggler.
 */
static void validate_stale(struct kunit *test)
{
	struct kcp_engine *kcp = sender(test, 4);
	u32 una_far = (u32)-(s32)(kcp->cfg.snd_wnd + 1);
	u32 sn_far = (u32)-(s32)(kcp->cfg.rcv_wnd + 1);
	u64 drawn = kcp->stats.out_segs + kcp->ackcount;	/* ACKs owed or sent */

	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_WINS, 0, una_far, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, kcp->rmt_wnd, (u32)KCP_RCV_WND_DEFAULT);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 1ull);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_PUSH, sn_far, 0, 50, 1), 0);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 2ull);
	KUNIT_EXPECT_EQ(test, kcp->stats.repeat_segs, 0ull);
	KUNIT_EXPECT_EQ(test, kcp->stats.out_segs + kcp->ackcount, drawn);
	KUNIT_EXPECT_EQ(test, kcp->rmt_wnd, (u32)KCP_RCV_WND_DEFAULT);

	/* one window back is still a repeat, acknowledged again */
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_PUSH, sn_far + 1, 0, 50, 1), 0);
	KUNIT_EXPECT_EQ(test, kcp->stats.repeat_segs, 1ull);
	KUNIT_EXPECT_GT(test, kcp->stats.out_segs + kcp->ackcount, drawn);
	KUNIT_EXPECT_EQ(test, kcp->rmt_wnd, 50u);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_WINS, 0, una_far + 1, 60, 0), 0);
	KUNIT_EXPECT_EQ(test, kcp->rmt_wnd, 60u);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 2ull);
	kcp_engine_destroy(kcp);
}

/* An ACK of an sn never sent is refused; one in flight is taken. */
static void validate_ack_unsent(struct kunit *test)
{
	struct kcp_engine *kcp = sender(test, 4);

	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_ACK, 4, 0, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 1ull);
	KUNIT_EXPECT_EQ(test, kcp->rmt_wnd, (u32)KCP_RCV_WND_DEFAULT);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_ACK, 2, 0, 100, 0), 0);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 3u);
	KUNIT_EXPECT_EQ(test, kcp->rmt_wnd, 100u);
	kcp_engine_destroy(kcp);
}

/* Data longer than the MSS is never held. */
static void validate_oversized(struct kunit *test)
{
	struct kcp_engine *kcp = sender(test, 0);

	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_PUSH, 0, 0, 128,
					kcp->mss + 1), 0);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 1ull);
	KUNIT_EXPECT_EQ(test, kcp->rcv_mem, 0u);
	KUNIT_EXPECT_EQ(test, kcp->rcv_nxt, 0u);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_PUSH, 0, 0, 128, kcp->mss), 0);
	KUNIT_EXPECT_EQ(test, kcp->rcv_nxt, 1u);
	KUNIT_EXPECT_EQ(test, kcp->rcv_mem, (u32)sizeof(struct kcp_seg) + kcp->mss);
	kcp_engine_destroy(kcp);
}

/* A message whose fragments could not fit the receive buffer is refused. */
static void validate_message_bound(struct kunit *test)
{
	struct kcp_engine *kcp = sender(test, 0);
	static u8 buf[KCP_HDR_LEN + 16];
	struct kcp_hdr h = { .conv = CONV, .cmd = KCP_CMD_PUSH, .wnd = 128,
			     .len = 16 };
	u32 seg = sizeof(struct kcp_seg) + kcp->mss;

	kcp->cfg.rcv_limit = 10 * seg;
	h.frg = 10;		/* 11 fragments: more than 10 full ones fit */
	kcp_hdr_encode(buf, &h);
	kcp_engine_input(kcp, buf, sizeof(buf), 5, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, kcp->stats.dropped_segs, 1ull);
	KUNIT_EXPECT_EQ(test, kcp->rcv_mem, 0u);
	h.frg = 9;
	kcp_hdr_encode(buf, &h);
	kcp_engine_input(kcp, buf, sizeof(buf), 5, GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, kcp->stats.dropped_segs, 1ull);
	KUNIT_EXPECT_EQ(test, kcp->rcv_nxt, 1u);
	kcp_engine_destroy(kcp);
}

/* Empty messages are not free: each costs its struct. */
static void validate_empty_messages_cost(struct kunit *test)
{
	struct kcp_engine *kcp;
	struct kcp_config cfg;
	int i;

	kcp_config_init(&cfg);
	kcp = kcp_engine_create(CONV, &cfg, discard_output, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	for (i = 0; i < 1000; i++)
		KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, NULL, 0, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, kcp->snd_mem, 1000u * sizeof(struct kcp_seg));
	KUNIT_EXPECT_EQ(test, kcp->snd_bytes, 0u);
	kcp_engine_destroy(kcp);

	/* a stream counts its payload apart from its memory */
	cfg.stream = true;
	kcp = kcp_engine_create(CONV, &cfg, discard_output, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, "abc", 3, GFP_KERNEL), 3);
	KUNIT_EXPECT_EQ(test, kcp->snd_bytes, 3u);
	KUNIT_EXPECT_EQ(test, kcp->snd_mem, (u32)sizeof(struct kcp_seg) + kcp->mss);
	kcp_engine_destroy(kcp);
}

static struct kunit_case validate_test_cases[] = {
	KUNIT_CASE(validate_future_una),
	KUNIT_CASE(validate_ack_unsent),
	KUNIT_CASE(validate_stale),
	KUNIT_CASE(validate_oversized),
	KUNIT_CASE(validate_message_bound),
	KUNIT_CASE(validate_empty_messages_cost),
	{}
};

static struct kunit_suite validate_test_suite = {
	.name = "kcp_validate",
	.test_cases = validate_test_cases,
};

kunit_test_suite(validate_test_suite);
