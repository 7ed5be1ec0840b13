// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_api_test: the AF_KCP socket API as a TCP user would exercise it, run
 * inside a guest with kcp.ko loaded (tests/scenarios/sockets.sh), on
 * loopback. Each case prints PASS or FAIL; the exit status is the number
 * of failed cases.
 *
 *   kcp_api_test [CASE...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/kcp.h>
#include <linux/sockios.h>

#include "harness.h"
#include "libkcp.h"

static void socket_types(void)
{
	int fd;

	EXPECT_ERRNO(socket(family, SOCK_DGRAM, 0), ESOCKTNOSUPPORT);
	EXPECT_ERRNO(socket(family, SOCK_RAW, 0), ESOCKTNOSUPPORT);
	EXPECT_ERRNO(socket(family, SOCK_STREAM, 17), EPROTONOSUPPORT);
	fd = socket(family, SOCK_STREAM, 0);
	EXPECT(fd >= 0);
	close(fd);
	fd = socket(family, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	EXPECT(fd >= 0);
	close(fd);
}

static void bad_addresses(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port, 0), b;
	int fd = sock_of(SOCK_STREAM), fd2, one = 1;

	EXPECT_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
	EXPECT_ERRNO(bind(fd, (struct sockaddr *)&a, 2), EINVAL);
	b = a;
	b.kcp_family = AF_INET;
	EXPECT_ERRNO(bind(fd, (struct sockaddr *)&b, sizeof(b)), EAFNOSUPPORT);
	b = a;
	b.kcp_udp.sin.sin_family = AF_UNIX;
	EXPECT_ERRNO(bind(fd, (struct sockaddr *)&b, sizeof(b)), EAFNOSUPPORT);
	b = a;
	b.kcp_reserved = 1;
	EXPECT_ERRNO(bind(fd, (struct sockaddr *)&b, sizeof(b)), EINVAL);
	EXPECT_ERRNO(connect(fd, (struct sockaddr *)&b, sizeof(b)), EINVAL);
	EXPECT_ERRNO(listen(fd, 1), EINVAL);		/* not bound */
	EXPECT_ERRNO(send(fd, "x", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT_ERRNO(recv(fd, &b, 1, MSG_DONTWAIT), ENOTCONN);

	/* the failures above changed nothing: a good bind still works */
	EXPECT(!bind(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	fd2 = sock_of(SOCK_STREAM);
	EXPECT_ERRNO(bind(fd2, (struct sockaddr *)&a, sizeof(a)), EADDRINUSE);
	close(fd2);
	close(fd);

	/* SO_REUSEADDR on both: one UDP port shared */
	a = addr4("127.0.0.1", ++next_port, 0);
	fd = sock_of(SOCK_STREAM);
	fd2 = sock_of(SOCK_STREAM);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	EXPECT(!bind(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!bind(fd2, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(fd, 4));
	EXPECT_ERRNO(listen(fd2, 4), EADDRINUSE);	/* one listener per port */
	close(fd);
	close(fd2);
	next_port++;
}

static int get_int(int fd, int opt)
{
	socklen_t len = sizeof(int);
	int v = -12345;

	if (getsockopt(fd, SOL_KCP, opt, &v, &len) || len != sizeof(int))
		return -12345;
	return v;
}

static void options(void)
{
	static const struct { int opt, bad_low, good_low, good_high, bad_high; } ranges[] = {
		{ KCP_NODELAY, -1, 0, 2, 3 },
		{ KCP_INTERVAL, 9, 10, 5000, 5001 },
		{ KCP_RESEND, -1, 0, 1000, 1001 },
		{ KCP_NC, -1, 0, 1, 2 },
		{ KCP_MTU, 49, 50, 9000, 9001 },
		{ KCP_SNDWND, 0, 1, 65535, 65536 },
		{ KCP_RCVWND, 127, 128, 65535, 65536 },
		{ KCP_MINRTO, 0, 1, 60000, 60001 },
		{ KCP_FASTLIMIT, -1, 0, 1000, 1001 },
		{ KCP_DEADLINK, 0, 1, 1000, 1001 },
		{ KCP_ACK_NODELAY, -1, 0, 1, 2 },
		{ KCP_EARLY_RETRANSMIT, -1, 0, 1, 2 },
		{ KCP_STOCK, -1, 0, 1, 2 },
		{ KCP_CONNECT_TIMEOUT, 99, 100, 600000, 600001 },
		{ KCP_THIN_DUP, -1, 0, 1, 2 },
	};
	int fd = sock_of(SOCK_STREAM), v, before;
	char name[KCP_PROFILE_NAME_MAX];
	socklen_t len;
	size_t i;
	char c = 1;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		int o = ranges[i].opt;

		before = get_int(fd, o);
		EXPECT(before != -12345);
		v = ranges[i].bad_low;
		EXPECT_ERRNO(setsockopt(fd, SOL_KCP, o, &v, sizeof(v)), EINVAL);
		v = ranges[i].bad_high;
		EXPECT_ERRNO(setsockopt(fd, SOL_KCP, o, &v, sizeof(v)), EINVAL);
		EXPECT_ERRNO(setsockopt(fd, SOL_KCP, o, &c, 1), EINVAL);
		EXPECT_ERRNO(setsockopt(fd, SOL_KCP, o, &v, sizeof(v) + 4), EINVAL);
		EXPECT(get_int(fd, o) == before);
		/* low, high, low: each bound is reached by a real change */
		v = ranges[i].good_low;
		EXPECT(!setsockopt(fd, SOL_KCP, o, &v, sizeof(v)) && get_int(fd, o) == v);
		v = ranges[i].good_high;
		EXPECT(!setsockopt(fd, SOL_KCP, o, &v, sizeof(v)) && get_int(fd, o) == v);
		v = ranges[i].good_low;
		EXPECT(!setsockopt(fd, SOL_KCP, o, &v, sizeof(v)) && get_int(fd, o) == v);
		len = 1;
		EXPECT_ERRNO(getsockopt(fd, SOL_KCP, o, &v, &len), EINVAL);
	}
	v = 1;
	EXPECT_ERRNO(setsockopt(fd, SOL_KCP, 999, &v, sizeof(v)), ENOPROTOOPT);
	EXPECT_ERRNO(setsockopt(fd, SOL_KCP, KCP_CONV, &v, sizeof(v)), ENOPROTOOPT);
	len = sizeof(v);
	EXPECT_ERRNO(getsockopt(fd, SOL_KCP, KCP_CONV, &v, &len), ENOTCONN);

	EXPECT_ERRNO(setsockopt(fd, SOL_KCP, KCP_PROFILE, "nonsense", 9), ENOENT);
	EXPECT_ERRNO(setsockopt(fd, SOL_KCP, KCP_PROFILE, "", 0), EINVAL);
	/* the loop left these at their low bounds; fast3 must change them */
	v = 100;
	EXPECT(!setsockopt(fd, SOL_KCP, KCP_INTERVAL, &v, sizeof(v)));
	EXPECT(get_int(fd, KCP_INTERVAL) == 100 && get_int(fd, KCP_NODELAY) == 0 &&
	       get_int(fd, KCP_RESEND) == 0 && get_int(fd, KCP_NC) == 0);
	EXPECT(!setsockopt(fd, SOL_KCP, KCP_PROFILE, "fast3", 5));	/* no NUL */
	EXPECT(get_int(fd, KCP_INTERVAL) == 10 && get_int(fd, KCP_NODELAY) == 1 &&
	       get_int(fd, KCP_RESEND) == 2 && get_int(fd, KCP_NC) == 1);
	len = sizeof(name);
	EXPECT(!getsockopt(fd, SOL_KCP, KCP_PROFILE, name, &len) &&
	       !strcmp(name, "fast3") && len == 6);
	for (i = 0; i < 12; i++) {
		static const char *const names[] = {
			"default", "ikcp", "normal", "fast", "fast2", "turbo",
			"fastest", "lan", "wan", "high_latency", "low_bandwidth",
			"realtime",
		};
		EXPECT(!setsockopt(fd, SOL_KCP, KCP_PROFILE, names[i],
				   strlen(names[i]) + 1));
	}
	close(fd);
}

static void echo_and_names(void)
{
	struct pair p = connect_pair(SOCK_STREAM, 0x1234);
	struct sockaddr_kcp cs, sp;
	socklen_t len = sizeof(cs);
	struct kcp_info info;
	char buf[64];
	int v;

	EXPECT(!getsockname(p.client, (struct sockaddr *)&cs, &len) && len == sizeof(cs));
	len = sizeof(sp);
	EXPECT(!getpeername(p.server, (struct sockaddr *)&sp, &len));
	EXPECT(cs.kcp_family == family && sp.kcp_family == family);
	EXPECT(cs.kcp_udp.sin.sin_port == sp.kcp_udp.sin.sin_port);
	EXPECT(sp.kcp_conv == 0x1234);
	len = sizeof(v);
	EXPECT(!getsockopt(p.server, SOL_KCP, KCP_CONV, &v, &len) && v == 0x1234);

	EXPECT(send(p.client, "hello", 5, 0) == 5);
	EXPECT(recv(p.server, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "hello", 5));
	EXPECT(send(p.server, "world!", 6, 0) == 6);
	EXPECT(recv(p.client, buf, sizeof(buf), MSG_PEEK) == 6);
	EXPECT(recv(p.client, buf, 3, 0) == 3 && !memcmp(buf, "wor", 3));
	EXPECT(recv(p.client, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "ld!", 3));
	EXPECT_ERRNO(recv(p.client, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	EXPECT_ERRNO(connect(p.client, (struct sockaddr *)&sp, sizeof(sp)), EISCONN);

	len = sizeof(info);
	EXPECT(!getsockopt(p.client, SOL_KCP, KCP_INFO, &info, &len) &&
	       len == sizeof(info));
	EXPECT(info.kcpi_state == 1 /* TCP_ESTABLISHED */ && info.kcpi_conv == 0x1234);
	EXPECT(info.kcpi_out_segs > 0 && info.kcpi_in_segs > 0 && info.kcpi_mtu == 1400);
	len = 8;
	EXPECT(!getsockopt(p.client, SOL_KCP, KCP_INFO, &info, &len) && len == 8);
	close_pair(&p);
}

static void timeouts_and_waitall(void)
{
	struct pair p = connect_pair(SOCK_STREAM, 0);
	struct timeval tv = { .tv_usec = 200000 };
	char buf[8192];
	int i, outq = -1, status;
	double t0;
	pid_t pid;

	EXPECT(!setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	t0 = now_s();
	EXPECT_ERRNO(recv(p.server, buf, sizeof(buf), 0), EAGAIN);
	EXPECT(now_s() - t0 >= 0.15);

	/*
	 * MSG_WAITALL waits for all it asked for: 1000 bytes are there at
	 * once, the other 3000 come from another process 300 ms later.
	 */
	tv.tv_sec = 5;
	tv.tv_usec = 0;
	EXPECT(!setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	EXPECT(send(p.client, buf, 1000, 0) == 1000);
	pid = fork();
	if (pid == 0) {
		usleep(300000);
		for (i = 0; i < 3; i++)
			if (send(p.client, buf, 1000, 0) != 1000)
				_exit(1);
		_exit(0);
	}
	EXPECT(pid > 0);
	EXPECT(recv(p.server, buf, 4000, MSG_WAITALL) == 4000);
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0);
	for (i = 0; i < 100 && outq; i++) {
		EXPECT(!ioctl(p.client, SIOCOUTQ, &outq));
		usleep(20000);
	}
	EXPECT(outq == 0);	/* all acknowledged */
	close_pair(&p);
}

/*
 * One epoll_wait() on @ep: true when it reports exactly @fd with exactly
 * @events, or, with @events 0, nothing at all. Any other ready socket in
 * the set makes it false, so a socket that is always ready (a connected
 * one, for EPOLLOUT) cannot stand in for the one under test.
 */
static bool epoll_reports(int ep, int timeout_ms, int fd, uint32_t events)
{
	struct epoll_event out[4];
	int n = epoll_wait(ep, out, 4, timeout_ms);

	if (!events)
		return n == 0;
	return n == 1 && out[0].data.fd == fd && out[0].events == events;
}

static void accept4_and_epoll(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	int l = sock_of(SOCK_STREAM), c, s, ep, ep_out;
	struct epoll_event ev = { .events = EPOLLIN };
	char x;

	EXPECT(!bind(l, (struct sockaddr *)&a, sizeof(a)) && !listen(l, 4));
	fcntl(l, F_SETFL, O_NONBLOCK);	/* accept4's flags are for the new socket */
	EXPECT_ERRNO(accept4(l, NULL, NULL, 0), EAGAIN);

	/* a listener with nothing to accept is not readable */
	ep = epoll_create1(0);
	ev.data.fd = l;
	EXPECT(!epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev));
	EXPECT(epoll_reports(ep, 0, l, 0));

	/*
	 * A non-blocking connect() to a kcp.ko listener: EINPROGRESS while
	 * the handshake goes on, as TCP's, then writable once connected
	 * (its own set: a connected socket always is)
	 */
	c = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	errno = 0;
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)) || errno == EINPROGRESS);
	ep_out = epoll_create1(0);
	ev.events = EPOLLOUT;
	ev.data.fd = c;
	EXPECT(!epoll_ctl(ep_out, EPOLL_CTL_ADD, c, &ev));
	EXPECT(epoll_reports(ep_out, 2000, c, EPOLLOUT));

	/* the session is there, or comes with the data: the wait wakes, for l */
	EXPECT(send(c, "y", 1, 0) == 1);
	EXPECT(epoll_reports(ep, 2000, l, EPOLLIN));
	s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	EXPECT(s >= 0);
	EXPECT(fcntl(s, F_GETFL) & O_NONBLOCK);
	EXPECT(fcntl(s, F_GETFD) & FD_CLOEXEC);
	EXPECT(epoll_reports(ep, 0, l, 0));	/* accepted: nothing left */

	/* the accepted socket holds the first byte: readable at once */
	ev.events = EPOLLIN;
	ev.data.fd = s;
	EXPECT(!epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	EXPECT(epoll_reports(ep, 2000, s, EPOLLIN));
	EXPECT(recv(s, &x, 1, 0) == 1 && x == 'y');
	EXPECT_ERRNO(recv(s, &x, 1, 0), EAGAIN);
	EXPECT(epoll_reports(ep, 0, s, 0));	/* drained: not readable */

	/* and new data wakes a blocked wait on it */
	EXPECT(send(c, "z", 1, 0) == 1);
	EXPECT(epoll_reports(ep, 2000, s, EPOLLIN));
	EXPECT(recv(s, &x, 1, 0) == 1 && x == 'z');
	close(ep_out);
	close(ep);
	close(s);
	close(c);
	close(l);
}

static void seqpacket_boundaries(void)
{
	struct pair p = connect_pair(SOCK_SEQPACKET, 0);
	static char big[200000];
	struct msghdr mh = { 0 };
	struct iovec iov;
	char buf[4096];
	ssize_t n;

	memset(big, 'm', sizeof(big));
	EXPECT(send(p.client, big, 1, 0) == 1);
	EXPECT(send(p.client, big, 3000, 0) == 3000);
	EXPECT(send(p.client, big, 10, 0) == 10);
	EXPECT(recv(p.server, buf, sizeof(buf), 0) == 1);
	EXPECT(recv(p.server, buf, sizeof(buf), 0) == 3000);
	EXPECT(recv(p.server, buf, sizeof(buf), 0) == 10);

	EXPECT(send(p.client, big, 2000, 0) == 2000);
	iov.iov_base = buf;
	iov.iov_len = 100;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	n = recvmsg(p.server, &mh, 0);
	EXPECT(n == 100 && (mh.msg_flags & MSG_TRUNC));
	EXPECT(send(p.client, big, 2000, 0) == 2000);
	EXPECT(recv(p.server, buf, 10, MSG_TRUNC) == 2000);

	EXPECT_ERRNO(send(p.client, big, 127 * 1376 + 1, 0), EMSGSIZE);
	close_pair(&p);
}

static void many_sessions(void)
{
	enum { N = 1000 };
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	struct rlimit rl = { 4096, 4096 };
	static int clients[N], servers[N];
	static bool seen[N];
	int l = sock_of(SOCK_STREAM), i, accepted = 0, got = 0;

	setrlimit(RLIMIT_NOFILE, &rl);
	EXPECT(!bind(l, (struct sockaddr *)&a, sizeof(a)) && !listen(l, N));
	for (i = 0; i < N; i++) {
		clients[i] = sock_of(SOCK_STREAM);
		EXPECT(!connect(clients[i], (struct sockaddr *)&a, sizeof(a)));
		EXPECT(send(clients[i], &i, sizeof(i), 0) == sizeof(i));
	}
	for (i = 0; i < N; i++) {
		servers[i] = accept(l, NULL, NULL);
		if (servers[i] >= 0)
			accepted++;
	}
	for (i = 0; i < N; i++) {
		int v = -1;

		if (servers[i] >= 0 &&
		    recv(servers[i], &v, sizeof(v), MSG_WAITALL) == sizeof(v) &&
		    v >= 0 && v < N && !seen[v]) {
			seen[v] = true;
			got++;
		}
	}
	printf("  %d sessions accepted, %d distinct clients heard\n", accepted, got);
	EXPECT(accepted == N && got == N);
	for (i = 0; i < N; i++) {
		close(clients[i]);
		close(servers[i]);
	}
	close(l);
}

static void print_info(const char *who, int fd)
{
	struct kcp_info i;
	socklen_t len = sizeof(i);

	if (getsockopt(fd, SOL_KCP, KCP_INFO, &i, &len))
		return;
	fprintf(stderr, "  %s: state %u rmt_wnd %u inflight %u snd_queue %u rcv_queue %u "
		"rcv_buf %u snd_mem %u rcv_mem %u rto %u retrans %llu/%llu/%llu dropped %llu\n",
		who, i.kcpi_state, i.kcpi_rmt_wnd, i.kcpi_inflight, i.kcpi_snd_queue,
		i.kcpi_rcv_queue, i.kcpi_rcv_buf, i.kcpi_snd_mem, i.kcpi_rcv_mem,
		i.kcpi_rto, (unsigned long long)i.kcpi_retrans_timeout,
		(unsigned long long)i.kcpi_retrans_fast,
		(unsigned long long)i.kcpi_retrans_early,
		(unsigned long long)i.kcpi_dropped_segs);
}

static void slow_reader(void)
{
	struct pair p = connect_pair(SOCK_STREAM, 0);
	int rcvbuf = 65536, sndbuf = 0, flags, total = 0, read_back = 0, refused = 0;
	socklen_t len = sizeof(sndbuf);
	struct timeval tv = { 0 };
	static char buf[65536];
	struct kcp_info info;
	double t0 = now_s();

	/* SO_RCVBUF applies to the next datagrams; the kernel doubles it */
	EXPECT(!setsockopt(p.server, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)));
	EXPECT(!getsockopt(p.client, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len));
	flags = fcntl(p.client, F_GETFL);
	fcntl(p.client, F_SETFL, flags | O_NONBLOCK);
	/* 3 s, or until refused: a slow (debug) kernel takes longer to fill */
	while (now_s() - t0 < 3 || (!refused && now_s() - t0 < 30)) {
		ssize_t n = send(p.client, buf, sizeof(buf), 0);

		refused = n < 0 && errno == EAGAIN;
		if (n > 0)
			total += n;
		else
			usleep(10000);
	}
	len = sizeof(info);
	EXPECT(!getsockopt(p.server, SOL_KCP, KCP_INFO, &info, &len));
	printf("  writer queued %d bytes (SO_SNDBUF %d); reader holds %u bytes (SO_RCVBUF %d), window %u\n",
	       total, sndbuf, info.kcpi_rcv_mem, 2 * rcvbuf, info.kcpi_rcv_wnd);
	EXPECT(info.kcpi_rcv_mem <= 2u * rcvbuf + 1400);
	/*
	 * The writer was held back: its last send was refused, and what it
	 * got in is what the two buffers hold (unacknowledged at the writer,
	 * unread at the reader), no more.
	 */
	EXPECT(refused);
	EXPECT(total <= sndbuf + 2 * rcvbuf + 1400);

	fcntl(p.client, F_SETFL, flags);
	tv.tv_sec = 10;
	setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (read_back < total) {
		ssize_t n = recv(p.server, buf, sizeof(buf), 0);

		if (n <= 0) {
			print_info("reader", p.server);
			print_info("writer", p.client);
			break;
		}
		read_back += n;
	}
	EXPECT(read_back == total);
	close_pair(&p);
}

/*
 * A peer that hears and never answers: a plain UDP socket bound to the
 * port, so that no ICMP port unreachable ends the session early.
 */
static int udp_sink(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	EXPECT(fd >= 0 && !bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	return fd;
}

/*
 * Nobody at the port: the ICMP port unreachable ends it, ECONNREFUSED:
 * the handshake's connect() at once, a stock client's session at its
 * first data.
 */
static void refused(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	struct pollfd pfd = { .events = POLLIN };
	int fd = sock_of(SOCK_STREAM);
	char c;

	EXPECT(connect_wait(fd, &a, 5000) == -1 && errno == ECONNREFUSED);
	close(fd);
	fd = sock_of(SOCK_STREAM | SOCK_NONBLOCK);
	EXPECT(connect_wait(fd, &a, 5000) == -1 && errno == ECONNREFUSED);
	close(fd);

	fd = sock_of(SOCK_STREAM);
	set_int(fd, SOL_KCP, KCP_STOCK, 1);
	EXPECT(!connect(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(send(fd, "?", 1, 0) == 1);
	pfd.fd = fd;
	EXPECT(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLERR));
	EXPECT_ERRNO(recv(fd, &c, 1, 0), ECONNREFUSED);
	EXPECT(recv(fd, &c, 1, 0) == 0);
	EXPECT_ERRNO(send(fd, "?", 1, MSG_NOSIGNAL), EPIPE);
	close(fd);
}

static void dead_peer(void)
{
	int port = next_port++, sink = udp_sink(port);
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	int fd = sock_of(SOCK_STREAM), v = 3, err = 0;
	socklen_t len = sizeof(err);
	struct pollfd pfd = { .events = POLLIN };
	char c;

	EXPECT(!setsockopt(fd, SOL_KCP, KCP_DEADLINK, &v, sizeof(v)));
	v = 2;
	EXPECT(!setsockopt(fd, SOL_KCP, KCP_NODELAY, &v, sizeof(v)));
	/* the sink answers no HELLO: a stock client, whose data goes unacked */
	set_int(fd, SOL_KCP, KCP_STOCK, 1);
	EXPECT(!connect(fd, (struct sockaddr *)&a, sizeof(a)));	/* nobody there */
	EXPECT(send(fd, "?", 1, 0) == 1);
	pfd.fd = fd;
	EXPECT(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLERR));
	/* the error is -1 with errno, never a byte count (it once read 110) */
	EXPECT(recv(fd, &c, 1, 0) == -1 && errno == ETIMEDOUT);
	/* then the session is over: end of file, EPIPE, nothing held */
	EXPECT(recv(fd, &c, 1, 0) == 0);
	EXPECT_ERRNO(send(fd, "?", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT(!ioctl(fd, SIOCOUTQ, &v) && v == 0);
	EXPECT(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP));
	close(fd);

	/* the same through SO_ERROR, which reading it clears */
	fd = sock_of(SOCK_STREAM);
	v = 3;
	EXPECT(!setsockopt(fd, SOL_KCP, KCP_DEADLINK, &v, sizeof(v)));
	v = 2;
	EXPECT(!setsockopt(fd, SOL_KCP, KCP_NODELAY, &v, sizeof(v)));
	set_int(fd, SOL_KCP, KCP_STOCK, 1);	/* as above: no handshake */
	EXPECT(!connect(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(send(fd, "?", 1, 0) == 1);
	pfd.fd = fd;
	EXPECT(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLERR));
	EXPECT(!getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) && err == ETIMEDOUT);
	close(fd);
	close(sink);
}

/* Nothing acknowledges: the send buffer fills and SO_SNDTIMEO expires. */
static void send_timeout(void)
{
	int port = next_port++, sink = udp_sink(port);
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	struct timeval tv = { .tv_usec = 200000 };
	int fd = sock_of(SOCK_STREAM), sndbuf = 16384, hit = 0, i;
	static char buf[65536];
	double t0, waited = 0;

	EXPECT(!setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)));
	EXPECT(!setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	/* the sink answers no HELLO: a stock client, to queue data at once */
	set_int(fd, SOL_KCP, KCP_STOCK, 1);
	EXPECT(!connect(fd, (struct sockaddr *)&a, sizeof(a)));	/* nobody there */
	for (i = 0; i < 100 && !hit; i++) {
		ssize_t n;

		t0 = now_s();
		n = send(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EAGAIN) {
			hit = 1;
			waited = now_s() - t0;
		}
		EXPECT(n != 0);
	}
	EXPECT(hit && waited >= 0.15);	/* the refused send waited first */
	set_linger(fd, 1, 0);		/* nobody will take what is queued */
	close(fd);
	close(sink);
}

/* Edge-triggered events on @fd for @events, after the first report. */
static int epoll_et(int fd, unsigned int events)
{
	struct epoll_event ev = { .events = events | EPOLLET, .data.fd = fd };
	int ep = epoll_create1(0);

	EXPECT(ep >= 0 && !epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	EXPECT(epoll_wait(ep, &ev, 1, 1000) == 1);	/* ready at once */
	return ep;
}

static int count_events(int ep)
{
	struct epoll_event ev[8];
	int n, total = 0;

	while ((n = epoll_wait(ep, ev, 8, 0)) > 0)
		total += n;
	return total;
}

/*
 * A datagram wakes a reader only for new data and a writer only for new
 * room: with edge-triggered epoll each wakeup is an event. The server
 * keeps one unread byte while ACKs for its own data come in; the client
 * could write all along while data for it comes in.
 */
static void wakeups(void)
{
	struct pair p = connect_pair(SOCK_STREAM, 0);
	int reader, writer, i, spurious_in = 0, spurious_out = 0;
	char c;

	EXPECT(send(p.client, "y", 1, 0) == 1);
	/* until 'y' is acknowledged, its ACK would rightly wake the writer */
	for (i = 0; i < 200; i++) {
		int unacked = -1;

		EXPECT(!ioctl(p.client, SIOCOUTQ, &unacked));
		if (!unacked)
			break;
		usleep(10000);
	}
	reader = epoll_et(p.server, EPOLLIN);
	writer = epoll_et(p.client, EPOLLOUT);
	for (i = 0; i < 20; i++) {
		EXPECT(send(p.server, "z", 1, 0) == 1);
		EXPECT(recv(p.client, &c, 1, 0) == 1);
		usleep(20000);		/* the client's ACK reaches the server */
		spurious_in += count_events(reader);
		spurious_out += count_events(writer);
	}
	EXPECT(spurious_in == 0);
	EXPECT(spurious_out == 0);
	/* and new data still wakes the reader */
	EXPECT(send(p.client, "w", 1, 0) == 1);
	usleep(100000);
	EXPECT(count_events(reader) == 1);
	close(reader);
	close(writer);
	close_pair(&p);
}

/* Bind as UDP would let this user: a port below 1024 takes privilege. */
static int bind_as_nobody(int port)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	pid_t pid = fork();
	int status;

	if (!pid) {
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		fd = sock_of(SOCK_STREAM);
		_exit(bind(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void system_policy(void)
{
	struct sockaddr_kcp low = addr4("127.0.0.1", 999, 0);
	struct sockaddr_kcp bcast = addr4("255.255.255.255", 9, 0);
	struct sockaddr_kcp lo_bcast = addr4("127.255.255.255", 9, 0);
	int fd;

	EXPECT(bind_as_nobody(999) == EACCES);
	EXPECT(bind_as_nobody(next_port++) == 0);
	fd = sock_of(SOCK_STREAM);		/* root may */
	EXPECT(!bind(fd, (struct sockaddr *)&low, sizeof(low)));
	close(fd);

	/*
	 * A broadcast peer takes SO_BROADCAST, as for UDP. Nobody would
	 * answer a HELLO there (a listener ignores one sent to a broadcast
	 * address, and no ICMP error comes back): a stock client, whose
	 * connect() completes at once.
	 */
	fd = sock_of(SOCK_STREAM);
	set_int(fd, SOL_KCP, KCP_STOCK, 1);
	EXPECT_ERRNO(connect(fd, (struct sockaddr *)&bcast, sizeof(bcast)), EACCES);
	EXPECT_ERRNO(connect(fd, (struct sockaddr *)&lo_bcast, sizeof(lo_bcast)),
		     EACCES);
	set_int(fd, SOL_SOCKET, SO_BROADCAST, 1);
	EXPECT(!connect(fd, (struct sockaddr *)&lo_bcast, sizeof(lo_bcast)));
	set_linger(fd, 1, 0);			/* nothing to deliver, no orphan */
	close(fd);
}

/*
 * The realtime profile (KCP_THIN_DUP): a lone message leaves twice, the
 * receiver delivers it once and counts the copy as a repeat; 64 KiB
 * written at once are not doubled.
 */
static void thin_dup(void)
{
	struct pair p = connect_pair(SOCK_STREAM, 0);
	static char big[65536];
	char buf[64];
	size_t got = 0;
	ssize_t n;
	int i;

	EXPECT(!setsockopt(p.client, SOL_KCP, KCP_PROFILE, "realtime", 9));
	EXPECT(get_int(p.client, KCP_THIN_DUP) == 1 && get_int(p.server, KCP_THIN_DUP) == 0);
	EXPECT(send(p.client, "ping", 4, 0) == 4);
	EXPECT(recv(p.server, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "ping", 4));
	for (i = 0; i < 100 && !info_of(p.server).kcpi_repeat_segs; i++)
		usleep(10000);
	EXPECT(info_of(p.client).kcpi_thin_dups == 1);
	EXPECT(info_of(p.server).kcpi_repeat_segs == 1);
	EXPECT_ERRNO(recv(p.server, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);

	EXPECT(send(p.client, big, sizeof(big), 0) == sizeof(big));
	while (got < sizeof(big) && (n = recv(p.server, big, sizeof(big), 0)) > 0)
		got += n;
	EXPECT(got == sizeof(big));
	EXPECT(info_of(p.client).kcpi_thin_dups <= 4);	/* 47 segments */
	close_pair(&p);
}

static const struct test_case cases[] = {
	{ "socket_types", socket_types },
	{ "bad_addresses", bad_addresses },
	{ "options", options },
	{ "echo_and_names", echo_and_names },
	{ "timeouts_and_waitall", timeouts_and_waitall },
	{ "accept4_and_epoll", accept4_and_epoll },
	{ "seqpacket_boundaries", seqpacket_boundaries },
	{ "many_sessions", many_sessions },
	{ "slow_reader", slow_reader },
	{ "send_timeout", send_timeout },
	{ "dead_peer", dead_peer },
	{ "refused", refused },
	{ "system_policy", system_policy },
	{ "wakeups", wakeups },
	{ "thin_dup", thin_dup },
};

int main(int argc, char **argv)
{
	return run_cases(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			 "kcp_api_test");
}
