/* SPDX-License-Identifier: MIT */
/*
 * arm.c: Resource Manager, for every program that works on a resource
 * there: the subscription (the command line, the environment, or the
 * signed-in account, in that order), resource URLs, requests whose
 * failures say what may have happened, and lists read page by page.
 * Requests carry the token through bearer.c, which sends it only to
 * Resource Manager; when one that changes something fails after it
 * reached the server, the error line says it may have taken effect
 * and how to look.  Then the web services (webServices, the programs
 * that mirror Az.MachineLearning's cmdlets): a service is named by
 * resource group and name, or by the resource id that Get- output
 * carries.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amlnet.h"

void
aml_ws_help(FILE *fp)
{
	fputs("  -g, --resource-group RG   the web service's resource group\n"
	    "  -n, --name NAME           the web service's name\n"
	    "  -i, --id ID               the web service's resource id, instead of -g, -n, -s\n"
	    "  -s, --subscription SUB    subscription id or name (default\n"
	    "                            AZURE_SUBSCRIPTION_ID, else the signed-in account's)\n"
	    "      --api-version V       2017-01-01 (default) or 2016-05-01-preview\n", fp);
	aml_net_help(fp, NULL);
}

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
	aml_rsrc_free(&ws->rs);
	memset(ws, 0, sizeof *ws);
	idsub = idgroup = idname = NULL;
}

/* Split a resource id, /subscriptions/S/resourceGroups/G/providers/
 * Microsoft.MachineLearning/webServices/N (segment names in any case),
 * in place; -1 with *why when it is not one. */
static int
ws_parse_id(char *id, char **sub, char **group, char **name, const char **why)
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

int
aml_ws_opt(struct aml_ws *ws, int c, const char *arg)
{
	const char *why;

	switch (c) {
	case 'g': ws->group = arg; break;
	case 'n': ws->name = arg; break;
	case 's': ws->subarg = arg; break;
	case 'i':
		free(ws->idbuf);
		ws->idbuf = aml_xstrdup(arg);
		if (ws_parse_id(ws->idbuf, &idsub, &idgroup, &idname, &why) < 0) {
			aml_err("-i %s: %s", arg, why);
			return -1;
		}
		break;
	case AML_OPT_API_VERSION:
		if (strcmp(arg, AML_WS_APIVER) && strcmp(arg, AML_WS_APIVER_PREVIEW)) {
			aml_err("--api-version %s: not %s or %s", arg, AML_WS_APIVER,
			    AML_WS_APIVER_PREVIEW);
			return -1;
		}
		ws->apiver = !strcmp(arg, AML_WS_APIVER) ? AML_WS_APIVER : AML_WS_APIVER_PREVIEW;
		break;
	default: return aml_http_opt(c, arg);
	}
	return 1;
}

void
aml_shword(struct aml_wbuf *w, const char *s)
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
		ws->rs.label = aml_xasprintf("%s/%s", ws->group, ws->name);
	else if (ws->group)
		ws->rs.label = aml_xstrdup(ws->group);
	else
		ws->rs.label = aml_xasprintf("subscription %s", ws->rs.sub);
	aml_wbuf_init(&w, -1);
	aml_wputs(&w, "aml-get-ws");
	if (ws->subgiven) {
		aml_wputs(&w, " -s ");
		aml_shword(&w, ws->rs.sub);
	}
	if (ws->group) {
		aml_wputs(&w, " -g ");
		aml_shword(&w, ws->group);
	}
	if (ws->name) {
		aml_wputs(&w, " -n ");
		aml_shword(&w, ws->name);
	}
	ws->rs.check = aml_wbuf_take(&w);
}

static int
add_item(void *all, const struct aml_jdoc *d, uint32_t i)
{
	cJSON_AddItemToArray(all, aml_json_from_tape(d, i));
	return 0;
}

int
aml_arm_subscriptions(const char *token, cJSON **out)
{
	char label[] = "the subscriptions", check[] = "aml-login --list";
	struct aml_rsrc rs = { .token = token, .label = label, .check = check };
	char *url = aml_xasprintf("%s/subscriptions?api-version=%s", aml_arm_endpoint(),
	    AML_SUBS_APIVER);
	cJSON *all = cJSON_CreateArray();
	int rc;

	*out = NULL;
	rc = aml_arm_pages(&rs, url, AML_SUBS_APIVER, add_item, all);
	free(url);
	if (rc) {
		cJSON_Delete(all);
		return rc;
	}
	*out = all;
	return 0;
}

const cJSON *
aml_arm_sub_find(const cJSON *subs, const char *want, const char *from)
{
	const cJSON *s, *found = NULL;
	const char *v;
	struct aml_wbuf w;
	int n = 0, exact = 0;

	cJSON_ArrayForEach(s, subs)
		if ((v = aml_json_str(s, "subscriptionId")) && !strcasecmp(v, want))
			return s;
	/* Names ignoring case, as az account set; when that finds several,
	 * the one spelt exactly so, if it is alone. */
	cJSON_ArrayForEach(s, subs)
		if ((v = aml_json_str(s, "displayName")) && !strcasecmp(v, want) && !n++)
			found = s;
	if (n > 1) {
		cJSON_ArrayForEach(s, subs)
			if ((v = aml_json_str(s, "displayName")) && !strcmp(v, want) && !exact++)
				found = s;
		if (exact == 1)
			return found;
		aml_wbuf_init(&w, -1);
		cJSON_ArrayForEach(s, subs)
			if ((v = aml_json_str(s, "displayName")) && !strcasecmp(v, want))
				aml_wprintf(&w, "%s%s", w.len ? ", " : "",
				    aml_json_str(s, "subscriptionId") ? aml_json_str(s, "subscriptionId") : "?");
		v = aml_wbuf_take(&w);
		aml_err("subscription %s: %d subscriptions have that name (%s)%s%s; give the id",
		    want, n, v, from ? " from " : "", from ? from : "");
		free((char *)v);
		return NULL;
	}
	if (n == 1)
		return found;
	aml_err("subscription %s is not among the %d this account can use%s%s%s", want,
	    cJSON_GetArraySize(subs), from ? " (from " : "", from ? from : "", from ? ")" : "");
	return NULL;
}

/* A name resolved to its id, kept for the program's life. */
static char *resolved;

static void
free_resolved(void)
{
	free(resolved);
	resolved = NULL;
}

/* want, an id or a display name, as an id. */
static int
resolve(const char *want, const char *from, const char **sub)
{
	const cJSON *s;
	cJSON *subs;
	int rc;

	if (aml_is_guid(want)) {
		*sub = want;
		return 0;
	}
	if ((rc = aml_arm_subscriptions(NULL, &subs)) != 0)
		return rc;
	if (!(s = aml_arm_sub_find(subs, want, from))) {
		cJSON_Delete(subs);
		return AML_EXIT_FAIL;
	}
	if (!resolved)
		atexit(free_resolved);
	free(resolved);
	resolved = aml_xstrdup(aml_json_str(s, "subscriptionId"));
	if (aml_verbose)
		fprintf(stderr, "* subscription %s is %s\n", want, resolved);
	cJSON_Delete(subs);
	*sub = resolved;
	return 0;
}

const char *
aml_arm_account_subscription(void)
{
	const cJSON *s, *first = NULL;
	const char *st;
	cJSON *subs;

	if (aml_subscription())
		return aml_subscription();
	if (aml_arm_subscriptions(NULL, &subs) != 0)
		return NULL;
	cJSON_ArrayForEach(s, subs)
		if (!first && (st = aml_json_str(s, "state")) && !strcasecmp(st, "Enabled"))
			first = s;
	if (first && aml_verbose)
		fprintf(stderr, "* the account's subscription: %s, the first enabled\n",
		    aml_json_str(first, "subscriptionId"));
	if (first && aml_auth_set_subscription(first) != 0)
		first = NULL;
	cJSON_Delete(subs);
	return first ? aml_subscription() : NULL;
}

int
aml_arm_subscription(const char *given, const char **sub)
{
	const char *s;

	if (given) {
		if (!*given) {
			aml_err("-s: empty");
			return AML_EXIT_USAGE;
		}
		return resolve(given, NULL, sub);
	}
	if ((s = getenv("AZURE_SUBSCRIPTION_ID")) && *s)
		return resolve(s, "AZURE_SUBSCRIPTION_ID", sub);
	if (!aml_account())
		return aml_account_status();
	if (!(*sub = aml_arm_account_subscription())) {
		aml_err("no subscription: give -s, set AZURE_SUBSCRIPTION_ID, "
		    "or choose one with aml-login -s");
		return AML_EXIT_AUTH;
	}
	return 0;
}

void
aml_rsrc_free(struct aml_rsrc *rs)
{
	free(rs->label);
	free(rs->check);
	rs->label = rs->check = NULL;
}

int
aml_ws_setup(struct aml_ws *ws, int flags)
{
	int rc;

	if (ws->idbuf) {
		if (ws->group || ws->name || ws->subarg) {
			aml_err("-i names the web service: leave out -g, -n and -s");
			return AML_EXIT_USAGE;
		}
		ws->subarg = idsub;
		ws->group = idgroup;
		ws->name = idname;
	}
	if ((ws->group && !*ws->group) || (ws->name && !*ws->name)) {
		aml_err("%s: empty", ws->group && !*ws->group ? "-g" : "-n");
		return AML_EXIT_USAGE;
	}
	if (ws->name && !ws->group) {
		aml_err("-g RESOURCE-GROUP is required with -n");
		return AML_EXIT_USAGE;
	}
	if (!(flags & AML_WS_LIST) && !ws->name) {
		aml_err("-g and -n, or -i, are required: name the web service");
		return AML_EXIT_USAGE;
	}
	if (ws->subarg && !*ws->subarg) {
		aml_err("-s: empty");
		return AML_EXIT_USAGE;
	}
	ws->subgiven = ws->subarg != NULL;
	if ((rc = aml_arm_subscription(ws->subarg, &ws->rs.sub)) != 0)
		return rc;
	describe(ws);
	return 0;
}

/* One percent-encoded path segment. */
static void
segment(struct aml_wbuf *w, const char *s)
{
	char *e = aml_urlenc(s);

	aml_wputc(w, '/');
	aml_wputs(w, e);
	free(e);
}

char *
aml_arm_url(const char *sub, const char *group, const char *provider, const char *const *segs,
    const char *suffix, const char *apiver, const char *query)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	aml_wputs(&w, aml_arm_endpoint());
	aml_wputs(&w, "/subscriptions");
	segment(&w, sub);
	if (group) {
		aml_wputs(&w, "/resourceGroups");
		segment(&w, group);
	}
	aml_wprintf(&w, "/providers/%s", provider);
	for (; segs && *segs; segs++)
		segment(&w, *segs);
	aml_wprintf(&w, "%s?api-version=%s", suffix ? suffix : "", apiver);
	if (query && *query)
		aml_wprintf(&w, "&%s", query);
	return aml_wbuf_take(&w);
}

char *
aml_ws_url(const struct aml_ws *ws, const char *suffix, const char *query)
{
	const char *segs[] = { ws->name, NULL };

	return aml_arm_url(ws->rs.sub, ws->group, AML_WS_PROVIDER, segs, suffix, ws->apiver, query);
}

int
aml_arm_call(const struct aml_rsrc *rs, const char *method, const char *url,
    const char *body, size_t len, int flags, struct aml_resp *r)
{
	struct aml_req q = {
		.method = method, .url = url, .body = body, .len = len,
		.resource = AML_ARM, .token = rs->token, .flags = flags | AML_HTTP_QUIET,
	};
	char *line;
	int rc;

	rc = aml_bearer_call(&q, r);
	if (!rc || (flags & AML_HTTP_QUIET) || (!r->status && !r->err[0]))
		return rc;
	line = aml_http_errline(&q, r);
	if (!r->status && r->sent && strcmp(method, "GET") && !aml_signalled)
		aml_err("%s; the request reached the server, so it may have taken effect: "
		    "check with %s", line, rs->check);
	else
		aml_err("%s", line);
	free(line);
	return rc;
}

/* One page: its items to fn, and the next page's URL (NULL: the last). */
static int
page(const struct aml_rsrc *rs, const char *url, aml_arm_item_fn *fn, void *arg, char **next)
{
	struct aml_resp r;
	struct aml_jdoc d;
	uint32_t v, n;
	char *path;
	int rc;

	*next = NULL;
	if ((rc = aml_arm_call(rs, "GET", url, NULL, 0, 0, &r)) != 0 ||
	    (rc = aml_arm_answer("GET", url, &r, &d)) != 0) {
		aml_resp_free(&r);
		return rc;
	}
	path = aml_url_path(url);
	if (!(v = aml_jget(&d, 0, "value")) || AML_JTYPE(&d, v) != AML_JARRAY) {
		aml_err("GET %s: the answer has no \"value\" list", path);
		rc = AML_EXIT_FAIL;
		goto out;
	}
	AML_JARR_EACH(&d, v, item) {
		if (AML_JTYPE(&d, item) != AML_JOBJECT) {
			aml_err("GET %s: an item of \"value\" is not an object", path);
			rc = AML_EXIT_FAIL;
			goto out;
		}
		if ((rc = fn(arg, &d, item)) != 0)
			goto out;
	}
	n = aml_jget(&d, 0, "nextLink");
	if (n && AML_JTYPE(&d, n) == AML_JSTRING && d.tok[n].len > 2)
		*next = aml_jstrdup(&d, n);
out:
	free(path);
	aml_jfree(&d);
	aml_resp_free(&r);
	return rc;
}

/* Whether url was read already: pages are few, a list will do. */
static int
seen(char *const *urls, size_t n, const char *url)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(urls[i], url))
			return 1;
	return 0;
}

int
aml_arm_pages(const struct aml_rsrc *rs, const char *url, const char *apiver,
    aml_arm_item_fn *fn, void *arg)
{
	char **urls, *next, *path;
	size_t n = 0;
	int rc;

	urls = aml_xreallocarray(NULL, 1, sizeof *urls);
	urls[n++] = aml_xstrdup(url);
	while ((rc = page(rs, urls[n - 1], fn, arg, &next)) == 0 && next) {
		path = aml_url_path(urls[n - 1]);
		/* nextLink is followed as given (its $skiptoken is the
		 * service's business), with the api-version it must have. */
		if (!strstr(next, "api-version=")) {
			char *u = aml_xasprintf("%s%capi-version=%s", next, strchr(next, '?') ? '&' : '?',
			    apiver);

			free(next);
			next = u;
		}
		if (seen(urls, n, next)) {
			aml_err("GET %s: nextLink leads back to a page already read; stopping", path);
			rc = AML_EXIT_FAIL;
		} else if (n >= AML_ARM_MAX_PAGES) {
			aml_err("GET %s: more than %d pages; stopping", path, AML_ARM_MAX_PAGES);
			rc = AML_EXIT_FAIL;
		}
		free(path);
		if (rc) {
			free(next);
			break;
		}
		urls = aml_xreallocarray(urls, n + 1, sizeof *urls);
		urls[n++] = next;
	}
	while (n)
		free(urls[--n]);
	free(urls);
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
