// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_sessions: many sessions for the control scenario's dump checks.
 *
 *   kcp_sessions hold N PORT         N sessions connected to 127.0.0.1:PORT
 *                                    (no data: they stay), "ready" once
 *                                    open, then wait to be killed
 *   kcp_sessions churn PORT SECONDS  open and close sessions to PORT
 *                                    without pause, a few dozen alive
 *   kcp_sessions check N PORT ROUNDS dump the namespace's sessions ROUNDS
 *                                    times through libkcp: every dump must
 *                                    list no id twice and exactly the N
 *                                    held sessions (same ids each round)
 *
 * Nobody listens at PORT: the sessions are stock clients (KCP_STOCK),
 * whose connect() sends nothing and waits for no listener's answer, so a
 * connected socket that sends nothing is a session that neither side
 * ends: what hold needs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "libkcp.h"

static int open_session(int port, uint32_t conv)
{
	struct sockaddr_kcp addr;
	char portstr[16];
	int fd;

	snprintf(portstr, sizeof(portstr), "%d", port);
	if (kcp_resolve("127.0.0.1", portstr, conv, &addr))
		return -1;
	fd = kcp_socket(SOCK_STREAM);
	if (fd < 0)
		return -1;
	if (kcp_set_stock(fd, true) ||
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int hold(int n, int port)
{
	struct rlimit rl = { n + 64, n + 64 };
	int i;

	setrlimit(RLIMIT_NOFILE, &rl);
	for (i = 0; i < n; i++) {
		if (open_session(port, (uint32_t)i + 1) < 0) {
			fprintf(stderr, "kcp_sessions: session %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int churn(int port, int seconds)
{
	int ring[32] = { 0 }, i = 0;
	uint32_t conv = 1;
	time_t end = time(NULL) + seconds;
	unsigned long opened = 0;

	while (time(NULL) < end) {
		if (ring[i % 32] > 0)
			close(ring[i % 32]);
		ring[i % 32] = open_session(port, conv++);
		opened += ring[i % 32] > 0;
		i++;
	}
	printf("churned %lu sessions\n", opened);
	return opened ? 0 : 1;
}

struct census {
	uint64_t *ids;
	size_t n, cap;
	int port;
	size_t held;
};

static int count(const struct kcp_session *s, void *arg)
{
	const struct sockaddr_in *peer = (const struct sockaddr_in *)&s->peer;
	struct census *c = arg;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->ids = realloc(c->ids, c->cap * sizeof(*c->ids));
		if (!c->ids)
			return -ENOMEM;
	}
	c->ids[c->n++] = s->id;
	if (peer->sin_family == AF_INET && ntohs(peer->sin_port) == c->port)
		c->held++;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int check(int n, int port, int rounds)
{
	struct kcp_ctl *ctl;
	int r, ret, failed = 0;
	size_t i;

	ret = kcp_ctl_open(&ctl);
	if (ret) {
		fprintf(stderr, "kcp_sessions: kcp_ctl_open: %s\n", strerror(-ret));
		return 1;
	}
	for (r = 0; r < rounds; r++) {
		struct census c = { .port = port };
		size_t dups = 0;

		ret = kcp_ctl_session_dump(ctl, NULL, count, &c);
		if (ret < 0) {
			fprintf(stderr, "FAIL round %d: dump: %s %s\n", r,
				strerror(-ret), kcp_ctl_error(ctl));
			failed++;
			continue;
		}
		qsort(c.ids, c.n, sizeof(*c.ids), by_id);
		for (i = 1; i < c.n; i++)
			dups += c.ids[i] == c.ids[i - 1];
		if (dups || c.held != (size_t)n || ret != (int)c.n) {
			fprintf(stderr, "FAIL round %d: %zu listed (returned %d), %zu held of %d, %zu duplicates\n",
				r, c.n, ret, c.held, n, dups);
			failed++;
		} else {
			printf("round %d: %zu sessions, the %d held among them, no duplicates%s\n",
			       r, c.n, n, kcp_ctl_dump_interrupted(ctl) ?
			       " (flagged NLM_F_DUMP_INTR)" : "");
		}
		free(c.ids);
	}
	kcp_ctl_close(ctl);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "churn"))
		return churn(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "check"))
		return check(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: kcp_sessions hold N PORT | churn PORT SECONDS | check N PORT ROUNDS\n");
	return 2;
}
