// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * The JSON writer: commas, escaping and indentation in one place, so no
 * formatter can emit what a parser refuses.
 */
#include <inttypes.h>

#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->has_items[0] = false;
}

static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* The separator, indentation and key that come before any value. */
static void begin_value(struct json *j, const char *key)
{
	if (j->has_items[j->depth])
		fputc(',', j->f);
	j->has_items[j->depth] = true;
	if (j->pretty && j->depth)
		fprintf(j->f, "\n%*s", j->depth * 2, "");
	if (key) {
		put_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

void json_open(struct json *j, const char *key, char bracket)
{
	begin_value(j, key);
	fputc(bracket, j->f);
	if (j->depth + 1 < JSON_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

void json_close(struct json *j, char bracket)
{
	bool had_items = j->has_items[j->depth];

	if (j->depth)
		j->depth--;
	if (j->pretty && had_items)
		fprintf(j->f, "\n%*s", j->depth * 2, "");
	fputc(bracket == '{' ? '}' : bracket == '[' ? ']' : bracket, j->f);
}

void json_str(struct json *j, const char *key, const char *value)
{
	begin_value(j, key);
	put_string(j->f, value);
}

void json_u64(struct json *j, const char *key, uint64_t value)
{
	begin_value(j, key);
	fprintf(j->f, "%" PRIu64, value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	begin_value(j, key);
	fputs(value ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	begin_value(j, key);
	fputs("null", j->f);
}

void json_end(struct json *j)
{
	fputc('\n', j->f);
	j->has_items[0] = false;
}
