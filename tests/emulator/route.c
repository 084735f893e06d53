/* SPDX-License-Identifier: MIT */
/*
 * route.c: a request of aml-emulator from its facts to its answer, with
 * no HTTP library in sight: the route table the modules registered,
 * headers, queries and forms, the answer buffers, faults, dispatch.
 * server.c feeds it from libmicrohttpd; the fuzz target feeds it bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "emu.h"

/* ---- routes --------------------------------------------------------- */

struct croute {
	const struct emu_route *r;
	char **seg;		/* pattern segments */
	int nseg;
	int rest;		/* ends in "**" */
	int score;
};
static struct croute *table;
static size_t ntable;

static char **
split(const char *path, int *n)
{
	char **v = NULL;
	const char *p = path, *e;
	int k = 0;

	if (*p == '/')
		p++;
	while (*p) {
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		v = aml_xreallocarray(v, (size_t)k + 1, sizeof *v);
		v[k++] = aml_xstrndup(p, (size_t)(e - p));
		if (!*e)
			break;
		p = e + 1;
	}
	*n = k;
	return v;
}

static void
freesplit(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
emu_routes_init(void)
{
	for (struct emu_module *m = emu_modules; m; m = m->next) {
		for (size_t i = 0; i < m->nroutes; i++) {
			struct croute *c;
			int lit = 0, wild = 0;

			table = aml_xreallocarray(table, ntable + 1, sizeof *table);
			c = &table[ntable++];
			c->r = &m->routes[i];
			c->seg = split(c->r->pattern, &c->nseg);
			c->rest = c->nseg > 0 && strcmp(c->seg[c->nseg - 1], "**") == 0;
			if (c->rest)
				c->nseg--;
			for (int k = 0; k < c->nseg; k++)
				if (strcmp(c->seg[k], "*") == 0)
					wild++;
				else
					lit++;
			c->score = lit * 100 - wild * 2 - c->rest;
		}
	}
}

void
emu_routes_fini(void)
{
	for (size_t i = 0; i < ntable; i++)
		freesplit(table[i].seg, table[i].nseg + table[i].rest);
	free(table);
	table = NULL;
	ntable = 0;
}

static int
matches(const struct croute *c, char **seg, int n)
{
	if (n < c->nseg || (n > c->nseg && !c->rest))
		return 0;
	for (int i = 0; i < c->nseg; i++)
		if (strcmp(c->seg[i], "*") && strcasecmp(c->seg[i], seg[i]))
			return 0;
	return 1;
}

static int
method_ok(const struct croute *c, const char *method)
{
	return strcmp(c->r->method, "*") == 0 || strcmp(c->r->method, method) == 0 ||
	    (strcmp(method, "HEAD") == 0 && strcmp(c->r->method, "GET") == 0);
}

/* The best route for the path; *other is set when only another method
 * would have matched. */
static const struct croute *
lookup(struct emu_req *r, int *other)
{
	const struct croute *best = NULL;
	char **seg;
	int n;

	*other = 0;
	seg = split(r->path, &n);
	for (int i = 0; i < n; i++) {
		char *d = aml_urldec(seg[i], strlen(seg[i]), 0);

		free(seg[i]);
		seg[i] = d;
	}
	for (size_t i = 0; i < ntable; i++) {
		const struct croute *c = &table[i];

		if (!matches(c, seg, n))
			continue;
		if (!method_ok(c, r->method)) {
			*other = 1;
			continue;
		}
		if (!best || c->score > best->score)
			best = c;
	}
	if (best) {
		r->nseg = 0;
		for (int i = 0; i < best->nseg && r->nseg < EMU_MAXSEG; i++)
			if (strcmp(best->seg[i], "*") == 0)
				r->seg[r->nseg++] = aml_xstrdup(seg[i]);
		if (best->rest && r->nseg < EMU_MAXSEG) {
			struct aml_wbuf w;

			aml_wbuf_init(&w, -1);
			for (int i = best->nseg; i < n; i++) {
				if (i > best->nseg)
					aml_wputc(&w, '/');
				aml_wputs(&w, seg[i]);
			}
			r->seg[r->nseg++] = aml_wbuf_take(&w);
		}
	}
	freesplit(seg, n);
	return best;
}

/* Errors on a path no route claims still come in the shape its service
 * would use. */
static const struct emu_family *
guess_family(const char *path)
{
	const char *p = path + (*path == '/');
	const char *slash = strchr(p, '/');

	if (strncasecmp(p, "subscriptions", 13) == 0 || strncasecmp(p, "providers", 9) == 0)
		return &emu_fam_arm;
	if (strncasecmp(p, "metadata/", 9) == 0 || strncasecmp(p, "msi/", 4) == 0 ||
	    (slash && strncasecmp(slash, "/oauth2/", 8) == 0))
		return &emu_fam_entra;
	return &emu_fam_plain;
}

/* ---- request facts -------------------------------------------------- */

const char *
emu_header(struct emu_req *r, const char *name)
{
	for (size_t i = 0; i < r->nreqhdr; i += 2)
		if (strcasecmp(r->reqhdr[i], name) == 0)
			return r->reqhdr[i + 1];
	return NULL;
}

void
emu_req_header(struct emu_req *r, const char *name, const char *value)
{
	r->reqhdr = aml_xreallocarray(r->reqhdr, r->nreqhdr + 2, sizeof *r->reqhdr);
	r->reqhdr[r->nreqhdr++] = aml_xstrdup(name);
	r->reqhdr[r->nreqhdr++] = aml_xstrdup(value ? value : "");
}

/* The value of name in a query string or form body ("a=1&b=2"). */
static char *
param(const char *s, const char *name, int *found)
{
	size_t nl = strlen(name);

	*found = 0;
	while (s && *s) {
		const char *amp = strchr(s, '&'), *eq;
		size_t len = amp ? (size_t)(amp - s) : strlen(s);
		char *key;

		eq = memchr(s, '=', len);
		key = aml_urldec(s, eq ? (size_t)(eq - s) : len, 1);
		if (strlen(key) == nl && strcasecmp(key, name) == 0) {
			free(key);
			*found = 1;
			return eq ? aml_urldec(eq + 1, len - (size_t)(eq + 1 - s), 1) :
			    aml_xstrdup("");
		}
		free(key);
		s = amp ? amp + 1 : NULL;
	}
	return NULL;
}

char *
emu_query(struct emu_req *r, const char *name)
{
	int found;

	return param(r->query, name, &found);
}

char *
emu_form(const char *body, const char *name)
{
	int found;

	return param(body, name, &found);
}

int
emu_peer_loopback(struct emu_req *r)
{
	return r->loopback;
}

/* ---- answers -------------------------------------------------------- */

void
emu_set_header(struct emu_req *r, const char *name, const char *value)
{
	for (size_t i = 0; i < r->nhdr; i += 2)
		if (strcasecmp(r->hdr[i], name) == 0) {
			free(r->hdr[i + 1]);
			r->hdr[i + 1] = aml_xstrdup(value);
			return;
		}
	r->hdr = aml_xreallocarray(r->hdr, r->nhdr + 2, sizeof *r->hdr);
	r->hdr[r->nhdr++] = aml_xstrdup(name);
	r->hdr[r->nhdr++] = aml_xstrdup(value);
}

void
emu_answer(struct emu_req *r, int status, const char *ctype, const char *body,
    size_t len)
{
	r->status = status;
	free(r->ctype);
	r->ctype = ctype ? aml_xstrdup(ctype) : NULL;
	r->out.len = 0;
	if (len)
		aml_wput(&r->out, body, len);
}

void
emu_answer_json(struct emu_req *r, int status, const cJSON *j)
{
	char *s = aml_json_print(j, 0);

	emu_answer(r, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
}

/* Newtonsoft's Formatting.Indented on Windows: CRLF.  JSON strings never
 * hold a raw newline, so every '\n' of the writer is a line end. */
void
emu_answer_pretty(struct emu_req *r, int status, const cJSON *j)
{
	char *s = aml_json_print(j, AML_JW_PRETTY);

	r->status = status;
	free(r->ctype);
	r->ctype = aml_xstrdup("application/json; charset=utf-8");
	r->out.len = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\n')
			aml_wputc(&r->out, '\r');
		aml_wputc(&r->out, *p);
	}
	free(s);
}

void
emu_answer_error(struct emu_req *r, int status, const char *code, const char *message)
{
	r->family->error(r, status, code, message);
}

static void
plain_error(struct emu_req *r, int status, const char *code, const char *message)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");

	cJSON_AddStringToObject(e, "code", *code ? code : status == 404 ? "NotFound" :
	    status == 405 ? "MethodNotAllowed" : status >= 500 ? "InternalServerError" : "BadRequest");
	cJSON_AddStringToObject(e, "message", message);
	emu_answer_json(r, status, j);
	cJSON_Delete(j);
}

const struct emu_family emu_fam_plain = { "plain", plain_error };

/* ---- faults --------------------------------------------------------- */

static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A fault's delay, in slices: it ends early when the client goes away,
 * so that a stalled answer the client gave up on does not hold one of
 * the server's few threads for the rest of the delay. */
static void
delay(struct emu_req *r, long ms)
{
	if (ms > 120000)
		ms = 120000;
	for (; ms > 0; ms -= 50) {
		sleep_ms(ms < 50 ? ms : 50);
		if (r->gone && r->gone(r->conn))
			return;
	}
}

static const char html[] =
    "<!DOCTYPE html>\r\n<html><head><title>Service Unavailable</title></head>\r\n"
    "<body><h1>Service Unavailable</h1><p>The service is temporarily "
    "unavailable. Please try again later.</p></body></html>\r\n";

/* 1 when the fault answered the request. */
static int
apply_fault(struct emu_req *r)
{
	struct emu_fault *f = r->fault;
	char buf[32];

	if (!f)
		return 0;
	if (f->delay_ms > 0)
		delay(r, f->delay_ms);
	/* An HTML page, with the status given: what a gateway in front of
	 * the service answers when it is unwell.  carriedOut: after the
	 * service did what it was asked (see below). */
	if (f->notjson && !f->carried_out) {
		emu_answer(r, f->status ? f->status : 200, "text/html", html, sizeof html - 1);
		if (f->retry_after >= 0) {
			snprintf(buf, sizeof buf, "%ld", f->retry_after);
			emu_set_header(r, "Retry-After", buf);
		}
		return 1;
	}
	/* A body of the test's own: a page with a nextLink anywhere. */
	if (f->body) {
		emu_answer(r, f->status ? f->status : 200, "application/json; charset=utf-8",
		    f->body, strlen(f->body));
		return 1;
	}
	if (f->status) {
		char *msg = f->message ? aml_xstrdup(f->message) :
		    aml_xasprintf("Injected fault: HTTP %d.", f->status);

		r->family->error(r, f->status, f->code ? f->code : "", msg);
		free(msg);
		if (f->retry_after >= 0) {
			snprintf(buf, sizeof buf, "%ld", f->retry_after);
			emu_set_header(r, "Retry-After", buf);
		}
		return 1;
	}
	return 0;
}

/* ---- requests ------------------------------------------------------ */

struct emu_req *
emu_req_new(const char *uri, const char *method)
{
	struct emu_req *r = aml_xcalloc(1, sizeof *r);
	char *q;

	r->uri = aml_xstrdup(uri);
	q = strchr(r->uri, '?');
	r->path = q ? aml_xstrndup(r->uri, (size_t)(q - r->uri)) : aml_xstrdup(r->uri);
	r->query = q ? q + 1 : "";
	r->method = method;
	r->t0 = emu_now_ms();
	aml_wbuf_init(&r->out, -1);
	return r;
}

void
emu_req_free(struct emu_req *r)
{
	for (int i = 0; i < r->nseg; i++)
		free(r->seg[i]);
	for (size_t i = 0; i < r->nhdr; i++)
		free(r->hdr[i]);
	free(r->hdr);
	for (size_t i = 0; i < r->nreqhdr; i++)
		free(r->reqhdr[i]);
	free(r->reqhdr);
	aml_wbuf_free(&r->out);
	free(r->ctype);
	if (r->body)
		aml_wipe(r->body, r->bodylen);
	free(r->body);
	free(r->path);
	free(r->uri);
	emu_fault_free(r->fault);
	free(r);
}

void
emu_dispatch(struct emu_req *r)
{
	const struct croute *c;
	int other;

	c = lookup(r, &other);
	r->route = c ? c->r : NULL;
	r->family = c && c->r->family ? c->r->family : guess_family(r->path);
	emu_guid(r->reqid);
	emu_guid(r->corrid);
	if (apply_fault(r))
		goto headers;
	if (r->toolarge) {
		emu_answer_error(r, 413, "RequestEntityTooLarge",
		    "The request content is too large.");
	} else if (c) {
		c->r->fn(r);
		if (!r->status)
			emu_answer_error(r, 500, "InternalServerError",
			    "The handler gave no answer.");
		/* Done, but the answer that comes back is not the service's. */
		if (r->fault && r->fault->carried_out && r->status / 100 == 2)
			emu_answer(r, r->status, "text/html", html, sizeof html - 1);
	} else if (other) {
		char *m = aml_xasprintf("The requested resource does not support http method '%s'.",
		    r->method);

		emu_answer_error(r, 405, "", m);
		free(m);
	} else {
		char *m = aml_xasprintf("No route for %s %s.", r->method, r->path);

		emu_answer_error(r, 404, "", m);
		free(m);
	}
headers:
	/* Headers a fault adds go on whatever was answered. */
	for (size_t i = 0; r->fault && i + 1 < r->fault->nheaders; i += 2)
		emu_set_header(r, r->fault->headers[i], r->fault->headers[i + 1]);
}

/* Single quotes hold anything but a single quote, which is closed,
 * escaped and reopened: the value reaches eval as it is. */
void
emu_export(struct aml_wbuf *w, const char *name, const char *value)
{
	aml_wprintf(w, "export %s='", name);
	for (const char *p = value; *p; p++)
		if (*p == '\'')
			aml_wputs(w, "'\\''");
		else
			aml_wputc(w, *p);
	aml_wputs(w, "'\n");
}
