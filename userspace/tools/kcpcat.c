// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpcat: netcat for KCP. Copies stdin to an AF_KCP socket and the socket
 * to stdout.
 *
 *   kcpcat [-u] [-d] [-N BYTES] [-c CONV] [-p PROFILE] [--stock] [-v] HOST PORT
 *   kcpcat -l [-u] [-d] [-N BYTES] [-p PROFILE] [-w SECONDS] [-v] [HOST] PORT
 *
 * A client's connect() is kcp.ko's handshake, which only a kcp.ko
 * listener answers: --stock dials a stock KCP server (ikcp, kcp-go,
 * tokio_kcp) instead. A listener serves both kinds of client.
 *
 * At the end of stdin kcpcat waits until the peer has acknowledged
 * everything (SIOCOUTQ reaches 0) before it exits. A kcp.ko peer ends its
 * stream too (recv() returns 0), which ends kcpcat once its own side is
 * done; a stock peer has no end of stream, so a receiver that knows how
 * much to expect says so with -N.
 */
#ifndef _GNU_SOURCE		/* cross builds may pass it (tests/vm/mips/build) */
#define _GNU_SOURCE		/* POLLRDHUP */
#endif
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/kcp.h>
#include <linux/sockios.h>

#include "libkcp.h"

#define PROFILE_END	(offsetof(struct kcp_info, kcpi_profile) + \
			 sizeof(((struct kcp_info *)0)->kcpi_profile))

struct options {
	bool listen;
	bool message;
	bool no_stdin;
	bool verbose;
	bool tcp;
	bool stock;			/* the server is a stock KCP one */
	const char *profile;
	unsigned long long expect;	/* 0: until stdin ends */
	unsigned int accept_wait;	/* seconds; 0: forever */
	uint32_t conv;
	uint32_t mark;			/* SO_MARK; 0: none */
	const char *host;
	const char *port;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kcpcat [-u] [-d] [-N BYTES] [-c CONV] [-p PROFILE] [-m MARK] [--stock] [-v]\n"
		"              HOST PORT\n"
		"       kcpcat -l [-u] [-d] [-N BYTES] [-p PROFILE] [-w SECONDS] [-v] [HOST] PORT\n"
		"  -l  listen and serve the first peer\n"
		"  -u  message mode (SOCK_SEQPACKET): each read of stdin is one message\n"
		"  -d  do not read stdin\n"
		"  -N  exit once BYTES have been received\n"
		"  -c  conversation id to connect with (default: chosen by the kernel)\n"
		"  -p  a built-in profile: default ikcp normal fast fast2 fast3 turbo\n"
		"      fastest realtime lan wan high_latency low_bandwidth\n"
		"  -t  use TCP instead, for comparison (same options, same output)\n"
		"  -w  with -l: give up if no peer arrives within SECONDS\n"
		"  -m  SO_MARK for the datagrams (policy routing, firewall marks)\n"
		"  --stock  the server is a stock KCP one (ikcp, kcp-go, tokio_kcp): no\n"
		"      handshake, no end of stream (KCP_STOCK); without it, connect()\n"
		"      waits for a kcp.ko listener's answer\n"
		"  -v  report what was done on stderr\n");
}

enum { OPT_STOCK = 256 };

static int parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "stock", no_argument, NULL, OPT_STOCK },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "ludN:c:p:tw:m:vh", longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_STOCK: o->stock = true; break;
		case 'l': o->listen = true; break;
		case 'u': o->message = true; break;
		case 'd': o->no_stdin = true; break;
		case 'v': o->verbose = true; break;
		case 'p': o->profile = optarg; break;
		case 't': o->tcp = true; break;
		case 'N':
			o->expect = strtoull(optarg, &end, 10);
			if (*end || !o->expect)
				return -1;
			break;
		case 'w':
			o->accept_wait = strtoul(optarg, &end, 10);
			if (*end || !o->accept_wait || o->accept_wait > 86400)
				return -1;
			break;
		case 'c':
			o->conv = strtoul(optarg, &end, 0);
			if (*end)
				return -1;
			break;
		case 'm':
			o->mark = strtoul(optarg, &end, 0);
			if (*end || !o->mark)
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (argc - optind == 2) {
		o->host = argv[optind];
		o->port = argv[optind + 1];
	} else if (argc - optind == 1 && o->listen) {
		o->port = argv[optind];
	} else {
		return -1;
	}
	return 0;
}

static int open_socket(const struct options *o)
{
	struct sockaddr_kcp addr;
	struct sockaddr *sa = (struct sockaddr *)&addr;
	socklen_t salen = sizeof(addr);
	int fd, err, one = 1;

	err = kcp_resolve(o->host, o->port, o->listen ? 0 : o->conv, &addr);
	if (err) {
		fprintf(stderr, "kcpcat: %s: %s\n", o->host ? o->host : "*", strerror(-err));
		return -1;
	}
	if (o->tcp) {
		fd = socket(addr.kcp_udp.sin.sin_family, SOCK_STREAM, 0);
		sa = (struct sockaddr *)&addr.kcp_udp;
		salen = sizeof(addr.kcp_udp);
	} else {
		fd = kcp_socket(o->message ? SOCK_SEQPACKET : SOCK_STREAM);
	}
	if (fd < 0) {
		perror("kcpcat: socket (is kcp.ko loaded?)");
		return -1;
	}
	if (o->profile && !o->tcp &&
	    setsockopt(fd, SOL_KCP, KCP_PROFILE, o->profile, strlen(o->profile) + 1)) {
		fprintf(stderr, "kcpcat: profile %s: %s\n", o->profile, strerror(errno));
		return -1;
	}
	if (o->mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &o->mark, sizeof(o->mark))) {
		perror("kcpcat: SO_MARK");
		return -1;
	}
	if (!o->listen) {
		/* an old kcp.ko has no KCP_STOCK: it dials every server so */
		err = o->stock && !o->tcp ? kcp_set_stock(fd, true) : 0;
		if (err && err != -ENOPROTOOPT) {
			fprintf(stderr, "kcpcat: KCP_STOCK: %s\n", strerror(-err));
			return -1;
		}
		if (connect(fd, sa, salen)) {
			err = errno;
			fprintf(stderr, "kcpcat: connect: %s%s\n", strerror(err),
				err == ETIMEDOUT && !o->stock && !o->tcp ?
				" (no kcp.ko listener answered; a stock KCP server takes --stock)" :
				"");
			return -1;
		}
		return fd;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, salen) || listen(fd, 1)) {
		perror("kcpcat: bind/listen");
		return -1;
	}
	if (o->accept_wait) {
		struct timeval tv = { .tv_sec = o->accept_wait };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	err = accept(fd, NULL, NULL);
	if (err < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		fprintf(stderr, "kcpcat: no peer within %u s\n", o->accept_wait);
	else if (err < 0)
		perror("kcpcat: accept");
	close(fd);
	return err;
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= n;
	}
	return true;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	unsigned long long sent = 0, got = 0;
	struct options o = { 0 };
	bool stdin_open, peer_open = true;
	struct timespec t0;
	int fd;

	if (parse(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	fd = open_socket(&o);
	if (fd < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	stdin_open = !o.no_stdin;

	for (;;) {
		struct pollfd pfd[2] = {
			/* once the peer's stream ended, for errors only */
			{ .fd = fd, .events = peer_open ? POLLIN | POLLRDHUP : 0 },
			{ .fd = stdin_open ? 0 : -1, .events = POLLIN },
		};
		int outq = 0;
		ssize_t n;

		if (!stdin_open && ioctl(fd, SIOCOUTQ, &outq))
			outq = 0;
		/*
		 * done when the peer has all we sent and we have what we
		 * expect, or all it will send
		 */
		if (!stdin_open && !outq &&
		    (!peer_open || (o.expect ? got >= o.expect : !o.no_stdin)))
			break;
		if (poll(pfd, 2, stdin_open ? -1 : 10) < 0 && errno != EINTR) {
			perror("kcpcat: poll");
			return 1;
		}
		if (pfd[0].revents & (POLLIN | POLLRDHUP | POLLERR | POLLHUP)) {
			n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN) {
				perror("kcpcat: recv");
				return 1;
			}
			if (n > 0 && !write_all(1, buf, n))
				return 1;
			if (n > 0)
				got += n;
			/* the end of the stream; a message may be empty */
			if (!n && (o.tcp || !o.message ||
				   (pfd[0].revents & POLLRDHUP)))
				peer_open = false;
			if (!peer_open && o.expect && got < o.expect) {
				fprintf(stderr, "kcpcat: the peer's stream ended after %llu of %llu bytes\n",
					got, o.expect);
				return 1;
			}
		}
		if (stdin_open && (pfd[1].revents & (POLLIN | POLLHUP))) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				stdin_open = false;
			} else if (send(fd, buf, n, MSG_NOSIGNAL) != n) {
				perror("kcpcat: send");
				return 1;
			} else {
				sent += n;
			}
		}
	}
	/* the last ACKs of what we received */
	if (o.expect)
		usleep(200 * 1000);
	if (o.verbose) {
		struct kcp_info info;
		socklen_t len = sizeof(info);

		fprintf(stderr, "kcpcat: sent %llu, received %llu bytes in %.2f s\n",
			sent, got, seconds_since(&t0));
		if (!o.tcp && !getsockopt(fd, SOL_KCP, KCP_INFO, &info, &len)) {
			fprintf(stderr, "kcpcat: datagrams out %llu in %llu, segments out %llu, "
				"retransmitted %llu (timeout %llu, fast %llu, early %llu; "
				"needless: timeout %llu, fast/early %llu), "
				"srtt %u ms, rto %u ms, peer window %u, "
				"data refused %llu, repeated %llu, backlog drops %llu, "
				"GSO batches %llu, profile %.*s\n",
				(unsigned long long)info.kcpi_out_pkts,
				(unsigned long long)info.kcpi_in_pkts,
				(unsigned long long)info.kcpi_out_segs,
				(unsigned long long)(info.kcpi_retrans_timeout +
						     info.kcpi_retrans_fast +
						     info.kcpi_retrans_early),
				(unsigned long long)info.kcpi_retrans_timeout,
				(unsigned long long)info.kcpi_retrans_fast,
				(unsigned long long)info.kcpi_retrans_early,
				(unsigned long long)info.kcpi_spurious_timeout,
				(unsigned long long)info.kcpi_spurious_fast,
				info.kcpi_srtt, info.kcpi_rto, info.kcpi_rmt_wnd,
				(unsigned long long)info.kcpi_dropped_segs,
				(unsigned long long)info.kcpi_repeat_segs,
				(unsigned long long)info.kcpi_backlog_drops,
				(unsigned long long)info.kcpi_gso_batches,
				/* a kernel without the field leaves it out */
				len >= PROFILE_END ? (int)sizeof(info.kcpi_profile) : 1,
				len >= PROFILE_END ? info.kcpi_profile : "-");
			/* a kernel before the lifecycle extension has no word on it */
			if (len >= sizeof(info) && info.kcpi_ext_version)
				fprintf(stderr, "kcpcat: the peer speaks the lifecycle extension, version %u\n",
					info.kcpi_ext_version);
			else if (len >= sizeof(info))
				fprintf(stderr, "kcpcat: the peer is a stock KCP one\n");
		}
	}
	close(fd);
	return 0;
}
