// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpperf: an iperf-like measurement tool for KCP sockets (kcp.ko), and
 * for TCP with the identical test. See kcpperf(1) and, for the protocol
 * between client and server, kcpperf.h.
 *
 *   kcpperf -s [-p PORT] [-B ADDR] [-1] [--tcp] [tunables] [-J]
 *   kcpperf -c HOST [-p PORT] [-t S | -n BYTES | -k COUNT] [--rr] ...
 *
 * This file only turns arguments into struct kp_options; bad arguments
 * end the program with a message and status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kcpperf.h"

#define KP_USAGE_ERROR	2

enum {
	OPT_RR = 256, OPT_RATE, OPT_TCP, OPT_PROFILE, OPT_SAMPLES, OPT_TIMEOUT,
	OPT_STOCK,
	OPT_TUNABLE,	/* + enum kp_tunable */
};

static const struct option kp_longopts[] = {
	{ "server", no_argument, NULL, 's' },
	{ "client", required_argument, NULL, 'c' },
	{ "port", required_argument, NULL, 'p' },
	{ "bind", required_argument, NULL, 'B' },
	{ "one-off", no_argument, NULL, '1' },
	{ "time", required_argument, NULL, 't' },
	{ "bytes", required_argument, NULL, 'n' },
	{ "count", required_argument, NULL, 'k' },
	{ "length", required_argument, NULL, 'l' },
	{ "parallel", required_argument, NULL, 'P' },
	{ "report-interval", required_argument, NULL, 'i' },
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ "rr", no_argument, NULL, OPT_RR },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "tcp", no_argument, NULL, OPT_TCP },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "samples", no_argument, NULL, OPT_SAMPLES },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "stock", no_argument, NULL, OPT_STOCK },
	{ "nodelay", required_argument, NULL, OPT_TUNABLE + KP_T_NODELAY },
	{ "interval", required_argument, NULL, OPT_TUNABLE + KP_T_INTERVAL },
	{ "resend", required_argument, NULL, OPT_TUNABLE + KP_T_RESEND },
	{ "nc", required_argument, NULL, OPT_TUNABLE + KP_T_NC },
	{ "sndwnd", required_argument, NULL, OPT_TUNABLE + KP_T_SNDWND },
	{ "rcvwnd", required_argument, NULL, OPT_TUNABLE + KP_T_RCVWND },
	{ "mtu", required_argument, NULL, OPT_TUNABLE + KP_T_MTU },
	{ "minrto", required_argument, NULL, OPT_TUNABLE + KP_T_MINRTO },
	{ "ack-nodelay", required_argument, NULL, OPT_TUNABLE + KP_T_ACK_NODELAY },
	{ NULL, 0, NULL, 0 }
};

/* The ranges <linux/kcp.h> documents, checked before any socket exists. */
static const int kp_tunable_range[KP_T_COUNT][2] = {
	[KP_T_NODELAY] = { 0, 2 },	[KP_T_INTERVAL] = { 10, 5000 },
	[KP_T_RESEND] = { 0, 1000 },	[KP_T_NC] = { 0, 1 },
	[KP_T_SNDWND] = { 1, 65535 },	[KP_T_RCVWND] = { 128, 65535 },
	[KP_T_MTU] = { 50, 9000 },	[KP_T_MINRTO] = { 1, 60000 },
	[KP_T_ACK_NODELAY] = { 0, 1 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: kcpperf -s [-p PORT] [-B ADDR] [-1] [--tcp] [TUNABLES] [-J]\n"
		"       kcpperf -c HOST [-p PORT] [-t SECONDS | -n BYTES | -k COUNT]\n"
		"               [--rr [--rate N]] [-l SIZE] [-P N] [-i SECONDS] [-J [--samples]]\n"
		"               [--tcp | --stock] [TUNABLES] [--timeout SECONDS]\n"
		"  -s, --server          serve tests (each session in a thread)\n"
		"  -c, --client HOST     run a test against a kcpperf server on HOST\n"
		"  -p, --port PORT       UDP (or TCP) port, default " KP_DEFAULT_PORT "\n"
		"  -B, --bind ADDR       server: the address to listen on (default 0.0.0.0)\n"
		"  -1, --one-off         server: serve one test, then exit\n"
		"  -t, --time SECONDS    test length (default 10)\n"
		"  -n, --bytes BYTES     bulk: send BYTES (suffix K, M, G: binary)\n"
		"  -k, --count COUNT     rr: COUNT round trips\n"
		"      --rr              request/response: messages at a fixed rate, timed\n"
		"      --rate N          rr: messages per second (default 50)\n"
		"  -l, --length SIZE     rr: message size incl. its 4-byte header (default 64);\n"
		"                        bulk: bytes per DATA record (default 128K)\n"
		"  -P, --parallel N      N sessions at once (default 1)\n"
		"  -i, --report-interval SECONDS   interval lines (default 1, 0: none)\n"
		"  -J, --json            JSON Lines output; --samples adds every RTT\n"
		"      --tcp             the same test over TCP (TCP_NODELAY in rr mode)\n"
		"      --stock           the server is a stock KCP one, such as kcp-go's\n"
		"                        tests/bench/kcpgo_perf: no handshake (KCP_STOCK)\n"
		"      --timeout SECONDS give up on a silent peer (default 30)\n"
		"TUNABLES (KCP, this end only; see <linux/kcp.h>):\n"
		"      --profile NAME    default ikcp normal fast fast2 fast3 turbo fastest\n"
		"                        realtime lan wan high_latency low_bandwidth\n"
		"      --nodelay 0-2 --interval MS --resend N --nc 0|1 --sndwnd N\n"
		"      --rcvwnd N --mtu BYTES --minrto MS --ack-nodelay 0|1\n"
		"                        applied after --profile, overriding it\n");
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "kcpperf: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(kcpperf -h lists the options)\n");
	return -1;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < min || *out > max ? -1 : 0;
}

static int parse_double(const char *s, double min, double max, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || !isfinite(*out) || *out < min ||
	       *out > max ? -1 : 0;
}

/* A byte count with an optional binary suffix: 64M, 1G, 512K. */
static int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || !v || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_option(struct kp_options *o, int c, const char *arg, bool *client_only)
{
	uint64_t size;
	long v;

	*client_only = c == 't' || c == 'n' || c == 'k' || c == 'l' || c == 'P' ||
		       c == OPT_RR || c == OPT_RATE || c == OPT_STOCK;
	switch (c) {
	case 's': o->server = true; break;
	case 'c': o->host = arg; break;
	case 'p':
		if (parse_long(arg, 1, 65535, &v))
			return bad("-p: not a port: '%s'", arg);
		o->port = arg;
		break;
	case 'B': o->bind = arg; break;
	case '1': o->one_off = true; break;
	case 'J': o->json = true; break;
	case OPT_SAMPLES: o->samples = true; break;
	case OPT_TCP: o->transport = KP_TCP; break;
	case OPT_PROFILE: o->profile = arg; break;
	case OPT_RR: o->mode = KP_RR; break;
	case OPT_STOCK: o->stock = true; break;
	case 't':
		if (parse_double(arg, 0.001, 86400, &o->seconds))
			return bad("-t: seconds from 0.001 to 86400, not '%s'", arg);
		break;
	case 'n':
		if (parse_size(arg, &o->bytes))
			return bad("-n: not a byte count: '%s'", arg);
		break;
	case 'k':
		if (parse_long(arg, 1, 10000000, &v))
			return bad("-k: a count from 1 to 10000000, not '%s'", arg);
		o->count = v;
		break;
	case 'l':
		if (parse_size(arg, &size) || size > KP_MAX_RECORD)
			return bad("-l: a size up to 16M-1, not '%s'", arg);
		o->msg_size = size;
		break;
	case 'P':
		if (parse_long(arg, 1, 1024, &v))
			return bad("-P: from 1 to 1024 sessions, not '%s'", arg);
		o->parallel = v;
		break;
	case 'i':
		if (parse_double(arg, 0, 86400, &o->report_every))
			return bad("-i: seconds (0: no interval lines), not '%s'", arg);
		break;
	case OPT_RATE:
		if (parse_double(arg, 0.01, 100000, &o->rate))
			return bad("--rate: 0.01 to 100000 per second, not '%s'", arg);
		break;
	case OPT_TIMEOUT:
		if (parse_double(arg, 0.1, 86400, &o->timeout))
			return bad("--timeout: seconds, not '%s'", arg);
		break;
	default:
		if (c < OPT_TUNABLE || c >= OPT_TUNABLE + KP_T_COUNT)
			return -1;	/* getopt has said what */
		c -= OPT_TUNABLE;
		if (parse_long(arg, kp_tunable_range[c][0], kp_tunable_range[c][1], &v)) {
			fprintf(stderr, "kcpperf: --%s takes %d to %d, not '%s'\n",
				kp_tunable_names[c], kp_tunable_range[c][0],
				kp_tunable_range[c][1], arg);
			return -1;
		}
		o->tun[c] = v;
	}
	return 0;
}

/* The combinations that make no sense, once every option is known. */
static int check(struct kp_options *o, bool client_only_seen, bool tunables)
{
	if (o->server == (o->host != NULL))
		return bad("%sgive exactly one of -s and -c HOST", "");
	if (o->bind && !o->server)
		return bad("%s-B is a server option", "");
	if (o->server && !o->bind)
		o->bind = "0.0.0.0";
	if (o->server && client_only_seen)
		return bad("%s-t, -n, -k, -l, -P, --rr, --rate and --stock are client options",
			   "");
	if (o->transport == KP_TCP && (tunables || o->profile || o->stock))
		return bad("%s--tcp takes no KCP tunables, profile or --stock", "");
	if (!!o->seconds + !!o->bytes + !!o->count > 1)
		return bad("%sgive one of -t, -n and -k", "");
	if (o->mode == KP_RR && o->bytes)
		return bad("%s-n is for bulk tests; --rr counts round trips with -k", "");
	if (o->mode == KP_BULK && o->count)
		return bad("%s-k counts round trips of --rr tests", "");
	if (o->samples && !o->json)
		return bad("%s--samples needs -J", "");
	if (!o->msg_size)
		o->msg_size = o->mode == KP_RR ? 64 : 128 * 1024;
	if (o->mode == KP_RR && (o->msg_size < 8 || o->msg_size > (1u << 20)))
		return bad("%s--rr messages are 8 bytes to 1M", "");
	if (!o->seconds && !o->bytes && !o->count)
		o->seconds = 10;
	return 0;
}

static int parse(int argc, char **argv, struct kp_options *o)
{
	bool client_only, client_only_seen = false, tunables = false;
	int c, i;

	*o = (struct kp_options){
		.transport = KP_KCP, .mode = KP_BULK, .port = KP_DEFAULT_PORT,
		.rate = 50, .report_every = 1, .timeout = 30, .parallel = 1,
	};
	for (i = 0; i < KP_T_COUNT; i++)
		o->tun[i] = -1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "sc:p:B:1t:n:k:l:P:i:Jh", kp_longopts,
				NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?' || parse_option(o, c, optarg, &client_only))
			return -1;
		client_only_seen |= client_only;
		tunables |= c >= OPT_TUNABLE;
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	return check(o, client_only_seen, tunables);
}

int main(int argc, char **argv)
{
	struct kp_options o;

	if (parse(argc, argv, &o))
		return KP_USAGE_ERROR;
	return o.server ? kp_server(&o) : kp_client(&o);
}
