// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_connection_test: the lifecycle extension between kcp.ko endpoints,
 * as a TCP user sees it: connect() is a handshake (blocking, non-blocking,
 * refused, timed out), the end of the stream arrives after every byte
 * (close() and shutdown(), each direction on its own), an abrupt end
 * resets the peer, data for a session that is gone is answered with a
 * reset, a flood of spoofed HELLOs makes a listener keep nothing, one
 * address cannot take every place in the accept queues, a client that
 * proved its address displaces a stranger from a full one, and an address
 * that has not proved it receives gets no more than 3x what it sent.
 * Run inside a guest with kcp.ko loaded (tests/scenarios/connection.sh).
 *
 *   kcp_connection_test [CASE...]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/kcp_netlink.h>

#include "harness.h"
#include "libkcp.h"

#define CMD_HELLO	88
#define CMD_RST		92
#define HELLOS		50000

static struct kcp_ctl *ctl;

static uint64_t stat_of(int attr)
{
	struct kcp_stats st = { 0 };

	EXPECT(kcp_ctl_stats(ctl, &st) == 0);
	return st.value[attr];
}

static int listener_on(int port)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	int fd = sock_of(SOCK_STREAM);

	EXPECT(!bind(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(fd, 16));
	return fd;
}

static short poll_one(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

static int so_error(int fd)
{
	socklen_t len = sizeof(int);
	int err = -1;

	EXPECT(!getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	return err;
}

/* Read until EOF or an error; the bytes read, the error in *err. */
static size_t read_all(int fd, int *err)
{
	char buf[65536];
	size_t got = 0;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		got += n;
	*err = n < 0 ? errno : 0;
	return got;
}

/*
 * A blocking connect() returns once the listener answered, and accept()
 * has the session before any data: the client's ECHO made it. Both ends
 * say they speak the extension.
 */
static void handshake(void)
{
	int port = next_port++, l = listener_on(port), c, s;
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	uint64_t cookies = stat_of(KCP_STAT_A_COOKIES_SENT);

	c = sock_of(SOCK_STREAM);
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(info_of(c).kcpi_state == 1 /* TCP_ESTABLISHED */);
	EXPECT(poll_one(l, POLLIN, 2000) & POLLIN);
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0);
	EXPECT(info_of(c).kcpi_ext_version == 1);
	EXPECT(info_of(s).kcpi_ext_version == 1);
	EXPECT(info_of(s).kcpi_conv == info_of(c).kcpi_conv);
	EXPECT(stat_of(KCP_STAT_A_COOKIES_SENT) == cookies + 1);
	EXPECT(send(c, "ping", 4, 0) == 4);
	char buf[8];
	EXPECT(recv(s, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "ping", 4));
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	close(c);
	close(s);
	close(l);
}

/* Non-blocking: EINPROGRESS, EALREADY, then EPOLLOUT and SO_ERROR 0. */
static void nonblocking_connect(void)
{
	int port = next_port++, l = listener_on(port), c;
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);

	c = sock_of(SOCK_STREAM);
	EXPECT(!fcntl(c, F_SETFL, O_NONBLOCK));
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	EXPECT(poll_one(c, POLLOUT, 2000) & POLLOUT);
	EXPECT(so_error(c) == 0);
	/* as TCP: the next connect() says it is done, then EISCONN */
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	close(c);
	close(l);
}

/* A listener closed before accept() resets the sessions it held, as TCP. */
static void unaccepted_reset(void)
{
	int port = next_port++, l = listener_on(port), c;
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	char x;

	c = sock_of(SOCK_STREAM);
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(poll_one(l, POLLIN, 2000) & POLLIN);
	close(l);
	EXPECT(poll_one(c, POLLIN, 2000) & POLLERR);
	EXPECT_ERRNO(recv(c, &x, 1, 0), ECONNRESET);
	close(c);
}

/*
 * Nothing on the port: the ICMP port unreachable refuses the connection;
 * a kcp.ko endpoint that does not listen refuses it with a reset.
 */
static void refused(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	int c = sock_of(SOCK_STREAM);

	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	close(c);
	c = sock_of(SOCK_STREAM);
	EXPECT(!fcntl(c, F_SETFL, O_NONBLOCK));
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	EXPECT(poll_one(c, POLLOUT, 2000) & POLLERR);
	EXPECT(so_error(c) == ECONNREFUSED);
	close(c);

	int b = sock_of(SOCK_STREAM);
	uint64_t resets = stat_of(KCP_STAT_A_RESETS_ACCEPTED);

	a = addr4("127.0.0.1", next_port++, 0);
	EXPECT(!bind(b, (struct sockaddr *)&a, sizeof(a)));
	c = sock_of(SOCK_STREAM);
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	EXPECT(stat_of(KCP_STAT_A_RESETS_ACCEPTED) == resets + 1);
	close(c);
	close(b);
}

/*
 * As TCP's: a socket whose connect() failed connects again, from the same
 * local port, blocking or not (not: the error once, then the next try);
 * one that connected says EISCONN.
 */
static void connect_again(void)
{
	int port = next_port++, c = sock_of(SOCK_STREAM), l, s;
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0), local, again;
	socklen_t len = sizeof(local);
	char buf[8] = "";

	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	EXPECT(!getsockname(c, (struct sockaddr *)&local, &len));
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	l = listener_on(port);
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	len = sizeof(again);
	EXPECT(!getsockname(c, (struct sockaddr *)&again, &len));
	EXPECT(again.kcp_udp.sin.sin_port == local.kcp_udp.sin.sin_port);
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0);
	EXPECT(send(c, "again", 5, 0) == 5);
	EXPECT(recv(s, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "again", 5));
	EXPECT(send(s, "back", 4, 0) == 4);
	EXPECT(recv(c, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "back", 4));
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	close(s);
	close(c);
	close(l);

	a = addr4("127.0.0.1", port = next_port++, 0);
	c = sock_of(SOCK_STREAM);
	EXPECT(!fcntl(c, F_SETFL, O_NONBLOCK));
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	EXPECT(poll_one(c, POLLOUT, 2000) & POLLERR);
	EXPECT(so_error(c) == ECONNREFUSED);
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), ECONNABORTED);
	l = listener_on(port);
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	EXPECT(poll_one(c, POLLOUT, 2000) == POLLOUT);
	EXPECT(so_error(c) == 0);
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0);
	EXPECT(send(c, "x", 1, 0) == 1);
	EXPECT(poll_one(s, POLLIN, 2000) & POLLIN);
	close(s);
	close(c);
	close(l);
}

static int udp_peer(int *port);

/*
 * A peer that answers nothing (a UDP socket that reads and drops):
 * connect() gives up after KCP_CONNECT_TIMEOUT with ETIMEDOUT. Bad values
 * change nothing.
 */
static void connect_timeout(void)
{
	int port, c = sock_of(SOCK_STREAM), b = udp_peer(&port);
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	uint64_t before = stat_of(KCP_STAT_A_CONNECT_TIMEOUTS);
	socklen_t len = sizeof(int);
	int val = 0, small = 1;
	double t0;

	EXPECT_ERRNO(setsockopt(c, SOL_KCP, KCP_CONNECT_TIMEOUT, &small, 2), EINVAL);
	small = 99;
	EXPECT_ERRNO(setsockopt(c, SOL_KCP, KCP_CONNECT_TIMEOUT, &small,
				sizeof(small)), EINVAL);
	EXPECT(!getsockopt(c, SOL_KCP, KCP_CONNECT_TIMEOUT, &val, &len));
	EXPECT(val == 20000);
	set_int(c, SOL_KCP, KCP_CONNECT_TIMEOUT, 700);
	t0 = now_s();
	EXPECT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), ETIMEDOUT);
	EXPECT(now_s() - t0 >= 0.6 && now_s() - t0 < 3);
	EXPECT(stat_of(KCP_STAT_A_CONNECT_TIMEOUTS) == before + 1);
	close(c);
	close(b);
}

/* A connected pair over the handshake, accepted. */
static struct pair ext_pair(void)
{
	struct pair p = { .port = next_port++ };
	struct sockaddr_kcp a = addr4("127.0.0.1", p.port, 0);

	p.listener = listener_on(p.port);
	p.client = sock_of(SOCK_STREAM);
	EXPECT(!connect(p.client, (struct sockaddr *)&a, sizeof(a)));
	p.server = accept(p.listener, NULL, NULL);
	EXPECT(p.server >= 0);
	return p;
}

/*
 * close() right after a large send(): the peer reads every byte, then 0,
 * and polls EPOLLRDHUP.
 */
static void eof_after_close(void)
{
	static char buf[1 << 20];
	struct pair p = ext_pair();
	size_t sent = 0;
	pid_t pid;
	int err;

	pid = fork();
	if (!pid) {
		/* the writer: 8 MiB, then close() at once */
		memset(buf, 'k', sizeof(buf));
		while (sent < 8 * sizeof(buf)) {
			ssize_t n = send(p.client, buf, sizeof(buf), 0);

			if (n <= 0)
				_exit(2);
			sent += n;
		}
		close(p.client);
		_exit(0);
	}
	close(p.client);
	EXPECT(read_all(p.server, &err) == 8 * sizeof(buf));
	EXPECT(err == 0);
	EXPECT(waitpid(pid, &err, 0) == pid && WIFEXITED(err) &&
	       !WEXITSTATUS(err));
	EXPECT(poll_one(p.server, POLLIN | POLLRDHUP, 0) & POLLRDHUP);
	EXPECT(recv(p.server, buf, 1, 0) == 0);
	close(p.server);
	close(p.listener);
}

/*
 * Half close: after the client's shutdown(SHUT_WR) the server reads EOF,
 * still answers, and the client reads the answer, then EOF once the server
 * closes; both directions shut, the client polls EPOLLHUP.
 */
static void half_close(void)
{
	struct pair p = ext_pair();
	char buf[16];
	int err;

	EXPECT(send(p.client, "question", 8, 0) == 8);
	EXPECT(!shutdown(p.client, SHUT_WR));
	EXPECT_ERRNO(send(p.client, "x", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT(read_all(p.server, &err) == 8 && err == 0);
	EXPECT(info_of(p.server).kcpi_state == 8 /* TCP_CLOSE_WAIT */);
	EXPECT(send(p.server, "answer", 6, 0) == 6);
	EXPECT(recv(p.client, buf, sizeof(buf), 0) == 6);
	EXPECT(!(poll_one(p.client, POLLIN, 0) & POLLHUP));
	close(p.server);
	EXPECT(recv(p.client, buf, sizeof(buf), 0) == 0);
	EXPECT(poll_one(p.client, POLLIN, 0) & POLLHUP);
	close(p.client);
	close(p.listener);
}

/* SO_LINGER 0 resets the peer: ECONNRESET, then EOF and EPIPE. */
static void reset_linger0(void)
{
	uint64_t sent = stat_of(KCP_STAT_A_RESETS_SENT);
	uint64_t taken = stat_of(KCP_STAT_A_RESETS_ACCEPTED);
	struct pair p = ext_pair();
	char c;

	set_linger(p.server, 1, 0);
	close(p.server);
	EXPECT(poll_one(p.client, POLLIN, 2000) & POLLERR);
	EXPECT_ERRNO(recv(p.client, &c, 1, 0), ECONNRESET);
	EXPECT(recv(p.client, &c, 1, 0) == 0);
	EXPECT_ERRNO(send(p.client, "x", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT(stat_of(KCP_STAT_A_RESETS_SENT) == sent + 1);
	EXPECT(stat_of(KCP_STAT_A_RESETS_ACCEPTED) == taken + 1);
	close(p.client);
	close(p.listener);
}

/*
 * A peer whose process dies mid-transfer, with data it never read, resets
 * the sender; the port is served again at once by a new process, and a
 * new connection to it works.
 */
static void killed_peer(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port, 0);
	int port = next_port++, ready[2], c, err = 0;
	static char buf[65536];
	pid_t pid;

	EXPECT(!pipe(ready));
	pid = fork();
	if (!pid) {
		int l = listener_on(port), s = accept(l, NULL, NULL);

		if (write(ready[1], "r", 1) != 1 || s < 0)
			_exit(2);
		pause();	/* reads nothing until killed */
		_exit(0);
	}
	usleep(200000);
	c = sock_of(SOCK_STREAM);
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(read(ready[0], buf, 1) == 1);
	EXPECT(send(c, buf, sizeof(buf), 0) > 0);
	usleep(200000);
	kill(pid, SIGKILL);
	EXPECT(waitpid(pid, NULL, 0) == pid);
	for (int i = 0; i < 50; i++) {
		if (send(c, buf, sizeof(buf), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN) {
			err = errno;
			break;
		}
		usleep(20000);
	}
	EXPECT(err == ECONNRESET);
	close(c);
	close(ready[0]);
	close(ready[1]);

	/* the port again, at once: a new listener and a new connection */
	struct pair p = { .port = port };

	p.listener = listener_on(port);
	p.client = sock_of(SOCK_STREAM);
	EXPECT(!connect(p.client, (struct sockaddr *)&a, sizeof(a)));
	p.server = accept(p.listener, NULL, NULL);
	EXPECT(p.server >= 0);
	close_pair(&p);
}

/* A UDP socket on loopback standing in for a peer, and its port. */
static int udp_peer(int *port)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	socklen_t len = sizeof(me);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval tv = { .tv_sec = 1 };

	inet_pton(AF_INET, "127.0.0.1", &me.sin_addr);
	EXPECT(!bind(fd, (struct sockaddr *)&me, sizeof(me)));
	EXPECT(!getsockname(fd, (struct sockaddr *)&me, &len));
	EXPECT(!setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	*port = ntohs(me.sin_port);
	return fd;
}

static void put_seg(uint8_t *p, uint32_t conv, uint8_t cmd, uint32_t sn,
		    uint32_t len)
{
	memset(p, 0, 24);
	memcpy(p, &conv, 4);		/* little-endian hosts only */
	p[4] = cmd;
	p[6] = 128;			/* wnd */
	memcpy(p + 12, &sn, 4);
	memcpy(p + 20, &len, 4);
}

static ssize_t udp_send_to(int fd, int port, const void *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	return sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
}

/*
 * Data for a conversation the endpoint does not have gets a reset, with a
 * token derived from the conversation (the same each time, another for
 * another conv); nothing smaller than a reset gets one, and no reset
 * answers a reset.
 */
static void stateless_reset(void)
{
	int port = next_port++, l = listener_on(port), up, fd = udp_peer(&up);
	uint8_t seg[64], reply[128], first[40];

	put_seg(seg, 0x1234, 81 /* PUSH */, 7, 16);
	EXPECT(udp_send_to(fd, port, seg, 40) == 40);
	EXPECT(recv(fd, reply, sizeof(reply), 0) == 40);
	EXPECT(reply[4] == CMD_RST && !memcmp(reply, seg, 4));
	memcpy(first, reply, sizeof(first));
	EXPECT(udp_send_to(fd, port, seg, 40) == 40);
	EXPECT(recv(fd, reply, sizeof(reply), 0) == 40);
	EXPECT(!memcmp(reply, first, 40));
	put_seg(seg, 0x1235, 81, 7, 16);
	EXPECT(udp_send_to(fd, port, seg, 40) == 40);
	EXPECT(recv(fd, reply, sizeof(reply), 0) == 40);
	EXPECT(memcmp(reply + 24, first + 24, 16));
	/* too small to answer with a reset, and a reset itself */
	put_seg(seg, 0x1234, 82 /* ACK */, 0, 0);
	EXPECT(udp_send_to(fd, port, seg, 24) == 24);
	EXPECT(recv(fd, reply, sizeof(reply), 0) < 0 && errno == EAGAIN);
	put_seg(seg, 0x1234, CMD_RST, 0, 16);
	EXPECT(udp_send_to(fd, port, seg, 40) == 40);
	EXPECT(recv(fd, reply, sizeof(reply), 0) < 0 && errno == EAGAIN);
	close(fd);
	close(l);
}

/* The kernel's slab memory, in KiB (/proc/meminfo). */
/*
 * HELLOS spoofed HELLOs from as many sources (a raw socket writes their IP
 * headers): the listener answers each with a cookie and keeps nothing
 * (no session waits for accept(), slab memory does not grow with them),
 * and a real client connects and transfers meanwhile.
 */
static void hello_flood(void)
{
	int port = next_port++, l = listener_on(port), raw, c, s;
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint64_t cookies = stat_of(KCP_STAT_A_COOKIES_SENT);
	long slab0 = slab_kib(), slab1;
	uint8_t pkt[20 + 8 + 24 + 64];
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *uh = (struct udphdr *)(pkt + 20);
	char buf[4096];
	pid_t pid;
	int err;

	raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	EXPECT(raw >= 0);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	memset(pkt, 0, sizeof(pkt));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(pkt));
	ip->daddr = to.sin_addr.s_addr;
	uh->dest = htons(port);
	uh->len = htons(sizeof(pkt) - 20);
	put_seg(pkt + 28, 0, CMD_HELLO, 0, 64);
	pkt[28 + 24] = 1;		/* version */

	pid = fork();
	if (!pid) {
		for (uint32_t i = 0; i < HELLOS; i++) {
			uint32_t conv = i * 2654435761u;

			/* 127.1.0.0/16: loopback, nobody's */
			ip->saddr = htonl(0x7f010000 | (i & 0xffff));
			uh->source = htons(1024 + i % 60000);
			memcpy(pkt + 28, &conv, 4);
			sendto(raw, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			       sizeof(to));
		}
		_exit(0);
	}
	c = sock_of(SOCK_STREAM);
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0);
	memset(buf, 'f', sizeof(buf));
	/* less than the receive window: this thread reads only after */
	for (int i = 0; i < 32; i++)
		EXPECT(send(c, buf, sizeof(buf), 0) == sizeof(buf));
	close(c);
	EXPECT(read_all(s, &err) == 32 * sizeof(buf) && err == 0);
	close(s);
	EXPECT(waitpid(pid, NULL, 0) == pid);
	usleep(500000);
	slab1 = slab_kib();
	fprintf(stderr, "  slab %ld -> %ld KiB, %llu cookies sent\n", slab0,
		slab1, (unsigned long long)(stat_of(KCP_STAT_A_COOKIES_SENT) -
					    cookies));
	EXPECT(stat_of(KCP_STAT_A_COOKIES_SENT) > cookies + 1000);
	/* nothing is waiting in the accept queue */
	EXPECT(!(poll_one(l, POLLIN, 0) & POLLIN));
	/* as many sessions would hold tens of MiB; allow a kernel's noise */
	EXPECT(slab1 - slab0 < 4096);
	close(raw);
	close(l);
}

static void set_setting(int attr, uint32_t value)
{
	struct kcp_settings st = { .present = KCP_CTL_BIT(attr) };

	st.value[attr] = value;
	EXPECT(kcp_ctl_settings_set(ctl, &st) == 0);
}

/*
 * First PUSHes of 100 stock conversations from one address: it gets no
 * more than a sixteenth of the namespace's pending_max (here 10) of the
 * sessions waiting for accept(); another address still gets in.
 */
static void pending_per_source(void)
{
	int port = next_port++, l = listener_on(port), up, fd = udp_peer(&up);
	uint64_t overflows = stat_of(KCP_STAT_A_LISTEN_OVERFLOWS);
	struct sockaddr_kcp other = addr4("127.0.0.1", port, 0);
	uint8_t seg[40];
	int n = 0, s, cl[3];

	set_setting(KCP_SETTING_A_PENDING_MAX, 160);
	for (uint32_t conv = 1; conv <= 100; conv++) {
		put_seg(seg, conv, 81 /* PUSH */, 0, 16);
		EXPECT(udp_send_to(fd, port, seg, sizeof(seg)) == sizeof(seg));
	}
	usleep(300000);
	EXPECT(!fcntl(l, F_SETFL, O_NONBLOCK));
	while ((s = accept(l, NULL, NULL)) >= 0) {
		n++;
		close(s);
	}
	EXPECT(n == 10);
	EXPECT(stat_of(KCP_STAT_A_LISTEN_OVERFLOWS) == overflows + 90);

	/* refill the one address's share, then another address connects */
	for (uint32_t conv = 101; conv <= 120; conv++) {
		put_seg(seg, conv, 81, 0, 16);
		EXPECT(udp_send_to(fd, port, seg, sizeof(seg)) == sizeof(seg));
	}
	usleep(300000);
	/*
	 * Others get in (three of them: an address may share its keyed
	 * bucket with the first, at odds of 1 in 256)
	 */
	for (int i = 0; i < 3; i++) {
		char ip[16];
		struct sockaddr_kcp me;

		snprintf(ip, sizeof(ip), "127.0.0.%d", 2 + i);
		me = addr4(ip, 0, 0);
		cl[i] = sock_of(SOCK_STREAM);
		EXPECT(!bind(cl[i], (struct sockaddr *)&me, sizeof(me)));
		EXPECT(!connect(cl[i], (struct sockaddr *)&other, sizeof(other)));
	}
	usleep(500000);
	n = 0;
	while ((s = accept(l, NULL, NULL)) >= 0) {
		struct sockaddr_kcp peer;
		socklen_t len = sizeof(peer);

		EXPECT(!getpeername(s, (struct sockaddr *)&peer, &len));
		n += peer.kcp_udp.sin.sin_addr.s_addr != htonl(0x7f000001);
		close(s);
	}
	EXPECT(n >= 2);
	set_setting(KCP_SETTING_A_PENDING_MAX, 16384);
	for (int i = 0; i < 3; i++)
		close(cl[i]);
	close(fd);
	close(l);
}

/*
 * What arrives at a UDP socket within @ms, in bytes; *ts0 gets the time
 * the PUSH of sn 0 carried, if one came (a peer echoes it in its ACK).
 */
static size_t udp_drain(int fd, int ms, uint32_t *ts0)
{
	double end = now_s() + ms / 1000.0;
	uint8_t buf[2048];
	size_t total = 0;

	while (now_s() < end) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		uint32_t sn, len;

		if (n <= 0) {
			usleep(10000);
			continue;
		}
		total += n;
		for (ssize_t at = 0; at + 24 <= n; at += 24 + len) {
			memcpy(&sn, buf + at + 12, 4);
			memcpy(&len, buf + at + 20, 4);
			if (buf[at + 4] == 81 && sn == 0)
				memcpy(ts0, buf + at + 8, 4);
		}
	}
	return total;
}

/*
 * A stock client's first PUSH does not prove its address is its own: until
 * it acknowledges our data, it gets at most 3x what it sent, whatever the
 * application writes; once it acknowledges, the data flows.
 */
static void unproved_limit(void)
{
	int port = next_port++, l = listener_on(port), up, fd = udp_peer(&up), s;
	uint64_t held = stat_of(KCP_STAT_A_UNPROVED_HELD);
	static char data[65536];
	uint32_t ts0 = 0;
	uint8_t seg[40];
	size_t got;

	put_seg(seg, 0x600d, 81 /* PUSH */, 0, 16);
	EXPECT(udp_send_to(fd, port, seg, sizeof(seg)) == sizeof(seg));
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0);
	EXPECT(send(s, data, sizeof(data), 0) == sizeof(data));
	/* 3x the PUSH, and the one full datagram an answer may need */
	got = udp_drain(fd, 1000, &ts0);
	EXPECT(got <= 3 * sizeof(seg) + 1400);
	EXPECT(stat_of(KCP_STAT_A_UNPROVED_HELD) > held);
	/* the ACK of sn 0, its time echoed: proof it receives here */
	put_seg(seg, 0x600d, 82 /* ACK */, 0, 0);
	memcpy(seg + 8, &ts0, 4);
	seg[16] = 1;			/* una */
	EXPECT(udp_send_to(fd, port, seg, 24) == 24);
	got = udp_drain(fd, 1500, &ts0);
	EXPECT(got > 2000);		/* more than the allowance: it flows */
	close(s);
	close(fd);
	close(l);
}

/*
 * A listener whose queue is full of stock sessions nobody accepts (first
 * PUSHes: anyone can spoof those) still lets a kcp.ko client in, in the
 * place of the oldest stranger; a queue full of proved clients does not.
 */
static void evict_stranger(void)
{
	int port = next_port++, l = listener_on(port), up, fd = udp_peer(&up);
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0), me;
	uint64_t evictions = stat_of(KCP_STAT_A_LISTEN_EVICTIONS);
	socklen_t len = sizeof(me);
	int c[18], s, n = 0, found = 0;
	uint8_t seg[40];

	for (uint32_t conv = 1; conv <= 30; conv++) {
		put_seg(seg, conv, 81 /* PUSH */, 0, 16);
		EXPECT(udp_send_to(fd, port, seg, sizeof(seg)) == sizeof(seg));
	}
	usleep(300000);
	/* backlog 16 holds 17: each client takes a stranger's place */
	for (int i = 0; i < 17; i++) {
		c[i] = sock_of(SOCK_STREAM);
		set_int(c[i], SOL_KCP, KCP_CONNECT_TIMEOUT, 3000);
		EXPECT(!connect(c[i], (struct sockaddr *)&a, sizeof(a)));
	}
	usleep(300000);
	EXPECT(stat_of(KCP_STAT_A_LISTEN_EVICTIONS) == evictions + 17);
	/* now only proved clients wait: the next one is not answered */
	c[17] = sock_of(SOCK_STREAM);
	set_int(c[17], SOL_KCP, KCP_CONNECT_TIMEOUT, 1000);
	EXPECT_ERRNO(connect(c[17], (struct sockaddr *)&a, sizeof(a)), ETIMEDOUT);

	EXPECT(!getsockname(c[16], (struct sockaddr *)&me, &len));
	EXPECT(!fcntl(l, F_SETFL, O_NONBLOCK));
	while ((s = accept(l, NULL, NULL)) >= 0) {
		struct sockaddr_kcp peer;

		len = sizeof(peer);
		EXPECT(!getpeername(s, (struct sockaddr *)&peer, &len));
		found += peer.kcp_udp.sin.sin_port == me.kcp_udp.sin.sin_port;
		n += peer.kcp_udp.sin.sin_port != htons(up);
		close(s);
	}
	EXPECT(n == 17 && found == 1);
	for (int i = 0; i < 18; i++)
		close(c[i]);
	close(fd);
	close(l);
}

static const struct test_case cases[] = {
	{ "handshake", handshake },
	{ "nonblocking_connect", nonblocking_connect },
	{ "unaccepted_reset", unaccepted_reset },
	{ "refused", refused },
	{ "connect_again", connect_again },
	{ "connect_timeout", connect_timeout },
	{ "eof_after_close", eof_after_close },
	{ "half_close", half_close },
	{ "reset_linger0", reset_linger0 },
	{ "killed_peer", killed_peer },
	{ "stateless_reset", stateless_reset },
	{ "hello_flood", hello_flood },
	{ "pending_per_source", pending_per_source },
	{ "evict_stranger", evict_stranger },
	{ "unproved_limit", unproved_limit },
};

int main(int argc, char **argv)
{
	int failures;

	signal(SIGPIPE, SIG_IGN);
	if (kcp_ctl_open(&ctl)) {
		fprintf(stderr, "kcp_connection_test: no kcp netlink family\n");
		return 100;
	}
	next_port = 23000;
	failures = run_cases(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			     "kcp_connection_test");
	kcp_ctl_close(ctl);
	return failures ? 1 : 0;
}
