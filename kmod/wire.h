/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * The KCP segment as it travels in a UDP datagram: byte-compatible with
 * ikcp, kcp-go and tokio_kcp. Every multi-byte field is little-endian.
 *
 *  0               4   5   6       8
 *  +---------------+---+---+-------+
 *  |     conv      |cmd|frg|  wnd  |
 *  +---------------+---+---+-------+   8
 *  |      ts       |      sn       |
 *  +---------------+---------------+  16
 *  |      una      |      len      |
 *  +---------------+---------------+  24
 *  |      payload (len bytes)      |
 *  +-------------------------------+
 *
 * A datagram holds one or more segments back to back. There is no checksum
 * (UDP's covers the datagram), no version field and no connection flags.
 */
#ifndef _KCP_WIRE_H
#define _KCP_WIRE_H

#include <linux/build_bug.h>
#include <linux/types.h>

enum kcp_cmd {
	KCP_CMD_PUSH = 81,	/* data */
	KCP_CMD_ACK = 82,	/* selective ack of one sn, ts echoed */
	KCP_CMD_WASK = 83,	/* window probe: "tell me your window" */
	KCP_CMD_WINS = 84,	/* window size report */
	/*
	 * kcp.ko's extension (include/uapi/linux/kcp.h, "THE LIFECYCLE
	 * EXTENSION"): a stock implementation drops a datagram with any other
	 * command whole, before it touches any state, so HELLO and RST, which
	 * may reach one, always travel in datagrams of their own; the rest
	 * are sent only to a peer that proved it speaks the extension.
	 */
	KCP_CMD_HELLO = 88,	/* client: open a conversation */
	KCP_CMD_COOKIE = 89,	/* listener: prove your address with this */
	KCP_CMD_ECHO = 90,	/* client: the cookie back, before its data */
	KCP_CMD_FIN = 91,	/* end of stream, in sequence like PUSH */
	KCP_CMD_RST = 92,	/* the conversation is gone, with its token */
};

/* The extension's version: HELLO offers one, COOKIE picks what both know. */
#define KCP_EXT_VERSION		1

enum {
	KCP_HDR_LEN = 24,
};

struct kcp_wire_hdr {
	__le32 conv;
	u8 cmd;
	u8 frg;
	__le16 wnd;
	__le32 ts;
	__le32 sn;
	__le32 una;
	__le32 len;
} __packed;

static_assert(sizeof(struct kcp_wire_hdr) == KCP_HDR_LEN);

/**
 * struct kcp_hdr - a segment header in host byte order
 * @conv: conversation id
 * @cmd: one of enum kcp_cmd
 * @frg: fragments still to follow in message mode, 0 in stream mode
 * @wnd: the sender's free receive window, in segments
 * @ts: send time (PUSH) or echoed send time (ACK), in ms
 * @sn: sequence number (PUSH) or the sn being acked (ACK)
 * @una: the sender's next expected sn (cumulative ack)
 * @len: payload bytes that follow the header
 */
struct kcp_hdr {
	u32 conv;
	u8 cmd;
	u8 frg;
	u16 wnd;
	u32 ts;
	u32 sn;
	u32 una;
	u32 len;
};

/* Segments the session layer handles (handshake.c), not the engine. */
static inline bool kcp_cmd_control(u8 cmd)
{
	return cmd == KCP_CMD_HELLO || cmd == KCP_CMD_COOKIE ||
	       cmd == KCP_CMD_ECHO || cmd == KCP_CMD_RST;
}

void kcp_hdr_encode(void *buf, const struct kcp_hdr *hdr);
int kcp_hdr_decode(struct kcp_hdr *hdr, const void *buf, size_t avail);

#endif /* _KCP_WIRE_H */
