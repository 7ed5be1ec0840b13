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
 * @len: payload bytes
 * @cap: payload bytes allocated (stream mode fills segments up to mss)
 * @head: payload bytes already consumed by the reader (stream mode)
 * @frg: fragments of the same message that follow it (message mode)
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

struct kcp_engine;
enum kcp_xmit_reason kcp_seg_skip_reason(const struct kcp_engine *kcp,
					 const struct kcp_seg *seg);

static inline struct kcp_seg *kcp_seg_alloc(u32 cap, gfp_t gfp)
{
	struct kcp_seg *seg = kmalloc(sizeof(*seg) + cap, gfp);

	if (seg) {
		memset(seg, 0, sizeof(*seg));
		seg->cap = cap;
	}
	return seg;
}

/* Unlink and free every segment of @list; returns the payload bytes freed. */
static inline u32 kcp_seg_purge(struct list_head *list)
{
	struct kcp_seg *seg, *tmp;
	u32 bytes = 0;

	list_for_each_entry_safe(seg, tmp, list, node) {
		list_del(&seg->node);
		bytes += seg->cap;
		kfree(seg);
	}
	return bytes;
}

#endif /* _KCP_SEGMENT_H */
