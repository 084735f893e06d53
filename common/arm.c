/* SPDX-License-Identifier: MIT */
/*
 * arm.c: web services on Resource Manager, the part the six programs
 * that mirror the PowerShell cmdlets share.  A service is named by
 * resource group and name, or by the resource id that Get- output
 * carries; the subscription comes from the command line, the
 * environment, or the signed-in account, in that order.  Requests go
 * through aml_http with the account's token; when one that changes
 * something fails after it reached the server, the error line says it
 * may have taken effect and how to look.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amlnet.h"

const char aml_ws_optshelp[] =
    "  -g, --resource-group RG   the web service's resource group\n"
    "  -n, --name NAME           the web service's name\n"
    "  -i, --id ID               the web service's resource id, instead of -g, -n, -s\n"
    "  -s, --subscription SUB    subscription id (default AZURE_SUBSCRIPTION_ID,\n"
    "                            else the signed-in account's)\n"
    "  -a, --api-version V       2017-01-01 (default) or 2016-05-01-preview\n"
    "  -m, --timeout SECONDS     per HTTP request, and for the whole operation\n"
    "  -E, --ca-bundle FILE      CA certificates for TLS\n"
    "  -v, --verbose             HTTP trace on stderr, secrets masked\n"
    "  -q, --quiet               no warnings, no progress line\n"
    "  -h, --help                this help\n"
    "  -V, --version             print the version\n";

/* --id's parts, apart from -g, -n and -s so that mixing them is seen. */
static char *idsub, *idgroup, *idname;

void
aml_ws_init(struct aml_ws *ws)
{
	memset(ws, 0, sizeof *ws);
	ws->apiver = AML_WS_APIVER;
}

void
aml_ws_free(struct aml_ws *ws)
{
	free(ws->idbuf);
	free(ws->label);
	free(ws->check);
	memset(ws, 0, sizeof *ws);
	idsub = idgroup = idname = NULL;
}

int
aml_ws_parse_id(char *id, char **sub, char **group, char **name, const char **why)
{
	/* Segment names as PowerShell's regex has them, case ignored. */
	static const char *const lit[] = {
		"subscriptions", NULL, "resourceGroups", NULL, "providers",
		"Microsoft.MachineLearning", "webServices", NULL,
	};
	char *seg[8], *p = id, *slash;
	size_t i;

	*why = "not a web service id, /subscriptions/SUB/resourceGroups/RG/providers/"
	    "Microsoft.MachineLearning/webServices/NAME";
	if (*p++ != '/')
		return -1;
	for (i = 0; i < 8; i++) {
		seg[i] = p;
		slash = strchr(p, '/');
		if (i < 7 && !slash)
			return -1;
		if (slash)
			*slash = '\0';
		if (!*seg[i] || (lit[i] && strcasecmp(seg[i], lit[i])))
			return -1;
		p = slash ? slash + 1 : p + strlen(p);
		if (i == 7 && slash)
			return -1;	/* more after the name: a child resource */
	}
	*sub = seg[1];
	*group = seg[3];
	*name = seg[7];
	return 0;
}

int
aml_ws_name_ok(const char *name, const char **why)
{
	size_t n = strlen(name);

	if (n < 1 || n > 260) {
		*why = "a web service name has 1 to 260 characters";
		return -1;
	}
	if (strpbrk(name, "<>*%&:?+/\\")) {
		*why = "a web service name cannot contain any of <>*%&:?+/\\";
		return -1;
	}
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*why = "a web service name cannot contain control characters";
			return -1;
		}
	if (name[n - 1] == ' ') {
		*why = "a web service name cannot end with a space";
		return -1;
	}
	return 0;
}

static int
set_timeout(struct aml_ws *ws, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v > 0) || v > 86400 ||
	    aml_http_set_timeout(arg) < 0) {
		aml_err("--timeout %s: not a number of seconds up to 86400", arg);
		return -1;
	}
	ws->timeout_ms = (long)(v * 1000);
	if (ws->timeout_ms < 1)
		ws->timeout_ms = 1;
	return 0;
}

int
aml_ws_opt(struct aml_ws *ws, int c, const char *arg)
{
	const char *why;

	switch (c) {
	case 'g': ws->group = arg; break;
	case 'n': ws->name = arg; break;
	case 's': ws->sub = arg; ws->subgiven = 1; break;
	case 'i':
		free(ws->idbuf);
		ws->idbuf = aml_xstrdup(arg);
		if (aml_ws_parse_id(ws->idbuf, &idsub, &idgroup, &idname, &why) < 0) {
			aml_err("--id %s: %s", arg, why);
			return -1;
		}
		break;
	case 'a':
		if (strcmp(arg, AML_WS_APIVER) && strcmp(arg, AML_WS_APIVER_PREVIEW)) {
			aml_err("--api-version %s: not %s or %s", arg, AML_WS_APIVER,
			    AML_WS_APIVER_PREVIEW);
			return -1;
		}
		ws->apiver = !strcmp(arg, AML_WS_APIVER) ? AML_WS_APIVER : AML_WS_APIVER_PREVIEW;
		break;
	case 'm': return set_timeout(ws, arg) < 0 ? -1 : 1;
	default: return aml_http_opt(c, arg);
	}
	return 1;
}

/* A word as the shell would read it back: quoted unless it is plain. */
static void
shword(struct aml_wbuf *w, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.,:/@%+=()", *p))
			break;
	if (*s && !*p) {
		aml_wputs(w, s);
		return;
	}
	aml_wputc(w, '\'');
	for (p = s; *p; p++)
		if (*p == '\'')
			aml_wputs(w, "'\\''");
		else
			aml_wputc(w, *p);
	aml_wputc(w, '\'');
}

static void
describe(struct aml_ws *ws)
{
	struct aml_wbuf w;

	if (ws->name)
		ws->label = aml_xasprintf("%s/%s", ws->group, ws->name);
	else if (ws->group)
		ws->label = aml_xstrdup(ws->group);
	else
		ws->label = aml_xasprintf("subscription %s", ws->sub);
	aml_wbuf_init(&w, -1);
	aml_wputs(&w, "aml-get-ws");
	if (ws->subgiven) {
		aml_wputs(&w, " -s ");
		shword(&w, ws->sub);
	}
	if (ws->group) {
		aml_wputs(&w, " -g ");
		shword(&w, ws->group);
	}
	if (ws->name) {
		aml_wputs(&w, " -n ");
		shword(&w, ws->name);
	}
	ws->check = aml_wbuf_take(&w);
}

static int
subscription(struct aml_ws *ws)
{
	const char *s;

	if (ws->sub) {
		if (!*ws->sub) {
			aml_err("--subscription: empty");
			return AML_EXIT_USAGE;
		}
		return 0;
	}
	if ((s = getenv("AZURE_SUBSCRIPTION_ID")) && *s) {
		ws->sub = s;
		return 0;
	}
	if (!aml_account())
		return AML_EXIT_AUTH;
	if (!(ws->sub = aml_subscription())) {
		aml_err("no subscription: give --subscription, set AZURE_SUBSCRIPTION_ID, "
		    "or sign in with aml-login --subscription");
		return AML_EXIT_AUTH;
	}
	return 0;
}

int
aml_ws_setup(struct aml_ws *ws, int flags)
{
	int rc;

	if (ws->idbuf) {
		if (ws->group || ws->name || ws->sub) {
			aml_err("--id names the web service: leave out -g, -n and -s");
			return AML_EXIT_USAGE;
		}
		ws->sub = idsub;
		ws->group = idgroup;
		ws->name = idname;
		ws->subgiven = 1;
	}
	if ((ws->group && !*ws->group) || (ws->name && !*ws->name)) {
		aml_err("%s: empty", ws->group && !*ws->group ? "--resource-group" : "--name");
		return AML_EXIT_USAGE;
	}
	if (ws->name && !ws->group) {
		aml_err("--name needs --resource-group");
		return AML_EXIT_USAGE;
	}
	if (!(flags & AML_WS_LIST) && !ws->name) {
		aml_err("name the web service with -g and -n, or --id");
		return AML_EXIT_USAGE;
	}
	if ((rc = subscription(ws)) != 0)
		return rc;
	describe(ws);
	return 0;
}

char *
aml_ws_url(const struct aml_ws *ws, const char *suffix, const char *query)
{
	struct aml_wbuf w;
	char *e;

	aml_wbuf_init(&w, -1);
	aml_wputs(&w, aml_arm_endpoint());
	e = aml_urlenc(ws->sub);
	aml_wprintf(&w, "/subscriptions/%s", e);
	free(e);
	if (ws->group) {
		e = aml_urlenc(ws->group);
		aml_wprintf(&w, "/resourceGroups/%s", e);
		free(e);
	}
	aml_wputs(&w, "/providers/" AML_WS_PROVIDER);
	if (ws->name) {
		e = aml_urlenc(ws->name);
		aml_wprintf(&w, "/%s", e);
		free(e);
	}
	aml_wprintf(&w, "%s?api-version=%s", suffix ? suffix : "", ws->apiver);
	if (query && *query)
		aml_wprintf(&w, "&%s", query);
	return aml_wbuf_take(&w);
}

int
aml_arm_origin_ok(const char *url)
{
	const char *base = aml_arm_endpoint();
	size_t n = strlen(base);

	return !strncasecmp(url, base, n) && (url[n] == '/' || url[n] == '?' || !url[n]);
}

int
aml_arm_call(const struct aml_ws *ws, const char *method, const char *url,
    const char *body, size_t len, int flags, struct aml_resp *r)
{
	struct aml_req q = {
		.method = method, .url = url, .body = body, .len = len,
		.resource = AML_ARM, .flags = flags | AML_HTTP_QUIET,
	};
	char *line;
	int rc;

	rc = aml_http(&q, r);
	if (!rc || (flags & AML_HTTP_QUIET) || (!r->status && !r->err[0]))
		return rc;
	line = aml_http_errline(&q, r);
	if (!r->status && r->sent && strcmp(method, "GET") && !aml_signalled)
		aml_err("%s; the request reached the server, so it may have taken effect: "
		    "check with %s", line, ws->check);
	else
		aml_err("%s", line);
	free(line);
	return rc;
}

int
aml_arm_answer(const char *method, const char *url, const struct aml_resp *r,
    struct aml_jdoc *d)
{
	struct aml_jerr e;
	char *path = aml_url_path(url);

	memset(d, 0, sizeof *d);
	if (aml_jparse(d, r->body, r->len, &e) < 0) {
		aml_err("%s %s: HTTP %ld: the answer is not JSON: %s", method, path, r->status, e.msg);
		aml_jfree(d);
	} else if (AML_JTYPE(d, 0) != AML_JOBJECT) {
		aml_err("%s %s: HTTP %ld: the answer is not a JSON object", method, path, r->status);
		aml_jfree(d);
	} else {
		free(path);
		return 0;
	}
	free(path);
	return AML_EXIT_FAIL;
}

/* n digits at s as a number, or -1. */
static long
digits(const char *s, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil): no time zone gets involved. */
static int64_t
days(long y, long m, long d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
aml_rfc3339(const char *s, int64_t *ticks)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y, mo, d, h, mi, sec, oh = 0, om = 0, frac = 0;
	int nfrac = 0, sign = 0;
	const char *p;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)))
		return -1;
	p = s + 19;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, nfrac++)
			if (nfrac < 7)
				frac = frac * 10 + (*p - '0');
		if (!nfrac)
			return -1;
		for (int i = nfrac; i < 7; i++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		oh = digits(p + 1, 2);
		om = p[3] == ':' ? digits(p + 4, 2) : -1;
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		p += 6;
	} else {
		return -1;
	}
	if (*p)
		return -1;
	if (sec == 60)
		sec = 59, frac = 9999999;	/* a leap second sorts last in its minute */
	*ticks = ((days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) -
	    sign * (oh * 3600 + om * 60)) * 10000000 + frac;
	return 0;
}
