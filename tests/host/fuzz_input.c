// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * libFuzzer target: the engine's input path, and everything around it a
 * peer can influence, under ASan and UBSan.
 *
 * The fuzz input is a configuration byte, an allocation-failure byte, then
 * records of [op][len lo][len hi][len bytes]:
 *   op 0: a datagram from the peer        op 3: recv up to len bytes
 *   op 1: advance the clock, update       op 4: peek up to len bytes
 *   op 2: send the record's bytes         op 5: ask check() and obey it
 * After every record the engine's invariants must hold (queues within the
 * window, memory within rcv_limit plus a segment in stream mode, ACK list
 * within its bound, every emitted datagram well formed and within the
 * MTU); after destroy nothing may remain allocated.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "segment.h"
#include "wire.h"

long shim_fail_alloc_after = -1;
unsigned long shim_live_allocs;

#define CONV 0x01020304

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_input: invariant broken: %s\n", what);
		abort();
	}
}

static int output(struct kcp_engine *kcp, const void *buf, size_t len,
		  void *priv)
{
	const uint8_t *p = buf;
	struct kcp_hdr hdr;

	(void)priv;
	check(len > 0 && len <= kcp->cfg.mtu, "datagram within the MTU");
	while (len) {
		check(kcp_hdr_decode(&hdr, p, len) == 0, "emitted segment decodes");
		check(hdr.conv == CONV, "emitted conv");
		p += KCP_HDR_LEN + hdr.len;
		len -= KCP_HDR_LEN + hdr.len;
	}
	return 0;
}

/*
 * The receive memory limit: 1 KiB, so that one fuzz input (at most 4 KiB
 * with -max_len=4096) can reach it.
 */
#define RCV_LIMIT 1024

/*
 * @max_seg: the largest payload a segment fed so far can have had. Beyond
 * rcv_limit the engine takes only the next in-order segment while the
 * reader has nothing to read; in stream mode that segment makes it
 * readable, so at most one segment goes over. (In message mode the rest
 * of an incomplete message may follow it, bounded by the window.)
 */
static void invariants(const struct kcp_engine *kcp, size_t max_seg)
{
	const struct kcp_seg *seg;
	u32 prev = kcp->rcv_nxt - 1;
	u32 i, used = 0;

	list_for_each_entry(seg, &kcp->rcv_buf, node) {
		check(kcp_before(prev, seg->sn), "rcv_buf sorted, no duplicates");
		check(kcp_before(seg->sn, kcp->rcv_nxt + kcp->cfg.rcv_wnd),
		      "rcv_buf within the window");
		prev = seg->sn;
	}
	prev = kcp->snd_una - 1;
	list_for_each_entry(seg, &kcp->snd_buf, node) {
		check(kcp_before(prev, seg->sn) && kcp_before(seg->sn, kcp->snd_nxt),
		      "snd_buf sorted within [snd_una, snd_nxt)");
		check(*kcp_snd_slot(kcp, seg->sn) == seg,
		      "each segment in flight in its slot");
		prev = seg->sn;
	}
	check(kcp->snd_nxt - kcp->snd_una <= kcp->snd_slots,
	      "what is in flight within the slots");
	for (i = 0; i < kcp->snd_slots; i++)
		used += !!kcp->snd_slot[i];
	check(used == kcp->nsnd_buf, "no slot holds a freed segment");
	check(kcp->nrcv_que <= kcp->cfg.rcv_wnd, "rcv_queue within the window");
	check(kcp->nrcv_buf <= kcp->cfg.rcv_wnd, "rcv_buf within the window");
	check(!kcp->cfg.rcv_limit || !kcp->cfg.stream ||
	      kcp->rcv_mem <= kcp->cfg.rcv_limit + max_seg,
	      "rcv_mem within rcv_limit plus one segment");
	check(kcp->ackcount <= kcp->ackcap, "ack list bounded");
	check(kcp->cfg.nc || kcp->cwnd >= 1, "congestion window never 0");
	check(!kcp_before(kcp->snd_nxt, kcp->snd_una), "snd_una <= snd_nxt");
	check(kcp->rx_rto <= KCP_RTO_MAX && kcp->rx_rto >= kcp->cfg.minrto,
	      "rto within bounds");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65536 * 2];
	struct kcp_engine *kcp;
	struct kcp_config cfg;
	uint32_t now = 0xfffff000;	/* wraps within the run */
	size_t max_seg = 0;
	uint8_t flags;

	if (size < 2)
		return 0;
	flags = data[0];
	shim_live_allocs = 0;
	shim_fail_alloc_after = data[1] < 200 ? -1 : (long)(data[1] - 200);
	data += 2;
	size -= 2;

	kcp_config_init(&cfg);
	cfg.stream = flags & 1;
	cfg.nc = flags & 2;
	cfg.ack_nodelay = flags & 4;
	cfg.rcv_limit = flags & 8 ? RCV_LIMIT : 0;
	cfg.nodelay = (flags >> 4) % 3;
	cfg.resend = (flags >> 6) & 3;
	cfg.mtu = flags & 0x80 ? 200 : 1400;
	kcp = kcp_engine_create(CONV, &cfg, output, NULL, GFP_ATOMIC);
	if (IS_ERR(kcp)) {
		check(shim_live_allocs == 0, "no leak on failed create");
		return 0;
	}

	while (size >= 3) {
		uint8_t op = data[0] % 6;
		size_t len = data[1] | (size_t)data[2] << 8;
		uint8_t *dst = buf;
		uint32_t when;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;

		switch (op) {
		case 0:
			if (len > KCP_HDR_LEN && len - KCP_HDR_LEN > max_seg)
				max_seg = len - KCP_HDR_LEN;
			kcp_engine_input(kcp, data, len, now, GFP_ATOMIC);
			break;
		case 1:
			now += len ? data[0] * 16u : 1;
			kcp_engine_update(kcp, now);
			break;
		case 2:
			kcp_engine_send_buf(kcp, data, len, GFP_ATOMIC);
			break;
		case 3:
		case 4:
			kcp_engine_recv(kcp, len, kcp_copy_to_mem, &dst,
					op == 4 ? KCP_RECV_PEEK : 0, NULL);
			break;
		case 5:
			if (kcp_engine_check(kcp, now, &when)) {
				check(!kcp_before(when, now), "check not in the past");
				now = when;
				kcp_engine_update(kcp, now);
			}
			break;
		}
		invariants(kcp, max_seg);
		data += len;
		size -= len;
	}

	kcp_engine_destroy(kcp);
	check(shim_live_allocs == 0, "everything freed");
	return 0;
}
