/* SPDX-License-Identifier: MIT */
/*
 * server.c: the HTTP side of aml-emulator.  libmicrohttpd runs a pool
 * of threads, each with its own epoll; a request is collected whole
 * (headers, peer, body), handed to route.c's emu_dispatch, answered
 * from a buffer, and logged once it is complete.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "emu.h"

#define BODY_LIMIT (64u << 20)

/* ---- libmicrohttpd callbacks ---------------------------------------- */

static struct MHD_Daemon *daemon_;

static enum MHD_Result
add_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	emu_req_header(cls, key, value);
	return MHD_YES;
}

static int
peer_loopback(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return 0;
}

/* Whether the client closed its side: a hang-up, or a read that would
 * return end of file.  A client waiting for its answer sends nothing,
 * so anything else readable means it is still there. */
static int
conn_gone(void *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	struct pollfd p;
	char c;

	if (!ci)
		return 0;
	p.fd = ci->connect_fd;
	p.events = POLLIN | POLLRDHUP;
	p.revents = 0;
	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
		return 1;
	return (p.revents & POLLIN) && recv(p.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct emu_req *r = emu_req_new(uri, NULL);

	r->conn = c;
	return r;
}

static void
completed(void *cls, struct MHD_Connection *c, void **ptr,
    enum MHD_RequestTerminationCode toe)
{
	struct emu_req *r = *ptr;
	char t[40];

	if (!r)
		return;
	if (!r->nolog && r->method) {
		emu_time_rfc3339ms(t, sizeof t, r->t0);
		emu_log_add(r, r->stage == 3 ? r->status : 0, t);
	}
	emu_req_free(r);
	*ptr = NULL;
}

struct trunc {
	char *buf;
	size_t len, sent;
};

/* Half of the body, then the connection is closed with the rest owed. */
static ssize_t
trunc_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct trunc *t = cls;
	size_t half = t->len / 2, n;

	if (pos >= half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = half - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, t->buf + pos, n);
	return (ssize_t)n;
}

static void
trunc_free(void *cls)
{
	struct trunc *t = cls;

	free(t->buf);
	free(t);
}

static enum MHD_Result
queue(struct emu_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;
	char date[64];
	size_t len = r->out.len;
	char *body = aml_wbuf_take(&r->out);

	aml_wbuf_init(&r->out, -1);
	if (r->fault && r->fault->truncate && len > 1) {
		struct trunc *t = aml_xcalloc(1, sizeof *t);

		t->buf = body;
		t->len = len;
		resp = MHD_create_response_from_callback(len, 4096, trunc_read, t, trunc_free);
	} else {
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	}
	if (!resp)
		aml_die("out of memory");
	emu_time_http(date, sizeof date, emu_now());
	MHD_add_response_header(resp, "Date", date);
	if (r->ctype)
		MHD_add_response_header(resp, "Content-Type", r->ctype);
	for (size_t i = 0; i < r->nhdr; i += 2)
		MHD_add_response_header(resp, r->hdr[i], r->hdr[i + 1]);
	r->stage = 3;
	rc = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **ptr)
{
	struct emu_req *r = *ptr;

	if (r->stage == 0) {
		r->stage = 1;
		r->method = method;
		r->conn = c;
		r->gone = conn_gone;
		MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, r);
		r->loopback = peer_loopback(c);
		if (strncmp(r->path, "/_emu/", 6) == 0 || strcmp(r->path, "/_emu") == 0)
			r->nolog = 1;
		else
			r->fault = emu_fault_match(method, r->path);
		if (r->fault && r->fault->drop == EMU_DROP_BEFORE)
			return MHD_NO;
		return MHD_YES;
	}
	if (*size) {
		if (r->bodylen + *size > BODY_LIMIT) {
			r->toolarge = 1;
		} else {
			if (r->bodylen + *size + 1 > r->bodycap) {
				r->bodycap = (r->bodylen + *size + 1) * 2;
				r->body = aml_xrealloc(r->body, r->bodycap);
			}
			memcpy(r->body + r->bodylen, data, *size);
			r->bodylen += *size;
			r->body[r->bodylen] = '\0';
		}
		*size = 0;
		return MHD_YES;
	}
	if (r->stage != 1)
		return MHD_NO;
	r->stage = 2;
	if (!r->body)
		r->body = aml_xstrdup("");
	if (r->fault && r->fault->drop == EMU_DROP_AFTER)
		return MHD_NO;
	emu_dispatch(r);
	if (emu_cfg.verbose && !r->nolog) {
		char *u = emu_log_mask_uri(r->uri);

		fprintf(stderr, "%s: %s %s -> %d\n", aml_prog, r->method, u, r->status);
		free(u);
	}
	return queue(r);
}

static enum MHD_Result
accept_cb(void *cls, const struct sockaddr *sa, socklen_t len)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127 ?
		    MHD_YES : MHD_NO;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr) ?
		    MHD_YES : MHD_NO;
	return MHD_NO;
}

int
emu_server_start(int fd, const char *tls_key, const char *tls_cert)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_USE_SUPPRESS_DATE_NO_CLOCK;

	if (tls_key)
		flags |= MHD_USE_TLS;
	daemon_ = MHD_start_daemon(flags, 0, accept_cb, NULL, access_cb, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)EMU_THREADS,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
	    tls_key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, tls_key,
	    MHD_OPTION_HTTPS_MEM_CERT, tls_cert,
	    MHD_OPTION_END);
	return daemon_ ? 0 : -1;
}

void
emu_server_stop(void)
{
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}
