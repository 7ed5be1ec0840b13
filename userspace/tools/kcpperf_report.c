// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpperf's output: human lines, or with --json one JSON object per line
 * (JSON Lines): "start", then "interval" lines, then "session" lines (one
 * per session) and a final "summary"; the server prints one "served" line
 * per session it served. The keys are listed in kcpperf(1) and stay
 * stable: scripts (tests/bench) parse them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kcpperf.h"

#define MIB	(1024.0 * 1024.0)

const char *const kp_tunable_names[KP_T_COUNT] = {
	"nodelay", "interval", "resend", "nc", "sndwnd", "rcvwnd", "mtu",
	"minrto", "ack-nodelay",
};

static const char *mode_name(int mode)
{
	return mode == KP_RR ? "rr" : mode == KP_BULK ? "bulk" : "?";
}

static const char *transport_name(const struct kp_options *o)
{
	return o->transport == KP_TCP ? "tcp" : "kcp";
}

static void put_tunables(FILE *out, const struct kp_options *o, const int *tun)
{
	const char *sep = o->json ? "{" : "";
	int i;

	for (i = 0; i < KP_T_WIRE; i++) {
		if (o->json)
			fprintf(out, "%s\"%s\":%d", sep, kp_tunable_names[i], tun[i]);
		else
			fprintf(out, "%s%s %d", sep, kp_tunable_names[i], tun[i]);
		sep = o->json ? "," : " ";
	}
	if (o->json)
		fputc('}', out);
}

void kp_report_start(FILE *out, const struct kp_options *o, const int *tun,
		     const int *peer_tun)
{
	flockfile(out);
	if (o->json) {
		fprintf(out, "{\"type\":\"start\",\"version\":%d,\"transport\":\"%s\","
			"\"mode\":\"%s\",\"host\":\"%s\",\"port\":\"%s\","
			"\"sessions\":%d,\"bytes\":%llu,\"seconds\":%g,"
			"\"count\":%u,\"msg_size\":%u,\"rate\":%g,\"profile\":",
			KP_VERSION, transport_name(o), mode_name(o->mode), o->host,
			o->port, o->parallel, (unsigned long long)o->bytes,
			o->seconds, o->count, o->msg_size, o->rate);
		if (o->profile)
			fprintf(out, "\"%s\"", o->profile);
		else
			fputs("null", out);
		if (o->transport == KP_KCP) {
			fputs(",\"local\":", out);
			put_tunables(out, o, tun);
			fputs(",\"server\":", out);
			put_tunables(out, o, peer_tun);
		}
		fputs("}\n", out);
		goto out;
	}
	fprintf(out, "kcpperf: %s to %s port %s, %s, ", transport_name(o),
		o->host, o->port, mode_name(o->mode));
	if (o->mode == KP_RR)
		fprintf(out, "%u-byte messages at %g/s, ", o->msg_size, o->rate);
	if (o->mode == KP_RR && o->count)
		fprintf(out, "%u round trips", o->count);
	else if (o->bytes)
		fprintf(out, "%llu bytes", (unsigned long long)o->bytes);
	else
		fprintf(out, "%g s", o->seconds);
	fprintf(out, ", %d session%s\n", o->parallel, o->parallel > 1 ? "s" : "");
	if (o->transport == KP_KCP) {
		fputs("  local:  ", out);
		put_tunables(out, o, tun);
		if (o->profile)
			fprintf(out, " (profile %s)", o->profile);
		fputs("\n  server: ", out);
		put_tunables(out, o, peer_tun);
		fputc('\n', out);
	}
out:
	funlockfile(out);
}

void kp_report_interval(FILE *out, const struct kp_options *o,
			const struct kp_interval *iv)
{
	double len = iv->end - iv->start, avg;

	avg = iv->rt ? iv->rtt_sum / 1e3 / iv->rt : 0;
	if (o->json && o->mode == KP_BULK)
		fprintf(out, "{\"type\":\"interval\",\"start\":%.3f,\"end\":%.3f,"
			"\"bytes\":%llu,\"bits_per_second\":%.0f,\"retrans\":%llu}\n",
			iv->start, iv->end, (unsigned long long)iv->bytes,
			len > 0 ? iv->bytes * 8 / len : 0,
			(unsigned long long)iv->retrans);
	else if (o->json)
		fprintf(out, "{\"type\":\"interval\",\"start\":%.3f,\"end\":%.3f,"
			"\"round_trips\":%llu,\"rtt_avg_ms\":%.3f,"
			"\"rtt_max_ms\":%.3f,\"retrans\":%llu}\n",
			iv->start, iv->end, (unsigned long long)iv->rt, avg,
			iv->rtt_max / 1e3, (unsigned long long)iv->retrans);
	else if (o->mode == KP_BULK)
		fprintf(out, "[SUM] %6.2f-%-6.2f s  %9.2f MiB  %9.2f Mbit/s  retr %llu\n",
			iv->start, iv->end, iv->bytes / MIB,
			len > 0 ? iv->bytes * 8 / len / 1e6 : 0,
			(unsigned long long)iv->retrans);
	else
		fprintf(out, "[SUM] %6.2f-%-6.2f s  %5llu rt  avg %8.2f ms  "
			"max %8.2f ms  retr %llu\n",
			iv->start, iv->end, (unsigned long long)iv->rt, avg,
			iv->rtt_max / 1e3, (unsigned long long)iv->retrans);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least p% at or below it. */
static double percentile_ms(const uint32_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * n);

	if (!n)
		return 0;
	return sorted[rank ? rank - 1 : 0] / 1e3;
}

struct kp_totals {
	uint64_t sent, received, pings, pongs, wire, payload;
	uint64_t r_timeout, r_fast, r_early, sender_retrans, dup, refused;
	uint64_t cpu_client, cpu_server;
	double seconds, rx_seconds;
	uint32_t *rtt;			/* sorted, answered PINGs only */
	size_t nrtt;
	int errors;
};

static void add_counters(struct kp_totals *t, const struct kp_counters *c,
			 unsigned int hdr)
{
	t->wire += c->out_bytes + (uint64_t)hdr * c->out_pkts;
	t->r_timeout += c->retrans_timeout;
	t->r_fast += c->retrans_fast;
	t->r_early += c->retrans_early;
	t->dup += c->repeat_segs;
	t->refused += c->dropped_segs;
}

static int total_up(const struct kp_options *o, struct kp_session *s, int n,
		    struct kp_totals *t)
{
	uint32_t j;
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		t->pings += s[i].pings;
		for (j = 0; s[i].rtt_us && j < s[i].pings; j++)
			t->pongs += !!s[i].rtt_us[j];
	}
	t->rtt = calloc(t->pongs + 1, sizeof(uint32_t));
	if (!t->rtt)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned int hdr = kp_header_bytes(s[i].family, o->transport);

		if (s[i].err) {
			t->errors++;
			fprintf(stderr, "kcpperf: session %d: %s: %s\n", i,
				s[i].what, strerror(-s[i].err));
			continue;
		}
		t->sent += s[i].bytes;
		t->received += s[i].peer.bytes;
		t->payload += (uint64_t)o->msg_size * (s[i].pings + s[i].peer.pings);
		add_counters(t, &s[i].ctr, hdr);
		t->sender_retrans += s[i].ctr.retrans_timeout +
				     s[i].ctr.retrans_fast + s[i].ctr.retrans_early;
		add_counters(t, &s[i].peer.ctr, hdr);
		t->cpu_client += s[i].cpu_usec;
		t->cpu_server += s[i].peer.cpu_usec;
		if (s[i].seconds > t->seconds)
			t->seconds = s[i].seconds;
		if (s[i].peer.usec / 1e6 > t->rx_seconds)
			t->rx_seconds = s[i].peer.usec / 1e6;
		for (j = 0; s[i].rtt_us && j < s[i].pings; j++)
			if (s[i].rtt_us[j])
				t->rtt[t->nrtt++] = s[i].rtt_us[j];
	}
	if (o->mode == KP_BULK)
		t->payload = t->received;
	qsort(t->rtt, t->nrtt, sizeof(uint32_t), cmp_u32);
	return 0;
}

static double per_mib(uint64_t usec, uint64_t bytes)
{
	return bytes ? usec / 1e6 / (bytes / MIB) : 0;
}

static void summary_json(FILE *out, const struct kp_options *o,
			 const struct kp_totals *t, uint64_t host)
{
	double sum = 0;
	size_t i;

	fprintf(out, "{\"type\":\"summary\",\"transport\":\"%s\",\"mode\":\"%s\","
		"\"sessions\":%d,\"errors\":%d,\"seconds\":%.6f,",
		transport_name(o), mode_name(o->mode), o->parallel, t->errors,
		t->seconds);
	if (o->mode == KP_BULK) {
		fprintf(out, "\"bytes_sent\":%llu,\"bytes_received\":%llu,"
			"\"receiver_seconds\":%.6f,\"bits_per_second\":%.0f,",
			(unsigned long long)t->sent, (unsigned long long)t->received,
			t->rx_seconds, t->rx_seconds > 0 ? t->received * 8 / t->rx_seconds : 0);
	} else {
		for (i = 0; i < t->nrtt; i++)
			sum += t->rtt[i] / 1e3;
		fprintf(out, "\"msg_size\":%u,\"pings\":%llu,\"round_trips\":%zu,"
			"\"lost\":%llu,\"rtt_ms\":{\"avg\":%.3f,\"p50\":%.3f,"
			"\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},",
			o->msg_size, (unsigned long long)t->pings, t->nrtt,
			(unsigned long long)(t->pings - t->nrtt),
			t->nrtt ? sum / t->nrtt : 0, percentile_ms(t->rtt, t->nrtt, 50),
			percentile_ms(t->rtt, t->nrtt, 90), percentile_ms(t->rtt, t->nrtt, 99),
			percentile_ms(t->rtt, t->nrtt, 100));
		if (o->samples) {
			fputs("\"rtt_samples_ms\":[", out);
			for (i = 0; i < t->nrtt; i++)
				fprintf(out, "%s%.3f", i ? "," : "", t->rtt[i] / 1e3);
			fputs("],", out);
		}
	}
	fprintf(out, "\"retrans\":{\"total\":%llu,\"timeout\":%llu,\"fast\":%llu,"
		"\"early\":%llu,\"sender\":%llu},\"duplicates\":%llu,\"refused\":%llu,"
		"\"payload_bytes\":%llu,"
		"\"wire_bytes\":%llu,\"wire_estimated\":%s,\"wire_per_payload\":%.4f,"
		"\"cpu\":{\"client_s\":%.6f,\"server_s\":%.6f,\"host_s\":%.6f,"
		"\"client_s_per_mib\":%.6f,\"server_s_per_mib\":%.6f,"
		"\"host_s_per_mib\":%.6f}}\n",
		(unsigned long long)(t->r_timeout + t->r_fast + t->r_early),
		(unsigned long long)t->r_timeout, (unsigned long long)t->r_fast,
		(unsigned long long)t->r_early, (unsigned long long)t->sender_retrans,
		(unsigned long long)t->dup, (unsigned long long)t->refused,
		(unsigned long long)t->payload, (unsigned long long)t->wire,
		o->transport == KP_TCP ? "true" : "false",
		t->payload ? (double)t->wire / t->payload : 0,
		t->cpu_client / 1e6, t->cpu_server / 1e6, host / 1e6,
		per_mib(t->cpu_client, t->payload), per_mib(t->cpu_server, t->payload),
		per_mib(host, t->payload));
}

static void summary_text(FILE *out, const struct kp_options *o,
			 const struct kp_totals *t, uint64_t host)
{
	double sum = 0;
	size_t i;

	if (o->mode == KP_BULK) {
		fprintf(out, "summary: %llu bytes received in %.3f s: %.2f Mbit/s "
			"(sender: %llu bytes, %.3f s)\n",
			(unsigned long long)t->received, t->rx_seconds,
			t->rx_seconds > 0 ? t->received * 8 / t->rx_seconds / 1e6 : 0,
			(unsigned long long)t->sent, t->seconds);
	} else {
		for (i = 0; i < t->nrtt; i++)
			sum += t->rtt[i] / 1e3;
		fprintf(out, "summary: %zu of %llu round trips of %u bytes: rtt avg %.2f "
			"p50 %.2f p90 %.2f p99 %.2f max %.2f ms, %llu unanswered\n",
			t->nrtt, (unsigned long long)t->pings, o->msg_size,
			t->nrtt ? sum / t->nrtt : 0, percentile_ms(t->rtt, t->nrtt, 50),
			percentile_ms(t->rtt, t->nrtt, 90), percentile_ms(t->rtt, t->nrtt, 99),
			percentile_ms(t->rtt, t->nrtt, 100),
			(unsigned long long)(t->pings - t->nrtt));
	}
	fprintf(out, "  retransmissions: %llu (timeout %llu, fast %llu, early %llu; "
		"%llu by the client)\n",
		(unsigned long long)(t->r_timeout + t->r_fast + t->r_early),
		(unsigned long long)t->r_timeout, (unsigned long long)t->r_fast,
		(unsigned long long)t->r_early, (unsigned long long)t->sender_retrans);
	if (o->transport == KP_KCP)
		fprintf(out, "  segments received twice: %llu, refused (window or memory): %llu\n",
			(unsigned long long)t->dup, (unsigned long long)t->refused);
	fprintf(out, "  wire: %.3f bytes per payload byte, both ways%s\n",
		t->payload ? (double)t->wire / t->payload : 0,
		o->transport == KP_TCP ? " (estimated: 52 bytes of header per segment)" : "");
	if (o->mode == KP_BULK)
		fprintf(out, "  cpu per MiB: client %.4f s, server %.4f s, whole machine %.4f s\n",
			per_mib(t->cpu_client, t->payload),
			per_mib(t->cpu_server, t->payload), per_mib(host, t->payload));
	else
		fprintf(out, "  cpu: client %.3f s, server %.3f s, whole machine %.3f s\n",
			t->cpu_client / 1e6, t->cpu_server / 1e6, host / 1e6);
}

static void session_line(FILE *out, const struct kp_options *o,
			 const struct kp_session *s)
{
	if (o->json)
		fprintf(out, "{\"type\":\"session\",\"id\":%u,\"error\":%s%s%s,"
			"\"bytes_sent\":%llu,\"bytes_received\":%llu,\"pings\":%u,"
			"\"pongs_sent\":%u,\"seconds\":%.6f,\"srtt_ms\":%u,"
			"\"rto_ms\":%u,\"retrans\":%llu,\"peer_retrans\":%llu}\n",
			s->index, s->err ? "\"" : "", s->err ? s->what : "null",
			s->err ? "\"" : "", (unsigned long long)s->bytes,
			(unsigned long long)s->peer.bytes, s->pings, s->peer.pings,
			s->seconds, s->ctr.srtt_ms, s->ctr.rto_ms,
			(unsigned long long)(s->ctr.retrans_timeout + s->ctr.retrans_fast +
					     s->ctr.retrans_early),
			(unsigned long long)(s->peer.ctr.retrans_timeout +
					     s->peer.ctr.retrans_fast +
					     s->peer.ctr.retrans_early));
	else if (!s->err)
		fprintf(out, "[%3u] %llu bytes sent, %llu received, %u pings, "
			"%.3f s, srtt %u ms\n", s->index,
			(unsigned long long)s->bytes, (unsigned long long)s->peer.bytes,
			s->pings, s->seconds, s->ctr.srtt_ms);
}

int kp_report_summary(FILE *out, const struct kp_options *o,
		      struct kp_session *s, int n, uint64_t host_cpu_usec)
{
	struct kp_totals t;
	int i;

	if (total_up(o, s, n, &t)) {
		fprintf(stderr, "kcpperf: out of memory\n");
		return 1;
	}
	flockfile(out);
	for (i = 0; i < n && (o->json || n > 1); i++)
		session_line(out, o, &s[i]);
	if (o->json)
		summary_json(out, o, &t, host_cpu_usec);
	else if (t.errors < n)	/* nothing to sum up when all failed */
		summary_text(out, o, &t, host_cpu_usec);
	funlockfile(out);
	free(t.rtt);
	return t.errors ? 1 : 0;
}

void kp_report_served(FILE *out, const struct kp_options *o, const char *peer,
		      int mode, const struct kp_result *res, const char *error)
{
	double secs = res->usec / 1e6;
	uint64_t retr = res->ctr.retrans_timeout + res->ctr.retrans_fast +
			res->ctr.retrans_early;

	flockfile(out);
	if (o->json) {
		fprintf(out, "{\"type\":\"served\",\"transport\":\"%s\",\"peer\":\"%s\","
			"\"mode\":\"%s\",\"error\":%s%s%s,\"bytes_received\":%llu,"
			"\"pings\":%u,\"seconds\":%.6f,\"bits_per_second\":%.0f,"
			"\"retrans\":%llu,\"cpu_s\":%.6f}\n",
			transport_name(o), peer, mode_name(mode), error ? "\"" : "",
			error ? error : "null", error ? "\"" : "",
			(unsigned long long)res->bytes, res->pings, secs,
			secs > 0 ? res->bytes * 8 / secs : 0, (unsigned long long)retr,
			res->cpu_usec / 1e6);
	} else if (error) {
		fprintf(out, "kcpperf: %s: %s\n", peer, error);
	} else {
		fprintf(out, "served %s: %s, %llu bytes and %u pings in %.3f s",
			peer, mode_name(mode), (unsigned long long)res->bytes,
			res->pings, secs);
		if (mode == KP_BULK)
			fprintf(out, " (%.2f Mbit/s)",
				secs > 0 ? res->bytes * 8 / secs / 1e6 : 0);
		fprintf(out, ", %llu retransmissions, cpu %.3f s\n",
			(unsigned long long)retr, res->cpu_usec / 1e6);
	}
	funlockfile(out);
}
