/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * A KCP data segment as the engine holds it, in its send and receive
 * queues. The payload follows the struct in the same allocation.
 */
#ifndef _KCP_SEGMENT_H
#define _KCP_SEGMENT_H

#include <linux/list.h>
#include <linux/slab.h>
#include <linux/types.h>

/**
 * struct kcp_seg - a data segment
 * @node: link in one of the engine's four queues
 * @sn: sequence number
 * @ts: time of the latest transmission (send side) or as received
 * @resendts: when it is due for retransmission
 * @rto: its own retransmission timeout, backed off on each timeout
 * @fastack: ACKs for later segments received since it was last sent
 * @xmit: transmissions so far
 * @blind_xmit: transmissions no ACK prompted: the first and each on RTO
 *	expiry (cfg.dead_link counts these: fast and early retransmits
 *	happen only while ACKs arrive, so they say the link is alive)
 * @len: payload bytes
 * @cap: payload bytes allocated (stream mode fills segments up to mss)
 * @head: payload bytes already consumed by the reader (stream mode)
 * @frg: fragments of the same message that follow it (message mode)
 * @skipped_close: acknowledged past by a segment sent in the same ms
 *	(cfg.reorder_tolerant), so only an early retransmit candidate
 * @last_reason: enum kcp_xmit_reason of the latest transmission
 * @fin: the end of the stream (KCP_CMD_FIN), no payload
 * @cached: allocated from kcp_seg_cache
 * @data: the payload
 */
struct kcp_seg {
	struct list_head node;
	u32 sn;
	u32 ts;
	u32 resendts;
	u32 rto;
	u32 fastack;
	u32 xmit;
	u32 len;
	u32 cap;
	u32 head;
	u8 frg;
	u8 skipped_close:1;
	u8 last_reason:3;
	u8 fin:1;
	u8 cached:1;
	u16 blind_xmit;
	u8 data[];
};

/* Why a flush (re)transmits a segment in flight. */
enum kcp_xmit_reason {
	KCP_XMIT_NONE,
	KCP_XMIT_FIRST,
	KCP_XMIT_TIMEOUT,
	KCP_XMIT_FAST,
	KCP_XMIT_EARLY,
};

/* What a flush may put on the wire (kcp_flush). */
enum {
	KCP_FLUSH_ACKS = 1 << 0,	/* ACKs owed and window answers */
	KCP_FLUSH_NEW = 1 << 1,		/* segments never sent, within the window */
	KCP_FLUSH_RETRANSMIT = 1 << 2,	/* RTO expiries and fast retransmits */
	/* the periodic part: early retransmit, window probing */
	KCP_FLUSH_TICK = 1 << 3,
	/* retransmits ACKs made due: a walk of the segments before skip_end */
	KCP_FLUSH_FAST = 1 << 4,
	KCP_FLUSH_ALL = KCP_FLUSH_ACKS | KCP_FLUSH_NEW | KCP_FLUSH_RETRANSMIT |
			KCP_FLUSH_TICK,
};

struct kcp_engine;
enum kcp_xmit_reason kcp_seg_skip_reason(const struct kcp_engine *kcp,
					 const struct kcp_seg *seg);
enum kcp_xmit_reason kcp_note_skip(struct kcp_engine *kcp,
				   const struct kcp_seg *seg);
void kcp_pending_clear(struct kcp_engine *kcp);
struct kcp_config;
void kcp_flush(struct kcp_engine *kcp, unsigned int what);
void kcp_rcv_promote(struct kcp_engine *kcp);
bool kcp_reader_drain(struct kcp_engine *kcp, u32 more);
bool kcp_rto_hold(struct kcp_engine *kcp, const struct kcp_seg *seg);
void kcp_rto_walked(struct kcp_engine *kcp);
void kcp_rto_acked(struct kcp_engine *kcp, const struct kcp_seg *seg, u32 ts,
		   bool by_ack);
void kcp_rto_una(struct kcp_engine *kcp);
unsigned int kcp_flush_between_ticks(const struct kcp_config *cfg);

/*
 * Most segments carry a full datagram's payload, 1376 bytes at the default
 * MTU: kmalloc would take 2 KiB for each, all of it zeroed when allocated
 * (init_on_alloc), a third of it unaccounted for in kcp_seg_mem(). Those
 * kmalloc would round up to 2 KiB and of at most KCP_SEG_CACHE_CAP bytes
 * come from a cache of that size instead (kcp_seg_cache_init(), the
 * module's); without it (the engine built for KUnit or userspace) all
 * come from kmalloc.
 */
#define KCP_SEG_CACHE_CAP	1376

#ifdef __KERNEL__
extern struct kmem_cache *kcp_seg_cache;
int kcp_seg_cache_init(void);
void kcp_seg_cache_exit(void);

static inline bool kcp_seg_cache_fits(u32 cap)
{
	return kcp_seg_cache && sizeof(struct kcp_seg) + cap > 1024 &&
	       cap <= KCP_SEG_CACHE_CAP;
}

static inline struct kcp_seg *kcp_seg_cache_alloc(gfp_t gfp)
{
	return kmem_cache_alloc(kcp_seg_cache, gfp);
}

static inline void kcp_seg_cache_free(struct kcp_seg *seg)
{
	kmem_cache_free(kcp_seg_cache, seg);
}
#else
/* The userspace builds have no slab caches: never chosen. */
static inline bool kcp_seg_cache_fits(u32 cap)
{
	return false;
}

static inline struct kcp_seg *kcp_seg_cache_alloc(gfp_t gfp)
{
	return NULL;
}

static inline void kcp_seg_cache_free(struct kcp_seg *seg)
{
}
#endif

static inline struct kcp_seg *kcp_seg_alloc(u32 cap, gfp_t gfp)
{
	bool cached = kcp_seg_cache_fits(cap);
	struct kcp_seg *seg;

	seg = cached ? kcp_seg_cache_alloc(gfp) :
		       kmalloc(sizeof(*seg) + cap, gfp);
	if (seg) {
		memset(seg, 0, sizeof(*seg));
		seg->cap = cap;
		seg->cached = cached;
	}
	return seg;
}

static inline void kcp_seg_free(struct kcp_seg *seg)
{
	if (seg->cached)
		kcp_seg_cache_free(seg);
	else
		kfree(seg);
}

/*
 * What a segment costs the socket that holds it: its payload room and the
 * struct around it, so that an empty or one-byte message is not free.
 */
static inline u32 kcp_seg_mem(const struct kcp_seg *seg)
{
	return sizeof(*seg) + (seg->cached ? KCP_SEG_CACHE_CAP : seg->cap);
}

/* Unlink and free every segment of @list; returns the memory freed. */
static inline u32 kcp_seg_purge(struct list_head *list)
{
	struct kcp_seg *seg, *tmp;
	u32 bytes = 0;

	list_for_each_entry_safe(seg, tmp, list, node) {
		list_del(&seg->node);
		bytes += kcp_seg_mem(seg);
		kcp_seg_free(seg);
	}
	return bytes;
}

#endif /* _KCP_SEGMENT_H */
