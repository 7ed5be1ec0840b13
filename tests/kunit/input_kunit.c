// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: what the engine accepts. Hostile datagrams are refused or bounded
 * without changing state; tunables out of range are refused without
 * changing the engine; memory stays under its limit whatever a peer sends;
 * message boundaries survive fragmentation; idle engines need no timer.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "engine.h"
#include "wire.h"

#define CONV 0x0a0b0c0d

static int discard_output(struct kcp_engine *kcp, const void *buf, size_t len,
			  void *priv)
{
	return 0;
}

static struct kcp_engine *engine(struct kunit *test, bool stream, u32 rcv_limit)
{
	struct kcp_engine *kcp;
	struct kcp_config cfg;

	kcp_config_init(&cfg);
	cfg.stream = stream;
	cfg.rcv_limit = rcv_limit;
	kcp = kcp_engine_create(CONV, &cfg, discard_output, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kcp));
	return kcp;
}

/* Encode a segment header with @len payload bytes of 0xee after it. */
static size_t put_seg(u8 *buf, u32 conv, u8 cmd, u8 frg, u32 sn, u32 len)
{
	struct kcp_hdr h = { .conv = conv, .cmd = cmd, .frg = frg, .wnd = 128,
			     .ts = 1, .sn = sn, .una = 0, .len = len };

	kcp_hdr_encode(buf, &h);
	memset(buf + KCP_HDR_LEN, 0xee, len);
	return KCP_HDR_LEN + len;
}

struct hostile_case {
	const char *name;
	int expect;		/* what input returns */
	bool error_counted;	/* in_errors incremented */
	bool dropped;		/* a data segment refused */
	bool repeat;		/* counted as a repeat and acknowledged again */
};

enum {
	H_EMPTY, H_SHORT, H_CONV, H_CMD, H_LEN_PAST_END, H_FAR_SN, H_FAR_BEHIND,
	H_FRG_TOO_BIG, H_TRAILING_JUNK, H_ACK_UNSENT,
};

static const struct hostile_case hostile_cases[] = {
	[H_EMPTY] = { "empty datagram", -EBADMSG, true, false },
	[H_SHORT] = { "23 bytes", -EBADMSG, true, false },
	[H_CONV] = { "another conversation", -EPROTO, true, false },
	[H_CMD] = { "unknown command 85", -EPROTO, true, false },
	[H_LEN_PAST_END] = { "len past the end", -EBADMSG, true, false },
	[H_FAR_SN] = { "sn beyond the window", 0, false, true },
	[H_FAR_BEHIND] = { "sn behind rcv_nxt (a repeat)", 0, false, false, true },
	[H_FRG_TOO_BIG] = { "frg a window cannot hold", 0, false, true },
	[H_TRAILING_JUNK] = { "valid segment then junk", -EBADMSG, true, false },
	[H_ACK_UNSENT] = { "ACK of a segment never sent", 0, false, false },
};

static void hostile_case_desc(const struct hostile_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hostile, hostile_cases, hostile_case_desc);

static size_t build_hostile(int which, u8 *buf)
{
	size_t len;

	switch (which) {
	case H_EMPTY:
		return 0;
	case H_SHORT:
		return put_seg(buf, CONV, KCP_CMD_PUSH, 0, 0, 0) - 1;
	case H_CONV:
		return put_seg(buf, CONV + 1, KCP_CMD_PUSH, 0, 0, 8);
	case H_CMD:
		return put_seg(buf, CONV, 85, 0, 0, 0);
	case H_LEN_PAST_END:
		return put_seg(buf, CONV, KCP_CMD_PUSH, 0, 0, 100) - 1;
	case H_FAR_SN:
		return put_seg(buf, CONV, KCP_CMD_PUSH, 0, KCP_RCV_WND_DEFAULT, 8);
	case H_FAR_BEHIND:
		return put_seg(buf, CONV, KCP_CMD_PUSH, 0, 0xfffffff0, 8);
	case H_FRG_TOO_BIG:
		return put_seg(buf, CONV, KCP_CMD_PUSH, 200, 0, 8);
	case H_TRAILING_JUNK:
		len = put_seg(buf, CONV, KCP_CMD_WINS, 0, 0, 0);
		memset(buf + len, 0x51, 30);
		return len + 30;
	case H_ACK_UNSENT:
		return put_seg(buf, CONV, KCP_CMD_ACK, 0, 5, 0);
	}
	return 0;
}

/* Hostile input is refused or bounded, and the receive state is untouched. */
static void input_rejects_hostile(struct kunit *test)
{
	const struct hostile_case *c = test->param_value;
	int which = c - hostile_cases;
	struct kcp_engine *kcp;
	u8 buf[256];
	size_t len;

	kcp = engine(test, false, 0);
	len = build_hostile(which, buf);
	KUNIT_EXPECT_EQ(test, kcp_engine_input(kcp, buf, len, 10, GFP_KERNEL),
			c->expect);

	KUNIT_EXPECT_EQ(test, kcp->stats.in_errors, c->error_counted ? 1ull : 0ull);
	KUNIT_EXPECT_EQ(test, kcp->stats.dropped_segs, c->dropped ? 1ull : 0ull);
	KUNIT_EXPECT_EQ(test, kcp->stats.repeat_segs, c->repeat ? 1ull : 0ull);
	KUNIT_EXPECT_EQ(test, kcp->ackcount, c->repeat ? 1u : 0u);
	KUNIT_EXPECT_EQ(test, kcp->rcv_nxt, 0u);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_buf, 0u);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_que, 0u);
	KUNIT_EXPECT_EQ(test, kcp->rcv_mem, 0u);
	KUNIT_EXPECT_EQ(test, kcp->snd_una, 0u);
	KUNIT_EXPECT_EQ(test, kcp->snd_nxt, 0u);
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(kcp), (ssize_t)-EAGAIN);
	kcp_engine_destroy(kcp);
}

/*
 * A peer ignoring our window and sending everything out of order cannot
 * make the engine hold more than rcv_limit plus one segment, and the
 * advertised window falls to zero as the limit is reached. Nor can it grow
 * the ACK list past its 256 entries by repeating a segment between two
 * flushes: a full list goes out at once.
 */
static void input_memory_bounded(struct kunit *test)
{
	const u32 limit = 16 * 1024;
	struct kcp_engine *kcp;
	u8 *buf;
	u32 sn;

	buf = kunit_kmalloc(test, 1500, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	kcp = engine(test, true, limit);
	KUNIT_EXPECT_EQ(test, kcp_engine_wnd_unused(kcp), limit / kcp->mss);

	/* everything but sn 0, so nothing becomes readable */
	for (sn = 1; sn < KCP_RCV_WND_DEFAULT; sn++) {
		size_t len = put_seg(buf, CONV, KCP_CMD_PUSH, 0, sn, 1376);

		KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, buf, len, 1, GFP_KERNEL), 0);
		KUNIT_ASSERT_LE(test, kcp->rcv_mem, limit);
	}
	KUNIT_EXPECT_GT(test, kcp->stats.dropped_segs, 0ull);
	KUNIT_EXPECT_EQ(test, kcp_engine_wnd_unused(kcp), 0u);

	/* each repeat is acknowledged again; 300 of them overflow one list */
	for (sn = 0; sn < 300; sn++) {
		size_t len = put_seg(buf, CONV, KCP_CMD_PUSH, 0, 1, 1376);

		KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, buf, len, 1, GFP_KERNEL), 0);
		KUNIT_ASSERT_LE(test, kcp->ackcount, 256u);
	}
	KUNIT_EXPECT_GE(test, kcp->stats.repeat_segs, 300ull);
	KUNIT_EXPECT_GT(test, kcp->stats.out_pkts, 0ull);	/* the full list went */

	/* the missing first segment is still taken: without it, no progress */
	KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, buf,
					       put_seg(buf, CONV, KCP_CMD_PUSH, 0, 0, 1376),
					       1, GFP_KERNEL), 0);
	KUNIT_EXPECT_LE(test, kcp->rcv_mem, limit + 1376);
	KUNIT_EXPECT_GT(test, kcp_engine_peeksize(kcp), 0);
	kcp_engine_destroy(kcp);
}

struct config_case {
	const char *name;
	size_t offset;		/* of a u32 field in struct kcp_config */
	u32 low_bad, low_ok, high_ok, high_bad;
};

#define FIELD(f) offsetof(struct kcp_config, f)

static const struct config_case config_cases[] = {
	{ "nodelay", FIELD(nodelay), U32_MAX, 0, 2, 3 },
	{ "interval", FIELD(interval), 9, 10, 5000, 5001 },
	{ "resend", FIELD(resend), U32_MAX, 0, 1000, 1001 },
	{ "fastlimit", FIELD(fastlimit), U32_MAX, 0, 1000, 1001 },
	{ "mtu", FIELD(mtu), 49, 50, 9000, 9001 },
	{ "snd_wnd", FIELD(snd_wnd), 0, 1, 65535, 65536 },
	{ "rcv_wnd", FIELD(rcv_wnd), 127, 128, 65535, 65536 },
	{ "minrto", FIELD(minrto), 0, 1, 60000, 60001 },
	{ "dead_link", FIELD(dead_link), 0, 1, 1000, 1001 },
};

static void config_case_desc(const struct config_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(config, config_cases, config_case_desc);

/* Bounds are exact, and a refused change leaves the engine as it was. */
static void input_config_bounds(struct kunit *test)
{
	const struct config_case *c = test->param_value;
	struct kcp_config cfg, before;
	struct kcp_engine *kcp;
	u32 *field = (u32 *)((u8 *)&cfg + c->offset);

	kcp = engine(test, true, 0);
	before = kcp->cfg;

	cfg = before;
	*field = c->low_ok;
	KUNIT_EXPECT_EQ(test, kcp_config_validate(&cfg), 0);
	*field = c->high_ok;
	KUNIT_EXPECT_EQ(test, kcp_config_validate(&cfg), 0);
	if (c->low_bad != U32_MAX || c->low_ok != 0) {
		*field = c->low_bad;
		KUNIT_EXPECT_EQ(test, kcp_engine_configure(kcp, &cfg, GFP_KERNEL),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, memcmp(&kcp->cfg, &before, sizeof(before)), 0);
	}
	*field = c->high_bad;
	KUNIT_EXPECT_EQ(test, kcp_engine_configure(kcp, &cfg, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(&kcp->cfg, &before, sizeof(before)), 0);
	KUNIT_EXPECT_TRUE(test, IS_ERR(kcp_engine_create(1, &cfg, discard_output,
							 NULL, GFP_KERNEL)));
	kcp_engine_destroy(kcp);
}

/* The MTU cannot change under queued data; other tunables can. */
static void input_config_live(struct kunit *test)
{
	struct kcp_engine *kcp = engine(test, true, 0);
	struct kcp_config cfg = kcp->cfg;

	KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(kcp, "abc", 3, GFP_KERNEL), 3);
	cfg.mtu = 1200;
	KUNIT_EXPECT_EQ(test, kcp_engine_configure(kcp, &cfg, GFP_KERNEL), -EBUSY);
	KUNIT_EXPECT_EQ(test, kcp->mss, 1400u - KCP_HDR_LEN);

	cfg.mtu = kcp->cfg.mtu;
	cfg.nc = true;
	cfg.interval = 20;
	KUNIT_EXPECT_EQ(test, kcp_engine_configure(kcp, &cfg, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, kcp->cfg.interval, 20u);
	KUNIT_EXPECT_EQ(test, kcp_engine_send_window(kcp), kcp->cfg.snd_wnd);
	kcp_engine_destroy(kcp);
}

static int loop_output(struct kcp_engine *kcp, const void *buf, size_t len,
		       void *priv)
{
	return kcp_engine_input(priv, buf, len, kcp->now, GFP_KERNEL);
}

/*
 * Messages of every awkward size keep their boundaries across engines; a
 * message of more fragments than a receiver can hold is refused; a short
 * read truncates one message and a peek leaves it in place.
 */
static void input_message_boundaries(struct kunit *test)
{
	static const size_t sizes[] = { 1, 1376, 1377, 0, 2752, 2753, 127 * 1376 };
	struct kcp_engine *a, *b;
	struct kcp_config cfg;
	size_t i, big = 127 * 1376 + 1;
	u32 now = 0;
	u8 *buf;

	buf = kunit_kmalloc(test, big, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	kcp_config_init(&cfg);
	cfg.snd_wnd = 256;
	cfg.nc = true;
	cfg.interval = 10;
	b = kcp_engine_create(CONV, &cfg, loop_output, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	a = kcp_engine_create(CONV, &cfg, loop_output, b, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	b->priv = a;

	KUNIT_EXPECT_EQ(test, kcp_engine_send_buf(a, buf, big, GFP_KERNEL),
			(ssize_t)-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, kcp_engine_waitsnd(a), 0u);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(buf, (int)i + 1, sizes[i]);
		KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(a, buf, sizes[i], GFP_KERNEL),
				(ssize_t)sizes[i]);
	}

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t msg_len = 0, want = i == 4 ? 100 : sizes[i];
		u8 *dst = buf;
		ssize_t n;

		while (kcp_engine_peeksize(b) < 0 && now < 10000) {
			now += 10;
			kcp_engine_update(a, now);
			kcp_engine_update(b, now);
		}
		KUNIT_ASSERT_EQ(test, kcp_engine_peeksize(b), (ssize_t)sizes[i]);
		if (sizes[i] > 1) {
			buf[0] = 0;
			n = kcp_engine_recv(b, 1, kcp_copy_to_mem, &dst, KCP_RECV_PEEK,
					    &msg_len);
			KUNIT_EXPECT_EQ(test, n, 1);
			KUNIT_EXPECT_EQ(test, buf[0], (u8)(i + 1));
			KUNIT_EXPECT_EQ(test, msg_len, sizes[i]);
			KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(b), (ssize_t)sizes[i]);
		}
		memset(buf, 0, sizes[i]);
		n = kcp_engine_recv_buf(b, buf, want);	/* i == 4: truncated */
		KUNIT_ASSERT_EQ(test, n, (ssize_t)want);
		KUNIT_EXPECT_NULL(test, memchr_inv(buf, (int)i + 1, n));
	}
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(b), (ssize_t)-EAGAIN);
	kcp_engine_destroy(a);
	kcp_engine_destroy(b);
}

/* An engine with nothing to do asks for no wakeup at all. */
static void input_idle_needs_no_timer(struct kunit *test)
{
	struct kcp_engine *a, *b;
	struct kcp_config cfg;
	u32 when, now = 1000;

	kcp_config_init(&cfg);
	cfg.interval = 10;
	b = kcp_engine_create(CONV, &cfg, discard_output, NULL, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	a = kcp_engine_create(CONV, &cfg, loop_output, b, GFP_KERNEL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));

	KUNIT_EXPECT_TRUE(test, kcp_engine_check(a, now, &when));	/* never run */
	KUNIT_EXPECT_EQ(test, when, now);
	kcp_engine_update(a, now);
	KUNIT_EXPECT_FALSE(test, kcp_engine_check(a, now, &when));

	kcp_engine_send_buf(a, "ping", 4, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(a, now + 3, &when));
	KUNIT_EXPECT_EQ(test, when, now + 10);	/* the next tick */
	kcp_engine_update(a, when);
	KUNIT_EXPECT_EQ(test, b->nrcv_que, 1u);

	/* in flight: wake for the retransmission, not every tick */
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(a, when, &when));
	KUNIT_EXPECT_GE(test, when, now + 10 + KCP_RTO_INIT);
	kcp_engine_destroy(a);
	kcp_engine_destroy(b);
}

/*
 * Stream mode: an empty segment ahead of data (an ikcp peer's empty message,
 * or a hostile one) must not stall the reader or read as end of file.
 */
static void input_stream_empty_segment(struct kunit *test)
{
	struct kcp_engine *kcp = engine(test, true, 0);
	u8 dgram[2 * KCP_HDR_LEN + 5], out[16];
	size_t len;

	len = put_seg(dgram, CONV, KCP_CMD_PUSH, 0, 0, 0);
	len += put_seg(dgram + len, CONV, KCP_CMD_PUSH, 0, 1, 5);
	KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, dgram, len, 1, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(kcp), 5);
	KUNIT_EXPECT_EQ(test, kcp_engine_recv_buf(kcp, out, sizeof(out)), 5);
	KUNIT_EXPECT_EQ(test, out[0], 0xee);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_que, 0u);
	KUNIT_EXPECT_EQ(test, kcp_engine_recv_buf(kcp, out, sizeof(out)), -EAGAIN);
	kcp_engine_destroy(kcp);
}

/* Feed one data segment of @len bytes, each the low byte of @sn. */
static void feed(struct kunit *test, struct kcp_engine *kcp, u32 sn, u32 len)
{
	u8 dgram[KCP_HDR_LEN + 1400];

	put_seg(dgram, CONV, KCP_CMD_PUSH, 0, sn, len);
	memset(dgram + KCP_HDR_LEN, sn & 0xff, len);
	KUNIT_ASSERT_EQ(test, kcp_engine_input(kcp, dgram, KCP_HDR_LEN + len,
					       1, GFP_KERNEL), 0);
}

static int refuse_copy(void *to, const void *src, size_t len)
{
	return -EFAULT;
}

/*
 * A reader present while datagrams come in (a recvmsg() draining its
 * backlog) takes the stream's next bytes straight, without a segment,
 * after what its queue holds if all fits; what is out of order or beyond
 * its room is queued as before, and the stream's order holds across both.
 */
static void input_direct_to_reader(struct kunit *test)
{
	struct kcp_engine *kcp = engine(test, true, 0);
	u8 out[4096], rest[4096], *cursor = out;
	struct kcp_reader reader = {
		.copy = kcp_copy_to_mem, .to = &cursor, .room = 3000,
	};
	struct kcp_reader failing = { .copy = refuse_copy, .room = 3000 };

	kcp_engine_set_reader(kcp, &reader);
	feed(test, kcp, 0, 1000);
	KUNIT_EXPECT_EQ(test, reader.copied, (size_t)1000);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_que + kcp->nrcv_buf, 0u);
	KUNIT_EXPECT_EQ(test, kcp->rcv_mem, 0u);
	KUNIT_EXPECT_EQ(test, kcp->ackcount, 1u);	/* still acknowledged */

	feed(test, kcp, 2, 1000);	/* out of order: held */
	KUNIT_EXPECT_EQ(test, reader.copied, (size_t)1000);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_buf, 1u);
	feed(test, kcp, 1, 1000);	/* fills the gap: taken, 2 queued */
	KUNIT_EXPECT_EQ(test, reader.copied, (size_t)2000);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_que, 1u);
	feed(test, kcp, 3, 500);	/* behind queued data: queued */
	KUNIT_EXPECT_EQ(test, reader.copied, (size_t)2000);
	KUNIT_EXPECT_EQ(test, kcp_engine_recv_buf(kcp, rest, sizeof(rest)), 1500);
	KUNIT_EXPECT_EQ(test, out[0], 0);
	KUNIT_EXPECT_EQ(test, out[1999], 1);
	KUNIT_EXPECT_EQ(test, rest[0], 2);
	KUNIT_EXPECT_EQ(test, rest[1499], 3);

	feed(test, kcp, 4, 1000);	/* the last of its room */
	feed(test, kcp, 5, 1);		/* no room left: queued */
	KUNIT_EXPECT_EQ(test, reader.copied, (size_t)3000);
	KUNIT_EXPECT_EQ(test, reader.room, (size_t)0);
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(kcp), 1);
	KUNIT_EXPECT_EQ(test, kcp_engine_recv_buf(kcp, rest, sizeof(rest)), 1);

	/* a copy that fails loses nothing: the bytes are queued */
	kcp_engine_set_reader(kcp, &failing);
	feed(test, kcp, 6, 100);
	KUNIT_EXPECT_EQ(test, failing.err, -EFAULT);
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(kcp), 100);
	kcp_engine_set_reader(kcp, NULL);
	feed(test, kcp, 7, 100);
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(kcp), 200);

	/* a reader with room for the queue takes it first, then the next */
	cursor = out;
	reader.room = 1000;
	reader.copied = 0;
	kcp_engine_set_reader(kcp, &reader);
	feed(test, kcp, 8, 300);
	KUNIT_EXPECT_EQ(test, reader.copied, (size_t)500);
	KUNIT_EXPECT_EQ(test, kcp->nrcv_que, 0u);
	KUNIT_EXPECT_EQ(test, kcp->rcv_mem, 0u);
	KUNIT_EXPECT_EQ(test, out[0], 6);
	KUNIT_EXPECT_EQ(test, out[100], 7);
	KUNIT_EXPECT_EQ(test, out[499], 8);
	kcp_engine_destroy(kcp);

	/* a message stream has boundaries to keep: never direct */
	kcp = engine(test, false, 0);
	kcp_engine_set_reader(kcp, &reader);
	feed(test, kcp, 0, 10);
	KUNIT_EXPECT_EQ(test, reader.copied, (size_t)500);
	KUNIT_EXPECT_EQ(test, kcp_engine_peeksize(kcp), 10);
	kcp_engine_destroy(kcp);
}

static struct kunit_case input_test_cases[] = {
	KUNIT_CASE_PARAM(input_rejects_hostile, hostile_gen_params),
	KUNIT_CASE(input_memory_bounded),
	KUNIT_CASE_PARAM(input_config_bounds, config_gen_params),
	KUNIT_CASE(input_config_live),
	KUNIT_CASE(input_message_boundaries),
	KUNIT_CASE(input_idle_needs_no_timer),
	KUNIT_CASE(input_stream_empty_segment),
	KUNIT_CASE(input_direct_to_reader),
	{}
};

static struct kunit_suite input_test_suite = {
	.name = "kcp_input",
	.test_cases = input_test_cases,
};

kunit_test_suite(input_test_suite);

MODULE_LICENSE("Dual MIT/GPL");
