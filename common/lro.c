/* SPDX-License-Identifier: MIT */
/*
 * lro.c: waiting for a long-running Resource Manager operation, the way
 * the Azure SDK under the PowerShell cmdlets does it
 * (notes/arm-webservices.md §3).  The first answer names an
 * Azure-AsyncOperation URL, whose body says "status": anything but
 * Succeeded, Failed or Canceled is still running.  When only Location
 * is given, it answers 202 while running and 200 or 204 once done, and
 * a failed operation's error with a 4xx.  The request id of the first
 * answer goes on every error, because that is the one support asks for.
 *
 * Resources that say their own state (Azure Machine Learning's online
 * endpoints and deployments, AML_LRO_STATE) answer a PUT that updates
 * with 200 and no operation to follow, the body saying "Updating": the
 * resource itself is then read until properties.provisioningState is
 * Succeeded, Failed or Canceled (notes/aml2-endpoints.md).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amlnet.h"

#define WAIT_DEFAULT_MS (3600L * 1000)	/* without -m */
#define POLL_DEFAULT_MS 1000L		/* PowerShell polls every 5 s: up to there */
#define POLL_GROWTH 5
#define RETRY_AFTER_POLL_MAX 600L	/* seconds: the most a Retry-After may ask */

/* An operation being waited for. */
struct lro {
	const struct aml_rsrc *rs;
	const char *method, *url;	/* the request that started it */
	const char *doing;		/* "updating", for the progress line */
	int64_t t0;			/* before the request */
	int flags;			/* AML_LRO_* */
};

/* What is polled: the Azure-AsyncOperation URL, the Location URL, or
 * the resource itself. */
enum { M_ASYNC, M_LOCATION, M_STATE };

static int progress_shown;

/* The operation's URL from the first answer, or NULL: it is done. */
static const char *
lro_url(const struct aml_resp *first)
{
	const char *u = aml_http_header(first, "Azure-AsyncOperation");

	if (!u || !*u)
		u = aml_http_header(first, "Location");
	return u && *u ? u : NULL;
}

static long
poll_base_ms(void)
{
	const char *s = getenv("AML_POLL_MS");
	char *end;
	long v;

	if (!s || !*s)
		return POLL_DEFAULT_MS;
	v = strtol(s, &end, 10);
	if (*end || v < 1 || v > 600000) {
		aml_warn("AML_POLL_MS: not a number from 1 to 600000: %s", s);
		return POLL_DEFAULT_MS;
	}
	return v;
}

/* The progress line: only for a person watching a terminal. */
void
aml_progress(const char *fmt, ...)
{
	va_list ap;

	if (aml_quiet || aml_verbose || !isatty(2))
		return;
	fprintf(stderr, "\r\033[K%s: ", aml_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = 1;
}

void
aml_progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		progress_shown = 0;
	}
}

static void
progress(const struct lro *op, const char *status, double pct)
{
	if (pct >= 0)
		aml_progress("%s %s: %s %d%%", op->doing, op->rs->label, status,
		    (int)((pct <= 1 ? pct * 100 : pct) + 0.5));
	else
		aml_progress("%s %s: %s", op->doing, op->rs->label, status);
}

/* Text from a server, made one line. */
static void
clean(struct aml_wbuf *w, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s && n < max; s++, n++)
		aml_wputc(w, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
	if (*s)
		aml_wputs(w, "...");
}

static void
put_rid(struct aml_wbuf *w, const char *rid)
{
	if (rid && *rid) {
		aml_wputs(w, " [request-id ");
		clean(w, rid, 80);
		aml_wputc(w, ']');
	}
}

/* "PATCH /path: operation Failed: Code: message (Detail) [request-id ...]";
 * what: "operation", or "provisioningState" when the resource said so;
 * e: the error object in d, if any. */
static void
failed(const struct lro *op, const char *what, const char *status, const struct aml_jdoc *d,
    uint32_t e, const char *rid)
{
	uint32_t v, det;
	struct aml_wbuf w;
	char *path = aml_url_path(op->url), *s, *line;
	int n = 0;

	aml_wbuf_init(&w, -1);
	aml_wprintf(&w, "%s %s: %s %s", op->method, path, what, status);
	if (e && AML_JTYPE(d, e) == AML_JOBJECT) {
		if ((v = aml_jget_ci(d, e, "code")) && AML_JTYPE(d, v) == AML_JSTRING) {
			s = aml_jstrdup(d, v);
			aml_wputs(&w, ": ");
			clean(&w, s, 80);
			free(s);
		}
		if ((v = aml_jget_ci(d, e, "message")) && AML_JTYPE(d, v) == AML_JSTRING) {
			s = aml_jstrdup(d, v);
			aml_wputs(&w, ": ");
			clean(&w, s, 600);
			free(s);
		}
		if ((det = aml_jget_ci(d, e, "details")) && AML_JTYPE(d, det) == AML_JARRAY) {
			AML_JARR_EACH(d, det, item) {
				if (AML_JTYPE(d, item) != AML_JOBJECT ||
				    !(v = aml_jget_ci(d, item, "code")) || AML_JTYPE(d, v) != AML_JSTRING)
					continue;
				s = aml_jstrdup(d, v);
				aml_wputs(&w, n++ ? ", " : " (");
				clean(&w, s, 80);
				free(s);
			}
			if (n)
				aml_wputc(&w, ')');
		}
	} else if (!strcmp(what, "provisioningState")) {
		/* The resource says no more than its state. */
		aml_wprintf(&w, ", without saying why: look with %s", op->rs->check);
	}
	put_rid(&w, rid);
	line = aml_wbuf_take(&w);
	aml_err("%s", line);
	free(line);
	free(path);
}

static void
gave_up(const struct lro *op, const char *why, const char *rid)
{
	struct aml_wbuf w;
	char *path = aml_url_path(op->url), *line;

	aml_wbuf_init(&w, -1);
	aml_wprintf(&w, "%s %s: %s; the operation may still complete: check with %s",
	    op->method, path, why, op->rs->check);
	put_rid(&w, rid);
	line = aml_wbuf_take(&w);
	aml_err("%s", line);
	free(line);
	free(path);
}

/* -m (or the hour without it) is over while the operation runs. */
static void
time_limit(const struct lro *op, const char *status, const char *rid)
{
	char why[160], dur[32];

	aml_progress_clear();
	aml_fmt_duration(dur, sizeof dur, aml_deadline_limit() ? aml_deadline_limit() :
	    WAIT_DEFAULT_MS);
	snprintf(why, sizeof why, "operation still %s at the time limit (%s%s)", status,
	    aml_deadline_limit() ? "-m " : "", dur);
	gave_up(op, why, rid);
}

/* A poll that failed: the operation itself may well go on. */
static void
poll_failed(const struct lro *op, const char *url, const struct aml_resp *r)
{
	struct aml_req q = { .method = "GET", .url = url };
	char *line;

	if (!r->status && !r->err[0])
		return;		/* the sign-in said why */
	line = aml_http_errline(&q, r);
	aml_err("%s; the operation may still complete: check with %s", line, op->rs->check);
	free(line);
}

enum { RUNNING, DONE, FAILED };

/* One Azure-AsyncOperation answer: its status, and percentComplete. */
static int
async_status(const struct lro *op, const char *url, const struct aml_resp *r,
    const char *rid, char *status, size_t n, double *pct)
{
	struct aml_jdoc d;
	uint32_t v;
	int st;

	if (aml_arm_answer("GET", url, r, &d) != 0)
		return -1;
	*pct = -1;
	if ((v = aml_jget(&d, 0, "percentComplete")) && AML_JTYPE(&d, v) == AML_JNUMBER)
		*pct = strtod(d.buf + d.tok[v].off, NULL);
	if (!(v = aml_jget(&d, 0, "status")) || AML_JTYPE(&d, v) != AML_JSTRING) {
		char *path = aml_url_path(url);

		aml_err("GET %s: the operation's answer has no status", path);
		free(path);
		aml_jfree(&d);
		return -1;
	}
	aml_jstr(&d, v, status, n);
	if (!strcmp(status, "Succeeded"))
		st = DONE;
	else if (!strcmp(status, "Failed") || !strcmp(status, "Canceled")) {
		aml_progress_clear();
		failed(op, "operation", status, &d, aml_jget_ci(&d, 0, "error"), rid);
		st = FAILED;
	} else
		st = RUNNING;
	aml_jfree(&d);
	return st;
}

/* The state a resource says of itself: properties.provisioningState
 * (DONE when it says none); a Failed or Canceled one reports the error
 * the resource carries, at its top or in its properties, if any. */
static int
resource_state(const struct lro *op, const struct aml_jdoc *d, const char *rid, char *status,
    size_t n)
{
	uint32_t props = aml_jget(d, 0, "properties"), v = 0, e;

	if (props && AML_JTYPE(d, props) == AML_JOBJECT)
		v = aml_jget(d, props, "provisioningState");
	if (!v || AML_JTYPE(d, v) != AML_JSTRING) {
		snprintf(status, n, "Succeeded");
		return DONE;
	}
	aml_jstr(d, v, status, n);
	if (!strcmp(status, "Succeeded"))
		return DONE;
	if (strcmp(status, "Failed") && strcmp(status, "Canceled"))
		return RUNNING;
	aml_progress_clear();
	if (!(e = aml_jget(d, 0, "error")) && props && AML_JTYPE(d, props) == AML_JOBJECT)
		e = aml_jget(d, props, "error");
	failed(op, "provisioningState", status, d, e, rid);
	return FAILED;
}

/* One GET of the resource (M_STATE). */
static int
state_status(const struct lro *op, const struct aml_resp *r, const char *rid, char *status,
    size_t n)
{
	struct aml_jdoc d;
	int st;

	if (aml_arm_answer("GET", op->url, r, &d) != 0)
		return -1;
	st = resource_state(op, &d, rid, status, n);
	aml_jfree(&d);
	return st;
}

/* A Location poll answered with an error that is the operation's own
 * (a 4xx with the error envelope, not one that a retry or a new token
 * could change): 1 after saying so. */
static int
location_failed(const struct lro *op, const struct aml_resp *r, const char *rid)
{
	struct aml_jdoc d;
	struct aml_jerr je;
	uint32_t e, c;
	const char *status = "Failed";

	if (r->status < 400 || r->status >= 500 || r->status == 401 || r->status == 403 ||
	    r->status == 404 || r->status == 408 || r->status == 429 || !r->len ||
	    aml_jparse(&d, r->body, r->len, &je) < 0)
		return 0;
	if (AML_JTYPE(&d, 0) != AML_JOBJECT || !(e = aml_jget_ci(&d, 0, "error")) ||
	    AML_JTYPE(&d, e) != AML_JOBJECT) {
		aml_jfree(&d);
		return 0;
	}
	if ((c = aml_jget_ci(&d, e, "code")) && AML_JTYPE(&d, c) == AML_JSTRING &&
	    (aml_jkeyeq(&d, c, "OperationCanceled") || aml_jkeyeq(&d, c, "Canceled")))
		status = "Canceled";
	aml_progress_clear();
	failed(op, "operation", status, &d, e, rid);
	aml_jfree(&d);
	return 1;
}

/* An answer without an operation to follow says the request is done:
 * Resource Manager's says so in JSON.  Anything else (a gateway's HTML
 * page with 200) is no proof that it was carried out. */
static int
done_at_once(const struct lro *op, const struct aml_resp *first)
{
	struct aml_jdoc d;
	struct aml_jerr e;
	char *path;

	if (!first->len)
		return 0;
	if (aml_jparse(&d, first->body, first->len, &e) == 0) {
		aml_jfree(&d);
		return 0;
	}
	path = aml_url_path(op->url);
	aml_err("%s %s: HTTP %ld: the answer is not JSON (%s); the request reached the server, "
	    "so it may have taken effect: check with %s", op->method, path, first->status,
	    e.msg, op->rs->check);
	free(path);
	return AML_EXIT_FAIL;
}

/* The server's Retry-After in ms (-1: none), kept to what the spec
 * allows an operation to ask, whatever number it sends. */
static long
retry_after_ms(const struct aml_resp *r)
{
	long ra = aml_http_retry_after(r);

	return ra < 0 ? -1 : (ra > RETRY_AFTER_POLL_MAX ? RETRY_AFTER_POLL_MAX : ra) * 1000;
}

/* The state the first answer's body says, when the resource says its
 * own (M_STATE); DONE when it says none, or is no JSON (done_at_once
 * then says so). */
static int
first_state(const struct lro *op, const struct aml_resp *first, const char *rid, char *status,
    size_t n)
{
	struct aml_jdoc d;
	struct aml_jerr e;
	int st = DONE;

	if (!first->len || aml_jparse(&d, first->body, first->len, &e) < 0)
		return DONE;
	if (AML_JTYPE(&d, 0) == AML_JOBJECT)
		st = resource_state(op, &d, rid, status, n);
	aml_jfree(&d);
	return st;
}

/* Wait for it: 0 when it succeeded, else the exit status after one
 * error line (1; 130 and the like are left to aml_resignal). */
static int
lro_wait(struct lro *op, const struct aml_resp *first)
{
	const char *async = aml_http_header(first, "Azure-AsyncOperation");
	const char *url = lro_url(first);
	long ms, hint;
	char *rid, status[64] = "Running";
	struct aml_backoff b;
	struct aml_resp r;
	double pct = -1;
	int st = RUNNING, rc = 0, mode;

	rid = aml_xstrdup(aml_http_header(first, "x-ms-request-id") ?
	    aml_http_header(first, "x-ms-request-id") : "");
	if (url) {
		mode = async && *async ? M_ASYNC : M_LOCATION;
	} else if ((op->flags & AML_LRO_STATE) &&
	    (st = first_state(op, first, rid, status, sizeof status)) != DONE) {
		if (st != RUNNING) {
			free(rid);
			return AML_EXIT_FAIL;
		}
		mode = M_STATE;
		url = op->url;
	} else {
		free(rid);
		return done_at_once(op, first);
	}
	aml_backoff_init(&b, poll_base_ms(), poll_base_ms() * POLL_GROWTH, 0);
	hint = retry_after_ms(first);
	progress(op, mode == M_STATE ? status : "Provisioning", -1);
	while (st == RUNNING) {
		/* Without -m, an hour from the start is the limit. */
		ms = aml_backoff_next(&b, hint);
		if (!aml_deadline_limit() && ms >= 0 && aml_now_ms() + ms - op->t0 > WAIT_DEFAULT_MS)
			ms = -1;
		if (ms < 0) {
			time_limit(op, status, rid);
			rc = AML_EXIT_FAIL;
			break;
		}
		if (aml_sleep_ms(ms) < 0) {
			aml_progress_clear();
			gave_up(op, "interrupted", rid);
			rc = AML_EXIT_FAIL;
			break;
		}
		aml_progress_clear();
		if ((rc = aml_arm_call(op->rs, "GET", url, NULL, 0, AML_HTTP_QUIET, &r)) != 0) {
			/* A signal during the poll is the same event as one
			 * between polls: say it of the operation, not the GET. */
			if (aml_signalled)
				gave_up(op, "interrupted", rid);
			else if (r.deadline)
				time_limit(op, status, rid);	/* -m ran out during the poll */
			else if (mode != M_LOCATION || !location_failed(op, &r, rid))
				poll_failed(op, url, &r);
			aml_resp_free(&r);
			break;
		}
		if (mode == M_ASYNC) {
			st = async_status(op, url, &r, rid, status, sizeof status, &pct);
		} else if (mode == M_STATE) {
			st = state_status(op, &r, rid, status, sizeof status);
		} else {
			/* Location: 202 while it runs; another 2xx when done. */
			st = r.status == 202 ? RUNNING : DONE;
			snprintf(status, sizeof status, "%s", st == DONE ? "Succeeded" : "Running");
		}
		if (st < 0 || st == FAILED)
			rc = AML_EXIT_FAIL;
		if (st == RUNNING) {
			hint = retry_after_ms(&r);
			progress(op, status, pct);
		}
		aml_resp_free(&r);
		if (st < 0)
			break;
	}
	aml_progress_clear();
	free(rid);
	return rc;
}

/* --no-wait: {"status":N,"operation":URL,"response":FIRST-BODY} on w
 * (one line with -c); 1 after an error line when the answer is not JSON. */
static int
lro_started(struct aml_wbuf *w, const struct lro *op, const struct aml_resp *first)
{
	const char *url = lro_url(first);
	struct aml_jdoc d = { 0 };
	struct aml_jw jw;
	char num[24];

	if (first->len && aml_arm_answer(op->method, op->url, first, &d) != 0)
		return AML_EXIT_FAIL;
	aml_jw_init(&jw, w, AML_JW_ONE);
	aml_jw_open(&jw, '{');
	aml_jw_key(&jw, "status");
	snprintf(num, sizeof num, "%ld", first->status);
	aml_jw_raw(&jw, num, strlen(num));
	aml_jw_key(&jw, "operation");
	if (url)
		aml_jw_str(&jw, url);
	else
		aml_jw_raw(&jw, "null", 4);
	if (first->len) {
		aml_jw_key(&jw, "response");
		aml_jw_tok(&jw, &d, 0);
		aml_jfree(&d);
	}
	aml_jw_close(&jw, '}');
	aml_wputc(w, '\n');
	return 0;
}

int
aml_lro_run(const struct aml_rsrc *rs, const char *method, const char *url, const char *body,
    size_t len, const char *doing, int nowait, struct aml_wbuf *out)
{
	return aml_lro_run_flags(rs, method, url, body, len, doing, 0, nowait, out);
}

int
aml_lro_run_flags(const struct aml_rsrc *rs, const char *method, const char *url,
    const char *body, size_t len, const char *doing, int flags, int nowait, struct aml_wbuf *out)
{
	struct lro op = { rs, method, url, doing, aml_now_ms(), flags };
	struct aml_resp r;
	int rc;

	if ((rc = aml_arm_call(rs, method, url, body, len, 0, &r)) == 0)
		rc = nowait ? lro_started(out, &op, &r) : lro_wait(&op, &r);
	aml_resp_free(&r);
	return rc;
}
