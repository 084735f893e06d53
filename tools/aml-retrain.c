/* SPDX-License-Identifier: MIT */
/*
 * aml-retrain: run a Batch Execution Service job on a training web
 * service and print its final status, whose Results name the retrained
 * model (.ilearner) for aml-patch-ilearner -b and aml-patch-endpoint -b.
 *
 * The request is checked before anything is sent, because the service
 * silently ignores what it does not know: a misspelt "GolbalParameters"
 * or "ConnetionString" (as in a widely copied sample) is lost without a
 * word, and the job fails much later or not at all.  Then submit,
 * start, and poll with backoff for as long as retraining takes (hours
 * is not unusual), never cancelling the job unless asked to.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "amlnet.h"

#define MAXMODELS 16
#define POLL_CAP_MS 30000L
#define CANCEL_TIMEOUT "15"
#define POLL_TIMEOUT_MS 120000L	/* a request's own bound (http.c) */

static const char *url, *keyfile, *jobarg, *outpath, *inname;
static const char *models[MAXMODELS];
static int nmodels, nowait, cancel_on_exit, checkonly, force;
static long timeout_s = 24 * 3600, interval_ms = 1000;
static char *base, *key;
static char *lasterr;		/* the last transient status failure */

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-retrain [-Ccfnqv] [-u url] [-k key-file] [-M output] [-m timeout]\n"
	    "                   [-i seconds] [-o file] [-E ca-bundle] [request.json]\n"
	    "       aml-retrain -j job-id [-Cfnqv] [-u url] [-k key-file] [-m timeout] [-o file]\n");
	if (!status)
		fprintf(fp,
		    "  -u, --url URL             the training web service (its ApiLocation;\n"
		    "                            default AML_BES_URL)\n"
		    "  -k, --key-file FILE       its API key (default AML_API_KEY)\n"
		    "  -M, --model-output NAME   this output is a trained model (.ilearner)\n"
		    "  -c, --check               check the request, send nothing\n"
		    "  -j, --job ID              follow a job submitted before\n"
		    "  -n, --no-wait             print the status once the job runs, and exit\n"
		    "  -m, --timeout DURATION    stop waiting after this (default 24h; 90s, 30m, 2d)\n"
		    "  -i, --interval SECONDS    first pause between polls (default 1, doubling to 30)\n"
		    "  -C, --cancel-on-exit      cancel the job on Ctrl-C or timeout\n"
		    "  -o, --output FILE         write the status to FILE, atomically\n"
		    "  -f, --force               replace FILE if it exists\n"
		    "  -E, --ca-bundle FILE      CA certificates for TLS\n"
		    "  -v, --verbose             HTTP trace on stderr, secrets masked\n"
		    "  -q, --quiet               no warnings, no progress\n"
		    "  -h, --help\n"
		    "  -V, --version\n");
	exit(status);
}

/* ---- checking the request ------------------------------------------- */

/* Edit distance with transpositions, ignoring case, for names of a few
 * dozen characters. */
static int
distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int d[64][64];

	if (n >= 64 || m >= 64)
		return 99;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			int v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

AML_NORETURN static void bad(const char *path, const char *fmt, ...) AML_PRINTF(2, 3);

static void
bad(const char *path, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		aml_die("out of memory");
	va_end(ap);
	aml_diex(AML_EXIT_FAIL, "%s: %s%s%s", inname, path, *path ? ": " : "", m);
}

/* The member names an object may have (matched as the service matches
 * them, ignoring case); a near miss is named. */
static void
members(const struct aml_jdoc *d, uint32_t o, const char *path, const char *const *known)
{
	AML_JOBJ_EACH(d, o, k) {
		char *name = aml_jstrdup(d, k);
		const char *const *p, *near = NULL;

		for (p = known; *p && strcasecmp(*p, name); p++)
			if (distance(*p, name) <= 2)
				near = *p;
		if (!*p)
			bad(path, near ? "%s: unknown member; did you mean %s?" :
			    "%s: unknown member (the service would ignore it)", name, near);
		free(name);
	}
}

static uint32_t
get(const struct aml_jdoc *d, uint32_t o, const char *name)
{
	uint32_t v = aml_jget_ci(d, o, name);

	return v && AML_JTYPE(d, v) != AML_JNULL ? v : 0;
}

static char *
string(const struct aml_jdoc *d, uint32_t o, const char *name, const char *path)
{
	uint32_t v = get(d, o, name);

	if (!v)
		return NULL;
	if (AML_JTYPE(d, v) != AML_JSTRING)
		bad(path, "%s: expected a string, got %s", name, aml_jtypename(AML_JTYPE(d, v)));
	return aml_jstrdup(d, v);
}

/* DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...: the
 * names only are reported, never a value. */
static void
connection_string(const char *cs, const char *path)
{
	static const char *const known[] = {
		"DefaultEndpointsProtocol", "AccountName", "AccountKey", "EndpointSuffix",
		"BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
		"SharedAccessSignature", NULL
	};
	char *s = aml_xstrdup(cs), *save = NULL, *kv;
	int name = 0, cred = 0;

	for (kv = strtok_r(s, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');
		const char *const *p, *near = NULL;

		if (!eq || eq == kv)
			bad(path, "ConnectionString: not name=value pairs separated by ';'");
		*eq = '\0';
		for (p = known; *p && strcasecmp(*p, kv); p++)
			if (distance(*p, kv) <= 2)
				near = *p;
		if (!*p)
			bad(path, near ? "ConnectionString: %s: unknown setting; did you mean %s?" :
			    "ConnectionString: %s: unknown setting", kv, near);
		if (!eq[1])
			bad(path, "ConnectionString: %s is empty", kv);
		name |= !strcasecmp(kv, "AccountName");
		cred |= !strcasecmp(kv, "AccountKey") || !strcasecmp(kv, "SharedAccessSignature");
	}
	aml_freesecret(s);
	if (!name || !cred)
		bad(path, "ConnectionString: no %s", !name ? "AccountName" : "AccountKey");
}

static void
sas_token(const char *sas, const char *path)
{
	time_t se;
	char when[32];

	if (!strstr(sas, "sig="))
		bad(path, "SasBlobToken: not a SAS token (no sig)");
	if (aml_sas_expiry(sas, &se) < 0)
		bad(path, "SasBlobToken: no valid expiry time (se)");
	if (se <= time(NULL)) {
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&se));
		bad(path, "SasBlobToken: expired at %s", when);
	}
}

static int
ends(const char *s, const char *ext)
{
	size_t n = strlen(s), e = strlen(ext);

	return n > e && !strcasecmp(s + n - e, ext);
}

/* Outputs named with --model-output, or without it those whose name
 * says "model" (model, trainedModel, ...). */
static int
is_model(const char *name)
{
	for (int i = 0; i < nmodels; i++)
		if (!strcmp(models[i], name))
			return 1;
	return !nmodels && strcasestr(name, "model");
}

/* A blob reference of Inputs or Outputs. */
static void
blobref(const struct aml_jdoc *d, uint32_t v, const char *path, const char *output)
{
	static const char *const known[] = {
		"ConnectionString", "RelativeLocation", "BaseLocation", "SasBlobToken", NULL
	};
	char *cs, *rel, *baseloc, *sas;

	if (AML_JTYPE(d, v) != AML_JOBJECT)
		bad(path, "expected a blob reference (an object), got %s", aml_jtypename(AML_JTYPE(d, v)));
	members(d, v, path, known);
	cs = string(d, v, "ConnectionString", path);
	rel = string(d, v, "RelativeLocation", path);
	baseloc = string(d, v, "BaseLocation", path);
	sas = string(d, v, "SasBlobToken", path);
	if (!rel || !*rel)
		bad(path, "no RelativeLocation (container/blob)");
	{
		const char *r = rel + strspn(rel, "/"), *slash = strchr(r, '/');

		if (!slash || slash == r || !slash[1])
			bad(path, "RelativeLocation: %s: not container/blob", rel);
	}
	if (cs && *cs)
		connection_string(cs, path);
	else if (!baseloc || !*baseloc || !sas || !*sas)
		bad(path, "needs ConnectionString, or BaseLocation and SasBlobToken");
	if (sas && *sas && !(cs && *cs))
		sas_token(sas, path);
	if (output) {
		if (is_model(output) && !ends(rel, ".ilearner"))
			bad(path, "RelativeLocation: %s: a trained model is written as .ilearner", rel);
		if (!ends(rel, ".ilearner") && !ends(rel, ".csv") && !ends(rel, ".tsv") &&
		    !ends(rel, ".arff"))
			bad(path, "RelativeLocation: %s: an output is a trained model (.ilearner) or a "
			    "data set (.csv, .tsv or .arff)", rel);
	}
	if (cs)
		aml_freesecret(cs);
	if (sas)
		aml_freesecret(sas);
	free(rel);
	free(baseloc);
}

static void
refs(const struct aml_jdoc *d, uint32_t o, const char *what, int outputs)
{
	char *path;

	if (AML_JTYPE(d, o) != AML_JOBJECT)
		bad(what, "expected an object of named blob references, got %s",
		    aml_jtypename(AML_JTYPE(d, o)));
	AML_JOBJ_EACH(d, o, k) {
		char *name = aml_jstrdup(d, k);

		path = aml_xasprintf("%s.%s", what, name);
		if (AML_JTYPE(d, k + 1) != AML_JNULL)
			blobref(d, k + 1, path, outputs ? name : NULL);
		free(path);
		free(name);
	}
}

static void
check(const struct aml_jdoc *d)
{
	static const char *const known[] = {
		"Inputs", "Input", "Outputs", "GlobalParameters", NULL
	};
	uint32_t in, in1, out, g;

	if (AML_JTYPE(d, 0) != AML_JOBJECT)
		bad("", "expected a BatchExecutionRequest (an object), got %s",
		    aml_jtypename(AML_JTYPE(d, 0)));
	members(d, 0, "", known);
	in = get(d, 0, "Inputs");
	in1 = get(d, 0, "Input");
	if (in && in1)
		bad("", "Input and Inputs: give one (the service refuses both)");
	if (in)
		refs(d, in, "Inputs", 0);
	if (in1)
		blobref(d, in1, "Input", NULL);
	if ((out = get(d, 0, "Outputs")))
		refs(d, out, "Outputs", 1);
	for (int i = 0; i < nmodels; i++)
		if (!out || !aml_jget(d, out, models[i]))
			bad("Outputs", "%s: no such output (given with --model-output)", models[i]);
	if ((g = get(d, 0, "GlobalParameters"))) {
		if (AML_JTYPE(d, g) != AML_JOBJECT)
			bad("GlobalParameters", "expected an object, got %s", aml_jtypename(AML_JTYPE(d, g)));
		AML_JOBJ_EACH(d, g, k)
			if (AML_JTYPE(d, k + 1) == AML_JOBJECT || AML_JTYPE(d, k + 1) == AML_JARRAY) {
				char *name = aml_jstrdup(d, k);

				bad("GlobalParameters", "%s: expected a string, got %s", name,
				    aml_jtypename(AML_JTYPE(d, k + 1)));
			}
	}
}

/* ---- the service ---------------------------------------------------- */

static char *
job_url(const char *id, const char *tail)
{
	return aml_xasprintf("%s/jobs%s%s%s?api-version=2.0", base, id ? "/" : "", id ? id : "",
	    tail ? tail : "");
}

static int
job_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || *s == '-'))
			return 0;
	return 1;
}

/* The job id, or NULL with *rc the exit status after the error line. */
static char *
submit(const char *body, size_t len, int *rcp)
{
	struct aml_req q = { 0 };
	struct aml_resp r;
	struct aml_jdoc d;
	struct aml_jerr e;
	char *id = NULL;
	int rc;

	q.method = "POST";
	q.url = job_url(NULL, NULL);
	q.body = body;
	q.len = len;
	/* A refused submission (503 throttling) left nothing behind. */
	q.flags = AML_HTTP_IDEMPOTENT;
	rc = aml_studio_http(key, &q, &r);
	if (rc == 0) {
		if (aml_jparse(&d, r.body, r.len, &e) < 0 || AML_JTYPE(&d, 0) != AML_JSTRING ||
		    !job_id_ok(id = aml_jstrdup(&d, 0))) {
			aml_err("POST %s: the answer is not a job id (a JSON string)", "jobs");
			free(id);
			id = NULL;
		}
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	free((char *)q.url);
	*rcp = rc ? rc : AML_EXIT_FAIL;
	return id;
}

/* GET the status, in at most total_ms (0: the default): 0 with the body
 * parsed into d and st; else the exit status after the error line.
 * transient: set when the failure may pass (no answer, 408, 429, 5xx),
 * and then nothing is printed. */
static int
status(const char *id, long total_ms, struct aml_resp *r, struct aml_jdoc *d,
    struct aml_bes_status *st, int *transient)
{
	struct aml_req q = { 0 };
	struct aml_jerr e;
	char why[256];
	int rc;

	*transient = 0;
	q.url = job_url(id, NULL);
	q.flags = AML_HTTP_QUIET;
	q.total_ms = total_ms;
	rc = aml_studio_http(key, &q, r);
	if (rc) {
		char *line = aml_studio_errline(&q, r);

		if (!r->status || r->status == 408 || r->status == 429 || r->status >= 500) {
			*transient = 1;
			free(lasterr);
			lasterr = line;
		} else {
			aml_err("%s", line);
			free(line);
		}
		free((char *)q.url);
		return rc;
	}
	free((char *)q.url);
	if (aml_jparse(d, r->body, r->len, &e) < 0) {
		aml_err("job %s: the status is not JSON: %s", id, e.msg);
		return AML_EXIT_FAIL;
	}
	if (aml_bes_parse(d, 0, st, why, sizeof why) < 0) {
		aml_err("job %s: %s", id, why);
		aml_bes_free(st);
		aml_jfree(d);
		return AML_EXIT_FAIL;
	}
	return 0;
}

static int
cancel(const char *id)
{
	struct aml_req q = { 0 };
	struct aml_resp r;
	int rc;

	q.method = "DELETE";
	q.url = job_url(id, NULL);
	q.flags = AML_HTTP_NORETRY;
	aml_http_set_timeout(CANCEL_TIMEOUT);
	rc = aml_studio_http(key, &q, &r);
	aml_resp_free(&r);
	free((char *)q.url);
	return rc;
}

static int
start(const char *id)
{
	struct aml_req q = { 0 };
	struct aml_resp r, r2;
	struct aml_jdoc d;
	struct aml_jerr e;
	struct aml_bes_status st;
	int rc, transient;

	q.method = "POST";
	q.url = job_url(id, "/start");
	q.flags = AML_HTTP_IDEMPOTENT | AML_HTTP_QUIET;
	rc = aml_studio_http(key, &q, &r);
	/* A start repeated after a lost answer finds the job running. */
	if (rc && r.status == 400 && strstr(r.body, "CannotStartJob") &&
	    status(id, 0, &r2, &d, &st, &transient) == 0) {
		if (st.code != AML_BES_NOTSTARTED)
			rc = 0;
		aml_bes_free(&st);
		aml_jfree(&d);
		aml_resp_free(&r2);
	}
	if (rc) {
		char *line = aml_studio_errline(&q, &r);

		aml_err("%s", line);
		free(line);
	} else if (r.len && aml_jparse(&d, r.body, r.len, &e) < 0) {
		/* The service answers a start with nothing (or JSON); a page
		 * of HTML is a gateway's, and no sign that the job started. */
		char *path = aml_url_path(q.url);

		aml_err("POST %s: HTTP %ld: the answer is not JSON (%s); job %s may not have started",
		    path, r.status, e.msg, id);
		free(path);
		rc = AML_EXIT_FAIL;
	} else if (r.len) {
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	free((char *)q.url);
	return rc;
}

/* ---- waiting -------------------------------------------------------- */

static void
progress(const char *id, int code, time_t t0)
{
	long s = (long)(time(NULL) - t0);

	aml_progress("job %s %s %ldm%02lds", id, aml_bes_codename(code), s / 60, s % 60);
}

static void
fmt_duration(char *buf, size_t n, long s)
{
	if (s % 3600 == 0)
		snprintf(buf, n, "%ldh", s / 3600);
	else if (s % 60 == 0)
		snprintf(buf, n, "%ldm", s / 60);
	else
		snprintf(buf, n, "%lds", s);
}

/* Ctrl-C (or SIGTERM, SIGHUP): cancel when asked, then die of it. */
AML_NORETURN static void
interrupted(const char *id)
{
	int sig = aml_signalled;

	aml_progress_clear();
	if (cancel_on_exit) {
		aml_signalled = 0;
		if (cancel(id) == 0)
			aml_err("interrupted; job %s cancelled", id);
		aml_signalled = sig;
	} else {
		aml_err("interrupted; job %s goes on (follow it with aml-retrain --job %s)", id, id);
	}
	aml_resignal();
	exit(AML_EXIT_FAIL);
}

static int
print(const struct aml_jdoc *d, const char *id)
{
	struct aml_out out;
	struct aml_jw jw;
	int rc;

	aml_out_open(&out, outpath, 0600, force);
	aml_jw_init(&jw, &out.w, AML_JW_PRETTY);
	aml_jw_open(&jw, '{');
	AML_JOBJ_EACH(d, 0, k) {
		if (aml_jkeyeq(d, k, "JobId"))
			continue;
		aml_jw_rawkey(&jw, d->buf + d->tok[k].off, d->tok[k].len);
		aml_jw_tok(&jw, d, k + 1);
	}
	aml_jw_key(&jw, "JobId");
	aml_jw_str(&jw, id);
	aml_jw_close(&jw, '}');
	aml_wputc(&out.w, '\n');
	rc = aml_out_close(&out);
	return rc;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
follow(const char *id)
{
	struct aml_resp r;
	struct aml_jdoc d;
	struct aml_bes_status st;
	time_t t0 = time(NULL);
	long deadline = now_ms() + timeout_s * 1000, wait = interval_ms, left;
	int rc, transient, unread = 0, polled;
	char why[512], dur[32];

	for (polled = 0;; polled = 1) {
		/* A status that does not come cannot hold us past --timeout. */
		if ((left = deadline - now_ms()) <= 0 && polled) {
			aml_progress_clear();
			fmt_duration(dur, sizeof dur, timeout_s);
			/* Say "running" only when the last status said so. */
			if (unread)
				snprintf(why, sizeof why, "no status after %s (%s)", dur, lasterr);
			else
				snprintf(why, sizeof why, "still running after %s", dur);
			if (cancel_on_exit) {
				if (cancel(id) == 0)
					aml_err("job %s %s; cancelled", id, why);
			} else {
				aml_err("job %s %s; it goes on (follow it with aml-retrain --job %s)",
				    id, why, id);
			}
			return AML_EXIT_FAIL;
		}
		rc = status(id, left > POLL_TIMEOUT_MS ? 0 : left > 0 ? left : 1,
		    &r, &d, &st, &transient);
		if (aml_signalled)
			interrupted(id);
		if (rc && !transient) {
			aml_progress_clear();
			aml_resp_free(&r);
			return rc;
		}
		unread = rc != 0;
		if (rc) {
			aml_progress_clear();
			if (!aml_signalled)
				aml_warn("%s; still polling", lasterr);
		} else {
			switch (st.code) {
			case AML_BES_FINISHED:
				aml_progress_clear();
				rc = print(&d, id);
				goto done;
			case AML_BES_FAILED:
			case AML_BES_CANCELLED:
				aml_progress_clear();
				if (st.code == AML_BES_CANCELLED) {
					aml_err("job %s was cancelled", id);
				} else {
					char *red = aml_redact(st.details ? st.details : "no details",
					    strlen(st.details ? st.details : "no details"));

					for (char *p = red; *p; p++)
						if (*p == '\n' || *p == '\r')
							*p = ' ';
					snprintf(why, sizeof why, "%s", red);
					free(red);
					aml_err("job %s failed: %s", id, why);
				}
				rc = AML_EXIT_FAIL;
				goto done;
			default:
				if (nowait && st.code == AML_BES_RUNNING) {
					rc = print(&d, id);
					goto done;
				}
				progress(id, st.code, t0);
			}
			aml_bes_free(&st);
			aml_jfree(&d);
		}
		aml_resp_free(&r);
		if ((left = deadline - now_ms()) > 0 && aml_sleep_ms(wait < left ? wait : left) < 0)
			interrupted(id);
		wait = wait * 2 > POLL_CAP_MS ? (interval_ms > POLL_CAP_MS ? interval_ms : POLL_CAP_MS) :
		    wait * 2;
	}
done:
	aml_bes_free(&st);
	aml_jfree(&d);
	aml_resp_free(&r);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "model-output", required_argument, NULL, 'M' },
		{ "check", no_argument, NULL, 'c' },
		{ "job", required_argument, NULL, 'j' },
		{ "no-wait", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 'm' },
		{ "interval", required_argument, NULL, 'i' },
		{ "cancel-on-exit", no_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "ca-bundle", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const keyvars[] = { "AML_API_KEY", NULL };
	const char *path = NULL, *why;
	struct aml_jdoc d;
	char *buf = NULL, *id, *end;
	size_t len = 0;
	double v;
	int c, rc;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "u:k:M:cj:nm:i:Co:fE:vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': url = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'M':
			if (nmodels == MAXMODELS) {
				aml_err("--model-output: at most %d", MAXMODELS);
				usage(AML_EXIT_USAGE);
			}
			models[nmodels++] = optarg;
			break;
		case 'c': checkonly = 1; break;
		case 'j': jobarg = optarg; break;
		case 'n': nowait = 1; break;
		case 'm':
			if (aml_duration_opt("-m", optarg, &timeout_s) < 0)
				usage(AML_EXIT_USAGE);
			timeout_s = (timeout_s + 999) / 1000;
			break;
		case 'i':
			v = strtod(optarg, &end);
			if (end == optarg || *end || !(v >= 0.01) || v > 3600) {
				aml_err("--interval %s: not a number of seconds from 0.01 to 3600", optarg);
				usage(AML_EXIT_USAGE);
			}
			interval_ms = (long)(v * 1000);
			break;
		case 'C': cancel_on_exit = 1; break;
		case 'o': outpath = optarg; break;
		case 'f': force = 1; break;
		case 'E': aml_http_set_ca_bundle(optarg); break;
		case 'v': aml_verbose = 1; break;
		case 'q': aml_quiet = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default: usage(AML_EXIT_USAGE);
		}
	}
	/* A request never outlasts the timeout either (polls get what is
	 * left of it). */
	if (timeout_s < POLL_TIMEOUT_MS / 1000) {
		char secs[24];

		snprintf(secs, sizeof secs, "%ld", timeout_s);
		aml_http_set_timeout(secs);
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (jobarg && (argc || checkonly || nmodels)))
		usage(AML_EXIT_USAGE);
	if (argc == 1)
		path = argv[0];
	if (jobarg && !job_id_ok(jobarg)) {
		aml_err("--job %s: not a job id", jobarg);
		usage(AML_EXIT_USAGE);
	}
	if (!jobarg) {
		if ((!path || !strcmp(path, "-")) && isatty(0))
			usage(AML_EXIT_USAGE);
		inname = aml_inname(path);
		buf = aml_jload(path, &d, &len);
		check(&d);
		aml_jfree(&d);
		if (checkonly) {
			aml_wipe(buf, len);
			free(buf);
			return AML_EXIT_OK;
		}
	}
	if (!url && !(url = getenv("AML_BES_URL"))) {
		aml_err("no web service: give --url or set AML_BES_URL");
		usage(AML_EXIT_USAGE);
	}
	aml_argv_secret("--url", url, "give the service's URL without it; keys go in --key-file or AML_API_KEY");
	if (!(base = aml_studio_base(url, &why)))
		aml_diex(AML_EXIT_USAGE, "--url %s: %s", url, why);
	if (aml_secret_get(keyfile, keyvars, "--key-file", &key) < 0)
		exit(AML_EXIT_FAIL);
	if (!key)
		aml_diex(AML_EXIT_AUTH, "no API key: give --key-file or set AML_API_KEY (or AML_API_KEY_FILE)");
	aml_catch_signals();
	if (jobarg) {
		id = aml_xstrdup(jobarg);
	} else {
		id = submit(buf, len, &rc);
		aml_wipe(buf, len);
		if (id && aml_verbose)
			fprintf(stderr, "* job %s submitted\n", id);
		if (!id || (rc = start(id)))
			goto out;
	}
	if (aml_signalled)
		interrupted(id);
	rc = follow(id);
out:
	free(id);
	free(buf);
	free(base);
	free(lasterr);
	aml_freesecret(key);
	return rc;
}
