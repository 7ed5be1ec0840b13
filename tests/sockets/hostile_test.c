// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_hostile_test: what a hostile peer or user can make an AF_KCP socket
 * hold. A plain UDP socket plays the peer and writes KCP segments by hand:
 * oversized segments and messages that never complete stay within the
 * receiver's SO_RCVBUF, a forged ACK of what was never sent changes
 * nothing, empty messages fill the send buffer like any others, and no
 * other user can share a port through SO_REUSEADDR, and what a session
 * receives is charged to its memory cgroup. Run
 * inside a guest with kcp.ko loaded (tests/scenarios/hostile.sh).
 *
 *   kcp_hostile_test [CASE...]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/sockios.h>

#include "harness.h"

#define CONV	0x0badf00d
#define MSS	1376		/* the default MTU, 1400, less the header */

enum { CMD_PUSH = 81, CMD_ACK, CMD_WASK, CMD_WINS };

/* A UDP socket on 127.0.0.1 that plays a KCP peer by hand. */
static int fake_peer(struct sockaddr_in *self)
{
	socklen_t len = sizeof(*self);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(self, 0, sizeof(*self));
	self->sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", &self->sin_addr);
	EXPECT(fd >= 0 && !bind(fd, (struct sockaddr *)self, sizeof(*self)));
	EXPECT(!getsockname(fd, (struct sockaddr *)self, &len));
	return fd;
}

/* Send one segment of @len bytes (at most 2048) to @to. */
static void send_seg(int fd, const struct sockaddr_in *to, int cmd, int frg,
		     uint32_t sn, uint32_t una, uint32_t len)
{
	static unsigned char buf[24 + 2048];

	put_le32(buf, CONV);
	buf[4] = cmd;
	buf[5] = frg;
	buf[6] = 128;			/* wnd, little-endian */
	buf[7] = 0;
	put_le32(buf + 8, 1);		/* ts */
	put_le32(buf + 12, sn);
	put_le32(buf + 16, una);
	put_le32(buf + 20, len);
	memset(buf + 24, 0x5a, len);
	sendto(fd, buf, 24 + len, 0, (const struct sockaddr *)to, sizeof(*to));
}

/*
 * A listener, and a session the fake peer opens on it with a first PUSH
 * of one byte (as a stock client does), accepted into *@server.
 */
static int open_session(int type, int *peer, struct sockaddr_in *to,
			int *server, int rcvbuf)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	struct sockaddr_in self;
	int l = sock_of(type);

	if (rcvbuf)
		EXPECT(!setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)));
	EXPECT(!bind(l, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(l, 4));
	*peer = fake_peer(&self);
	*to = a.kcp_udp.sin;
	send_seg(*peer, to, CMD_PUSH, 0, 0, 0, 1);
	*server = accept(l, NULL, NULL);
	EXPECT(*server >= 0);
	return l;
}

/* Segments longer than the MSS and messages that never end stay bounded. */
static void receive_bounded(void)
{
	int peer, server, listener, rcvbuf = 65536, sn;
	struct sockaddr_in to;
	struct kcp_info i;
	socklen_t len = sizeof(rcvbuf);

	listener = open_session(SOCK_SEQPACKET, &peer, &to, &server, rcvbuf);
	EXPECT(!getsockopt(server, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len));
	for (sn = 1; sn < 2000; sn++)
		send_seg(peer, &to, CMD_PUSH, 0, sn, 0, MSS + 600);
	/* fragments of one huge message that never completes, in order */
	for (sn = 1; sn < 128; sn++)
		send_seg(peer, &to, CMD_PUSH, 127, sn, 0, MSS);
	usleep(300 * 1000);
	i = info_of(server);
	fprintf(stderr, "  receiver holds %u bytes (SO_RCVBUF %d), %llu segments invalid, %llu dropped\n",
		i.kcpi_rcv_mem, rcvbuf, (unsigned long long)i.kcpi_invalid_segs,
		(unsigned long long)i.kcpi_dropped_segs);
	EXPECT(i.kcpi_rcv_mem <= (uint32_t)rcvbuf);
	EXPECT(i.kcpi_invalid_segs >= 1999);
	EXPECT(i.kcpi_dropped_segs >= 1);
	close(server);
	close(listener);
	close(peer);
}

/* An ACK of what was never sent, or a una beyond it, changes nothing. */
static void forged_ack(void)
{
	int peer, server, listener;
	struct sockaddr_in to;
	struct kcp_info before, after;

	listener = open_session(SOCK_STREAM, &peer, &to, &server, 0);
	EXPECT(send(server, "0123456789", 10, 0) == 10);
	usleep(100 * 1000);
	before = info_of(server);
	EXPECT(before.kcpi_inflight == 1);
	send_seg(peer, &to, CMD_WINS, 0, 0, 1000, 0);
	send_seg(peer, &to, CMD_ACK, 0, 50, 0, 0);
	usleep(100 * 1000);
	after = info_of(server);
	EXPECT(after.kcpi_inflight == 1);
	EXPECT(after.kcpi_invalid_segs == before.kcpi_invalid_segs + 2);
	/* the honest ACK still works */
	send_seg(peer, &to, CMD_ACK, 0, 0, 1, 0);
	usleep(100 * 1000);
	EXPECT(info_of(server).kcpi_inflight == 0);
	close(server);
	close(listener);
	close(peer);
}

/* 100,000 empty messages to a peer that never answers: EAGAIN in time. */
static void empty_sends(void)
{
	struct sockaddr_in self;
	int peer = fake_peer(&self), fd = sock_of(SOCK_SEQPACKET), n, sndbuf;
	struct sockaddr_kcp a = { .kcp_family = family };
	socklen_t len = sizeof(sndbuf);
	struct kcp_info i;

	a.kcp_udp.sin = self;
	/* the fake peer answers no HELLO: a stock client, queueing at once */
	set_int(fd, SOL_KCP, KCP_STOCK, 1);
	EXPECT(!connect(fd, (struct sockaddr *)&a, sizeof(a)));
	for (n = 0; n < 100000; n++)
		if (send(fd, "", 0, MSG_DONTWAIT) < 0)
			break;
	EXPECT(n < 100000 && errno == EAGAIN);
	EXPECT(!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len));
	i = info_of(fd);
	fprintf(stderr, "  %d empty messages queued, %u bytes held (SO_SNDBUF %d)\n",
		n, i.kcpi_snd_mem, sndbuf);
	EXPECT(i.kcpi_snd_mem >= (uint32_t)sndbuf / 2);
	EXPECT(i.kcpi_snd_mem <= (uint32_t)sndbuf + 4096);
	EXPECT(!ioctl(fd, SIOCOUTQ, &n) && n == 0);	/* no payload */
	set_linger(fd, 1, 0);
	close(fd);
	close(peer);
}

/* SO_REUSEADDR shares a port with the same user only. */
static void reuse_other_user(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	int l = sock_of(SOCK_STREAM), fd = sock_of(SOCK_STREAM), one = 1;
	int status;
	pid_t pid;

	EXPECT(!setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	EXPECT(!bind(l, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(l, 1));
	/* the same user may share it (not listen: one listener a port) */
	EXPECT(!setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	EXPECT(!bind(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_ERRNO(listen(fd, 1), EADDRINUSE);
	close(fd);
	pid = fork();
	if (!pid) {
		int other;

		if (setuid(65534))
			_exit(2);
		other = sock_of(SOCK_STREAM);
		setsockopt(other, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(other, (struct sockaddr *)&a, sizeof(a)))
			_exit(1);
		_exit(errno == EADDRINUSE ? 0 : 3);
	}
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0);
	close(l);
}

static long long read_ll(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (f && fscanf(f, "%lld", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

static bool write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(s, f) >= 0;

	return (f && !fclose(f)) && ok;
}

#define CGROUP	"/sys/fs/cgroup"
#define RX_GROUP CGROUP "/kcp-rx"

/*
 * What a session receives is charged to the memory cgroup of its socket
 * (its listener's, for an accepted one), though it arrives in softirq: a
 * server in a cgroup of its own that reads nothing sees the group's
 * memory.current grow by at least half of what was sent to it. The 4 MiB
 * sent dwarf the counter's slack: memory.current moves in per-CPU batches
 * of 64 pages, so a single MiB could show as a quarter of itself.
 */
static void memcg_charged(void)
{
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	int ready[2], done[2], wnd = 4096, c, status;
	static char buf[4 << 20];
	long long before, after;
	pid_t pid;
	char pidstr[16];

	mkdir(CGROUP, 0755);
	mount("cgroup2", CGROUP, "cgroup2", 0, NULL);	/* or mounted already */
	if (!write_str(CGROUP "/cgroup.subtree_control", "+memory")) {
		/* the debug kernel is built without memory cgroups */
		fprintf(stderr, "  skipped: this kernel has no memory cgroup\n");
		return;
	}
	mkdir(RX_GROUP, 0755);
	EXPECT(!pipe(ready) && !pipe(done));
	pid = fork();
	if (!pid) {
		int l, s;
		char go;

		snprintf(pidstr, sizeof(pidstr), "%d", getpid());
		if (!write_str(RX_GROUP "/cgroup.procs", pidstr))
			_exit(2);
		l = sock_of(SOCK_STREAM);
		/* the receive buffer grows to hold the window */
		set_int(l, SOL_KCP, KCP_RCVWND, wnd);
		if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
			_exit(3);
		if (write(ready[1], "l", 1) != 1)
			_exit(4);
		s = accept(l, NULL, NULL);
		if (s < 0 || write(ready[1], "a", 1) != 1)
			_exit(5);
		/* hold what arrived until the parent has measured */
		_exit(read(done[0], &go, 1) == 1 ? 0 : 6);
	}
	EXPECT(read(ready[0], buf, 1) == 1);
	c = sock_of(SOCK_STREAM);
	set_int(c, SOL_KCP, KCP_SNDWND, wnd);
	EXPECT(!connect(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(read(ready[0], buf, 1) == 1);
	usleep(200000);
	before = read_ll(RX_GROUP "/memory.current");
	memset(buf, 'm', sizeof(buf));
	EXPECT(send(c, buf, sizeof(buf), 0) == sizeof(buf));
	usleep(2000000);
	after = read_ll(RX_GROUP "/memory.current");
	EXPECT(write(done[1], "d", 1) == 1);
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status));
	fprintf(stderr, "  4 MiB sent, not read: the server's cgroup's memory.current %lld -> %lld (+%lld)\n",
		before, after, after - before);
	/* the server read none of it: the group holds it */
	EXPECT(before >= 0 && after - before >= (long long)sizeof(buf) / 2);
	set_linger(c, 1, 0);
	close(c);
	rmdir(RX_GROUP);
}

static const struct test_case cases[] = {
	{ "reuse_other_user", reuse_other_user },
	{ "receive_bounded", receive_bounded },
	{ "forged_ack", forged_ack },
	{ "empty_sends", empty_sends },
	{ "memcg_charged", memcg_charged },
};

int main(int argc, char **argv)
{
	return run_cases(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			 "kcp_hostile_test");
}
