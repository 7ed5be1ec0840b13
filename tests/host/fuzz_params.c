// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * libFuzzer target: kcpctl's KEY VALUE parser (userspace/tools/params.c),
 * the one every subcommand and the OpenWrt init script's arguments go
 * through. The input is split at NUL bytes into words, as argv; the first
 * byte picks the key set. Under ASan and UBSan the parser must not read
 * or write out of bounds, must say why it refused, and what it accepted
 * must be within the table's ranges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libkcp.h"
#include "params.h"

#define MAX_WORDS	64

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_profile(const struct kcp_profile *p)
{
	const struct kcp_key *key;
	unsigned int a;

	for (a = 0; a <= KCP_PROFILE_A_MAX; a++) {
		if (!(p->present & KCP_CTL_BIT(a)))
			continue;
		key = kcp_key_by_attr(&kcp_profile_keyset, a);
		check(key != NULL);
		check((p->value[a] >= key->min && p->value[a] <= key->max) ||
		      (key->or_zero && !p->value[a]));
	}
	check(strlen(p->base) < sizeof(p->base));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kcp_keyset *const sets[] = {
		&kcp_profile_keyset, &kcp_setting_keyset, &kcp_filter_keyset,
	};
	union {
		struct kcp_profile profile;
		struct kcp_settings settings;
		struct kcp_session_filter filter;
	} target;
	char *argv[MAX_WORDS], *copy, *p, err[256];
	const struct kcp_keyset *set;
	int argc = 0, ret;

	if (!size)
		return 0;
	set = sets[data[0] % 3];
	/* words end at NUL bytes; the copy ends with one more, so all do */
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	for (p = copy; p < copy + size && argc < MAX_WORDS; p += strlen(p) + 1)
		argv[argc++] = p;

	memset(&target, 0, sizeof(target));
	err[0] = '\0';
	ret = kcp_parse_pairs(set, argc, argv, &target, err, sizeof(err));
	check(ret == 0 || ret == -22);
	check(ret == 0 || err[0]);		/* a refusal says why */
	check(memchr(err, '\0', sizeof(err)) != NULL);
	if (!ret && set == &kcp_profile_keyset)
		check_profile(&target.profile);
	free(copy);
	return 0;
}
