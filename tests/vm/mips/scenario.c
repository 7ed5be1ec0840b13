// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_mips_scenario: what tests/scenarios/transfer.sh does with a shell,
 * tc and sha256sum, for the MIPS guest, which has none of them.
 *
 *   kcp_mips_scenario STEP [+ STEP]...
 *
 * runs the steps in order and stops at the first that fails:
 *
 *   netem DEV LOSS% DELAY_MS
 *	a netem root qdisc on DEV, set over rtnetlink as tc would
 *   transfer BYTES [KCPCAT_FLAG...]
 *	BYTES of a pseudo-random stream cross 127.0.0.1:9000 from kcpcat
 *	to kcpcat -l; the received stream's length and FNV-1a hash must
 *	be the sent one's
 *   transfer6 BYTES [KCPCAT_FLAG...]
 *	the same over [::1]:9000
 *
 * On loopback every datagram passes lo's qdisc once, so netem on lo
 * delays and drops both directions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

static int set_netem(const char *dev, double loss, unsigned int delay_ms)
{
	struct {
		struct nlmsghdr n;
		struct tcmsg t;
		char attrs[256];
	} req = {
		.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		.n.nlmsg_type = RTM_NEWQDISC,
		.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE,
		.t.tcm_family = AF_UNSPEC,
		.t.tcm_parent = TC_H_ROOT,
	};
	struct tc_netem_qopt qopt = {
		/* psched ticks of 64 ns (PSCHED_SHIFT) */
		.latency = (uint32_t)((unsigned long long)delay_ms * 1000000 >> 6),
		.limit = 1000,
		.loss = (uint32_t)(loss / 100 * UINT32_MAX),
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct { struct nlmsghdr n; struct nlmsgerr e; } ack;
	struct rtattr *rta;
	int fd;

	req.t.tcm_ifindex = if_nametoindex(dev);
	if (!req.t.tcm_ifindex)
		return perror(dev), 1;
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.n.nlmsg_len));
	rta->rta_type = TCA_KIND;
	rta->rta_len = RTA_LENGTH(sizeof("netem"));
	memcpy(RTA_DATA(rta), "netem", sizeof("netem"));
	req.n.nlmsg_len = NLMSG_ALIGN(req.n.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	rta = (struct rtattr *)((char *)&req + req.n.nlmsg_len);
	rta->rta_type = TCA_OPTIONS;
	rta->rta_len = RTA_LENGTH(sizeof(qopt));
	memcpy(RTA_DATA(rta), &qopt, sizeof(qopt));
	req.n.nlmsg_len += RTA_ALIGN(rta->rta_len);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || sendto(fd, &req, req.n.nlmsg_len, 0,
			     (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ||
	    recv(fd, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack))
		return perror("netem: rtnetlink"), 1;
	close(fd);
	if (ack.n.nlmsg_type != NLMSG_ERROR || ack.e.error) {
		fprintf(stderr, "netem: %s\n", strerror(-ack.e.error));
		return 1;
	}
	printf("netem on %s: %.1f%% loss, %u ms delay\n", dev, loss, delay_ms);
	return 0;
}

/* The stream: xorshift64, the same on both sides of the comparison. */
static void fill(unsigned char *buf, size_t len, unsigned long long *state)
{
	size_t i;

	for (i = 0; i < len; i++) {
		*state ^= *state << 13;
		*state ^= *state >> 7;
		*state ^= *state << 17;
		buf[i] = (unsigned char)*state;
	}
}

static unsigned long long fnv1a(unsigned long long hash, const unsigned char *buf, size_t len)
{
	while (len--) {
		hash ^= *buf++;
		hash *= 0x100000001b3ull;
	}
	return hash;
}

#define FNV_START	0xcbf29ce484222325ull

/* Fork kcpcat with FLAGS and the endpoint; fd_in/fd_out become 0 and 1. */
static pid_t kcpcat(int listen, char **flags, int fd_in, int fd_out,
		    const char *bytes, const char *host)
{
	char *argv[32] = { "kcpcat" };
	pid_t pid = fork();
	int n = 1;

	if (pid)
		return pid;
	if (listen) {
		argv[n++] = "-l";
		argv[n++] = "-d";
		argv[n++] = "-w";
		argv[n++] = "60";
		argv[n++] = "-N";
		argv[n++] = (char *)bytes;
	}
	while (*flags && n < 28)
		argv[n++] = *flags++;
	argv[n++] = (char *)host;
	argv[n++] = "9000";
	argv[n] = NULL;
	dup2(fd_in, 0);
	dup2(fd_out, 1);
	execvp("kcpcat", argv);
	perror("kcpcat");
	_exit(127);
}

static int run_transfer(const char *host, const char *bytes, char **flags)
{
	unsigned long long size = strtoull(bytes, NULL, 0), want = FNV_START, got = FNV_START;
	unsigned long long state = 0x9e3779b97f4a7c15ull, count = 0, left;
	int out[2], in[2], status, failed = 0;
	static unsigned char buf[65536];
	struct timespec t0, t1;
	pid_t listener, client, writer;
	ssize_t n;

	/* CLOEXEC: a kcpcat holding the other pipes' ends would never see EOF */
	if (pipe2(out, O_CLOEXEC) || pipe2(in, O_CLOEXEC))
		return perror("pipe"), 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	listener = kcpcat(1, flags, 0, out[1], bytes, host);
	usleep(300000);
	client = kcpcat(0, flags, in[0], 1, bytes, host);
	writer = fork();
	if (!writer) {
		close(out[0]);
		close(out[1]);
		close(in[0]);
		for (left = size; left; left -= n) {
			n = left < sizeof(buf) ? left : sizeof(buf);
			fill(buf, n, &state);
			if (write(in[1], buf, n) != n)
				_exit(1);
		}
		_exit(0);
	}
	close(out[1]);
	close(in[0]);
	close(in[1]);
	while ((n = read(out[0], buf, sizeof(buf))) > 0) {
		got = fnv1a(got, buf, n);
		count += n;
	}
	for (left = size; left; left -= n) {
		n = left < sizeof(buf) ? left : sizeof(buf);
		fill(buf, n, &state);
		want = fnv1a(want, buf, n);
	}
	waitpid(writer, &status, 0);
	failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	waitpid(client, &status, 0);
	failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	waitpid(listener, &status, 0);
	failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (failed || count != size || got != want) {
		printf("FAIL transfer: %llu of %llu bytes, hash %016llx, sent %016llx%s\n",
		       (unsigned long long)count, (unsigned long long)size,
		       (unsigned long long)got, (unsigned long long)want,
		       failed ? ", a kcpcat failed" : "");
		return 1;
	}
	printf("ok   transfer to %s: %llu bytes, hash %016llx matches (%.1f s)\n",
	       host, (unsigned long long)size, (unsigned long long)got,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

static int step(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[0], "netem"))
		return set_netem(argv[1], atof(argv[2]), atoi(argv[3]));
	if (argc >= 2 && !strcmp(argv[0], "transfer"))
		return run_transfer("127.0.0.1", argv[1], argv + 2);
	if (argc >= 2 && !strcmp(argv[0], "transfer6"))
		return run_transfer("::1", argv[1], argv + 2);
	fprintf(stderr, "usage: kcp_mips_scenario STEP [+ STEP]...\n"
		"  STEP: netem DEV LOSS%% DELAY_MS | transfer[6] BYTES [KCPCAT_FLAG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int first = 1, i, ret;

	for (i = 1; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], "+"))
			continue;
		argv[i < argc ? i : argc] = NULL;	/* ends this step's flags */
		ret = step(i - first, argv + first);
		if (ret)
			return ret;
		first = i + 1;
	}
	return 0;
}
