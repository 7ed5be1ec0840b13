// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The flush: it puts segments, ACKs and window probes on the wire, decides
 * retransmissions, paces new data and packs several segments per datagram
 * up to the MTU.
 */
#include <linux/errno.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "cong.h"
#include "engine.h"
#include "segment.h"
#include "wire.h"

/**
 * kcp_engine_send_window() - segments the sender may have in flight
 * @kcp: the engine
 *
 * Return: min(send window, remote window, congestion window).
 */
u32 kcp_engine_send_window(const struct kcp_engine *kcp)
{
	u32 wnd = min(kcp->cfg.snd_wnd, kcp->rmt_wnd);

	return min(wnd, kcp->cong->window(kcp));
}

/**
 * kcp_engine_send_window_open() - may a queued segment go out now?
 * @kcp: the engine
 *
 * Return: true when fewer segments are in flight than the window allows.
 */
bool kcp_engine_send_window_open(const struct kcp_engine *kcp)
{
	/* the slots fall short only when kcp_snd_slots_reserve() failed */
	return kcp_before(kcp->snd_nxt,
			  kcp->snd_una + kcp_engine_send_window(kcp)) &&
	       kcp->snd_nxt - kcp->snd_una < kcp->snd_slots;
}

static void kcp_flush_buffer(struct kcp_engine *kcp)
{
	if (!kcp->buffer_len)
		return;
	kcp->stats.out_pkts++;
	kcp->stats.out_bytes += kcp->buffer_len;
	kcp->output(kcp, kcp->dgram, kcp->buffer_len, kcp->priv);
	kcp->buffer_len = 0;
	kcp->dgram = NULL;
}

/*
 * Append a header to the datagram being built, sending it first if full.
 * Return: where hdr->len bytes of payload go, or NULL when no buffer could
 * be had: the segment is lost, as on a link, and recovered as a loss is.
 */
static u8 *kcp_emit(struct kcp_engine *kcp, const struct kcp_hdr *hdr)
{
	u8 *at;

	if (kcp->buffer_len + KCP_HDR_LEN + hdr->len > kcp->cfg.mtu)
		kcp_flush_buffer(kcp);
	if (!kcp->dgram) {
		kcp->dgram = kcp->alloc ?
			     kcp->alloc(kcp, kcp->cfg.mtu, kcp->priv) :
			     kcp->buffer;
		if (!kcp->dgram) {
			kcp->stats.out_errors++;
			return NULL;
		}
	}
	at = kcp->dgram + kcp->buffer_len;
	kcp_hdr_encode(at, hdr);
	kcp->buffer_len += KCP_HDR_LEN + hdr->len;
	kcp->stats.out_segs++;
	return at + KCP_HDR_LEN;
}

/* Every segment carries our window and cumulative ack. */
static void kcp_hdr_prepare(const struct kcp_engine *kcp, struct kcp_hdr *hdr,
			    u8 cmd)
{
	*hdr = (struct kcp_hdr) {
		.conv = kcp->conv,
		.cmd = cmd,
		.wnd = kcp_engine_wnd_unused(kcp),
		.una = kcp->rcv_nxt,
	};
}

static void kcp_emit_acks(struct kcp_engine *kcp)
{
	struct kcp_hdr hdr;
	u32 i;

	kcp_hdr_prepare(kcp, &hdr, KCP_CMD_ACK);
	for (i = 0; i < kcp->ackcount; i++) {
		hdr.sn = kcp->acklist[2 * i];
		hdr.ts = kcp->acklist[2 * i + 1];
		kcp_emit(kcp, &hdr);
	}
	kcp->ackcount = 0;
	kcp->ack_urgent = false;
}

/**
 * kcp_engine_flush_acks() - send the ACKs owed, now and alone
 * @kcp: the engine
 *
 * For input with cfg.ack_nodelay set, and when the ACK list fills between
 * flushes. A regular flush packs ACKs in front of data instead.
 */
void kcp_engine_flush_acks(struct kcp_engine *kcp)
{
	if (!kcp->ackcount)
		return;
	kcp_emit_acks(kcp);
	kcp_flush_buffer(kcp);
}

/*
 * A zero remote window stops the sender; ask for the window now and then in
 * case the peer's window update was lost, backing off to KCP_PROBE_LIMIT.
 */
static void kcp_probe_schedule(struct kcp_engine *kcp)
{
	u32 now = kcp->now;

	if (kcp->rmt_wnd) {
		kcp->ts_probe = 0;
		kcp->probe_wait = 0;
		return;
	}
	if (!kcp->probe_wait) {
		kcp->probe_wait = KCP_PROBE_INIT;
		kcp->ts_probe = now + kcp->probe_wait;
	} else if (!kcp_before(now, kcp->ts_probe)) {
		kcp->probe_wait = min_t(u32, kcp->probe_wait + kcp->probe_wait / 2,
					KCP_PROBE_LIMIT);
		kcp->ts_probe = now + kcp->probe_wait;
		kcp->probe |= KCP_PROBE_ASK;
	}
}

static void kcp_flush_probes(struct kcp_engine *kcp)
{
	struct kcp_hdr hdr;

	if (kcp->probe & KCP_PROBE_ASK) {
		kcp_hdr_prepare(kcp, &hdr, KCP_CMD_WASK);
		kcp_emit(kcp, &hdr);
	}
	if (kcp->probe & KCP_PROBE_TELL) {
		kcp_hdr_prepare(kcp, &hdr, KCP_CMD_WINS);
		kcp_emit(kcp, &hdr);
	}
	kcp->probe = 0;
}

/*
 * Pacing: a window's worth of new segments spread over a round trip
 * instead of leaving in one burst, which a receiver's UDP socket buffer
 * would drop (TCP paces for the same reason). Credit accrues at
 * window / srtt segments per ms, in KCP_PACE_UNIT parts of a segment, up
 * to a burst of KCP_PACE_BURST segments or two ms' worth, whichever is
 * more. Until a round trip has been measured nothing is paced.
 */
#define KCP_PACE_UNIT	1024
#define KCP_PACE_BURST	16

static u64 kcp_pace_credit(const struct kcp_engine *kcp, u32 now)
{
	/* div_u64: 32-bit kernels have no 64-bit '/' (no libgcc) */
	u64 rate = div_u64((u64)kcp_engine_send_window(kcp) * KCP_PACE_UNIT,
			   max_t(u32, kcp->rx_srtt, 1));
	u64 cap = max_t(u64, KCP_PACE_BURST * KCP_PACE_UNIT, 2 * rate);
	s32 elapsed = kcp_diff(now, kcp->pace_ts);

	if (elapsed <= 0)
		return min(kcp->pace_credit, cap);
	return min(kcp->pace_credit + rate * elapsed, cap);
}

/**
 * kcp_pace_wait() - how long new data must wait for pacing credit
 * @kcp: the engine
 * @now: the current time in ms
 *
 * Return: 0 when a segment may leave now, otherwise 1 (ms): credit
 * accrues every ms.
 */
u32 kcp_pace_wait(const struct kcp_engine *kcp, u32 now)
{
	if (!kcp->cfg.pacing || !kcp->rx_srtt)
		return 0;
	return kcp_pace_credit(kcp, now) >= KCP_PACE_UNIT ? 0 : 1;
}

/*
 * Move what the window allows from the send queue into flight.
 * Return: the first segment moved (they are the tail of snd_buf), or NULL.
 */
static struct kcp_seg *kcp_queue_to_flight(struct kcp_engine *kcp)
{
	bool paced = kcp->cfg.pacing && kcp->rx_srtt;
	struct kcp_seg *seg, *first = NULL;

	if (paced) {
		kcp->pace_credit = kcp_pace_credit(kcp, kcp->now);
		kcp->pace_ts = kcp->now;
	}
	while (!list_empty(&kcp->snd_queue) && kcp_engine_send_window_open(kcp)) {
		if (paced) {
			if (kcp->pace_credit < KCP_PACE_UNIT)
				break;
			kcp->pace_credit -= KCP_PACE_UNIT;
		}
		seg = list_first_entry(&kcp->snd_queue, struct kcp_seg, node);
		list_move_tail(&seg->node, &kcp->snd_buf);
		kcp->nsnd_que--;
		kcp->nsnd_buf++;
		seg->sn = kcp->snd_nxt++;
		*kcp_snd_slot(kcp, seg->sn) = seg;
		seg->ts = kcp->now;
		seg->resendts = kcp->now;
		seg->rto = kcp->rx_rto;
		seg->fastack = 0;
		seg->xmit = 0;
		seg->blind_xmit = 0;
		if (!first)
			first = seg;
	}
	return first;
}

/* The next RTO of a segment that timed out, by nodelay mode. */
static u32 kcp_rto_backoff(const struct kcp_engine *kcp, u32 rto)
{
	switch (kcp->cfg.nodelay) {
	case 0:
		rto += max(rto, kcp->rx_rto);	/* at least doubles */
		break;
	case 1:
		rto += rto / 2;			/* x1.5 */
		break;
	default:
		rto += kcp->rx_rto / 2;		/* + half the estimate */
		break;
	}
	return min_t(u32, rto, KCP_RTO_MAX);
}

/* What skipping ACKs call for, however recent the segment's transmission. */
static enum kcp_xmit_reason kcp_skip_kind(const struct kcp_engine *kcp,
					  const struct kcp_seg *seg)
{
	u32 resend = kcp->cfg.resend ? kcp->cfg.resend : U32_MAX;

	if ((!seg->fastack && !seg->skipped_close) ||
	    (kcp->cfg.fastlimit && seg->xmit > kcp->cfg.fastlimit))
		return KCP_XMIT_NONE;
	if (seg->fastack >= resend)
		return KCP_XMIT_FAST;
	return kcp->cfg.early_retransmit ? KCP_XMIT_EARLY : KCP_XMIT_NONE;
}

/*
 * cfg.reorder_tolerant: a segment that later ones overtook is taken for
 * lost only once its ACK, had it come as late as the latest round trip
 * measured, is overdue by a quarter of the smoothed round trip (RACK's
 * reordering window, RFC 8985, without its adaptation: widening it on
 * needless resends cost latency in kcpsim and saved nothing measurable on
 * a jittery link). Datagrams reordered by less (jitter, a veth or multi-queue NIC delivering
 * from two CPUs) are not resent; a real loss is resent that much later
 * than stock KCP would. A thin stream, fewer than KCP_THIN_STREAM segments
 * in flight (a game's or a shell's), does not wait: a needless resend
 * costs it little and a late one costs a round trip (Linux's thin-stream
 * rule for TCP).
 */
static u32 kcp_skip_due(const struct kcp_engine *kcp, const struct kcp_seg *seg)
{
	return seg->ts + kcp->rtt_latest + max_t(u32, kcp->rx_srtt / 4, 1);
}

static bool kcp_skip_waits(const struct kcp_engine *kcp,
			   const struct kcp_seg *seg)
{
	return kcp->cfg.reorder_tolerant && kcp->nsnd_buf >= KCP_THIN_STREAM &&
	       kcp_before(kcp->now, kcp_skip_due(kcp, seg));
}

/**
 * kcp_seg_skip_reason() - may ACKs that skipped a segment resend it early?
 * @kcp: the engine
 * @seg: a segment in flight, sent at least once
 *
 * Fast retransmit once cfg.resend ACKs for later segments arrived; early
 * retransmit (kcp-go's, after TCP's RFC 5827) once any did (even of a
 * segment sent in the same ms, see cfg.reorder_tolerant), when nothing
 * new is going out: the segment is most likely lost and no further ACKs
 * may come to trigger a fast retransmit. Both stop after cfg.fastlimit
 * transmissions, leaving the segment to its RTO, and with
 * cfg.reorder_tolerant both wait for kcp_skip_due().
 *
 * Return: KCP_XMIT_FAST, KCP_XMIT_EARLY (only if nothing new goes out), or
 * KCP_XMIT_NONE.
 */
enum kcp_xmit_reason kcp_seg_skip_reason(const struct kcp_engine *kcp,
					 const struct kcp_seg *seg)
{
	enum kcp_xmit_reason reason = kcp_skip_kind(kcp, seg);

	if (reason != KCP_XMIT_NONE && kcp_skip_waits(kcp, seg))
		return KCP_XMIT_NONE;
	return reason;
}

static enum kcp_xmit_reason kcp_xmit_reason(const struct kcp_engine *kcp,
					    const struct kcp_seg *seg,
					    unsigned int what, bool sending_new)
{
	enum kcp_xmit_reason reason;

	if (!seg->xmit)
		return KCP_XMIT_FIRST;
	if (!(what & KCP_FLUSH_RETRANSMIT))
		return KCP_XMIT_NONE;
	if (!kcp_before(kcp->now, seg->resendts))
		return KCP_XMIT_TIMEOUT;
	reason = kcp_seg_skip_reason(kcp, seg);
	/* early retransmit is a decision of the periodic flush */
	if (reason == KCP_XMIT_EARLY && (sending_new || !(what & KCP_FLUSH_TICK)))
		return KCP_XMIT_NONE;
	return reason;
}

/**
 * kcp_pending_clear() - forget the summary of what is in flight
 * @kcp: the engine, with nothing in flight or about to walk all of it
 */
void kcp_pending_clear(struct kcp_engine *kcp)
{
	kcp->rto_floor_valid = false;
	kcp->fast_pending = false;
	kcp->early_pending = false;
}

/**
 * kcp_note_skip() - record in the summary whether skipping ACKs made a
 * segment due for a fast or an early retransmit, or will make it due
 * @kcp: the engine, with the summary valid for what is in flight
 * @seg: a segment in flight
 *
 * A segment waiting out the reordering window lowers rto_floor to the
 * window's end, so that the engine wakes for it.
 *
 * Return: kcp_seg_skip_reason() of @seg.
 */
enum kcp_xmit_reason kcp_note_skip(struct kcp_engine *kcp,
				   const struct kcp_seg *seg)
{
	enum kcp_xmit_reason reason = kcp_skip_kind(kcp, seg);

	if (reason != KCP_XMIT_NONE && kcp_skip_waits(kcp, seg)) {
		u32 due = kcp_skip_due(kcp, seg);

		if (!kcp->rto_floor_valid || kcp_before(due, kcp->rto_floor))
			kcp->rto_floor = due;
		kcp->rto_floor_valid = true;
		return KCP_XMIT_NONE;
	}
	if (reason == KCP_XMIT_FAST)
		kcp->fast_pending = true;
	else if (reason == KCP_XMIT_EARLY)
		kcp->early_pending = true;
	return reason;
}

/* Fold a segment in flight into what kcp_engine_check() reads. */
static void kcp_note_pending(struct kcp_engine *kcp, const struct kcp_seg *seg)
{
	if (!kcp->rto_floor_valid || kcp_before(seg->resendts, kcp->rto_floor))
		kcp->rto_floor = seg->resendts;
	kcp->rto_floor_valid = true;
	kcp_note_skip(kcp, seg);
}

/*
 * cfg.thin_dup: a thin stream (a game's inputs, a shell's keystrokes)
 * sends each new segment twice. Its messages are too few for ACKs of later
 * ones to reveal a loss quickly: a lost one waits out an RTO or an early
 * retransmit, a round trip or more, where a copy costs a few dozen bytes.
 * With independent losses of rate p both are lost with p squared, so at
 * 5% one message in 400 waits instead of one in 20. The copy leaves in a
 * datagram of its own, after what the first went with.
 */
static bool kcp_thin_dup(const struct kcp_engine *kcp)
{
	return kcp->cfg.thin_dup && kcp->nsnd_buf < KCP_THIN_STREAM;
}

static void kcp_emit_copy(struct kcp_engine *kcp, const struct kcp_hdr *hdr,
			  const struct kcp_seg *seg)
{
	u8 *payload;

	kcp_flush_buffer(kcp);
	payload = kcp_emit(kcp, hdr);
	if (!payload)
		return;
	memcpy(payload, seg->data, seg->len);
	kcp->stats.thin_dups++;
	kcp_flush_buffer(kcp);
}

/* What one walk of the segments in flight did, for congestion control. */
struct kcp_walk {
	struct kcp_hdr hdr;
	u32 rtomin;		/* ikcp's grace of rto/8 on a first transmission */
	bool timeout;
	bool fast;
};

/*
 * (Re)transmit what is due among the segments from @seg on: to the end of
 * snd_buf, or with @skipped_only those sent before skip_end, the only ones
 * that ACKs can have made due for a fast or an early retransmit.
 */
static void kcp_walk_from(struct kcp_engine *kcp, struct kcp_seg *seg,
			  unsigned int what, bool sending_new, bool skipped_only,
			  struct kcp_walk *w)
{
	u8 *payload;

	list_for_each_entry_from(seg, &kcp->snd_buf, node) {
		enum kcp_xmit_reason reason;

		if (skipped_only &&
		    (!seg->xmit || !kcp_before(seg->sn, kcp->skip_end)))
			break;
		reason = kcp_xmit_reason(kcp, seg, what, sending_new);
		switch (reason) {
		case KCP_XMIT_NONE:
			kcp_note_pending(kcp, seg);
			continue;
		case KCP_XMIT_FIRST:
			seg->blind_xmit++;
			seg->rto = kcp->rx_rto;
			seg->resendts = kcp->now + seg->rto + w->rtomin;
			break;
		case KCP_XMIT_TIMEOUT:
			if (kcp_rto_hold(kcp, seg))
				continue;	/* not timed while held */
			seg->rto = kcp_rto_backoff(kcp, seg->rto);
			seg->resendts = kcp->now + seg->rto;
			seg->blind_xmit++;
			kcp->stats.retrans_timeout++;
			w->timeout = true;
			break;
		case KCP_XMIT_FAST:
		case KCP_XMIT_EARLY:
			/*
			 * ACKs of later segments prove the path delivers: the
			 * loss was not the path going dead, and the backoff of
			 * earlier timeouts ends (kcp-go does the same; TCP
			 * resets its backoff on the first ACK of new data).
			 */
			seg->rto = kcp->rx_rto;
			seg->fastack = 0;
			seg->skipped_close = false;
			seg->resendts = kcp->now + seg->rto;
			if (reason == KCP_XMIT_FAST)
				kcp->stats.retrans_fast++;
			else
				kcp->stats.retrans_early++;
			w->fast = true;
			break;
		}
		seg->xmit++;
		seg->last_reason = reason;
		seg->ts = kcp->now;
		w->hdr.cmd = seg->fin ? KCP_CMD_FIN : KCP_CMD_PUSH;
		w->hdr.frg = seg->frg;
		w->hdr.ts = seg->ts;
		w->hdr.sn = seg->sn;
		w->hdr.len = seg->len;
		payload = kcp_emit(kcp, &w->hdr);
		if (payload)
			memcpy(payload, seg->data, seg->len);
		if (reason == KCP_XMIT_FIRST && kcp_thin_dup(kcp))
			kcp_emit_copy(kcp, &w->hdr, seg);
		if (seg->blind_xmit >= kcp->cfg.dead_link)
			kcp->dead = true;
		kcp_note_pending(kcp, seg);
	}
}

/*
 * Transmit new segments (those from @first on) and retransmit those that
 * are due: with KCP_FLUSH_RETRANSMIT (the timer, the periodic flush) after
 * a walk of everything in flight, which makes the summary check() reads
 * exact; with KCP_FLUSH_FAST (ACKs skipped a segment enough) after a walk
 * of only the segments before skip_end, behind which a large window's
 * worth may be in flight. Not every ACK that lets a new segment out walks.
 */
static void kcp_flush_data(struct kcp_engine *kcp, struct kcp_seg *first,
			   unsigned int what)
{
	struct kcp_walk w = {
		.rtomin = kcp->cfg.nodelay ? 0 : kcp->rx_rto >> 3,
	};
	struct kcp_seg *front;

	front = list_first_entry_or_null(&kcp->snd_buf, struct kcp_seg, node);
	if (!front)
		return;
	kcp_hdr_prepare(kcp, &w.hdr, KCP_CMD_PUSH);
	if (what & KCP_FLUSH_RETRANSMIT) {
		kcp_pending_clear(kcp);
		kcp_walk_from(kcp, front, what, !!first, false, &w);
		kcp_rto_walked(kcp);
	} else {
		if (what & KCP_FLUSH_FAST) {
			/* all that skipping ACKs made due is before skip_end */
			kcp->fast_pending = false;
			kcp->early_pending = false;
			kcp_walk_from(kcp, front, what | KCP_FLUSH_RETRANSMIT,
				      !!first, true, &w);
		}
		if (first)
			kcp_walk_from(kcp, first, what, true, false, &w);
	}
	if (w.fast)
		kcp->cong->on_fast_retransmit(kcp);
	if (w.timeout)
		kcp->cong->on_timeout(kcp);
}

/**
 * kcp_flush() - put on the wire what @what allows and is due
 * @kcp: the engine
 * @what: KCP_FLUSH_* bits
 *
 * ACKs first, then window probes, then data: new segments as far as the
 * window allows and retransmissions of those whose RTO expired or that
 * enough ACKs skipped, packed into datagrams up to the MTU.
 */
void kcp_flush(struct kcp_engine *kcp, unsigned int what)
{
	struct kcp_seg *first = NULL;

	if (!kcp->updated)
		return;
	if (what & KCP_FLUSH_NEW)
		first = kcp_queue_to_flight(kcp);
	/* ACKs owed ride with new data even when they could have waited */
	if ((what & KCP_FLUSH_ACKS) || first)
		kcp_emit_acks(kcp);
	if (what & KCP_FLUSH_TICK)
		kcp_probe_schedule(kcp);
	if (what & KCP_FLUSH_ACKS)
		kcp_flush_probes(kcp);
	kcp_flush_data(kcp, first, what);
	kcp_flush_buffer(kcp);
}

/**
 * kcp_engine_ask_window() - send a window probe (WASK) now
 * @kcp: the engine
 *
 * Every KCP peer answers with its window (WINS): proof that it is alive,
 * for keepalive.
 */
void kcp_engine_ask_window(struct kcp_engine *kcp)
{
	kcp->probe |= KCP_PROBE_ASK;
	kcp_flush(kcp, KCP_FLUSH_ACKS);
}

/**
 * kcp_engine_flush() - put everything that is due on the wire, as at a tick
 * @kcp: the engine
 *
 * Normally kcp_engine_update() decides what goes when; a caller wanting
 * everything out now, as ikcp_flush() does, may call this.
 */
void kcp_engine_flush(struct kcp_engine *kcp)
{
	kcp_flush(kcp, KCP_FLUSH_ALL);
}
