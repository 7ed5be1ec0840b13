// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Datagrams out of an endpoint: built in skbs with room for the IP and UDP
 * headers, sent as one datagram or a UDP GSO batch, over a route cached
 * per session (WireGuard's dst_cache) or looked up for a reply that keeps
 * nothing.
 */
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "endpoint.h"

static int kcp_xmit4(struct kcp_endpoint *ep, const union kcp_addr *src,
		     const union kcp_addr *peer, struct dst_cache *cache,
		     struct sk_buff *skb, const struct sock *sk)
{
	struct sock *usk = ep->sock->sk;
	struct flowi4 fl = {
		.saddr = src->v4.sin_addr.s_addr,
		.daddr = peer->v4.sin_addr.s_addr,
		.fl4_sport = ep->local.v4.sin_port,
		.fl4_dport = peer->v4.sin_port,
		.flowi4_proto = IPPROTO_UDP,
		.flowi4_oif = READ_ONCE(sk->sk_bound_dev_if) ?:
			      usk->sk_bound_dev_if,
		.flowi4_mark = READ_ONCE(sk->sk_mark),
	};
	struct rtable *rt;

	rt = cache ? dst_cache_get_ip4(cache, &fl.saddr) : NULL;
	if (!rt) {
		rt = ip_route_output_flow(ep->net, &fl, usk);
		if (IS_ERR(rt)) {
			kfree_skb(skb);
			return PTR_ERR(rt);
		}
		if (cache)
			dst_cache_set_ip4(cache, &rt->dst, fl.saddr);
	}
	udp_tunnel_xmit_skb(rt, usk, skb, fl.saddr, fl.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl.fl4_sport,
			    fl.fl4_dport, false, false);
	return 0;
}

static int kcp_xmit6(struct kcp_endpoint *ep, const union kcp_addr *src,
		     const union kcp_addr *peer, struct dst_cache *cache,
		     struct sk_buff *skb, const struct sock *sk)
{
	struct sock *usk = ep->sock->sk;
	struct flowi6 fl = {
		.saddr = src->v6.sin6_addr,
		.daddr = peer->v6.sin6_addr,
		.fl6_sport = ep->local.v6.sin6_port,
		.fl6_dport = peer->v6.sin6_port,
		.flowi6_proto = IPPROTO_UDP,
		.flowi6_oif = READ_ONCE(sk->sk_bound_dev_if) ?:
			      peer->v6.sin6_scope_id,
		.flowi6_mark = READ_ONCE(sk->sk_mark),
	};
	struct dst_entry *dst;

	dst = cache ? dst_cache_get_ip6(cache, &fl.saddr) : NULL;
	if (!dst) {
		dst = ipv6_stub->ipv6_dst_lookup_flow(ep->net, usk, &fl, NULL);
		if (IS_ERR(dst)) {
			kfree_skb(skb);
			return PTR_ERR(dst);
		}
		if (cache)
			dst_cache_set_ip6(cache, dst, &fl.saddr);
	}
	udp_tunnel6_xmit_skb(dst, usk, skb, dst->dev, &fl.saddr, &fl.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	return 0;
}

/* Room for the IP (either family) and UDP headers the stack pushes. */
#define KCP_TX_HEADROOM	(MAX_HEADER + sizeof(struct ipv6hdr) + \
			 sizeof(struct udphdr))

/**
 * kcp_endpoint_alloc_skb() - an skb to build one datagram in
 * @len: the most the datagram will hold
 *
 * Return: an empty skb with room for the IP and UDP headers in front and
 * @len bytes at skb->data, or NULL.
 */
struct sk_buff *kcp_endpoint_alloc_skb(size_t len)
{
	struct sk_buff *skb;

	skb = alloc_skb(KCP_TX_HEADROOM + len, GFP_ATOMIC);
	if (skb)
		skb_reserve(skb, KCP_TX_HEADROOM);
	return skb;
}

/**
 * kcp_endpoint_alloc_batch() - an skb for datagrams that leave as one batch
 * @len: the most they will take, at most kcp_endpoint_batch_room()
 *
 * Their bytes go in one page fragment from the stack's per-CPU page_frag
 * cache, as a driver's receive buffers do: the stack cuts a batch into
 * datagrams that point into it, where a linear skb's bytes would all be
 * copied, and a kcp.ko receiver reads each one there. Without a fragment
 * the skb is linear. Either way datagrams are written at
 * kcp_endpoint_batch_tail() and added by kcp_endpoint_batch_put().
 *
 * Return: the skb, or NULL.
 */
struct sk_buff *kcp_endpoint_alloc_batch(unsigned int len)
{
	struct sk_buff *skb;
	struct page *page;
	void *buf;

	buf = netdev_alloc_frag(len);
	if (!buf)
		return kcp_endpoint_alloc_skb(len);
	skb = kcp_endpoint_alloc_skb(0);
	if (!skb) {
		skb_free_frag(buf);
		return NULL;
	}
	page = virt_to_head_page(buf);
	skb_fill_page_desc(skb, 0, page, buf - page_address(page), 0);
	skb->truesize += SKB_DATA_ALIGN(len);
	return skb;
}

/* Where the next datagram of a batch is written. */
void *kcp_endpoint_batch_tail(struct sk_buff *skb)
{
	const skb_frag_t *frag = &skb_shinfo(skb)->frags[0];

	if (!skb_shinfo(skb)->nr_frags)
		return skb_tail_pointer(skb);
	return skb_frag_address(frag) + skb_frag_size(frag);
}

/* The @len bytes written at kcp_endpoint_batch_tail() are a datagram. */
void kcp_endpoint_batch_put(struct sk_buff *skb, unsigned int len)
{
	if (!skb_shinfo(skb)->nr_frags) {
		skb_put(skb, len);
		return;
	}
	skb_frag_size_add(&skb_shinfo(skb)->frags[0], len);
	skb->len += len;
	skb->data_len += len;
}

/**
 * kcp_endpoint_batch_room() - the most a batch skb should hold
 *
 * Return: the largest @len for kcp_endpoint_alloc_batch() that a page
 * fragment of the stack's cache (32 KiB pages) or, without one, a linear
 * skb within PAGE_ALLOC_COSTLY_ORDER (32 KiB with 4 KiB pages) can hold.
 * Larger orders are the ones the page allocator may fail to find under
 * fragmentation, and every page is zeroed when allocated (init_on_alloc,
 * on in distribution kernels): 32 datagrams of 1400 bytes would take and
 * clear 64 KiB for 44.
 */
unsigned int kcp_endpoint_batch_room(void)
{
	return SKB_WITH_OVERHEAD(PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER) -
	       SKB_DATA_ALIGN(KCP_TX_HEADROOM);
}

/**
 * kcp_endpoint_set_gso() - make @skb a batch of @segs datagrams (UDP GSO)
 * @skb: from kcp_endpoint_alloc_batch(), holding the datagrams back to back
 * @size: bytes of each datagram but the last, which may be shorter
 * @segs: how many there are
 */
void kcp_endpoint_set_gso(struct sk_buff *skb, unsigned int size,
			  unsigned int segs)
{
	skb_shinfo(skb)->gso_size = size;
	skb_shinfo(skb)->gso_segs = segs;
	skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
}

/*
 * A batch's UDP checksums are finished per datagram when it is cut up:
 * the tunnel code writes the pseudo-header sum for a GSO skb, and the
 * checksum must start at the UDP header it is about to push.
 */
static void kcp_xmit_prepare_gso(struct sk_buff *skb)
{
	if (!skb_is_gso(skb))
		return;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) - sizeof(struct udphdr);
	skb->csum_offset = offsetof(struct udphdr, check);
}

/**
 * kcp_endpoint_xmit() - send one datagram from the endpoint
 * @ep: the endpoint
 * @src: the source address, of the endpoint's family (its port unused):
 *	the endpoint's, or for a listener's session the one its peer sent
 *	to, so that a multi-homed server answers from the address the peer
 *	knows; the wildcard lets the route choose
 * @peer: where to, of the endpoint's family
 * @cache: the route to @peer, looked up once and kept (WireGuard's way),
 *	or NULL for a datagram that keeps nothing (a stateless answer)
 * @skb: the datagram, from kcp_endpoint_alloc_skb(); consumed
 * @sk: the session's socket, whose SO_MARK and SO_BINDTODEVICE apply (the
 *	route is cached: they are read when it is looked up)
 *
 * Safe in process and softirq context.
 *
 * Return: 0, or a negative errno (the datagram is then lost, as on a link).
 */
int kcp_endpoint_xmit(struct kcp_endpoint *ep, const union kcp_addr *src,
		      const union kcp_addr *peer, struct dst_cache *cache,
		      struct sk_buff *skb, const struct sock *sk)
{
	int err;

	skb->mark = READ_ONCE(sk->sk_mark);
	kcp_xmit_prepare_gso(skb);
	local_bh_disable();
	if (peer->sa.sa_family == AF_INET)
		err = kcp_xmit4(ep, src, peer, cache, skb, sk);
	else
		err = kcp_xmit6(ep, src, peer, cache, skb, sk);
	local_bh_enable();
	return err;
}
