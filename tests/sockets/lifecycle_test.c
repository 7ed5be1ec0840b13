// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_lifecycle_test: how AF_KCP sessions end, as a TCP user expects: a
 * graceful close() that still delivers, SO_LINGER, shutdown(), keepalive
 * finding a silent peer, and a port bound again at once after a server
 * closed. Run inside a guest with kcp.ko loaded
 * (tests/scenarios/lifecycle.sh), on loopback, possibly under netem.
 *
 *   kcp_lifecycle_test [CASE...]
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/sockios.h>

#include "harness.h"

#define BULK	(8 << 20)	/* bytes a client writes before close() */

static unsigned char pattern(size_t i)
{
	return (i * 7 + i / 4093) % 251;
}

/*
 * A child connects to @port, writes BULK bytes of the pattern, closes
 * (with SO_LINGER @linger_secs unless negative) and reports over @report
 * how long close() took, in ms. Returns its pid.
 */
static pid_t bulk_client(int port, int linger_secs, int report)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);
	static unsigned char buf[65536];
	pid_t pid = fork();
	size_t sent = 0;
	double t0;
	int fd, ms;

	if (pid)
		return pid;
	fd = sock_of(SOCK_STREAM);
	if (linger_secs >= 0)
		set_linger(fd, 1, linger_secs);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		_exit(2);
	while (sent < BULK) {
		size_t i, n = sizeof(buf);
		ssize_t w;

		for (i = 0; i < n; i++)
			buf[i] = pattern(sent + i);
		w = send(fd, buf, n, 0);
		if (w <= 0)
			_exit(3);
		sent += w;	/* the next round refills buf from here */
	}
	t0 = now_s();
	close(fd);
	ms = (now_s() - t0) * 1000;
	if (write(report, &ms, sizeof(ms)) != sizeof(ms))
		_exit(4);
	_exit(0);
}

/*
 * Accept one session on @listener and read the pattern from it, @pause_ms
 * between reads of 64 KiB, until BULK bytes or 30 s of silence: under
 * netem's 5% loss a segment lost three times in a row waits 1 + 1.5 +
 * 2.25 times its RTO, and on the debug kernel (tests/vm/debug), where
 * kmemleak's scans and KASAN stretch round trips, the RTO itself reaches
 * seconds (10 s of silence was seen once there). A reader that gave up
 * would leave the writer blocked until its peer is declared dead.
 * Return: the bytes that arrived in order and intact.
 */
static size_t bulk_read(int listener, int pause_ms)
{
	struct timeval tv = { .tv_sec = 30 };
	static unsigned char buf[65536];
	const char *why = "a wrong byte";
	size_t got = 0, i;
	int fd;

	fd = accept(listener, NULL, NULL);
	EXPECT(fd >= 0);
	if (fd < 0)
		return 0;
	EXPECT(!setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	while (got < BULK) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n <= 0) {
			why = n ? strerror(errno) : "end of stream";
			break;
		}
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pattern(got + i))
				goto out;
		got += n;
		if (pause_ms)
			usleep(pause_ms * 1000);
	}
out:
	if (got < BULK)
		fprintf(stderr, "  %zu of %u bytes, then %s\n", got, BULK, why);
	close(fd);
	return got;
}

/* One bulk client against a listener here; close()'s duration in ms. */
static size_t bulk_transfer(int linger_secs, int pause_ms, int *close_ms)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port, 0);
	int listener = sock_of(SOCK_STREAM), report[2], status;
	size_t got;
	pid_t pid;

	EXPECT(!bind(listener, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(listener, 1));
	EXPECT(!pipe(report));
	pid = bulk_client(next_port++, linger_secs, report[1]);
	got = bulk_read(listener, pause_ms);
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0);
	*close_ms = -1;
	EXPECT(read(report[0], close_ms, sizeof(*close_ms)) == sizeof(*close_ms));
	close(report[0]);
	close(report[1]);
	close(listener);
	return got;
}

/* close() right after the last send() still delivers every byte. */
static void close_delivers(void)
{
	int close_ms;

	EXPECT(bulk_transfer(-1, 0, &close_ms) == BULK);
	EXPECT(close_ms < 100);		/* in the background, not in close() */
	/* a slow reader: the orphan has a buffer's worth left to deliver */
	EXPECT(bulk_transfer(-1, 5, &close_ms) == BULK);
	EXPECT(close_ms < 100);
}

/*
 * SO_LINGER @linger_secs on a writer that filled the peer's window and its
 * own buffer (@queued bytes) when the reader starts reading only 200 ms
 * after close() began, so that neither side's speed matters: how long
 * close() took (@close_s) and the bytes that arrived.
 */
static size_t linger_close(int linger_secs, size_t *queued, double *close_s)
{
	struct pair p = connect_pair(SOCK_STREAM, 0);
	struct timeval tv = { .tv_sec = linger_secs ? 10 : 1 };
	static char buf[1 << 20];
	int ready[2], status;
	size_t got = 0;
	double t0;
	ssize_t n;
	pid_t pid;

	*queued = 0;
	while ((n = send(p.client, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		*queued += n;
	EXPECT(!pipe(ready));
	pid = fork();
	if (!pid) {
		/* the parent's close() must be the client's last reference */
		close(p.client);
		if (write(ready[1], &got, sizeof(got)) != sizeof(got))
			_exit(2);
		usleep(200 * 1000);
		setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		while (got < *queued && (n = recv(p.server, buf, sizeof(buf), 0)) > 0)
			got += n;
		_exit(write(ready[1], &got, sizeof(got)) == sizeof(got) ? 0 : 2);
	}
	close(p.server);
	EXPECT(read(ready[0], &got, sizeof(got)) == sizeof(got));
	set_linger(p.client, 1, linger_secs);
	t0 = now_s();
	close(p.client);
	*close_s = now_s() - t0;
	EXPECT(read(ready[0], &got, sizeof(got)) == sizeof(got));
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0);
	close(ready[0]);
	close(ready[1]);
	close(p.listener);
	return got;
}

/* SO_LINGER 0 drops what is queued; with a timeout close() waits. */
static void linger(void)
{
	size_t queued, got;
	double close_s;

	got = linger_close(0, &queued, &close_s);
	EXPECT(got < queued && close_s < 1);
	got = linger_close(10, &queued, &close_s);
	EXPECT(got == queued && close_s >= 0.15 && close_s < 10);
}

/* A peer that reads nothing: close() lingers for its timeout, no more. */
static void linger_expires(void)
{
	struct pair p = connect_pair(SOCK_STREAM, 0);
	static char buf[1 << 20];
	double t0;

	while (send(p.client, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;		/* fill the peer's window and our buffer */
	set_linger(p.client, 1, 1);
	t0 = now_s();
	close(p.client);
	t0 = now_s() - t0;
	EXPECT(t0 >= 0.9 && t0 < 3);
	close(p.server);
	close(p.listener);
}

static void shutdown_semantics(void)
{
	struct pair p = connect_pair(SOCK_STREAM, 0);
	struct pollfd pfd = { .fd = p.server, .events = POLLIN | POLLRDHUP };
	int fd = sock_of(SOCK_STREAM);
	char buf[8];

	EXPECT_ERRNO(shutdown(fd, SHUT_WR), ENOTCONN);
	EXPECT_ERRNO(shutdown(p.client, 7), EINVAL);
	close(fd);

	EXPECT(send(p.client, "abc", 3, 0) == 3);
	EXPECT(poll(&pfd, 1, 5000) == 1);
	/* SHUT_RD: what is buffered, then end of file */
	EXPECT(!shutdown(p.server, SHUT_RD));
	EXPECT(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLRDHUP));
	EXPECT(recv(p.server, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "abc", 3));
	EXPECT(recv(p.server, buf, sizeof(buf), 0) == 0);

	/* SHUT_WR: no more sending, still receiving */
	EXPECT(!shutdown(p.client, SHUT_WR));
	EXPECT_ERRNO(send(p.client, "x", 1, MSG_NOSIGNAL), EPIPE);
	EXPECT(send(p.server, "hi", 2, 0) == 2);
	EXPECT(recv(p.client, buf, sizeof(buf), 0) == 2 && !memcmp(buf, "hi", 2));
	close_pair(&p);
}

static void keepalive_options(void)
{
	int fd = sock_of(SOCK_STREAM), v = 0;
	socklen_t len = sizeof(v);

	EXPECT(!getsockopt(fd, SOL_KCP, KCP_KEEPIDLE, &v, &len) && v == 30);
	set_int(fd, SOL_KCP, KCP_KEEPIDLE, 7);
	EXPECT(!getsockopt(fd, SOL_KCP, KCP_KEEPIDLE, &v, &len) && v == 7);
	v = 0;
	EXPECT_ERRNO(setsockopt(fd, SOL_KCP, KCP_KEEPIDLE, &v, sizeof(v)), EINVAL);
	v = 128;
	EXPECT_ERRNO(setsockopt(fd, SOL_KCP, KCP_KEEPCNT, &v, sizeof(v)), EINVAL);
	EXPECT_ERRNO(setsockopt(fd, SOL_KCP, KCP_KEEPINTVL, &v, 2), EINVAL);
	EXPECT(!getsockopt(fd, SOL_KCP, KCP_KEEPIDLE, &v, &len) && v == 7);
	close(fd);
}

/* An accepted socket inherits what a TCP child does from its listener. */
static void accepted_inherit(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	int l = sock_of(SOCK_STREAM), c = sock_of(SOCK_STREAM), s, v;
	struct linger lg = { 0 };
	socklen_t len = sizeof(v);
	char x;

	set_int(l, SOL_SOCKET, SO_KEEPALIVE, 1);
	set_int(l, SOL_KCP, KCP_KEEPIDLE, 9);
	set_int(l, SOL_SOCKET, SO_MARK, 5);
	set_linger(l, 1, 3);
	EXPECT(!bind(l, (struct sockaddr *)&a, sizeof(a)) && !listen(l, 1));
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(send(c, "x", 1, 0) == 1);
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0 && recv(s, &x, 1, 0) == 1);
	EXPECT(!getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len) && v == 1);
	EXPECT(!getsockopt(s, SOL_KCP, KCP_KEEPIDLE, &v, &len) && v == 9);
	EXPECT(!getsockopt(s, SOL_SOCKET, SO_MARK, &v, &len) && v == 5);
	len = sizeof(lg);
	EXPECT(!getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len) &&
	       lg.l_onoff && lg.l_linger == 3);
	close(s);
	close(c);
	close(l);
}

/*
 * Idle 1 s, then 2 probes 1 s apart: a silent peer is dead after ~3 s.
 * The silent one's client is a stock one: a kcp.ko peer's abort would
 * reset the session (ECONNRESET) instead of going silent.
 */
static double keepalive_silence(bool peer_answers)
{
	struct pair p = peer_answers ? connect_pair(SOCK_STREAM, 0) :
				       connect_stock_pair(SOCK_STREAM, 0);
	struct pollfd pfd = { .fd = p.client, .events = POLLIN };
	double t0 = now_s(), waited;
	char c;

	set_int(p.client, SOL_KCP, KCP_KEEPIDLE, 1);
	set_int(p.client, SOL_KCP, KCP_KEEPINTVL, 1);
	set_int(p.client, SOL_KCP, KCP_KEEPCNT, 2);
	set_int(p.client, SOL_SOCKET, SO_KEEPALIVE, 1);
	if (!peer_answers) {
		set_linger(p.server, 1, 0);	/* gone without a word */
		close(p.server);
		close(p.listener);
		p.server = p.listener = -1;
	}
	poll(&pfd, 1, 8000);
	waited = now_s() - t0;
	if (!peer_answers) {
		EXPECT(pfd.revents & POLLERR);
		EXPECT_ERRNO(recv(p.client, &c, 1, 0), ETIMEDOUT);
	} else {
		EXPECT(pfd.revents == 0);
	}
	close_pair(&p);
	return waited;
}

static void keepalive(void)
{
	double waited = keepalive_silence(false);

	EXPECT(waited >= 2.5 && waited < 6);
	EXPECT(keepalive_silence(true) >= 7.9);	/* answered: still alive */
}

/* A server closes and binds its port again at once, 100 times. */
static void rebind_at_once(void)
{
	int port = next_port++, i, bound = 0;
	struct sockaddr_kcp a = addr4("127.0.0.1", port, 0);

	for (i = 0; i < 100; i++) {
		int l = sock_of(SOCK_STREAM), c = sock_of(SOCK_STREAM), s;
		char x;

		if (bind(l, (struct sockaddr *)&a, sizeof(a))) {
			fprintf(stderr, "  round %d: bind: %s\n", i, strerror(errno));
			goto next;
		}
		if (listen(l, 1)) {
			fprintf(stderr, "  round %d: listen: %s\n", i, strerror(errno));
			goto next;
		}
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) ||
		    send(c, "x", 1, 0) != 1)
			goto next;
		s = accept(l, NULL, NULL);
		if (s >= 0 && recv(s, &x, 1, 0) == 1)
			bound++;
		close(s);
next:
		close(c);
		close(l);
	}
	EXPECT(bound == 100);
}

static const struct test_case cases[] = {
	{ "close_delivers", close_delivers },
	{ "linger", linger },
	{ "linger_expires", linger_expires },
	{ "shutdown_semantics", shutdown_semantics },
	{ "keepalive_options", keepalive_options },
	{ "accepted_inherit", accepted_inherit },
	{ "keepalive", keepalive },
	{ "rebind_at_once", rebind_at_once },
};

int main(int argc, char **argv)
{
	return run_cases(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			 "kcp_lifecycle_test");
}
