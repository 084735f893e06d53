/* SPDX-License-Identifier: MIT */
/*
 * http.c: the one place libcurl is used.  One easy handle per process,
 * reset between requests but never closed, so connections and TLS
 * sessions are kept alive across a program's requests.  Here are the
 * rules every network program shares: TLS always verified, plain http
 * only to loopback, no proxy for loopback and IMDS, retries only for
 * what is transient (and for non-idempotent methods only when the
 * request never left), one error line that names the method, path,
 * status, error codes and request id, and a -v trace with every secret
 * masked.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "amlnet.h"

#define CONNECT_MS_DEFAULT 10000L
#define TOTAL_MS_DEFAULT 120000L
#define RETRY_MAX_DEFAULT 4
#define RETRY_BASE_DEFAULT 1000L
#define RETRY_CAP_DEFAULT 30000L
#define RETRY_AFTER_MAX 600L	/* seconds; longer waits are not retried */
#define RETRY_AFTER_CLAMP 86400L
#define TRACE_BODY_MAX 4096

int aml_verbose;

static CURL *curl;
static long total_ms;	/* 0: AML_HTTP_TIMEOUT_MS, else the default */
static char *cabundle;

/* The transfer in progress: what the callbacks need. */
struct xfer {
	const struct aml_req *q;
	struct aml_resp *r;
	size_t limit;
	int sent;		/* the request left for the server */
	int toobig;
	int cut;		/* its time limit is what was left of -m's */
};

/* A network program holds tokens and keys in memory: a core dump would
 * write them to disk, and another process of the user could read them
 * with ptrace.  Neither, from the start. */
static void __attribute__((constructor))
undumpable(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static void
cleanup(void)
{
	if (curl) {
		curl_easy_cleanup(curl);
		curl_global_cleanup();
		curl = NULL;
	}
	free(cabundle);
	cabundle = NULL;
}

static CURL *
handle(void)
{
	if (curl)
		return curl;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(curl = curl_easy_init()))
		aml_die("libcurl: initialisation failed");
	atexit(cleanup);
	return curl;
}

int
aml_http_set_timeout(const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v > 0) || v > 86400)
		return -1;
	total_ms = (long)(v * 1000);
	if (total_ms < 1)
		total_ms = 1;
	return 0;
}

void
aml_http_set_ca_bundle(const char *path)
{
	free(cabundle);
	cabundle = path ? aml_xstrdup(path) : NULL;
}

int
aml_http_opt(int c, const char *arg)
{
	long ms;

	switch (c) {
	case 'm':
		if (aml_duration_opt("-m", arg, &ms) < 0)
			return -1;
		aml_deadline_set(ms);
		return 1;
	case 'E': aml_http_set_ca_bundle(arg); return 1;
	case 'c': aml_compact = 1; return 1;
	case 'v': aml_verbose = 1; return 1;
	case 'q': aml_quiet = 1; return 1;
	}
	return 0;
}

void
aml_net_help(FILE *fp, const char *maxtime)
{
	fprintf(fp,
	    "  -c, --compact             print the result on one line\n"
	    "  -m, --max-time DURATION   the longest the whole program may take, every\n"
	    "                            retry and poll included (90, 5m, 1h, 2d%s%s)\n"
	    "  -E, --ca-bundle FILE      CA certificates for TLS\n"
	    "  -v, --verbose             HTTP trace on stderr, secrets masked\n"
	    "  -q, --quiet               no warnings, no progress line\n"
	    "  -h, --help                this help\n"
	    "  -V, --version             print the version\n",
	    maxtime ? "; " : "", maxtime ? maxtime : "");
}

/* --ca-bundle, then the variables curl's own tool and OpenSSL honour;
 * NULL leaves libcurl's built-in choice, the system store. */
static const char *
ca_bundle(void)
{
	const char *s;

	if (cabundle)
		return cabundle;
	if ((s = getenv("CURL_CA_BUNDLE")) && *s)
		return s;
	if ((s = getenv("SSL_CERT_FILE")) && *s)
		return s;
	return NULL;
}

void
aml_uuid(char out[37])
{
	unsigned char b[16];
	size_t got = 0;
	ssize_t r;

	while (got < sizeof b) {
		r = getrandom(b + got, sizeof b - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			aml_die("getrandom:");
		got += (size_t)r;
	}
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
aml_urlenc(const char *s)
{
	char *e = curl_easy_escape(handle(), s, 0);
	char *out;

	if (!e)
		aml_die("out of memory");
	out = aml_xstrdup(e);
	curl_free(e);
	return out;
}

/* The path of a URL, without scheme, host, query or fragment: what
 * error lines show, since a query may carry a SAS signature. */
char *
aml_url_path(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	p = p ? p + 3 : url;
	p += strcspn(p, "/?#");
	n = strcspn(p, "?#");
	return n ? aml_xstrndup(p, n) : aml_xstrdup("/");
}

/* The instance metadata service: plain http on a link-local address
 * that the Azure host answers itself; nothing leaves the machine. */
#define IMDS_HOST "169.254.169.254"

/* Decide before any connection: https anywhere, http only to loopback
 * (and, for an IMDS request, to IMDS).  Sets *direct when no proxy may
 * be used (loopback, IMDS). */
static int
check_url(const char *url, int flags, int *direct, char *why, size_t whylen)
{
	struct aml_url u;
	const char *w;

	if (aml_url_parse(url, &u, &w) < 0) {
		snprintf(why, whylen, "%s", w);
		return -1;
	}
	*direct = u.loopback || !strcmp(u.host, IMDS_HOST);
	if (!u.https && !u.loopback && !((flags & AML_HTTP_IMDS) && !strcmp(u.host, IMDS_HOST))) {
		snprintf(why, whylen, "plain http is refused for %.80s, which is not a loopback address (use https)",
		    u.host);
		return -1;
	}
	return 0;
}

/*
 * Responses
 */

const char *
aml_http_header(const struct aml_resp *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nhdr; i++)
		if (!strcasecmp(r->hdr[i].name, name))
			return r->hdr[i].value;
	return NULL;
}

static void
clear_headers(struct aml_resp *r)
{
	size_t i;

	for (i = 0; i < r->nhdr; i++) {
		free(r->hdr[i].name);
		free(r->hdr[i].value);
	}
	free(r->hdr);
	r->hdr = NULL;
	r->nhdr = 0;
	r->date = 0;
}

static void
clear_body(struct aml_resp *r)
{
	if (r->body)
		aml_wipe(r->body, r->len);	/* token responses */
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

void
aml_resp_free(struct aml_resp *r)
{
	clear_headers(r);
	clear_body(r);
	r->status = 0;
}

time_t
aml_http_date(const char *s)
{
	return curl_getdate(s, NULL);
}

long
aml_http_retry_after(const struct aml_resp *r)
{
	const char *s = aml_http_header(r, "Retry-After");
	char *end;
	long v;
	time_t t;

	if (!s || !*s)
		return -1;
	/* A day is past anything a caller waits for; keeping to it keeps
	 * seconds * 1000 in range whatever the server says. */
	errno = 0;
	v = strtol(s, &end, 10);
	if (end != s && !*end && v >= 0)
		return errno || v > RETRY_AFTER_CLAMP ? RETRY_AFTER_CLAMP : v;
	if ((t = curl_getdate(s, NULL)) < 0)
		return -1;
	/* An HTTP date: measured on the server's clock when it sent one. */
	if (t - (r->date ? r->date : time(NULL)) > RETRY_AFTER_CLAMP)
		return RETRY_AFTER_CLAMP;
	v = (long)(t - (r->date ? r->date : time(NULL)));
	return v < 0 ? 0 : v;
}

static size_t
onheader(char *data, size_t size, size_t n, void *u)
{
	struct xfer *x = u;
	struct aml_resp *r = x->r;
	size_t len = size * n, k, e;
	char *colon;

	/* A new status line starts a new response (after a proxy's
	 * CONNECT or a 100 Continue): only the last one's headers count. */
	if (len >= 5 && !memcmp(data, "HTTP/", 5)) {
		clear_headers(r);
		return len;
	}
	if (!(colon = memchr(data, ':', len)) || colon == data)
		return len;
	k = (size_t)(colon - data);
	e = len;
	while (e > k + 1 && isspace((unsigned char)data[e - 1]))
		e--;
	colon++;
	while (colon < data + e && (*colon == ' ' || *colon == '\t'))
		colon++;
	r->hdr = aml_xreallocarray(r->hdr, r->nhdr + 1, sizeof *r->hdr);
	r->hdr[r->nhdr].name = aml_xstrndup(data, k);
	r->hdr[r->nhdr].value = aml_xstrndup(colon, (size_t)(data + e - colon));
	if (!strcasecmp(r->hdr[r->nhdr].name, "Date"))
		r->date = curl_getdate(r->hdr[r->nhdr].value, NULL);
	r->nhdr++;
	return len;
}

static size_t
onbody(char *data, size_t size, size_t n, void *u)
{
	struct xfer *x = u;
	struct aml_resp *r = x->r;
	size_t len = size * n;

	if (r->len + len > x->limit) {
		x->toobig = 1;
		return 0;	/* CURLE_WRITE_ERROR */
	}
	r->body = aml_xrealloc(r->body, r->len + len + 1);
	memcpy(r->body + r->len, data, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

/* Called once the connection is up, just before the request is sent:
 * from here on a non-idempotent request may have had its effect. */
static int
onprereq(void *u, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
    int conn_local_port)
{
	struct xfer *x = u;

	x->sent = 1;
	return CURL_PREREQFUNC_OK;
}

static int
onprogress(void *u, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	return aml_signalled ? 1 : 0;
}

/*
 * The -v trace
 */

/* Print text line by line with a prefix, secrets masked. */
static void
trace_lines(const char *prefix, const char *s, size_t n)
{
	char *red = aml_redact(s, n), *p = red, *nl;

	while (*p) {
		nl = p + strcspn(p, "\r\n");
		if (nl > p)
			aml_eline(prefix, p, (size_t)(nl - p));
		else
			fprintf(stderr, "%c\n", prefix[0]);
		if (*nl == '\r')
			nl++;
		if (*nl == '\n')
			nl++;
		if (!*nl)
			break;
		p = nl;
	}
	free(red);
}

static int
is_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '\0' || ((unsigned char)s[i] < 0x20 && !isspace((unsigned char)s[i])))
			return 0;
	return 1;
}

static void
trace_body(const char *prefix, const char *s, size_t n)
{
	if (!n)
		return;
	if (!is_text(s, n < TRACE_BODY_MAX ? n : TRACE_BODY_MAX)) {
		fprintf(stderr, "%s[%zu bytes of binary data]\n", prefix, n);
		return;
	}
	trace_lines(prefix, s, n < TRACE_BODY_MAX ? n : TRACE_BODY_MAX);
	if (n > TRACE_BODY_MAX)
		fprintf(stderr, "%s[... %zu more bytes]\n", prefix, n - TRACE_BODY_MAX);
}

static int
ontrace(CURL *h, curl_infotype type, char *data, size_t size, void *u)
{
	struct xfer *x = u;

	switch (type) {
	case CURLINFO_TEXT:
		trace_lines("* ", data, size);
		break;
	case CURLINFO_HEADER_OUT:
		trace_lines("> ", data, size);
		if (x->q->body)
			trace_body("> ", x->q->body, x->q->len);
		break;
	case CURLINFO_HEADER_IN:
		if (size > 2 || (data[0] != '\r' && data[0] != '\n'))
			trace_lines("< ", data, size);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * Error lines
 */

/* Append s (n bytes) as one line: control characters become spaces,
 * runs of blanks collapse, and it stops at max bytes. */
static void
put_clean(struct aml_wbuf *w, const char *s, size_t n, size_t max)
{
	size_t i, out = 0;
	int space = 0;

	for (i = 0; i < n && out < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			space = 1;
			continue;
		}
		if (c == ' ') {
			space = 1;
			continue;
		}
		if (space && out)
			aml_wputc(w, ' '), out++;
		space = 0;
		aml_wputc(w, (char)c);
		out++;
	}
	if (i < n)
		aml_wputs(w, "...");
}

/* The first line of an Entra description (the rest is trace ids). */
static void
put_firstline(struct aml_wbuf *w, const char *s)
{
	put_clean(w, s, strcspn(s, "\r\n"), 400);
}

static const cJSON *
getci(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItem(o, key) : NULL;
}

static const char *
strci(const cJSON *o, const char *key)
{
	const cJSON *j = getci(o, key);

	return cJSON_IsString(j) ? j->valuestring : NULL;
}

/* ARM's {"error":{code,message,details[]}} (the classic services use
 * it too), Entra's {"error":"...","error_description":"AADSTS..."},
 * and bare {"code","message"} or {"message"} (App Service identity). */
static int
put_error_body(struct aml_wbuf *w, const cJSON *j, const char **corr)
{
	const cJSON *e = getci(j, "error"), *d, *det;
	const char *code, *msg;
	int n = 0;

	*corr = NULL;
	if (cJSON_IsString(e)) {
		aml_wputc(w, ' ');
		put_clean(w, e->valuestring, strlen(e->valuestring), 80);
		if ((msg = strci(j, "error_description"))) {
			aml_wputs(w, ": ");
			put_firstline(w, msg);
		}
		*corr = strci(j, "correlation_id");
		return 1;
	}
	if (!cJSON_IsObject(e))
		e = j;
	code = strci(e, "code");
	msg = strci(e, "message");
	if (!code && !msg)
		return 0;
	if (code) {
		aml_wputc(w, ' ');
		put_clean(w, code, strlen(code), 80);
	}
	if (msg) {
		aml_wputs(w, code ? ": " : " ");
		put_clean(w, msg, strlen(msg), 600);
	}
	if (!cJSON_IsArray(det = getci(e, "details")))
		det = NULL;
	cJSON_ArrayForEach(d, det) {
		if (!(code = strci(d, "code")))
			continue;
		aml_wputs(w, n++ ? ", " : " (");
		put_clean(w, code, strlen(code), 80);
	}
	if (n)
		aml_wputc(w, ')');
	return 1;
}

char *
aml_http_snippet(const struct aml_resp *r)
{
	struct aml_wbuf w;
	char *red = aml_redact(r->body ? r->body : "", r->len < 200 ? r->len : 200);

	aml_wbuf_init(&w, -1);
	put_clean(&w, red, strlen(red), 60);
	free(red);
	return aml_wbuf_take(&w);
}

char *
aml_http_errline(const struct aml_req *q, const struct aml_resp *r)
{
	struct aml_wbuf w, b;
	struct aml_jerr je;
	const char *rid, *corr = NULL;
	char *path = aml_url_path(q->url), *what, *red;
	cJSON *j = NULL;

	aml_wbuf_init(&w, -1);
	aml_wprintf(&w, "%s %s: ", q->method ? q->method : "GET", path);
	free(path);
	if (!r->status) {
		aml_wputs(&w, r->err[0] ? r->err : "no response");
		return aml_wbuf_take(&w);
	}
	aml_wprintf(&w, "HTTP %ld", r->status);
	/* What the server said, masked: servers quote what they were
	 * given, a connection string or a SAS. */
	aml_wbuf_init(&b, -1);
	if (r->len && (j = aml_json_parse(r->body, r->len, &je)) && put_error_body(&b, j, &corr)) {
		/* done */
	} else if (r->len && !j) {
		char *snip = aml_http_snippet(r);

		aml_wprintf(&b, ": response is not JSON: \"%s\"", snip);
		free(snip);
	} else if (!r->len) {
		aml_wputs(&b, " (empty body)");
	}
	what = aml_wbuf_take(&b);
	red = aml_redact(what, strlen(what));
	aml_wputs(&w, red);
	free(what);
	free(red);
	/* Entra ID's support asks for the correlation id; ARM's, the
	 * request id.  Added after the masking: a message that quotes
	 * "Authorization: ..." masks to the end of its line, and the id
	 * must survive it. */
	if (corr && *corr) {
		aml_wputs(&w, " [correlation-id ");
		put_clean(&w, corr, strlen(corr), 80);
		aml_wputc(&w, ']');
	} else if ((rid = aml_http_header(r, "x-ms-request-id")) && *rid) {
		aml_wputs(&w, " [request-id ");
		put_clean(&w, rid, strlen(rid), 80);
		aml_wputc(&w, ']');
	}
	cJSON_Delete(j);
	return aml_wbuf_take(&w);
}

/*
 * Requests
 */

static int
method_is(const struct aml_req *q, const char *m)
{
	return !strcmp(q->method ? q->method : "GET", m);
}

/* Whether sending the request twice is harmless. */
static int
repeatable(const struct aml_req *q)
{
	return method_is(q, "GET") || method_is(q, "HEAD") || (q->flags & AML_HTTP_IDEMPOTENT);
}

static struct curl_slist *
add_header(struct curl_slist *l, const char *h)
{
	struct curl_slist *n = curl_slist_append(l, h);

	if (!n)
		aml_die("out of memory");
	return n;
}

static int
has_header(const struct aml_req *q, const char *name)
{
	const char *const *h;
	size_t n = strlen(name);

	for (h = q->hdrs; h && *h; h++)
		if (!strncasecmp(*h, name, n) && (*h)[n] == ':')
			return 1;
	return 0;
}

static struct curl_slist *
headers(const struct aml_req *q, const char *reqid)
{
	struct curl_slist *l = NULL;
	const char *const *h;
	char *s;

	s = aml_xasprintf("x-ms-client-request-id: %s", reqid);
	l = add_header(l, s);
	free(s);
	if (!has_header(q, "Accept"))
		l = add_header(l, "Accept: application/json");
	l = add_header(l, "Expect:");
	if (q->body && !has_header(q, "Content-Type")) {
		s = aml_xasprintf("Content-Type: %s", q->ctype ? q->ctype : "application/json");
		l = add_header(l, s);
		free(s);
	} else if (!q->body && !method_is(q, "GET") && !method_is(q, "HEAD")) {
		/* libcurl would send an empty POST as a form; Microsoft's
		 * SDKs send no Content-Type, and Resource Manager answers a
		 * form with 415. */
		l = add_header(l, "Content-Type:");
	}
	if (q->auth) {
		s = aml_xasprintf("Authorization: %s", q->auth);
		l = add_header(l, s);
		aml_freesecret(s);
	}
	for (h = q->hdrs; h && *h; h++)
		l = add_header(l, *h);
	return l;
}

/* curl_slist_free_all does not wipe: the Authorization line is a secret. */
static void
free_headers(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p; p = p->next)
		aml_wipe(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static long
envlong(const char *name, long def, long min, long max)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		aml_warn("%s: not a number from %ld to %ld: %s", name, min, max, s);
		return def;
	}
	return v;
}

static void
setup(CURL *h, const struct aml_req *q, struct xfer *x, struct curl_slist *hl, int direct)
{
	static char ua[128];
	long ms = q->total_ms ? q->total_ms : total_ms ? total_ms :
	    envlong("AML_HTTP_TIMEOUT_MS", TOTAL_MS_DEFAULT, 1, 86400000);
	long cms = q->connect_ms ? q->connect_ms : CONNECT_MS_DEFAULT;
	long left = aml_deadline_left();

	if (left < ms) {
		ms = left > 0 ? left : 1;
		x->cut = 1;
	}

	if (!ua[0])
		snprintf(ua, sizeof ua, "aml-tools/%s (%s)", AML_VERSION, aml_prog);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, q->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->r->err);
	curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, cms < ms ? cms : ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	/* libcurl sends a request again, by itself, when a connection it
	 * reused closes before any answer, taking it for one the server had
	 * dropped while idle; but the server may have received the request
	 * and carried it out.  A request that must not be repeated goes on
	 * a new connection, where libcurl never does that. */
	if (!repeatable(q))
		curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
	if (ca_bundle())
		curl_easy_setopt(h, CURLOPT_CAINFO, ca_bundle());
	/* "" means no proxy at all; unset, libcurl reads the proxy
	 * variables (and NO_PROXY) itself. */
	if (direct)
		curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_PROXYAUTH, (long)CURLAUTH_ANY);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onheader);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onbody);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, onprereq);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, x);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, onprogress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
	if (method_is(q, "GET")) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (method_is(q, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else {
		if (!method_is(q, "POST"))
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(q->body ? q->len : 0));
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body ? q->body : "");
	}
	if (aml_verbose) {
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, ontrace);
		curl_easy_setopt(h, CURLOPT_DEBUGDATA, x);
	}
}

/* Failures where nothing useful came back and trying again may help. */
static int
transient_code(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int
transient_status(long s, int flags)
{
	switch (s) {
	case 408: case 429: case 500: case 502: case 503: case 504:
		return 1;
	case 404: case 410:
		return (flags & AML_HTTP_IMDS) != 0;
	default:
		return 0;
	}
}


/* -m is reached: said the same way wherever it cuts a request short. */
static void
deadline_err(struct aml_resp *r)
{
	char lim[32];

	aml_fmt_duration(lim, sizeof lim, aml_deadline_limit());
	snprintf(r->err, sizeof r->err, "no answer within the time limit (-m %s)", lim);
	r->deadline = 1;
}

/* One attempt: 0 with r->status set, or -1 with r->err set. */
static int
attempt(const struct aml_req *q, struct aml_resp *r, const char *reqid,
    int direct, int *sent, CURLcode *code)
{
	CURL *h = handle();
	struct xfer x = { q, r, aml_input_limit(), 0, 0, 0 };
	struct curl_slist *hl = headers(q, reqid);
	CURLcode c;

	aml_resp_free(r);
	r->err[0] = '\0';
	r->deadline = 0;
	setup(h, q, &x, hl, direct);
	if (aml_verbose) {
		char *u = aml_redact(q->url, strlen(q->url));

		fprintf(stderr, "* %s %s\n", q->method ? q->method : "GET", u);
		free(u);
	}
	c = curl_easy_perform(h);
	/* The handle must not keep pointers into this frame. */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	free_headers(hl);
	*sent = x.sent;
	*code = c;
	if (c == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
		if (aml_verbose)
			trace_body("< ", r->body ? r->body : "", r->len);
		if (!r->body) {
			r->body = aml_xstrdup("");
			r->len = 0;
		}
		return 0;
	}
	r->status = 0;
	if (x.toobig)
		snprintf(r->err, sizeof r->err, "response body larger than %zu bytes (set AML_MAX_INPUT to raise the limit)", x.limit);
	else if (c == CURLE_ABORTED_BY_CALLBACK && aml_signalled)
		snprintf(r->err, sizeof r->err, "interrupted");
	else if (c == CURLE_OPERATION_TIMEDOUT && (aml_deadline_left() == 0 || x.cut))
		deadline_err(r);	/* libcurl's clock may end it a moment early */
	else if (c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CACERT_BADFILE) {
		char e[sizeof r->err];

		snprintf(e, sizeof e, "%s", r->err[0] ? r->err : curl_easy_strerror(c));
		snprintf(r->err, sizeof r->err, "TLS certificate verification failed: %.200s (CA bundle: %.200s)",
		    e, ca_bundle() ? ca_bundle() : "the system store; set --ca-bundle, CURL_CA_BUNDLE or SSL_CERT_FILE");
	} else if (!r->err[0])
		snprintf(r->err, sizeof r->err, "%s", curl_easy_strerror(c));
	return -1;
}

int
aml_http_raw(const struct aml_req *q, struct aml_resp *r)
{
	struct aml_backoff b;
	char reqid[37], why[256], wait[32];
	int direct = 0, sent, left, idem;
	long ms, ra;
	CURLcode code;
	char *path, *line;

	memset(r, 0, sizeof *r);
	if (check_url(q->url, q->flags, &direct, why, sizeof why) < 0) {
		snprintf(r->err, sizeof r->err, "%s", why);
		return -1;
	}
	if (aml_deadline_left() == 0) {
		deadline_err(r);
		return -1;
	}
	if (q->flags & AML_HTTP_DIRECT)
		direct = 1;
	aml_uuid(reqid);
	idem = repeatable(q);
	left = (q->flags & AML_HTTP_NORETRY) ? 0 : (int)envlong("AML_RETRY_MAX", RETRY_MAX_DEFAULT, 0, 100);
	aml_backoff_init(&b, envlong("AML_RETRY_BASE_MS", RETRY_BASE_DEFAULT, 0, 3600000),
	    envlong("AML_RETRY_CAP_MS", RETRY_CAP_DEFAULT, 0, 3600000), 1);
	for (;; left--) {
		sent = 0;
		if (attempt(q, r, reqid, direct, &sent, &code) == 0) {
			r->sent = 1;
			/* 429 says the request was refused, not carried out:
			 * any method may be sent again once the server allows. */
			if ((!idem && r->status != 429) || !transient_status(r->status, q->flags) ||
			    left <= 0)
				return 0;
			ra = aml_http_retry_after(r);
			if (ra > RETRY_AFTER_MAX || (ms = aml_backoff_next(&b, ra >= 0 ? ra * 1000 : -1)) < 0)
				return 0;
			line = aml_xasprintf("HTTP %ld from", r->status);
		} else {
			r->sent = sent;
			if (aml_signalled || !transient_code(code) || (!idem && sent) || left <= 0 ||
			    aml_deadline_left() == 0)
				return -1;
			/* An IMDS that no connection reaches is not there (not
			 * an Azure VM): asking again only makes the user wait. */
			if ((q->flags & AML_HTTP_IMDS) && !sent)
				return -1;
			if ((ms = aml_backoff_next(&b, -1)) < 0)
				return -1;
			line = NULL;
		}
		path = aml_url_path(q->url);
		aml_fmt_duration(wait, sizeof wait, ms);
		if (line)
			aml_warn("%s %s %s, retrying in %s (%d left)", line,
			    q->method ? q->method : "GET", path, wait, left - 1);
		else
			aml_warn("%s %s: %s, retrying in %s (%d left)",
			    q->method ? q->method : "GET", path, r->err, wait, left - 1);
		free(path);
		free(line);
		if (aml_sleep_ms(ms) < 0) {
			aml_resp_free(r);
			snprintf(r->err, sizeof r->err, "interrupted");
			return -1;
		}
	}
}

int
aml_http(const struct aml_req *q, struct aml_resp *r)
{
	char *line;
	int rc;

	rc = aml_http_raw(q, r) < 0 ? AML_EXIT_FAIL : 0;
	if (rc == 0 && r->status && r->status / 100 != 2 && !(q->flags & AML_HTTP_ANYSTATUS))
		rc = r->status == 401 ? AML_EXIT_AUTH : AML_EXIT_FAIL;
	if (rc && (r->status || r->err[0]) && !(q->flags & AML_HTTP_QUIET)) {
		line = aml_http_errline(q, r);
		aml_err("%s", line);
		free(line);
	}
	return rc;
}
