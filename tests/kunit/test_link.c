// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The in-memory link of test_link.h. Datagrams are copied when sent and
 * delivered in order of arrival time, so jitter reorders them. Engines are
 * driven as kcp.ko drives them: by kcp_engine_check() deadlines.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "engine.h"
#include "test_link.h"
#include "wire.h"

#define TEST_LINK_QUEUE	512
#define TEST_LINK_MTU	1500

struct test_dgram {
	u32 at;
	u32 len;
	u8 data[TEST_LINK_MTU];
};

/* xorshift64*, so every run of a test sees the same "random" link */
u32 test_link_rand(struct test_link *link)
{
	link->rng ^= link->rng >> 12;
	link->rng ^= link->rng << 25;
	link->rng ^= link->rng >> 27;
	return (link->rng * 2685821657736338717ULL) >> 32;
}

static void test_link_enqueue(struct test_side *to, const void *buf, size_t len)
{
	struct test_link *link = to->link;
	struct test_dgram *d;

	KUNIT_ASSERT_LE(link->test, len, (size_t)TEST_LINK_MTU);
	if (to->queued == TEST_LINK_QUEUE)
		return;		/* a full queue drops, as a router would */
	d = &to->queue[to->queued++];
	d->at = link->now + link->script.delay;
	if (link->script.jitter)
		d->at += test_link_rand(link) % link->script.jitter;
	d->len = len;
	memcpy(d->data, buf, len);
}

static struct test_side *test_link_peer(struct test_link *link,
					struct test_side *side)
{
	return side == &link->a ? &link->b : &link->a;
}

/**
 * test_link_count() - add up the segments of a datagram by command
 * @dgram: the datagram
 * @len: its length
 * @cmds: counters indexed by cmd - KCP_CMD_PUSH
 *
 * Return: the number of segments, all of which must decode.
 */
u32 test_link_count(const u8 *dgram, size_t len, u32 *cmds)
{
	struct kcp_hdr hdr;
	u32 segs = 0;

	while (len && !kcp_hdr_decode(&hdr, dgram, len)) {
		cmds[hdr.cmd - KCP_CMD_PUSH]++;
		dgram += KCP_HDR_LEN + hdr.len;
		len -= KCP_HDR_LEN + hdr.len;
		segs++;
	}
	return len ? 0 : segs;
}

static int test_link_output(struct kcp_engine *kcp, const void *buf,
			    size_t len, void *priv)
{
	struct test_side *side = priv;
	struct test_link *link = side->link;
	struct test_side *to = test_link_peer(link, side);

	KUNIT_EXPECT_LE(link->test, len, (size_t)kcp->cfg.mtu);
	KUNIT_EXPECT_GT(link->test, test_link_count(buf, len, side->cmds), 0u);
	side->sent++;
	if (side == &link->a && side->sent <= link->script.drop_first)
		return 0;
	if (test_link_rand(link) % 100 < link->script.loss)
		return 0;
	test_link_enqueue(to, buf, len);
	if (test_link_rand(link) % 100 < link->script.dup)
		test_link_enqueue(to, buf, len);
	return 0;
}

/**
 * test_link_init() - two engines with @cfg joined by a link doing @script
 * @test: the test (allocations are released with it)
 * @link: the link to set up
 * @cfg: configuration of both engines
 * @script: what the link does
 * @start: the clock's first value, to test timestamp wraparound
 */
void test_link_init(struct kunit *test, struct test_link *link,
		    const struct kcp_config *cfg,
		    const struct test_link_script *script, u32 start)
{
	struct test_side *sides[] = { &link->a, &link->b };
	int i;

	memset(link, 0, sizeof(*link));
	link->test = test;
	link->script = *script;
	link->now = start;
	link->rng = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < 2; i++) {
		struct test_side *s = sides[i];

		s->link = link;
		s->queue = kunit_kcalloc(test, TEST_LINK_QUEUE, sizeof(*s->queue),
					 GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->queue);
		s->kcp = kcp_engine_create(0x10203040, cfg, test_link_output, s,
					   GFP_KERNEL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(s->kcp));
	}
	test_link_recheck(link);
}

/* Deliver every datagram whose time has come, earliest first. */
static void test_link_deliver(struct test_side *to)
{
	struct test_link *link = to->link;

	for (;;) {
		u32 i, best = to->queued;

		for (i = 0; i < to->queued; i++)
			if (!kcp_before(link->now, to->queue[i].at) &&
			    (best == to->queued ||
			     kcp_before(to->queue[i].at, to->queue[best].at)))
				best = i;
		if (best == to->queued)
			return;
		kcp_engine_input(to->kcp,
				 to->queue[best].data, to->queue[best].len,
				 link->now, GFP_KERNEL);
		to->queue[best] = to->queue[--to->queued];
	}
}

/**
 * test_link_recheck() - ask both engines when they next need an update
 * @link: the link
 */
void test_link_recheck(struct test_link *link)
{
	link->a.wake = kcp_engine_check(link->a.kcp, link->now, &link->a.wake_at);
	link->b.wake = kcp_engine_check(link->b.kcp, link->now, &link->b.wake_at);
}

/**
 * test_link_step() - advance the clock by 1 ms and let everything happen
 * @link: the link
 */
void test_link_step(struct test_link *link)
{
	struct test_side *sides[] = { &link->a, &link->b };
	int i;

	link->now++;
	for (i = 0; i < 2; i++)
		if (sides[i]->wake && !kcp_before(link->now, sides[i]->wake_at))
			kcp_engine_update(sides[i]->kcp, link->now);
	test_link_deliver(&link->a);
	test_link_deliver(&link->b);
	test_link_recheck(link);
	for (i = 0; i < 2; i++)
		sides[i]->rto_max = max(sides[i]->rto_max, sides[i]->kcp->rx_rto);
}
