// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpscale: many sessions on one listener, the cost of each, and what
 * they cost while idle. One process, both ends: the listener lives in one
 * network namespace and the connecting sockets in another (setns()), so
 * the phases can be timed and measured exactly.
 *
 *   kcpscale [-n SESSIONS] [-i IDLE_S] [-p PORT] [--tcp | --stock]
 *            [--profile NAME] SERVER_NETNS SERVER_ADDR CLIENT_NETNS CLIENT_ADDR
 *
 * ("-" as a namespace stays in the current one.) Phases:
 *   0  idle baseline: timer expirations over IDLE_S seconds, slab total
 *   1  the listener and SESSIONS client sockets (KCP: bound to one shared
 *      local port; with --stock also connect()ed, which then sends
 *      nothing; TCP: socket() only)
 *   2  establish: KCP and TCP clients connect() (kcp.ko's handshake,
 *      TCP's); stock KCP clients (--stock, which kcp.ko serves as it
 *      serves ikcp or kcp-go) send one byte each instead: their first
 *      data makes a session. The listener accepts SESSIONS; timed until
 *      the last accept. Then each KCP client that has not sent its byte
 *      sends it, and it is timed until every client's SIOCOUTQ is 0; the
 *      accepted sockets read the bytes
 *   3  idle: timer expirations over IDLE_S seconds, slab total
 * "kcpscale --observe" only counts timer wakeups and busy CPU over
 * IDLE_S, for sessions some other program holds (kcp-go's).
 * Prints one JSON line. Kernel memory is /proc/meminfo's Slab: "per pair"
 * is (phase 3 - phase 0) / SESSIONS, both ends of every session being in
 * this kernel; "listener side" is (phase 3 - phase 1) / SESSIONS (for KCP
 * the accepted sessions, for TCP both ends' connection state). "Beyond
 * the socket" splits that: less the socket objects ("KCP" or "TCP" slab
 * objects) and the VFS objects any socket has (/proc/slabinfo), plus the
 * per-CPU memory added (/proc/meminfo Percpu), per session. Timer
 * wakeups are local timer interrupts (/proc/interrupts LOC), and beside
 * them the HRTIMER softirqs (/proc/softirqs), where soft hrtimers like
 * kcp.ko's session timers expire. (Counting trace events instead means
 * enabling tracepoints, whose code patching stalled a loaded TCG guest.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/kcp.h>
#include <linux/sockios.h>

#include "libkcp.h"

struct scale {
	int n, port, tcp, stock, observe;
	double idle;
	const char *profile;
	const char *srv_ns, *srv_addr, *cli_ns, *cli_addr;
	int lfd, *cli, *acc;
};

struct wakeups {
	double per_s;			/* local timer interrupts */
	double hrtimer_per_s;		/* HRTIMER softirqs */
	double cpus_busy;		/* CPU seconds per second, whole guest */
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "kcpscale: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Busy time of every CPU so far, from /proc/stat, in seconds. */
static double busy_s(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 7)
		v[0] = v[1] = v[2] = v[5] = v[6] = v[7] = 0;
	fclose(f);
	return (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
	       sysconf(_SC_CLK_TCK);
}

/* A line of /proc/meminfo in kB ("Slab: %ld kB"), or -1. */
static long meminfo_kb(const char *format)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, format, &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long slab_kb(void)
{
	return meminfo_kb("Slab: %ld kB");
}

/* Per-CPU memory, where a dst_cache lives. */
static long percpu_kb(void)
{
	return meminfo_kb("Percpu: %ld kB");
}

/*
 * Bytes held by the caches every socket of any family fills, whatever its
 * protocol: its inode (struct socket inside), file, dentry and their LSM
 * blobs. From /proc/slabinfo: active objects x object size.
 */
static long long vfs_bytes(void)
{
	static const char *const caches[] = {
		"sock_inode_cache", "filp", "dentry", "lsm_inode_cache",
		"lsm_file_cache",
	};
	char line[512], name[64];
	long long sum = 0;
	long active, total, size;
	FILE *f = fopen("/proc/slabinfo", "re");
	size_t i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld %ld %ld", name, &active, &total,
			   &size) != 4)
			continue;
		for (i = 0; i < sizeof(caches) / sizeof(caches[0]); i++)
			if (!strcmp(name, caches[i]))
				sum += (long long)active * size;
	}
	fclose(f);
	return sum;
}

/*
 * What one socket object of the protocol takes in its slab cache, padding
 * included ("KCP" or "TCP"; caches merged with another report the shared
 * size, which is what each object really takes).
 */
static long sock_object_bytes(const char *cache)
{
	char path[128];
	long size = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/slab_size", cache);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &size) != 1)
		size = -1;
	fclose(f);
	return size;
}

/* The sum over CPUs of the row of /proc/interrupts or /proc/softirqs
 * whose name is @row ("LOC:", "HRTIMER:"). */
static unsigned long long row_sum(const char *path, const char *row)
{
	unsigned long long sum = 0, v;
	char line[4096], *p, *end;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, row, strlen(row)))
			continue;
		p += strlen(row);
		for (;;) {
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			sum += v;
			p = end;
		}
		break;
	}
	fclose(f);
	return sum;
}

static void count_wakeups(const struct scale *s, struct wakeups *w)
{
	unsigned long long loc0, hr0;
	double t0, b0, t;

	t0 = now();
	b0 = busy_s();
	loc0 = row_sum("/proc/interrupts", "LOC:");
	hr0 = row_sum("/proc/softirqs", "HRTIMER:");
	usleep((useconds_t)(s->idle * 1e6));
	t = now() - t0;
	w->per_s = (row_sum("/proc/interrupts", "LOC:") - loc0) / t;
	w->hrtimer_per_s = (row_sum("/proc/softirqs", "HRTIMER:") - hr0) / t;
	w->cpus_busy = (busy_s() - b0) / t;
}

static void enter(const char *ns)
{
	char path[256];
	int fd;

	if (!strcmp(ns, "-"))
		return;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die(path);
	close(fd);
}

/* AF_KCP or AF_INET address @addr:@port in whichever the socket needs. */
static socklen_t address(const struct scale *s, const char *addr, int port,
			 struct sockaddr_kcp *k)
{
	char p[16];

	snprintf(p, sizeof(p), "%d", port);
	memset(k, 0, sizeof(*k));
	if (s->tcp) {
		struct sockaddr_in *in = (struct sockaddr_in *)k;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &in->sin_addr) != 1)
			die("address");
		return sizeof(*in);
	}
	if (kcp_resolve(addr, p, 0, k))
		die("kcp_resolve");
	return sizeof(*k);
}

static int new_socket(const struct scale *s)
{
	int fd = s->tcp ? socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0) :
			  kcp_socket(SOCK_STREAM | SOCK_NONBLOCK);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (s->profile && !s->tcp &&
	    setsockopt(fd, SOL_KCP, KCP_PROFILE, s->profile, strlen(s->profile) + 1))
		die("KCP_PROFILE");
	return fd;
}

static void setup(struct scale *s)
{
	struct sockaddr_kcp a;
	socklen_t len;
	int i;

	enter(s->srv_ns);
	s->lfd = new_socket(s);
	len = address(s, s->srv_addr, s->port, &a);
	if (bind(s->lfd, (struct sockaddr *)&a, len) || listen(s->lfd, 4096))
		die("listener");
	enter(s->cli_ns);
	for (i = 0; i < s->n; i++) {
		s->cli[i] = new_socket(s);
		if (s->tcp)
			continue;
		/* one shared client endpoint: sessions differ by conv */
		len = address(s, s->cli_addr, s->port + 1, &a);
		if (bind(s->cli[i], (struct sockaddr *)&a, len))
			die("bind client");
		if (!s->stock)
			continue;
		/* a stock client's connect() sends nothing: no handshake */
		errno = -kcp_set_stock(s->cli[i], true);
		if (errno)
			die("KCP_STOCK");
		len = address(s, s->srv_addr, s->port, &a);
		if (connect(s->cli[i], (struct sockaddr *)&a, len))
			die("connect");
	}
}

static int accept_some(struct scale *s, int *accepted)
{
	char byte;
	int fd;

	while (*accepted < s->n) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK);
		if (fd < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		s->acc[(*accepted)++] = fd;
		recv(fd, &byte, 1, 0);
	}
	return 0;
}

/* Seconds until SESSIONS are accepted, or < 0 after a minute. */
static double establish(struct scale *s)
{
	struct sockaddr_kcp a;
	socklen_t len = address(s, s->srv_addr, s->port, &a);
	int i, accepted = 0;
	double t0 = now();

	for (i = 0; i < s->n; i++) {
		if (!s->stock) {
			if (connect(s->cli[i], (struct sockaddr *)&a, len) &&
			    errno != EINPROGRESS)
				die("connect");
		} else if (send(s->cli[i], "x", 1, MSG_NOSIGNAL) != 1) {
			die("send");
		}
		if (accept_some(s, &accepted))
			die("accept");
	}
	while (accepted < s->n && now() - t0 < 60) {
		struct pollfd p = { .fd = s->lfd, .events = POLLIN };

		poll(&p, 1, 100);
		if (accept_some(s, &accepted))
			die("accept");
	}
	return accepted < s->n ? -1 : now() - t0;
}

/*
 * Every client's byte acknowledged (TCP: no byte), after the KCP clients
 * that connected through the handshake sent theirs (every one of them is
 * connected: its session was accepted); false on timeout. Then the
 * accepted sockets read the bytes, so that none holds one while idle.
 */
static bool settle(struct scale *s)
{
	double t0 = now();
	int i, outq, pending;
	char byte;

	for (i = 0; i < s->n && !s->tcp && !s->stock; i++)
		if (send(s->cli[i], "x", 1, MSG_NOSIGNAL) != 1)
			die("send");

	do {
		pending = 0;
		for (i = 0; i < s->n; i++)
			if (ioctl(s->cli[i], SIOCOUTQ, &outq) || outq)
				pending++;
		if (!pending)
			break;
		usleep(50000);
	} while (now() - t0 < 60);
	for (i = 0; i < s->n && !s->tcp; i++)
		recv(s->acc[i], &byte, 1, 0);	/* non-blocking: may be read */
	return !pending;
}

static void parse(int argc, char **argv, struct scale *s)
{
	static const struct option longopts[] = {
		{ "tcp", no_argument, NULL, 't' },
		{ "stock", no_argument, NULL, 's' },
		{ "profile", required_argument, NULL, 'P' },
		{ "observe", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "n:i:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': s->n = atoi(optarg); break;
		case 'i': s->idle = atof(optarg); break;
		case 'p': s->port = atoi(optarg); break;
		case 't': s->tcp = 1; break;
		case 's': s->stock = 1; break;
		case 'P': s->profile = optarg; break;
		case 'o': s->observe = 1; break;
		default: goto usage;
		}
	}
	if (s->observe && argc == optind && s->idle > 0)
		return;
	if (argc - optind != 4 || s->n < 1 || s->idle <= 0 || s->port < 1 ||
	    s->port > 65534 || (s->tcp && s->stock))
		goto usage;
	s->srv_ns = argv[optind];
	s->srv_addr = argv[optind + 1];
	s->cli_ns = argv[optind + 2];
	s->cli_addr = argv[optind + 3];
	return;
usage:
	fprintf(stderr, "usage: kcpscale [-n SESSIONS] [-i IDLE_S] [-p PORT] [--tcp | --stock] "
		"[--profile NAME] SERVER_NETNS SERVER_ADDR CLIENT_NETNS CLIENT_ADDR\n"
		"       kcpscale --observe [-i IDLE_S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct scale s = { .n = 10000, .idle = 10, .port = 7000 };
	struct rlimit rl;
	struct wakeups w0, w1;
	long slab0, slab1, slab3, pcpu0, pcpu3, sock_size;
	long long vfs0, vfs3;
	double est, t_ack, beyond;
	bool acked;
	int i;

	parse(argc, argv, &s);
	rl.rlim_cur = rl.rlim_max = 2 * s.n + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("RLIMIT_NOFILE");
	s.cli = calloc(s.n, sizeof(int));
	s.acc = calloc(s.n, sizeof(int));
	if (!s.cli || !s.acc)
		die("calloc");

	if (s.observe) {
		count_wakeups(&s, &w0);
		printf("{\"type\":\"observe\",\"slab_kb\":%ld,\"idle_s\":%.1f,"
		       "\"wakeups_per_s\":%.1f,\"hrtimer_softirqs_per_s\":%.1f,"
		       "\"cpus_busy\":%.4f}\n", slab_kb(), s.idle, w0.per_s,
		       w0.hrtimer_per_s, w0.cpus_busy);
		return 0;
	}
	sleep(1);
	count_wakeups(&s, &w0);
	slab0 = slab_kb();
	pcpu0 = percpu_kb();
	vfs0 = vfs_bytes();
	setup(&s);
	slab1 = slab_kb();
	est = establish(&s);
	if (est < 0) {
		fprintf(stderr, "kcpscale: not every session was accepted in 60 s\n");
		return 1;
	}
	t_ack = now();
	acked = settle(&s);
	t_ack = now() - t_ack;
	sleep(1);
	slab3 = slab_kb();
	pcpu3 = percpu_kb();
	vfs3 = vfs_bytes();
	sock_size = sock_object_bytes(s.tcp ? "TCP" : "KCP");
	/*
	 * Beyond the socket: everything both ends added (slab and per-CPU),
	 * less each end's socket object and the VFS objects every socket
	 * has, per session (one end). For kcp.ko: the engine, its route
	 * cache, the table entries; for TCP: what its connections hold
	 * outside struct tcp_sock.
	 */
	beyond = ((slab3 - slab0 + pcpu3 - pcpu0) * 1024.0 - (vfs3 - vfs0) -
		  2.0 * sock_size * s.n) / (2.0 * s.n);
	count_wakeups(&s, &w1);
	printf("{\"type\":\"scale\",\"transport\":\"%s\",\"profile\":\"%s\","
	       "\"stock\":%s,\"sessions\":%d,\"establish_s\":%.3f,\"sessions_per_s\":%.0f,"
	       "\"all_acked\":%s,\"ack_wait_s\":%.3f,"
	       "\"slab_kb\":[%ld,%ld,%ld],\"bytes_per_pair\":%.0f,"
	       "\"bytes_listener_side\":%.0f,\"percpu_bytes_per_pair\":%.0f,"
	       "\"vfs_bytes_per_pair\":%.0f,\"sock_object_bytes\":%ld,"
	       "\"beyond_socket_bytes_per_session\":%.0f,\"idle_s\":%.1f,"
	       "\"wakeups_baseline_per_s\":%.1f,\"wakeups_idle_per_s\":%.1f,"
	       "\"wakeups_added_per_s\":%.1f,\"hrtimer_softirqs_baseline_per_s\":%.1f,"
	       "\"hrtimer_softirqs_idle_per_s\":%.1f,"
	       "\"cpus_busy_baseline\":%.4f,\"cpus_busy_idle\":%.4f}\n",
	       s.tcp ? "tcp" : "kcp", s.tcp ? "" : s.profile ? s.profile : "default",
	       s.stock ? "true" : "false", s.n, est, s.n / est, acked ? "true" : "false", t_ack,
	       slab0, slab1, slab3, (slab3 - slab0) * 1024.0 / s.n,
	       (slab3 - slab1) * 1024.0 / s.n,
	       (pcpu3 - pcpu0) * 1024.0 / s.n, (double)(vfs3 - vfs0) / s.n,
	       sock_size, beyond, s.idle, w0.per_s, w1.per_s,
	       w1.per_s - w0.per_s, w0.hrtimer_per_s, w1.hrtimer_per_s,
	       w0.cpus_busy, w1.cpus_busy);
	fflush(stdout);
	for (i = 0; i < s.n; i++) {
		close(s.cli[i]);
		close(s.acc[i]);
	}
	close(s.lfd);
	return acked ? 0 : 1;
}
