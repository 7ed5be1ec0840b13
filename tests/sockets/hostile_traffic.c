// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_hostile_traffic: hostile datagrams at kcp.ko while real traffic
 * runs. A raw socket forges UDP datagrams from any address (it writes the
 * IP header), so the generator can speak as either end of a live session
 * or as a crowd of sources that do not exist.
 *
 *   traffic     64 MiB from a kcp.ko client to a kcp.ko server, while the
 *               generator sends, in both directions of that session and
 *               with its conv, every kind of malformed or forged segment
 *               (short, unknown command, length past the end, longer than
 *               the MSS, far sequence numbers ahead and behind, una in the
 *               future or far in the past, ACKs of what was never sent,
 *               all advertising a zero window), and first PUSHes of random
 *               conversations from spoofed sources at the listener. The
 *               bytes arrive intact, each kind of drop is counted in its
 *               counter (UDP's InErrors for what no session took), and
 *               slab memory returns to where it started.
 *   push_flood  1,000,000 first PUSHes of random conversations from
 *               spoofed sources (stock clients need no handshake) at a
 *               listener whose server accepts and drops whoever is not
 *               its client, while that client connects and moves 4 MiB:
 *               kernel memory stays within the bound README documents.
 *
 * Run inside a guest with kcp.ko loaded (tests/scenarios/hostile.sh).
 *
 *   kcp_hostile_traffic [-n FLOOD] [CASE...]
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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/kcp_netlink.h>

#include "harness.h"
#include "libkcp.h"

#define TRANSFER	(64u << 20)
#define MSS		1376		/* the default MTU, 1400, less the header */
#define FAR		0x40000000u	/* a quarter of the sequence space */

enum { CMD_PUSH = 81, CMD_ACK, CMD_WASK, CMD_WINS };

static struct kcp_ctl *ctl;
static unsigned long flood = 1000000;

static void stats_now(struct kcp_stats *st)
{
	memset(st, 0, sizeof(*st));
	EXPECT(kcp_ctl_stats(ctl, st) == 0);
}

static uint64_t delta(const struct kcp_stats *a, const struct kcp_stats *b,
		      int attr)
{
	return b->value[attr] - a->value[attr];
}

/*
 * Whether slab totals say what kcp.ko holds. On the debug kernel
 * (tests/vm/debug, known by its kmemleak) they do not: KASAN keeps freed
 * objects in quarantine and kmemleak tracks each object with one of its
 * own. There, kmemleak's scan after the run is the check for leaks.
 */
static bool slab_tells(void)
{
	return access("/sys/kernel/debug/kmemleak", F_OK) != 0;
}

/*
 * A counter of UDP's MIB (/proc/net/snmp, "Udp:" names then values): what
 * kcp.ko refuses must show there as an error, not as delivered.
 */
static uint64_t udp_mib(const char *name)
{
	char names[512], values[512], *n, *v, *sn, *sv;
	uint64_t found = 0;
	FILE *f = fopen("/proc/net/snmp", "r");

	while (f && fgets(names, sizeof(names), f))
		if (!strncmp(names, "Udp:", 4) && fgets(values, sizeof(values), f))
			break;
	if (f)
		fclose(f);
	n = strtok_r(names, " \n", &sn);
	v = strtok_r(values, " \n", &sv);
	while (n && v) {
		if (!strcmp(n, name))
			found = strtoull(v, NULL, 10);
		n = strtok_r(NULL, " \n", &sn);
		v = strtok_r(NULL, " \n", &sv);
	}
	return found;
}

/*
 * Datagrams the kernel dropped before any protocol saw them (the backlog
 * of loopback's receive queue, netdev_max_backlog): the second column of
 * softnet_stat, per CPU, in hex.
 */
static uint64_t softnet_drops(void)
{
	char line[256];
	uint64_t sum = 0;
	unsigned int processed, dropped;
	FILE *f = fopen("/proc/net/softnet_stat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%x %x", &processed, &dropped) == 2)
			sum += dropped;
	if (f)
		fclose(f);
	return sum;
}

/* The transfer's bytes: a pattern no shift of itself matches. */
static uint8_t pattern_at(uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 11) * 7 + (i >> 19));
}

/* A datagram forged by a raw socket: IP and UDP headers, then KCP. */
struct forged {
	uint8_t pkt[20 + 8 + 24 + 2048];
	size_t len;
};

/*
 * A segment from @from to @to (network order, 127/8 both): @kcp_len bytes
 * of datagram, of which the header claims @len of payload.
 */
static void forge(struct forged *f, uint32_t from, uint16_t sport, uint32_t to,
		  uint16_t dport, uint32_t conv, uint8_t cmd, uint32_t sn,
		  uint32_t una, uint32_t len, size_t kcp_len)
{
	struct iphdr *ip = (struct iphdr *)f->pkt;
	struct udphdr *uh = (struct udphdr *)(f->pkt + 20);
	uint8_t *k = f->pkt + 28;

	memset(f->pkt, 0, 28 + 24);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = from;
	ip->daddr = to;
	f->len = 28 + kcp_len;
	ip->tot_len = htons(f->len);
	uh->source = sport;
	uh->dest = dport;
	uh->len = htons(8 + kcp_len);	/* checksum 0: none, as IPv4 allows */
	put_le32(k, conv);
	k[4] = cmd;
	k[6] = 0;			/* every forgery advertises wnd 0 */
	k[7] = 0;
	put_le32(k + 8, 1);
	put_le32(k + 12, sn);
	put_le32(k + 16, una);
	put_le32(k + 20, len);
	if (kcp_len > 24)
		memset(k + 24, 0x5a, kcp_len - 24);
}

static void send_forged(int raw, const struct forged *f)
{
	const struct iphdr *ip = (const struct iphdr *)f->pkt;
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_addr.s_addr = ip->daddr };

	while (sendto(raw, f->pkt, f->len, 0, (struct sockaddr *)&to,
		      sizeof(to)) < 0 && errno == ENOBUFS)
		usleep(1000);
}

/* What the generator sent, by the counter that must take it. */
struct forgeries {
	unsigned long in_errors, invalid, dropped, spoofed_opens;
	unsigned long short_ones;	/* of in_errors: refused before a session */
};

/*
 * One round of forgeries against the session between @c (the client,
 * sending) and @s (the server, receiving), which share @conv: as the
 * client to the server, and as the server to the client.
 */
static void one_round(int raw, const struct sockaddr_in *c,
		      const struct sockaddr_in *s, uint32_t conv,
		      uint32_t seed, uint16_t listen_port,
		      struct forgeries *n)
{
	uint32_t ca = c->sin_addr.s_addr, sa = s->sin_addr.s_addr;
	uint16_t cp = c->sin_port, sp = s->sin_port;
	struct forged f;

	/* malformed: the header itself is wrong (IN_ERRORS) */
	forge(&f, ca, cp, sa, sp, conv, CMD_PUSH, 0, 0, 0, 10);	/* short */
	send_forged(raw, &f), n->in_errors++, n->short_ones++;
	forge(&f, ca, cp, sa, sp, conv, 99, 0, 0, 0, 24);	/* unknown */
	send_forged(raw, &f), n->in_errors++;
	forge(&f, ca, cp, sa, sp, conv, CMD_PUSH, 1, 0, 1000, 24 + 10);
	send_forged(raw, &f), n->in_errors++;			/* past the end */
	forge(&f, sa, sp, ca, cp, conv, CMD_ACK, 0, 0, 64, 24 + 10);
	send_forged(raw, &f), n->in_errors++;

	/* well formed, but no peer's engine sent it (INVALID_SEGS) */
	forge(&f, ca, cp, sa, sp, conv, CMD_PUSH, 2, 0, MSS + 100, 24 + MSS + 100);
	send_forged(raw, &f), n->invalid++;			/* > MSS */
	forge(&f, ca, cp, sa, sp, conv, CMD_PUSH, -FAR - seed % 1000, 0, 8, 32);
	send_forged(raw, &f), n->invalid++;			/* far behind */
	forge(&f, ca, cp, sa, sp, conv, CMD_WINS, 0, FAR + seed % 1000, 0, 24);
	send_forged(raw, &f), n->invalid++;			/* una ahead */
	forge(&f, sa, sp, ca, cp, conv, CMD_WINS, 0, FAR + seed % 1000, 0, 24);
	send_forged(raw, &f), n->invalid++;			/* una ahead */
	forge(&f, sa, sp, ca, cp, conv, CMD_WINS, 0, -FAR - seed % 1000, 0, 24);
	send_forged(raw, &f), n->invalid++;			/* una behind */
	forge(&f, sa, sp, ca, cp, conv, CMD_ACK, FAR + seed % 1000, 0, 0, 24);
	send_forged(raw, &f), n->invalid++;			/* never sent */

	/* beyond the receive window (DROPPED_SEGS) */
	forge(&f, ca, cp, sa, sp, conv, CMD_PUSH, FAR + seed % 1000, 0, 8, 32);
	send_forged(raw, &f), n->dropped++;

	/* a stock client that does not exist opens a conversation */
	forge(&f, htonl(0x7f020000 | (seed & 0xffff)), htons(1024 + seed % 60000),
	      sa, htons(listen_port), seed * 2654435761u, CMD_PUSH, 0, 0, 8, 32);
	send_forged(raw, &f), n->spoofed_opens++;
}

struct generator {
	volatile int stop;
	unsigned int rounds;
	struct forgeries sent;
};

/* Forge rounds, about 500 a second, until told to stop. */
static void generate(struct generator *g, const struct sockaddr_in *c,
		     const struct sockaddr_in *s, uint32_t conv,
		     uint16_t listen_port)
{
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);

	if (raw < 0)
		_exit(1);
	while (!g->stop) {
		one_round(raw, c, s, conv, g->rounds + 1, listen_port, &g->sent);
		g->rounds++;
		usleep(2000);
	}
	_exit(0);
}

static struct sockaddr_in sin_of(int fd, bool peer)
{
	struct sockaddr_kcp a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	EXPECT(!(peer ? getpeername : getsockname)(fd, (struct sockaddr *)&a, &len));
	return a.kcp_udp.sin;
}

/* Read @fd to EOF, checking every byte against the pattern. */
static uint64_t read_checked(int fd, uint64_t *wrong)
{
	static uint8_t buf[65536];
	uint64_t got = 0;
	ssize_t n;

	*wrong = 0;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			*wrong += buf[i] != pattern_at(got + i);
		got += n;
	}
	EXPECT(n == 0);
	return got;
}

static void write_pattern(int fd, uint64_t total)
{
	static uint8_t buf[65536];
	uint64_t sent = 0;

	while (sent < total) {
		size_t chunk = total - sent < sizeof(buf) ? total - sent : sizeof(buf);
		ssize_t n;

		for (size_t i = 0; i < chunk; i++)
			buf[i] = pattern_at(sent + i);
		n = send(fd, buf, chunk, 0);
		if (n <= 0)
			_exit(1);
		sent += n;
	}
}

static void traffic(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0), me;
	struct kcp_stats before, after;
	struct generator *g;
	struct sockaddr_in c_addr, s_addr;
	int l = sock_of(SOCK_STREAM), c = sock_of(SOCK_STREAM), s;
	long slab0 = slab_kib(), slab1;
	uint64_t got, wrong, backlog, udp_errors;
	uint32_t conv;
	socklen_t len = sizeof(conv);
	double t0 = now_s();
	pid_t sender, gen;
	int status;

	g = mmap(NULL, sizeof(*g), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EXPECT(g != MAP_FAILED);
	EXPECT(!bind(l, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(l, 16));
	me = addr4("127.0.0.1", 0, 0);	/* an address the forgeries can use */
	EXPECT(!bind(c, (struct sockaddr *)&me, sizeof(me)));
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	s = accept(l, NULL, NULL);
	EXPECT(s >= 0);
	EXPECT(!getsockopt(c, SOL_KCP, KCP_CONV, &conv, &len));
	c_addr = sin_of(c, false);
	s_addr = sin_of(c, true);
	stats_now(&before);
	udp_errors = udp_mib("InErrors");

	gen = fork();
	if (!gen) {
		/* the sockets stay the parent's and the sender's alone */
		close(c);
		close(s);
		close(l);
		generate(g, &c_addr, &s_addr, conv, ntohs(a.kcp_udp.sin.sin_port));
	}
	sender = fork();
	if (!sender) {
		write_pattern(c, TRANSFER);
		close(c);	/* graceful: the FIN follows the last byte */
		_exit(0);
	}
	close(c);
	got = read_checked(s, &wrong);
	g->stop = 1;
	EXPECT(waitpid(sender, &status, 0) == sender && WIFEXITED(status) &&
	       !WEXITSTATUS(status));
	EXPECT(waitpid(gen, &status, 0) == gen && WIFEXITED(status) &&
	       !WEXITSTATUS(status));
	usleep(300000);		/* the last forgeries are read */
	stats_now(&after);
	udp_errors = udp_mib("InErrors") - udp_errors;

	fprintf(stderr, "  %llu bytes in %.1f s, %llu wrong; %u rounds of forgeries\n",
		(unsigned long long)got, now_s() - t0, (unsigned long long)wrong,
		g->rounds);
	backlog = delta(&before, &after, KCP_STAT_A_BACKLOG_DROPS);
	fprintf(stderr, "  in_errors +%llu, invalid +%llu, dropped +%llu, "
		"passive opens +%llu, listen overflows +%llu, backlog drops +%llu\n",
		(unsigned long long)delta(&before, &after, KCP_STAT_A_IN_ERRORS),
		(unsigned long long)delta(&before, &after, KCP_STAT_A_INVALID_SEGS),
		(unsigned long long)delta(&before, &after, KCP_STAT_A_DROPPED_SEGS),
		(unsigned long long)delta(&before, &after, KCP_STAT_A_PASSIVE_OPENS),
		(unsigned long long)delta(&before, &after, KCP_STAT_A_LISTEN_OVERFLOWS),
		(unsigned long long)backlog);
	EXPECT(got == TRANSFER && wrong == 0);
	EXPECT(g->rounds >= 100);	/* the forgeries overlapped the transfer */
	/*
	 * Each forgery is counted where it was refused, or, if it came while
	 * the socket was busy and its backlog full, as a backlog drop.
	 */
	EXPECT(delta(&before, &after, KCP_STAT_A_IN_ERRORS) + backlog >=
	       g->sent.in_errors);
	EXPECT(delta(&before, &after, KCP_STAT_A_INVALID_SEGS) + backlog >=
	       g->sent.invalid);
	EXPECT(delta(&before, &after, KCP_STAT_A_DROPPED_SEGS) + backlog >=
	       g->sent.dropped);
	/*
	 * UDP counts as errors, not as delivered, what no session took: the
	 * short datagrams and the PUSHes a full listener refused (but one,
	 * which waits in the tunnel socket's queue).
	 */
	fprintf(stderr, "  UDP InErrors +%llu\n", (unsigned long long)udp_errors);
	EXPECT(udp_errors + 1 >= g->sent.short_ones +
	       delta(&before, &after, KCP_STAT_A_LISTEN_OVERFLOWS));
	/* each spoofed first PUSH opened a session, or found no room */
	EXPECT(delta(&before, &after, KCP_STAT_A_PASSIVE_OPENS) +
	       delta(&before, &after, KCP_STAT_A_LISTEN_OVERFLOWS) +
	       delta(&before, &after, KCP_STAT_A_LISTEN_DROPS) >=
	       g->sent.spoofed_opens);

	close(s);
	close(l);		/* and with it the spoofed sessions it held */
	sleep(2);		/* the client's TIME_WAIT */
	slab1 = slab_kib();
	fprintf(stderr, "  slab %ld -> %ld KiB\n", slab0, slab1);
	EXPECT(slab1 - slab0 < 4096 || !slab_tells());
	munmap(g, sizeof(*g));
}

/*
 * The server of push_flood: accept everything, keep the client from
 * 127.0.0.1 (whose 4 MiB it reads and checks), close the others at once,
 * and go on accepting while it reads, as a server does.
 */
static void serve(int l, uint64_t want, uint64_t *got, uint64_t *wrong,
		  unsigned long *strangers)
{
	struct pollfd p[2] = { { .fd = l, .events = POLLIN },
			       { .fd = -1, .events = POLLIN } };
	static uint8_t buf[65536];
	bool eof = false;
	ssize_t n;
	int s;

	*strangers = 0;
	*got = 0;
	*wrong = 0;
	while (!eof) {
		poll(p, 2, 100);
		while ((s = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
			struct sockaddr_in peer = sin_of(s, true);

			if (p[1].fd < 0 && peer.sin_addr.s_addr == htonl(0x7f000001)) {
				p[1].fd = s;
				continue;
			}
			close(s);
			(*strangers)++;
		}
		while (p[1].fd >= 0 && (n = recv(p[1].fd, buf, sizeof(buf), 0)) > 0) {
			for (ssize_t i = 0; i < n; i++)
				*wrong += buf[i] != pattern_at(*got + i);
			*got += n;
		}
		if (p[1].fd >= 0 && n == 0)
			eof = true;
		else if (p[1].fd >= 0)
			EXPECT(errno == EAGAIN);
	}
	close(p[1].fd);
	EXPECT(*got == want);
}

static void push_flood(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	int l = sock_of(SOCK_STREAM), raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	uint32_t dst = a.kcp_udp.sin.sin_addr.s_addr;
	uint16_t dport = a.kcp_udp.sin.sin_port;
	long slab0 = slab_kib(), peak = slab0, slab1;
	static struct slab_caches caches0, caches_peak;
	uint64_t most_estab = 0;
	uint32_t most_pending = 0;
	struct kcp_stats before, after;
	uint64_t got = 0, wrong = 0, lost0, udp_in, udp_errors;
	unsigned long strangers;
	pid_t flooder, client, server;
	double t0 = now_s(), connected = 0;
	int status, pipefd[2];

	EXPECT(raw >= 0);
	EXPECT(!pipe(pipefd));
	EXPECT(!bind(l, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(l, 128));
	EXPECT(!fcntl(l, F_SETFL, O_NONBLOCK));	/* serve() polls */
	stats_now(&before);
	slab_caches_read(&caches0);
	lost0 = softnet_drops();
	udp_in = udp_mib("InDatagrams");
	udp_errors = udp_mib("InErrors");

	flooder = fork();
	if (!flooder) {
		struct forged f;

		for (unsigned long i = 0; i < flood; i++) {
			uint32_t seed = i + 1;

			forge(&f, htonl(0x7f030000 | (seed & 0xffff)),
			      htons(1024 + (seed >> 16) % 60000), dst, dport,
			      seed * 2654435761u, CMD_PUSH, 0, 0, 8, 32);
			send_forged(raw, &f);
		}
		_exit(0);
	}
	client = fork();
	if (!client) {
		int c = sock_of(SOCK_STREAM);
		double t;

		usleep(200000);		/* into the flood */
		t = now_s();
		if (connect_wait(c, &a, 60000))
			_exit(1);
		t = now_s() - t;
		if (write(pipefd[1], &t, sizeof(t)) != sizeof(t))
			_exit(1);
		write_pattern(c, 4u << 20);
		close(c);
		_exit(0);
	}
	/* the server runs in a child of its own; this one watches memory */
	server = fork();
	if (!server) {
		serve(l, 4u << 20, &got, &wrong, &strangers);
		fprintf(stderr, "  server: %lu strangers accepted and closed, "
			"%llu bytes from the client, %llu wrong\n", strangers,
			(unsigned long long)got, (unsigned long long)wrong);
		_exit(case_failures ? 1 : 0);
	}
	while (waitpid(flooder, &status, WNOHANG) == 0) {
		struct kcp_module_info info;
		struct kcp_stats now;
		long kib = slab_kib();

		EXPECT(!kcp_ctl_info(ctl, &info));
		stats_now(&now);
		if (now.value[KCP_STAT_A_CURR_ESTAB] > most_estab)
			most_estab = now.value[KCP_STAT_A_CURR_ESTAB];
		if (info.pending > most_pending)
			most_pending = info.pending;

		if (kib > peak) {
			peak = kib;
			slab_caches_read(&caches_peak);
		}
		usleep(200000);
	}
	EXPECT(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT(waitpid(client, &status, 0) == client && WIFEXITED(status) &&
	       !WEXITSTATUS(status));
	EXPECT(read(pipefd[0], &connected, sizeof(connected)) == sizeof(connected));
	EXPECT(waitpid(server, &status, 0) == server && WIFEXITED(status) &&
	       !WEXITSTATUS(status));
	stats_now(&after);
	udp_in = udp_mib("InDatagrams") - udp_in;
	udp_errors = udp_mib("InErrors") - udp_errors;
	close(l);
	sleep(2);
	slab1 = slab_kib();
	fprintf(stderr, "  %lu spoofed PUSHes in %.1f s: %llu datagrams in, "
		"passive opens +%llu, listen overflows +%llu, listen drops +%llu, "
		"backlog drops +%llu, lost below UDP %llu; the client "
		"connected in %.2f s\n",
		flood, now_s() - t0,
		(unsigned long long)delta(&before, &after, KCP_STAT_A_IN_DATAGRAMS),
		(unsigned long long)delta(&before, &after, KCP_STAT_A_PASSIVE_OPENS),
		(unsigned long long)delta(&before, &after, KCP_STAT_A_LISTEN_OVERFLOWS),
		(unsigned long long)delta(&before, &after, KCP_STAT_A_LISTEN_DROPS),
		(unsigned long long)delta(&before, &after, KCP_STAT_A_BACKLOG_DROPS),
		(unsigned long long)(softnet_drops() - lost0), connected);
	fprintf(stderr, "  slab %ld KiB, at most %ld during the flood (+%ld), "
		"%ld after\n", slab0, peak, peak - slab0, slab1);
	if (peak > slab0)
		slab_caches_print_growth(&caches0, &caches_peak, 4);
	/*
	 * The bound README states: a listener holds for sources that proved
	 * nothing its accept queue, backlog + 1 sessions, whatever the flood
	 * (established: besides those, the client's pair and the stranger
	 * the server is closing). Counted by kcp.ko as it runs. As TCP's
	 * sk_acceptq_is_full(), the test for room is not a reservation: a
	 * CPU that tests while another's session is being set up adds one,
	 * so the bound is backlog + 1 and one per other CPU (the guest has 2).
	 */
	fprintf(stderr, "  at most %llu sessions established, %u waiting for accept()\n",
		(unsigned long long)most_estab, most_pending);
	EXPECT(most_pending <= 128 + 1 + 1);
	EXPECT(most_estab <= 128 + 1 + 1 + 2 + 4);
	/*
	 * What the server accepted and closed is freed an RCU grace period
	 * later (socket, inode, route), and under the flood RCU lags: its
	 * callbacks run in small batches until ~10,000 wait (qhimark), so the
	 * peak follows how fast the server accepts, not the flood. Measured
	 * on 6.1 between +16 and +63 MiB (72,449 closed: KCP, sock_inode_cache,
	 * ip_dst_cache, kmalloc-512 lead). A flood that pinned the sessions
	 * it asked for would hold GiB.
	 */
	EXPECT(peak - slab0 < 160 * 1024 || !slab_tells());
	EXPECT(slab1 - slab0 < 4096 || !slab_tells());
	/* UDP saw the refused ones as errors, not delivered (but one) */
	fprintf(stderr, "  UDP InDatagrams +%llu, InErrors +%llu\n",
		(unsigned long long)udp_in, (unsigned long long)udp_errors);
	EXPECT(udp_errors + 1 >= delta(&before, &after, KCP_STAT_A_LISTEN_OVERFLOWS));
	/*
	 * Delivered are only the datagrams a session took: what kcp.ko saw
	 * minus what it refused (slack for other UDP in the namespace).
	 * How many it refuses depends on how fast the server accepts, so
	 * the bound follows the counters, not the flood's size.
	 */
	EXPECT(udp_in + delta(&before, &after, KCP_STAT_A_LISTEN_OVERFLOWS) +
	       delta(&before, &after, KCP_STAT_A_LISTEN_DROPS) <=
	       delta(&before, &after, KCP_STAT_A_IN_DATAGRAMS) + 16);
	/* every PUSH is counted: it opened a session, or found no room */
	EXPECT(delta(&before, &after, KCP_STAT_A_PASSIVE_OPENS) +
	       delta(&before, &after, KCP_STAT_A_LISTEN_OVERFLOWS) +
	       delta(&before, &after, KCP_STAT_A_LISTEN_DROPS) +
	       softnet_drops() - lost0 >= flood);
	close(raw);
	close(pipefd[0]);
	close(pipefd[1]);
}

static const struct test_case cases[] = {
	{ "traffic", traffic },
	{ "push_flood", push_flood },
};

int main(int argc, char **argv)
{
	int failures;

	signal(SIGPIPE, SIG_IGN);
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		flood = strtoul(argv[2], NULL, 0);
		argc -= 2;
		argv += 2;
	}
	if (kcp_ctl_open(&ctl)) {
		fprintf(stderr, "kcp_hostile_traffic: no kcp netlink family\n");
		return 100;
	}
	next_port = 24000;
	failures = run_cases(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			     "kcp_hostile_traffic");
	kcp_ctl_close(ctl);
	return failures ? 1 : 0;
}
