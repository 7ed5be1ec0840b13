// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpperf's client: one thread per session, each running the protocol of
 * kcpperf.h from HELLO to BYE; the main thread prints interval lines from
 * the sessions' live counters and the summary once they have all ended.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#include "kcpperf.h"

/* How long BYE may take to be acknowledged before we close anyway. */
#define KP_BYE_WAIT	3.0

static int fail(struct kp_session *s, int err, const char *what)
{
	if (!s->err) {
		s->err = err;
		snprintf(s->what, sizeof(s->what), "%s", what);
	}
	return err;
}

static void publish_retrans(struct kp_session *s, int fd)
{
	struct kp_counters c;
	uint64_t sum;

	if (kp_counters(fd, s->opt->transport, &c))
		return;
	sum = c.retrans_timeout + c.retrans_fast + c.retrans_early;
	__atomic_store_n(&s->live_retrans, sum, __ATOMIC_RELAXED);
}

static int hello(struct kp_session *s, int fd, struct kp_reader *r)
{
	const struct kp_options *o = s->opt;
	unsigned char h[KP_HELLO_LEN] = { 0 }, a[KP_ACCEPT_LEN];
	char msg[80];
	uint32_t len;
	int type, err, i;

	kp_put32(h, KP_MAGIC);
	kp_put16(h + 4, KP_VERSION);
	h[6] = o->mode;
	h[7] = o->transport;
	kp_put32(h + 8, s->index);
	kp_put32(h + 12, o->parallel);
	kp_put64(h + 16, s->test_id);
	kp_put64(h + 24, o->bytes);
	kp_put32(h + 32, (uint32_t)(o->seconds * 1000));
	kp_put32(h + 36, o->msg_size);
	kp_put32(h + 40, (uint32_t)(1e6 / o->rate));
	kp_put32(h + 44, s->pings);
	err = kp_send_record(fd, KP_HELLO, h, sizeof(h));
	if (err)
		return fail(s, err, "sending HELLO");
	err = kp_read_record(r, &type, &len, kp_now() + o->timeout);
	if (err)
		return fail(s, err, "waiting for ACCEPT");
	if (type == KP_ERROR && len < sizeof(msg)) {
		memset(msg, 0, sizeof(msg));
		kp_read_payload(r, msg, len, kp_now() + o->timeout);
		snprintf(s->what, sizeof(s->what), "server refused: %s", msg);
		return s->err = -EPROTO;
	}
	if (type != KP_ACCEPT || len != KP_ACCEPT_LEN)
		return fail(s, -EPROTO, "no ACCEPT: not a kcpperf server?");
	err = kp_read_payload(r, a, len, kp_now() + o->timeout);
	if (err)
		return fail(s, err, "reading ACCEPT");
	if (kp_get32(a) != KP_MAGIC || kp_get16(a + 4) != KP_VERSION)
		return fail(s, -EPROTO, "server speaks another protocol version");
	for (i = 0; i < KP_T_WIRE; i++)
		s->peer_tun[i] = kp_get32(a + 8 + 4 * i);
	return 0;
}

static int bulk(struct kp_session *s, int fd, double t0)
{
	const struct kp_options *o = s->opt;
	uint32_t size = o->msg_size, n, i;
	unsigned char *buf;
	int err = 0;

	buf = malloc(4 + size);
	if (!buf)
		return fail(s, -ENOMEM, "allocating");
	for (i = 0; i < size; i++)
		buf[4 + i] = (unsigned char)(i * 131 + 7);
	for (;;) {
		if (o->bytes) {
			if (s->bytes >= o->bytes)
				break;
			n = o->bytes - s->bytes < size ? o->bytes - s->bytes : size;
		} else {
			if (kp_now() - t0 >= o->seconds)
				break;
			n = size;
		}
		kp_record_header(buf, KP_DATA, n);
		err = kp_send_all(fd, buf, 4 + n);
		if (err) {
			fail(s, err, "sending DATA");
			break;
		}
		s->bytes += n;
		__atomic_add_fetch(&s->live_bytes, n, __ATOMIC_RELAXED);
		publish_retrans(s, fd);
	}
	free(buf);
	return err;
}

/* Every complete PONG in the reader's buffer, timed against its PING. */
static int take_pongs(struct kp_session *s, struct kp_reader *r, double t0,
		      double gap, uint32_t sent, uint32_t *got)
{
	size_t have;
	uint32_t len, seq, us;
	double rtt;
	int type;

	for (;;) {
		have = r->end - r->start;
		if (have < 4)
			return 0;
		type = kp_get32(r->buf + r->start) >> 24;
		len = kp_get32(r->buf + r->start) & KP_MAX_RECORD;
		if (type != KP_PONG || len < 4 || len + 4 > r->cap)
			return fail(s, -EPROTO, "expected PONG");
		if (have < 4 + len)
			return 0;
		seq = kp_get32(r->buf + r->start + 4);
		r->start += 4 + len;
		if (seq >= sent || s->rtt_us[seq])
			return fail(s, -EPROTO, "PONG for no PING");
		/* from when the PING was due: lateness in sending counts too */
		rtt = kp_now() - (t0 + seq * gap);
		us = rtt < 1e-6 ? 1 : (uint32_t)(rtt * 1e6);
		s->rtt_us[seq] = us;
		(*got)++;
		__atomic_add_fetch(&s->live_rt, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&s->live_rtt_sum, us, __ATOMIC_RELAXED);
		if (us > __atomic_load_n(&s->live_rtt_max, __ATOMIC_RELAXED))
			__atomic_store_n(&s->live_rtt_max, us, __ATOMIC_RELAXED);
	}
}

/*
 * Request/response: a PING every @gap seconds on a fixed schedule, whether
 * or not the PONGs keep up, then up to --timeout for the last PONGs.
 */
static int rr(struct kp_session *s, int fd, struct kp_reader *r, double t0)
{
	const struct kp_options *o = s->opt;
	double gap = 1.0 / o->rate, due, wait_until;
	uint32_t size = o->msg_size, sent = 0, got = 0;
	unsigned char *buf;
	int err = 0;

	buf = calloc(1, size);
	if (!buf)
		return fail(s, -ENOMEM, "allocating");
	kp_record_header(buf, KP_PING, size - 4);
	while (got < s->pings) {
		due = t0 + sent * gap;
		if (sent < s->pings && kp_now() >= due) {
			kp_put32(buf + 4, sent);
			err = kp_send_all(fd, buf, size);
			if (err) {
				fail(s, err, "sending PING");
				break;
			}
			sent++;
			continue;
		}
		wait_until = sent < s->pings ? due : t0 + sent * gap + o->timeout;
		err = kp_fill(r, wait_until);
		if (err == -ETIMEDOUT && sent < s->pings)
			continue;
		if (err == -ETIMEDOUT)
			break;		/* PONGs lost for good: counted as such */
		if (err < 0) {
			fail(s, err, "waiting for PONG");
			break;
		}
		err = take_pongs(s, r, t0, gap, sent, &got);
		if (err)
			break;
		publish_retrans(s, fd);
	}
	s->pings = sent;
	free(buf);
	return err == -ETIMEDOUT ? 0 : err;
}

static int finish(struct kp_session *s, int fd, struct kp_reader *r)
{
	const struct kp_options *o = s->opt;
	unsigned char e[KP_END_LEN] = { 0 }, res[KP_RESULT_LEN];
	double deadline = kp_now() + o->timeout;
	uint32_t len;
	int type, err;

	kp_put64(e, s->bytes);
	kp_put32(e + 8, s->pings);
	err = kp_send_record(fd, KP_END, e, sizeof(e));
	if (err)
		return fail(s, err, "sending END");
	for (;;) {	/* PONGs we gave up on may still arrive first */
		err = kp_read_record(r, &type, &len, deadline);
		if (err)
			return fail(s, err, "waiting for RESULT");
		if (type == KP_RESULT && len == KP_RESULT_LEN)
			break;
		if (type != KP_PONG)
			return fail(s, -EPROTO, "expected RESULT");
		err = kp_read_payload(r, NULL, len, deadline);
		if (err)
			return fail(s, err, "reading a late PONG");
	}
	err = kp_read_payload(r, res, len, deadline);
	if (err)
		return fail(s, err, "reading RESULT");
	kp_decode_result(res, &s->peer);
	return 0;
}

static void *session_main(void *arg)
{
	struct kp_session *s = arg;
	const struct kp_options *o = s->opt;
	struct kp_reader r = { .buf = NULL };
	uint64_t cpu0;
	double t0;
	int fd, err;

	err = kp_open(o, false, &fd, &s->family);
	if (err) {
		fail(s, err, "opening the socket");
		goto out;
	}
	if (o->transport == KP_TCP && o->mode == KP_RR)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	kp_read_tunables(fd, o->transport, s->tun);
	err = kp_reader_init(&r, fd, o->msg_size * 4 + 65536);
	if (err) {
		fail(s, err, "allocating");
		goto out_close;
	}
	err = hello(s, fd, &r);
	__atomic_store_n(&s->started, err ? -1 : 1, __ATOMIC_RELEASE);
	if (err)
		goto out_close;
	t0 = kp_now();
	cpu0 = kp_thread_cpu_usec();
	err = o->mode == KP_RR ? rr(s, fd, &r, t0) : bulk(s, fd, t0);
	if (!err)
		err = finish(s, fd, &r);
	s->seconds = kp_now() - t0;
	s->cpu_usec = kp_thread_cpu_usec() - cpu0;
	kp_counters(fd, o->transport, &s->ctr);
	if (!err && !kp_send_record(fd, KP_BYE, NULL, 0))
		kp_wait_acked(fd, kp_now() + KP_BYE_WAIT);
out_close:
	kp_reader_free(&r);
	close(fd);
out:
	if (err)
		__atomic_store_n(&s->started, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static uint32_t pings_wanted(const struct kp_options *o)
{
	if (o->count)
		return o->count;
	return (uint32_t)ceil(o->seconds * o->rate);
}

static bool all(struct kp_session *s, int n, bool done)
{
	int i;

	for (i = 0; i < n; i++) {
		if (done ? !__atomic_load_n(&s[i].done, __ATOMIC_ACQUIRE) :
			   !__atomic_load_n(&s[i].started, __ATOMIC_ACQUIRE))
			return false;
	}
	return true;
}

/* Interval lines until every session has ended. */
static void report_intervals(const struct kp_options *o, struct kp_session *s,
			     int n)
{
	struct kp_interval iv = { 0 };
	uint64_t last_bytes = 0, last_rt = 0, last_sum = 0, last_retr = 0;
	double t0 = kp_now(), next = t0 + o->report_every;
	int i;

	while (!all(s, n, true)) {
		uint64_t bytes = 0, rt = 0, sum = 0, retr = 0, max = 0;

		usleep(10000);
		if (kp_now() < next)
			continue;
		for (i = 0; i < n; i++) {
			uint64_t m;

			bytes += __atomic_load_n(&s[i].live_bytes, __ATOMIC_RELAXED);
			rt += __atomic_load_n(&s[i].live_rt, __ATOMIC_RELAXED);
			sum += __atomic_load_n(&s[i].live_rtt_sum, __ATOMIC_RELAXED);
			retr += __atomic_load_n(&s[i].live_retrans, __ATOMIC_RELAXED);
			m = __atomic_exchange_n(&s[i].live_rtt_max, 0, __ATOMIC_RELAXED);
			max = m > max ? m : max;
		}
		iv.start = iv.end;
		iv.end = kp_now() - t0;
		iv.bytes = bytes - last_bytes;
		iv.rt = rt - last_rt;
		iv.rtt_sum = sum - last_sum;
		iv.rtt_max = max;
		iv.retrans = retr - last_retr;
		last_bytes = bytes;
		last_rt = rt;
		last_sum = sum;
		last_retr = retr;
		kp_report_interval(stdout, o, &iv);
		fflush(stdout);
		next += o->report_every;
	}
}

int kp_client(const struct kp_options *o)
{
	uint64_t cpu0 = 0, cpu1 = 0, test_id = 0;
	struct kp_session *s;
	int i, n = o->parallel, status;

	s = calloc(n, sizeof(*s));
	if (!s)
		return 1;
	if (getrandom(&test_id, sizeof(test_id), 0) != sizeof(test_id))
		test_id = (uint64_t)getpid() << 32 ^ (uint64_t)(kp_now() * 1e9);
	kp_host_cpu_usec(&cpu0);
	for (i = 0; i < n; i++) {
		s[i].opt = o;
		s[i].index = i;
		s[i].test_id = test_id;
		if (o->mode == KP_RR) {
			s[i].pings = pings_wanted(o);
			s[i].rtt_us = calloc(s[i].pings, sizeof(uint32_t));
			if (!s[i].rtt_us) {
				fprintf(stderr, "kcpperf: out of memory\n");
				return 1;
			}
		}
		if (pthread_create(&s[i].thread, NULL, session_main, &s[i])) {
			fprintf(stderr, "kcpperf: cannot start session %d\n", i);
			return 1;
		}
	}
	while (!all(s, n, false) && !all(s, n, true))
		usleep(1000);
	if (s[0].started > 0)
		kp_report_start(stdout, o, s[0].tun, s[0].peer_tun);
	if (o->report_every > 0)
		report_intervals(o, s, n);
	for (i = 0; i < n; i++)
		pthread_join(s[i].thread, NULL);
	kp_host_cpu_usec(&cpu1);
	status = kp_report_summary(stdout, o, s, n, cpu1 - cpu0);
	for (i = 0; i < n; i++)
		free(s[i].rtt_us);
	free(s);
	return status;
}
