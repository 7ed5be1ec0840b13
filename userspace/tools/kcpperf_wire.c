// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpperf's plumbing: little-endian fields, clocks, the record reader,
 * sockets with their tunables, and the transport counters of KCP_INFO and
 * TCP_INFO. The protocol itself is described in kcpperf.h.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/kcp.h>
#include <linux/sockios.h>
#include <linux/tcp.h>

#include "libkcp.h"
#include "kcpperf.h"

void kp_put16(unsigned char *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

void kp_put32(unsigned char *p, uint32_t v)
{
	kp_put16(p, v);
	kp_put16(p + 2, v >> 16);
}

void kp_put64(unsigned char *p, uint64_t v)
{
	kp_put32(p, v);
	kp_put32(p + 4, v >> 32);
}

uint16_t kp_get16(const unsigned char *p)
{
	return p[0] | (uint16_t)p[1] << 8;
}

uint32_t kp_get32(const unsigned char *p)
{
	return kp_get16(p) | (uint32_t)kp_get16(p + 2) << 16;
}

uint64_t kp_get64(const unsigned char *p)
{
	return kp_get32(p) | (uint64_t)kp_get32(p + 4) << 32;
}

double kp_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * CPU time (user and system) of the calling thread, as getrusage()'s
 * RUSAGE_THREAD counts it. Work kcp.ko does in softirq context is
 * charged to whichever task the interrupt happened to land on, so this
 * undercounts the kernel's share; kp_host_cpu_usec() sees all of it.
 */
uint64_t kp_thread_cpu_usec(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t))
		return 0;
	return (uint64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Busy time of every CPU of the machine so far, from /proc/stat. */
int kp_host_cpu_usec(uint64_t *busy)
{
	unsigned long long v[8] = { 0 };
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "re");
	int n;

	if (!f)
		return -errno;
	/* user nice system idle iowait irq softirq steal */
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 7 || hz <= 0)
		return -EINVAL;
	*busy = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1000000ull / hz;
	return 0;
}

int kp_reader_init(struct kp_reader *r, int fd, size_t cap)
{
	r->fd = fd;
	r->cap = cap;
	r->start = 0;
	r->end = 0;
	r->buf = malloc(cap);
	return r->buf ? 0 : -ENOMEM;
}

void kp_reader_free(struct kp_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Milliseconds from now to @deadline for poll(): -1 for none (< 0). */
static int poll_ms(double deadline)
{
	double left;

	if (deadline < 0)
		return -1;
	left = deadline - kp_now();
	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/*
 * Read what the socket has into the buffer, waiting until @deadline
 * (< 0: forever, 0: not at all). Returns the bytes read, -ETIMEDOUT,
 * -ECONNRESET at end of stream (TCP, a kcp.ko peer) or another negative
 * errno.
 */
int kp_fill(struct kp_reader *r, double deadline)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	ssize_t n;

	if (r->start == r->end) {
		r->start = 0;
		r->end = 0;
	} else if (r->start && r->cap - r->end < r->cap / 4) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap)
		return -ENOBUFS;
	for (;;) {
		n = recv(r->fd, r->buf + r->end, r->cap - r->end, MSG_DONTWAIT);
		if (n > 0) {
			r->end += n;
			return n;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		if (poll(&p, 1, poll_ms(deadline)) < 0 && errno != EINTR)
			return -errno;
		if (!p.revents && deadline >= 0 && kp_now() >= deadline)
			return -ETIMEDOUT;
	}
}

int kp_read_record(struct kp_reader *r, int *type, uint32_t *len, double deadline)
{
	uint32_t word;
	int err;

	while (r->end - r->start < 4) {
		err = kp_fill(r, deadline);
		if (err < 0)
			return err;
	}
	word = kp_get32(r->buf + r->start);
	r->start += 4;
	*type = word >> 24;
	*len = word & KP_MAX_RECORD;
	return 0;
}

/* The next @len bytes into @dst, or thrown away when @dst is NULL. */
int kp_read_payload(struct kp_reader *r, void *dst, size_t len, double deadline)
{
	unsigned char *out = dst;
	size_t take;
	int err;

	while (len) {
		if (r->start == r->end) {
			err = kp_fill(r, deadline);
			if (err < 0)
				return err;
		}
		take = r->end - r->start;
		if (take > len)
			take = len;
		if (out) {
			memcpy(out, r->buf + r->start, take);
			out += take;
		}
		r->start += take;
		len -= take;
	}
	return 0;
}

int kp_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

void kp_record_header(unsigned char *p, int type, uint32_t len)
{
	kp_put32(p, (uint32_t)type << 24 | len);
}

/* A small record (control messages): header and payload in one send. */
int kp_send_record(int fd, int type, const void *payload, uint32_t len)
{
	unsigned char buf[4 + 256];

	if (len > sizeof(buf) - 4)
		return -EMSGSIZE;
	kp_record_header(buf, type, len);
	if (len)
		memcpy(buf + 4, payload, len);
	return kp_send_all(fd, buf, 4 + len);
}

/*
 * Wait until the peer has acknowledged everything we sent (SIOCOUTQ 0,
 * for KCP and TCP alike), or @deadline passes.
 */
int kp_wait_acked(int fd, double deadline)
{
	int outq;

	for (;;) {
		if (ioctl(fd, SIOCOUTQ, &outq))
			return -errno;
		if (!outq)
			return 0;
		if (kp_now() >= deadline)
			return -ETIMEDOUT;
		usleep(2000);
	}
}

/* The SOL_KCP option behind each kp_tunable, in the same order. */
static const int kp_sol_kcp[KP_T_COUNT] = {
	KCP_NODELAY, KCP_INTERVAL, KCP_RESEND, KCP_NC,
	KCP_SNDWND, KCP_RCVWND, KCP_MTU, KCP_MINRTO, KCP_ACK_NODELAY,
};

/* A profile first, then the single tunables given, which override it. */
int kp_apply_tunables(int fd, const struct kp_options *opt)
{
	int i;

	if (opt->transport != KP_KCP)
		return 0;
	if (opt->profile &&
	    setsockopt(fd, SOL_KCP, KCP_PROFILE, opt->profile,
		       strlen(opt->profile) + 1)) {
		fprintf(stderr, "kcpperf: profile %s: %s\n", opt->profile,
			errno == ENOENT ? "no such profile" : strerror(errno));
		return -errno;
	}
	for (i = 0; i < KP_T_COUNT; i++) {
		if (opt->tun[i] < 0)
			continue;
		if (setsockopt(fd, SOL_KCP, kp_sol_kcp[i], &opt->tun[i],
			       sizeof(int))) {
			fprintf(stderr, "kcpperf: --%s %d: %s\n",
				kp_tunable_names[i], opt->tun[i], strerror(errno));
			return -errno;
		}
	}
	return 0;
}

void kp_read_tunables(int fd, enum kp_transport t, int *tun)
{
	socklen_t len;
	int i;

	for (i = 0; i < KP_T_WIRE; i++) {
		len = sizeof(int);
		tun[i] = 0;
		if (t == KP_KCP &&
		    getsockopt(fd, SOL_KCP, kp_sol_kcp[i], &tun[i], &len))
			tun[i] = -1;
	}
}

int kp_counters(int fd, enum kp_transport t, struct kp_counters *c)
{
	struct kcp_info ki;
	struct tcp_info ti;
	socklen_t len;

	memset(c, 0, sizeof(*c));
	if (t == KP_KCP) {
		len = sizeof(ki);
		if (getsockopt(fd, SOL_KCP, KCP_INFO, &ki, &len))
			return -errno;
		c->out_bytes = ki.kcpi_out_bytes;
		c->out_pkts = ki.kcpi_out_pkts;
		c->retrans_timeout = ki.kcpi_retrans_timeout;
		c->retrans_fast = ki.kcpi_retrans_fast;
		c->retrans_early = ki.kcpi_retrans_early;
		c->repeat_segs = ki.kcpi_repeat_segs;
		c->dropped_segs = ki.kcpi_dropped_segs;
		c->srtt_ms = ki.kcpi_srtt;
		c->rto_ms = ki.kcpi_rto;
		return 0;
	}
	memset(&ti, 0, sizeof(ti));
	len = sizeof(ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return -errno;
	c->out_bytes = ti.tcpi_bytes_sent;	/* payload, retransmissions too */
	c->out_pkts = ti.tcpi_segs_out;		/* pure ACKs too */
	c->retrans_timeout = ti.tcpi_total_retrans;
	c->srtt_ms = ti.tcpi_rtt / 1000;
	c->rto_ms = ti.tcpi_rto / 1000;
	return 0;
}

/*
 * Bytes of IP and transport header per datagram or segment, for wire
 * bytes: IPv4 20 or IPv6 40, plus UDP 8, or TCP 32 (20 and the timestamp
 * option Linux uses by default). For TCP an estimate: SACK blocks and
 * other options are not counted.
 */
unsigned int kp_header_bytes(int family, enum kp_transport t)
{
	return (family == AF_INET6 ? 40 : 20) + (t == KP_TCP ? 32 : 8);
}

/*
 * The client's connect(): kcp.ko's handshake, or with --stock none, for a
 * stock server. Returns 0 or a negative errno after saying what failed.
 */
static int kp_connect(int s, const struct sockaddr *sa, socklen_t salen,
		      const struct kp_options *opt)
{
	bool kcp = opt->transport == KP_KCP;
	int err = opt->stock && kcp ? kcp_set_stock(s, true) : 0;

	/* an old kcp.ko has no KCP_STOCK: it dials every server so */
	if (err && err != -ENOPROTOOPT) {
		fprintf(stderr, "kcpperf: KCP_STOCK: %s\n", strerror(-err));
		return err;
	}
	if (!connect(s, sa, salen))
		return 0;
	err = -errno;
	fprintf(stderr, "kcpperf: connect %s port %s: %s%s\n", opt->host,
		opt->port, strerror(-err),
		err == -ETIMEDOUT && kcp && !opt->stock ?
		" (no kcp.ko server answered; a stock one, as kcp-go's, takes --stock)" :
		"");
	return err;
}

/*
 * A socket for the test: a connected one (client), or a bound listener
 * (server), with the tunables applied before connect() or listen() so the
 * session or every accepted one starts with them. Returns 0 and sets
 * *@fd and *@family, or a negative errno after saying what failed.
 */
int kp_open(const struct kp_options *opt, bool listening, int *fd, int *family)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = listening ? AI_PASSIVE : 0,
	}, *ai = NULL;
	const char *host = listening ? opt->bind : opt->host;
	struct sockaddr_kcp kaddr;
	const struct sockaddr *sa;
	socklen_t salen;
	int s, err, one = 1;

	if (opt->transport == KP_TCP) {
		err = getaddrinfo(host, opt->port, &hints, &ai);
		err = err == EAI_SYSTEM ? -errno : err ? -EHOSTUNREACH : 0;
	} else {
		err = kcp_resolve(host, opt->port, 0, &kaddr);
	}
	if (err) {
		fprintf(stderr, "kcpperf: %s port %s: %s\n", host, opt->port,
			err == -ENOENT ? "kcp.ko is not loaded" : strerror(-err));
		return err;
	}
	if (opt->transport == KP_TCP) {
		sa = ai->ai_addr;
		salen = ai->ai_addrlen;
		*family = ai->ai_family;
		s = socket(*family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	} else {
		sa = (const struct sockaddr *)&kaddr;
		salen = sizeof(kaddr);
		*family = kaddr.kcp_udp.sin.sin_family;
		s = kcp_socket(SOCK_STREAM);
	}
	if (s < 0) {
		err = -errno;
		fprintf(stderr, "kcpperf: socket: %s\n", strerror(errno));
		goto out;
	}
	err = kp_apply_tunables(s, opt);
	if (err)
		goto out;
	if (listening) {
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, sa, salen) || listen(s, 128)) {
			err = -errno;
			fprintf(stderr, "kcpperf: bind/listen port %s: %s\n",
				opt->port, strerror(errno));
		}
	} else {
		err = kp_connect(s, sa, salen, opt);
	}
out:
	if (ai)
		freeaddrinfo(ai);
	if (err && s >= 0)
		close(s);
	if (!err)
		*fd = s;
	return err;
}

void kp_encode_result(unsigned char *p, const struct kp_result *res)
{
	memset(p, 0, KP_RESULT_LEN);
	kp_put64(p, res->bytes);
	kp_put64(p + 8, res->usec);
	kp_put64(p + 16, res->cpu_usec);
	kp_put64(p + 24, res->ctr.out_bytes);
	kp_put64(p + 32, res->ctr.out_pkts);
	kp_put64(p + 40, res->ctr.retrans_timeout);
	kp_put64(p + 48, res->ctr.retrans_fast);
	kp_put64(p + 56, res->ctr.retrans_early);
	kp_put32(p + 64, res->pings);
	kp_put64(p + 72, res->ctr.repeat_segs);
	kp_put64(p + 80, res->ctr.dropped_segs);
}

void kp_decode_result(const unsigned char *p, struct kp_result *res)
{
	memset(res, 0, sizeof(*res));
	res->bytes = kp_get64(p);
	res->usec = kp_get64(p + 8);
	res->cpu_usec = kp_get64(p + 16);
	res->ctr.out_bytes = kp_get64(p + 24);
	res->ctr.out_pkts = kp_get64(p + 32);
	res->ctr.retrans_timeout = kp_get64(p + 40);
	res->ctr.retrans_fast = kp_get64(p + 48);
	res->ctr.retrans_early = kp_get64(p + 56);
	res->pings = kp_get32(p + 64);
	res->ctr.repeat_segs = kp_get64(p + 72);
	res->ctr.dropped_segs = kp_get64(p + 80);
}
