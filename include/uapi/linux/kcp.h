/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kcp.h - the contract between kcp.ko and userspace.
 *
 * KCP is an ARQ transport carried in UDP datagrams. kcp.ko runs the KCP
 * engine in the kernel and exposes it as a socket family:
 *
 *	int fd = socket(kcp_family(), SOCK_STREAM, 0);
 *
 * THE ADDRESS FAMILY NUMBER
 *
 * An out-of-tree module cannot add a new AF_ constant: sock_register()
 * only takes a family below AF_MAX whose slot is free. kcp.ko therefore
 * borrows an obsolete slot, AF_KCP_DEFAULT = 19, which belonged to AF_ECONET
 * (removed from Linux in 3.5 and never reused). Slots we avoid: 12 (DECnet,
 * still present in 5.15), 25 (used by an out-of-tree WAN driver), 27
 * (AF_IB), 28 (socket(28, ...) autoloads the MPLS module).
 *
 * The slot can be moved at load time (insmod kcp.ko family=N), so programs
 * must not hard-code it: read it from KCP_FAMILY_SYSFS (the userspace
 * library's kcp_family() does) and treat AF_KCP_DEFAULT as a fallback only.
 */
#ifndef _UAPI_LINUX_KCP_H
#define _UAPI_LINUX_KCP_H

#include <linux/types.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>

#define AF_KCP_DEFAULT		19
#define PF_KCP_DEFAULT		AF_KCP_DEFAULT

/* Read-only module parameter holding the family number in use. */
#define KCP_FAMILY_SYSFS	"/sys/module/kcp/parameters/family"

/**
 * struct sockaddr_kcp - a KCP endpoint: a UDP endpoint plus a conversation
 * @kcp_family: AF_KCP (the number in use, see above)
 * @kcp_reserved: must be zero
 * @kcp_conv: conversation id in host byte order; 0 lets the stack choose
 * @kcp_udp: the UDP endpoint; its sin_family (AF_INET or AF_INET6) selects
 *	which member is valid. Port and address are in network byte order, as
 *	in any sockaddr_in/sockaddr_in6.
 */
struct sockaddr_kcp {
	__kernel_sa_family_t	kcp_family;
	__u16			kcp_reserved;
	__u32			kcp_conv;
	union {
		struct sockaddr_in	sin;
		struct sockaddr_in6	sin6;
	} kcp_udp;
};

/*
 * SOCKET SEMANTICS
 *
 * SOCK_STREAM is KCP stream mode (a byte stream); SOCK_SEQPACKET is message
 * mode (each send() is one message of at most 127 segments, delivered
 * whole; a short read truncates it and sets MSG_TRUNC). Between two kcp.ko
 * endpoints, connect() is a handshake (THE LIFECYCLE EXTENSION, below): a
 * blocking connect() returns once the listener answered, one round trip;
 * a non-blocking one fails with EINPROGRESS and the socket polls EPOLLOUT
 * when connected, or EPOLLERR with SO_ERROR set: ECONNREFUSED (an ICMP port
 * unreachable), ETIMEDOUT (KCP_CONNECT_TIMEOUT). As with TCP, a socket whose
 * connect() failed may connect() again (from the same local port); one
 * that connected gets EISCONN. With KCP_STOCK, for a stock
 * server (ikcp, kcp-go, tokio_kcp), which has no handshake, connect()
 * completes at once, even on a non-blocking socket. A listener serves both
 * at once: its accepted sockets are the clients that completed the
 * handshake and the stock clients, the (peer address, conv) pairs whose
 * first datagram was data (a PUSH with sn 0). SIOCINQ gives the bytes
 * ready to read; SIOCOUTQ the payload bytes not yet acknowledged, 0 once
 * the peer has acknowledged everything (KCP_INFO's kcpi_snd_mem and
 * kcpi_rcv_mem are the memory each side holds, segment overhead included:
 * SO_SNDBUF and SO_RCVBUF bound those). A received segment longer than the
 * MSS is refused, so both sides need the same KCP_MTU. A peer that stops acknowledging fails
 * the socket with ETIMEDOUT after KCP_DEADLINK transmissions of a segment
 * (its first and those on RTO expiry: a fast retransmit means ACKs came),
 * or, with SO_KEEPALIVE, after KCP_KEEPCNT unanswered probes.
 *
 * ENDING A SESSION
 *
 * Between kcp.ko endpoints the end of the stream travels in it (a FIN, each
 * direction on its own): after close() or shutdown(SHUT_WR) the peer reads
 * every byte sent, then 0 (EOF), and polls EPOLLIN | EPOLLRDHUP; EPOLLHUP
 * once both directions are shut. A session ended abruptly (SO_LINGER 0,
 * close() with unread data, the peer's process gone and its port reused)
 * sends a reset: its peer fails with ECONNRESET. A stock peer knows neither:
 * it sees no end of stream, and none is sent to it.
 *
 * A session that failed (ETIMEDOUT) is over: it leaves the endpoint, what
 * was not yet acknowledged is dropped, recv() returns what was received,
 * then the error once, then 0; send() fails with the error once, then
 * EPIPE (and SIGPIPE unless MSG_NOSIGNAL); poll() reports EPOLLERR and
 * EPOLLHUP. close() is graceful: what was sent is still delivered by the
 * orphaned session (KCP_INFO state TCP_FIN_WAIT1, then TCP_TIME_WAIT for
 * two RTOs to answer late retransmissions) for at most the namespace's
 * orphan timeout (60 s) and while fewer than its orphan limit (4096) are
 * delivering; beyond either, what is left is dropped. SO_LINGER with a
 * timeout makes close() wait for the delivery; with 0, close() drops what
 * is queued at once. shutdown(SHUT_RD) makes recv() return what is
 * buffered, then 0; shutdown(SHUT_WR) makes send() fail with EPIPE, and
 * sends the FIN after what was queued.
 *
 * A stock client proves nothing by its first datagram (its source may be
 * spoofed): until it acknowledges our data, its session sends it at most
 * three times what it sent, plus one full datagram for a first answer
 * (QUIC's anti-amplification rule); one address holds at most a sixteenth
 * of the namespace's places in accept queues. A kcp.ko client proves its
 * address in the handshake.
 *
 * A port is free again as soon as no application holds a socket on it:
 * orphans still finishing (FIN_WAIT, TIME_WAIT) do not keep a restarting
 * server from binding it, with or without SO_REUSEADDR, and keep
 * answering their peers from it. While sockets are open on it, a second
 * bind needs SO_REUSEADDR on every one of them, and the same user.
 *
 * SOCKET OPTIONS, level SOL_KCP
 *
 * Integer options take and return an int. They may be set before connect()
 * (they shape the session to come; on a listener, every accepted session)
 * or on a live session, except KCP_MTU, which fails with EBUSY while data
 * is queued or in flight. A value outside its range fails with EINVAL and
 * changes nothing; so does an optlen other than sizeof(int).
 *
 *   KCP_NODELAY        0..2: RTO backoff on timeout x2, x1.5, +rto/2;
 *                      nonzero also drops the first-transmission grace.
 *                      As ikcp_nodelay(), it sets KCP_MINRTO to 30 ms
 *                      (nonzero) or 100 ms (0), unless KCP_MINRTO was set
 *                      since the socket was created or took a profile
 *   KCP_INTERVAL       10..5000 ms between periodic flushes, which do
 *                      what is periodic: early retransmission and window
 *                      probing, plus whatever KCP_WRITE_DELAY or
 *                      KCP_ACK_DELAY 0 holds for them. It is also the
 *                      floor of the RTO's variance term, as in ikcp
 *   KCP_RESEND         0..1000: fast retransmit after this many ACKs skip a
 *                      segment (0: off)
 *   KCP_NC             0 or 1: 1 turns congestion control off
 *   KCP_MTU            50..9000 bytes per datagram (UDP payload)
 *   KCP_SNDWND         1..65535 segments
 *   KCP_RCVWND         128..65535 segments
 *   KCP_MINRTO         1..60000 ms
 *   KCP_FASTLIMIT      0..1000 transmissions after which fast retransmit
 *                      stops (0: no limit)
 *   KCP_DEADLINK       1..1000 transmissions of one segment, the first
 *                      and those on RTO expiry, before the session fails
 *                      with ETIMEDOUT
 *   KCP_ACK_NODELAY    0 or 1 (default 0): 1 acknowledges each datagram
 *                      as soon as it is processed (kcp-go's option)
 *   KCP_ACK_DELAY      0..500 ms (default 1): without KCP_ACK_NODELAY,
 *                      ACKs owed leave with data, or within this delay,
 *                      or at once when data arrived out of order or
 *                      repeated or 4 ACKs are owed (as TCP's delayed ACK,
 *                      bounded); 0 holds them for the next periodic flush
 *                      as ikcp and kcp-go do
 *   KCP_EARLY_RETRANSMIT 0 or 1 (default 1): resend a segment later ACKs
 *                      skipped at the next periodic flush that sends
 *                      nothing new (kcp-go's)
 *   KCP_WRITE_DELAY    0 or 1 (default 0): 1 holds new data and
 *                      retransmissions for the next periodic flush, which
 *                      batches small writes as ikcp does (kcp-go's
 *                      SetWriteDelay); 0 sends them as soon as they are
 *                      due: data when it is written, within the window, a
 *                      retransmission at its deadline
 *   KCP_PACING         0 or 1 (default 1): spread a window of new segments
 *                      over the measured round trip instead of sending it
 *                      in one burst (bursts of 16 segments at most, or two
 *                      milliseconds' worth), so that a receiver's socket
 *                      buffer is not overrun
 *   KCP_THIN_DUP       0 or 1 (default 0; 1 in the "realtime" profile):
 *                      while fewer than 4 segments are in flight, send
 *                      each new segment twice, in two datagrams, so that a
 *                      thin stream's message (a game's, a shell's)
 *                      survives one loss without waiting for a resend;
 *                      bulk transfers are not doubled. The peer, stock or
 *                      not, takes the copy for a repeat
 *   KCP_PROFILE        a NUL-terminated name (set) of a profile that sets
 *                      the tunables above, keepalive and the buffer sizes
 *                      at once: a built-in one (all but "ikcp" send at
 *                      once: KCP_ACK_DELAY 1, KCP_WRITE_DELAY 0,
 *                      KCP_PACING 1) or one the namespace's administrator
 *                      defined (<linux/kcp_netlink.h>, kcpctl profile).
 *                      getsockopt returns the name last set; a new socket
 *                      starts from the namespace's default profile
 *                      ("default" unless kcpctl changed it). Unknown
 *                      names fail with ENOENT; with the namespace's
 *                      restrict_tunables setting, a profile turning
 *                      congestion control off or the RTO floor below
 *                      30 ms fails with EPERM without CAP_NET_ADMIN.
 *   KCP_KEEPIDLE       1..32767 s (default 30): with SO_KEEPALIVE, how long
 *                      the peer may be silent before the first probe
 *   KCP_KEEPINTVL      1..32767 s (default 5): between probes
 *   KCP_KEEPCNT        1..127 (default 6): unanswered probes after which
 *                      the session fails with ETIMEDOUT. A probe is a
 *                      window probe (WASK), which every KCP peer answers
 *   KCP_STOCK          0 or 1 (default 0): the server connect() dials is a
 *                      stock KCP implementation: no handshake, no FIN,
 *                      no reset (close() still delivers what was queued,
 *                      keepalive still detects a dead peer)
 *   KCP_CONNECT_TIMEOUT 100..600000 ms (default 20000): how long connect()
 *                      waits for the listener's answer before ETIMEDOUT
 *   KCP_CONV           __u32, read only: the conversation id
 *   KCP_INFO           struct kcp_info, read only; shorter optlen gets a
 *                      prefix, as TCP_INFO
 */
#define SOL_KCP			0x4b43	/* "KC"; any level but SOL_SOCKET is ours */
#define KCP_PROFILE_NAME_MAX	32

enum {
	KCP_NODELAY = 1,
	KCP_INTERVAL,
	KCP_RESEND,
	KCP_NC,
	KCP_MTU,
	KCP_SNDWND,
	KCP_RCVWND,
	KCP_MINRTO,
	KCP_FASTLIMIT,
	KCP_DEADLINK,
	KCP_ACK_NODELAY,
	KCP_EARLY_RETRANSMIT,
	KCP_PROFILE,
	KCP_CONV,
	KCP_INFO,
	KCP_WRITE_DELAY,
	KCP_PACING,
	KCP_ACK_DELAY,
	KCP_KEEPIDLE,
	KCP_KEEPINTVL,
	KCP_KEEPCNT,
	KCP_STOCK,
	KCP_CONNECT_TIMEOUT,
	KCP_THIN_DUP,
};

/**
 * struct kcp_info - the state of one KCP session, like struct tcp_info
 *
 * Times are in milliseconds, windows and queues in segments, counters
 * since the session began. New fields are only ever appended.
 */
struct kcp_info {
	__u32	kcpi_state;		/* TCP_ESTABLISHED, TCP_LISTEN, TCP_CLOSE */
	__u32	kcpi_conv;
	__u32	kcpi_mtu;
	__u32	kcpi_mss;
	__u32	kcpi_srtt;
	__u32	kcpi_rttvar;
	__u32	kcpi_rto;
	__u32	kcpi_snd_wnd;		/* ours */
	__u32	kcpi_rcv_wnd;
	__u32	kcpi_rmt_wnd;		/* the peer's last advertised window */
	__u32	kcpi_cwnd;		/* 0 with congestion control off */
	__u32	kcpi_ssthresh;
	__u32	kcpi_inflight;		/* sent, not yet acknowledged */
	__u32	kcpi_snd_queue;		/* queued, not yet sent */
	__u32	kcpi_rcv_queue;		/* in order, not yet read */
	__u32	kcpi_rcv_buf;		/* out of order */
	__u32	kcpi_snd_mem;		/* memory the send side holds */
	__u32	kcpi_rcv_mem;		/* memory the receive side holds */
	__u32	kcpi_nodelay;
	__u32	kcpi_interval;
	__u32	kcpi_resend;
	__u32	kcpi_nc;
	__u32	kcpi_dead;		/* 1 once the dead-link limit was hit */
	__u32	kcpi_pad;
	__u64	kcpi_in_pkts;		/* datagrams received */
	__u64	kcpi_out_pkts;		/* datagrams sent */
	__u64	kcpi_in_segs;
	__u64	kcpi_out_segs;
	__u64	kcpi_in_bytes;
	__u64	kcpi_out_bytes;
	__u64	kcpi_in_errors;		/* malformed datagrams */
	__u64	kcpi_retrans_timeout;	/* retransmissions on RTO expiry */
	__u64	kcpi_retrans_fast;	/* ... after KCP_RESEND skipping ACKs */
	__u64	kcpi_retrans_early;	/* ... early retransmit */
	__u64	kcpi_repeat_segs;	/* duplicate data received */
	__u64	kcpi_dropped_segs;	/* data refused: window or memory */
	/* datagrams dropped while a syscall held the socket, backlog full */
	__u64	kcpi_backlog_drops;
	/* retransmissions the peer's ACK showed needless (its echoed time) */
	__u64	kcpi_spurious_timeout;
	__u64	kcpi_spurious_fast;	/* fast and early */
	/* segments refused: acking what was never sent, longer than the MSS */
	__u64	kcpi_invalid_segs;
	__u32	kcpi_snd_bytes;		/* payload not yet acknowledged */
	__u32	kcpi_pad2;
	__u64	kcpi_gso_batches;	/* runs of datagrams sent as one (UDP GSO) */
	char	kcpi_profile[KCP_PROFILE_NAME_MAX];	/* as KCP_PROFILE reads */
	/* the extension's version the peer speaks; 0: a stock peer */
	__u32	kcpi_ext_version;
	__u32	kcpi_pad3;
	__u64	kcpi_thin_dups;		/* second copies sent (KCP_THIN_DUP) */
	/*
	 * RTO expiries with many segments in flight (KCP_REORDER_TOLERANT):
	 * one segment went as a probe and the others waited for its answer,
	 * which showed the path had only stalled (nothing more was resent)
	 * or had lost them (the others went).
	 */
	__u64	kcpi_rto_stalls;
	__u64	kcpi_rto_losses;
};

/*
 * THE LIFECYCLE EXTENSION
 *
 * Stock KCP has no connection: no handshake, no end of stream, no reset.
 * kcp.ko adds them between kcp.ko endpoints with five commands, in the
 * stock 24-byte segment header (conv, cmd, frg, wnd, ts, sn, una, len;
 * little-endian), which every stock implementation drops harmlessly: it
 * discards a datagram whose command it does not know before it changes any
 * state, so HELLO and RST, the two that may reach a stock peer, are always
 * alone in their datagram, and the others are sent only to a peer that
 * proved it speaks the extension.
 *
 *   HELLO  88  client -> listener. Payload (KCP_HELLO_LEN = 64 bytes): the
 *              highest version the client speaks (1 byte, 1 today), a
 *              flags byte (0), 2 zero bytes, a random nonce (8 bytes),
 *              zero padding. The padding makes HELLO larger than any
 *              answer to it: no one sends more to an unproved address
 *              than it received from it. A kcp.ko endpoint where nothing
 *              listens answers with an RST whose token is the nonce and 8
 *              zero bytes: the client's connect() fails with ECONNREFUSED,
 *              and no one who did not see the HELLO can refuse it.
 *   COOKIE 89  listener -> client, stateless. Payload (32 bytes): version
 *              chosen (1), flags (0), 2 zero bytes, the time slot (__le32,
 *              32 s each), the cookie (8 bytes: SipHash-2-4 under the
 *              namespace's secret of both addresses and ports, conv, slot,
 *              version), the listener's reset token (16 bytes). ts echoes
 *              the HELLO's, so the client has a first round-trip time.
 *   ECHO   90  client -> listener: the COOKIE's payload sent back with the
 *              client's own reset token in place of the listener's. It
 *              leads the client's datagrams, before their segments, until
 *              the server's session answers (any datagram from it): for
 *              that round trip they are 56 bytes over KCP_MTU.
 *   FIN    91  end of stream: a PUSH with no payload that takes the next
 *              sn, acknowledged and retransmitted as data.
 *   RST    92  the conversation is gone. Payload: the sender's reset token
 *              (16 bytes), alone in its datagram.
 *
 *   client                                   listener
 *   SYN_SENT   HELLO(conv, v1, padding) ->   (keeps nothing)
 *              <- COOKIE(v1, slot, cookie, listener token)
 *   ESTABLISHED  ECHO(cookie, client token) + data, WASK ->
 *                                            cookie checked: the session
 *                                            exists, accept() returns it
 *              <- ACK, WINS, data            ESTABLISHED
 *   ... data both ways; ECHO stops leading the client's datagrams ...
 *   close()    data, FIN ->                  recv() reads the data, then 0
 *   FIN_WAIT1  <- ACK(FIN)                   CLOSE_WAIT
 *   FIN_WAIT2  <- data, FIN                  close(): LAST_ACK
 *   TIME_WAIT  ACK(FIN) ->                   gone
 *   (and after two RTOs, it goes)
 *
 * The requirements it meets, and how:
 * - connect() completes after one round trip (HELLO, COOKIE); the client
 *   may send data at once, behind the ECHO.
 * - A listener keeps no state for a client until the client proved it
 *   receives at its address: the cookie is a keyed hash only the
 *   listener's namespace can make, over the addresses, valid for the
 *   current and the previous 32 s slot. A flood of spoofed HELLOs
 *   allocates nothing; a forged ECHO is refused and counted. A client
 *   whose ECHO proved its address takes the place of the oldest stock
 *   session in a full accept queue that has proved nothing (a stock
 *   client's first PUSH can be spoofed); a queue full of proved clients
 *   answers no HELLO: the client retries, as a SYN is dropped.
 * - End of stream is in the sequence space: the FIN is delivered after
 *   every byte before it, each direction on its own (half close).
 * - A reset is accepted only with the token its sender gave in the
 *   handshake: SipHash under the sender's namespace secret of its own
 *   address and port, the peer's, and conv. An attacker off the path needs
 *   the addresses, ports, conv and 128 secret bits; one on the path, which
 *   saw the handshake, could always have dropped the traffic. Because the
 *   token is derived rather than stored, an endpoint that lost a session
 *   (its process restarted on the same port) answers the peer's next
 *   datagram with a valid reset (rate limited, never larger than what it
 *   answers, never to a reset). A namespace's secret lives as long as the
 *   namespace: after a reboot the peer learns of the loss by its
 *   dead-link limit or keepalive instead.
 * - A stock peer never sees COOKIE, ECHO or FIN, and drops HELLO and RST.
 *   A kcp.ko client talking to a stock server needs KCP_STOCK (a HELLO
 *   would go unanswered); a listener tells stock clients by their first
 *   datagram.
 * - Versions: HELLO offers the highest it speaks, COOKIE picks what both
 *   speak; a later version may add segments or fields after these.
 */

#endif /* _UAPI_LINUX_KCP_H */
