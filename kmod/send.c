// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The send path's first half: application data cut into segments
 * (kcp_engine_send) and the end of the stream (kcp_engine_send_fin), queued
 * until the flush (flush.c) puts them on the wire.
 */
#include <linux/errno.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cong.h"
#include "engine.h"
#include "segment.h"
#include "wire.h"

/* An engine that sends at all can have this many segments in flight. */
#define KCP_SND_SLOTS_MIN	8

/**
 * kcp_snd_slots_reserve() - room in snd_slot for what will be in flight
 * @kcp: the engine
 * @more: segments about to be queued
 * @gfp: allocation flags
 *
 * The slots cover what is in flight, what is queued and @more, up to
 * cfg.snd_wnd: the window never finds them short unless this failed.
 * They grow only here, where data is queued, from process context in the
 * module, so that a flush in softirq never allocates them; once nothing
 * is queued or in flight, kcp_snd_slots_trim() frees more than a thin
 * stream needs.
 *
 * Return: 0, also when larger slots could not be had but some exist (the
 * flight stays within them); -ENOMEM when there are none.
 */
int kcp_snd_slots_reserve(struct kcp_engine *kcp, u32 more, gfp_t gfp)
{
	u32 need = kcp->snd_nxt - kcp->snd_una + kcp->nsnd_que;
	struct kcp_seg **slot, *seg;
	u32 slots;

	need = min(need + min(more, KCP_WND_MAX), kcp->cfg.snd_wnd);
	if (need <= kcp->snd_slots)
		return 0;
	slots = roundup_pow_of_two(max_t(u32, need, KCP_SND_SLOTS_MIN));
	slot = kcalloc(slots, sizeof(*slot), gfp | __GFP_NOWARN);
	if (!slot)
		return kcp->snd_slots ? 0 : -ENOMEM;
	list_for_each_entry(seg, &kcp->snd_buf, node)
		slot[seg->sn & (slots - 1)] = seg;
	kfree(kcp->snd_slot);
	kcp->snd_slot = slot;
	kcp->snd_slots = slots;
	return 0;
}

/**
 * kcp_snd_slots_trim() - free the slots of a sender with nothing to send
 * @kcp: the engine, nothing queued or in flight
 *
 * A bulk sender's slots (8 bytes per segment of its window) go once it has
 * nothing left to send, so that an idle session holds no more than
 * KCP_SND_SLOTS_MIN of them; a thin stream's stay, to be reused.
 */
void kcp_snd_slots_trim(struct kcp_engine *kcp)
{
	if (kcp->snd_slots <= KCP_SND_SLOTS_MIN)
		return;
	kfree(kcp->snd_slot);
	kcp->snd_slot = NULL;
	kcp->snd_slots = 0;
}

/* Stream mode: top up the last queued segment, then cut full segments. */
static ssize_t kcp_send_stream(struct kcp_engine *kcp, size_t len,
			       kcp_copy_in_t copy, void *from, gfp_t gfp)
{
	struct kcp_seg *seg;
	size_t sent = 0;
	int err;

	if (kcp->fin_queued)
		return -EPIPE;
	if (!list_empty(&kcp->snd_queue)) {
		size_t room;

		seg = list_last_entry(&kcp->snd_queue, struct kcp_seg, node);
		room = min(seg->cap, kcp->mss) > seg->len ?
		       min(seg->cap, kcp->mss) - seg->len : 0;
		sent = min(room, len);
		if (sent) {
			err = copy(seg->data + seg->len, sent, from);
			if (err)
				return err;
			seg->len += sent;
			kcp->snd_bytes += sent;
		}
	}

	while (sent < len) {
		size_t n = min_t(size_t, len - sent, kcp->mss);

		seg = kcp_seg_alloc(kcp->mss, gfp);
		if (!seg)
			return sent ? sent : -ENOMEM;
		err = copy(seg->data, n, from);
		if (err) {
			kcp_seg_free(seg);
			return sent ? sent : err;
		}
		seg->len = n;
		list_add_tail(&seg->node, &kcp->snd_queue);
		kcp->nsnd_que++;
		kcp->snd_mem += kcp_seg_mem(seg);
		kcp->snd_bytes += n;
		sent += n;
	}
	return sent;
}

/* Message mode: all fragments or nothing, frg counting down to 0. */
static ssize_t kcp_send_message(struct kcp_engine *kcp, size_t len,
				kcp_copy_in_t copy, void *from, gfp_t gfp)
{
	size_t count = len ? DIV_ROUND_UP(len, kcp->mss) : 1;
	size_t off = 0, i;
	struct kcp_seg *seg;
	LIST_HEAD(segs);
	u32 mem = 0;
	int err;

	if (count > KCP_MSG_FRAGMENTS_MAX)
		return -EMSGSIZE;
	if (kcp->fin_queued)
		return -EPIPE;

	for (i = 0; i < count; i++) {
		size_t n = min_t(size_t, len - off, kcp->mss);

		seg = kcp_seg_alloc(n, gfp);
		if (!seg) {
			err = -ENOMEM;
			goto err_purge;
		}
		list_add_tail(&seg->node, &segs);
		err = copy(seg->data, n, from);
		if (err)
			goto err_purge;
		seg->len = n;
		seg->frg = count - i - 1;
		mem += kcp_seg_mem(seg);
		off += n;
	}

	list_splice_tail(&segs, &kcp->snd_queue);
	kcp->nsnd_que += count;
	kcp->snd_mem += mem;
	kcp->snd_bytes += len;
	return len;

err_purge:
	kcp_seg_purge(&segs);
	return err;
}

/**
 * kcp_engine_send() - queue application data
 * @kcp: the engine
 * @len: bytes to queue
 * @copy: fetches them, in order, into the engine's segments
 * @from: passed to @copy
 * @gfp: allocation flags
 *
 * Nothing is transmitted until the next flush. The engine sets no limit of
 * its own: the caller bounds what it queues (snd_mem, waitsnd).
 *
 * Return: in stream mode, the bytes queued (fewer than @len only on an
 * error after some were queued); in message mode @len, or -EMSGSIZE for a
 * message of more than KCP_MSG_FRAGMENTS_MAX segments. -ENOMEM, or the
 * error of @copy, when nothing was queued; -EPIPE after the FIN.
 */
ssize_t kcp_engine_send(struct kcp_engine *kcp, size_t len,
			kcp_copy_in_t copy, void *from, gfp_t gfp)
{
	/* an empty message is a segment too */
	size_t segs = len ? DIV_ROUND_UP(len, kcp->mss) : 1;

	if (kcp_snd_slots_reserve(kcp, min_t(size_t, segs, U32_MAX), gfp))
		return -ENOMEM;
	if (kcp->cfg.stream)
		return len ? kcp_send_stream(kcp, len, copy, from, gfp) : 0;
	return kcp_send_message(kcp, len, copy, from, gfp);
}

/**
 * kcp_engine_send_fin() - end the stream: a FIN after everything queued
 * @kcp: an engine whose peer speaks the extension (kcp->ext)
 * @gfp: allocation flags
 *
 * The FIN takes a sequence number as data does, so the peer sees the end
 * only after every byte before it, and it is retransmitted and
 * acknowledged as data is: kcp_engine_fin_acked() says when it arrived.
 * It is its own segment: stream mode never tops it up.
 *
 * Return: 0 (also when already queued), -ENOMEM.
 */
int kcp_engine_send_fin(struct kcp_engine *kcp, gfp_t gfp)
{
	struct kcp_seg *seg;

	if (kcp->fin_queued)
		return 0;
	if (kcp_snd_slots_reserve(kcp, 1, gfp))
		return -ENOMEM;
	seg = kcp_seg_alloc(0, gfp);
	if (!seg)
		return -ENOMEM;
	seg->fin = 1;
	list_add_tail(&seg->node, &kcp->snd_queue);
	kcp->nsnd_que++;
	kcp->snd_mem += kcp_seg_mem(seg);
	kcp->fin_queued = true;
	return 0;
}

/**
 * kcp_engine_fin_acked() - the peer has everything, our FIN included
 * @kcp: the engine
 *
 * Return: whether it has.
 */
bool kcp_engine_fin_acked(const struct kcp_engine *kcp)
{
	return kcp->fin_queued && !kcp_engine_waitsnd(kcp);
}

static int kcp_copy_from_mem(void *dst, size_t len, void *from)
{
	const u8 **src = from;

	memcpy(dst, *src, len);
	*src += len;
	return 0;
}

/**
 * kcp_engine_send_buf() - kcp_engine_send() from a kernel buffer
 * @kcp: the engine
 * @buf: the data
 * @len: its length
 * @gfp: allocation flags
 *
 * Return: as kcp_engine_send().
 */
ssize_t kcp_engine_send_buf(struct kcp_engine *kcp, const void *buf,
			    size_t len, gfp_t gfp)
{
	const u8 *src = buf;

	return kcp_engine_send(kcp, len, kcp_copy_from_mem, &src, gfp);
}
