/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * An AF_KCP socket: one KCP conversation (or a listener) on a shared UDP
 * endpoint.
 */
#ifndef _KCP_SOCK_H
#define _KCP_SOCK_H

#include <linux/hrtimer.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <uapi/linux/kcp.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <net/dst_cache.h>
#include <net/sock.h>

#include "engine.h"

struct kcp_endpoint;

/* An IPv4 or IPv6 UDP address; sa_family says which. */
union kcp_addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/*
 * What a session is found by on its endpoint: the peer's address and port
 * and the conv, packed without padding so the hash and compare see only
 * them (an IPv4 address in addr[0], the rest zero).
 */
struct kcp_session_key {
	__be32 addr[4];
	__be16 port;
	u16 family;
	u32 conv;
};

/* Bits of kcp_sock.flags */
enum {
	KCP_DEFER_TIMER,	/* the timer fired while a syscall held the socket */
	KCP_HALTED,		/* the conversation is over: unhashed, no timer */
	KCP_ORPHAN,		/* closed, still delivering: holds a reference */
	KCP_ENDED,		/* its end was announced (kcp_nl_session_ended()) */
	KCP_DEFER_REFUSED,	/* an ICMP port unreachable came while owned */
	KCP_DEFER_AFTER,	/* the backlog ran the engine: publish, re-arm */
};

/**
 * struct kcp_keepalive - SO_KEEPALIVE's probing of an idle peer
 * @idle: ms without a datagram from the peer before the first probe
 * @intvl: ms between probes
 * @cnt: unanswered probes after which the peer is dead
 * @last_rx: when the peer was last heard from
 * @probes: probes sent since
 * @next: when the next probe is due (while @probes)
 *
 * A probe is a window probe (WASK), which every KCP implementation
 * answers: keepalive works with stock peers too.
 */
struct kcp_keepalive {
	u32 idle;
	u32 intvl;
	u32 cnt;
	u32 last_rx;
	u32 probes;
	u32 next;
};

/* A reset token: 128 bits, as QUIC's stateless reset tokens. */
#define KCP_TOKEN_LEN	16

/**
 * struct kcp_handshake - the lifecycle extension's state of a session
 * @version: the extension's version both ends speak; 0 for a stock peer
 * @echoing: a client that has not heard from the server's session yet:
 *	its datagrams carry the ECHO (handshake.c)
 * @started: when connect() began (ms)
 * @next: when the HELLO, or the ECHO, is sent again
 * @rto: the wait before that, doubling
 * @nonce: a random number the HELLO carries: a reset that echoes it
 *	refuses the connection (no listener at the port)
 * @slot: the cookie's time slot
 * @cookie: the listener's cookie
 * @token: ours, which our RST carries
 * @peer_token: the peer's, which its RST must carry
 */
struct kcp_handshake {
	u8 version;
	bool echoing;
	u32 started;
	u32 next;
	u32 rto;
	u8 nonce[8];
	u32 slot;
	u8 cookie[8];
	u8 token[KCP_TOKEN_LEN];
	u8 peer_token[KCP_TOKEN_LEN];
};

/**
 * struct kcp_sock - an AF_KCP socket
 * @sk: the socket; must stay first
 * @kcp: the engine, once the socket has a peer (connected or accepted)
 * @cfg: the engine configuration, set by socket options before it exists
 * @profile: the name of the profile last taken (a copy: profiles may go)
 * @minrto_set: KCP_MINRTO was set since: KCP_NODELAY leaves it alone
 * @stock: KCP_STOCK: connect() dials a stock server, without the extension
 * @connect_timeout: KCP_CONNECT_TIMEOUT, ms
 * @hs: the lifecycle extension's handshake and tokens
 * @ep: the UDP endpoint the socket is bound to (a reference)
 * @peer: the remote UDP endpoint
 * @local: this end's address: the endpoint's, or for a session a listener
 *	spawned, the address its peer sent to (kcp_endpoint_xmit())
 * @dst_cache: the route to @peer (valid while @kcp exists)
 * @tx_skb: the datagram the engine is building, or a full one that may
 *	start a batch (kcp_session_alloc())
 * @tx_size: the size @tx_skb was allocated for
 * @tx_batch: full datagrams to leave as one UDP GSO skb
 * @tx_batch_size: the size of each datagram in it
 * @tx_batch_segs: how many it holds
 * @tx_batch_max: how many it has room for
 * @tx_batches: batches sent, for KCP_INFO
 * @backlog_drops: datagrams dropped for a full backlog (bh_lock_sock)
 * @conv: the conversation id
 * @id: the session's id in its namespace (0 until it has a conversation)
 * @net_node: in the namespace's registry (struct kcp_net)
 * @key: (peer, conv), the key of @ep's session table
 * @node: in @ep's session table
 * @hashed: in it (changed under the socket lock)
 * @mem_charged: what its namespace counts it as holding (kcp_net_mem_charge())
 * @passive: a listener created it (the namespace's idle timeout applies)
 * @pending_bucket: while it waits for accept(), kcp_net_pending_get()'s
 * @unproved: a stock peer a listener accepted that has not yet shown it
 *	receives at its address (acknowledged our data): what we send it is
 *	bounded by @unproved_credit, QUIC's rule against amplification
 * @unproved_credit: bytes we may still send it: 3x what it sent, and one
 *	full datagram
 * @timer: drives the engine at the times kcp_engine_check() gives
 * @flags: KCP_DEFER_TIMER, KCP_HALTED, KCP_ORPHAN, KCP_ENDED, ...
 * @deadline: when an orphan gives up, or a lingering session goes (ms)
 * @keepalive: SO_KEEPALIVE's settings and state
 * @readable: the engine has data for the reader (for poll, lock-free)
 * @published_rcv: segments ready for the reader at the last publish
 * @published_snd_mem: send memory held at the last publish
 * @writable: the engine takes more data (for poll, lock-free)
 * @accept_lock: protects @accept_queue and @accept_len (listener)
 * @accept_queue: sessions created by incoming datagrams, not yet accepted
 * @accept_len: their number
 * @accept_unproved: how many of them were queued @unproved (a stock
 *	peer's first PUSH): places a proved client may take (spawn.c)
 * @accept_node: in the listener's @accept_queue (child)
 * @queued_unproved: counted in its listener's @accept_unproved
 */
struct kcp_sock {
	struct sock sk;
	struct kcp_engine *kcp;
	struct kcp_config cfg;
	char profile[KCP_PROFILE_NAME_MAX];
	bool minrto_set;
	bool stock;
	u32 connect_timeout;
	struct kcp_handshake hs;
	struct kcp_endpoint *ep;
	union kcp_addr peer;
	union kcp_addr local;
	struct dst_cache dst_cache;
	struct sk_buff *tx_skb;
	u32 tx_size;
	struct sk_buff *tx_batch;
	u32 tx_batch_size;
	u32 tx_batch_segs;
	u32 tx_batch_max;
	u64 tx_batches;
	u64 backlog_drops;
	u32 conv;
	u64 id;
	struct list_head net_node;
	struct kcp_session_key key;
	struct rhash_head node;
	bool hashed;
	bool passive;
	u8 pending_bucket;
	bool unproved;
	u32 unproved_credit;
	u32 mem_charged;
	struct hrtimer timer;
	unsigned long flags;
	u32 deadline;
	struct kcp_keepalive keepalive;
	bool readable;
	u32 published_rcv;
	u32 published_snd_mem;
	bool writable;
	spinlock_t accept_lock;		/* accept_queue, accept_len */
	struct list_head accept_queue;
	u32 accept_len;
	u32 accept_unproved;
	struct list_head accept_node;
	bool queued_unproved;
};

static inline struct kcp_sock *kcp_sk(const struct sock *sk)
{
	return (struct kcp_sock *)sk;
}

/* The engine's clock: milliseconds of CLOCK_MONOTONIC, wrapping. */
static inline u32 kcp_clock_ms_of(ktime_t t)
{
	return (u32)ktime_to_ms(t);
}

static inline u32 kcp_clock_ms(void)
{
	return kcp_clock_ms_of(ktime_get());
}

#endif /* _KCP_SOCK_H */
