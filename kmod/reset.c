// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Resets between kcp.ko endpoints, and the keyed hashes the extension's
 * cookies and tokens are made of.
 *
 * A reset ends a conversation at once (ECONNRESET). So that no one off the
 * path can forge one, it carries a token the sender gave in the handshake:
 * SipHash, under its namespace's secret, of its own address and port, the
 * peer's and the conv. The token is derived, not stored, so an endpoint
 * that lost the session (its process restarted on the same port) can
 * still prove it: it answers the peer's next datagram with a reset. This
 * is QUIC's stateless reset (RFC 9000, 10.3), made for KCP's conv.
 */
#include <linux/ratelimit.h>
#include <linux/siphash.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/sock.h>

#include "endpoint.h"
#include "handshake.h"
#include "lifecycle.h"
#include "net.h"
#include "session.h"
#include "sock.h"

/* What the hashes cover, with no padding for the hash to see. */
struct kcp_flow_tuple {
	__be32 local[4];
	__be32 peer[4];
	__be16 local_port;
	__be16 peer_port;
	u32 conv;
	u32 slot;
	u32 use;
} __aligned(SIPHASH_ALIGNMENT);

static void kcp_tuple_addr(__be32 *addr, __be16 *port, const union kcp_addr *a)
{
	if (a->sa.sa_family == AF_INET) {
		addr[0] = a->v4.sin_addr.s_addr;
		*port = a->v4.sin_port;
	} else {
		memcpy(addr, &a->v6.sin6_addr, sizeof(a->v6.sin6_addr));
		*port = a->v6.sin6_port;
	}
}

/**
 * kcp_flow_hash() - a keyed hash of one direction of a conversation
 * @kn: the namespace, whose secret keys it
 * @local: this end's address and port, as the peer addresses it
 * @peer: the peer's
 * @conv: the conversation
 * @slot: a cookie's time slot (0 for tokens)
 * @use: what the hash is for (enum kcp_flow_hash_use, and for a cookie its
 *	version in the next byte), so that no hash serves as another
 *
 * Return: the hash.
 */
u64 kcp_flow_hash(const struct kcp_net *kn, const union kcp_addr *local,
		  const union kcp_addr *peer, u32 conv, u32 slot, u32 use)
{
	struct kcp_flow_tuple t;

	memset(&t, 0, sizeof(t));
	kcp_tuple_addr(t.local, &t.local_port, local);
	kcp_tuple_addr(t.peer, &t.peer_port, peer);
	t.conv = conv;
	t.slot = slot;
	t.use = use;
	return siphash(&t, sizeof(t), &kn->secret);
}

/**
 * kcp_token() - this end's reset token for a conversation
 * @kn: its namespace
 * @local: this end's address and port, as the peer sends to them
 * @peer: the peer's
 * @conv: the conversation
 * @token: KCP_TOKEN_LEN bytes to fill
 */
void kcp_token(const struct kcp_net *kn, const union kcp_addr *local,
	       const union kcp_addr *peer, u32 conv, u8 *token)
{
	__le64 half[2] = {
		cpu_to_le64(kcp_flow_hash(kn, local, peer, conv, 0,
					  KCP_HASH_TOKEN_LO)),
		cpu_to_le64(kcp_flow_hash(kn, local, peer, conv, 0,
					  KCP_HASH_TOKEN_HI)),
	};

	BUILD_BUG_ON(sizeof(half) != KCP_TOKEN_LEN);
	memcpy(token, half, KCP_TOKEN_LEN);
}

/**
 * kcp_secret_equal() - compare secrets in a time that does not tell how
 * much of them matched
 * @a: one
 * @b: the other
 * @len: their length
 *
 * Return: whether they are equal.
 */
bool kcp_secret_equal(const u8 *a, const u8 *b, size_t len)
{
	u8 diff = 0;
	size_t i;

	for (i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

/**
 * kcp_control_xmit() - send one extension segment, alone in its datagram
 * @ep: the endpoint to send from
 * @src: the source address (kcp_endpoint_xmit())
 * @dst: where to
 * @sk: the socket whose SO_MARK and SO_BINDTODEVICE apply
 * @hdr: the segment's header; its len is set here
 * @payload: @len bytes after the header
 * @len: their number
 * @pad: zero bytes after them
 * @cache: the route cache to use, or NULL for a reply that keeps nothing
 *
 * Return: 0 or a negative errno.
 */
int kcp_control_xmit(struct kcp_endpoint *ep, const union kcp_addr *src,
		     const union kcp_addr *dst, struct sock *sk,
		     const struct kcp_hdr *hdr, const void *payload, u32 len,
		     u32 pad, struct dst_cache *cache)
{
	struct kcp_hdr h = *hdr;
	struct sk_buff *skb;

	skb = kcp_endpoint_alloc_skb(KCP_HDR_LEN + len + pad);
	if (!skb)
		return -ENOMEM;
	h.len = len + pad;
	kcp_hdr_encode(skb_put(skb, KCP_HDR_LEN), &h);
	skb_put_data(skb, payload, len);
	skb_put_zero(skb, pad);
	return kcp_endpoint_xmit(ep, src, dst, cache, skb, sk);
}

/**
 * kcp_reset_send() - tell a kcp.ko peer the conversation is over
 * @ks: a live session, locked; nothing is sent to a stock peer
 */
void kcp_reset_send(struct kcp_sock *ks)
{
	struct kcp_hdr hdr = { .conv = ks->conv, .cmd = KCP_CMD_RST };

	sock_owned_by_me(&ks->sk);
	if (!ks->hs.version || !ks->ep)
		return;
	kcp_control_xmit(ks->ep, &ks->local, &ks->peer, &ks->sk, &hdr,
			 ks->hs.token, KCP_TOKEN_LEN, 0, &ks->dst_cache);
	kcp_net_count(sock_net(&ks->sk), KCP_STAT_A_RESETS_SENT, 1);
}

/**
 * kcp_reset_rcv() - a reset for this session
 * @ks: the session, locked
 * @payload: what followed the RST's header
 * @len: its length
 *
 * Accepted only from a peer that gave a token, and only with it.
 */
void kcp_reset_rcv(struct kcp_sock *ks, const u8 *payload, u32 len)
{
	struct net *net = sock_net(&ks->sk);

	if (!ks->hs.version || len != KCP_TOKEN_LEN ||
	    !kcp_secret_equal(payload, ks->hs.peer_token, KCP_TOKEN_LEN)) {
		kcp_net_count(net, KCP_STAT_A_RESETS_INVALID, 1);
		return;
	}
	kcp_net_count(net, KCP_STAT_A_RESETS_ACCEPTED, 1);
	kcp_session_halt(ks, ECONNRESET);
}

/**
 * kcp_reset_refused() - a reset for a session still in its handshake
 * @ks: the session, locked, in TCP_SYN_SENT
 * @payload: what followed the RST's header
 * @len: its length
 *
 * A kcp.ko endpoint where nothing listens answers a HELLO with a reset
 * carrying the HELLO's nonce (then zeros): the connection is refused.
 */
void kcp_reset_refused(struct kcp_sock *ks, const u8 *payload, u32 len)
{
	u8 token[KCP_TOKEN_LEN] = { };
	struct net *net = sock_net(&ks->sk);

	memcpy(token, ks->hs.nonce, sizeof(ks->hs.nonce));
	if (len != KCP_TOKEN_LEN || !kcp_secret_equal(payload, token, len)) {
		kcp_net_count(net, KCP_STAT_A_RESETS_INVALID, 1);
		return;
	}
	kcp_net_count(net, KCP_STAT_A_RESETS_ACCEPTED, 1);
	kcp_session_halt(ks, ECONNREFUSED);
}

/**
 * kcp_reset_stray() - answer a datagram for a conversation we do not have
 * @ep: the endpoint it came to (RCU)
 * @skb: the datagram, at its KCP header
 * @from: its source
 * @to: the address it was sent to
 * @conv: its conversation
 *
 * The peer may be a kcp.ko session whose other end is gone: its token is
 * ours to derive. A stock peer drops the reset. No reset answers one
 * smaller than itself (no amplification), a datagram to a broadcast or
 * group address, or more than the namespace's rate allows.
 */
void kcp_reset_stray(struct kcp_endpoint *ep, const struct sk_buff *skb,
		     const union kcp_addr *from, const union kcp_addr *to,
		     u32 conv)
{
	struct kcp_hdr hdr = { .conv = conv, .cmd = KCP_CMD_RST };
	struct kcp_net *kn = kcp_net(ep->net);
	u8 token[KCP_TOKEN_LEN];

	if (skb->len < KCP_HDR_LEN + KCP_TOKEN_LEN ||
	    skb->pkt_type != PACKET_HOST || !__ratelimit(&kn->reset_limit))
		return;
	kcp_token(kn, to, from, conv, token);
	if (!kcp_control_xmit(ep, to, from, ep->sock->sk, &hdr, token,
			      KCP_TOKEN_LEN, 0, NULL))
		kcp_net_count(ep->net, KCP_STAT_A_RESETS_SENT, 1);
}
