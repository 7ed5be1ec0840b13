// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_pattern_peer: kcp.ko's side of the interop test against kcp-go inside
 * a guest (tests/scenarios/interop.sh). It speaks the protocol of
 * tests/interop/kcpgo_peer.go over an AF_KCP socket:
 *
 *   kcp_pattern_peer listen|dial HOST PORT [--stream|--message] [--bytes N]
 *   kcp_pattern_peer keepalive HOST PORT
 *
 * Both ends send N pattern bytes (message mode: messages of agreed sizes,
 * each of which must arrive whole), check all they receive, then exchange
 * a one-byte "done". keepalive dials, sends nothing and reads what comes
 * with SO_KEEPALIVE probing every second (3 unanswered fail the session),
 * until the session fails: it prints how long it lived and exits 0 if it
 * failed with ETIMEDOUT.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <errno.h>
#include <linux/kcp.h>

#include "libkcp.h"

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
	perror(what);
	exit(1);
}

static int open_session(const char *mode, const char *host, const char *port,
			bool stream)
{
	int type = stream ? SOCK_STREAM : SOCK_SEQPACKET, fd, s;
	struct sockaddr_kcp addr;

	if (kcp_resolve(host, port, 0, &addr))
		die("resolve");
	fd = kcp_socket(type);
	if (fd < 0)
		die("socket");
	/* kcp-go's peer runs nodelay(1, 10, 2, 1) with 128-segment windows */
	if (setsockopt(fd, SOL_KCP, KCP_PROFILE, "fast3", 6))
		die("KCP_PROFILE");
	if (strcmp(mode, "listen")) {
		/* it dials kcp-go's peer: a stock server, no handshake */
		if (kcp_set_stock(fd, true))
			die("KCP_STOCK");
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
			die("connect");
		return fd;
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 1))
		die("bind/listen");
	/* a peer that never comes fails the test in a minute, not at the VM's limit */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 60 },
		       sizeof(struct timeval)))
		die("SO_RCVTIMEO");
	s = accept(fd, NULL, NULL);
	if (s < 0)
		die("accept");
	close(fd);
	return s;
}

/* Probe the peer every second from the first idle one; 3 missed: dead. */
static int keepalive_until_dead(int fd)
{
	static uint8_t buf[65536];
	struct timespec t0, t1;
	int one = 1;
	ssize_t n;

	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_KCP, KCP_KEEPIDLE, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_KCP, KCP_KEEPINTVL, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_KCP, KCP_KEEPCNT, &(int){ 3 }, sizeof(int)))
		die("keepalive options");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("kcp_pattern_peer: the session lived %.1f s, then %s\n",
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       n ? strerror(errno) : "end of stream");
	return n < 0 && errno == ETIMEDOUT ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stream", no_argument, NULL, 's' },
		{ "message", no_argument, NULL, 'm' },
		{ "bytes", required_argument, NULL, 'b' },
		{ 0 }
	};
	static uint8_t buf[127 * 1400];
	uint64_t total = 1 << 20, sent = 0, got = 0, k_out = 0, k_in = 0, i;
	bool stream = false;
	int c, fd;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			stream = true;
		else if (c == 'b')
			total = strtoull(optarg, NULL, 0);
		else if (c != 'm')
			return 2;
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: kcp_pattern_peer listen|dial HOST PORT [--stream] [--bytes N]\n");
		return 2;
	}
	if (!strcmp(argv[optind], "keepalive")) {
		fd = open_session("dial", argv[optind + 1], argv[optind + 2], true);
		return keepalive_until_dead(fd);
	}
	fd = open_session(argv[optind], argv[optind + 1], argv[optind + 2], stream);

	while (got < total || sent < total) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (sent < total)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, 30000) != 1)
			die("stalled");
		if ((pfd.revents & POLLOUT) && sent < total) {
			uint64_t len = stream ? 4000 : msg_size(k_out++, 8000);

			if (len > total - sent)
				len = total - sent;
			for (i = 0; i < len; i++)
				buf[i] = pattern(sent + i);
			if (send(fd, buf, len, 0) != (ssize_t)len)
				die("send");
			sent += len;
		}
		if (!(pfd.revents & POLLIN) || got == total)
			continue;
		n = recv(fd, buf, stream ? total - got : sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			continue;
		if (!stream) {
			/* the last message is cut to what is left */
			uint64_t want = msg_size(k_in++, 1376);

			if (want > total - got)
				want = total - got;
			if ((uint64_t)n != want) {
				fprintf(stderr, "kcp_pattern_peer: message of %zd bytes, want %llu\n",
					n, (unsigned long long)want);
				return 1;
			}
		}
		for (i = 0; i < (uint64_t)n; i++) {
			if (buf[i] != pattern(got + i)) {
				fprintf(stderr, "kcp_pattern_peer: wrong byte at %llu\n",
					(unsigned long long)(got + i));
				return 1;
			}
		}
		got += n;
	}
	if (send(fd, "D", 1, 0) != 1 || recv(fd, buf, 1, 0) != 1 || buf[0] != 'D')
		die("done");
	sleep(2);	/* our last ACKs */
	printf("kcp_pattern_peer: %llu bytes each way intact\n",
	       (unsigned long long)got);
	close(fd);
	return 0;
}
