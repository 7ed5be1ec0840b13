// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_peer: kcp.ko's engine (kmod/ sources, built in userspace) speaking KCP
 * over a real UDP socket, for the interop test against kcp-go
 * (tests/interop/run). Same protocol as tests/interop/kcpgo_peer.go:
 *
 *   kcp_peer listen|dial HOST PORT [--stream] [--bytes N] [--conv N]
 *
 * Both ends send N bytes and check every byte received against a shared
 * pattern (message mode: every message's size too), then exchange a
 * one-byte "done" and linger so the last ACKs get through. A listener takes
 * the conversation id from the first datagram, as KCP servers do.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "engine.h"
#include "wire.h"

long shim_fail_alloc_after = -1;
unsigned long shim_live_allocs;

struct peer {
	int fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct kcp_engine *kcp;
	bool stream;
	uint64_t total;
};

static uint32_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 2654435761u) >> 24) ^ (uint8_t)(i >> 16);
}

static uint64_t msg_size(uint64_t k, uint64_t max)
{
	return 1 + (k * 7919) % max;
}

static void die(const char *what)
{
	fprintf(stderr, "kcp_peer: %s\n", what);
	exit(1);
}

static int udp_output(struct kcp_engine *kcp, const void *buf, size_t len,
		      void *priv)
{
	struct peer *p = priv;

	(void)kcp;
	if (sendto(p->fd, buf, len, 0, (struct sockaddr *)&p->addr,
		   p->addrlen) < 0)
		return -errno;
	return 0;
}

static struct kcp_engine *make_engine(struct peer *p, uint32_t conv)
{
	struct kcp_config cfg;
	struct kcp_engine *kcp;

	kcp_config_init(&cfg);
	cfg.stream = p->stream;
	cfg.nodelay = 1;
	cfg.interval = 10;
	cfg.resend = 2;
	cfg.nc = true;
	cfg.minrto = KCP_RTO_MIN_NODELAY;
	cfg.snd_wnd = 128;
	cfg.rcv_wnd = 128;
	kcp = kcp_engine_create(conv, &cfg, udp_output, p, GFP_KERNEL);
	if (IS_ERR(kcp))
		die("cannot create the engine");
	return kcp;
}

/* Feed every datagram waiting on the socket to the engine. */
static void pump_input(struct peer *p)
{
	uint8_t buf[65536];
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;

	for (;;) {
		fromlen = sizeof(from);
		n = recvfrom(p->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			return;
		if (!p->kcp) {	/* listener: the first datagram names peer and conv */
			uint32_t conv;

			if (n < KCP_HDR_LEN)
				continue;
			memcpy(&conv, buf, 4);
			p->addr = from;
			p->addrlen = fromlen;
			p->kcp = make_engine(p, le32toh(conv));
		}
		if (kcp_engine_input(p->kcp, buf, n, now_ms(), GFP_KERNEL))
			fprintf(stderr, "kcp_peer: a datagram was rejected\n");
	}
}

static void open_socket(struct peer *p, const char *mode, const char *host,
			const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	bool listen = !strcmp(mode, "listen");

	if (getaddrinfo(host, port, &hints, &ai))
		die("cannot resolve the address");
	p->fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (p->fd < 0)
		die("socket");
	if (listen && bind(p->fd, ai->ai_addr, ai->ai_addrlen))
		die("bind");
	if (!listen) {
		memcpy(&p->addr, ai->ai_addr, ai->ai_addrlen);
		p->addrlen = ai->ai_addrlen;
	}
	freeaddrinfo(ai);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stream", no_argument, NULL, 's' },
		{ "message", no_argument, NULL, 'm' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "conv", required_argument, NULL, 'c' },
		{ 0 }
	};
	struct peer p = { .total = 1 << 20 };
	uint64_t sent = 0, got = 0, k_out = 0, k_in = 0;
	uint32_t conv = 0x4b435031, start, linger_until = 0;
	bool done_sent = false, done_got = false;
	static uint8_t buf[127 * 1400];
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			p.stream = true;
		else if (c == 'b')
			p.total = strtoull(optarg, NULL, 0);
		else if (c == 'c')
			conv = strtoul(optarg, NULL, 0);
		else if (c != 'm')
			return 2;
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: kcp_peer listen|dial HOST PORT [--stream] [--bytes N] [--conv N]\n");
		return 2;
	}
	open_socket(&p, argv[optind], argv[optind + 1], argv[optind + 2]);
	if (strcmp(argv[optind], "listen"))
		p.kcp = make_engine(&p, conv);

	start = now_ms();
	for (;;) {
		struct pollfd pfd = { .fd = p.fd, .events = POLLIN };
		uint32_t now = now_ms(), when;
		int timeout = 100;
		ssize_t n;

		if (now - start > 60000)
			die("timed out");
		if (p.kcp) {
			while (sent < p.total && kcp_engine_waitsnd(p.kcp) < 256) {
				uint64_t len = p.stream ? 4000 : msg_size(k_out++, 8000);
				uint64_t i;

				if (len > p.total - sent)
					len = p.total - sent;
				for (i = 0; i < len; i++)
					buf[i] = pattern(sent + i);
				if (kcp_engine_send_buf(p.kcp, buf, len, GFP_KERNEL) != (ssize_t)len)
					die("send refused");
				sent += len;
			}
			if (kcp_engine_check(p.kcp, now, &when))
				timeout = (int)kcp_diff(when, now);
		}
		poll(&pfd, 1, timeout < 0 ? 0 : timeout);
		pump_input(&p);
		if (!p.kcp)
			continue;
		kcp_engine_update(p.kcp, now_ms());

		while (got < p.total) {
			size_t room = p.stream ? (size_t)(p.total - got) : sizeof(buf);
			uint64_t i;

			n = kcp_engine_recv_buf(p.kcp, buf, room < sizeof(buf) ? room : sizeof(buf));
			if (n < 0)
				break;
			if (!p.stream) {
				/* the last message is cut to what is left */
				uint64_t want = msg_size(k_in++, 1376);

				if (want > p.total - got)
					want = p.total - got;
				if ((uint64_t)n != want)
					die("a message arrived with the wrong size");
			}
			for (i = 0; i < (uint64_t)n; i++)
				if (buf[i] != pattern(got + i))
					die("a byte arrived wrong");
			got += n;
		}
		if (got == p.total && sent == p.total && !done_sent) {
			kcp_engine_send_buf(p.kcp, "D", 1, GFP_KERNEL);
			done_sent = true;
		}
		if (got == p.total && !done_got) {
			n = kcp_engine_recv_buf(p.kcp, buf, 1);
			if (n == 1 && buf[0] == 'D') {
				done_got = true;
				linger_until = now_ms() + 2000;
			}
		}
		if (done_got && done_sent && kcp_before(linger_until, now_ms()))
			break;
	}
	printf("kcp_peer: %llu bytes each way intact (conv %#x, %llu retransmissions)\n",
	       (unsigned long long)got, p.kcp->conv,
	       (unsigned long long)(p.kcp->stats.retrans_timeout +
				    p.kcp->stats.retrans_fast +
				    p.kcp->stats.retrans_early));
	kcp_engine_destroy(p.kcp);
	return 0;
}
