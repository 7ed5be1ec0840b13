/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * Two engines whose datagrams a KUnit case carries by hand (manual_link.c).
 */
#ifndef _KCP_MANUAL_LINK_H
#define _KCP_MANUAL_LINK_H

#include <linux/types.h>

struct kunit;
struct kcp_config;
struct kcp_engine;
struct manual;

struct manual_side {
	struct manual *m;
	struct kcp_engine *kcp;
	u8 q[80][64];		/* datagrams waiting to be carried */
	u32 len[80];
	u32 n;
};

struct manual {
	struct manual_side side[2];
};

struct manual *manual_init(struct kunit *test, const struct kcp_config *cfg);
void manual_destroy(struct manual *m);
void manual_carry(struct manual *m, int from, u32 now, s64 drop_sn);

#endif /* _KCP_MANUAL_LINK_H */
