// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * What the namespace's control plane changes for sockets, asserted on the
 * sockets themselves: profiles (the default a new socket starts from, a
 * change that leaves open sockets alone, deletion), restrict_tunables for
 * an unprivileged user, the idle timeout of accepted sessions, the bound
 * on sessions waiting for accept(), the memory limit, counters that
 * follow what happened, aborting a session by id, and a profile that
 * makes its sockets dial stock servers. Settings are changed through
 * libkcp, as kcpctl does; every case puts back what it changed.
 *
 *   kcp_control_test [CASE...]
 */
#include <arpa/inet.h>
#include <linux/kcp_netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "libkcp.h"

static struct kcp_ctl *ctl;

static void set_setting(int attr, uint32_t value)
{
	struct kcp_settings s = { .present = KCP_CTL_BIT(attr) };

	s.value[attr] = value;
	EXPECT(kcp_ctl_settings_set(ctl, &s) == 0);
}

static uint64_t stat_of(int attr)
{
	struct kcp_stats st = { 0 };

	EXPECT(kcp_ctl_stats(ctl, &st) == 0);
	return st.value[attr];
}

static int get_int(int fd, int level, int opt)
{
	socklen_t len = sizeof(int);
	int val = -1;

	EXPECT(!getsockopt(fd, level, opt, &val, &len));
	return val;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A user profile from "wan" with keepalive and fixed buffers. */
static void make_profile(const char *name, uint32_t interval)
{
	struct kcp_profile p = { .present = 0 };

	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.base, sizeof(p.base), "wan");
	p.present = KCP_CTL_BIT(KCP_PROFILE_A_INTERVAL) |
		    KCP_CTL_BIT(KCP_PROFILE_A_KEEPALIVE) |
		    KCP_CTL_BIT(KCP_PROFILE_A_KEEPIDLE) |
		    KCP_CTL_BIT(KCP_PROFILE_A_SNDBUF);
	p.value[KCP_PROFILE_A_INTERVAL] = interval;
	p.value[KCP_PROFILE_A_KEEPALIVE] = 1;
	p.value[KCP_PROFILE_A_KEEPIDLE] = 7;
	p.value[KCP_PROFILE_A_SNDBUF] = 65536;
	EXPECT(kcp_ctl_profile_set(ctl, &p) == 0);
}

static void default_profile(void)
{
	struct kcp_info info;
	socklen_t len = sizeof(info);
	char name[KCP_PROFILE_NAME_MAX];
	struct kcp_profile bad = { .name = "wan", .base = "fast3" };
	int old, fresh;

	/* a built-in name cannot be redefined, not even from another base */
	EXPECT(kcp_ctl_profile_set(ctl, &bad) == -EPERM);
	EXPECT(strstr(kcp_ctl_error(ctl), "built-in"));

	make_profile("t_ctl", 25);
	EXPECT(kcp_ctl_profile_make_default(ctl, "t_ctl") == 0);

	old = sock_of(SOCK_STREAM);
	len = sizeof(name);
	EXPECT(!getsockopt(old, SOL_KCP, KCP_PROFILE, name, &len) &&
	       !strcmp(name, "t_ctl"));
	len = sizeof(info);
	EXPECT(!getsockopt(old, SOL_KCP, KCP_INFO, &info, &len) &&
	       !strcmp(info.kcpi_profile, "t_ctl"));
	EXPECT(get_int(old, SOL_KCP, KCP_INTERVAL) == 25);
	EXPECT(get_int(old, SOL_KCP, KCP_SNDWND) == 512);	/* wan's */
	EXPECT(get_int(old, SOL_SOCKET, SO_KEEPALIVE) == 1);
	EXPECT(get_int(old, SOL_KCP, KCP_KEEPIDLE) == 7);
	EXPECT(get_int(old, SOL_SOCKET, SO_SNDBUF) == 2 * 65536);

	/* a change reaches new sockets, not those that took the profile */
	make_profile("t_ctl", 35);
	fresh = sock_of(SOCK_STREAM);
	EXPECT(get_int(fresh, SOL_KCP, KCP_INTERVAL) == 35);
	EXPECT(get_int(old, SOL_KCP, KCP_INTERVAL) == 25);

	/* the default cannot go; once it is not, it can */
	EXPECT(kcp_ctl_profile_del(ctl, "t_ctl") == -EBUSY);
	EXPECT(kcp_ctl_profile_make_default(ctl, "default") == 0);
	EXPECT(kcp_ctl_profile_del(ctl, "t_ctl") == 0);
	EXPECT(get_int(old, SOL_KCP, KCP_INTERVAL) == 25);
	EXPECT_ERRNO(setsockopt(fresh, SOL_KCP, KCP_PROFILE, "t_ctl", 6), ENOENT);
	close(old);
	close(fresh);
	fresh = sock_of(SOCK_STREAM);
	EXPECT(get_int(fresh, SOL_KCP, KCP_INTERVAL) == 10);	/* "default" */
	close(fresh);
}

/*
 * A profile carries what connect() does: KCP_STOCK and
 * KCP_CONNECT_TIMEOUT, which a socket taking it has, and the built-in
 * ones leave at 0 and 20 s.
 */
static void stock_profile(void)
{
	struct kcp_profile p = { .name = "t_stock", .base = "fast3" };
	int fd = sock_of(SOCK_STREAM);

	EXPECT(get_int(fd, SOL_KCP, KCP_STOCK) == 0);
	EXPECT(get_int(fd, SOL_KCP, KCP_CONNECT_TIMEOUT) == 20000);
	p.present = KCP_CTL_BIT(KCP_PROFILE_A_STOCK) |
		    KCP_CTL_BIT(KCP_PROFILE_A_CONNECT_TIMEOUT);
	p.value[KCP_PROFILE_A_STOCK] = 1;
	p.value[KCP_PROFILE_A_CONNECT_TIMEOUT] = 5000;
	EXPECT(kcp_ctl_profile_set(ctl, &p) == 0);
	EXPECT(!setsockopt(fd, SOL_KCP, KCP_PROFILE, "t_stock", 8));
	EXPECT(get_int(fd, SOL_KCP, KCP_STOCK) == 1);
	EXPECT(get_int(fd, SOL_KCP, KCP_CONNECT_TIMEOUT) == 5000);
	EXPECT(get_int(fd, SOL_KCP, KCP_INTERVAL) == 10);	/* fast3's */
	EXPECT(kcp_ctl_profile_get(ctl, "t_stock", &p) == 0 &&
	       p.value[KCP_PROFILE_A_STOCK] == 1 &&
	       p.value[KCP_PROFILE_A_CONNECT_TIMEOUT] == 5000);
	/* the range is the socket option's */
	p.present = KCP_CTL_BIT(KCP_PROFILE_A_CONNECT_TIMEOUT);
	p.value[KCP_PROFILE_A_CONNECT_TIMEOUT] = 99;
	EXPECT(kcp_ctl_profile_set(ctl, &p) == -ERANGE);
	EXPECT(kcp_ctl_profile_del(ctl, "t_stock") == 0);
	close(fd);
}

/* In a child without privileges: what setsockopt says to each change. */
static int unprivileged_tunables(bool restricted)
{
	pid_t pid = fork();
	int status;

	if (!pid) {
		int fd, want = restricted ? EPERM : 0, bad = 0;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		fd = sock_of(SOCK_STREAM);
		errno = 0;
		bad += (setsockopt(fd, SOL_KCP, KCP_NC, &(int){ 1 }, sizeof(int)) ?
			errno : 0) != want;
		errno = 0;
		bad += (setsockopt(fd, SOL_KCP, KCP_MINRTO, &(int){ 10 }, sizeof(int)) ?
			errno : 0) != want;
		errno = 0;
		bad += (setsockopt(fd, SOL_KCP, KCP_PROFILE, "turbo", 6) ?
			errno : 0) != want;
		/* fair settings are everyone's */
		bad += !!setsockopt(fd, SOL_KCP, KCP_MINRTO, &(int){ 50 }, sizeof(int));
		bad += !!setsockopt(fd, SOL_KCP, KCP_INTERVAL, &(int){ 20 }, sizeof(int));
		bad += !!setsockopt(fd, SOL_KCP, KCP_PROFILE, "wan", 4);
		_exit(bad);
	}
	EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void restrict_tunables(void)
{
	int fd;

	set_setting(KCP_SETTING_A_RESTRICT_TUNABLES, 1);
	EXPECT(unprivileged_tunables(true) == 0);
	fd = sock_of(SOCK_STREAM);		/* root keeps every tunable */
	set_int(fd, SOL_KCP, KCP_NC, 1);
	set_int(fd, SOL_KCP, KCP_MINRTO, 10);
	close(fd);
	set_setting(KCP_SETTING_A_RESTRICT_TUNABLES, 0);
	EXPECT(unprivileged_tunables(false) == 0);
}

static void idle_timeout(void)
{
	uint64_t before = stat_of(KCP_STAT_A_IDLE_TIMEOUTS);
	struct pair p;
	char c;

	set_setting(KCP_SETTING_A_IDLE_TIMEOUT, 400);
	p = connect_pair(SOCK_STREAM, 0);
	sleep_ms(1200);			/* the client sends nothing meanwhile */
	EXPECT_ERRNO(recv(p.server, &c, 1, MSG_DONTWAIT), ETIMEDOUT);
	EXPECT(stat_of(KCP_STAT_A_IDLE_TIMEOUTS) == before + 1);
	/* only what a listener accepted expires: the client is still up */
	EXPECT(send(p.client, "y", 1, MSG_NOSIGNAL) == 1);
	set_setting(KCP_SETTING_A_IDLE_TIMEOUT, 0);
	close_pair(&p);
}

static void pending_max(void)
{
	uint64_t overflows = stat_of(KCP_STAT_A_LISTEN_OVERFLOWS);
	struct sockaddr_kcp a = addr4("127.0.0.1", next_port++, 0);
	int listener, client[4], server, i, accepted = 0;

	set_setting(KCP_SETTING_A_PENDING_MAX, 2);
	listener = sock_of(SOCK_STREAM);
	EXPECT(!bind(listener, (struct sockaddr *)&a, sizeof(a)));
	EXPECT(!listen(listener, 16));
	/*
	 * Stock clients: each asks for its session with its first PUSH, which
	 * meets the bound after connect(). (A kcp.ko client's HELLO would go
	 * unanswered while the bound is reached, and its blocking connect()
	 * wait for the accept() below.)
	 */
	for (i = 0; i < 4; i++) {
		client[i] = sock_of(SOCK_STREAM);
		set_int(client[i], SOL_KCP, KCP_STOCK, 1);
		EXPECT(!connect(client[i], (struct sockaddr *)&a, sizeof(a)));
		EXPECT(send(client[i], "x", 1, 0) == 1);
	}
	sleep_ms(100);
	EXPECT(stat_of(KCP_STAT_A_LISTEN_OVERFLOWS) >= overflows + 2);
	/* accepting makes room: the others' retransmissions get in */
	for (i = 0; i < 4; i++) {
		struct pollfd pfd = { .fd = listener, .events = POLLIN };

		if (poll(&pfd, 1, 3000) != 1)
			break;
		server = accept(listener, NULL, NULL);
		EXPECT(server >= 0);
		accepted += server >= 0;
		close(server);
	}
	EXPECT(accepted == 4);
	set_setting(KCP_SETTING_A_PENDING_MAX, 16384);
	for (i = 0; i < 4; i++)
		close(client[i]);
	close(listener);
}

/* Sum of what the namespace holds, as the info reply says. */
static uint64_t ns_memory(void)
{
	struct kcp_module_info info;

	EXPECT(kcp_ctl_info(ctl, &info) == 0);
	return info.memory;
}

static void memory_limit(void)
{
	enum { TOTAL = 1 << 20, LIMIT_KB = 128 };
	uint64_t limited = stat_of(KCP_STAT_A_MEM_LIMITED);
	static char buf[TOTAL];
	struct kcp_module_info info;
	uint32_t old_max;
	struct pair p;
	size_t got = 0;
	int status;
	pid_t pid;
	ssize_t n;

	EXPECT(kcp_ctl_info(ctl, &info) == 0);
	old_max = info.settings.value[KCP_SETTING_A_MEM_MAX];
	set_setting(KCP_SETTING_A_MEM_MAX, LIMIT_KB);
	p = connect_pair(SOCK_STREAM, 0);
	pid = fork();
	if (!pid) {
		memset(buf, 'm', sizeof(buf));
		_exit(send(p.client, buf, sizeof(buf), 0) != sizeof(buf));
	}
	sleep_ms(1500);		/* the reader reads nothing meanwhile */
	/*
	 * At most the limit, plus what the sender queued in the chunk that
	 * crossed it (64 KiB) and the page steps of the charge.
	 */
	EXPECT(ns_memory() <= LIMIT_KB * 1024 + 128 * 1024);
	EXPECT(stat_of(KCP_STAT_A_MEM_LIMITED) > limited);
	while (got < TOTAL && (n = recv(p.server, buf, sizeof(buf), 0)) > 0) {
		EXPECT(buf[0] == 'm' && buf[n - 1] == 'm');
		got += n;
	}
	EXPECT(got == TOTAL);
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       !WEXITSTATUS(status));
	set_setting(KCP_SETTING_A_MEM_MAX, old_max);
	close_pair(&p);
}

struct find {
	uint16_t port;
	int found;
	uint64_t id;
};

static int find_server(const struct kcp_session *s, void *arg)
{
	struct find *f = arg;
	const struct sockaddr_in *local = (const struct sockaddr_in *)&s->local;

	/* the accepted session: its local endpoint is the listener's port */
	if (local->sin_family == AF_INET && ntohs(local->sin_port) == f->port) {
		f->found++;
		f->id = s->id;
	}
	return 0;
}

static void counters_and_abort(void)
{
	uint64_t active = stat_of(KCP_STAT_A_ACTIVE_OPENS);
	uint64_t passive = stat_of(KCP_STAT_A_PASSIVE_OPENS);
	uint64_t aborts = stat_of(KCP_STAT_A_ABORTS);
	struct pair p = connect_pair(SOCK_STREAM, 0);
	struct find f = { .port = p.port };
	struct kcp_session s;
	char c;

	EXPECT(stat_of(KCP_STAT_A_ACTIVE_OPENS) == active + 1);
	EXPECT(stat_of(KCP_STAT_A_PASSIVE_OPENS) == passive + 1);
	EXPECT(stat_of(KCP_STAT_A_CURR_ESTAB) >= 2);
	EXPECT(kcp_ctl_session_dump(ctl, NULL, find_server, &f) >= 2);
	EXPECT(f.found == 1);
	EXPECT(kcp_ctl_session_get(ctl, f.id, &s) == 0 && s.id == f.id &&
	       s.state == 1 /* TCP_ESTABLISHED */ && !strcmp(s.profile, "default"));
	EXPECT(kcp_ctl_session_close(ctl, f.id) == 0);
	EXPECT_ERRNO(recv(p.server, &c, 1, 0), ECONNABORTED);
	EXPECT(stat_of(KCP_STAT_A_ABORTS) == aborts + 1);
	EXPECT(kcp_ctl_session_close(ctl, f.id) == -ENOENT);	/* already ended */
	EXPECT(kcp_ctl_session_close(ctl, UINT64_MAX) == -ENOENT);
	close_pair(&p);
}

static const struct test_case cases[] = {
	{ "default_profile", default_profile },
	{ "stock_profile", stock_profile },
	{ "restrict_tunables", restrict_tunables },
	{ "idle_timeout", idle_timeout },
	{ "pending_max", pending_max },
	{ "memory_limit", memory_limit },
	{ "counters_and_abort", counters_and_abort },
};

int main(int argc, char **argv)
{
	int err = kcp_ctl_open(&ctl);

	if (err) {
		fprintf(stderr, "kcp_control_test: kcp_ctl_open: %s\n", strerror(-err));
		return 1;
	}
	err = run_cases(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
			"kcp_control_test");
	kcp_ctl_close(ctl);
	return err;
}
