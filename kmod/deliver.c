// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The reader's side of the engine: what is ready (kcp_engine_peeksize) and
 * taking it (kcp_engine_recv), whole messages or a byte stream, which may
 * reopen a window we had announced closed.
 */
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "engine.h"
#include "segment.h"

/**
 * kcp_engine_peeksize() - the size of what kcp_engine_recv() would return
 * @kcp: the engine
 *
 * Return: in message mode the size of the first complete message; in stream
 * mode the bytes ready; -EAGAIN when there is nothing to read.
 */
ssize_t kcp_engine_peeksize(const struct kcp_engine *kcp)
{
	const struct kcp_seg *seg;
	ssize_t size = 0;

	if (list_empty(&kcp->rcv_queue))
		return -EAGAIN;
	seg = list_first_entry(&kcp->rcv_queue, struct kcp_seg, node);

	if (kcp->cfg.stream)
		return kcp->rcv_ready ? kcp->rcv_ready : -EAGAIN;

	if (kcp->nrcv_que < (u32)seg->frg + 1)
		return -EAGAIN;		/* fragments still missing */
	list_for_each_entry(seg, &kcp->rcv_queue, node) {
		size += seg->len;
		if (!seg->frg)
			break;
	}
	return size;
}

static void kcp_rcv_free(struct kcp_engine *kcp, struct kcp_seg *seg)
{
	list_del(&seg->node);
	kcp->nrcv_que--;
	kcp->rcv_mem -= kcp_seg_mem(seg);
	kcp->rcv_ready -= seg->len - seg->head;
	kcp_seg_free(seg);
}

static ssize_t kcp_recv_stream(struct kcp_engine *kcp, size_t len,
			       kcp_copy_out_t copy, void *to, bool peek)
{
	struct kcp_seg *seg, *tmp;
	size_t copied = 0;
	int err;

	list_for_each_entry_safe(seg, tmp, &kcp->rcv_queue, node) {
		size_t avail = seg->len - seg->head;
		size_t n = min_t(size_t, avail, len - copied);

		/*
		 * A segment with nothing in it (a peer's empty message, or a
		 * hostile one) is consumed on the way, never a reason to stop.
		 */
		if (!n && avail)
			break;
		if (n) {
			err = copy(to, seg->data + seg->head, n);
			if (err)
				return copied ? copied : err;
			copied += n;
		}
		if (peek)
			continue;
		seg->head += n;
		kcp->rcv_ready -= n;
		if (seg->head == seg->len)
			kcp_rcv_free(kcp, seg);
	}
	return copied;
}

/* The whole first message is copied (truncated to @len) before any of it is
 * consumed, so a failed copy loses nothing.
 */
static ssize_t kcp_recv_message(struct kcp_engine *kcp, size_t len,
				kcp_copy_out_t copy, void *to, bool peek)
{
	struct kcp_seg *seg, *tmp;
	size_t copied = 0;
	bool last;
	int err;

	list_for_each_entry(seg, &kcp->rcv_queue, node) {
		size_t n = min_t(size_t, seg->len, len - copied);

		if (n) {
			err = copy(to, seg->data, n);
			if (err)
				return err;
			copied += n;
		}
		if (!seg->frg)
			break;
	}
	if (peek)
		return copied;

	list_for_each_entry_safe(seg, tmp, &kcp->rcv_queue, node) {
		last = !seg->frg;
		kcp_rcv_free(kcp, seg);
		if (last)
			break;
	}
	return copied;
}

/**
 * kcp_engine_recv() - take delivered data
 * @kcp: the engine
 * @len: room at @to
 * @copy: copies delivered bytes out, in order
 * @to: passed to @copy
 * @flags: KCP_RECV_PEEK to leave the data in place
 * @msg_len: if not NULL, set to the size of the message (message mode) or
 *	of the data ready (stream mode), which may exceed the return value
 *
 * In message mode one whole message is consumed per call; what does not fit
 * in @len is discarded, as a SOCK_SEQPACKET reader without room gets
 * MSG_TRUNC. Taking data may reopen a window we had announced closed: the
 * peer is then told at the next flush.
 *
 * Return: bytes copied; -EAGAIN when nothing (no complete message) is
 * ready; the error of @copy when nothing was copied.
 */
ssize_t kcp_engine_recv(struct kcp_engine *kcp, size_t len,
			kcp_copy_out_t copy, void *to, unsigned int flags,
			size_t *msg_len)
{
	bool peek = flags & KCP_RECV_PEEK;
	bool was_closed = !kcp_engine_wnd_unused(kcp);
	ssize_t size, ret;

	size = kcp_engine_peeksize(kcp);
	if (size < 0)
		return size;
	if (msg_len)
		*msg_len = size;

	if (kcp->cfg.stream)
		ret = kcp_recv_stream(kcp, len, copy, to, peek);
	else
		ret = kcp_recv_message(kcp, len, copy, to, peek);
	if (peek || ret < 0)
		return ret;

	kcp_rcv_promote(kcp);
	if (was_closed && kcp_engine_wnd_unused(kcp))
		kcp->probe |= KCP_PROBE_TELL;
	return ret;
}

/**
 * kcp_engine_set_reader() - a reader is present while datagrams come in
 * @kcp: the engine, in stream mode
 * @reader: the reader, or NULL when it leaves
 *
 * While it is set, a data segment that is next in the stream is copied
 * straight to the reader instead of into a segment of its own, if the
 * reader has room for it and for what the reader's queue holds, which it
 * is given first: one allocation and one copy fewer for each segment, and
 * nothing to account for. The caller (a receiving syscall that drains its
 * socket's backlog) must be able to sleep in @reader->copy, and sets it
 * again to NULL before @reader goes. TCP's receive path copied to a
 * waiting reader's iovec while it held the socket in the same way
 * (tcp_rcv_established()'s ucopy, until 4.14).
 */
void kcp_engine_set_reader(struct kcp_engine *kcp, struct kcp_reader *reader)
{
	kcp->reader = kcp->cfg.stream ? reader : NULL;
}

/**
 * kcp_reader_drain() - give the reader what its queue holds, if all fits
 * @kcp: the engine, with a reader set
 * @more: bytes that must fit after it
 *
 * Return: whether the queue is now empty, with room for @more.
 */
bool kcp_reader_drain(struct kcp_engine *kcp, u32 more)
{
	struct kcp_reader *reader = kcp->reader;
	bool was_closed = !kcp_engine_wnd_unused(kcp);
	ssize_t n;

	if ((size_t)kcp->rcv_ready + more > reader->room)
		return false;
	if (list_empty(&kcp->rcv_queue))
		return true;
	n = kcp_recv_stream(kcp, kcp->rcv_ready, reader->copy, reader->to,
			    false);
	if (n < 0) {
		reader->err = n;
		return false;
	}
	reader->room -= n;
	reader->copied += n;
	if (was_closed && kcp_engine_wnd_unused(kcp))
		kcp->probe |= KCP_PROBE_TELL;
	return list_empty(&kcp->rcv_queue);
}

/**
 * kcp_copy_to_mem() - a kcp_copy_out_t for kernel memory
 * @to: a u8 ** cursor, advanced past what is copied
 * @src: the delivered bytes
 * @len: their number
 *
 * Return: 0.
 */
int kcp_copy_to_mem(void *to, const void *src, size_t len)
{
	u8 **dst = to;

	memcpy(*dst, src, len);
	*dst += len;
	return 0;
}

/**
 * kcp_engine_recv_buf() - kcp_engine_recv() into a kernel buffer
 * @kcp: the engine
 * @buf: where to copy
 * @len: its size
 *
 * Return: as kcp_engine_recv().
 */
ssize_t kcp_engine_recv_buf(struct kcp_engine *kcp, void *buf, size_t len)
{
	u8 *dst = buf;

	return kcp_engine_recv(kcp, len, kcp_copy_to_mem, &dst, 0, NULL);
}
