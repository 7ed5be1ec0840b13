// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The two congestion controllers KCP users know: ikcp's Reno-like window
 * (slow start, congestion avoidance, halving on loss) and none at all, the
 * "nc" switch that most fast profiles turn on.
 */
#include <linux/limits.h>
#include <linux/minmax.h>

#include "cong.h"
#include "engine.h"

/*
 * ikcp starts cwnd at 0 and raises it to 1 at the end of its first flush,
 * which delays the first segment by one interval; we start at 1.
 */
static void reno_init(struct kcp_engine *kcp)
{
	kcp->cwnd = 1;
	kcp->incr = kcp->mss;
	kcp->ssthresh = KCP_SSTHRESH_INIT;
}

static u32 reno_window(const struct kcp_engine *kcp)
{
	return kcp->cwnd;
}

/* Slow start below ssthresh, then about one segment per window of ACKs. */
static void reno_grow(struct kcp_engine *kcp)
{
	u32 mss = kcp->mss;

	if (kcp->cwnd < kcp->ssthresh) {
		kcp->cwnd++;
		kcp->incr += mss;
	} else {
		if (kcp->incr < mss)
			kcp->incr = mss;
		kcp->incr += (mss * mss) / kcp->incr + mss / 16;
		if ((kcp->cwnd + 1) * mss <= kcp->incr)
			kcp->cwnd = (kcp->incr + mss - 1) / mss;
	}
}

/*
 * ikcp grows the window once per datagram that advances una. A datagram
 * carries many ACK segments, each of which TCP would count as an ACK, so
 * we grow once per segment newly acknowledged: the same Reno rules, clocked
 * by ACKs rather than by how the peer happened to pack them.
 */
static void reno_on_ack(struct kcp_engine *kcp, u32 acked)
{
	while (acked-- && kcp->cwnd < kcp->rmt_wnd)
		reno_grow(kcp);
	/*
	 * Never below one segment, even when the peer's window is closed: a
	 * zero cwnd would outlive the window and stall the sender for good
	 * (ikcp floors it again at each flush; we never let it reach 0).
	 */
	if (kcp->cwnd > kcp->rmt_wnd) {
		kcp->cwnd = max_t(u32, kcp->rmt_wnd, 1);
		kcp->incr = kcp->cwnd * kcp->mss;
	}
}

static void reno_on_fast_retransmit(struct kcp_engine *kcp)
{
	u32 inflight = kcp->snd_nxt - kcp->snd_una;

	kcp->ssthresh = max_t(u32, inflight / 2, KCP_SSTHRESH_MIN);
	kcp->cwnd = kcp->ssthresh + kcp->cfg.resend;
	kcp->incr = kcp->cwnd * kcp->mss;	/* cwnd >= KCP_SSTHRESH_MIN */
}

static void reno_on_timeout(struct kcp_engine *kcp)
{
	kcp->ssthresh = max_t(u32, kcp->cwnd / 2, KCP_SSTHRESH_MIN);
	kcp->cwnd = 1;
	kcp->incr = kcp->mss;
}

const struct kcp_cong_ops kcp_cong_reno = {
	.name = "reno",
	.init = reno_init,
	.window = reno_window,
	.on_ack = reno_on_ack,
	.on_fast_retransmit = reno_on_fast_retransmit,
	.on_timeout = reno_on_timeout,
};

static void none_init(struct kcp_engine *kcp)
{
	kcp->cwnd = 0;
	kcp->incr = 0;
	kcp->ssthresh = 0;
}

static u32 none_window(const struct kcp_engine *kcp)
{
	return U32_MAX;
}

static void none_event(struct kcp_engine *kcp)
{
}

static void none_on_ack(struct kcp_engine *kcp, u32 acked)
{
}

const struct kcp_cong_ops kcp_cong_none = {
	.name = "none",
	.init = none_init,
	.window = none_window,
	.on_ack = none_on_ack,
	.on_fast_retransmit = none_event,
	.on_timeout = none_event,
};
