// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The KCP engine's life cycle, its configuration and its clock: when it must
 * run (kcp_engine_check) and running it (kcp_engine_update). The send path
 * is in send.c, the receive path in recv.c.
 */
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/math.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cong.h"
#include "engine.h"
#include "segment.h"
#include "wire.h"

/*
 * ikcp re-bases its flush clock when the caller's clock jumps by more than
 * this (a suspended process, a clock step); so do we.
 */
#define KCP_CLOCK_JUMP	10000

/**
 * kcp_config_init() - the defaults: ikcp's, plus early retransmit
 * @cfg: the configuration to fill
 *
 * Early retransmit is the one default that departs from ikcp: on ikcp's own
 * loss benchmark it cuts the worst round trip by a quarter in normal mode
 * (tests/host/sim.c), and a peer cannot tell it from a fast retransmit.
 * Like ikcp, data and ACKs wait for the periodic flush (write_delay,
 * no ack_nodelay); sockets start from a profile that sends them at once.
 */
void kcp_config_init(struct kcp_config *cfg)
{
	*cfg = (struct kcp_config) {
		.nodelay = 0,
		.interval = KCP_INTERVAL_DEFAULT,
		.resend = 0,
		.fastlimit = KCP_FASTLIMIT_DEFAULT,
		.mtu = KCP_MTU_DEFAULT,
		.snd_wnd = KCP_SND_WND_DEFAULT,
		.rcv_wnd = KCP_RCV_WND_DEFAULT,
		.minrto = KCP_RTO_MIN_DEFAULT,
		.dead_link = KCP_DEAD_LINK_DEFAULT,
		.early_retransmit = true,
		.write_delay = true,
	};
}

static bool within(u32 value, u32 min, u32 max)
{
	return value >= min && value <= max;
}

/**
 * kcp_config_validate() - check every tunable against its documented range
 * @cfg: the configuration
 *
 * Return: 0, or -EINVAL if any value is out of range. Nothing is clamped:
 * a caller asking for nonsense is told so.
 */
int kcp_config_validate(const struct kcp_config *cfg)
{
	if (cfg->nodelay > KCP_NODELAY_MAX ||
	    !within(cfg->interval, KCP_INTERVAL_MIN, KCP_INTERVAL_MAX) ||
	    cfg->resend > KCP_RESEND_MAX ||
	    cfg->fastlimit > KCP_RESEND_MAX ||
	    !within(cfg->mtu, KCP_MTU_MIN, KCP_MTU_MAX) ||
	    !within(cfg->snd_wnd, 1, KCP_WND_MAX) ||
	    !within(cfg->rcv_wnd, KCP_RCV_WND_MIN, KCP_WND_MAX) ||
	    !within(cfg->minrto, 1, KCP_RTO_MAX) ||
	    !within(cfg->dead_link, 1, KCP_DEAD_LINK_MAX) ||
	    cfg->ack_delay > KCP_ACK_DELAY_MAX)
		return -EINVAL;
	return 0;
}

static const struct kcp_cong_ops *kcp_cong_for(const struct kcp_config *cfg)
{
	return cfg->nc ? &kcp_cong_none : &kcp_cong_reno;
}

/**
 * kcp_engine_create() - a new engine for one conversation
 * @conv: the conversation id
 * @cfg: its configuration (copied)
 * @output: where datagrams go
 * @priv: passed to @output
 * @gfp: allocation flags
 *
 * Return: the engine, or ERR_PTR(-EINVAL) for a bad configuration or
 * ERR_PTR(-ENOMEM).
 */
struct kcp_engine *kcp_engine_create(u32 conv, const struct kcp_config *cfg,
				     kcp_output_t output, void *priv,
				     gfp_t gfp)
{
	struct kcp_engine *kcp;

	if (!output || kcp_config_validate(cfg))
		return ERR_PTR(-EINVAL);

	kcp = kzalloc(sizeof(*kcp), gfp);
	if (!kcp)
		return ERR_PTR(-ENOMEM);
	kcp->buffer = kmalloc(cfg->mtu, gfp);
	if (!kcp->buffer) {
		kfree(kcp);
		return ERR_PTR(-ENOMEM);
	}

	kcp->cfg = *cfg;
	kcp->conv = conv;
	kcp->mss = cfg->mtu - KCP_HDR_LEN;
	kcp->rmt_wnd = KCP_RCV_WND_DEFAULT;
	kcp->rx_rto = max_t(u32, KCP_RTO_INIT, cfg->minrto);
	INIT_LIST_HEAD(&kcp->snd_queue);
	INIT_LIST_HEAD(&kcp->snd_buf);
	INIT_LIST_HEAD(&kcp->rcv_buf);
	INIT_LIST_HEAD(&kcp->rcv_queue);
	kcp->output = output;
	kcp->priv = priv;
	kcp->cong = kcp_cong_for(cfg);
	kcp->cong->init(kcp);
	return kcp;
}

/**
 * kcp_engine_purge_send() - drop everything not yet acknowledged
 * @kcp: the engine, whose conversation is over
 *
 * Nothing queued or in flight is sent again; what was received stays.
 */
void kcp_engine_purge_send(struct kcp_engine *kcp)
{
	kcp_seg_purge(&kcp->snd_queue);
	kcp_seg_purge(&kcp->snd_buf);
	kcp_snd_slots_trim(kcp);
	if (kcp->snd_slots)
		memset(kcp->snd_slot, 0, kcp->snd_slots * sizeof(*kcp->snd_slot));
	kcp->nsnd_que = 0;
	kcp->nsnd_buf = 0;
	kcp->snd_mem = 0;
	kcp->snd_bytes = 0;
	kcp->snd_una = kcp->snd_nxt;
	kcp->probe = 0;
	kcp->rto_state = KCP_RTO_OPEN;
	kcp_pending_clear(kcp);
}

/**
 * kcp_engine_destroy() - free an engine and everything it holds
 * @kcp: the engine, or NULL
 */
void kcp_engine_destroy(struct kcp_engine *kcp)
{
	if (!kcp)
		return;
	kcp_seg_purge(&kcp->snd_queue);
	kcp_seg_purge(&kcp->snd_buf);
	kcp_seg_purge(&kcp->rcv_buf);
	kcp_seg_purge(&kcp->rcv_queue);
	kfree(kcp->snd_slot);
	kfree(kcp->acklist);
	kfree(kcp->buffer);
	kfree(kcp);
}

/**
 * kcp_engine_set_alloc() - build datagrams in buffers the caller provides
 * @kcp: the engine, before its first flush
 * @alloc: provides a buffer per datagram (see kcp_alloc_t)
 *
 * The engine's own MTU-sized buffer is then freed: an idle session holds
 * none, and each datagram is built where it will be sent from.
 */
void kcp_engine_set_alloc(struct kcp_engine *kcp, kcp_alloc_t alloc)
{
	kcp->alloc = alloc;
	kfree(kcp->buffer);
	kcp->buffer = NULL;
}

/**
 * kcp_engine_configure() - change the tunables of a live engine
 * @kcp: the engine
 * @cfg: the new configuration
 * @gfp: allocation flags
 *
 * Return: 0; -EINVAL for a bad configuration; -EBUSY for an MTU change
 * while data is queued or in flight (its segments were cut for the old
 * MTU); -ENOMEM. On error the engine is unchanged.
 */
int kcp_engine_configure(struct kcp_engine *kcp,
			 const struct kcp_config *cfg, gfp_t gfp)
{
	const struct kcp_cong_ops *cong = kcp_cong_for(cfg);
	int err;

	err = kcp_config_validate(cfg);
	if (err)
		return err;

	if (cfg->mtu != kcp->cfg.mtu) {
		u8 *buffer = NULL;

		if (kcp->nsnd_que || kcp->nsnd_buf)
			return -EBUSY;
		if (!kcp->alloc) {
			buffer = kmalloc(cfg->mtu, gfp);
			if (!buffer)
				return -ENOMEM;
		}
		kfree(kcp->buffer);
		kcp->buffer = buffer;
		kcp->mss = cfg->mtu - KCP_HDR_LEN;
	}

	kcp->cfg = *cfg;
	/* a larger window is for what is queued already, too */
	kcp_snd_slots_reserve(kcp, 0, gfp);
	if (cong != kcp->cong) {
		kcp->cong = cong;
		cong->init(kcp);
	}
	kcp->rx_rto = clamp_t(u32, kcp->rx_rto, cfg->minrto, KCP_RTO_MAX);
	return 0;
}

/**
 * kcp_engine_waitsnd() - segments the peer has not yet acknowledged
 * @kcp: the engine
 *
 * Return: segments queued plus segments in flight.
 */
u32 kcp_engine_waitsnd(const struct kcp_engine *kcp)
{
	return kcp->nsnd_que + kcp->nsnd_buf;
}

/**
 * kcp_flush_between_ticks() - what may go out between periodic flushes
 * @cfg: the engine's configuration
 *
 * Return: KCP_FLUSH_* bits; the rest waits for the tick.
 */
unsigned int kcp_flush_between_ticks(const struct kcp_config *cfg)
{
	unsigned int what = 0;

	if (cfg->ack_nodelay || cfg->ack_delay)
		what |= KCP_FLUSH_ACKS;
	if (!cfg->write_delay)
		what |= KCP_FLUSH_NEW | KCP_FLUSH_RETRANSMIT | KCP_FLUSH_FAST;
	return what;
}

/*
 * Whether a walk of what is in flight would retransmit anything: the
 * summary kept as segments are sent and skipped (kcp_note_pending()) says
 * when the first RTO or reordering window ends and whether a fast or, at
 * a tick, an early retransmit is due. Without this a tick would walk the
 * whole window, every interval, to find nothing: 800,000 segment visits a
 * second with 8192 in flight at 10 ms.
 */
static bool kcp_retransmit_due(const struct kcp_engine *kcp, bool tick)
{
	if (kcp->fast_pending || (tick && kcp->early_pending))
		return true;
	return kcp->nsnd_buf && (!kcp->rto_floor_valid ||
				 !kcp_before(kcp->now, kcp->rto_floor));
}

/**
 * kcp_engine_update() - advance the engine's clock and send what is due
 * @kcp: the engine
 * @now: the current time in ms
 *
 * Every cfg.interval ms a tick flushes everything, as ikcp does. Between
 * ticks, unless cfg.write_delay holds them for the tick, new data within
 * the window, ACKs and retransmissions leave as soon as they are due;
 * with cfg.ack_nodelay, ACKs do too. Calling this more often is harmless
 * and calling it at kcp_engine_check()'s time is enough.
 */
void kcp_engine_update(struct kcp_engine *kcp, u32 now)
{
	unsigned int what;
	s32 slap;

	kcp->now = now;
	if (!kcp->updated) {
		kcp->updated = true;
		kcp->ts_flush = now;
	}

	slap = kcp_diff(now, kcp->ts_flush);
	if (slap >= KCP_CLOCK_JUMP || slap < -KCP_CLOCK_JUMP) {
		kcp->ts_flush = now;
		slap = 0;
	}
	if (slap < 0) {
		/* a fast retransmit due makes the walk a whole one */
		what = kcp_flush_between_ticks(&kcp->cfg) & ~KCP_FLUSH_FAST;
		if (!kcp_retransmit_due(kcp, false))
			what &= ~KCP_FLUSH_RETRANSMIT;
		if (what)
			kcp_flush(kcp, what);
		return;
	}

	kcp->ts_flush += kcp->cfg.interval;
	if (!kcp_before(now, kcp->ts_flush))
		kcp->ts_flush = now + kcp->cfg.interval;
	what = KCP_FLUSH_ALL;
	if (!kcp_retransmit_due(kcp, true))
		what &= ~KCP_FLUSH_RETRANSMIT;
	kcp_flush(kcp, what);
}

/* A deadline met either at its time or at the first tick at or after it. */
struct kcp_due {
	bool exact, tick;
	u32 at, tick_at;
};

static void kcp_due_at(struct kcp_due *due, u32 t, bool exact)
{
	if (exact) {
		if (!due->exact || kcp_before(t, due->at))
			due->at = t;
		due->exact = true;
	} else {
		if (!due->tick || kcp_before(t, due->tick_at))
			due->tick_at = t;
		due->tick = true;
	}
}

/*
 * The earliest time anything queued or in flight needs the engine. What
 * waits for a tick is due at @ts_flush, the next one, which an engine
 * that was idle may have passed: that tick then happens at once.
 */
static void kcp_next_due(const struct kcp_engine *kcp, u32 now, u32 ts_flush,
			 struct kcp_due *due)
{
	unsigned int between = kcp_flush_between_ticks(&kcp->cfg);
	bool acks_now = between & KCP_FLUSH_ACKS;
	bool data_now = between & KCP_FLUSH_NEW;

	if (kcp->ackcount || (kcp->probe & KCP_PROBE_TELL)) {
		u32 t = now;

		/* ACKs coalesce for cfg.ack_delay ms unless one is urgent */
		if (!kcp->cfg.ack_nodelay && !kcp->ack_urgent && kcp->ackcount)
			t = kcp->ack_since + kcp->cfg.ack_delay;
		kcp_due_at(due, acks_now ? t : ts_flush, acks_now);
	}
	if (kcp->probe & KCP_PROBE_ASK)
		kcp_due_at(due, ts_flush, false);
	if (kcp->nsnd_que && kcp_engine_send_window_open(kcp))
		kcp_due_at(due, data_now ? now + kcp_pace_wait(kcp, now) :
			   ts_flush, data_now);
	/* a closed remote window with data waiting needs probing */
	if (!kcp->rmt_wnd && kcp_engine_waitsnd(kcp))
		kcp_due_at(due, kcp->probe_wait ? kcp->ts_probe : ts_flush, false);
	/*
	 * Segments in flight: the earliest RTO, or sooner when skipping ACKs
	 * call for a fast retransmit (now) or an early one (at the next tick).
	 */
	if (!kcp->nsnd_buf)
		return;
	if (kcp->fast_pending)
		kcp_due_at(due, now, data_now);
	if (kcp->early_pending)
		kcp_due_at(due, ts_flush, false);
	if (kcp->rto_floor_valid)
		kcp_due_at(due, kcp->rto_floor, data_now);
}

/**
 * kcp_engine_check() - when kcp_engine_update() next has work to do
 * @kcp: the engine
 * @now: the current time in ms
 * @when: set to the time to call kcp_engine_update(), never before @now
 *
 * Unlike ikcp's ikcp_check(), an engine with nothing to send, nothing to
 * acknowledge and nothing in flight needs no call at all: thousands of idle
 * sessions then cost no timer wakeups. New input, new data or a read that
 * reopens the window changes the answer, so callers ask again after each.
 *
 * Return: true with @when set, or false when the engine is idle.
 */
bool kcp_engine_check(const struct kcp_engine *kcp, u32 now, u32 *when)
{
	u32 ts_flush = kcp->ts_flush;
	struct kcp_due due = { };
	s32 slap;

	if (!kcp->updated) {
		*when = now;
		return true;
	}
	slap = kcp_diff(now, ts_flush);
	if (slap >= KCP_CLOCK_JUMP || slap < -KCP_CLOCK_JUMP)
		ts_flush = now;

	kcp_next_due(kcp, now, ts_flush, &due);
	if (!due.exact && !due.tick)
		return false;

	/* update() flushes on ticks of the interval: the first at or after due */
	if (due.tick) {
		u32 t = ts_flush;

		if (kcp_before(ts_flush, due.tick_at))
			t += DIV_ROUND_UP((u32)kcp_diff(due.tick_at, ts_flush),
					  kcp->cfg.interval) * kcp->cfg.interval;
		if (!due.exact || kcp_before(t, due.at))
			due.at = t;
	}
	*when = kcp_before(due.at, now) ? now : due.at;
	return true;
}
