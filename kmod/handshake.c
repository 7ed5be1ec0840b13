// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The handshake between kcp.ko endpoints (include/uapi/linux/kcp.h, "THE
 * LIFECYCLE EXTENSION"): HELLO, a stateless COOKIE, then the client's
 * datagrams lead with an ECHO of it until the server's session answers.
 *
 * A listener keeps nothing for a client until its ECHO shows it received
 * the COOKIE at the address it claims: the cookie is a keyed hash of the
 * addresses and conv, as a SYN cookie or QUIC's Retry token, that only
 * this namespace can make and that expires with its time slot. No answer
 * to an unproved address is larger than what it sent (the HELLO's padding
 * sees to that).
 */
#include <linux/minmax.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "endpoint.h"
#include "handshake.h"
#include "lifecycle.h"
#include "net.h"
#include "session.h"
#include "sock.h"

#define KCP_HELLO_LEN		64	/* payload, padding included */
#define KCP_COOKIE_SLOT_SECS	32
#define KCP_HS_RTO_INIT		250	/* ms before the first HELLO is resent */
#define KCP_HS_RTO_MAX		2000

/* HELLO's payload, before its padding */
struct kcp_hello {
	u8 version;
	u8 flags;
	__le16 zero;
	u8 nonce[8];
} __packed;

/* COOKIE's and ECHO's payload: the sender's token in each */
struct kcp_cookie_msg {
	u8 version;
	u8 flags;
	__le16 zero;
	__le32 slot;
	u8 cookie[8];
	u8 token[KCP_TOKEN_LEN];
} __packed;

static_assert(KCP_HDR_LEN + sizeof(struct kcp_cookie_msg) == KCP_ECHO_SIZE);
/* an answer to a HELLO is never larger than the HELLO */
static_assert(sizeof(struct kcp_cookie_msg) <= KCP_HELLO_LEN);
static_assert(KCP_TOKEN_LEN <= KCP_HELLO_LEN);
static_assert(sizeof(struct kcp_hello) <= KCP_HELLO_LEN);

static u32 kcp_cookie_slot(void)
{
	return (u32)(ktime_get_seconds() / KCP_COOKIE_SLOT_SECS);
}

static void kcp_cookie(const struct kcp_net *kn, const union kcp_addr *server,
		       const union kcp_addr *client, u32 conv, u32 slot,
		       u8 version, u8 *cookie)
{
	__le64 v = cpu_to_le64(kcp_flow_hash(kn, server, client, conv,
					     slot, KCP_HASH_COOKIE | version << 8));

	memcpy(cookie, &v, sizeof(v));
}

/* The HELLO, alone in its datagram: a stock server drops it. */
static void kcp_hello_send(struct kcp_sock *ks)
{
	struct kcp_hello hello = { .version = KCP_EXT_VERSION };
	struct kcp_hdr hdr = {
		.conv = ks->conv,
		.cmd = KCP_CMD_HELLO,
		.ts = kcp_clock_ms(),
	};

	memcpy(hello.nonce, ks->hs.nonce, sizeof(hello.nonce));
	kcp_control_xmit(ks->ep, &ks->local, &ks->peer, &ks->sk, &hdr, &hello,
			 sizeof(hello), KCP_HELLO_LEN - sizeof(hello),
			 &ks->dst_cache);
}

/**
 * kcp_handshake_connect() - start a kcp.ko client's handshake
 * @ks: a session just started by connect(), locked, in TCP_SYN_SENT
 *
 * The HELLO is sent again, later each time, until a COOKIE answers or
 * the connect timeout passes (kcp_handshake_check()).
 */
void kcp_handshake_connect(struct kcp_sock *ks)
{
	u32 now = kcp_clock_ms();

	ks->hs.started = now;
	ks->hs.rto = KCP_HS_RTO_INIT;
	ks->hs.next = now + ks->hs.rto;
	get_random_bytes(ks->hs.nonce, sizeof(ks->hs.nonce));
	kcp_hello_send(ks);
}

/* The ECHO a client's datagrams lead with, until the server answers. */
static void kcp_echo_fill(const struct kcp_sock *ks, u8 *at)
{
	struct kcp_cookie_msg msg = {
		.version = ks->hs.version,
		.slot = cpu_to_le32(ks->hs.slot),
	};
	struct kcp_hdr hdr = {
		.conv = ks->conv,
		.cmd = KCP_CMD_ECHO,
		.len = sizeof(msg),
	};

	memcpy(msg.cookie, ks->hs.cookie, sizeof(msg.cookie));
	memcpy(msg.token, ks->hs.token, sizeof(msg.token));
	kcp_hdr_encode(at, &hdr);
	memcpy(at + KCP_HDR_LEN, &msg, sizeof(msg));
}

/**
 * kcp_handshake_put_echo() - put the ECHO at the start of a datagram
 * @ks: a client that is echoing (ks->hs.echoing)
 * @skb: an empty datagram with KCP_ECHO_SIZE bytes of room
 */
void kcp_handshake_put_echo(const struct kcp_sock *ks, struct sk_buff *skb)
{
	kcp_echo_fill(ks, skb_put(skb, KCP_ECHO_SIZE));
}

static bool kcp_cookie_msg_valid(const struct kcp_hdr *hdr,
				 const struct kcp_cookie_msg *msg)
{
	return hdr->len == sizeof(*msg) && msg->version >= 1 &&
	       msg->version <= KCP_EXT_VERSION && !msg->flags && !msg->zero;
}

/*
 * The listener's answer: the client is established. Its first datagram
 * asks for the server's window, so that the server's session, which the
 * ECHO in front of it creates, answers at once even without data.
 */
static void kcp_cookie_rcv(struct kcp_sock *ks, const struct sk_buff *skb,
			   const u8 *data, const struct kcp_hdr *hdr)
{
	struct kcp_cookie_msg msg;
	struct sock *sk = &ks->sk;
	u32 now = kcp_clock_ms();
	union kcp_addr me;

	memcpy(&msg, data + KCP_HDR_LEN, min_t(u32, hdr->len, sizeof(msg)));
	if (!kcp_cookie_msg_valid(hdr, &msg))
		return;
	ks->hs.version = msg.version;
	ks->hs.slot = le32_to_cpu(msg.slot);
	memcpy(ks->hs.cookie, msg.cookie, sizeof(ks->hs.cookie));
	memcpy(ks->hs.peer_token, msg.token, sizeof(ks->hs.peer_token));
	/* our token names us as the server sees us: where this came to */
	kcp_endpoint_skb_dest(skb, ks->ep, &me);
	kcp_token(kcp_net(sock_net(sk)), &me, &ks->peer, ks->conv, ks->hs.token);

	ks->kcp->ext = true;
	if (!kcp_before(now, hdr->ts))
		kcp_engine_rtt_hint(ks->kcp, now - hdr->ts);
	ks->hs.echoing = true;
	ks->hs.started = now;
	ks->hs.rto = max_t(u32, KCP_HS_RTO_INIT, 2 * ks->kcp->rx_rto);
	ks->hs.next = now + ks->hs.rto;
	WRITE_ONCE(sk->sk_state, TCP_ESTABLISHED);
	kcp_session_opened(ks, KCP_STAT_A_ACTIVE_OPENS);
	kcp_engine_ask_window(ks->kcp);
	kcp_engine_update(ks->kcp, now);
	sk->sk_state_change(sk);
}

/**
 * kcp_handshake_rcv() - the extension's segments of a session's datagram
 * @ks: the session, locked
 * @skb: the datagram (for its addresses)
 * @data: its bytes, from its first segment on
 * @len: how many
 *
 * A COOKIE answers our HELLO; an RST may end the session; an ECHO leads a
 * client's datagrams (the session it created exists: the rest follows).
 * A client that is echoing stops once any other datagram comes from the
 * server's session. Before the COOKIE, nothing else is taken.
 *
 * Return: how many leading bytes were the extension's (a leading ECHO),
 * the rest being for the engine, or -1 if nothing is.
 */
int kcp_handshake_rcv(struct kcp_sock *ks, const struct sk_buff *skb,
		      const u8 *data, u32 len)
{
	bool connecting = ks->sk.sk_state == TCP_SYN_SENT;
	struct kcp_hdr hdr;

	sock_owned_by_me(&ks->sk);
	if (kcp_hdr_decode(&hdr, data, len))
		return connecting ? -1 : 0;	/* the engine counts the error */
	switch (hdr.cmd) {
	case KCP_CMD_COOKIE:
		if (connecting)
			kcp_cookie_rcv(ks, skb, data, &hdr);
		return -1;
	case KCP_CMD_RST:
		if (connecting)
			kcp_reset_refused(ks, data + KCP_HDR_LEN, hdr.len);
		else
			kcp_reset_rcv(ks, data + KCP_HDR_LEN, hdr.len);
		return -1;
	case KCP_CMD_ECHO:
		if (connecting || len == KCP_HDR_LEN + hdr.len)
			return -1;
		return KCP_HDR_LEN + hdr.len;
	case KCP_CMD_HELLO:
		return -1;
	}
	if (connecting)
		return -1;
	ks->hs.echoing = false;
	return 0;
}

/**
 * kcp_handshake_check() - resend the HELLO or the ECHO, or give up
 * @ks: a session, locked
 * @now: the engine clock
 *
 * A client gives up after its connect timeout without a COOKIE, or
 * without a word from the server's session after it: ETIMEDOUT.
 */
void kcp_handshake_check(struct kcp_sock *ks, u32 now)
{
	bool connecting = ks->sk.sk_state == TCP_SYN_SENT;

	if ((!connecting && !ks->hs.echoing) || kcp_before(now, ks->hs.next))
		return;
	if (!kcp_before(now, ks->hs.started + ks->connect_timeout)) {
		kcp_net_count(sock_net(&ks->sk), KCP_STAT_A_CONNECT_TIMEOUTS, 1);
		kcp_session_halt(ks, ETIMEDOUT);
		return;
	}
	ks->hs.rto = min_t(u32, 2 * ks->hs.rto, KCP_HS_RTO_MAX);
	ks->hs.next = now + ks->hs.rto;
	if (connecting)
		kcp_hello_send(ks);
	else
		kcp_engine_ask_window(ks->kcp);	/* behind the ECHO */
}

/**
 * kcp_handshake_due() - when kcp_handshake_check() next has work to do
 * @ks: a session, locked
 * @when: set to that time
 *
 * Return: whether there is such a time.
 */
bool kcp_handshake_due(const struct kcp_sock *ks, u32 *when)
{
	u32 give_up = ks->hs.started + ks->connect_timeout;

	if (ks->sk.sk_state != TCP_SYN_SENT && !ks->hs.echoing)
		return false;
	*when = kcp_before(give_up, ks->hs.next) ? give_up : ks->hs.next;
	return true;
}

/*
 * As kcp_session_spawn() will: room in the accept queue and the namespace,
 * or a stranger there whose place the client may take once it proved its
 * address.
 */
static bool kcp_listener_has_room(const struct kcp_sock *listener)
{
	const struct kcp_net *kn = kcp_net(sock_net(&listener->sk));

	if (READ_ONCE(listener->accept_len) >
	    READ_ONCE(listener->sk.sk_max_ack_backlog))
		return kcp_listener_may_evict(listener);
	return atomic_read(&kn->pending) < READ_ONCE(kn->pending_max);
}

/*
 * A HELLO: answer with a cookie, keeping nothing. A listener full of
 * clients that proved their addresses answers nothing, so the client
 * tries again later, as TCP drops a SYN.
 */
static void kcp_hello_rcv(struct kcp_endpoint *ep, struct kcp_sock *listener,
			  const struct kcp_hello *hello, const struct kcp_hdr *hdr,
			  const union kcp_addr *from, const union kcp_addr *to)
{
	struct kcp_net *kn = kcp_net(ep->net);
	struct kcp_cookie_msg msg = { };
	struct kcp_hdr reply = {
		.conv = hdr->conv,
		.cmd = KCP_CMD_COOKIE,
		.ts = hdr->ts,
	};

	if (!hello->version)
		return;
	if (!kcp_listener_has_room(listener)) {
		kcp_net_count(ep->net, KCP_STAT_A_LISTEN_OVERFLOWS, 1);
		return;
	}
	msg.version = min_t(u8, hello->version, KCP_EXT_VERSION);
	msg.slot = cpu_to_le32(kcp_cookie_slot());
	kcp_cookie(kn, to, from, hdr->conv, le32_to_cpu(msg.slot), msg.version,
		   msg.cookie);
	kcp_token(kn, to, from, hdr->conv, msg.token);
	if (!kcp_control_xmit(ep, to, from, &listener->sk, &reply, &msg,
			      sizeof(msg), 0, NULL))
		kcp_net_count(ep->net, KCP_STAT_A_COOKIES_SENT, 1);
}

/*
 * A HELLO to a port where nothing listens: refuse it, as TCP answers a SYN
 * with a reset, with a reset that proves it saw the HELLO (its nonce), so
 * that no one who did not see it can refuse a connection.
 */
static void kcp_hello_refuse(struct kcp_endpoint *ep,
			     const struct kcp_hello *hello,
			     const struct kcp_hdr *hdr,
			     const union kcp_addr *from,
			     const union kcp_addr *to)
{
	u8 token[KCP_TOKEN_LEN] = { };
	struct kcp_hdr reply = { .conv = hdr->conv, .cmd = KCP_CMD_RST };

	if (!__ratelimit(&kcp_net(ep->net)->reset_limit))
		return;
	memcpy(token, hello->nonce, sizeof(hello->nonce));
	if (!kcp_control_xmit(ep, to, from, ep->sock->sk, &reply, token,
			      sizeof(token), 0, NULL))
		kcp_net_count(ep->net, KCP_STAT_A_RESETS_SENT, 1);
}

/*
 * An ECHO for a conversation we do not have: a client that proved its
 * address, if the cookie is ours and of this slot or the one before.
 */
static bool kcp_echo_valid(struct kcp_endpoint *ep, const struct sk_buff *skb,
			   const struct kcp_hdr *hdr, const union kcp_addr *from,
			   const union kcp_addr *to, struct kcp_handshake *hs)
{
	struct kcp_net *kn = kcp_net(ep->net);
	u32 now = kcp_cookie_slot(), slot;
	struct kcp_cookie_msg msg;
	u8 cookie[8];

	if (hdr->len != sizeof(msg))
		return false;
	memcpy(&msg, skb->data + KCP_HDR_LEN, sizeof(msg));
	slot = le32_to_cpu(msg.slot);
	if (!kcp_cookie_msg_valid(hdr, &msg) || (slot != now && slot != now - 1))
		return false;
	kcp_cookie(kn, to, from, hdr->conv, slot, msg.version, cookie);
	if (!kcp_secret_equal(cookie, msg.cookie, sizeof(cookie)))
		return false;

	memset(hs, 0, sizeof(*hs));
	hs->version = msg.version;
	memcpy(hs->peer_token, msg.token, sizeof(hs->peer_token));
	kcp_token(kn, to, from, hdr->conv, hs->token);
	return true;
}

/**
 * kcp_handshake_stray() - a datagram for no session of the endpoint
 * @ep: the endpoint (RCU)
 * @skb: the datagram, at its KCP header, linear
 * @from: its source
 * @to: the address it was sent to
 * @taken: set if it needs no session to have done its job (a HELLO
 *	answered or refused); left alone if it was dropped
 *
 * A listener answers a HELLO with a COOKIE and creates a session for a
 * valid ECHO (a kcp.ko client) or a first PUSH (a stock one). Data for a
 * conversation we do not have gets a reset: a kcp.ko peer learns its
 * session is gone, a stock one drops it.
 *
 * Return: a new session (with a reference) to give @skb to, or NULL.
 */
struct kcp_sock *kcp_handshake_stray(struct kcp_endpoint *ep,
				     struct sk_buff *skb,
				     const union kcp_addr *from,
				     const union kcp_addr *to, bool *taken)
{
	struct kcp_sock *listener = rcu_dereference(ep->listener);
	struct kcp_handshake hs;
	struct kcp_hello hello;
	struct kcp_hdr hdr;

	if (kcp_hdr_decode(&hdr, skb->data, skb->len)) {
		kcp_net_count(ep->net, KCP_STAT_A_IN_ERRORS, 1);
		return NULL;
	}
	if (listener && READ_ONCE(listener->sk.sk_state) != TCP_LISTEN)
		listener = NULL;
	switch (hdr.cmd) {
	case KCP_CMD_HELLO:
		/* padded, so no answer is larger; never to a group */
		if (hdr.len < KCP_HELLO_LEN || skb->pkt_type != PACKET_HOST)
			return NULL;
		memcpy(&hello, skb->data + KCP_HDR_LEN, sizeof(hello));
		if (listener)
			kcp_hello_rcv(ep, listener, &hello, &hdr, from, to);
		else
			kcp_hello_refuse(ep, &hello, &hdr, from, to);
		*taken = true;
		return NULL;
	case KCP_CMD_ECHO:
		if (!listener)
			break;
		if (!kcp_echo_valid(ep, skb, &hdr, from, to, &hs)) {
			kcp_net_count(ep->net, KCP_STAT_A_COOKIES_INVALID, 1);
			return NULL;
		}
		return kcp_session_spawn(listener, from, to, hdr.conv, skb,
					 &hs);
	case KCP_CMD_PUSH:
		/* as kcp-go: only a first data segment starts a stock session */
		if (listener && hdr.sn == 0)
			return kcp_session_spawn(listener, from, to, hdr.conv,
						 skb, NULL);
		break;
	case KCP_CMD_COOKIE:
	case KCP_CMD_RST:
		kcp_net_count(ep->net, KCP_STAT_A_NO_SESSION, 1);
		return NULL;	/* never a reset for a reset */
	}
	kcp_net_count(ep->net, listener ? KCP_STAT_A_LISTEN_DROPS :
			       KCP_STAT_A_NO_SESSION, 1);
	kcp_reset_stray(ep, skb, from, to, hdr.conv);
	return NULL;
}
