/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kcp_netlink.h - the "kcp" generic netlink family: kcp.ko's control plane.
 *
 * Resolving the family name KCP_GENL_NAME loads kcp.ko if it is not loaded
 * (the module carries the alias). Everything is per network namespace: a
 * request sees and changes the namespace of the netlink socket it came on.
 * Reading is open to everyone; commands marked (admin) need CAP_NET_ADMIN
 * in the user namespace that owns the network namespace, and fail with
 * EPERM otherwise. Attributes are validated strictly: an unknown
 * attribute, a wrong type or size or a string too long fails the request
 * with EINVAL, a number out of its range or an address too short for its
 * family with ERANGE (as the kernel's netlink policies answer), an address
 * of another family than AF_INET or AF_INET6 with EAFNOSUPPORT; ENOENT
 * for an unknown profile or session, EBUSY, ENOSPC as noted. Every
 * refusal carries an extended-ack message naming the attribute, and
 * changes nothing. The family is described for tools such as the
 * kernel's ynl in docs/netlink/kcp.yaml.
 *
 * COMMANDS
 *
 *   KCP_NL_CMD_GET_INFO      do: KCP_A_VERSION, KCP_A_FAMILY, KCP_A_SETTINGS,
 *                            KCP_A_LIMITS, KCP_A_SESSIONS, KCP_A_ORPHANS,
 *                            KCP_A_PROFILES, KCP_A_MEMORY, KCP_A_PENDING
 *   KCP_NL_CMD_GET_PROFILE   do with KCP_A_PROFILE { NAME }: that profile;
 *                            dump: every profile, built-in ones first, then
 *                            the namespace's own in the order of creation.
 *                            Each reply is one KCP_A_PROFILE nest holding
 *                            every tunable
 *   KCP_NL_CMD_SET_PROFILE   (admin) KCP_A_PROFILE { NAME, [BASE], tunables }:
 *                            create the profile or change it. A new profile
 *                            starts from BASE (default: "default"), a changed
 *                            one from its current values (or BASE, if given);
 *                            the tunables given replace those. Built-in names
 *                            fail with EPERM; a combination the engine refuses
 *                            (as setsockopt would) with EINVAL; more than
 *                            KCP_LIMIT_A_PROFILES_MAX profiles with ENOSPC
 *   KCP_NL_CMD_DEL_PROFILE   (admin) KCP_A_PROFILE { NAME }. Built-in ones
 *                            fail with EPERM, the namespace's default with
 *                            EBUSY
 *   KCP_NL_CMD_GET_SESSION   do with KCP_A_SESSION { ID }: that session;
 *                            dump: every session in the namespace, oldest
 *                            first, each reply one KCP_A_SESSION nest. The dump
 *                            request may carry KCP_A_SESSION as a filter:
 *                            LOCAL and PEER match the address unless it is the
 *                            wildcard and the port unless it is 0, STATE the
 *                            state. A session that lives through the dump is
 *                            listed exactly once; one that opens or closes
 *                            during it at most once; NLM_F_DUMP_INTR flags a
 *                            dump during which the set of sessions changed
 *   KCP_NL_CMD_CLOSE_SESSION (admin) KCP_A_SESSION { ID }: abort the session
 *                            as SO_LINGER 0 would; its owner's next call fails
 *                            with ECONNABORTED
 *   KCP_NL_CMD_GET_STATS     do: KCP_A_STATS, the namespace's counters
 *   KCP_NL_CMD_SET_SETTINGS  (admin) KCP_A_SETTINGS with the settings to change
 *
 * NOTIFICATIONS, on the multicast group KCP_GENL_MCGRP_EVENTS
 *
 *   KCP_NL_CMD_SESSION_OPENED   KCP_A_SESSION { ID, STATE, CONV, LOCAL, PEER,
 *                               PROFILE, UID }
 *   KCP_NL_CMD_SESSION_CLOSED   KCP_A_SESSION { ID, CONV, LOCAL, PEER,
 *                               REASON }, when the session ends: it fails (REASON the
 *                               errno its owner sees), is aborted, or is
 *                               closed with nothing left to deliver or done
 *                               delivering (REASON 0). Until its owner closes
 *                               the socket, the dump still lists it, in
 *                               TCP_CLOSE
 *   KCP_NL_CMD_PROFILE_CHANGED  KCP_A_PROFILE { NAME, ACTION }
 *
 * PROFILES
 *
 * A profile is a named set of every tunable a socket has: the engine's
 * (SOL_KCP options), keepalive and the buffer sizes. A new AF_KCP socket
 * starts from its namespace's default profile (KCP_SETTING_A_DEFAULT_PROFILE,
 * "default" at first); setsockopt(KCP_PROFILE) takes any profile the
 * namespace has, built-in or its own. A socket copies the values when it
 * takes the profile: changing or deleting a profile later changes nothing
 * for sockets that already took it, as a sysctl default does not change
 * open sockets. KCP_INFO's kcpi_profile and the session dump name the
 * profile a socket took last.
 *
 * Built-in profiles cannot be changed or deleted. Their values, and why:
 * see kmod/profile.c and README.md ("Profiles").
 */
#ifndef _UAPI_LINUX_KCP_NETLINK_H
#define _UAPI_LINUX_KCP_NETLINK_H

#define KCP_GENL_NAME		"kcp"
#define KCP_GENL_VERSION	1
#define KCP_GENL_MCGRP_EVENTS	"events"

enum kcp_nl_cmd {
	KCP_NL_CMD_UNSPEC,
	KCP_NL_CMD_GET_INFO,
	KCP_NL_CMD_GET_PROFILE,
	KCP_NL_CMD_SET_PROFILE,
	KCP_NL_CMD_DEL_PROFILE,
	KCP_NL_CMD_GET_SESSION,
	KCP_NL_CMD_CLOSE_SESSION,
	KCP_NL_CMD_GET_STATS,
	KCP_NL_CMD_SET_SETTINGS,
	KCP_NL_CMD_SESSION_OPENED,
	KCP_NL_CMD_SESSION_CLOSED,
	KCP_NL_CMD_PROFILE_CHANGED,
	__KCP_NL_CMD_MAX
};

#define KCP_NL_CMD_MAX (__KCP_NL_CMD_MAX - 1)

/* Top-level attributes */
enum kcp_attr {
	KCP_A_UNSPEC,
	KCP_A_PAD,
	KCP_A_VERSION,		/* string: kcp.ko's version */
	KCP_A_FAMILY,		/* u32: the address family number in use */
	KCP_A_SETTINGS,		/* nest: enum kcp_setting_attr */
	KCP_A_LIMITS,		/* nest: enum kcp_limit_attr */
	KCP_A_SESSIONS,		/* u32: sessions in the namespace now */
	KCP_A_ORPHANS,		/* u32: of which orphans (closed, delivering) */
	KCP_A_PROFILES,		/* u32: profiles of the namespace's own */
	KCP_A_PROFILE,		/* nest: enum kcp_profile_attr */
	KCP_A_SESSION,		/* nest: enum kcp_session_attr */
	KCP_A_STATS,		/* nest: enum kcp_stat_attr */
	KCP_A_MEMORY,		/* u64: bytes the namespace's sessions hold */
	KCP_A_PENDING,		/* u32: sessions listeners hold, not yet accepted */
	__KCP_A_MAX
};

#define KCP_A_MAX (__KCP_A_MAX - 1)

/*
 * A profile. Tunables are u32, with the ranges and meaning of the socket
 * option of the same name (<linux/kcp.h>); flags are 0 or 1.
 */
enum kcp_profile_attr {
	KCP_PROFILE_A_UNSPEC,
	KCP_PROFILE_A_NAME,		/* string, 1..KCP_PROFILE_NAME_MAX-1 bytes */
	KCP_PROFILE_A_BASE,		/* string: SET_PROFILE starts from it */
	KCP_PROFILE_A_BUILTIN,		/* flag, read only */
	KCP_PROFILE_A_DEFAULT,		/* flag, read only: the namespace's default */
	KCP_PROFILE_A_ACTION,		/* u32 enum kcp_profile_action, events */
	KCP_PROFILE_A_NODELAY,		/* as KCP_NODELAY */
	KCP_PROFILE_A_INTERVAL,		/* KCP_INTERVAL, ms */
	KCP_PROFILE_A_RESEND,		/* KCP_RESEND */
	KCP_PROFILE_A_NC,		/* KCP_NC, flag */
	KCP_PROFILE_A_MTU,		/* KCP_MTU, bytes; 0: a socket keeps its own */
	KCP_PROFILE_A_SNDWND,		/* KCP_SNDWND, segments */
	KCP_PROFILE_A_RCVWND,		/* KCP_RCVWND, segments */
	KCP_PROFILE_A_MINRTO,		/* KCP_MINRTO, ms */
	KCP_PROFILE_A_FASTLIMIT,	/* KCP_FASTLIMIT */
	KCP_PROFILE_A_DEADLINK,		/* KCP_DEADLINK */
	KCP_PROFILE_A_ACK_NODELAY,	/* KCP_ACK_NODELAY, flag */
	KCP_PROFILE_A_ACK_DELAY,	/* KCP_ACK_DELAY, ms */
	KCP_PROFILE_A_EARLY_RETRANSMIT,	/* KCP_EARLY_RETRANSMIT, flag */
	KCP_PROFILE_A_WRITE_DELAY,	/* KCP_WRITE_DELAY, flag */
	KCP_PROFILE_A_PACING,		/* KCP_PACING, flag */
	KCP_PROFILE_A_REORDER_TOLERANT,	/* flag: RACK and F-RTO */
	KCP_PROFILE_A_KEEPALIVE,	/* flag: SO_KEEPALIVE on */
	KCP_PROFILE_A_KEEPIDLE,		/* KCP_KEEPIDLE, s */
	KCP_PROFILE_A_KEEPINTVL,	/* KCP_KEEPINTVL, s */
	KCP_PROFILE_A_KEEPCNT,		/* KCP_KEEPCNT */
	/* 0..INT_MAX / 2 each, as SO_SNDBUF and SO_RCVBUF double theirs */
	KCP_PROFILE_A_SNDBUF,		/* SO_SNDBUF in bytes; 0: the system's */
	KCP_PROFILE_A_RCVBUF,		/* SO_RCVBUF in bytes; 0: sized from RCVWND */
	KCP_PROFILE_A_STOCK,		/* KCP_STOCK, flag */
	KCP_PROFILE_A_CONNECT_TIMEOUT,	/* KCP_CONNECT_TIMEOUT, ms */
	KCP_PROFILE_A_THIN_DUP,		/* KCP_THIN_DUP, flag */
	__KCP_PROFILE_A_MAX
};

#define KCP_PROFILE_A_MAX (__KCP_PROFILE_A_MAX - 1)

enum kcp_profile_action {
	KCP_PROFILE_CREATED = 1,
	KCP_PROFILE_CHANGED,
	KCP_PROFILE_DELETED,
	KCP_PROFILE_MADE_DEFAULT,
};

enum kcp_session_attr {
	KCP_SESSION_A_UNSPEC,
	KCP_SESSION_A_PAD,
	KCP_SESSION_A_ID,	/* u64: stable for the session's life, never reused */
	KCP_SESSION_A_STATE,	/* u32: TCP_ESTABLISHED, TCP_FIN_WAIT1, ... */
	KCP_SESSION_A_CONV,	/* u32 */
	/* binary: struct sockaddr_in or sockaddr_in6 (by its family) */
	KCP_SESSION_A_LOCAL,
	KCP_SESSION_A_PEER,
	KCP_SESSION_A_PROFILE,	/* string: the profile the socket took last */
	KCP_SESSION_A_UID,	/* u32: the owner (as the socket's sk_uid) */
	KCP_SESSION_A_INODE,	/* u64: the socket's inode, 0 for an orphan */
	KCP_SESSION_A_ORPHAN,	/* flag: closed, still delivering */
	/* binary: struct kcp_info; a kernel with fewer fields sends fewer */
	KCP_SESSION_A_INFO,
	KCP_SESSION_A_REASON,	/* u32: errno that ended it, 0 for a clean end */
	__KCP_SESSION_A_MAX
};

#define KCP_SESSION_A_MAX (__KCP_SESSION_A_MAX - 1)

/* Per-namespace counters, u64 each, since the namespace was created. */
enum kcp_stat_attr {
	KCP_STAT_A_UNSPEC,
	KCP_STAT_A_PAD,
	KCP_STAT_A_IN_DATAGRAMS,	/* UDP datagrams that reached kcp.ko */
	KCP_STAT_A_IN_BYTES,		/* ... their bytes (UDP payload) */
	KCP_STAT_A_OUT_DATAGRAMS,
	KCP_STAT_A_OUT_BYTES,
	KCP_STAT_A_IN_SEGS,		/* KCP segments accepted */
	KCP_STAT_A_OUT_SEGS,
	KCP_STAT_A_ACTIVE_OPENS,	/* sessions connect() started */
	KCP_STAT_A_PASSIVE_OPENS,	/* sessions a listener created */
	KCP_STAT_A_CURR_ESTAB,		/* sessions established now (gauge) */
	KCP_STAT_A_RETRANS_TIMEOUT,	/* retransmissions on RTO expiry */
	KCP_STAT_A_RETRANS_FAST,
	KCP_STAT_A_RETRANS_EARLY,
	KCP_STAT_A_SPURIOUS_RETRANS,	/* found needless (Eifel) */
	KCP_STAT_A_REPEAT_SEGS,		/* duplicate data received */
	KCP_STAT_A_DROPPED_SEGS,	/* data refused: window or memory */
	/* input errors by cause */
	KCP_STAT_A_IN_ERRORS,		/* malformed datagrams */
	KCP_STAT_A_INVALID_SEGS,	/* una/ACK beyond what was sent, > MSS */
	KCP_STAT_A_NO_SESSION,		/* for no session and no listener */
	KCP_STAT_A_BACKLOG_DROPS,	/* socket busy, its backlog full */
	/* new sessions refused: accept queue or the namespace's pending_max full */
	KCP_STAT_A_LISTEN_OVERFLOWS,
	KCP_STAT_A_LISTEN_DROPS,	/* ... no memory, or not a first PUSH */
	/* how sessions ended */
	KCP_STAT_A_DEAD_LINKS,		/* dead-link limit: ETIMEDOUT */
	KCP_STAT_A_KEEPALIVE_TIMEOUTS,	/* keepalive probes unanswered */
	KCP_STAT_A_ICMP_UNREACH,	/* ended by an ICMP port unreachable */
	KCP_STAT_A_ABORTS,		/* SO_LINGER 0, shutdown while queued, CLOSE_SESSION */
	KCP_STAT_A_ORPHAN_OVERFLOWS,	/* close() discarded: orphan limit */
	KCP_STAT_A_ORPHAN_TIMEOUTS,	/* orphans that gave up undelivered */
	KCP_STAT_A_IDLE_TIMEOUTS,	/* accepted sessions expired idle */
	KCP_STAT_A_GSO_BATCHES,		/* datagram runs sent as one skb */
	/* datagrams taken while the namespace was at KCP_SETTING_A_MEM_MAX */
	KCP_STAT_A_MEM_LIMITED,
	/* the lifecycle extension (<linux/kcp.h>) */
	KCP_STAT_A_COOKIES_SENT,	/* HELLOs a listener answered */
	KCP_STAT_A_COOKIES_INVALID,	/* ECHOs refused: forged or stale */
	KCP_STAT_A_CONNECT_TIMEOUTS,	/* connect() gave up: ETIMEDOUT */
	KCP_STAT_A_RESETS_SENT,		/* RSTs sent, by sessions or statelessly */
	KCP_STAT_A_RESETS_ACCEPTED,	/* RSTs that ended a session */
	KCP_STAT_A_RESETS_INVALID,	/* RSTs with a wrong token, dropped */
	/* datagrams held back: 3x what an unproved address sent already */
	KCP_STAT_A_UNPROVED_HELD,
	/* strangers' sessions a proved client displaced from an accept queue */
	KCP_STAT_A_LISTEN_EVICTIONS,
	__KCP_STAT_A_MAX
};

#define KCP_STAT_A_MAX (__KCP_STAT_A_MAX - 1)

/* Per-namespace settings (u32 unless noted); all may be set (admin). */
enum kcp_setting_attr {
	KCP_SETTING_A_UNSPEC,
	KCP_SETTING_A_DEFAULT_PROFILE,	/* string: what new sockets start from */
	KCP_SETTING_A_ORPHAN_MAX,	/* 0..1048576 orphans (default 4096) */
	KCP_SETTING_A_ORPHAN_TIMEOUT,	/* 1000..3600000 ms (default 60000) */
	/*
	 * 0..86400000 ms (default 0: never): a session a listener accepted
	 * fails with ETIMEDOUT after this long without a datagram from its
	 * peer (stock peers cannot say they are gone; tokio_kcp uses 90 s)
	 */
	KCP_SETTING_A_IDLE_TIMEOUT,
	/*
	 * 0 or 1 (default 0): 1 reserves to CAP_NET_ADMIN the tunables that
	 * take more than a fair share of a link: KCP_NC 1 and KCP_MINRTO
	 * below KCP_RTO_MIN_UNPRIVILEGED, whether set alone or by a
	 * profile. A socket starting from the namespace's default profile
	 * keeps what the administrator chose.
	 */
	KCP_SETTING_A_RESTRICT_TUNABLES,
	/*
	 * 64..4194304 KiB: what the namespace's sessions may hold together,
	 * send and receive sides, segment overhead included (TCP's tcp_mem).
	 * Default: an eighth of RAM. From three quarters of it (pressure),
	 * socket buffers stop growing to fit their windows; at it, each side
	 * of a session holds no more than it does already or 16 KiB,
	 * whichever is more (so every session still moves, as with TCP's
	 * tcp_rmem[0]; a SOCK_SEQPACKET receiver keeps room for one whole
	 * message): the receive window shrinks and send() waits.
	 */
	KCP_SETTING_A_MEM_MAX,
	/*
	 * 1..1048576 (default 16384): sessions all the namespace's listeners
	 * together may hold before accept() takes them. Each listener's own
	 * bound is its listen() backlog; this one bounds a flood of spoofed
	 * first datagrams spread over many listeners.
	 */
	KCP_SETTING_A_PENDING_MAX,
	__KCP_SETTING_A_MAX
};

#define KCP_SETTING_A_MAX (__KCP_SETTING_A_MAX - 1)

#define KCP_RTO_MIN_UNPRIVILEGED	30	/* ms: ikcp's nodelay floor */

/* What this kcp.ko allows (u32 each), read only. */
enum kcp_limit_attr {
	KCP_LIMIT_A_UNSPEC,
	KCP_LIMIT_A_PROFILES_MAX,	/* profiles of a namespace's own */
	KCP_LIMIT_A_PROFILE_NAME_MAX,	/* bytes, NUL included */
	KCP_LIMIT_A_WND_MAX,		/* segments */
	KCP_LIMIT_A_MTU_MIN,
	KCP_LIMIT_A_MTU_MAX,
	__KCP_LIMIT_A_MAX
};

#define KCP_LIMIT_A_MAX (__KCP_LIMIT_A_MAX - 1)

#endif /* _UAPI_LINUX_KCP_NETLINK_H */
