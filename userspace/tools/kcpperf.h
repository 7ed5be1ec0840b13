/* SPDX-License-Identifier: MIT OR GPL-2.0 */
/*
 * kcpperf: measure KCP (kcp.ko) and TCP the same way. Shared between
 * kcpperf.c (options), kcpperf_wire.c (the protocol and sockets),
 * kcpperf_client.c, kcpperf_server.c and kcpperf_report.c (output).
 *
 * THE KCPPERF PROTOCOL (version 1)
 *
 * One test session is one stream connection (AF_KCP SOCK_STREAM, or TCP).
 * Both directions carry records:
 *
 *	+--------+-----------------+-------------------+
 *	| type 8 | length 24 bits  | length bytes ...  |
 *	+--------+-----------------+-------------------+
 *	  one little-endian u32: type << 24 | length
 *
 * All integers are little-endian. AF_KCP has no end-of-file yet (KCP has
 * no FIN), so nothing relies on close(): every length is explicit and a
 * session ends with an explicit exchange.
 *
 *	client                                  server
 *	HELLO  'H' {magic, version, mode, ...}  ->
 *	                                        <-  ACCEPT 'A' {magic, version,
 *	                                                        its tunables}
 *	bulk:  DATA 'D' {payload} ...           ->  (counted, discarded)
 *	rr:    PING 'Q' {u32 seq, filler}       ->
 *	                                        <-  PONG 'P' {the same payload}
 *	END    'E' {bytes sent, pings sent}     ->
 *	                                        <-  RESULT 'R' {what it received,
 *	                                                        its counters}
 *	BYE    'B' {}                           ->
 *
 * A server that refuses a HELLO answers ERROR 'X' {text} instead of ACCEPT.
 * After BYE the client closes once the server has acknowledged everything
 * (SIOCOUTQ 0, bounded wait); the server lingers a moment after BYE so its
 * acknowledgement of BYE leaves before its close() drops it. In rr mode
 * a PING record is the whole message (header included), so "64-byte
 * messages" are 64 bytes of stream each way.
 *
 * HELLO payload (48 bytes):
 *	 0 u32 magic 0x4650504b ("KPPF")	 4 u16 version	 6 u8 mode
 *	 7 u8 transport (1 KCP, 2 TCP)		 8 u32 session index
 *	12 u32 sessions in the test		16 u64 test id (random)
 *	24 u64 bytes to send (0: by time)	32 u32 duration in ms
 *	36 u32 message size			40 u32 gap between PINGs in us
 *	44 u32 PINGs to send
 * ACCEPT payload (40 bytes): 0 u32 magic, 4 u16 version, 6 u16 zero, then
 *	8 u32 x 8: nodelay interval resend nc sndwnd rcvwnd mtu minrto as
 *	the server's session has them (all zero over TCP)
 * END payload (16 bytes): 0 u64 DATA payload bytes sent, 8 u32 PINGs
 *	sent, 12 u32 zero
 * RESULT payload (88 bytes): 0 u64 DATA payload bytes received, 8 u64
 *	microseconds from ACCEPT to END, 16 u64 CPU microseconds of the
 *	serving thread, 24 u64 bytes sent (KCP: UDP payload; TCP:
 *	tcpi_bytes_sent), 32 u64 datagrams/segments sent, 40/48/56 u64
 *	retransmissions (timeout, fast, early; TCP: all in timeout),
 *	64 u32 PINGs received, 68 u32 zero, 72 u64 duplicate segments
 *	received, 80 u64 segments refused (window or memory; TCP: 0)
 */
#ifndef KCPPERF_H
#define KCPPERF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>

#define KP_MAGIC		0x4650504bu
#define KP_VERSION		1
#define KP_DEFAULT_PORT		"5333"
#define KP_MAX_RECORD		((1u << 24) - 1)
#define KP_HELLO_LEN		48
#define KP_ACCEPT_LEN		40
#define KP_END_LEN		16
#define KP_RESULT_LEN		88

enum kp_record {
	KP_HELLO = 'H',
	KP_ACCEPT = 'A',
	KP_DATA = 'D',
	KP_PING = 'Q',
	KP_PONG = 'P',
	KP_END = 'E',
	KP_RESULT = 'R',
	KP_BYE = 'B',
	KP_ERROR = 'X',
};

enum kp_mode { KP_BULK = 1, KP_RR = 2 };
enum kp_transport { KP_KCP = 1, KP_TCP = 2 };

/* The SOL_KCP integer tunables kcpperf sets; -1: leave as it is. */
enum kp_tunable {
	KP_T_NODELAY, KP_T_INTERVAL, KP_T_RESEND, KP_T_NC,
	KP_T_SNDWND, KP_T_RCVWND, KP_T_MTU, KP_T_MINRTO,
	KP_T_ACK_NODELAY,
	KP_T_COUNT
};

#define KP_T_WIRE	8	/* the first eight travel in ACCEPT */

struct kp_options {
	bool server, one_off, json, samples;
	bool stock;			/* client: the server is a stock KCP one */
	enum kp_transport transport;
	enum kp_mode mode;
	const char *host;		/* client: the server */
	const char *bind;		/* server: the address to listen on */
	const char *port;
	uint64_t bytes;			/* 0: by time (or count in rr) */
	double seconds;
	uint32_t count;			/* rr: round trips */
	uint32_t msg_size;
	double rate;			/* rr: PINGs per second */
	double report_every;		/* 0: no interval lines */
	double timeout;			/* give up on a silent peer, seconds */
	int parallel;
	const char *profile;
	int tun[KP_T_COUNT];
};

/* Transport counters of one socket, KCP or TCP alike. */
struct kp_counters {
	uint64_t out_bytes, out_pkts;
	uint64_t retrans_timeout, retrans_fast, retrans_early;
	uint64_t repeat_segs, dropped_segs;
	uint32_t srtt_ms, rto_ms;
};

/* What the server sends back in RESULT. */
struct kp_result {
	uint64_t bytes, usec, cpu_usec;
	struct kp_counters ctr;
	uint32_t pings;
};

/* One client session; the counters marked live are read while it runs. */
struct kp_session {
	const struct kp_options *opt;
	uint32_t index;
	uint64_t test_id;
	pthread_t thread;
	/* live, read and written with __atomic builtins */
	uint64_t live_bytes, live_rt, live_rtt_sum, live_rtt_max, live_retrans;
	int started;			/* 1 after ACCEPT, -1 failed */
	int done;
	/* results, valid once the thread has ended */
	int err;			/* 0 or a negative errno */
	char what[96];			/* where it failed */
	int family;			/* AF_INET or AF_INET6 */
	int tun[KP_T_WIRE], peer_tun[KP_T_WIRE];
	uint64_t bytes;			/* DATA payload sent */
	double seconds;			/* ACCEPT received .. RESULT received */
	uint64_t cpu_usec;		/* this thread */
	struct kp_counters ctr;
	struct kp_result peer;
	uint32_t *rtt_us;		/* rr: one per PING, 0: no PONG */
	uint32_t pings;
};

/* kcpperf_wire.c: encoding, records, sockets */
struct kp_reader {
	int fd;
	unsigned char *buf;
	size_t cap, start, end;
};

void kp_put16(unsigned char *p, uint16_t v);
void kp_put32(unsigned char *p, uint32_t v);
void kp_put64(unsigned char *p, uint64_t v);
uint16_t kp_get16(const unsigned char *p);
uint32_t kp_get32(const unsigned char *p);
uint64_t kp_get64(const unsigned char *p);

double kp_now(void);
uint64_t kp_thread_cpu_usec(void);
int kp_host_cpu_usec(uint64_t *busy);

int kp_reader_init(struct kp_reader *r, int fd, size_t cap);
void kp_reader_free(struct kp_reader *r);
int kp_fill(struct kp_reader *r, double deadline);
int kp_read_record(struct kp_reader *r, int *type, uint32_t *len, double deadline);
int kp_read_payload(struct kp_reader *r, void *dst, size_t len, double deadline);
int kp_send_all(int fd, const void *buf, size_t len);
int kp_send_record(int fd, int type, const void *payload, uint32_t len);
void kp_record_header(unsigned char *p, int type, uint32_t len);
int kp_wait_acked(int fd, double deadline);

int kp_open(const struct kp_options *opt, bool listening, int *fd, int *family);
int kp_apply_tunables(int fd, const struct kp_options *opt);
void kp_read_tunables(int fd, enum kp_transport t, int *tun);
int kp_counters(int fd, enum kp_transport t, struct kp_counters *c);
unsigned int kp_header_bytes(int fd, enum kp_transport t);

void kp_encode_result(unsigned char *p, const struct kp_result *res);
void kp_decode_result(const unsigned char *p, struct kp_result *res);

/* kcpperf_client.c, kcpperf_server.c */
int kp_client(const struct kp_options *opt);
int kp_server(const struct kp_options *opt);

/* kcpperf_report.c */
struct kp_interval {
	double start, end;
	uint64_t bytes, rt, rtt_sum, rtt_max, retrans;
};

extern const char *const kp_tunable_names[KP_T_COUNT];

void kp_report_start(FILE *out, const struct kp_options *opt, const int *tun,
		     const int *peer_tun);
void kp_report_interval(FILE *out, const struct kp_options *opt,
			const struct kp_interval *iv);
int kp_report_summary(FILE *out, const struct kp_options *opt,
		      struct kp_session *s, int n, uint64_t host_cpu_usec);
void kp_report_served(FILE *out, const struct kp_options *opt,
		      const char *peer, int mode, const struct kp_result *res,
		      const char *error);

#endif /* KCPPERF_H */
