/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * The KCP protocol engine: the ARQ state of one conversation.
 *
 * The engine knows nothing of sockets, UDP or clocks. Its caller feeds it
 * received datagrams (kcp_engine_input), application data (kcp_engine_send)
 * and the time in milliseconds, drains delivered data (kcp_engine_recv),
 * and calls kcp_engine_update() when kcp_engine_check() says so. Datagrams
 * leave through the output callback given at creation.
 *
 * Locking is the caller's: one engine must not be entered concurrently.
 * Nothing here sleeps, so the caller may hold a spinlock.
 *
 * The algorithms follow ikcp (skywind3000/kcp), the reference the wire
 * protocol is defined by; the code is our own. Where we depart from it the
 * comment says so.
 */
#ifndef _KCP_ENGINE_H
#define _KCP_ENGINE_H

#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/types.h>

struct kcp_engine;
struct kcp_cong_ops;

/* Defaults and bounds of the tunables, in ms, segments and bytes. */
enum {
	KCP_INTERVAL_MIN = 10,
	KCP_INTERVAL_DEFAULT = 100,
	KCP_INTERVAL_MAX = 5000,
	KCP_RTO_MIN_DEFAULT = 100,
	KCP_RTO_MIN_NODELAY = 30,
	KCP_RTO_INIT = 200,
	KCP_RTO_MAX = 60000,
	KCP_SND_WND_DEFAULT = 32,
	/* ikcp refuses a smaller receive window: a message may need 127 */
	KCP_RCV_WND_MIN = 128,
	KCP_RCV_WND_DEFAULT = 128,
	KCP_WND_MAX = 65535,		/* the wnd field is 16 bits */
	KCP_MTU_MIN = 50,
	KCP_MTU_DEFAULT = 1400,
	KCP_MTU_MAX = 9000,		/* jumbo frames */
	KCP_DEAD_LINK_DEFAULT = 20,
	KCP_DEAD_LINK_MAX = 1000,
	KCP_FASTLIMIT_DEFAULT = 5,
	KCP_RESEND_MAX = 1000,
	KCP_NODELAY_MAX = 2,
	KCP_MSG_FRAGMENTS_MAX = 127,	/* what every stock receiver can hold */
	KCP_PROBE_INIT = 5000,
	KCP_PROBE_LIMIT = 120000,
	KCP_SSTHRESH_INIT = 2,
	KCP_SSTHRESH_MIN = 2,
	KCP_ACK_DELAY_MAX = 500,	/* RFC 1122's bound on a delayed ACK */
	KCP_THIN_STREAM = 4,		/* segments in flight */
};

/**
 * struct kcp_config - every tunable of an engine
 * @nodelay: RTO backoff on timeout: 0 doubles it, 1 multiplies it by 1.5,
 *	2 adds half the current RTO estimate; nonzero also skips the rto/8
 *	grace ikcp adds to the first transmission
 * @interval: flush period in ms (KCP_INTERVAL_MIN..KCP_INTERVAL_MAX)
 * @resend: fast-retransmit a segment once this many ACKs have skipped it;
 *	0 turns fast retransmit off
 * @fastlimit: fast retransmits only while a segment has been sent at most
 *	this many times; 0 means no limit
 * @mtu: the largest datagram the engine emits, in bytes
 * @snd_wnd: send window, in segments
 * @rcv_wnd: receive window, in segments (at least KCP_RCV_WND_MIN)
 * @minrto: lower bound of the retransmission timeout, in ms
 * @dead_link: transmissions of one segment that no ACK prompted (the first
 *	and those on RTO expiry) after which the link is dead
 * @nc: no congestion control: the window is min(snd_wnd, remote window)
 * @stream: stream mode (a byte stream) rather than message mode
 * @ack_nodelay: send ACKs as soon as a datagram has been processed instead
 *	of at the next flush (kcp-go's option; not in ikcp)
 * @ack_delay: without @ack_nodelay, ACKs owed leave within this many ms
 *	(or at once for out-of-order data, or when a few are owed) rather
 *	than at the next flush; 0: at the flush, or with data (not in ikcp)
 * @early_retransmit: resend a segment that a later ACK skipped as soon as a
 *	flush has nothing new to send (kcp-go's; not in ikcp)
 * @write_delay: new data and retransmissions wait for the next periodic
 *	flush, as in ikcp (kcp-go's SetWriteDelay); otherwise they leave as
 *	soon as they are due
 * @pacing: spread a window of new segments over a round trip rather than
 *	send it in one burst (not in ikcp)
 * @reorder_tolerant: tell reordering from loss (not in ikcp): an ACK counts
 *	as skipping an earlier segment (for fast and early retransmit) only
 *	if the acked segment was sent in a later millisecond, and with
 *	KCP_THIN_STREAM segments or more in flight a skipped segment is
 *	resent only once its ACK is overdue by a quarter round trip (RACK);
 *	when RTOs expire, only the first segment is resent until an ACK
 *	tells a delay from a loss (frto.c, after F-RTO)
 * @thin_dup: while fewer than KCP_THIN_STREAM segments are in flight, each
 *	new segment leaves twice, in two datagrams, so that a thin stream's
 *	message survives one loss without waiting for a retransmission (not
 *	in ikcp; a stock peer takes the copy for a repeat and acknowledges it)
 * @rcv_limit: bytes of payload the receive side may hold (0: no limit);
 *	the advertised window shrinks as it fills
 */
struct kcp_config {
	u32 nodelay;
	u32 interval;
	u32 resend;
	u32 fastlimit;
	u32 mtu;
	u32 snd_wnd;
	u32 rcv_wnd;
	u32 minrto;
	u32 dead_link;
	bool nc;
	bool stream;
	bool ack_nodelay;
	bool early_retransmit;
	u32 ack_delay;
	bool write_delay;
	bool pacing;
	bool reorder_tolerant;
	bool thin_dup;
	u32 rcv_limit;
};

/**
 * struct kcp_stats - what an engine has done, for KCP_INFO and netlink
 * @in_pkts: datagrams given to kcp_engine_input()
 * @in_segs: segments accepted from them
 * @in_bytes: datagram bytes accepted
 * @in_errors: datagrams rejected or cut short (bad header, wrong conv)
 * @out_pkts: datagrams emitted
 * @out_segs: segments emitted, of every kind
 * @thin_dups: of those, second copies of a thin stream's data (thin_dup)
 * @out_bytes: datagram bytes emitted
 * @out_errors: segments not emitted for want of a datagram buffer
 * @retrans_timeout: retransmissions because the RTO expired
 * @retrans_fast: retransmissions because cfg.resend ACKs skipped the segment
 * @retrans_early: early retransmissions (cfg.early_retransmit)
 * @retrans_spurious_timeout: RTO retransmissions found needless: the ACK
 *	echoed the time of an earlier transmission (Eifel detection, RFC 3522)
 * @retrans_spurious_fast: fast and early retransmissions found needless
 * @rto_stalls: RTO expiries that F-RTO found were a stall, not a loss: the
 *	segments held behind the probe were not resent (frto.c)
 * @rto_losses: RTO expiries that F-RTO found were a loss: the held
 *	segments went
 * @invalid_segs: segments dropped as no peer's engine could send them:
 *	acknowledging what was never sent, or longer than the MSS
 * @repeat_segs: data segments received that were already received
 * @dropped_segs: data segments dropped for lack of window or memory
 */
struct kcp_stats {
	u64 in_pkts;
	u64 in_segs;
	u64 in_bytes;
	u64 in_errors;
	u64 out_pkts;
	u64 out_segs;
	u64 thin_dups;
	u64 out_bytes;
	u64 out_errors;
	u64 retrans_timeout;
	u64 retrans_fast;
	u64 retrans_early;
	u64 retrans_spurious_timeout;
	u64 retrans_spurious_fast;
	u64 rto_stalls;
	u64 rto_losses;
	u64 invalid_segs;
	u64 repeat_segs;
	u64 dropped_segs;
};

/**
 * typedef kcp_output_t - emit one datagram
 * @kcp: the engine
 * @buf: the datagram, valid only during the call
 * @len: its length, at most the configured MTU
 * @priv: the pointer given to kcp_engine_create()
 *
 * Return: 0 or a negative errno; a failed datagram counts as lost.
 */
typedef int (*kcp_output_t)(struct kcp_engine *kcp, const void *buf,
			    size_t len, void *priv);

/**
 * typedef kcp_alloc_t - room for the next datagram, where it will be sent from
 * @kcp: the engine
 * @size: bytes needed (the MTU)
 * @priv: the pointer given to kcp_engine_create()
 *
 * With one set (kcp_engine_set_alloc()), the engine builds each datagram
 * in place, in the buffer the caller will send (an skb), and @output
 * receives that buffer back. Nothing may sleep.
 *
 * Return: the buffer, or NULL: what would have gone in it is lost.
 */
typedef void *(*kcp_alloc_t)(struct kcp_engine *kcp, size_t size, void *priv);

/* Copy application data in (from a user buffer, an iov_iter, memory). */
typedef int (*kcp_copy_in_t)(void *dst, size_t len, void *from);
/* Copy delivered data out. */
typedef int (*kcp_copy_out_t)(void *to, const void *src, size_t len);

/**
 * struct kcp_reader - a reader present while the engine takes datagrams
 * @copy: copies the stream's next bytes out to it
 * @to: passed to @copy
 * @room: bytes it can still take
 * @copied: bytes it took
 * @err: the error of a failed @copy, after which it takes nothing more
 *
 * See kcp_engine_set_reader().
 */
struct kcp_reader {
	kcp_copy_out_t copy;
	void *to;
	size_t room;
	size_t copied;
	int err;
};

/* Probe flags: a window question or answer owed to the peer. */
enum {
	KCP_PROBE_ASK = 1 << 0,		/* send WASK */
	KCP_PROBE_TELL = 1 << 1,	/* send WINS */
};

/* What RTO expiry does (frto.c). */
enum kcp_rto_state {
	KCP_RTO_OPEN,		/* the next expired segment becomes the probe */
	KCP_RTO_PROBING,	/* the probe is out, the other expired are held */
	KCP_RTO_RELEASE,	/* it was lost: the held go at the next walk */
};

/**
 * struct kcp_engine - the state of one KCP conversation
 *
 * Sequence numbers and times wrap; compare them only with kcp_before().
 * Queues hold struct kcp_seg; each n* counter is its queue's length.
 * Every session has one, idle or not: it fits kmalloc-512 on 64-bit
 * (KCP_ENGINE_SIZE_MAX), which a field more or a hole could double.
 */
struct kcp_engine {
	struct kcp_config cfg;
	u32 conv;
	u32 mss;
	bool dead;
	bool updated;
	/*
	 * The peer speaks kcp.ko's extension: the stream ends with a FIN in
	 * sequence (each way), which a stock peer would not understand.
	 */
	bool ext;
	bool fin_queued;		/* ours is queued: nothing may follow */
	bool fin_rcvd;			/* theirs came, and all before it */

	/* Sender */
	u32 snd_una;
	u32 snd_nxt;
	u32 rmt_wnd;
	struct list_head snd_queue;	/* not yet sent */
	struct list_head snd_buf;	/* in flight, by sn */
	u32 nsnd_que;
	u32 nsnd_buf;
	u32 snd_mem;			/* memory held, segments included */
	u32 snd_bytes;			/* payload not yet acknowledged */
	/*
	 * snd_buf by sn, so that an ACK finds its segment in O(1) however
	 * much is in flight: slot sn % snd_slots holds the segment in flight
	 * with that sn, NULL once it is acknowledged. A power of two of
	 * slots, grown by kcp_snd_slots_reserve() as data is queued and
	 * freed by kcp_snd_slots_trim() when all of it is acknowledged; no
	 * more than snd_slots sequence numbers are in flight at once.
	 */
	struct kcp_seg **snd_slot;
	u32 snd_slots;
	/*
	 * So that kcp_engine_check() need not walk snd_buf: a lower bound of
	 * the earliest RTO deadline in flight, lowered by each transmission
	 * and made exact by each walk of snd_buf (a bound too low only wakes
	 * the engine early), and whether skipping ACKs made a segment due
	 * for a fast or an early retransmit.
	 */
	u32 rto_floor;
	bool rto_floor_valid;
	bool fast_pending;
	bool early_pending;
	/* frto.c: the segment resent when RTOs expired, the rest held */
	u8 rto_state;			/* enum kcp_rto_state */
	u32 rto_probe_sn;
	u32 rto_probe_ts;		/* its first retransmission */
	/*
	 * The newest sn ACKs acknowledged past others (kcp_count_skips()):
	 * only segments before it can be due for a fast or early retransmit.
	 */
	u32 skip_end;
	u64 pace_credit;		/* see kcp_pace_wait() */
	u32 pace_ts;

	/* Receiver */
	u32 rcv_nxt;
	struct list_head rcv_buf;	/* out of order, by sn */
	struct list_head rcv_queue;	/* in order, ready for the reader */
	u32 nrcv_buf;
	u32 nrcv_que;
	u32 rcv_mem;
	u32 rcv_ready;			/* payload bytes in rcv_queue, unread */
	struct kcp_reader *reader;	/* kcp_engine_set_reader() */

	/* ACKs owed: (sn, ts) pairs, sent at the next flush */
	u32 *acklist;
	u32 ackcount;
	u32 ackcap;
	u32 ack_since;			/* when the first of them was owed */
	bool ack_urgent;		/* out of order or repeated data came */

	/* RTT and RTO, ms */
	s32 rx_srtt;
	s32 rx_rttvar;
	u32 rx_rto;
	u32 rtt_latest;			/* the latest sample, for RACK */

	/* Congestion control state, owned by @cong */
	const struct kcp_cong_ops *cong;
	u32 cwnd;
	u32 ssthresh;
	u32 incr;

	/* Clock */
	u32 now;
	u32 ts_flush;

	/* Zero-window probing */
	u32 probe;
	u32 ts_probe;
	u32 probe_wait;

	/* Output: the datagram being built, in @buffer or from @alloc */
	u8 *buffer;
	u8 *dgram;
	u32 buffer_len;
	kcp_output_t output;
	kcp_alloc_t alloc;
	void *priv;

	struct kcp_stats stats;
};

/* Where the segment in flight with sequence number @sn is kept. */
static inline struct kcp_seg **kcp_snd_slot(const struct kcp_engine *kcp,
					    u32 sn)
{
	return &kcp->snd_slot[sn & (kcp->snd_slots - 1)];
}

/* See struct kcp_engine: a kmalloc size class, checked at build time. */
#define KCP_ENGINE_SIZE_MAX	512
static_assert(sizeof(void *) != 8 ||
	      sizeof(struct kcp_engine) <= KCP_ENGINE_SIZE_MAX);

/* True when sequence number or time @a comes before @b, across wraps. */
static inline bool kcp_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline s32 kcp_diff(u32 later, u32 earlier)
{
	return (s32)(later - earlier);
}

void kcp_config_init(struct kcp_config *cfg);
int kcp_config_validate(const struct kcp_config *cfg);

struct kcp_engine *kcp_engine_create(u32 conv, const struct kcp_config *cfg,
				     kcp_output_t output, void *priv,
				     gfp_t gfp);
void kcp_engine_destroy(struct kcp_engine *kcp);
void kcp_engine_purge_send(struct kcp_engine *kcp);
void kcp_engine_ask_window(struct kcp_engine *kcp);
void kcp_engine_set_alloc(struct kcp_engine *kcp, kcp_alloc_t alloc);
int kcp_engine_configure(struct kcp_engine *kcp,
			 const struct kcp_config *cfg, gfp_t gfp);

ssize_t kcp_engine_send(struct kcp_engine *kcp, size_t len,
			kcp_copy_in_t copy, void *from, gfp_t gfp);
ssize_t kcp_engine_send_buf(struct kcp_engine *kcp, const void *buf,
			    size_t len, gfp_t gfp);
int kcp_engine_send_fin(struct kcp_engine *kcp, gfp_t gfp);
bool kcp_engine_fin_acked(const struct kcp_engine *kcp);

/* Flags of kcp_engine_recv() */
enum {
	KCP_RECV_PEEK = 1 << 0,		/* copy without consuming */
};

ssize_t kcp_engine_recv(struct kcp_engine *kcp, size_t len,
			kcp_copy_out_t copy, void *to, unsigned int flags,
			size_t *msg_len);
ssize_t kcp_engine_recv_buf(struct kcp_engine *kcp, void *buf, size_t len);
void kcp_engine_set_reader(struct kcp_engine *kcp, struct kcp_reader *reader);
int kcp_copy_to_mem(void *to, const void *src, size_t len);
ssize_t kcp_engine_peeksize(const struct kcp_engine *kcp);

int kcp_engine_input(struct kcp_engine *kcp, const void *data, size_t len,
		     u32 now, gfp_t gfp);
void kcp_engine_update(struct kcp_engine *kcp, u32 now);
void kcp_engine_rtt_hint(struct kcp_engine *kcp, u32 rtt);
void kcp_engine_flush(struct kcp_engine *kcp);
void kcp_engine_flush_acks(struct kcp_engine *kcp);
bool kcp_engine_check(const struct kcp_engine *kcp, u32 now, u32 *when);

u32 kcp_engine_wnd_unused(const struct kcp_engine *kcp);
u32 kcp_engine_send_window(const struct kcp_engine *kcp);
bool kcp_engine_send_window_open(const struct kcp_engine *kcp);
u32 kcp_engine_waitsnd(const struct kcp_engine *kcp);
int kcp_snd_slots_reserve(struct kcp_engine *kcp, u32 more, gfp_t gfp);
void kcp_snd_slots_trim(struct kcp_engine *kcp);
u32 kcp_pace_wait(const struct kcp_engine *kcp, u32 now);

#endif /* _KCP_ENGINE_H */
