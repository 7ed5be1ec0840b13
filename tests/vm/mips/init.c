// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * PID 1 of the MIPS guest (tests/vm/mips/run), the counterpart of
 * tests/vm/init for a guest without a shell: no MIPS big-endian busybox
 * exists in Debian 12, so this static program does what init's script
 * does on x86-64. Mount the usual filesystems, load kcp.ko, bring up lo,
 * run the command (argv NUL-separated in /etc/kcp-vm/command) with its
 * output on ttyS1, check that kcp.ko unloads, and report the status on
 * the kernel console (ttyS0) for the host to read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void report(int status)
{
	FILE *con = fopen("/dev/ttyS0", "w");

	if (con) {
		fprintf(con, "KCP_VM_EXIT=%d\n", status);
		fclose(con);
	}
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void mounts(void)
{
	static const struct { const char *type, *dir; } fs[] = {
		{ "proc", "/proc" }, { "sysfs", "/sys" }, { "devtmpfs", "/dev" },
		{ "tmpfs", "/tmp" }, { "tmpfs", "/run" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fs); i++) {
		mkdir(fs[i].dir, 0755);
		mount(fs[i].type, fs[i].dir, fs[i].type, 0, NULL);
	}
}

static int load_kcp(void)
{
	int fd = open("/lib/modules/kcp.ko", O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret ? -errno : 0;
}

static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

/* The command's argv: NUL-terminated strings, written by the host. */
static char **read_command(void)
{
	static char buf[8192];
	static char *argv[64];
	int fd = open("/etc/kcp-vm/command", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	size_t argc = 0;
	char *p;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return NULL;
	for (p = buf; p < buf + n && argc < 63; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	return argv;
}

/* Before the host gives up on a hung guest, dump tasks into the log. */
static void arm_task_dump(void)
{
	const char *at = getenv("kcpvm_dump_at");
	int fd;

	if (!at || fork())
		return;
	sleep(atoi(at));
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd >= 0) {
		write(fd, "w", 1);
		write(fd, "t", 1);
	}
	_exit(0);
}

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (!pid) {
		setsid();
		chdir("/root");
		execvp(argv[0], argv);
		fprintf(stderr, "init: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(void)
{
	char **argv;
	int status, fd, tries;

	mounts();
	fd = open("/dev/ttyS1", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		dup2(fd, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);

	arm_task_dump();
	if (load_kcp()) {
		printf("init: loading kcp.ko failed: %s\n", strerror(errno));
		report(1);
	}
	lo_up();
	mkdir("/root", 0700);
	setenv("PATH", "/usr/bin:/add:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("KCP_VM", "1", 1);

	argv = read_command();
	status = argv ? run(argv) : 2;

	/* Whatever the command left behind must not hold kcp.ko. */
	kill(-1, SIGKILL);
	usleep(200000);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	/* Sockets are freed after an RCU grace period, and each holds it. */
	for (tries = 0; tries < 50; tries++) {
		if (!syscall(SYS_delete_module, "kcp", O_NONBLOCK) || errno == ENOENT)
			break;
		usleep(100000);
	}
	if (tries == 50) {
		printf("init: kcp.ko did not unload after the command: a leaked reference\n");
		if (!status)
			status = 1;
	}
	report(status);
	return 0;
}
