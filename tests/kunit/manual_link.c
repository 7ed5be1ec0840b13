// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * Two engines whose datagrams a KUnit case carries by hand, dropping or
 * holding back the ones it chooses: for scripting exact loss patterns.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "engine.h"
#include "manual_link.h"
#include "wire.h"

static int manual_output(struct kcp_engine *kcp, const void *buf, size_t len,
			 void *priv)
{
	struct manual_side *s = priv;

	if (s->n < ARRAY_SIZE(s->q) && len <= sizeof(s->q[0])) {
		memcpy(s->q[s->n], buf, len);
		s->len[s->n++] = len;
	}
	return 0;
}

struct manual *manual_init(struct kunit *test, const struct kcp_config *cfg)
{
	struct manual *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	for (i = 0; i < 2; i++) {
		m->side[i].m = m;
		m->side[i].kcp = kcp_engine_create(7, cfg, manual_output,
						   &m->side[i], GFP_KERNEL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(m->side[i].kcp));
	}
	return m;
}

void manual_destroy(struct manual *m)
{
	kcp_engine_destroy(m->side[0].kcp);
	kcp_engine_destroy(m->side[1].kcp);
}

/* Deliver side @from's datagrams to the other side, except PUSH @drop_sn. */
void manual_carry(struct manual *m, int from, u32 now, s64 drop_sn)
{
	struct manual_side *s = &m->side[from];
	struct kcp_hdr hdr;
	u32 i;

	for (i = 0; i < s->n; i++) {
		if (!kcp_hdr_decode(&hdr, s->q[i], s->len[i]) &&
		    hdr.cmd == KCP_CMD_PUSH && (s64)hdr.sn == drop_sn)
			continue;
		kcp_engine_input(m->side[!from].kcp, s->q[i], s->len[i], now,
				 GFP_KERNEL);
	}
	s->n = 0;
}
