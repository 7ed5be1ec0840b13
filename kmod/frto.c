// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Telling a delay from a loss when RTOs expire, with cfg.reorder_tolerant:
 * F-RTO's idea (RFC 5682) in KCP's terms.
 *
 * KCP times each segment out on its own. When the path stalls for longer
 * than the RTO (a receiver descheduled, a queue a window-sized burst
 * filled), every segment in flight expires within a few ms of the first
 * and a whole window is resent though nothing was lost; a clean 64 MiB
 * transfer resent thousands of segments so. TCP resends one segment per
 * RTO. Here, of the segments whose RTO expires, only the first (the
 * probe) is resent; the others are held, neither resent nor timed, until
 * an ACK tells which it was:
 *
 *  - a held segment acknowledged (by its ACK or by una), or an ACK of the
 *    probe's earlier transmission (it echoes that transmission's time),
 *    shows the path only delayed them: the held segments get new RTOs
 *    from the estimate the late ACKs raised, and nothing else is resent;
 *  - an ACK of the probe's retransmission, or una passing the probe and
 *    no held segment, shows the path delivers and the probe was lost:
 *    the held segments are due at once, as they were before.
 *
 * Without an answer the probe alone is resent at its backed-off RTO, and
 * only its transmissions count towards the dead link.
 */
#include "engine.h"
#include "segment.h"

/*
 * With fewer in flight all that expired are resent, as stock KCP does:
 * a thin stream (a game's messages every 20 ms) has that many unacked
 * only after a second of losses, when expiry means loss rather than a
 * stall, and resending costs it a few datagrams while holding would
 * cost it round trips. Held from 4 in flight, the loss simulator's
 * sockets lost 5-12% on their worst round trips (tests/host/sim.c); from
 * 16, a 20%-loss latency run once had its p99 doubled.
 */
#define KCP_FRTO_FLIGHT		64

/* Its RTO expired, and it is not the probe. */
static bool kcp_rto_is_held(const struct kcp_engine *kcp,
			    const struct kcp_seg *seg)
{
	return seg->xmit && seg->sn != kcp->rto_probe_sn &&
	       !kcp_before(kcp->now, seg->resendts);
}

/**
 * kcp_rto_hold() - whether a segment whose RTO expired waits for the probe
 * @kcp: the engine, flushing
 * @seg: the segment
 *
 * The first such segment, with no probe out, becomes the probe and is
 * resent; while it is out, every other one is held.
 *
 * Return: true if @seg is held: neither resent nor timed.
 */
bool kcp_rto_hold(struct kcp_engine *kcp, const struct kcp_seg *seg)
{
	if (!kcp->cfg.reorder_tolerant) {
		kcp->rto_state = KCP_RTO_OPEN;
		return false;
	}
	switch (kcp->rto_state) {
	case KCP_RTO_OPEN:
		if (kcp->nsnd_buf < KCP_FRTO_FLIGHT)
			return false;
		kcp->rto_state = KCP_RTO_PROBING;
		kcp->rto_probe_sn = seg->sn;
		kcp->rto_probe_ts = kcp->now;
		return false;
	case KCP_RTO_PROBING:
		return seg->sn != kcp->rto_probe_sn;
	default:
		return false;	/* KCP_RTO_RELEASE: the probe was lost */
	}
}

/**
 * kcp_rto_walked() - a flush has walked everything in flight
 * @kcp: the engine
 *
 * What the probe's loss released has been resent: the next expiry starts
 * a probe again.
 */
void kcp_rto_walked(struct kcp_engine *kcp)
{
	if (kcp->rto_state == KCP_RTO_RELEASE)
		kcp->rto_state = KCP_RTO_OPEN;
}

/* Only delayed: the held segments are timed again, from now. */
static void kcp_rto_delayed(struct kcp_engine *kcp)
{
	struct kcp_seg *seg;

	list_for_each_entry(seg, &kcp->snd_buf, node) {
		if (!kcp_rto_is_held(kcp, seg))
			continue;
		seg->rto = max(seg->rto, kcp->rx_rto);
		seg->resendts = kcp->now + seg->rto;
		/* the bound check() reads may be early, never late */
		if (kcp->rto_floor_valid &&
		    kcp_before(seg->resendts, kcp->rto_floor))
			kcp->rto_floor = seg->resendts;
	}
	kcp->rto_state = KCP_RTO_OPEN;
	kcp->stats.rto_stalls++;
}

/* Lost: the held segments are resent at the next walk, which is due now. */
static void kcp_rto_lost(struct kcp_engine *kcp)
{
	kcp->rto_state = KCP_RTO_RELEASE;
	kcp->stats.rto_losses++;
	kcp->rto_floor = kcp->now;
	kcp->rto_floor_valid = true;
}

/**
 * kcp_rto_acked() - a segment in flight is acknowledged while a probe is out
 * @kcp: the engine
 * @seg: the segment, about to be freed
 * @ts: the transmission time the ACK echoes
 * @by_ack: acknowledged by an ACK of its own (@ts valid), not by una
 */
void kcp_rto_acked(struct kcp_engine *kcp, const struct kcp_seg *seg, u32 ts,
		   bool by_ack)
{
	if (seg->sn != kcp->rto_probe_sn) {
		/* a held one was never resent: its original got there */
		if (kcp_rto_is_held(kcp, seg))
			kcp_rto_delayed(kcp);
	} else if (by_ack) {
		if (kcp_before(ts, kcp->rto_probe_ts))
			kcp_rto_delayed(kcp);
		else
			kcp_rto_lost(kcp);
	}
	/* the probe under una: kcp_rto_una() judges once una has moved */
}

/**
 * kcp_rto_una() - una has moved while a probe is out
 * @kcp: the engine
 *
 * una passing the probe but no held segment does not say which of the
 * probe's transmissions got there: taken for a loss, the held segments
 * are resent, as without F-RTO.
 */
void kcp_rto_una(struct kcp_engine *kcp)
{
	if (kcp->rto_state == KCP_RTO_PROBING &&
	    kcp_before(kcp->rto_probe_sn, kcp->snd_una))
		kcp_rto_lost(kcp);
}
