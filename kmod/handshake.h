/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * The lifecycle extension between kcp.ko endpoints: the handshake, the
 * cookie that keeps a listener stateless, reset tokens (handshake.c,
 * reset.c). The wire format is in include/uapi/linux/kcp.h.
 */
#ifndef _KCP_HANDSHAKE_H
#define _KCP_HANDSHAKE_H

#include <linux/types.h>

#include "wire.h"

struct dst_cache;
struct kcp_endpoint;
struct kcp_net;
struct kcp_sock;
struct sk_buff;
struct sock;
union kcp_addr;

#define KCP_CONNECT_TIMEOUT_DEFAULT	20000	/* ms */
#define KCP_CONNECT_TIMEOUT_MIN		100
#define KCP_CONNECT_TIMEOUT_MAX		600000

/* What the ECHO adds to each datagram of a client that is echoing. */
#define KCP_ECHO_SIZE			(24 + 32)

void kcp_handshake_connect(struct kcp_sock *ks);
int kcp_handshake_rcv(struct kcp_sock *ks, const struct sk_buff *skb,
		      const u8 *data, u32 len);
void kcp_handshake_check(struct kcp_sock *ks, u32 now);
bool kcp_handshake_due(const struct kcp_sock *ks, u32 *when);
void kcp_handshake_put_echo(const struct kcp_sock *ks, struct sk_buff *skb);
struct kcp_sock *kcp_handshake_stray(struct kcp_endpoint *ep,
				     struct sk_buff *skb,
				     const union kcp_addr *from,
				     const union kcp_addr *to, bool *taken);

/* reset.c */
enum kcp_flow_hash_use {
	KCP_HASH_COOKIE = 1,
	KCP_HASH_TOKEN_LO,
	KCP_HASH_TOKEN_HI,
	KCP_HASH_SOURCE,
};

u64 kcp_flow_hash(const struct kcp_net *kn, const union kcp_addr *local,
		  const union kcp_addr *peer, u32 conv, u32 slot, u32 use);
bool kcp_secret_equal(const u8 *a, const u8 *b, size_t len);
void kcp_token(const struct kcp_net *kn, const union kcp_addr *local,
	       const union kcp_addr *peer, u32 conv, u8 *token);
void kcp_reset_send(struct kcp_sock *ks);
void kcp_reset_rcv(struct kcp_sock *ks, const u8 *payload, u32 len);
void kcp_reset_refused(struct kcp_sock *ks, const u8 *payload, u32 len);
void kcp_reset_stray(struct kcp_endpoint *ep, const struct sk_buff *skb,
		     const union kcp_addr *from, const union kcp_addr *to,
		     u32 conv);
int kcp_control_xmit(struct kcp_endpoint *ep, const union kcp_addr *src,
		     const union kcp_addr *dst, struct sock *sk,
		     const struct kcp_hdr *hdr, const void *payload, u32 len,
		     u32 pad, struct dst_cache *cache);

#endif /* _KCP_HANDSHAKE_H */
