// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Encoding and decoding of the KCP segment header. Decoding is the first
 * thing hostile input meets, so it validates everything a later stage would
 * otherwise have to trust: the header fits, the command is one we know,
 * and the payload does not run past the end of the datagram.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "wire.h"

/**
 * kcp_hdr_encode() - write a segment header in wire format
 * @buf: at least KCP_HDR_LEN bytes, no alignment needed
 * @hdr: the header to write
 */
void kcp_hdr_encode(void *buf, const struct kcp_hdr *hdr)
{
	struct kcp_wire_hdr wire = {
		.conv = cpu_to_le32(hdr->conv),
		.cmd = hdr->cmd,
		.frg = hdr->frg,
		.wnd = cpu_to_le16(hdr->wnd),
		.ts = cpu_to_le32(hdr->ts),
		.sn = cpu_to_le32(hdr->sn),
		.una = cpu_to_le32(hdr->una),
		.len = cpu_to_le32(hdr->len),
	};

	memcpy(buf, &wire, sizeof(wire));
}

static bool kcp_cmd_known(u8 cmd)
{
	return (cmd >= KCP_CMD_PUSH && cmd <= KCP_CMD_WINS) ||
	       (cmd >= KCP_CMD_HELLO && cmd <= KCP_CMD_RST);
}

/**
 * kcp_hdr_decode() - read and validate one segment header
 * @hdr: where to store the decoded header
 * @buf: the start of the segment, no alignment needed
 * @avail: bytes from @buf to the end of the datagram
 *
 * Return: 0 on success; -EBADMSG if the header or its payload is truncated;
 * -EPROTO if the command is not one KCP defines. @hdr is undefined on error.
 */
int kcp_hdr_decode(struct kcp_hdr *hdr, const void *buf, size_t avail)
{
	struct kcp_wire_hdr wire;

	if (avail < KCP_HDR_LEN)
		return -EBADMSG;
	memcpy(&wire, buf, sizeof(wire));

	hdr->conv = le32_to_cpu(wire.conv);
	hdr->cmd = wire.cmd;
	hdr->frg = wire.frg;
	hdr->wnd = le16_to_cpu(wire.wnd);
	hdr->ts = le32_to_cpu(wire.ts);
	hdr->sn = le32_to_cpu(wire.sn);
	hdr->una = le32_to_cpu(wire.una);
	hdr->len = le32_to_cpu(wire.len);

	if (!kcp_cmd_known(hdr->cmd))
		return -EPROTO;
	if (hdr->len > avail - KCP_HDR_LEN)
		return -EBADMSG;
	return 0;
}
