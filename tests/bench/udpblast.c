// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * udpblast: the ceiling for the bulk benchmark. Plain UDP datagrams of
 * KCP's MTU, sent as fast as the sender can, counted by a sink: what the
 * guest's network path (veth, netem) delivers with no protocol at all.
 * The blaster hands the kernel 44 datagrams per send() (UDP GSO), as
 * kcp.ko's sender batches its own; one send() per datagram would measure
 * the syscall, not the path.
 *
 *   udpblast -s ADDR PORT               sink; prints one JSON line and exits
 *   udpblast -c ADDR PORT BYTES [SIZE]  blaster (SIZE default 1400)
 *
 * The blaster ends with a burst of "END!" datagrams; the sink stops at the
 * first of them, or 2 s after the last datagram. Its rate is the bytes it
 * received over the time from its first to its last datagram; datagrams
 * the receiving socket had to drop are simply not counted.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

/* datagrams per send(): kcp.ko's batch at the default MTU */
#define GSO_SEGS	44

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int host_cpu_usec(uint64_t *busy)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	*busy = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1000000ull /
		sysconf(_SC_CLK_TCK);
	return n >= 7 ? 0 : -1;
}

static int udp_socket(const char *host, const char *port, bool sink)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	int fd, size = 8 << 20;

	if (getaddrinfo(host, port, &hints, &ai)) {
		fprintf(stderr, "udpblast: cannot resolve %s %s\n", host, port);
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd >= 0 && sink) {
		/* FORCE: past rmem_max when root, as the guest is */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	if (fd < 0 || (sink ? bind(fd, ai->ai_addr, ai->ai_addrlen) :
			      connect(fd, ai->ai_addr, ai->ai_addrlen))) {
		perror("udpblast: socket");
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int sink(int fd)
{
	static char buf[65536];
	uint64_t bytes = 0, count = 0, cpu0 = 0, cpu1 = 0;
	double first = 0, last = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	host_cpu_usec(&cpu0);
	for (;;) {
		if (poll(&p, 1, count ? 2000 : 60000) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			continue;
		if (n == 4 && !memcmp(buf, "END!", 4))
			break;
		last = now();
		if (!count++)
			first = last;
		bytes += n;
	}
	host_cpu_usec(&cpu1);
	printf("{\"type\":\"udp\",\"bytes_received\":%llu,\"datagrams\":%llu,"
	       "\"seconds\":%.6f,\"bits_per_second\":%.0f,\"host_s\":%.6f}\n",
	       (unsigned long long)bytes, (unsigned long long)count, last - first,
	       last > first ? bytes * 8 / (last - first) : 0, (cpu1 - cpu0) / 1e6);
	return count ? 0 : 1;
}

static int blast(int fd, uint64_t total, size_t size)
{
	static char buf[65536];
	size_t batch = size * GSO_SEGS;
	int gso = size, i;
	uint64_t sent = 0;

	/* a kernel without UDP GSO (before 4.18): one datagram per send() */
	if (batch > sizeof(buf) ||
	    setsockopt(fd, SOL_UDP, UDP_SEGMENT, &gso, sizeof(gso)))
		batch = size;
	memset(buf, 0x5a, batch);
	while (sent < total) {
		size_t n = total - sent < batch ? total - sent : batch;

		if (send(fd, buf, n, 0) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR ||
			    errno == ECONNREFUSED)
				continue;
			perror("udpblast: send");
			return 1;
		}
		sent += n;
	}
	gso = 0;	/* END! alone in its datagram */
	setsockopt(fd, SOL_UDP, UDP_SEGMENT, &gso, sizeof(gso));
	for (i = 0; i < 20; i++) {
		usleep(10000);
		send(fd, "END!", 4, 0);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long total = 0;
	unsigned long size = 1400;
	int fd;

	if (argc == 4 && !strcmp(argv[1], "-s")) {
		fd = udp_socket(argv[2], argv[3], true);
		return fd < 0 ? 1 : sink(fd);
	}
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "-c")) {
		total = strtoull(argv[4], NULL, 10);
		if (argc == 6)
			size = strtoul(argv[5], NULL, 10);
		if (!total || size < 8 || size > 65000) {
			fprintf(stderr, "udpblast: bad BYTES or SIZE\n");
			return 2;
		}
		fd = udp_socket(argv[2], argv[3], false);
		return fd < 0 ? 1 : blast(fd, total, size);
	}
	fprintf(stderr, "usage: udpblast -s ADDR PORT | -c ADDR PORT BYTES [SIZE]\n");
	return 2;
}
