/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * kcpctl's output: each object as a table row, a full listing and JSON,
 * from libkcp's plain structs. No netlink here, so the unit tests format
 * made-up objects and check the text and the JSON.
 */
#ifndef KCPCTL_FORMAT_H
#define KCPCTL_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

struct json;
struct kcp_event;
struct kcp_module_info;
struct kcp_profile;
struct kcp_session;
struct kcp_stats;
struct sockaddr_storage;

/* "1.2.3.4:5", "[::1]:5", or "-" for an empty address. */
void kcp_fmt_endpoint(const struct sockaddr_storage *ss, char *buf, size_t size);

/* nstat-style name of a counter ("KcpInDatagrams"), NULL if unknown. */
const char *kcp_stat_name(unsigned int attr);
/* The counter of a name, 0 if none. */
unsigned int kcp_stat_attr(const char *name);

void kcp_fmt_info_text(FILE *f, const struct kcp_module_info *info);
void kcp_fmt_info_json(struct json *j, const struct kcp_module_info *info);

void kcp_fmt_profile_header(FILE *f, bool color);
void kcp_fmt_profile_row(FILE *f, const struct kcp_profile *p, bool color);
void kcp_fmt_profile_show(FILE *f, const struct kcp_profile *p);
void kcp_fmt_profile_json(struct json *j, const struct kcp_profile *p);

void kcp_fmt_session_header(FILE *f, bool color);
void kcp_fmt_session_row(FILE *f, const struct kcp_session *s, bool color);
void kcp_fmt_session_show(FILE *f, const struct kcp_session *s);
void kcp_fmt_session_json(struct json *j, const struct kcp_session *s);

/*
 * Counters, or with @prev the change since @prev (kcpctl stats -i).
 * Text lists the nonzero ones unless @all; JSON has every one.
 */
void kcp_fmt_stats_text(FILE *f, const struct kcp_stats *cur,
			const struct kcp_stats *prev, bool all);
void kcp_fmt_stats_json(struct json *j, const struct kcp_stats *cur,
			const struct kcp_stats *prev);

void kcp_fmt_event_text(FILE *f, const struct kcp_event *ev);
void kcp_fmt_event_json(struct json *j, const struct kcp_event *ev);

#endif /* KCPCTL_FORMAT_H */
