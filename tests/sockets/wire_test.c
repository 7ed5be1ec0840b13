// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_wire_test: KCP's wire format is little-endian whatever the host's
 * byte order, as ikcp encodes it. Run on a big-endian guest against a
 * datagram recorded from kcp.ko on x86-64 (wire-x86_64.hex), it proves
 * both ends speak the same bytes:
 *
 *   kcp_wire_test record       print the datagram this host's kcp.ko sends
 *   kcp_wire_test check FILE   compare with FILE's, both directions
 *
 * send:    an AF_KCP socket (conv 0x11223344, a stock client: the plain
 *          UDP socket it dials answers no handshake) sends "kcp wire test"
 *          to a plain UDP socket, which must receive the recorded bytes,
 *          but for ts (a clock, bytes 8..11);
 * receive: the recorded datagram, sent from a plain UDP socket to an
 *          AF_KCP listener, is accepted as conv 0x11223344 and delivers
 *          the text; the ACK that comes back names conv 0x11223344,
 *          sn 0, una 1, and echoes the recorded ts, all little-endian.
 *
 * The header: conv u32, cmd u8, frg u8, wnd u16, ts u32, sn u32,
 * una u32, len u32 (24 bytes), then the payload.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/kcp.h>

#include "libkcp.h"

#define CONV		0x11223344u
#define TEXT		"kcp wire test"
#define HDR_LEN		24
#define CMD_PUSH	81
#define CMD_ACK		82

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int fail(const char *what)
{
	fprintf(stderr, "FAIL %s%s%s\n", what, errno ? ": " : "",
		errno ? strerror(errno) : "");
	return 1;
}

static int udp_bound(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	return fd;
}

/* A datagram within 3 s whose cmd is @cmd (others are skipped). */
static ssize_t recv_cmd(int fd, unsigned char *buf, size_t len, int cmd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (poll(&pfd, 1, 3000) == 1) {
		n = recv(fd, buf, len, 0);
		if (n >= HDR_LEN && buf[4] == cmd)
			return n;
	}
	errno = ETIMEDOUT;
	return -1;
}

/*
 * What this host's kcp.ko sends for TEXT on a fresh conversation to a
 * stock peer (KCP_STOCK: no HELLO first, which the UDP socket would not
 * answer).
 */
static ssize_t capture(unsigned char *buf, size_t len)
{
	struct sockaddr_kcp peer;
	int udp = udp_bound(47001), kcp = kcp_socket(SOCK_STREAM);
	ssize_t n = -1;

	if (udp < 0 || kcp < 0 || kcp_resolve("127.0.0.1", "47001", CONV, &peer) ||
	    kcp_set_stock(kcp, true) ||
	    connect(kcp, (struct sockaddr *)&peer, sizeof(peer)) ||
	    send(kcp, TEXT, strlen(TEXT), 0) != (ssize_t)strlen(TEXT))
		goto out;
	n = recv_cmd(udp, buf, len, CMD_PUSH);
out:
	close(kcp);
	close(udp);
	return n;
}

static ssize_t read_hex(const char *path, unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	unsigned int byte;
	size_t n = 0;

	if (!f)
		return -1;
	while (n < len && fscanf(f, "%2x", &byte) == 1)
		buf[n++] = byte;
	fclose(f);
	return n;
}

static int check_send(const unsigned char *rec, ssize_t rec_len)
{
	unsigned char got[2048];
	ssize_t n = capture(got, sizeof(got));
	ssize_t i;

	if (n < 0)
		return fail("send: no datagram from kcp.ko");
	if (n != rec_len)
		return fail("send: length differs from the x86-64 recording");
	for (i = 0; i < n; i++) {
		if ((i < 8 || i > 11) && got[i] != rec[i]) {
			fprintf(stderr, "byte %zd: 0x%02x, x86-64 sent 0x%02x\n",
				i, got[i], rec[i]);
			return fail("send: bytes differ from the x86-64 recording");
		}
	}
	printf("ok   send: %zd bytes as x86-64 sends them (conv %08x, sn %u, len %u)\n",
	       n, le32(got), le32(got + 12), le32(got + 20));
	return 0;
}

static int check_receive(const unsigned char *rec, ssize_t rec_len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(47003) };
	int lfd = kcp_socket(SOCK_STREAM), udp = udp_bound(47002), conn = -1;
	struct sockaddr_kcp local;
	unsigned char ack[256];
	char text[64];
	ssize_t n;
	int ret = 1;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || udp < 0 || kcp_resolve("127.0.0.1", "47003", 0, &local) ||
	    bind(lfd, (struct sockaddr *)&local, sizeof(local)) || listen(lfd, 4)) {
		fail("receive: listener");
		goto out;
	}
	if (sendto(udp, rec, rec_len, 0, (struct sockaddr *)&to, sizeof(to)) != rec_len) {
		fail("receive: sendto");
		goto out;
	}
	conn = accept(lfd, NULL, NULL);
	if (conn < 0) {
		fail("receive: accept");
		goto out;
	}
	n = recv(conn, text, sizeof(text), 0);
	if (n != (ssize_t)strlen(TEXT) || memcmp(text, TEXT, n)) {
		fail("receive: the recorded datagram's text did not arrive");
		goto out;
	}
	n = recv_cmd(udp, ack, sizeof(ack), CMD_ACK);
	if (n < 0) {
		fail("receive: no ACK");
		goto out;
	}
	if (le32(ack) != CONV || le32(ack + 12) != 0 || le32(ack + 16) != 1 ||
	    memcmp(ack + 8, rec + 8, 4)) {
		errno = 0;
		fprintf(stderr, "ACK: conv %08x ts %08x sn %u una %u\n", le32(ack),
			le32(ack + 8), le32(ack + 12), le32(ack + 16));
		fail("receive: the ACK is not conv 0x11223344, sn 0, una 1, ts echoed");
		goto out;
	}
	printf("ok   receive: x86-64's datagram accepted, ACK conv %08x sn 0 una 1 ts %08x\n",
	       le32(ack), le32(ack + 8));
	ret = 0;
out:
	close(conn);
	close(lfd);
	close(udp);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned char rec[2048];
	ssize_t n, i;

	if (argc == 2 && !strcmp(argv[1], "record")) {
		n = capture(rec, sizeof(rec));
		if (n < 0)
			return fail("record: no datagram from kcp.ko");
		for (i = 0; i < n; i++)
			printf("%02x%s", rec[i], i % 16 == 15 || i == n - 1 ? "\n" : " ");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: kcp_wire_test record | check FILE\n");
		return 2;
	}
	n = read_hex(argv[2], rec, sizeof(rec));
	if (n < HDR_LEN || rec[4] != CMD_PUSH || le32(rec) != CONV)
		return fail("check: the recording is no PUSH of conv 0x11223344");
	return check_send(rec, n) | check_receive(rec, n);
}
