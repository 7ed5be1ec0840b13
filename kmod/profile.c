// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Built-in profiles: the tunings KCP users already know by name, so that
 * one setsockopt(KCP_PROFILE, "fast3") replaces six. The netlink control
 * plane will let administrators define their own; these stay as defaults.
 *
 * Where each comes from (see the KCP survey in the project's notes):
 *   ikcp              ikcp_create()'s defaults and its timing: data,
 *                     ACKs and retransmissions at the periodic flush,
 *                     no early retransmit
 *   normal, fast, fast2, fast3
 *                     kcptun's -mode presets (nodelay, interval, resend, nc)
 *   turbo, fastest    ikcp README's "turbo" and tokio_kcp's fastest():
 *                     fast3's settings, minimum RTO 10 ms as in ikcp's
 *                     own fast benchmark
 *   lan, wan, high_latency, low_bandwidth
 *                     the predecessor project's presets, with congestion
 *                     control on: these share links with other traffic.
 *                     lan: short RTT, big windows, quick recovery.
 *                     wan: internet paths, moderate windows.
 *                     high_latency: satellite/cellular, windows sized for a
 *                     large bandwidth-delay product, patient RTO and
 *                     dead-link limit.
 *                     low_bandwidth: small windows, so a thin link is not
 *                     buried under a queue of retransmissions.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "engine.h"
#include "profile.h"

struct kcp_profile {
	const char *name;
	u32 nodelay, interval, resend;
	bool nc;
	u32 snd_wnd, rcv_wnd, minrto, dead_link;
	bool ikcp_timing;	/* data and ACKs wait for the periodic flush */
};

static const struct kcp_profile kcp_profiles[] = {
	{ "default",	  0, 10,  0, false,  128,  128, 100, 20 },
	{ "ikcp",	  0, 100, 0, false,   32,  128, 100, 20, true },
	{ "normal",	  0, 40,  2, true,   512,  512, 100, 20 },
	{ "fast",	  0, 30,  2, true,   512,  512, 100, 20 },
	{ "fast2",	  1, 20,  2, true,   512,  512,  30, 20 },
	{ "fast3",	  1, 10,  2, true,   512,  512,  30, 20 },
	{ "turbo",	  1, 10,  2, true,  1024, 1024,  10, 20 },
	{ "fastest",	  1, 10,  2, true,  1024, 1024,  10, 20 },
	{ "lan",	  1, 10,  2, false, 1024, 1024,  30, 20 },
	{ "wan",	  1, 20,  2, false,  512,  512,  30, 30 },
	{ "high_latency", 0, 40,  2, false, 2048, 2048, 200, 50 },
	{ "low_bandwidth", 0, 50, 2, false,   32,  128, 100, 30 },
};

/**
 * kcp_profile_apply() - set the tunables a profile names
 * @cfg: the configuration to change; MTU, stream mode and limits stay
 * @name: the profile's name
 *
 * Return: the profile's name (static storage), or NULL for an unknown one,
 * in which case @cfg is unchanged.
 */
const char *kcp_profile_apply(struct kcp_config *cfg, const char *name)
{
	const struct kcp_profile *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kcp_profiles); i++) {
		p = &kcp_profiles[i];
		if (strcmp(p->name, name))
			continue;
		cfg->nodelay = p->nodelay;
		cfg->interval = p->interval;
		cfg->resend = p->resend;
		cfg->nc = p->nc;
		cfg->snd_wnd = p->snd_wnd;
		cfg->rcv_wnd = p->rcv_wnd;
		cfg->minrto = p->minrto;
		cfg->dead_link = p->dead_link;
		/*
		 * Unless a profile asks for ikcp's timing, nothing waits for
		 * the periodic flush: data leaves when it is sent, paced over
		 * a round trip, ACKs with data or within 1 ms, at once for
		 * data out of order (see kcp_engine_update()).
		 */
		cfg->write_delay = p->ikcp_timing;
		cfg->ack_nodelay = false;
		cfg->ack_delay = p->ikcp_timing ? 0 : 1;
		cfg->early_retransmit = !p->ikcp_timing;
		cfg->pacing = !p->ikcp_timing;
		cfg->reorder_tolerant = !p->ikcp_timing;
		return p->name;
	}
	return NULL;
}
