// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: what RTO expiry resends with cfg.reorder_tolerant (frto.c). Seventy
 * segments go out at 0 ms, each in a datagram of its own, and time out at
 * 200 ms (the initial RTO): only the first is resent until an ACK tells a
 * delay (the rest get new RTOs) from a loss (the rest go at once).
 */
#include <kunit/test.h>

#include "engine.h"
#include "manual_link.h"
#include "wire.h"

#define SEGS	70	/* more than F-RTO's least flight, KCP_FRTO_FLIGHT */

static struct manual *frto_start(struct kunit *test, bool tolerant)
{
	struct kcp_config cfg;
	struct manual *m;
	int i;

	kcp_config_init(&cfg);
	cfg.mtu = 50;
	cfg.interval = 10;
	cfg.nodelay = 1;
	cfg.nc = true;
	cfg.snd_wnd = 128;
	cfg.rcv_wnd = 128;
	cfg.write_delay = false;
	cfg.reorder_tolerant = tolerant;
	m = manual_init(test, &cfg);
	for (i = 0; i < SEGS; i++)
		KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(m->side[0].kcp,
							  "0123456789", 10,
							  GFP_KERNEL), 10);
	kcp_engine_update(m->side[0].kcp, 0);
	KUNIT_ASSERT_EQ(test, m->side[0].n, (u32)SEGS);
	return m;
}

/* Run the sender's clock to @until, adding up what it resends by sn. */
static void frto_run(struct manual *m, u32 from, u32 until, u32 *resent)
{
	struct manual_side *s = &m->side[0];
	struct kcp_hdr hdr;
	u32 t, i;

	for (t = from; t < until; t++) {
		kcp_engine_update(s->kcp, t);
		for (i = 0; i < s->n; i++)
			if (!kcp_hdr_decode(&hdr, s->q[i], s->len[i]) &&
			    hdr.cmd == KCP_CMD_PUSH && hdr.sn < SEGS)
				resent[hdr.sn]++;
		s->n = 0;
	}
}

/*
 * The path stalls: without the option all are resent at 200 ms; with it,
 * only segment 0, and once the late ACKs of 0 and 1 (echoing 0 ms) come,
 * nothing more: the rest get new RTOs from the estimate those raised.
 */
static void frto_delay(struct kunit *test)
{
	struct manual *m;
	u32 resent[SEGS] = { };
	int i;

	/* stock KCP: everything that expired goes */
	m = frto_start(test, false);
	manual_carry(m, 0, 1, -1);
	frto_run(m, 1, 260, resent);
	for (i = 0; i < SEGS; i++)
		KUNIT_EXPECT_EQ_MSG(test, resent[i], 1u, "sn %d", i);
	manual_destroy(m);

	memset(resent, 0, sizeof(resent));
	m = frto_start(test, true);
	m->side[0].n = 2;		/* 0 and 1 arrive, the rest are on the way */
	manual_carry(m, 0, 1, -1);
	kcp_engine_update(m->side[1].kcp, 1);
	KUNIT_ASSERT_EQ(test, m->side[1].n, 1u);	/* their ACKs */
	frto_run(m, 1, 260, resent);
	KUNIT_EXPECT_EQ(test, resent[0], 1u);
	for (i = 1; i < SEGS; i++)
		KUNIT_EXPECT_EQ_MSG(test, resent[i], 0u, "sn %d", i);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->rto_state, KCP_RTO_PROBING);

	manual_carry(m, 1, 260, -1);	/* late */
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->rto_state, KCP_RTO_OPEN);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->nsnd_buf, SEGS - 2u);
	frto_run(m, 260, 600, resent);
	for (i = 1; i < SEGS; i++)
		KUNIT_EXPECT_EQ_MSG(test, resent[i], 0u, "sn %d", i);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_timeout, 1ull);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.rto_stalls, 1ull);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.rto_losses, 0ull);
	manual_destroy(m);
}

/*
 * The originals are lost: the probe's own ACK (echoing 200 ms) comes at
 * 205 ms and the others go at once, not an RTO later.
 */
static void frto_loss(struct kunit *test)
{
	struct manual *m = frto_start(test, true);
	struct manual_side *s = &m->side[0];
	u32 resent[SEGS] = { };
	int i;

	s->n = 0;			/* all lost */
	frto_run(m, 1, 200, resent);
	kcp_engine_update(s->kcp, 200);
	KUNIT_ASSERT_EQ(test, s->n, 1u);	/* the probe alone */
	manual_carry(m, 0, 200, -1);
	kcp_engine_update(m->side[1].kcp, 200);
	manual_carry(m, 1, 205, -1);
	KUNIT_EXPECT_EQ(test, s->kcp->rto_state, KCP_RTO_RELEASE);
	KUNIT_EXPECT_EQ(test, s->kcp->stats.rto_losses, 1ull);
	KUNIT_EXPECT_EQ(test, s->kcp->stats.rto_stalls, 0ull);
	frto_run(m, 205, 207, resent);
	for (i = 1; i < SEGS; i++)
		KUNIT_EXPECT_EQ_MSG(test, resent[i], 1u, "sn %d", i);
	KUNIT_EXPECT_EQ(test, s->kcp->rto_state, KCP_RTO_OPEN);
	manual_destroy(m);
}

/* A window answer from the receiver with @una and no ACK in it. */
static void frto_una_only(struct manual *m, u32 una, u32 now)
{
	struct kcp_hdr h = { .conv = 7, .cmd = KCP_CMD_WINS, .wnd = 128,
			     .ts = now, .una = una };
	u8 dgram[KCP_HDR_LEN];

	kcp_hdr_encode(dgram, &h);
	kcp_engine_input(m->side[0].kcp, dgram, sizeof(dgram), now, GFP_KERNEL);
}

/*
 * una alone answers: past a held segment, whose original must have got
 * there, it means a delay; past the probe alone, it cannot tell which
 * transmission got there and is taken for a loss.
 */
static void frto_una(struct kunit *test)
{
	static const struct {
		u32 una;
		u8 state;
		u32 resent;	/* each held segment, by 400 ms */
		u64 stalls;	/* the verdict counted: 1 a stall, 0 a loss */
	} cases[] = {
		{ 3, KCP_RTO_OPEN, 0, 1 },	/* past held 1 and 2: a stall */
		{ 1, KCP_RTO_RELEASE, 1, 0 },	/* past the probe alone: a loss */
	};
	int c, i;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		struct manual *m = frto_start(test, true);
		u32 resent[SEGS] = { };

		m->side[0].n = 0;
		frto_run(m, 1, 260, resent);
		KUNIT_ASSERT_EQ(test, m->side[0].kcp->rto_state,
				KCP_RTO_PROBING);
		frto_una_only(m, cases[c].una, 260);
		KUNIT_EXPECT_EQ(test, m->side[0].kcp->rto_state,
				cases[c].state);
		KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.rto_stalls,
				cases[c].stalls);
		KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.rto_losses,
				1 - cases[c].stalls);
		frto_run(m, 260, 400, resent);
		for (i = cases[c].una; i < SEGS; i++)
			KUNIT_EXPECT_EQ_MSG(test, resent[i], cases[c].resent,
					    "una %u, sn %d", cases[c].una, i);
		manual_destroy(m);
	}
}

/*
 * Nothing answers: the probe alone is resent, at its backed-off RTO, and
 * the held segments wait with it.
 */
static void frto_no_answer(struct kunit *test)
{
	struct manual *m = frto_start(test, true);
	u32 resent[SEGS] = { };
	int i;

	m->side[0].n = 0;
	frto_run(m, 1, 3000, resent);
	KUNIT_EXPECT_GE(test, resent[0], 4u);
	for (i = 1; i < SEGS; i++)
		KUNIT_EXPECT_EQ_MSG(test, resent[i], 0u, "sn %d", i);
	/* no verdict without an answer */
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.rto_stalls, 0ull);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.rto_losses, 0ull);
	manual_destroy(m);
}

static struct kunit_case frto_test_cases[] = {
	KUNIT_CASE(frto_delay),
	KUNIT_CASE(frto_loss),
	KUNIT_CASE(frto_una),
	KUNIT_CASE(frto_no_answer),
	{}
};

static struct kunit_suite frto_test_suite = {
	.name = "kcp_frto",
	.test_cases = frto_test_cases,
};

kunit_test_suite(frto_test_suite);

MODULE_LICENSE("Dual MIT/GPL");
