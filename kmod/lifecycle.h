/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * How a session ends: close() with data still queued, SO_LINGER, a dead
 * peer, keepalive (lifecycle.c).
 */
#ifndef _KCP_LIFECYCLE_H
#define _KCP_LIFECYCLE_H

#include <linux/types.h>

struct kcp_keepalive;
struct kcp_sock;

/* TCP's SO_KEEPALIVE knobs, in seconds, and their range (TCP_KEEPIDLE's) */
#define KCP_KEEPIDLE_DEFAULT	30
#define KCP_KEEPINTVL_DEFAULT	5
#define KCP_KEEPCNT_DEFAULT	6
#define KCP_KEEP_SECS_MAX	32767
#define KCP_KEEPCNT_MAX		127

void kcp_keepalive_init(struct kcp_keepalive *ka);
void kcp_lifecycle_check(struct kcp_sock *ks, u32 now);
bool kcp_lifecycle_due(const struct kcp_sock *ks, u32 *when);
void kcp_session_close(struct kcp_sock *ks);
void kcp_session_halt(struct kcp_sock *ks, int err);
void kcp_session_free(struct kcp_sock *ks);
void kcp_session_discard(struct kcp_sock *ks);
int kcp_session_state(const struct kcp_sock *ks);

#endif /* _KCP_LIFECYCLE_H */
