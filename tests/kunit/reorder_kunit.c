// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: loss told from reordering. With cfg.reorder_tolerant a segment
 * that later ones overtook is resent only once its ACK is overdue by the
 * reordering window (RACK), an ACK echoing an earlier transmission shows
 * a resend was needless, thin streams keep stock KCP's haste, and only transmissions
 * no ACK prompted count towards a dead link.
 */
#include <kunit/test.h>

#include "engine.h"
#include "manual_link.h"
#include "segment.h"
#include "wire.h"

/*
 * Segments 0..@n-1 leave one per ms from t=0 (MTU 50: one per datagram);
 * 0 is lost and @acked of the others (1, 2, ...) arrive at t=20, are
 * acknowledged in datagrams of two ACKs each, and their ACKs are back at
 * t=40: RTT samples of 39 down to 40 - @acked ms, every ACK datagram
 * skipping segment 0, which has been held back in @lost. Both engines
 * run with cfg.reorder_tolerant set to @tolerant.
 */
static struct manual *reorder_setup(struct kunit *test, bool tolerant, u32 n,
				    u32 acked, u8 *lost, u32 *lost_len)
{
	struct kcp_config cfg;
	struct manual *m;
	u32 i;

	kcp_config_init(&cfg);
	cfg.mtu = 50;
	cfg.interval = 10;
	cfg.nc = true;
	cfg.write_delay = false;
	cfg.resend = 2;
	cfg.early_retransmit = false;
	cfg.reorder_tolerant = tolerant;
	m = manual_init(test, &cfg);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_EQ(test, kcp_engine_send_buf(m->side[0].kcp,
							  "0123456789", 10,
							  GFP_KERNEL), 10);
		kcp_engine_update(m->side[0].kcp, i);
	}
	KUNIT_ASSERT_EQ(test, m->side[0].n, n);
	memcpy(lost, m->side[0].q[0], m->side[0].len[0]);
	*lost_len = m->side[0].len[0];
	/* 0 lost; acked segments arrive; the rest are still on their way */
	m->side[0].n = 1 + acked;
	manual_carry(m, 0, 20, 0);
	kcp_engine_update(m->side[1].kcp, 20);
	manual_carry(m, 1, 40, -1);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->snd_una, 0u);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->nsnd_buf, n - acked);
	return m;
}

/* Skipped twice, segment 0 waits out the window, then goes at its end. */
static void reorder_waits_for_window(struct kunit *test)
{
	struct kcp_engine *kcp;
	u8 lost[64];
	u32 lost_len, when, due;
	struct manual *m;

	m = reorder_setup(test, true, 8, 4, lost, &lost_len);
	kcp = m->side[0].kcp;
	KUNIT_ASSERT_GE(test, list_first_entry(&kcp->snd_buf, struct kcp_seg,
					       node)->fastack, 2u);
	/* its ACK, as late as the latest (36 ms), overdue by srtt / 4 */
	KUNIT_ASSERT_EQ(test, kcp->rtt_latest, 36u);
	due = 36 + kcp->rx_srtt / 4;
	KUNIT_EXPECT_EQ(test, m->side[0].n, 0u);
	KUNIT_ASSERT_TRUE(test, kcp_engine_check(kcp, 40, &when));
	KUNIT_EXPECT_EQ(test, when, due);
	kcp_engine_update(kcp, due - 1);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_fast, 0ull);
	kcp_engine_update(kcp, due);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_fast, 1ull);
	KUNIT_EXPECT_EQ(test, m->side[0].n, 1u);

	/* the original arrives after all: the resend was needless */
	m->side[0].n = 0;
	kcp_engine_input(m->side[1].kcp, lost, lost_len, due + 5, GFP_KERNEL);
	kcp_engine_flush(m->side[1].kcp);
	manual_carry(m, 1, due + 20, -1);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_spurious_fast, 1ull);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_spurious_timeout, 0ull);
	KUNIT_EXPECT_EQ(test, kcp->snd_una, 5u);
	manual_destroy(m);
}

/* Fewer than KCP_THIN_STREAM in flight: resent as soon as skipped twice. */
static void reorder_thin_stream_does_not_wait(struct kunit *test)
{
	u32 lost_len;
	struct manual *m;
	u8 lost[64];

	m = reorder_setup(test, true, 5, 4, lost, &lost_len);
	KUNIT_ASSERT_LT(test, m->side[0].kcp->nsnd_buf, (u32)KCP_THIN_STREAM);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_fast, 1ull);
	KUNIT_EXPECT_EQ(test, m->side[0].n, 1u);
	manual_destroy(m);
}

/* Without reorder_tolerant: stock KCP's fast retransmit, at once. */
static void reorder_off_is_stock(struct kunit *test)
{
	struct kcp_config cfg;
	u32 lost_len;
	struct manual *m;
	u8 lost[64];

	kcp_config_init(&cfg);
	KUNIT_ASSERT_FALSE(test, cfg.reorder_tolerant);	/* ikcp's default */
	m = reorder_setup(test, false, 8, 4, lost, &lost_len);
	KUNIT_EXPECT_EQ(test, m->side[0].kcp->stats.retrans_fast, 1ull);
	manual_destroy(m);
}

/*
 * dead_link counts the first transmission and RTO expiries, not resends
 * that ACKs prompted: ACKs arriving prove the peer alive.
 */
static void reorder_dead_link_counts_blind_sends(struct kunit *test)
{
	struct kcp_engine *kcp;
	struct kcp_seg *seg;
	u32 lost_len, t;
	struct manual *m;
	u8 lost[64];

	m = reorder_setup(test, true, 5, 4, lost, &lost_len);
	kcp = m->side[0].kcp;
	kcp->cfg.dead_link = 2;
	seg = list_first_entry(&kcp->snd_buf, struct kcp_seg, node);
	KUNIT_ASSERT_EQ(test, seg->xmit, 2u);		/* sent, fast resent */
	KUNIT_EXPECT_EQ(test, seg->blind_xmit, 1u);
	KUNIT_EXPECT_FALSE(test, kcp->dead);
	for (t = 41; !kcp->stats.retrans_timeout && t < 2000; t++)
		kcp_engine_update(kcp, t);
	KUNIT_EXPECT_EQ(test, kcp->stats.retrans_timeout, 1ull);
	KUNIT_EXPECT_TRUE(test, kcp->dead);
	manual_destroy(m);
}

static struct kunit_case reorder_test_cases[] = {
	KUNIT_CASE(reorder_waits_for_window),
	KUNIT_CASE(reorder_thin_stream_does_not_wait),
	KUNIT_CASE(reorder_off_is_stock),
	KUNIT_CASE(reorder_dead_link_counts_blind_sends),
	{}
};

static struct kunit_suite reorder_test_suite = {
	.name = "kcp_reorder",
	.test_cases = reorder_test_cases,
};

kunit_test_suite(reorder_test_suite);
