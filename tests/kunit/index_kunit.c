// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: finding a segment by sequence number. An ACK finds its segment in
 * flight through snd_slot, sized as data is queued; data out of order
 * finds its place in rcv_buf from the nearer end; a fast retransmit walks
 * only the segments ACKs skipped. Each must give what the walk it replaces
 * gave: the right segment freed or resent, duplicates seen, the stream in
 * order.
 */
#include <kunit/test.h>

#include "engine.h"
#include "segment.h"
#include "wire.h"

#define CONV 0x494e4458

static int discard_output(struct kcp_engine *kcp, const void *buf, size_t len,
			  void *priv)
{
	return 0;
}

/* Data segments sent, by sn, for a window of at most 512. */
struct sent {
	u8 times[512];
	u32 total;
};

static int count_output(struct kcp_engine *kcp, const void *buf, size_t len,
			void *priv)
{
	struct sent *sent = priv;
	struct kcp_hdr h;
	const u8 *p = buf;

	while (len >= KCP_HDR_LEN && !kcp_hdr_decode(&h, p, len)) {
		if (h.cmd == KCP_CMD_PUSH && h.sn < ARRAY_SIZE(sent->times)) {
			sent->times[h.sn]++;
			sent->total++;
		}
		p += KCP_HDR_LEN + h.len;
		len -= KCP_HDR_LEN + h.len;
	}
	return 0;
}

static struct kcp_engine *engine(struct kunit *test, u32 snd_wnd)
{
	struct kcp_engine *kcp;
	struct kcp_config cfg;

	kcp_config_init(&cfg);
	cfg.nc = true;
	cfg.snd_wnd = snd_wnd;
	kcp = kcp_engine_create(CONV, &cfg, discard_output, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	kcp_engine_update(kcp, 0);
	return kcp;
}

/* One segment from the peer; a data segment's one byte is its sn's. */
static void input_one(struct kunit *test, struct kcp_engine *kcp, u8 cmd,
		      u32 sn, u32 una, u16 wnd)
{
	u8 buf[KCP_HDR_LEN + 1];
	u32 len = cmd == KCP_CMD_PUSH;
	struct kcp_hdr h = { .conv = CONV, .cmd = cmd, .wnd = wnd, .ts = 1,
			     .sn = sn, .una = una, .len = len };

	kcp_hdr_encode(buf, &h);
	buf[KCP_HDR_LEN] = sn;
	KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, buf, KCP_HDR_LEN + len, 5,
					       GFP_KERNEL), 0);
}

static void send_messages(struct kunit *test, struct kcp_engine *kcp, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, "x", 1, GFP_KERNEL), 1);
}

/*
 * 600 segments in flight behind a lost first one: each ACK frees exactly
 * its own segment, a repeated ACK nothing, and una moves only when the
 * hole is acknowledged.
 */
static void index_ack_behind_hole(struct kunit *test)
{
	struct kcp_engine *kcp = engine(test, 1024);
	u32 i, sn;

	input_one(test, kcp, KCP_CMD_WINS, 0, 0, 1024);
	send_messages(test, kcp, 600);
	kcp_engine_flush(kcp);
	KUNIT_ASSERT_EQ(test, kcp->nsnd_buf, 600u);
	KUNIT_EXPECT_GE(test, kcp->snd_slots, 600u);
	KUNIT_EXPECT_LE(test, kcp->snd_slots, 1024u);

	for (i = 0; i < 300; i++) {		/* the odd ones, newest first */
		sn = 599 - 2 * i;
		input_one(test, kcp, KCP_CMD_ACK, sn, 0, 1024);
		KUNIT_EXPECT_NULL(test, *kcp_snd_slot(kcp, sn));
	}
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 300u);
	for (sn = 2; sn < 600; sn += 2)
		input_one(test, kcp, KCP_CMD_ACK, sn, 0, 1024);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 1u);
	KUNIT_EXPECT_EQ(test, kcp->snd_una, 0u);

	input_one(test, kcp, KCP_CMD_ACK, 300, 0, 1024);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 1u);
	KUNIT_EXPECT_PTR_EQ(test, *kcp_snd_slot(kcp, 0),
			    list_first_entry(&kcp->snd_buf, struct kcp_seg, node));

	input_one(test, kcp, KCP_CMD_ACK, 0, 0, 1024);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 0u);
	KUNIT_EXPECT_EQ(test, kcp->snd_una, 600u);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 0ull);
	/* all acknowledged: an idle sender keeps no window's worth of slots */
	KUNIT_EXPECT_EQ(test, kcp->snd_slots, 0u);

	/* and sends again, with the few a thin stream needs, kept */
	send_messages(test, kcp, 1);
	kcp_engine_flush(kcp);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 1u);
	input_one(test, kcp, KCP_CMD_ACK, 600, 601, 1024);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 0u);
	KUNIT_EXPECT_EQ(test, kcp->snd_slots, 8u);
	kcp_engine_destroy(kcp);
}

/*
 * A window raised while data waits lets it out: the slots grow with the
 * configuration, not only with the next send.
 */
static void index_window_raised(struct kunit *test)
{
	struct kcp_engine *kcp = engine(test, 16);
	struct kcp_config cfg = kcp->cfg;

	input_one(test, kcp, KCP_CMD_WINS, 0, 0, 1024);
	send_messages(test, kcp, 100);
	kcp_engine_flush(kcp);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 16u);
	KUNIT_EXPECT_EQ(test, kcp->snd_slots, 16u);

	cfg.snd_wnd = 128;
	KUNIT_ASSERT_EQ(test, kcp_engine_configure(kcp, &cfg, GFP_KERNEL), 0);
	kcp_engine_flush(kcp);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 100u);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_que, 0u);
	kcp_engine_destroy(kcp);
}

/*
 * Out-of-order data filled from both ends of the holes, with repeats on
 * the way: every repeat is seen as one, and the reader gets 0..60 in order.
 */
static void index_rcv_both_ends(struct kunit *test)
{
	struct kcp_engine *kcp = engine(test, 32);
	u8 byte;
	u32 sn;

	for (sn = 2; sn <= 60; sn += 2)
		input_one(test, kcp, KCP_CMD_PUSH, sn, 0, 128);
	for (sn = 1; sn < 30; sn += 2)		/* the holes near rcv_nxt */
		input_one(test, kcp, KCP_CMD_PUSH, sn, 0, 128);
	for (sn = 59; sn > 30; sn -= 2)		/* those near the last held */
		input_one(test, kcp, KCP_CMD_PUSH, sn, 0, 128);
	input_one(test, kcp, KCP_CMD_PUSH, 3, 0, 128);
	input_one(test, kcp, KCP_CMD_PUSH, 58, 0, 128);
	input_one(test, kcp, KCP_CMD_PUSH, 31, 0, 128);
	KUNIT_EXPECT_EQ(test, kcp->stats.repeat_segs, 3ull);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_buf, 60u);
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(kcp), -EAGAIN);

	input_one(test, kcp, KCP_CMD_PUSH, 0, 0, 128);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_que, 61u);
	for (sn = 0; sn <= 60; sn++) {
		KUNIT_ASSERT_EQ(test, kcp_engine_recv_buf(kcp, &byte, 1), 1);
		KUNIT_EXPECT_EQ(test, byte, (u8)sn);
	}
	kcp_engine_destroy(kcp);
}

/*
 * Between ticks (no write_delay), ACKs that skip a segment twice resend it
 * at once, and only it: the walk that finds it stops at the newest segment
 * acknowledged, leaving nothing due that check() does not know of.
 */
static void index_fast_walk(struct kunit *test)
{
	struct sent *sent = kunit_kzalloc(test, sizeof(*sent), GFP_KERNEL);
	struct kcp_engine *kcp;
	struct kcp_config cfg;
	u32 when, sn;

	KUNIT_ASSERT_NOT_NULL(test, sent);
	kcp_config_init(&cfg);
	cfg.nc = true;
	cfg.nodelay = 1;
	cfg.resend = 2;
	cfg.write_delay = false;
	cfg.snd_wnd = 512;
	kcp = kcp_engine_create(CONV, &cfg, count_output, sent, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	kcp_engine_update(kcp, 0);
	input_one(test, kcp, KCP_CMD_WINS, 0, 0, 512);
	send_messages(test, kcp, 400);
	kcp_engine_flush(kcp);
	KUNIT_ASSERT_EQ(test, sent->total, 400u);
	memset(sent, 0, sizeof(*sent));

	input_one(test, kcp, KCP_CMD_ACK, 1, 0, 512);
	KUNIT_EXPECT_EQ(test, sent->total, 0u);
	input_one(test, kcp, KCP_CMD_ACK, 2, 0, 512);
	KUNIT_EXPECT_EQ(test, sent->times[0], 1);
	KUNIT_EXPECT_EQ(test, sent->total, 1u);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_fast, 1ull);
	KUNIT_EXPECT_FALSE(test, kcp->fast_pending);
	/* nothing due now: the next deadline is an RTO, not this instant */
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(kcp, 5, &when));
	KUNIT_EXPECT_GT(test, when, 5u);

	/* far ahead: 3..297 skipped twice, each resent once, 0 again too */
	memset(sent, 0, sizeof(*sent));
	input_one(test, kcp, KCP_CMD_ACK, 299, 0, 512);
	input_one(test, kcp, KCP_CMD_ACK, 298, 0, 512);
	for (sn = 3; sn < 298; sn++)
		KUNIT_EXPECT_EQ_MSG(test, sent->times[sn], 1, "sn %u", sn);
	KUNIT_EXPECT_EQ(test, sent->times[0], 1);
	KUNIT_EXPECT_EQ(test, sent->total, 296u);
	kcp_engine_destroy(kcp);
}

/* An empty message as the first thing sent goes, as any other would. */
static void index_empty_first(struct kunit *test)
{
	struct kcp_engine *kcp = engine(test, 32);

	KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, NULL, 0, GFP_KERNEL), 0);
	kcp_engine_flush(kcp);
	KUNIT_EXPECT_EQ(test, kcp->nsnd_buf, 1u);
	KUNIT_EXPECT_EQ(test, kcp->snd_nxt, 1u);
	kcp_engine_destroy(kcp);
}

static struct kunit_case index_test_cases[] = {
	KUNIT_CASE(index_ack_behind_hole),
	KUNIT_CASE(index_window_raised),
	KUNIT_CASE(index_rcv_both_ends),
	KUNIT_CASE(index_fast_walk),
	KUNIT_CASE(index_empty_first),
	{}
};

static struct kunit_suite index_test_suite = {
	.name = "kcp_index",
	.test_cases = index_test_cases,
};

kunit_test_suite(index_test_suite);
