// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * KUnit: the KCP segment header against hand-computed bytes.
 *
 * The expected byte arrays were worked out by hand from the field table in
 * KCP's protocol description (little-endian, 24 bytes), not produced by the
 * code under test, so an encoder and decoder that agree with each other but
 * not with ikcp would still fail here.
 */
#include <kunit/test.h>

#include "wire.h"

struct wire_case {
	const char *name;
	struct kcp_hdr hdr;
	u8 bytes[KCP_HDR_LEN];
};

static const struct wire_case wire_cases[] = {
	{
		.name = "push with fragments",
		.hdr = { .conv = 0x11223344, .cmd = KCP_CMD_PUSH, .frg = 2,
			 .wnd = 128, .ts = 1000, .sn = 5, .una = 3, .len = 0 },
		.bytes = { 0x44, 0x33, 0x22, 0x11, 0x51, 0x02, 0x80, 0x00,
			   0xe8, 0x03, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
			   0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "ack near wraparound",
		.hdr = { .conv = 1, .cmd = KCP_CMD_ACK, .frg = 0, .wnd = 32,
			 .ts = 0xfffffffe, .sn = 0x01020304, .una = 0x01020305 },
		.bytes = { 0x01, 0x00, 0x00, 0x00, 0x52, 0x00, 0x20, 0x00,
			   0xfe, 0xff, 0xff, 0xff, 0x04, 0x03, 0x02, 0x01,
			   0x05, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "window probe, all ones where allowed",
		.hdr = { .conv = 0xffffffff, .cmd = KCP_CMD_WASK, .frg = 0xff,
			 .wnd = 0xffff, .ts = 0xffffffff, .sn = 0, .una = 0xffffffff },
		.bytes = { 0xff, 0xff, 0xff, 0xff, 0x53, 0xff, 0xff, 0xff,
			   0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
			   0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00 },
	},
	{
		.name = "window report",
		.hdr = { .conv = 0x00abcdef, .cmd = KCP_CMD_WINS, .wnd = 0x0102,
			 .ts = 0x7fffffff, .una = 0x80000000 },
		.bytes = { 0xef, 0xcd, 0xab, 0x00, 0x54, 0x00, 0x02, 0x01,
			   0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x00,
			   0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00 },
	},
};

static void wire_case_desc(const struct wire_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(wire, wire_cases, wire_case_desc);

static void wire_encode_matches_bytes(struct kunit *test)
{
	const struct wire_case *c = test->param_value;
	u8 buf[KCP_HDR_LEN + 2];

	/* Encode at an odd offset: the header must not assume alignment. */
	memset(buf, 0xa5, sizeof(buf));
	kcp_hdr_encode(buf + 1, &c->hdr);

	KUNIT_EXPECT_EQ(test, memcmp(buf + 1, c->bytes, KCP_HDR_LEN), 0);
	KUNIT_EXPECT_EQ(test, buf[0], 0xa5);
	KUNIT_EXPECT_EQ(test, buf[KCP_HDR_LEN + 1], 0xa5);
}

static void wire_decode_matches_fields(struct kunit *test)
{
	const struct wire_case *c = test->param_value;
	struct kcp_hdr hdr;
	u8 buf[KCP_HDR_LEN + 1];

	memcpy(buf + 1, c->bytes, KCP_HDR_LEN);
	KUNIT_ASSERT_EQ(test, kcp_hdr_decode(&hdr, buf + 1, KCP_HDR_LEN), 0);

	KUNIT_EXPECT_EQ(test, hdr.conv, c->hdr.conv);
	KUNIT_EXPECT_EQ(test, hdr.cmd, c->hdr.cmd);
	KUNIT_EXPECT_EQ(test, hdr.frg, c->hdr.frg);
	KUNIT_EXPECT_EQ(test, hdr.wnd, c->hdr.wnd);
	KUNIT_EXPECT_EQ(test, hdr.ts, c->hdr.ts);
	KUNIT_EXPECT_EQ(test, hdr.sn, c->hdr.sn);
	KUNIT_EXPECT_EQ(test, hdr.una, c->hdr.una);
	KUNIT_EXPECT_EQ(test, hdr.len, c->hdr.len);
}

static void wire_decode_rejects_short(struct kunit *test)
{
	u8 buf[KCP_HDR_LEN];
	struct kcp_hdr hdr;
	size_t avail;

	memcpy(buf, wire_cases[0].bytes, sizeof(buf));
	for (avail = 0; avail < KCP_HDR_LEN; avail++)
		KUNIT_EXPECT_EQ_MSG(test, kcp_hdr_decode(&hdr, buf, avail),
				    -EBADMSG, "avail=%zu", avail);
}

static void wire_decode_rejects_unknown_cmd(struct kunit *test)
{
	static const u8 bad[] = { 0, 1, 80, 85, 0x7f, 0xff };
	u8 buf[KCP_HDR_LEN];
	struct kcp_hdr hdr;
	size_t i;

	memcpy(buf, wire_cases[1].bytes, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		buf[4] = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, kcp_hdr_decode(&hdr, buf, sizeof(buf)),
				    -EPROTO, "cmd=%u", bad[i]);
	}
}

/* len must fit in what follows the header: exactly fitting is fine. */
static void wire_decode_bounds_payload(struct kunit *test)
{
	static const struct {
		u32 len;
		size_t avail;
		int expect;
	} cases[] = {
		{ 0, KCP_HDR_LEN, 0 },
		{ 8, KCP_HDR_LEN + 8, 0 },
		{ 8, KCP_HDR_LEN + 100, 0 },
		{ 9, KCP_HDR_LEN + 8, -EBADMSG },
		{ 1, KCP_HDR_LEN, -EBADMSG },
		{ 0x7fffffff, KCP_HDR_LEN + 1400, -EBADMSG },
		{ 0xffffffff, KCP_HDR_LEN + 1400, -EBADMSG },
		{ 0xffffffe8, KCP_HDR_LEN + 1400, -EBADMSG },	/* len + 24 wraps */
	};
	struct kcp_hdr hdr = wire_cases[0].hdr, out;
	u8 buf[KCP_HDR_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		hdr.len = cases[i].len;
		kcp_hdr_encode(buf, &hdr);
		KUNIT_EXPECT_EQ_MSG(test, kcp_hdr_decode(&out, buf, cases[i].avail),
				    cases[i].expect, "len=%u avail=%zu",
				    cases[i].len, cases[i].avail);
	}
}

static struct kunit_case wire_test_cases[] = {
	KUNIT_CASE_PARAM(wire_encode_matches_bytes, wire_gen_params),
	KUNIT_CASE_PARAM(wire_decode_matches_fields, wire_gen_params),
	KUNIT_CASE(wire_decode_rejects_short),
	KUNIT_CASE(wire_decode_rejects_unknown_cmd),
	KUNIT_CASE(wire_decode_bounds_payload),
	{}
};

static struct kunit_suite wire_test_suite = {
	.name = "kcp_wire",
	.test_cases = wire_test_cases,
};

kunit_test_suite(wire_test_suite);

MODULE_LICENSE("Dual MIT/GPL");
