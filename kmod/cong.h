/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * Congestion control as a table of operations, in the manner of
 * tcp_congestion_ops (and of ikcp 2.0's pluggable controller). The engine
 * calls them at the points where ikcp adjusts its window.
 */
#ifndef _KCP_CONG_H
#define _KCP_CONG_H

#include <linux/types.h>

struct kcp_engine;

/**
 * struct kcp_cong_ops - a congestion controller
 * @name: shown in KCP_INFO and netlink
 * @init: reset the engine's cwnd/ssthresh/incr
 * @window: the congestion window in segments, or U32_MAX for none
 * @on_ack: the cumulative ack (snd_una) advanced by @acked segments during
 *	one input
 * @on_fast_retransmit: a flush fast-retransmitted at least one segment
 * @on_timeout: a flush retransmitted at least one segment on RTO expiry
 */
struct kcp_cong_ops {
	const char *name;
	void (*init)(struct kcp_engine *kcp);
	u32 (*window)(const struct kcp_engine *kcp);
	void (*on_ack)(struct kcp_engine *kcp, u32 acked);
	void (*on_fast_retransmit)(struct kcp_engine *kcp);
	void (*on_timeout)(struct kcp_engine *kcp);
};

extern const struct kcp_cong_ops kcp_cong_reno;
extern const struct kcp_cong_ops kcp_cong_none;

#endif /* _KCP_CONG_H */
