/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * A small streaming JSON writer for kcpctl -j: objects and arrays nested
 * up to JSON_DEPTH, strings escaped, numbers as unsigned integers, and
 * with -p an indented layout. Keys are the caller's (stable, documented
 * in kcpctl(8)).
 */
#ifndef KCPCTL_JSON_H
#define KCPCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH	8

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool has_items[JSON_DEPTH];	/* per level: a comma before the next */
};

void json_init(struct json *j, FILE *f, bool pretty);
/* Open an object ('{') or array ('['); @key NULL inside arrays and at top. */
void json_open(struct json *j, const char *key, char bracket);
void json_close(struct json *j, char bracket);
void json_str(struct json *j, const char *key, const char *value);
void json_u64(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
/* After a top-level value: the newline that ends a JSON line. */
void json_end(struct json *j);

#endif /* KCPCTL_JSON_H */
