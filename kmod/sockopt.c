// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * SOL_KCP socket options: every engine tunable, profiles by name, the
 * conversation id and KCP_INFO. A change is validated as a whole before
 * anything is applied, so a bad value changes nothing.
 */
#include <linux/net.h>
#include <linux/sockptr.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include <uapi/linux/kcp.h>

#include "handshake.h"
#include "lifecycle.h"
#include "net.h"
#include "profile.h"
#include "session.h"
#include "sock.h"
#include "sockopt.h"

/* Integer options and where they live in struct kcp_config. */
static const struct {
	int optname;
	size_t offset;
	bool is_bool;
} kcp_int_opts[] = {
	{ KCP_NODELAY, offsetof(struct kcp_config, nodelay), false },
	{ KCP_INTERVAL, offsetof(struct kcp_config, interval), false },
	{ KCP_RESEND, offsetof(struct kcp_config, resend), false },
	{ KCP_NC, offsetof(struct kcp_config, nc), true },
	{ KCP_MTU, offsetof(struct kcp_config, mtu), false },
	{ KCP_SNDWND, offsetof(struct kcp_config, snd_wnd), false },
	{ KCP_RCVWND, offsetof(struct kcp_config, rcv_wnd), false },
	{ KCP_MINRTO, offsetof(struct kcp_config, minrto), false },
	{ KCP_FASTLIMIT, offsetof(struct kcp_config, fastlimit), false },
	{ KCP_DEADLINK, offsetof(struct kcp_config, dead_link), false },
	{ KCP_ACK_NODELAY, offsetof(struct kcp_config, ack_nodelay), true },
	{ KCP_EARLY_RETRANSMIT, offsetof(struct kcp_config, early_retransmit), true },
	{ KCP_WRITE_DELAY, offsetof(struct kcp_config, write_delay), true },
	{ KCP_PACING, offsetof(struct kcp_config, pacing), true },
	{ KCP_ACK_DELAY, offsetof(struct kcp_config, ack_delay), false },
	{ KCP_THIN_DUP, offsetof(struct kcp_config, thin_dup), true },
};

static int kcp_int_opt(int optname, bool *is_bool, size_t *offset)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kcp_int_opts); i++) {
		if (kcp_int_opts[i].optname == optname) {
			*is_bool = kcp_int_opts[i].is_bool;
			*offset = kcp_int_opts[i].offset;
			return 0;
		}
	}
	return -ENOPROTOOPT;
}

/*
 * SO_KEEPALIVE's knobs, TCP_KEEPIDLE's and its siblings' twins: where the
 * value lives (ms, or a count), its unit in the option and its range.
 */
static int kcp_keepalive_opt(struct kcp_sock *ks, int optname, u32 **field,
			     u32 *unit, u32 *max)
{
	struct kcp_keepalive *ka = &ks->keepalive;

	*unit = MSEC_PER_SEC;
	*max = KCP_KEEP_SECS_MAX;
	switch (optname) {
	case KCP_KEEPIDLE:
		*field = &ka->idle;
		return 0;
	case KCP_KEEPINTVL:
		*field = &ka->intvl;
		return 0;
	case KCP_KEEPCNT:
		*field = &ka->cnt;
		*unit = 1;
		*max = KCP_KEEPCNT_MAX;
		return 0;
	}
	return -ENOPROTOOPT;
}

static int kcp_set_keepalive_opt(struct kcp_sock *ks, int optname,
				 sockptr_t optval, unsigned int optlen)
{
	u32 *field, unit, max;
	int val;

	kcp_keepalive_opt(ks, optname, &field, &unit, &max);
	if (optlen != sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (val < 1 || val > max)
		return -EINVAL;
	*field = val * unit;
	if (ks->kcp)
		kcp_session_kick(ks);	/* the next probe may now be sooner */
	return 0;
}

/*
 * What the next connect() does: KCP_STOCK (0 or 1) and KCP_CONNECT_TIMEOUT
 * (ms). Neither changes a session already started.
 */
static int kcp_set_connect_opt(struct kcp_sock *ks, int optname,
			       sockptr_t optval, unsigned int optlen)
{
	int val;

	if (optlen != sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	if (optname == KCP_STOCK) {
		if (val < 0 || val > 1)
			return -EINVAL;
		ks->stock = val;
		return 0;
	}
	if (val < KCP_CONNECT_TIMEOUT_MIN || val > KCP_CONNECT_TIMEOUT_MAX)
		return -EINVAL;
	ks->connect_timeout = val;
	return 0;
}

/* The configuration in force: the engine's once there is one. */
static struct kcp_config *kcp_current_cfg(struct kcp_sock *ks)
{
	return ks->kcp ? &ks->kcp->cfg : &ks->cfg;
}

/*
 * Under the namespace's restrict_tunables, turning congestion control off
 * or the RTO floor down takes CAP_NET_ADMIN over the namespace.
 */
static int kcp_may_change(struct kcp_sock *ks, const struct kcp_config *cfg)
{
	struct net *net = sock_net(&ks->sk);

	if (!READ_ONCE(kcp_net(net)->restrict_tunables) ||
	    !kcp_profile_privileged(kcp_current_cfg(ks), cfg) ||
	    ns_capable(net->user_ns, CAP_NET_ADMIN))
		return 0;
	return -EPERM;
}

/* Check @cfg, then apply it to the socket and any live engine. */
static int kcp_apply_cfg(struct kcp_sock *ks, struct kcp_config *cfg,
			 bool check)
{
	int err;

	cfg->stream = ks->cfg.stream;	/* fixed by the socket type */
	err = kcp_config_validate(cfg);
	if (err)
		return err;
	err = check ? kcp_may_change(ks, cfg) : 0;
	if (err)
		return err;
	if (ks->kcp) {
		err = kcp_engine_configure(ks->kcp, cfg, GFP_KERNEL);
		if (err)
			return err;
	}
	ks->cfg = *cfg;
	kcp_session_size_buffers(ks);
	if (ks->kcp)
		kcp_session_kick(ks);
	return 0;
}

/* SO_SNDBUF's and SO_RCVBUF's rule: the size asked for, doubled, locked. */
static void kcp_set_buf(struct sock *sk, int *buf, u32 size, u32 lock,
			int min)
{
	sk->sk_userlocks |= lock;
	WRITE_ONCE(*buf, max_t(int, size * 2, min));
}

/**
 * kcp_sock_take_profile() - give a socket every value of a profile
 * @ks: the socket, locked or not yet visible
 * @p: the profile (a copy)
 * @check: apply the namespace's restrict_tunables
 *
 * The MTU stays unless the profile sets one, SO_KEEPALIVE unless the
 * profile turns it on, each buffer size unless the profile sets one.
 *
 * Return: 0, or -EINVAL, -EBUSY (an MTU change under queued data), -EPERM
 * (restrict_tunables) with nothing changed.
 */
int kcp_sock_take_profile(struct kcp_sock *ks, const struct kcp_profile *p,
			  bool check)
{
	struct kcp_config cfg = p->cfg;
	struct sock *sk = &ks->sk;
	int err;

	cfg.mtu = cfg.mtu ?: kcp_current_cfg(ks)->mtu;
	cfg.rcv_limit = kcp_current_cfg(ks)->rcv_limit;
	err = kcp_apply_cfg(ks, &cfg, check);
	if (err)
		return err;
	if (p->sndbuf)
		kcp_set_buf(sk, &sk->sk_sndbuf, p->sndbuf, SOCK_SNDBUF_LOCK,
			    SOCK_MIN_SNDBUF);
	if (p->rcvbuf)
		kcp_set_buf(sk, &sk->sk_rcvbuf, p->rcvbuf, SOCK_RCVBUF_LOCK,
			    SOCK_MIN_RCVBUF);
	ks->keepalive.idle = p->keepidle * MSEC_PER_SEC;
	ks->keepalive.intvl = p->keepintvl * MSEC_PER_SEC;
	ks->keepalive.cnt = p->keepcnt;
	ks->stock = p->stock;
	ks->connect_timeout = p->connect_timeout;
	if (p->keepalive)
		kcp_session_keepalive(sk, 1);
	strscpy(ks->profile, p->name, sizeof(ks->profile));
	ks->minrto_set = false;
	return 0;
}

static int kcp_set_profile(struct kcp_sock *ks, sockptr_t optval,
			   unsigned int optlen)
{
	char name[KCP_PROFILE_NAME_MAX];
	struct kcp_profile p;

	if (!optlen || optlen > sizeof(name))
		return -EINVAL;
	if (copy_from_sockptr(name, optval, optlen))
		return -EFAULT;
	if (strnlen(name, optlen) == optlen) {
		if (optlen == sizeof(name))
			return -EINVAL;		/* no room for the NUL */
		name[optlen] = '\0';
	}
	if (kcp_profile_find(sock_net(&ks->sk), name, &p))
		return -ENOENT;
	return kcp_sock_take_profile(ks, &p, true);
}

/**
 * kcp_setsockopt() - proto_ops.setsockopt for SOL_KCP
 * @sock: the socket
 * @level: must be SOL_KCP
 * @optname: a KCP_* option
 * @optval: its value
 * @optlen: its size
 *
 * Return: 0; -ENOPROTOOPT for another level or an unknown or read-only
 * option; -EINVAL for a wrong size or a value out of range; -ENOENT for an
 * unknown profile; -EBUSY for an MTU change under queued data.
 */
int kcp_setsockopt(struct socket *sock, int level, int optname,
		   sockptr_t optval, unsigned int optlen)
{
	struct kcp_sock *ks = kcp_sk(sock->sk);
	struct kcp_config cfg;
	size_t offset;
	bool is_bool;
	int val, err;

	if (level != SOL_KCP)
		return -ENOPROTOOPT;
	lock_sock(&ks->sk);
	if (optname == KCP_PROFILE) {
		err = kcp_set_profile(ks, optval, optlen);
		goto out;
	}
	if (optname >= KCP_KEEPIDLE && optname <= KCP_KEEPCNT) {
		err = kcp_set_keepalive_opt(ks, optname, optval, optlen);
		goto out;
	}
	if (optname == KCP_STOCK || optname == KCP_CONNECT_TIMEOUT) {
		err = kcp_set_connect_opt(ks, optname, optval, optlen);
		goto out;
	}
	err = kcp_int_opt(optname, &is_bool, &offset);
	if (err)
		goto out;
	err = -EINVAL;
	if (optlen != sizeof(int))
		goto out;
	err = -EFAULT;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		goto out;
	err = -EINVAL;
	if (val < 0 || (is_bool && val > 1))
		goto out;

	cfg = *kcp_current_cfg(ks);
	if (is_bool)
		*(bool *)((u8 *)&cfg + offset) = val;
	else
		*(u32 *)((u8 *)&cfg + offset) = val;
	/* as ikcp_nodelay(): nodelay sets the RTO floor, unless set apart */
	if (optname == KCP_NODELAY && !ks->minrto_set)
		cfg.minrto = val ? KCP_RTO_MIN_NODELAY : KCP_RTO_MIN_DEFAULT;
	err = kcp_apply_cfg(ks, &cfg, true);
	if (!err && optname == KCP_MINRTO)
		ks->minrto_set = true;
out:
	release_sock(&ks->sk);
	return err;
}

/**
 * kcp_sock_fill_info() - KCP_INFO, for getsockopt and netlink
 * @ks: the socket, locked
 * @info: filled in
 */
void kcp_sock_fill_info(struct kcp_sock *ks, struct kcp_info *info)
{
	const struct kcp_engine *kcp = ks->kcp;
	const struct kcp_config *cfg = kcp_current_cfg(ks);

	memset(info, 0, sizeof(*info));
	info->kcpi_state = kcp_session_state(ks);
	info->kcpi_ext_version = ks->hs.version;
	info->kcpi_mtu = cfg->mtu;
	info->kcpi_snd_wnd = cfg->snd_wnd;
	info->kcpi_rcv_wnd = cfg->rcv_wnd;
	info->kcpi_nodelay = cfg->nodelay;
	info->kcpi_interval = cfg->interval;
	info->kcpi_resend = cfg->resend;
	info->kcpi_nc = cfg->nc;
	strscpy(info->kcpi_profile, ks->profile, sizeof(info->kcpi_profile));
	if (!kcp)
		return;
	info->kcpi_conv = kcp->conv;
	info->kcpi_mss = kcp->mss;
	info->kcpi_srtt = kcp->rx_srtt;
	info->kcpi_rttvar = kcp->rx_rttvar;
	info->kcpi_rto = kcp->rx_rto;
	info->kcpi_rmt_wnd = kcp->rmt_wnd;
	info->kcpi_cwnd = kcp->cfg.nc ? 0 : kcp->cwnd;
	info->kcpi_ssthresh = kcp->ssthresh;
	info->kcpi_inflight = kcp->snd_nxt - kcp->snd_una;
	info->kcpi_snd_queue = kcp->nsnd_que;
	info->kcpi_rcv_queue = kcp->nrcv_que;
	info->kcpi_rcv_buf = kcp->nrcv_buf;
	info->kcpi_snd_mem = kcp->snd_mem;
	info->kcpi_rcv_mem = kcp->rcv_mem;
	info->kcpi_dead = kcp->dead;
	info->kcpi_in_pkts = kcp->stats.in_pkts;
	info->kcpi_out_pkts = kcp->stats.out_pkts;
	info->kcpi_in_segs = kcp->stats.in_segs;
	info->kcpi_out_segs = kcp->stats.out_segs;
	info->kcpi_in_bytes = kcp->stats.in_bytes;
	info->kcpi_out_bytes = kcp->stats.out_bytes;
	info->kcpi_in_errors = kcp->stats.in_errors;
	info->kcpi_retrans_timeout = kcp->stats.retrans_timeout;
	info->kcpi_retrans_fast = kcp->stats.retrans_fast;
	info->kcpi_retrans_early = kcp->stats.retrans_early;
	info->kcpi_spurious_timeout = kcp->stats.retrans_spurious_timeout;
	info->kcpi_spurious_fast = kcp->stats.retrans_spurious_fast;
	info->kcpi_invalid_segs = kcp->stats.invalid_segs;
	info->kcpi_snd_bytes = kcp->snd_bytes;
	info->kcpi_gso_batches = ks->tx_batches;
	info->kcpi_repeat_segs = kcp->stats.repeat_segs;
	info->kcpi_dropped_segs = kcp->stats.dropped_segs;
	info->kcpi_backlog_drops = READ_ONCE(ks->backlog_drops);
	info->kcpi_thin_dups = kcp->stats.thin_dups;
	info->kcpi_rto_stalls = kcp->stats.rto_stalls;
	info->kcpi_rto_losses = kcp->stats.rto_losses;
}

/**
 * kcp_getsockopt() - proto_ops.getsockopt for SOL_KCP
 * @sock: the socket
 * @level: must be SOL_KCP
 * @optname: a KCP_* option
 * @optval: where the value goes
 * @optlen: in: room at @optval; out: bytes written
 *
 * Return: 0; -ENOPROTOOPT for another level or an unknown option; -EINVAL
 * for a negative or (integers) short length; -ENOTCONN for KCP_CONV
 * without a conversation.
 */
int kcp_getsockopt(struct socket *sock, int level, int optname,
		   char __user *optval, int __user *optlen)
{
	struct kcp_sock *ks = kcp_sk(sock->sk);
	union {
		struct kcp_info info;
		char name[KCP_PROFILE_NAME_MAX];
		int val;
	} out;
	size_t offset, size;
	bool is_bool;
	int len, err = 0;

	if (level != SOL_KCP)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	lock_sock(&ks->sk);
	switch (optname) {
	case KCP_INFO:
		kcp_sock_fill_info(ks, &out.info);
		size = sizeof(out.info);
		break;
	case KCP_PROFILE:
		strscpy(out.name, ks->profile, sizeof(out.name));
		size = strlen(out.name) + 1;
		break;
	case KCP_CONV:
		err = ks->kcp ? 0 : -ENOTCONN;
		out.val = ks->conv;
		size = sizeof(out.val);
		break;
	case KCP_STOCK:
	case KCP_CONNECT_TIMEOUT:
		out.val = optname == KCP_STOCK ? ks->stock : ks->connect_timeout;
		size = sizeof(out.val);
		if (len < (int)size)
			err = -EINVAL;
		break;
	case KCP_KEEPIDLE:
	case KCP_KEEPINTVL:
	case KCP_KEEPCNT: {
		u32 *field, unit, max;

		kcp_keepalive_opt(ks, optname, &field, &unit, &max);
		out.val = *field / unit;
		size = sizeof(out.val);
		if (len < (int)size)
			err = -EINVAL;
		break;
	}
	default:
		err = kcp_int_opt(optname, &is_bool, &offset);
		if (err)
			break;
		if (is_bool)
			out.val = *(bool *)((u8 *)kcp_current_cfg(ks) + offset);
		else
			out.val = *(u32 *)((u8 *)kcp_current_cfg(ks) + offset);
		size = sizeof(out.val);
		if (len < (int)size)
			err = -EINVAL;
		break;
	}
	release_sock(&ks->sk);
	if (err)
		return err;

	len = min_t(int, len, size);
	if (copy_to_user(optval, &out, len) || put_user(len, optlen))
		return -EFAULT;
	return 0;
}
