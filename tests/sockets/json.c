// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcp_json [-l]: check that stdin is JSON (RFC 8259, strictly: no
 * trailing commas, no bare words, nothing after the value) and print it
 * flattened, one "path=value" line per scalar, for the scenarios' grep
 * and awk (the guest has no Python):
 *
 *	{"a":[{"b":1}],"c":"x"}  ->  a.0.b=1
 *	                              c=x
 *
 * Empty containers print as path=[] or path={}. With -l, stdin is JSON
 * lines (kcpctl monitor -j, stats -i): each value's paths start with its
 * line's index. Exit 1, with the offset, on anything that is not JSON.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *s;
	size_t pos, len;
	char path[1024];
};

static void fail(struct parser *p, const char *why)
{
	fprintf(stderr, "kcp_json: not JSON at byte %zu: %s\n", p->pos, why);
	exit(1);
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
		p->pos++;
}

static bool eat(struct parser *p, char c)
{
	skip_space(p);
	if (p->pos < p->len && p->s[p->pos] == c) {
		p->pos++;
		return true;
	}
	return false;
}

/* A string, unescaped into @out (\u escapes above 0x7f become '?'). */
static void parse_string(struct parser *p, char *out, size_t size)
{
	size_t n = 0;
	char c;

	if (!eat(p, '"'))
		fail(p, "a string expected");
	for (;;) {
		if (p->pos >= p->len)
			fail(p, "unterminated string");
		c = p->s[p->pos++];
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20)
			fail(p, "control character in a string");
		if (c == '\\') {
			if (p->pos >= p->len)
				fail(p, "unterminated escape");
			c = p->s[p->pos++];
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				unsigned int v = 0, i;

				for (i = 0; i < 4; i++, p->pos++) {
					char h = p->pos < p->len ? p->s[p->pos] : 0;

					v <<= 4;
					if (h >= '0' && h <= '9') v |= h - '0';
					else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
					else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
					else fail(p, "bad \\u escape");
				}
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			default: fail(p, "bad escape");
			}
		}
		if (n + 1 < size)
			out[n++] = c;
	}
	out[n] = '\0';
}

static void print_scalar(struct parser *p, const char *value)
{
	printf("%s=%s\n", p->path, value);
}

static void parse_value(struct parser *p);

/* Parse a container's members with the path extended by each key. */
static void parse_container(struct parser *p, bool object)
{
	size_t saved = strlen(p->path);
	char key[256];
	int index = 0;

	if (eat(p, object ? '}' : ']')) {
		print_scalar(p, object ? "{}" : "[]");
		return;
	}
	do {
		if (object) {
			parse_string(p, key, sizeof(key));
			if (!eat(p, ':'))
				fail(p, "':' expected");
		} else {
			snprintf(key, sizeof(key), "%d", index++);
		}
		snprintf(p->path + saved, sizeof(p->path) - saved, "%s%s",
			 saved ? "." : "", key);
		parse_value(p);
		p->path[saved] = '\0';
	} while (eat(p, ','));
	if (!eat(p, object ? '}' : ']'))
		fail(p, object ? "',' or '}' expected" : "',' or ']' expected");
}

static void parse_number(struct parser *p)
{
	size_t start = p->pos;
	char buf[64];

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
		fail(p, "a value expected");
	if (p->s[p->pos] == '0' && p->pos + 1 < p->len &&
	    p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '9')
		fail(p, "leading zero");
	while (p->pos < p->len && strchr("0123456789.eE+-", p->s[p->pos]) &&
	       p->s[p->pos])
		p->pos++;
	if (p->pos - start >= sizeof(buf))
		fail(p, "number too long");
	memcpy(buf, p->s + start, p->pos - start);
	buf[p->pos - start] = '\0';
	print_scalar(p, buf);
}

static void parse_value(struct parser *p)
{
	static const char *const words[] = { "true", "false", "null" };
	char str[4096];
	size_t i;

	skip_space(p);
	if (p->pos >= p->len)
		fail(p, "a value expected");
	switch (p->s[p->pos]) {
	case '{': p->pos++; parse_container(p, true); return;
	case '[': p->pos++; parse_container(p, false); return;
	case '"': parse_string(p, str, sizeof(str)); print_scalar(p, str); return;
	}
	for (i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);

		if (p->len - p->pos >= n && !memcmp(p->s + p->pos, words[i], n)) {
			p->pos += n;
			print_scalar(p, words[i]);
			return;
		}
	}
	parse_number(p);
}

int main(int argc, char **argv)
{
	struct parser p = { 0 };
	bool lines = argc > 1 && !strcmp(argv[1], "-l");
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	int index = 0;
	size_t n;

	while (buf && (n = fread(buf + p.len, 1, cap - p.len, stdin)) > 0) {
		p.len += n;
		if (p.len == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf)
		return 1;
	p.s = buf;
	do {
		if (lines)
			snprintf(p.path, sizeof(p.path), "%d", index++);
		parse_value(&p);
		skip_space(&p);
	} while (lines && p.pos < p.len);
	if (p.pos != p.len)
		fail(&p, "something after the value");
	return 0;
}
