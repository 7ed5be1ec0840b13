// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The socket test programs' shared helpers (harness.h).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "harness.h"
#include "libkcp.h"

int case_failures;

int family;
int next_port = 21000;

struct sockaddr_kcp addr4(const char *ip, int port, uint32_t conv)
{
	struct sockaddr_kcp a = { .kcp_family = family, .kcp_conv = conv };

	a.kcp_udp.sin.sin_family = AF_INET;
	a.kcp_udp.sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.kcp_udp.sin.sin_addr);
	return a;
}

int sock_of(int type)
{
	int fd = socket(family, type, 0);

	if (fd < 0) {
		perror("socket");
		exit(100);
	}
	return fd;
}

/*
 * connect() @fd to @a, and on a non-blocking socket wait up to @timeout_ms
 * for the handshake to end. Between kcp.ko endpoints a non-blocking
 * connect() fails with EINPROGRESS, and the socket polls POLLOUT once
 * connected, POLLERR if refused or timed out; a blocking one returns when
 * that is settled. Returns 0, or -1 with errno: connect()'s, the handshake
 * failure's (SO_ERROR), or ETIMEDOUT when @timeout_ms passed first.
 */
int connect_wait(int fd, const struct sockaddr_kcp *a, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (!connect(fd, (const struct sockaddr *)a, sizeof(*a)))
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	if (poll(&pfd, 1, timeout_ms) != 1) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -1;
	errno = err;
	return err ? -1 : 0;
}

static struct pair open_pair(int type, uint32_t conv, bool stock)
{
	struct pair p = { .port = next_port++ };
	struct sockaddr_kcp a = addr4("127.0.0.1", p.port, conv);
	char c;

	p.listener = sock_of(type);
	EXPECT(!bind(p.listener, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(p.listener, 0));		/* as TCP: room for one */
	p.client = sock_of(type);
	if (stock)
		set_int(p.client, SOL_KCP, KCP_STOCK, 1);
	EXPECT(!connect(p.client, (struct sockaddr *)&a, sizeof(a)));
	/* a stock client's session begins with its first PUSH */
	EXPECT(send(p.client, "x", 1, 0) == 1);
	p.server = accept(p.listener, NULL, NULL);
	EXPECT(p.server >= 0);
	EXPECT(recv(p.server, &c, 1, 0) == 1 && c == 'x');
	return p;
}

/* A listener on 127.0.0.1 and a kcp.ko client: connect() is a handshake. */
struct pair connect_pair(int type, uint32_t conv)
{
	return open_pair(type, conv, false);
}

/*
 * The same with a client that plays a stock KCP one (KCP_STOCK): no
 * handshake, and the server's session sends it no end of stream and no
 * reset, as to ikcp or kcp-go.
 */
struct pair connect_stock_pair(int type, uint32_t conv)
{
	return open_pair(type, conv, true);
}

void close_pair(struct pair *p)
{
	close(p->client);
	close(p->server);
	close(p->listener);
}

/* setsockopt() of an int, expected to succeed. */
void set_int(int fd, int level, int opt, int val)
{
	EXPECT(!setsockopt(fd, level, opt, &val, sizeof(val)));
}

/* SO_LINGER, expected to succeed. */
void set_linger(int fd, int on, int secs)
{
	struct linger l = { .l_onoff = on, .l_linger = secs };

	EXPECT(!setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
}

/* KCP_INFO of @fd (zeroes if it fails, which fails the case). */
struct kcp_info info_of(int fd)
{
	struct kcp_info info = { 0 };
	socklen_t len = sizeof(info);

	EXPECT(!getsockopt(fd, SOL_KCP, KCP_INFO, &info, &len));
	return info;
}

double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Run the cases named on the command line, or all; print PASS or FAIL each. */
int run_cases(int argc, char **argv, const struct test_case *cases,
	      size_t n, const char *prog)
{
	int failures = 0;
	size_t i;
	int j;

	family = kcp_family();
	if (family < 0) {
		fprintf(stderr, "%s: kcp.ko is not loaded\n", prog);
		return 100;
	}
	for (i = 0; i < n; i++) {
		bool wanted = argc < 2;

		for (j = 1; j < argc; j++)
			wanted |= !strcmp(argv[j], cases[i].name);
		if (!wanted)
			continue;
		case_failures = 0;
		cases[i].fn();
		printf("%s %s\n", case_failures ? "FAIL" : "PASS", cases[i].name);
		fflush(stdout);
		failures += case_failures != 0;
	}
	return failures;
}

/* The kernel's slab memory now (/proc/meminfo), in KiB; -1 if unknown. */
long slab_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

void slab_caches_read(struct slab_caches *sc)
{
	char line[256], name[40];
	long active, size;
	FILE *f = fopen("/proc/slabinfo", "r");

	sc->n = 0;
	while (f && fgets(line, sizeof(line), f) && sc->n < SLAB_CACHES_MAX) {
		/* name <active_objs> <num_objs> <objsize> ... */
		if (sscanf(line, "%39s %ld %*d %ld", name, &active, &size) != 3)
			continue;	/* the version and column lines */
		strcpy(sc->cache[sc->n].name, name);
		sc->cache[sc->n].kib = active * size / 1024;
		sc->n++;
	}
	if (f)
		fclose(f);
}

/* The @top caches that grew most from @from to @to, on one line. */
void slab_caches_print_growth(const struct slab_caches *from,
			      const struct slab_caches *to, int top)
{
	long shown = LONG_MAX;

	fprintf(stderr, "  grown most:");
	while (top-- > 0) {
		long best = 0;
		int at = -1;

		for (int i = 0; i < to->n; i++) {
			long grew = to->cache[i].kib;

			for (int j = 0; j < from->n; j++)
				if (!strcmp(from->cache[j].name, to->cache[i].name)) {
					grew -= from->cache[j].kib;
					break;
				}
			if (grew > best && grew < shown) {
				best = grew;
				at = i;
			}
		}
		if (at < 0)
			break;
		fprintf(stderr, " %s +%ld KiB", to->cache[at].name, best);
		shown = best;
	}
	fprintf(stderr, "\n");
}

/* A KCP header field: little-endian on the wire, whatever the host. */
void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}
