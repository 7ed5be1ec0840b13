// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The control plane's plumbing: a libnl socket bound to the "kcp" generic
 * netlink family, requests sent and answered to their end, and the
 * kernel's reason for a refusal (its extended acknowledgement) kept for
 * kcp_ctl_error(), as iw's error handler does.
 *
 * Only the libnl calls OpenWrt's libnl-tiny also has are used here
 * (tests/packaging/libnl-guard checks): no nl_send_sync(), no
 * NL_CB_DUMP_INTR (libnl-tiny ignores NLM_F_DUMP_INTR; we look at the
 * flag ourselves), NLA_F_NESTED set by hand.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "libkcp.h"
#include "ctl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED		0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS		0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG	1
#endif

/* The structs' "present" masks have a bit per attribute of their set. */
_Static_assert(KCP_PROFILE_A_MAX < 64 && KCP_SESSION_A_MAX < 64 &&
	       KCP_STAT_A_MAX < 64 && KCP_SETTING_A_MAX < 64 &&
	       KCP_LIMIT_A_MAX < 64, "an attribute set outgrew its mask");

/* The state of one request while its answer is read. */
struct kcp_request {
	struct kcp_ctl *ctl;
	kcp_ctl_reply_fn fn;
	void *arg;
	int result;		/* 0, the kernel's -errno, or fn's stop value */
	bool done;		/* acknowledged, dump ended or failed */
	bool stopped;		/* fn stopped: read the rest, call it no more */
};

int kcp_ctl_nlerr(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:			return 0;
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INTR:		return -EINTR;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_BAD_SOCK:	return -EBADF;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_INVAL:		return -EINVAL;
	default:		return -EIO;
	}
}

int kcp_ctl_get_u32(const struct nlattr *a, uint32_t *out)
{
	if (nla_len(a) < (int)sizeof(uint32_t))
		return -EINVAL;
	memcpy(out, nla_data(a), sizeof(*out));
	return 0;
}

int kcp_ctl_get_u64(const struct nlattr *a, uint64_t *out)
{
	/* u64 payloads may sit 4-byte aligned: copy, do not dereference */
	if (nla_len(a) < (int)sizeof(uint64_t))
		return -EINVAL;
	memcpy(out, nla_data(a), sizeof(*out));
	return 0;
}

void kcp_ctl_get_string(const struct nlattr *a, char *buf, size_t size)
{
	size_t len = nla_len(a) > 0 ? (size_t)nla_len(a) : 0;
	const char *src = nla_data(a);

	if (!size)
		return;
	if (len && !src[len - 1])
		len--;			/* the NUL a string attribute carries */
	if (len >= size)
		len = size - 1;
	memcpy(buf, src, len);
	buf[len] = '\0';
}

/*
 * The text of an extended ack: TLVs after the struct nlmsgerr and, unless
 * the kernel capped it, after the echoed request. @hdr is the NLMSG_ERROR
 * or NLMSG_DONE header, @off where the TLVs would start.
 */
static void keep_ext_ack(struct kcp_ctl *ctl, const struct nlmsghdr *hdr,
			 size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MSG + 1];

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS) || hdr->nlmsg_len <= off)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MSG, (struct nlattr *)((char *)hdr + off),
		      (int)(hdr->nlmsg_len - off), NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		kcp_ctl_get_string(tb[NLMSGERR_ATTR_MSG], ctl->error,
				   sizeof(ctl->error));
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *err, void *arg)
{
	const struct nlmsghdr *hdr = (const struct nlmsghdr *)err - 1;
	struct kcp_request *req = arg;
	size_t off = NLMSG_HDRLEN + sizeof(*err);

	(void)who;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED) &&
	    err->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN;
	keep_ext_ack(req->ctl, hdr, off);
	if (!req->stopped)
		req->result = err->error < 0 ? err->error : -EIO;
	req->done = true;
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; a dump that failed midway says why in it. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct kcp_request *req = arg;
	int error;

	if (hdr->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&error, nlmsg_data(hdr), sizeof(error));
		if (error < 0) {
			keep_ext_ack(req->ctl, hdr, NLMSG_HDRLEN + sizeof(int));
			if (!req->stopped)
				req->result = error;
		}
	}
	req->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct kcp_request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/* Before any other callback: a dump's parts flag a change under it. */
static int on_msg_in(struct nl_msg *msg, void *arg)
{
	struct kcp_request *req = arg;

	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		req->ctl->dump_intr = true;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KCP_A_MAX + 1];
	struct kcp_request *req = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	int ret;

	if (req->stopped || !req->fn)
		return NL_OK;
	if (genlmsg_parse(hdr, 0, tb, KCP_A_MAX, NULL) < 0) {
		req->result = -EBADMSG;
		req->stopped = true;
		return NL_OK;
	}
	ret = req->fn(tb, req->arg);
	if (ret) {
		req->result = ret;
		req->stopped = true;	/* the dump's rest is read and dropped */
	}
	return NL_OK;
}

struct nl_msg *kcp_ctl_msg(struct kcp_ctl *ctl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	/* A do request is acknowledged, so its end is known; a dump ends itself. */
	if (!genlmsg_put(msg, 0, 0, ctl->family_id, 0,
			 flags | (flags & NLM_F_DUMP ? 0 : NLM_F_ACK), cmd,
			 KCP_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nlattr *kcp_ctl_nest_start(struct nl_msg *msg, int type)
{
	return nla_nest_start(msg, type | NLA_F_NESTED);
}

int kcp_ctl_transact(struct kcp_ctl *ctl, struct nl_msg *msg,
		     kcp_ctl_reply_fn fn, void *arg)
{
	struct kcp_request req = { .ctl = ctl, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	ctl->error[0] = '\0';
	ctl->dump_intr = false;
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &req);
	nl_cb_set(cb, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);

	ret = nl_send_auto_complete(ctl->sock, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return kcp_ctl_nlerr(ret);
	}
	while (!req.done) {
		ret = nl_recvmsgs(ctl->sock, cb);
		/* libnl-3 reports a flagged dump once it has read it all */
		if (ret < 0 && !req.done && ret != -NLE_DUMP_INTR) {
			req.result = kcp_ctl_nlerr(ret);
			break;
		}
	}
	nl_cb_put(cb);
	return req.result;
}

int kcp_ctl_open(struct kcp_ctl **out)
{
	struct kcp_ctl *ctl = calloc(1, sizeof(*ctl));
	int one = 1, ret;

	if (!ctl)
		return -ENOMEM;
	ctl->sock = nl_socket_alloc();
	if (!ctl->sock) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = genl_connect(ctl->sock);
	if (ret < 0) {
		ret = kcp_ctl_nlerr(ret);
		goto err_free_sock;
	}
	/*
	 * The kernel's reason for a refusal, without our request echoed;
	 * kernels before 4.12 know neither option and give errno alone.
	 */
	setsockopt(nl_socket_get_fd(ctl->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(ctl->sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/* a dump's parts can outgrow libnl's first guess at a buffer */
	nl_socket_enable_msg_peek(ctl->sock);

	/* the lookup asks the kernel to load kcp.ko if it can */
	ctl->family_id = genl_ctrl_resolve(ctl->sock, KCP_GENL_NAME);
	if (ctl->family_id < 0) {
		ret = ctl->family_id == -NLE_OBJ_NOTFOUND ? -ENOENT :
		      kcp_ctl_nlerr(ctl->family_id);
		goto err_free_sock;
	}
	*out = ctl;
	return 0;

err_free_sock:
	nl_socket_free(ctl->sock);
err_free:
	free(ctl);
	return ret;
}

void kcp_ctl_close(struct kcp_ctl *ctl)
{
	if (!ctl)
		return;
	nl_socket_free(ctl->sock);
	free(ctl);
}

const char *kcp_ctl_error(const struct kcp_ctl *ctl)
{
	return ctl->error;
}

bool kcp_ctl_dump_interrupted(const struct kcp_ctl *ctl)
{
	return ctl->dump_intr;
}
