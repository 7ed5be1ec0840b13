/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * Two engines wired back to back through an in-memory link with scripted
 * loss, duplication and reordering, on a virtual millisecond clock. Shared
 * by the KUnit suites.
 */
#ifndef _KCP_TEST_LINK_H
#define _KCP_TEST_LINK_H

#include <linux/types.h>

struct kunit;
struct kcp_config;
struct kcp_engine;

/**
 * struct test_link_script - what the link does to datagrams, per direction
 * @loss: percent of datagrams dropped
 * @dup: percent of datagrams delivered twice
 * @delay: base one-way delay, ms
 * @jitter: extra random delay in [0, jitter) ms; reorders datagrams
 * @drop_first: drop the first this-many datagrams a->b, then apply @loss
 */
struct test_link_script {
	u32 loss;
	u32 dup;
	u32 delay;
	u32 jitter;
	u32 drop_first;
};

struct test_dgram;

struct test_side {
	struct kcp_engine *kcp;
	struct test_link *link;
	struct test_dgram *queue;	/* datagrams on their way to this side */
	u32 queued;
	u32 sent;			/* datagrams emitted */
	u32 cmds[4];			/* segments emitted, by cmd - KCP_CMD_PUSH */
	bool wake;
	u32 wake_at;
	u32 rto_max;			/* the largest RTO estimate seen */
};

struct test_link {
	struct kunit *test;
	struct test_link_script script;
	struct test_side a, b;
	u32 now;
	u64 rng;
};

u32 test_link_count(const u8 *dgram, size_t len, u32 *cmds);
void test_link_init(struct kunit *test, struct test_link *link,
		    const struct kcp_config *cfg,
		    const struct test_link_script *script, u32 start);
void test_link_step(struct test_link *link);
void test_link_recheck(struct test_link *link);
u32 test_link_rand(struct test_link *link);

#endif /* _KCP_TEST_LINK_H */
