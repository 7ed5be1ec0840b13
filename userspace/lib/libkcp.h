/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * libkcp: what programs need to use kcp.ko without knowing its internals.
 *
 * Two halves: the socket helpers (the address family kcp.ko holds, and
 * addresses for it), and the control plane over the "kcp" generic netlink
 * family (<linux/kcp_netlink.h>): profiles, sessions, counters, settings
 * and events. The control plane speaks netlink through libnl, but no libnl
 * type appears here: results are plain structs, lists are walked with
 * callbacks, and every call returns 0 (or a count) or a negative errno.
 */
#ifndef LIBKCP_H
#define LIBKCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
/*
 * <linux/kcp.h> brings <linux/in.h>: a program that wants <netinet/in.h>
 * or <arpa/inet.h> too includes them before this header, as glibc asks.
 */
#include <linux/kcp.h>
#include <linux/kcp_netlink.h>

/* ---- sockets ---------------------------------------------------------- */

/*
 * The address family number kcp.ko registered (read from its module
 * parameter), or a negative errno: -ENOENT when kcp.ko is not loaded.
 * Use it instead of a constant: the slot can move (see <linux/kcp.h>).
 */
int kcp_family(void);

/* kcp_family() reading another file, for tests and unusual sysfs mounts. */
int kcp_family_read(const char *path);

/* socket(kcp_family(), type, 0): SOCK_STREAM or SOCK_SEQPACKET. */
int kcp_socket(int type);

/*
 * Fill @addr for HOST (NULL: any address) and PORT, with conversation
 * @conv (0: let the stack choose). Returns 0 or a negative errno.
 */
int kcp_resolve(const char *host, const char *port, uint32_t conv,
		struct sockaddr_kcp *addr);

/*
 * Before connect(): whether the server @fd dials is a stock KCP
 * implementation (ikcp, kcp-go, tokio_kcp, or a program speaking KCP over
 * a UDP socket of its own), setsockopt(SOL_KCP, KCP_STOCK). Without it, a
 * kcp.ko client's connect() starts the lifecycle extension's handshake
 * (<linux/kcp.h>) and waits for an answer only a kcp.ko listener gives.
 * Returns 0 or a negative errno: -ENOPROTOOPT from a kcp.ko without the
 * extension, which dials every server as a stock one anyway.
 */
int kcp_set_stock(int fd, bool on);

/* ---- the control plane ------------------------------------------------ */

/*
 * A connection to kcp.ko's netlink family, in the caller's network
 * namespace. Not thread-safe: one handle per thread. The structs below
 * are sized by the uapi headers libkcp was built with; attributes a newer
 * kernel adds are skipped, those an older one lacks are absent (their
 * bit clear in the struct's "present" mask).
 */
struct kcp_ctl;

#define KCP_CTL_BIT(attr)	(UINT64_C(1) << (attr))

/*
 * Open a handle: *ctl on success. Resolving the family loads kcp.ko if
 * it can; -ENOENT means the family does not exist (kcp.ko not loaded).
 */
int kcp_ctl_open(struct kcp_ctl **ctl);
void kcp_ctl_close(struct kcp_ctl *ctl);

/*
 * Why the last call on @ctl failed, in the kernel's words (its extended
 * acknowledgement), or "" when the kernel gave no reason.
 */
const char *kcp_ctl_error(const struct kcp_ctl *ctl);

/* Whether the last dump on @ctl ran while the set it listed changed. */
bool kcp_ctl_dump_interrupted(const struct kcp_ctl *ctl);

/*
 * A profile: its name and every tunable, value[] indexed by enum
 * kcp_profile_attr (KCP_PROFILE_A_NODELAY...KCP_PROFILE_A_MAX), each
 * valid when its KCP_CTL_BIT() is in @present.
 */
struct kcp_profile {
	char name[KCP_PROFILE_NAME_MAX];
	char base[KCP_PROFILE_NAME_MAX];	/* set: start from it; "" none */
	bool builtin;
	bool is_default;
	uint32_t action;			/* events: enum kcp_profile_action */
	uint64_t present;
	uint32_t value[KCP_PROFILE_A_MAX + 1];
};

/* Namespace settings: value[] indexed by enum kcp_setting_attr. */
struct kcp_settings {
	char default_profile[KCP_PROFILE_NAME_MAX];	/* "" when absent */
	uint64_t present;
	uint32_t value[KCP_SETTING_A_MAX + 1];
};

/* GET_INFO: the module, its limits, the namespace's settings and sizes. */
struct kcp_module_info {
	char version[64];
	uint32_t family;
	uint32_t sessions;
	uint32_t orphans;
	uint32_t profiles;
	uint64_t memory;			/* bytes the sessions hold */
	uint32_t pending;			/* not yet accepted */
	struct kcp_settings settings;
	uint64_t limits_present;
	uint32_t limit[KCP_LIMIT_A_MAX + 1];	/* enum kcp_limit_attr */
};

/*
 * A session. @info holds the kernel's struct kcp_info: @info_len bytes
 * of it came from the kernel (an older one sends a prefix), the rest is
 * zero. @present has a KCP_CTL_BIT() per enum kcp_session_attr received.
 */
struct kcp_session {
	uint64_t present;
	uint64_t id;
	uint64_t inode;
	uint32_t state;
	uint32_t conv;
	uint32_t uid;
	uint32_t reason;
	bool orphan;
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
	char profile[KCP_PROFILE_NAME_MAX];
	size_t info_len;
	struct kcp_info info;
};

/*
 * Which sessions a dump lists. An address whose ss_family is 0 matches
 * any; a wildcard address matches any address of its family, port 0 any
 * port. @local_port matches the local port in either family (0: any).
 */
struct kcp_session_filter {
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
	uint32_t state;				/* 0: any */
	uint16_t local_port;			/* host order */
};

/* The namespace's counters, value[] indexed by enum kcp_stat_attr. */
struct kcp_stats {
	uint64_t present;
	uint64_t value[KCP_STAT_A_MAX + 1];
};

/* A notification: @cmd is KCP_NL_CMD_SESSION_OPENED, _CLOSED or PROFILE_CHANGED. */
struct kcp_event {
	uint8_t cmd;
	struct kcp_session session;		/* the session events */
	struct kcp_profile profile;		/* PROFILE_CHANGED: name, action */
};

/*
 * Callbacks for lists: return 0 to go on, anything else to stop; the
 * listing call then returns that value.
 */
typedef int (*kcp_profile_fn)(const struct kcp_profile *profile, void *arg);
typedef int (*kcp_session_fn)(const struct kcp_session *session, void *arg);
typedef int (*kcp_event_fn)(const struct kcp_event *event, void *arg);

int kcp_ctl_info(struct kcp_ctl *ctl, struct kcp_module_info *info);

int kcp_ctl_profile_get(struct kcp_ctl *ctl, const char *name,
			struct kcp_profile *profile);
/* Every profile, built-in ones first. */
int kcp_ctl_profile_list(struct kcp_ctl *ctl, kcp_profile_fn fn, void *arg);
/*
 * Create or change @profile->name (admin): the tunables in
 * @profile->present replace those of the profile, or of @profile->base.
 */
int kcp_ctl_profile_set(struct kcp_ctl *ctl, const struct kcp_profile *profile);
int kcp_ctl_profile_del(struct kcp_ctl *ctl, const char *name);
/* What new sockets start from (admin): SET_SETTINGS default_profile. */
int kcp_ctl_profile_make_default(struct kcp_ctl *ctl, const char *name);

int kcp_ctl_session_get(struct kcp_ctl *ctl, uint64_t id,
			struct kcp_session *session);
/*
 * Every session matching @filter (NULL: all), oldest first. Returns the
 * number listed, or a negative errno, or what @fn returned to stop.
 */
int kcp_ctl_session_dump(struct kcp_ctl *ctl,
			 const struct kcp_session_filter *filter,
			 kcp_session_fn fn, void *arg);
int kcp_ctl_session_close(struct kcp_ctl *ctl, uint64_t id);

int kcp_ctl_stats(struct kcp_ctl *ctl, struct kcp_stats *stats);

/* Change the settings in @settings->present (admin). */
int kcp_ctl_settings_set(struct kcp_ctl *ctl,
			 const struct kcp_settings *settings);

/*
 * Subscribe @ctl to the "events" group and call @fn for each event as it
 * arrives, until @fn returns nonzero (returned) or an error. The handle
 * is given to events from then on: open another for requests.
 */
int kcp_ctl_monitor(struct kcp_ctl *ctl, kcp_event_fn fn, void *arg);

#endif /* LIBKCP_H */
