/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * kcpctl's one parser of KEY VALUE arguments: profile tunables, namespace
 * settings and session filters are each a table of keys with a type and
 * a range (those <linux/kcp.h> and <linux/kcp_netlink.h> document), and
 * every subcommand parses through kcp_parse_pairs(). No netlink here:
 * the unit tests and the fuzzer call it as it is.
 */
#ifndef KCPCTL_PARAMS_H
#define KCPCTL_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum kcp_key_type {
	KCP_KEY_U32,		/* decimal, min..max */
	KCP_KEY_BOOL,		/* 0 1 on off yes no true false */
	KCP_KEY_NAME,		/* a profile name: 1..31 bytes of [A-Za-z0-9_.-] */
	KCP_KEY_ENDPOINT,	/* ADDR, ADDR:PORT, [ADDR6] or [ADDR6]:PORT */
	KCP_KEY_PORT,		/* 1..65535 */
	KCP_KEY_STATE,		/* a TCP state name: established, listen, ... */
};

struct kcp_key {
	const char *name;
	enum kcp_key_type type;
	uint16_t attr;		/* in the set's attribute enum */
	uint32_t min, max;	/* KCP_KEY_U32; 0/1 for KCP_KEY_BOOL */
	const char *unit;	/* for help and man: "ms", "segments", ... */
	bool or_zero;		/* KCP_KEY_U32: 0 is taken too, below min */
};

struct kcp_value {
	uint32_t u32;		/* U32, BOOL, PORT, STATE */
	char name[32];		/* NAME */
	struct sockaddr_storage addr;	/* ENDPOINT */
};

struct kcp_keyset {
	const char *what;	/* "profile key", for messages */
	const struct kcp_key *keys;
	size_t nkeys;
	/* store @v for @key in @target; -EEXIST when given twice */
	int (*apply)(void *target, const struct kcp_key *key,
		     const struct kcp_value *v);
};

/* Targets: struct kcp_profile, struct kcp_settings, struct kcp_session_filter */
extern const struct kcp_keyset kcp_profile_keyset;
extern const struct kcp_keyset kcp_setting_keyset;
extern const struct kcp_keyset kcp_filter_keyset;

const struct kcp_key *kcp_key_find(const struct kcp_keyset *set,
				   const char *name);
/* The profile or setting key of an attribute, or NULL. */
const struct kcp_key *kcp_key_by_attr(const struct kcp_keyset *set,
				      unsigned int attr);

/* Parse @text as @key's value. 0, or -EINVAL with @err saying why. */
int kcp_parse_value(const struct kcp_key *key, const char *text,
		    struct kcp_value *v, char *err, size_t errlen);

/*
 * Parse @argc words as KEY VALUE pairs of @set into @target. 0, or
 * -EINVAL with @err naming the key and what is wrong (unknown key,
 * missing value, bad or out-of-range value, given twice).
 */
int kcp_parse_pairs(const struct kcp_keyset *set, int argc, char **argv,
		    void *target, char *err, size_t errlen);

/* A profile name kcp.ko would take: 1..31 bytes, [A-Za-z0-9_.-]. */
int kcp_check_name(const char *name, char *err, size_t errlen);

/* TCP state names (as kcpctl prints them) and back; NULL or 0 if none. */
const char *kcp_state_name(uint32_t state);
uint32_t kcp_state_parse(const char *name);

#endif /* KCPCTL_PARAMS_H */
