// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * kcpperf's server: accept sessions on one listener and serve each in a
 * thread of its own (the protocol is in kcpperf.h). With -1 it serves one
 * test, as many sessions as the first HELLO announces, and exits.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/kcp.h>
#include <linux/tcp.h>

#include "kcpperf.h"

struct kp_server {
	const struct kp_options *opt;
	pthread_mutex_t lock;
	uint32_t expected;		/* -1: sessions the first HELLO announced */
	uint32_t failed;
};

struct kp_served {
	struct kp_server *srv;
	int fd;
	char peer[96];
	pthread_t thread;
};

static void peer_name(const struct sockaddr_storage *ss, enum kp_transport t,
		      char *out, size_t size)
{
	const struct sockaddr *sa = (const struct sockaddr *)ss;
	char host[64], port[16];
	socklen_t len;

	if (t == KP_KCP)
		sa = (const struct sockaddr *)&((const struct sockaddr_kcp *)ss)->kcp_udp;
	len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					  sizeof(struct sockaddr_in);
	if (getnameinfo(sa, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV))
		snprintf(out, size, "?");
	else if (sa->sa_family == AF_INET6)
		snprintf(out, size, "[%s]:%s", host, port);
	else
		snprintf(out, size, "%s:%s", host, port);
}

/* Refuse a HELLO: say why, give the text time to leave, and stop. */
static void refuse(struct kp_served *c, const char *why)
{
	kp_send_record(c->fd, KP_ERROR, why, strlen(why));
	kp_wait_acked(c->fd, kp_now() + 2);
}

static int check_hello(struct kp_served *c, const unsigned char *h,
		       uint32_t *mode, uint32_t *msg_size)
{
	struct kp_server *srv = c->srv;
	uint32_t sessions = kp_get32(h + 12);

	if (kp_get32(h) != KP_MAGIC || kp_get16(h + 4) != KP_VERSION) {
		refuse(c, "unsupported protocol version");
		return -EPROTO;
	}
	*mode = h[6];
	*msg_size = kp_get32(h + 36);
	if ((*mode != KP_BULK && *mode != KP_RR) || !sessions ||
	    (*mode == KP_RR && (*msg_size < 8 || *msg_size > KP_MAX_RECORD))) {
		refuse(c, "bad mode, session count or message size");
		return -EPROTO;
	}
	pthread_mutex_lock(&srv->lock);
	if (srv->expected == (uint32_t)-1)
		srv->expected = sessions;
	pthread_mutex_unlock(&srv->lock);
	return 0;
}

static int accept_hello(struct kp_served *c, struct kp_reader *r,
			uint32_t *mode, uint32_t *msg_size)
{
	const struct kp_options *o = c->srv->opt;
	unsigned char h[KP_HELLO_LEN], a[KP_ACCEPT_LEN] = { 0 };
	int tun[KP_T_WIRE], type, err, i;
	uint32_t len;

	err = kp_read_record(r, &type, &len, kp_now() + o->timeout);
	if (err)
		return err;
	if (type != KP_HELLO || len != KP_HELLO_LEN) {
		refuse(c, "expected HELLO");
		return -EPROTO;
	}
	err = kp_read_payload(r, h, len, kp_now() + o->timeout);
	if (err)
		return err;
	err = check_hello(c, h, mode, msg_size);
	if (err)
		return err;
	if (o->transport == KP_TCP && *mode == KP_RR)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	kp_read_tunables(c->fd, o->transport, tun);
	kp_put32(a, KP_MAGIC);
	kp_put16(a + 4, KP_VERSION);
	for (i = 0; i < KP_T_WIRE; i++)
		kp_put32(a + 8 + 4 * i, tun[i] < 0 ? 0 : tun[i]);
	return kp_send_record(c->fd, KP_ACCEPT, a, sizeof(a));
}

/* DATA and PINGs until END; fills @res with what arrived. */
static int receive(struct kp_served *c, struct kp_reader *r, uint32_t msg_size,
		   struct kp_result *res)
{
	const struct kp_options *o = c->srv->opt;
	unsigned char *pong;
	uint32_t len;
	int type, err;

	pong = malloc(4 + (msg_size > KP_END_LEN ? msg_size : KP_END_LEN));
	if (!pong)
		return -ENOMEM;
	for (;;) {
		err = kp_read_record(r, &type, &len, kp_now() + o->timeout);
		if (err)
			break;
		if (type == KP_DATA) {
			err = kp_read_payload(r, NULL, len, kp_now() + o->timeout);
			res->bytes += len;
		} else if (type == KP_PING && len + 4 <= msg_size && len >= 4) {
			err = kp_read_payload(r, pong + 4, len, kp_now() + o->timeout);
			kp_record_header(pong, KP_PONG, len);
			if (!err)
				err = kp_send_all(c->fd, pong, 4 + len);
			res->pings++;
		} else if (type == KP_END && len == KP_END_LEN) {
			err = kp_read_payload(r, pong, len, kp_now() + o->timeout);
			break;
		} else {
			err = -EPROTO;
		}
		if (err)
			break;
	}
	free(pong);
	return err;
}

static void *serve(void *arg)
{
	struct kp_served *c = arg;
	const struct kp_options *o = c->srv->opt;
	unsigned char out[KP_RESULT_LEN];
	struct kp_result res = { 0 };
	struct kp_reader r;
	uint32_t mode = 0, msg_size = 0, len;
	const char *what = NULL;
	uint64_t cpu0;
	int tun[KP_T_WIRE], type, err;
	double t0;

	err = kp_reader_init(&r, c->fd, 1 << 18);
	if (err)
		goto out;
	err = accept_hello(c, &r, &mode, &msg_size);
	if (err) {
		what = "HELLO";
		goto out_free;
	}
	t0 = kp_now();
	cpu0 = kp_thread_cpu_usec();
	err = receive(c, &r, msg_size, &res);
	if (err) {
		what = "receiving";
		goto out_free;
	}
	res.usec = (kp_now() - t0) * 1e6;
	res.cpu_usec = kp_thread_cpu_usec() - cpu0;
	kp_counters(c->fd, o->transport, &res.ctr);
	kp_encode_result(out, &res);
	err = kp_send_record(c->fd, KP_RESULT, out, sizeof(out));
	if (!err)
		err = kp_read_record(&r, &type, &len, kp_now() + o->timeout);
	if (!err && (type != KP_BYE || len))
		err = -EPROTO;
	if (err) {
		what = "waiting for BYE";
		goto out_free;
	}
	/* our ACK of BYE goes out at the next flush; close() would drop it */
	kp_read_tunables(c->fd, o->transport, tun);
	if (o->transport == KP_KCP)
		usleep((tun[KP_T_INTERVAL] > 0 ? tun[KP_T_INTERVAL] * 2 : 0) * 1000 + 50000);
out_free:
	kp_reader_free(&r);
out:
	close(c->fd);
	if (err) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%s: %s", what ? what : "setup",
			 strerror(-err));
		kp_report_served(stdout, o, c->peer, mode, &res, msg);
		pthread_mutex_lock(&c->srv->lock);
		c->srv->failed++;
		if (c->srv->expected == (uint32_t)-1)
			c->srv->expected = 0;	/* -1: no test to wait for */
		pthread_mutex_unlock(&c->srv->lock);
	} else {
		kp_report_served(stdout, o, c->peer, mode, &res, NULL);
	}
	fflush(stdout);
	if (!o->one_off)
		free(c);
	return NULL;
}

static bool one_off_complete(struct kp_server *srv, uint32_t accepted)
{
	bool done;

	pthread_mutex_lock(&srv->lock);
	done = srv->expected != (uint32_t)-1 && accepted >= srv->expected;
	pthread_mutex_unlock(&srv->lock);
	return done;
}

int kp_server(const struct kp_options *o)
{
	struct kp_server srv = { .opt = o, .expected = -1 };
	struct kp_served **kept = NULL;
	uint32_t accepted = 0, i;
	int lfd, family, status = 0;

	pthread_mutex_init(&srv.lock, NULL);
	if (kp_open(o, true, &lfd, &family))
		return 1;
	if (!o->json)
		printf("kcpperf: %s server listening on port %s\n",
		       o->transport == KP_TCP ? "tcp" : "kcp", o->port);
	fflush(stdout);
	while (!o->one_off || !one_off_complete(&srv, accepted)) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof(ss);
		struct kp_served *c, **grown;
		int fd;

		if (poll(&p, 1, 100) <= 0)
			continue;
		fd = accept(lfd, (struct sockaddr *)&ss, &sslen);
		if (fd < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED)
				continue;
			perror("kcpperf: accept");
			status = 1;
			break;
		}
		c = calloc(1, sizeof(*c));
		grown = o->one_off ? realloc(kept, (accepted + 1) * sizeof(*kept)) : kept;
		if (!c || (o->one_off && !grown)) {
			fprintf(stderr, "kcpperf: out of memory\n");
			free(c);
			close(fd);
			status = 1;
			break;
		}
		kept = grown;
		c->srv = &srv;
		c->fd = fd;
		peer_name(&ss, o->transport, c->peer, sizeof(c->peer));
		if (pthread_create(&c->thread, NULL, serve, c)) {
			fprintf(stderr, "kcpperf: cannot start a thread\n");
			close(fd);
			free(c);
			continue;
		}
		if (!o->one_off) {
			pthread_detach(c->thread);
			continue;
		}
		kept[accepted++] = c;
	}
	for (i = 0; i < accepted; i++) {
		pthread_join(kept[i]->thread, NULL);
		free(kept[i]);
	}
	free(kept);
	close(lfd);
	return status || srv.failed ? 1 : 0;
}
