/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * What the socket test programs share: expectations that count failures
 * per case, addresses and sockets of the AF_KCP family in use, connect()
 * through the handshake, a connected pair on loopback, and the case
 * runner (harness.c).
 */
#ifndef _KCP_TEST_HARNESS_H
#define _KCP_TEST_HARNESS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/kcp.h>

extern int family;
extern int next_port;
extern int case_failures;

#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: expected %s (errno %s)\n",	\
			__FILE__, __LINE__, #cond, strerror(errno));	\
		case_failures++;					\
	}								\
} while (0)

/* The call fails with exactly this errno. */
#define EXPECT_ERRNO(call, err) do {					\
	errno = 0;							\
	EXPECT((call) < 0 && errno == (err));				\
} while (0)

/* A listener on 127.0.0.1 and a client connected to it, accepted. */
struct pair {
	int listener, client, server;
	int port;
};

struct test_case {
	const char *name;
	void (*fn)(void);
};

struct sockaddr_kcp addr4(const char *ip, int port, uint32_t conv);
int sock_of(int type);
int connect_wait(int fd, const struct sockaddr_kcp *a, int timeout_ms);
struct pair connect_pair(int type, uint32_t conv);
struct pair connect_stock_pair(int type, uint32_t conv);
void set_int(int fd, int level, int opt, int val);
void set_linger(int fd, int on, int secs);
struct kcp_info info_of(int fd);
void close_pair(struct pair *p);
double now_s(void);
long slab_kib(void);

/* Slab caches by name and bytes in use (/proc/slabinfo), to say what grew. */
#define SLAB_CACHES_MAX 512
struct slab_caches {
	int n;
	struct {
		char name[40];
		long kib;
	} cache[SLAB_CACHES_MAX];
};
void slab_caches_read(struct slab_caches *sc);
void slab_caches_print_growth(const struct slab_caches *from,
			      const struct slab_caches *to, int top);
void put_le32(uint8_t *p, uint32_t v);
int run_cases(int argc, char **argv, const struct test_case *cases,
	      size_t n, const char *prog);

#endif /* _KCP_TEST_HARNESS_H */
