// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: the end of the stream (the lifecycle extension's FIN). It takes a
 * sequence number as data does, so the receiver sees it only after every
 * byte before it, however the segments arrive; nothing after it is data;
 * only a peer that negotiated the extension may send one, and only empty.
 * The sender queues it after its data and sends nothing after it.
 */
#include <kunit/test.h>

#include "engine.h"
#include "segment.h"
#include "wire.h"

#define CONV 0x46494e21

/* What the engine sent: the command of each segment, in order. */
struct fin_capture {
	u8 cmds[64];
	u32 sns[64];
	unsigned int n;
};

static int capture_output(struct kcp_engine *kcp, const void *buf, size_t len,
			  void *priv)
{
	struct fin_capture *cap = priv;
	struct kcp_hdr h;

	while (len >= KCP_HDR_LEN && !kcp_hdr_decode(&h, buf, len) &&
	       cap->n < ARRAY_SIZE(cap->cmds)) {
		cap->cmds[cap->n] = h.cmd;
		cap->sns[cap->n++] = h.sn;
		buf += KCP_HDR_LEN + h.len;
		len -= KCP_HDR_LEN + h.len;
	}
	return 0;
}

static struct kcp_engine *engine(struct kunit *test, bool ext,
				 struct fin_capture *cap)
{
	struct kcp_engine *kcp;
	struct kcp_config cfg;

	kcp_config_init(&cfg);
	cfg.stream = true;
	cfg.nc = true;
	kcp = kcp_engine_create(CONV, &cfg, capture_output, cap, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	kcp->ext = ext;
	kcp_engine_update(kcp, 0);
	return kcp;
}

static int input_one(struct kcp_engine *kcp, u8 cmd, u32 sn, u32 len)
{
	static u8 buf[KCP_HDR_LEN + 64];
	struct kcp_hdr h = { .conv = CONV, .cmd = cmd, .wnd = 128, .ts = 1,
			     .sn = sn, .len = len };

	kcp_hdr_encode(buf, &h);
	memset(buf + KCP_HDR_LEN, 'a' + sn, len);
	return kcp_engine_input(kcp, buf, KCP_HDR_LEN + len, 5, GFP_KERNEL);
}

/* A FIN before a gap waits for it; then the data, then the end. */
static void fin_after_every_byte(struct kunit *test)
{
	struct fin_capture cap = { };
	struct kcp_engine *kcp = engine(test, true, &cap);
	char buf[16];

	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_PUSH, 0, 3), 0);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_FIN, 2, 0), 0);
	KUNIT_EXPECT_FALSE(test, kcp->fin_rcvd);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_PUSH, 1, 4), 0);
	KUNIT_EXPECT_TRUE(test, kcp->fin_rcvd);
	KUNIT_EXPECT_EQ(test, kcp->rcv_nxt, 3u);
	KUNIT_EXPECT_EQ(test, kcp_engine_recv_buf(kcp, buf, sizeof(buf)), 7);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "aaabbbb", 7), 0);
	KUNIT_EXPECT_EQ(test, kcp_engine_recv_buf(kcp, buf, sizeof(buf)),
			(ssize_t)-EAGAIN);
	/* the FIN itself is acknowledged, as data is */
	kcp_engine_flush(kcp);
	KUNIT_EXPECT_GE(test, cap.n, 3u);
	KUNIT_EXPECT_EQ(test, kcp->rcv_mem, 0u);
	kcp_engine_destroy(kcp);
}

/* Nothing past the end is data; what waited beyond it is freed. */
static void fin_nothing_after(struct kunit *test)
{
	struct fin_capture cap = { };
	struct kcp_engine *kcp = engine(test, true, &cap);

	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_PUSH, 2, 8), 0);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_FIN, 0, 0), 0);
	KUNIT_EXPECT_TRUE(test, kcp->fin_rcvd);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_buf, 0u);
	KUNIT_EXPECT_EQ(test, kcp->rcv_mem, 0u);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_PUSH, 1, 8), 0);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_buf + kcp->nrcv_que, 0u);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 1ull);
	kcp_engine_destroy(kcp);
}

/* A stock peer cannot end the stream, and a FIN carries nothing. */
static void fin_refused(struct kunit *test)
{
	struct fin_capture cap = { };
	struct kcp_engine *kcp = engine(test, false, &cap);

	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_FIN, 0, 0), 0);
	KUNIT_EXPECT_FALSE(test, kcp->fin_rcvd);
	KUNIT_EXPECT_EQ(test, kcp->rcv_nxt, 0u);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 1ull);
	kcp_engine_destroy(kcp);

	kcp = engine(test, true, &cap);
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_FIN, 0, 5), 0);
	KUNIT_EXPECT_FALSE(test, kcp->fin_rcvd);
	KUNIT_EXPECT_EQ(test, kcp->stats.invalid_segs, 1ull);
	kcp_engine_destroy(kcp);
}

/*
 * The sender's FIN follows its data, takes the next sn, is retransmitted
 * as data until acknowledged, and nothing can be queued after it.
 */
static void fin_sender(struct kunit *test)
{
	struct fin_capture cap = { };
	struct kcp_engine *kcp = engine(test, true, &cap);
	unsigned int i, fins = 0;

	KUNIT_EXPECT_EQ(test, kcp_engine_send_buf(kcp, "hello", 5, GFP_KERNEL), 5);
	KUNIT_EXPECT_EQ(test, kcp_engine_send_fin(kcp, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, kcp_engine_send_fin(kcp, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, kcp_engine_send_buf(kcp, "late", 4, GFP_KERNEL),
			(ssize_t)-EPIPE);
	kcp_engine_flush(kcp);
	KUNIT_ASSERT_EQ(test, cap.n, 2u);
	KUNIT_EXPECT_EQ(test, cap.cmds[0], (u8)KCP_CMD_PUSH);
	KUNIT_EXPECT_EQ(test, cap.cmds[1], (u8)KCP_CMD_FIN);
	KUNIT_EXPECT_EQ(test, cap.sns[1], 1u);
	KUNIT_EXPECT_FALSE(test, kcp_engine_fin_acked(kcp));

	/* unacknowledged, it goes again at its RTO */
	kcp_engine_update(kcp, 10000);
	for (i = 2; i < cap.n; i++)
		fins += cap.cmds[i] == KCP_CMD_FIN;
	KUNIT_EXPECT_EQ(test, fins, 1u);

	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_ACK, 0, 0), 0);
	KUNIT_EXPECT_FALSE(test, kcp_engine_fin_acked(kcp));
	KUNIT_EXPECT_EQ(test, input_one(kcp, KCP_CMD_ACK, 1, 0), 0);
	KUNIT_EXPECT_TRUE(test, kcp_engine_fin_acked(kcp));
	KUNIT_EXPECT_EQ(test, kcp->snd_mem, 0u);
	kcp_engine_destroy(kcp);
}

static struct kunit_case fin_test_cases[] = {
	KUNIT_CASE(fin_after_every_byte),
	KUNIT_CASE(fin_nothing_after),
	KUNIT_CASE(fin_refused),
	KUNIT_CASE(fin_sender),
	{}
};

static struct kunit_suite fin_test_suite = {
	.name = "kcp_fin",
	.test_cases = fin_test_cases,
};

kunit_test_suite(fin_test_suite);
