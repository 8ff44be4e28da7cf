// SPDX-License-Identifier: GPL-2.0
/*
 * 9p-rdma-gw: a test gateway between 9P over RDMA (RDMA CM, one 9P
 * message per SEND, msize-sized receive buffers) and a 9P server on a
 * unix or tcp stream socket (e.g. diod).  Messages are relayed unchanged,
 * tags included.  Each accepted RDMA connection gets its own connection
 * to the server and two threads: one waits for completions (client ->
 * server), one reads the server's stream (server -> client).
 *
 * Fault injection (counts are per connection, messages from 1):
 *   --drop-after N    disconnect after relaying N client messages
 *   --stall-after N   relay no reply after the first N (keep the link)
 *   --corrupt-len N   the first reply from N on that is not an Rclunk or
 *                     Rflush gets a size field one larger than its length
 *   --bad-tag N       reply N gets a tag nobody asked for
 *   --truncate N      reply N is cut to 5 bytes
 *   --garbage N       the first reply from N on that is not an Rclunk or
 *                     Rflush keeps its size field and tag, but its type
 *                     becomes another one and its body random bytes
 *   --garbage-body N  every reply from N on keeps size, type and tag but
 *                     gets a random body (the client must survive it)
 *   --qp-error-after N
 *                     the first connection only: after relaying N client
 *                     messages, put its QP in the error state and relay
 *                     nothing more, without a CM disconnect: the client
 *                     learns of it only when its next SEND goes
 *                     unacknowledged (transport retries exceeded)
 *
 * Usage: 9p-rdma-gw [-a ADDR] [-p PORT] [-m BUFSIZE] [-q DEPTH] [-v]
 *                   -s unix:PATH|tcp:HOST:PORT [FAULTS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <rdma/rdma_cma.h>
#include <infiniband/verbs.h>

struct opts {
	const char *addr;
	const char *port;
	const char *server;
	size_t bufsize;
	int depth;
	int verbose;
	long drop_after, stall_after, corrupt_len, bad_tag, truncate;
	long garbage, garbage_body, qp_error_after;
};

static struct opts o = {
	.addr = "0.0.0.0", .port = "5640", .bufsize = 1024 * 1024,
	.depth = 64,
};

struct conn {
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_comp_channel *ch;
	struct ibv_cq *cq;
	struct ibv_mr *rmr, *smr;
	char *rbufs, *sbufs;
	char *scratch;		/* a client message on its way to the server */
	int *sfree;		/* stack of free send slots */
	int nfree;
	int sock;
	volatile int dead;
	volatile int silenced;	/* --qp-error-after: QP in error, no disconnect */
	long from_client, from_server;
	int corrupted, garbled;
	uint64_t rnd;		/* xorshift state for --garbage* */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t cq_thr, sock_thr, reaper;
	int n;
};

static void logf_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("9p-rdma-gw: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int connect_server(const char *spec)
{
	int fd;

	if (!strncmp(spec, "unix:", 5)) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		strncpy(sun.sun_path, spec + 5, sizeof(sun.sun_path) - 1);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (void *)&sun, sizeof(sun))) {
			logf_("connect %s: %s", spec, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		return fd;
	}
	if (!strncmp(spec, "tcp:", 4)) {
		char host[256], *port;
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;

		snprintf(host, sizeof(host), "%s", spec + 4);
		port = strrchr(host, ':');
		if (!port)
			return -1;
		*port++ = 0;
		if (getaddrinfo(host, port, &hints, &ai))
			return -1;
		fd = socket(ai->ai_family, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			logf_("connect %s: %s", spec, strerror(errno));
			if (fd >= 0)
				close(fd);
			fd = -1;
		}
		freeaddrinfo(ai);
		return fd;
	}
	logf_("bad server %s", spec);
	return -1;
}

static int post_recv(struct conn *c, int i)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)(c->rbufs + (size_t)i * o.bufsize),
		.length = o.bufsize, .lkey = c->rmr->lkey,
	};
	struct ibv_recv_wr wr = { .wr_id = i, .sg_list = &sge, .num_sge = 1 };
	struct ibv_recv_wr *bad;

	return ibv_post_recv(c->id->qp, &wr, &bad);
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= r;
	}
	return 0;
}

static int read_all(int fd, char *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= r;
	}
	return 0;
}

static void kill_conn(struct conn *c, const char *why)
{
	if (__sync_lock_test_and_set(&c->dead, 1))
		return;
	logf_("conn %d: closing: %s", c->n, why);
	rdma_disconnect(c->id);
	shutdown(c->sock, SHUT_RDWR);
	pthread_mutex_lock(&c->lock);
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static uint64_t next_rnd(struct conn *c)
{
	c->rnd ^= c->rnd << 13;
	c->rnd ^= c->rnd >> 7;
	c->rnd ^= c->rnd << 17;
	return c->rnd;
}

/* Random bytes over m[from, size). */
static void scribble(struct conn *c, char *m, uint32_t from, uint32_t size)
{
	uint32_t i;

	for (i = from; i < size; i++)
		m[i] = (char)next_rnd(c);
}

/*
 * The QP dies without telling the peer: its receives and sends are
 * flushed, and the client's next SEND is never acknowledged.
 */
static void silence(struct conn *c)
{
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_ERR };

	if (__sync_lock_test_and_set(&c->silenced, 1))
		return;
	if (ibv_modify_qp(c->id->qp, &a, IBV_QP_STATE))
		logf_("conn %d: QP not put in the error state: %s", c->n,
		      strerror(errno));
	else
		logf_("conn %d: QP put in the error state after %ld messages (--qp-error-after)",
		      c->n, c->from_client);
}

/* Client -> server, and send completions. */
static void *cq_thread(void *arg)
{
	struct conn *c = arg;
	struct ibv_wc wc[16];
	struct ibv_cq *cq;
	void *ctx;
	int n, i;

	while (!c->dead) {
		struct pollfd pfd = { .fd = c->ch->fd, .events = POLLIN };

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if (ibv_get_cq_event(c->ch, &cq, &ctx))
			break;
		ibv_ack_cq_events(cq, 1);
		ibv_req_notify_cq(cq, 0);
		while ((n = ibv_poll_cq(cq, 16, wc)) > 0) {
			for (i = 0; i < n; i++) {
				if (c->silenced)
					continue;	/* flushed or late: dropped */
				if (wc[i].status != IBV_WC_SUCCESS) {
					kill_conn(c, ibv_wc_status_str(wc[i].status));
					continue;
				}
				if (wc[i].opcode == IBV_WC_SEND) {
					pthread_mutex_lock(&c->lock);
					c->sfree[c->nfree++] = wc[i].wr_id;
					pthread_cond_signal(&c->cond);
					pthread_mutex_unlock(&c->lock);
					continue;
				}
				/*
				 * A message from the client.  Its buffer goes
				 * back to the receive queue before the server
				 * sees the message: the reply may come at once,
				 * and a client that does no RNR retries (the
				 * kernel's 9pnet_rdma: rnr_retry_count 0) must
				 * find a buffer posted for its next request.
				 */
				char *m = c->scratch;

				memcpy(m, c->rbufs + wc[i].wr_id * o.bufsize,
				       wc[i].byte_len);
				if (post_recv(c, wc[i].wr_id)) {
					kill_conn(c, "post_recv failed");
					continue;
				}

				c->from_client++;
				if (o.verbose)
					logf_("conn %d: -> %u bytes type %u tag %u",
					      c->n, wc[i].byte_len,
					      wc[i].byte_len > 4 ? (unsigned char)m[4] : 0,
					      wc[i].byte_len > 6 ? (unsigned char)m[5] | (unsigned char)m[6] << 8 : 0);
				if (write_all(c->sock, m, wc[i].byte_len)) {
					kill_conn(c, "server write failed");
					continue;
				}
				if (o.drop_after && c->from_client >= o.drop_after)
					kill_conn(c, "--drop-after reached");
				if (o.qp_error_after && c->n == 1 &&
				    c->from_client >= o.qp_error_after)
					silence(c);
			}
		}
	}
	return NULL;
}

/* Server -> client. */
static void *sock_thread(void *arg)
{
	struct conn *c = arg;
	unsigned char hdr[4];
	uint32_t size;
	int slot;

	while (!c->dead) {
		char *m;

		if (read_all(c->sock, (char *)hdr, 4)) {
			kill_conn(c, "server closed");
			break;
		}
		size = hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (uint32_t)hdr[3] << 24;
		if (size < 7 || size > o.bufsize) {
			kill_conn(c, "bad message size from server");
			break;
		}
		pthread_mutex_lock(&c->lock);
		while (!c->nfree && !c->dead)
			pthread_cond_wait(&c->cond, &c->lock);
		slot = c->nfree ? c->sfree[--c->nfree] : -1;
		pthread_mutex_unlock(&c->lock);
		if (slot < 0)
			break;
		m = c->sbufs + (size_t)slot * o.bufsize;
		memcpy(m, hdr, 4);
		if (read_all(c->sock, m + 4, size - 4)) {
			kill_conn(c, "server closed");
			break;
		}
		c->from_server++;
		if (c->silenced ||
		    (o.stall_after && c->from_server > o.stall_after)) {
			pthread_mutex_lock(&c->lock);
			c->sfree[c->nfree++] = slot;
			pthread_mutex_unlock(&c->lock);
			continue;
		}
		/* The first reply from N on whose loss a caller sees. */
		if (o.corrupt_len && c->from_server >= o.corrupt_len &&
		    !c->corrupted && (unsigned char)m[4] != 121 &&
		    (unsigned char)m[4] != 109) {
			c->corrupted = 1;
			m[0]++;
		}
		if (o.bad_tag == c->from_server) {
			m[5] ^= 0x55;
			m[6] ^= 0x55;
		}
		if (o.truncate == c->from_server)
			size = 5;
		if (o.garbage && c->from_server >= o.garbage && !c->garbled &&
		    (unsigned char)m[4] != 121 && (unsigned char)m[4] != 109) {
			c->garbled = 1;
			/* never the type the client waits for */
			m[4] ^= (char)(1 + next_rnd(c) % 255);
			scribble(c, m, 7, size);
		}
		if (o.garbage_body && c->from_server >= o.garbage_body)
			scribble(c, m, 7, size);
		if (o.verbose)
			logf_("conn %d: <- %u bytes type %u tag %u", c->n, size,
			      (unsigned char)m[4],
			      (unsigned char)m[5] | (unsigned char)m[6] << 8);

		struct ibv_sge sge = {
			.addr = (uintptr_t)m, .length = size,
			.lkey = c->smr->lkey,
		};
		struct ibv_send_wr wr = {
			.wr_id = slot, .sg_list = &sge, .num_sge = 1,
			.opcode = IBV_WR_SEND, .send_flags = IBV_SEND_SIGNALED,
		}, *bad;

		if (ibv_post_send(c->id->qp, &wr, &bad)) {
			kill_conn(c, "post_send failed");
			break;
		}
	}
	return NULL;
}

/* Waits for both threads, then frees the connection. */
static void *reaper(void *arg)
{
	struct conn *c = arg;

	pthread_join(c->sock_thr, NULL);
	pthread_join(c->cq_thr, NULL);
	logf_("conn %d: done (%ld messages in, %ld out)", c->n,
	      c->from_client, c->from_server);
	rdma_destroy_qp(c->id);
	ibv_dereg_mr(c->rmr);
	ibv_dereg_mr(c->smr);
	ibv_destroy_cq(c->cq);
	ibv_destroy_comp_channel(c->ch);
	ibv_dealloc_pd(c->pd);
	rdma_destroy_id(c->id);
	close(c->sock);
	free(c->rbufs);
	free(c->sbufs);
	free(c->sfree);
	free(c->scratch);
	free(c);
	return NULL;
}

static void on_connect_request(struct rdma_cm_event *ev)
{
	static int nconn;
	struct rdma_conn_param *p = &ev->param.conn, acc = {};
	struct rdma_cm_id *id = ev->id;
	struct ibv_qp_init_attr qa = {};
	struct conn *c;
	int i;

	logf_("connect request: private_data_len %u, initiator_depth %u, responder_resources %u, retry_count %u, rnr_retry_count %u, flow_control %u",
	      p->private_data_len, p->initiator_depth, p->responder_resources,
	      p->retry_count, p->rnr_retry_count, p->flow_control);
	if (p->private_data_len && p->private_data) {
		const unsigned char *d = p->private_data;
		char hex[3 * 64 + 1] = "";

		for (i = 0; i < p->private_data_len && i < 64; i++)
			sprintf(hex + 3 * i, "%02x ", d[i]);
		logf_("private data: %s", hex);
	}
	c = calloc(1, sizeof(*c));
	c->n = ++nconn;
	c->rnd = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)getpid() << 20) ^ (uint64_t)c->n;
	c->id = id;
	id->context = c;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->sock = connect_server(o.server);
	if (c->sock < 0)
		goto reject;
	c->pd = ibv_alloc_pd(id->verbs);
	c->ch = ibv_create_comp_channel(id->verbs);
	c->cq = ibv_create_cq(id->verbs, 2 * o.depth + 2, c, c->ch, 0);
	if (!c->pd || !c->ch || !c->cq)
		goto reject;
	ibv_req_notify_cq(c->cq, 0);
	qa.send_cq = c->cq;
	qa.recv_cq = c->cq;
	qa.qp_type = IBV_QPT_RC;
	qa.cap.max_send_wr = o.depth;
	qa.cap.max_recv_wr = o.depth;
	qa.cap.max_send_sge = 1;
	qa.cap.max_recv_sge = 1;
	if (rdma_create_qp(id, c->pd, &qa)) {
		logf_("rdma_create_qp: %s", strerror(errno));
		goto reject;
	}
	c->rbufs = malloc(o.bufsize * o.depth);
	c->sbufs = malloc(o.bufsize * o.depth);
	c->sfree = malloc(sizeof(int) * o.depth);
	c->scratch = malloc(o.bufsize);
	c->rmr = ibv_reg_mr(c->pd, c->rbufs, o.bufsize * o.depth,
			    IBV_ACCESS_LOCAL_WRITE);
	c->smr = ibv_reg_mr(c->pd, c->sbufs, o.bufsize * o.depth, 0);
	if (!c->rmr || !c->smr || !c->scratch)
		goto reject;
	for (i = 0; i < o.depth; i++) {
		c->sfree[c->nfree++] = i;
		if (post_recv(c, i))
			goto reject;
	}
	/*
	 * A loaded TCG guest can leave soft-RoCE's ACKs late by seconds:
	 * with the default ACK timeout our sends ran out of retries
	 * ("transport retry counter exceeded") and the kernel's client,
	 * left with a dead connection, hung.  About 4 s per try (4.096 us
	 * << 20), before the QP is made ready to send by the accept.
	 */
	{
		uint8_t ack_timeout = 20;

		if (rdma_set_option(id, RDMA_OPTION_ID, RDMA_OPTION_ID_ACK_TIMEOUT,
				    &ack_timeout, sizeof(ack_timeout)))
			logf_("conn %d: ACK timeout not set: %s", c->n, strerror(errno));
	}
	acc.rnr_retry_count = 7;
	acc.retry_count = 6;
	if (rdma_accept(id, &acc)) {
		logf_("rdma_accept: %s", strerror(errno));
		goto reject;
	}
	pthread_create(&c->cq_thr, NULL, cq_thread, c);
	pthread_create(&c->sock_thr, NULL, sock_thread, c);
	pthread_create(&c->reaper, NULL, reaper, c);
	pthread_detach(c->reaper);
	logf_("conn %d: accepted", c->n);
	return;
reject:
	logf_("conn %d: rejecting", c->n);
	rdma_reject(id, NULL, 0);
	if (id->qp)
		rdma_destroy_qp(id);
	id->context = NULL;	/* the event loop destroys the id */
	if (c->rmr)
		ibv_dereg_mr(c->rmr);
	if (c->smr)
		ibv_dereg_mr(c->smr);
	if (c->cq)
		ibv_destroy_cq(c->cq);
	if (c->ch)
		ibv_destroy_comp_channel(c->ch);
	if (c->pd)
		ibv_dealloc_pd(c->pd);
	if (c->sock >= 0)
		close(c->sock);
	free(c->rbufs);
	free(c->sbufs);
	free(c->sfree);
	free(c->scratch);
	free(c);
}

static void usage(void)
{
	fprintf(stderr, "usage: 9p-rdma-gw [-a ADDR] [-p PORT] [-m BUFSIZE] [-q DEPTH] [-v] -s unix:PATH|tcp:HOST:PORT\n"
		"       [--drop-after N] [--stall-after N] [--corrupt-len N] [--bad-tag N] [--truncate N]\n"
		"       [--garbage N] [--garbage-body N] [--qp-error-after N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "drop-after", 1, NULL, 'D' }, { "stall-after", 1, NULL, 'S' },
		{ "corrupt-len", 1, NULL, 'C' }, { "bad-tag", 1, NULL, 'T' },
		{ "truncate", 1, NULL, 'R' }, { "garbage", 1, NULL, 'G' },
		{ "garbage-body", 1, NULL, 'B' }, { "qp-error-after", 1, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	struct rdma_event_channel *ec;
	struct rdma_cm_id *lid;
	struct rdma_cm_event *ev;
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST }, *ai;
	int ch;

	setvbuf(stderr, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt_long(argc, argv, "a:p:s:m:q:v", lo, NULL)) != -1) {
		switch (ch) {
		case 'a': o.addr = optarg; break;
		case 'p': o.port = optarg; break;
		case 's': o.server = optarg; break;
		case 'm': o.bufsize = strtoul(optarg, NULL, 0); break;
		case 'q': o.depth = atoi(optarg); break;
		case 'v': o.verbose = 1; break;
		case 'D': o.drop_after = atol(optarg); break;
		case 'S': o.stall_after = atol(optarg); break;
		case 'C': o.corrupt_len = atol(optarg); break;
		case 'T': o.bad_tag = atol(optarg); break;
		case 'R': o.truncate = atol(optarg); break;
		case 'G': o.garbage = atol(optarg); break;
		case 'B': o.garbage_body = atol(optarg); break;
		case 'E': o.qp_error_after = atol(optarg); break;
		default: usage();
		}
	}
	if (!o.server || o.depth < 1 || o.bufsize < 4096)
		usage();
	ec = rdma_create_event_channel();
	if (!ec || rdma_create_id(ec, &lid, NULL, RDMA_PS_TCP)) {
		logf_("rdma cm: %s", strerror(errno));
		return 1;
	}
	if (getaddrinfo(o.addr, o.port, &hints, &ai)) {
		logf_("bad address %s", o.addr);
		return 1;
	}
	if (rdma_bind_addr(lid, ai->ai_addr) || rdma_listen(lid, 16)) {
		logf_("bind/listen %s:%s: %s", o.addr, o.port, strerror(errno));
		return 1;
	}
	freeaddrinfo(ai);
	logf_("listening on %s port %s, server %s", o.addr, o.port, o.server);
	while (!rdma_get_cm_event(ec, &ev)) {
		struct rdma_cm_id *id = ev->id;
		struct conn *c = id->context;
		enum rdma_cm_event_type type = ev->event;

		if (o.verbose || type != RDMA_CM_EVENT_CONNECT_REQUEST)
			logf_("event %s", rdma_event_str(type));
		switch (type) {
		case RDMA_CM_EVENT_CONNECT_REQUEST:
			on_connect_request(ev);
			c = id->context;
			rdma_ack_cm_event(ev);
			if (!c)
				rdma_destroy_id(id);
			continue;
		case RDMA_CM_EVENT_DISCONNECTED:
			if (c)
				kill_conn(c, rdma_event_str(type));
			break;
		case RDMA_CM_EVENT_DEVICE_REMOVAL:
			/*
			 * librdmacm keeps every device open for the process
			 * lifetime and rxe cannot disassociate user contexts:
			 * the device goes only when this process exits.
			 */
			logf_("device removed: exiting");
			_exit(3);
		default:
			break;
		}
		rdma_ack_cm_event(ev);
	}
	return 0;
}
