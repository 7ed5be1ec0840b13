// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * A session's datagrams on their way out: the engine writes each into an
 * skb kcp_session_alloc() gave it, and kcp_session_output() sends it or
 * keeps it for a batch, which kcp_session_tx_done() sends once the engine
 * run is over.
 */
#include <linux/skbuff.h>
#include <net/sock.h>

#include "endpoint.h"
#include "handshake.h"
#include "net.h"
#include "session.h"
#include "sock.h"
#include "wire.h"

/*
 * Datagrams leave in batches (UDP GSO): a run of full-size datagrams from
 * one flush goes down the stack as one skb of up to KCP_GSO_SEGS
 * datagrams (fewer where they would not fit kcp_endpoint_batch_room()),
 * which the device (or the stack, just before it) cuts into UDP
 * datagrams of gso_size bytes each, the last one possibly shorter: one
 * route, netfilter and qdisc pass per batch instead of per datagram,
 * as TCP has with TSO. A receiver sees ordinary UDP datagrams.
 */
#define KCP_GSO_SEGS	32

/* How many datagrams of @size one batch takes: two at least. */
static u32 kcp_batch_segs(u32 size)
{
	return clamp_t(u32, kcp_endpoint_batch_room() / size, 2, KCP_GSO_SEGS);
}

static void kcp_session_xmit(struct kcp_sock *ks, struct sk_buff *skb)
{
	if (unlikely(ks->unproved)) {
		/* held back: sent again as a loss is, once credit comes */
		if (skb->len > ks->unproved_credit) {
			kcp_net_count(sock_net(&ks->sk),
				      KCP_STAT_A_UNPROVED_HELD, 1);
			kfree_skb(skb);
			return;
		}
		ks->unproved_credit -= skb->len;
	}
	kcp_endpoint_xmit(ks->ep, &ks->local, &ks->peer, &ks->dst_cache, skb,
			  &ks->sk);
}

/* Send the batch being built, if any. */
static void kcp_session_tx_flush(struct kcp_sock *ks)
{
	struct sk_buff *skb = ks->tx_batch;

	if (!skb)
		return;
	ks->tx_batch = NULL;
	if (ks->tx_batch_segs > 1) {
		kcp_endpoint_set_gso(skb, ks->tx_batch_size, ks->tx_batch_segs);
		ks->tx_batches++;
	}
	kcp_session_xmit(ks, skb);
}

/*
 * A client that has not heard from the server's session yet leads each
 * datagram with its ECHO (handshake.c), which makes that session. This
 * lasts one round trip: such datagrams are sent one by one, a little over
 * the MTU (KCP_ECHO_SIZE).
 */
static void *kcp_session_alloc_echo(struct kcp_sock *ks, size_t size)
{
	struct sk_buff *skb;

	kcp_session_tx_flush(ks);
	if (ks->tx_skb) {
		kcp_session_xmit(ks, ks->tx_skb);
		ks->tx_skb = NULL;
	}
	skb = kcp_endpoint_alloc_skb(KCP_ECHO_SIZE + size);
	if (!skb)
		return NULL;
	kcp_handshake_put_echo(ks, skb);
	ks->tx_skb = skb;
	ks->tx_size = 0;	/* never full: it leaves when written */
	return skb_tail_pointer(skb);
}

/*
 * The engine builds each datagram in place, in the skb that carries it:
 * at the tail of the batch while the datagrams before it are all full, in
 * an skb of its own otherwise. A full datagram with nothing batched yet
 * waits in ks->tx_skb: if another follows, the two start a batch.
 */
void *kcp_session_alloc(struct kcp_engine *kcp, size_t size, void *priv)
{
	struct kcp_sock *ks = priv;
	struct sk_buff *batch = ks->tx_batch, *single = ks->tx_skb;

	if (unlikely(ks->hs.echoing))
		return kcp_session_alloc_echo(ks, size);
	if (batch && ks->tx_batch_size == size &&
	    ks->tx_batch_segs < ks->tx_batch_max)
		return kcp_endpoint_batch_tail(batch);
	kcp_session_tx_flush(ks);
	if (single) {
		/* a second full datagram: a batch, if one can be had */
		ks->tx_skb = NULL;
		ks->tx_batch_max = kcp_batch_segs(size);
		batch = kcp_endpoint_alloc_batch(ks->tx_batch_max * size);
		if (batch) {
			memcpy(kcp_endpoint_batch_tail(batch), single->data,
			       single->len);
			kcp_endpoint_batch_put(batch, single->len);
			consume_skb(single);
			ks->tx_batch = batch;
			ks->tx_batch_size = size;
			ks->tx_batch_segs = 1;
			return kcp_endpoint_batch_tail(batch);
		}
		kcp_session_xmit(ks, single);
	}
	ks->tx_skb = kcp_endpoint_alloc_skb(size);
	ks->tx_size = size;
	return ks->tx_skb ? ks->tx_skb->data : NULL;
}

int kcp_session_output(struct kcp_engine *kcp, const void *buf, size_t len,
		       void *priv)
{
	struct kcp_sock *ks = priv;
	struct sk_buff *skb = ks->tx_skb;

	if (ks->tx_batch && buf == kcp_endpoint_batch_tail(ks->tx_batch)) {
		kcp_endpoint_batch_put(ks->tx_batch, len);
		ks->tx_batch_segs++;
		/* a short datagram ends a batch, as its last */
		if (len != ks->tx_batch_size ||
		    ks->tx_batch_segs == ks->tx_batch_max)
			kcp_session_tx_flush(ks);
		return 0;
	}
	skb_put(skb, len);
	if (len == ks->tx_size)
		return 0;	/* full: it may start a batch */
	ks->tx_skb = NULL;
	kcp_session_xmit(ks, skb);
	return 0;
}

/*
 * The end of an engine run: what waits for a batch leaves now, unless the
 * run ended the session (which may have let go of its endpoint).
 */
void kcp_session_tx_done(struct kcp_sock *ks)
{
	struct sk_buff *single = ks->tx_skb;

	ks->tx_skb = NULL;
	if (test_bit(KCP_HALTED, &ks->flags)) {
		kfree_skb(single);
		kfree_skb(ks->tx_batch);
		ks->tx_batch = NULL;
		return;
	}
	kcp_session_tx_flush(ks);
	if (single)
		kcp_session_xmit(ks, single);
}
