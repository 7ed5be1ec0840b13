// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The receive path: datagrams from the peer (kcp_engine_input), which carry
 * data for our reader and ACKs for our sender. The reader's side is in
 * deliver.c.
 *
 * Input is hostile by assumption. Every header is validated before use,
 * data is accepted only inside the receive window and within cfg.rcv_limit,
 * ACKs only for what is in flight, and the ACK list has a fixed size, so a
 * peer can make the engine hold at most rcv_wnd segments and one ACK list.
 */
#include <linux/errno.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cong.h"
#include "engine.h"
#include "segment.h"
#include "wire.h"

/* ACKs owed between two flushes; a full list is sent at once. */
#define KCP_ACKLIST_MIN	8
#define KCP_ACKLIST_MAX	256
/* With cfg.ack_delay: this many owed go at once (TCP acks every other) */
#define KCP_ACK_BATCH	4

/**
 * kcp_engine_wnd_unused() - the receive window we advertise, in segments
 * @kcp: the engine
 *
 * Return: free slots of the receive queue, further limited by the bytes
 * left under cfg.rcv_limit, so a slow reader closes the window before the
 * engine holds more than its limit.
 */
u32 kcp_engine_wnd_unused(const struct kcp_engine *kcp)
{
	u32 wnd = kcp->nrcv_que < kcp->cfg.rcv_wnd ?
		  kcp->cfg.rcv_wnd - kcp->nrcv_que : 0;

	if (kcp->cfg.rcv_limit) {
		u32 room = kcp->rcv_mem < kcp->cfg.rcv_limit ?
			   kcp->cfg.rcv_limit - kcp->rcv_mem : 0;

		wnd = min_t(u32, wnd, room / (sizeof(struct kcp_seg) + kcp->mss));
	}
	return min_t(u32, wnd, KCP_WND_MAX);
}

/* RTT estimation as in RFC 6298, with ikcp's constants. */
static void kcp_rtt_sample(struct kcp_engine *kcp, u32 rtt)
{
	s32 r = min_t(u32, rtt, KCP_RTO_MAX);
	u32 rto;

	kcp->rtt_latest = r;
	if (!kcp->rx_srtt) {
		kcp->rx_srtt = r;
		kcp->rx_rttvar = r / 2;
	} else {
		s32 delta = abs(r - kcp->rx_srtt);

		kcp->rx_rttvar = (3 * kcp->rx_rttvar + delta) / 4;
		kcp->rx_srtt = max((7 * kcp->rx_srtt + r) / 8, 1);
	}
	rto = kcp->rx_srtt + max_t(u32, kcp->cfg.interval, 4 * kcp->rx_rttvar);
	kcp->rx_rto = clamp_t(u32, rto, kcp->cfg.minrto, KCP_RTO_MAX);
}

/**
 * kcp_engine_rtt_hint() - a round-trip time measured outside the engine
 * @kcp: an engine that has no sample yet (else the hint is ignored)
 * @rtt: the time, in ms (a handshake's)
 */
void kcp_engine_rtt_hint(struct kcp_engine *kcp, u32 rtt)
{
	if (!kcp->rx_srtt)
		kcp_rtt_sample(kcp, rtt);
}

static void kcp_snd_free(struct kcp_engine *kcp, struct kcp_seg *seg)
{
	*kcp_snd_slot(kcp, seg->sn) = NULL;
	list_del(&seg->node);
	kcp->nsnd_buf--;
	kcp->snd_mem -= kcp_seg_mem(seg);
	kcp->snd_bytes -= seg->len;
	kcp_seg_free(seg);
	if (!kcp->nsnd_buf)
		kcp_pending_clear(kcp);
	if (!kcp->nsnd_buf && !kcp->nsnd_que)
		kcp_snd_slots_trim(kcp);
}

/* snd_una is the oldest sn in flight, or snd_nxt when none is. */
static void kcp_update_una(struct kcp_engine *kcp)
{
	struct kcp_seg *seg;

	seg = list_first_entry_or_null(&kcp->snd_buf, struct kcp_seg, node);
	kcp->snd_una = seg ? seg->sn : kcp->snd_nxt;
}

/* The peer has everything before @una. */
static void kcp_ack_una(struct kcp_engine *kcp, u32 una)
{
	struct kcp_seg *seg, *tmp;

	list_for_each_entry_safe(seg, tmp, &kcp->snd_buf, node) {
		if (!kcp_before(seg->sn, una))
			break;
		if (kcp->rto_state == KCP_RTO_PROBING)
			kcp_rto_acked(kcp, seg, 0, false);
		kcp_snd_free(kcp, seg);
	}
	kcp_update_una(kcp);
	kcp_rto_una(kcp);
}

/*
 * Was the latest retransmission of @seg needed? An ACK echoes the time of
 * the transmission it answers: an earlier one's means the original got
 * there and the retransmission was spurious (Eifel detection, RFC 3522;
 * two sent in the same ms cannot be told apart). Counted for KCP_INFO: how
 * often loss recovery mistook delay or reordering for loss.
 */
static void kcp_judge_retransmit(struct kcp_engine *kcp,
				 const struct kcp_seg *seg, u32 ts)
{
	if (seg->xmit < 2 || ts == seg->ts)
		return;
	if (seg->last_reason == KCP_XMIT_TIMEOUT)
		kcp->stats.retrans_spurious_timeout++;
	else
		kcp->stats.retrans_spurious_fast++;
}

/* The peer has segment @sn, sent at @ts. */
static void kcp_ack_sn(struct kcp_engine *kcp, u32 sn, u32 ts)
{
	struct kcp_seg *seg;

	if (kcp_before(sn, kcp->snd_una) || !kcp_before(sn, kcp->snd_nxt))
		return;
	seg = *kcp_snd_slot(kcp, sn);
	if (!seg)
		return;			/* acknowledged before */
	kcp_judge_retransmit(kcp, seg, ts);
	if (kcp->rto_state == KCP_RTO_PROBING)
		kcp_rto_acked(kcp, seg, ts, true);
	kcp_snd_free(kcp, seg);
	kcp_update_una(kcp);
}

/*
 * Segments older than the newest one acked were skipped once more.
 * Return: whether one of them is now due for a fast retransmit.
 */
static bool kcp_count_skips(struct kcp_engine *kcp, u32 maxack, u32 maxack_ts)
{
	struct kcp_seg *seg;
	bool fast = false;

	if (kcp_before(maxack, kcp->snd_una) || !kcp_before(maxack, kcp->snd_nxt))
		return false;
	/* the newest; one outside what is in flight is from long ago */
	if (kcp_before(kcp->skip_end, maxack) ||
	    kcp_before(kcp->skip_end, kcp->snd_una) ||
	    kcp_before(kcp->snd_nxt, kcp->skip_end))
		kcp->skip_end = maxack;
	list_for_each_entry(seg, &kcp->snd_buf, node) {
		if (!kcp_before(seg->sn, maxack))
			break;
		/*
		 * cfg.reorder_tolerant: only a segment sent in a later ms
		 * counts towards a fast retransmit of this one; one sent in
		 * the same ms only makes it a candidate for early retransmit
		 * at the next tick. Datagrams sent together from two CPUs can
		 * cross (a veth, a multi-queue NIC) and arrive reordered,
		 * which stock KCP takes for loss and resends at once.
		 */
		if (kcp->cfg.reorder_tolerant && !kcp_before(seg->ts, maxack_ts))
			seg->skipped_close = true;
		else
			seg->fastack++;
		if (kcp_note_skip(kcp, seg) == KCP_XMIT_FAST)
			fast = true;
	}
	return fast;
}

/* Remember to acknowledge (sn, ts); a full list goes out at once. */
static void kcp_ack_push(struct kcp_engine *kcp, u32 sn, u32 ts, gfp_t gfp)
{
	/*
	 * The list starts small and doubles up to KCP_ACKLIST_MAX as a burst
	 * needs it: ACKs usually leave with each datagram, and an idle
	 * session should not hold 2 KiB for a list that is empty.
	 */
	if (kcp->ackcount == kcp->ackcap && kcp->ackcap < KCP_ACKLIST_MAX) {
		u32 cap = kcp->ackcap ? 2 * kcp->ackcap : KCP_ACKLIST_MIN;
		u32 *list = krealloc(kcp->acklist, 2 * cap * sizeof(u32), gfp);

		if (list) {
			kcp->acklist = list;
			kcp->ackcap = cap;
		}
	}
	if (!kcp->ackcap)
		return;		/* no memory: the peer will retransmit */
	if (kcp->ackcount == kcp->ackcap)
		kcp_engine_flush_acks(kcp);
	kcp->acklist[2 * kcp->ackcount] = sn;
	kcp->acklist[2 * kcp->ackcount + 1] = ts;
	kcp->ackcount++;
}

/*
 * Whether the ACKs owed leave with this datagram's processing: always with
 * cfg.ack_nodelay; with cfg.ack_delay, once KCP_ACK_BATCH are owed or one
 * is urgent (data out of order or repeated: the sender's fast retransmit
 * waits on it); otherwise they wait (kcp_engine_check() says how long).
 */
static bool kcp_acks_now(const struct kcp_engine *kcp)
{
	if (kcp->cfg.ack_nodelay)
		return true;
	return kcp->cfg.ack_delay &&
	       (kcp->ack_urgent || kcp->ackcount >= KCP_ACK_BATCH);
}

/*
 * The peer's FIN is next in order: everything before it is in the reader's
 * queue, and nothing after it can be data (a peer sending past its own end
 * is hostile), so what else the buffer holds goes.
 */
static void kcp_rcv_fin(struct kcp_engine *kcp, struct kcp_seg *seg)
{
	list_del(&seg->node);
	kcp->nrcv_buf--;
	kcp->rcv_mem -= kcp_seg_mem(seg);
	kcp_seg_free(seg);
	kcp->rcv_nxt++;
	kcp->fin_rcvd = true;
	kcp->rcv_mem -= kcp_seg_purge(&kcp->rcv_buf);
	kcp->nrcv_buf = 0;
}

/* Move the in-order head of the receive buffer to the reader's queue. */
void kcp_rcv_promote(struct kcp_engine *kcp)
{
	struct kcp_seg *seg, *tmp;

	list_for_each_entry_safe(seg, tmp, &kcp->rcv_buf, node) {
		if (seg->sn != kcp->rcv_nxt || kcp->nrcv_que >= kcp->cfg.rcv_wnd)
			break;
		if (seg->fin) {
			kcp_rcv_fin(kcp, seg);
			break;
		}
		list_move_tail(&seg->node, &kcp->rcv_queue);
		kcp->nrcv_buf--;
		kcp->nrcv_que++;
		kcp->rcv_ready += seg->len;
		kcp->rcv_nxt++;
	}
}

/*
 * Whether to take a data segment of @len bytes. Beyond cfg.rcv_limit only
 * the next in-order segment is taken, and only while the reader has nothing
 * to read: without it, a receive buffer full of out-of-order data would
 * wait forever for the one segment that lets the reader drain it.
 */
static bool kcp_rcv_room(const struct kcp_engine *kcp, u32 sn, u32 len);

/*
 * A message of @frg + 1 fragments fits the receive window and, full-sized,
 * the receive buffer: a peer cannot make the reader's one incomplete
 * message hold more than that.
 */
static bool kcp_message_fits(const struct kcp_engine *kcp, u8 frg)
{
	u32 most = sizeof(struct kcp_seg) + kcp->mss;

	if (frg >= kcp->cfg.rcv_wnd)
		return false;
	return !kcp->cfg.rcv_limit || (frg + 1) * most <= kcp->cfg.rcv_limit;
}

static bool kcp_rcv_room(const struct kcp_engine *kcp, u32 sn, u32 len)
{
	u32 mem = sizeof(struct kcp_seg) + len;

	if (!kcp->cfg.rcv_limit || kcp->rcv_mem + mem <= kcp->cfg.rcv_limit)
		return true;
	return sn == kcp->rcv_nxt && kcp_engine_peeksize(kcp) < 0;
}

/*
 * The stream's next bytes go straight to a reader that is present and has
 * room for them and for what its queue holds, which it takes first
 * (kcp_engine_set_reader()). Return: whether they went.
 */
static bool kcp_rcv_direct(struct kcp_engine *kcp, const struct kcp_hdr *hdr,
			   const u8 *payload)
{
	struct kcp_reader *reader = kcp->reader;
	int err;

	if (!reader || reader->err || hdr->cmd != KCP_CMD_PUSH ||
	    hdr->sn != kcp->rcv_nxt || !kcp_reader_drain(kcp, hdr->len))
		return false;
	if (hdr->len) {
		err = reader->copy(reader->to, payload, hdr->len);
		if (err) {
			/* it is queued instead: nothing is lost */
			reader->err = err;
			return false;
		}
	}
	reader->room -= hdr->len;
	reader->copied += hdr->len;
	kcp->rcv_nxt++;
	return true;
}

/*
 * Where segment @sn (not before rcv_nxt) goes in rcv_buf: after the node
 * returned, or NULL when it is there already. The walk starts from the
 * end nearer in sn: data in order goes at the tail, and a retransmission
 * usually fills the oldest hole, near the head, so neither walks what a
 * large window holds behind a hole. A peer choosing its holes can make a
 * walk at most half the segments held.
 */
static struct list_head *kcp_rcv_place(struct kcp_engine *kcp, u32 sn)
{
	struct kcp_seg *pos, *last;

	if (list_empty(&kcp->rcv_buf))
		return &kcp->rcv_buf;
	last = list_last_entry(&kcp->rcv_buf, struct kcp_seg, node);
	if (kcp_before(last->sn, sn))
		return &last->node;
	if (sn - kcp->rcv_nxt < last->sn - sn) {
		list_for_each_entry(pos, &kcp->rcv_buf, node) {
			if (pos->sn == sn)
				return NULL;
			if (kcp_before(sn, pos->sn))
				return pos->node.prev;
		}
	}
	list_for_each_entry_reverse(pos, &kcp->rcv_buf, node) {
		if (pos->sn == sn)
			return NULL;
		if (kcp_before(pos->sn, sn))
			return &pos->node;
	}
	return &kcp->rcv_buf;
}

static void kcp_input_push(struct kcp_engine *kcp, const struct kcp_hdr *hdr,
			   const u8 *payload, gfp_t gfp)
{
	struct list_head *at;
	struct kcp_seg *seg;

	if (!kcp_before(hdr->sn, kcp->rcv_nxt + kcp->cfg.rcv_wnd)) {
		kcp->stats.dropped_segs++;
		return;
	}
	if (kcp_before(hdr->sn, kcp->rcv_nxt))
		goto repeat;
	if (kcp->fin_rcvd) {
		kcp->stats.invalid_segs++;	/* past the end of the stream */
		return;
	}
	/* out of order: a gap the sender should hear of at once */
	if (hdr->sn != kcp->rcv_nxt)
		kcp->ack_urgent = true;

	at = kcp_rcv_place(kcp, hdr->sn);
	if (!at)
		goto repeat;

	if (kcp_rcv_direct(kcp, hdr, payload)) {
		kcp_ack_push(kcp, hdr->sn, hdr->ts, gfp);
		kcp_rcv_promote(kcp);
		return;
	}

	/* A message with this many fragments could never be delivered. */
	if ((!kcp->cfg.stream && !kcp_message_fits(kcp, hdr->frg)) ||
	    !kcp_rcv_room(kcp, hdr->sn, hdr->len)) {
		kcp->stats.dropped_segs++;
		return;
	}
	seg = kcp_seg_alloc(hdr->len, gfp);
	if (!seg) {
		kcp->stats.dropped_segs++;
		return;			/* unacked: the peer will resend it */
	}
	seg->sn = hdr->sn;
	seg->ts = hdr->ts;
	seg->frg = hdr->frg;
	seg->fin = hdr->cmd == KCP_CMD_FIN;
	seg->len = hdr->len;
	memcpy(seg->data, payload, hdr->len);
	list_add(&seg->node, at);
	kcp->nrcv_buf++;
	kcp->rcv_mem += kcp_seg_mem(seg);

	kcp_ack_push(kcp, hdr->sn, hdr->ts, gfp);
	kcp_rcv_promote(kcp);
	return;

repeat:
	/* Our ACK may have been lost: acknowledge it again, at once. */
	kcp->stats.repeat_segs++;
	kcp->ack_urgent = true;
	kcp_ack_push(kcp, hdr->sn, hdr->ts, gfp);
}

/*
 * RFC 5961's reasoning for TCP, applied to KCP: a segment that acknowledges
 * what was never sent (una, or an ACK's sn, at or beyond snd_nxt: una may
 * equal it) or carries more than a segment can (the MSS, so the same MTU
 * on both sides) cannot come from our peer's engine. Nor can one whose
 * una lags snd_una by more than a send window (TCP's SND.UNA - MAX.SND.WND
 * bound: only a datagram delayed past a window's worth of ACKs would), or
 * data more than a receive window behind rcv_nxt (the peer never has
 * anything older in flight: we advertise at most rcv_wnd). It is dropped
 * whole, its window unused, and counted: one forged datagram with the
 * right conv must not free data in flight, stall the sender, pin memory
 * or draw ACKs of what nobody sent.
 */
static bool kcp_seg_acceptable(const struct kcp_engine *kcp,
			       const struct kcp_hdr *hdr)
{
	if (kcp_before(kcp->snd_nxt, hdr->una) || hdr->len > kcp->mss ||
	    kcp_before(hdr->una, kcp->snd_una - kcp->cfg.snd_wnd))
		return false;
	if ((hdr->cmd == KCP_CMD_PUSH || hdr->cmd == KCP_CMD_FIN) &&
	    kcp_before(hdr->sn, kcp->rcv_nxt - kcp->cfg.rcv_wnd))
		return false;
	/* a FIN is empty, and only a peer that negotiated it sends one */
	if (hdr->cmd == KCP_CMD_FIN && (!kcp->ext || hdr->len || hdr->frg))
		return false;
	return hdr->cmd != KCP_CMD_ACK || kcp_before(hdr->sn, kcp->snd_nxt);
}

/**
 * kcp_engine_input() - process one datagram from the peer
 * @kcp: the engine
 * @data: the datagram: one or more segments
 * @len: its length
 * @now: the current time in ms (for RTT samples)
 * @gfp: allocation flags
 *
 * Segments before a malformed one are processed; the rest of the datagram
 * is dropped, as ikcp does.
 *
 * Return: 0; -EBADMSG for a truncated header or payload; -EPROTO for an
 * unknown command or a segment of another conversation.
 */
int kcp_engine_input(struct kcp_engine *kcp, const void *data, size_t len,
		     u32 now, gfp_t gfp)
{
	unsigned int what = KCP_FLUSH_NEW;
	u32 prev_una = kcp->snd_una, maxack = 0, maxack_ts = 0;
	u32 acks_owed = kcp->ackcount;
	size_t total = len;
	bool acked = false;
	const u8 *p = data;
	struct kcp_hdr hdr;
	int err = 0;

	kcp->stats.in_pkts++;
	if (len < KCP_HDR_LEN)
		err = -EBADMSG;
	/* the reordering window (kcp_skip_due()) is judged at this time */
	if (kcp->updated && !kcp_before(now, kcp->now))
		kcp->now = now;

	while (!err && len >= KCP_HDR_LEN) {
		err = kcp_hdr_decode(&hdr, p, len);
		if (err)
			break;
		if (hdr.conv != kcp->conv) {
			err = -EPROTO;
			break;
		}
		p += KCP_HDR_LEN + hdr.len;
		len -= KCP_HDR_LEN + hdr.len;
		if (kcp_cmd_control(hdr.cmd))
			continue;	/* the session's (handshake.c), not ours */
		if (!kcp_seg_acceptable(kcp, &hdr)) {
			kcp->stats.invalid_segs++;
			continue;
		}

		kcp->rmt_wnd = hdr.wnd;

		switch (hdr.cmd) {
		case KCP_CMD_ACK:
			if (!kcp_before(now, hdr.ts))
				kcp_rtt_sample(kcp, now - hdr.ts);
			kcp_ack_sn(kcp, hdr.sn, hdr.ts);
			if (!acked || kcp_before(maxack, hdr.sn)) {
				maxack = hdr.sn;
				maxack_ts = hdr.ts;
			}
			acked = true;
			break;
		case KCP_CMD_PUSH:
		case KCP_CMD_FIN:
			kcp_input_push(kcp, &hdr, p - hdr.len, gfp);
			break;
		case KCP_CMD_WASK:
			kcp->probe |= KCP_PROBE_TELL;
			break;
		case KCP_CMD_WINS:
			break;
		}
		/* after an ACK's own sn, which kcp_judge_retransmit() reads */
		kcp_ack_una(kcp, hdr.una);
		kcp->stats.in_segs++;
	}

	if (acked && kcp_count_skips(kcp, maxack, maxack_ts))
		what |= KCP_FLUSH_FAST;
	if (kcp_before(prev_una, kcp->snd_una))
		kcp->cong->on_ack(kcp, kcp->snd_una - prev_una);

	/*
	 * Answer now rather than later when cfg.ack_nodelay (kcp-go's "ACK no
	 * delay") or cfg.ack_delay says so, and unless cfg.write_delay holds data
	 * for the tick, send what the window now lets out and what skipping
	 * ACKs made due for a fast retransmit. What else is due waits for
	 * kcp_engine_update(): only a fast retransmit walks the segments in
	 * flight, not every ACK.
	 */
	if (kcp->ackcount && !acks_owed)
		kcp->ack_since = now;
	if (kcp->ackcount && kcp_acks_now(kcp))
		what |= KCP_FLUSH_ACKS;
	what &= kcp_flush_between_ticks(&kcp->cfg);
	if (what && kcp->updated)
		kcp_flush(kcp, what);

	if (err)
		kcp->stats.in_errors++;
	else
		kcp->stats.in_bytes += total;
	return err;
}
