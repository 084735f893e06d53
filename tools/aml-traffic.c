/* SPDX-License-Identifier: MIT */
/*
 * aml-traffic: an online endpoint's traffic, deployment names to
 * percentages, printed as JSON; or, given NAME=PERCENT operands, set to
 * exactly those (az ml online-endpoint update --traffic "blue=90
 * green=10"), and waited for.  The percentages must sum to 100, as the
 * service requires; that is checked before anything is sent.
 *
 * The endpoint's PATCH takes only tags and identity, so the traffic moves
 * with a PUT of the whole endpoint: GET it, drop its read-only members,
 * set properties.traffic, PUT it back, and wait until it is in use.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	AML_ML_EP_LONGOPT,
	{ "no-wait", no_argument, NULL, AML_OPT_NO_WAIT },
	{ NULL, 0, NULL, 0 }
};

static int nowait;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-traffic [-cqv] [--no-wait] -g group -w workspace -e endpoint\n"
	    "                   [-s subscription] [-m duration] [-E ca-bundle] [name=percent ...]\n");
	if (!status) {
		fputs("  -e, --endpoint EP         the online endpoint\n"
		    "  name=percent              the deployments' whole percentages, summing to 100\n"
		    "                            (deployments not named get none)\n"
		    "      --no-wait             print the first answer and the operation URL\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

/* The operands as a traffic map; NULL after a usage error's line. */
static cJSON *
parse(int argc, char **argv)
{
	cJSON *t = cJSON_CreateObject();
	long sum = 0, v;
	char *eq, *name, *end;

	for (int i = 0; i < argc; i++) {
		eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i] || !isdigit((unsigned char)eq[1])) {
			aml_err("%s: not name=percent", argv[i]);
			goto bad;
		}
		v = strtol(eq + 1, &end, 10);
		if (*end || v > 100) {
			aml_err("%s: a percentage is a whole number from 0 to 100", argv[i]);
			goto bad;
		}
		name = aml_xstrndup(argv[i], (size_t)(eq - argv[i]));
		if (cJSON_GetObjectItemCaseSensitive(t, name)) {
			aml_err("%s: named twice", name);
			free(name);
			goto bad;
		}
		if (aml_ml_name_ok("deployment", name) < 0) {
			free(name);
			goto bad;
		}
		cJSON_AddItemToObject(t, name, cJSON_CreateNumber((double)v));
		free(name);
		sum += v;
	}
	if (sum != 100) {
		aml_err("the percentages sum to %ld, not 100", sum);
		goto bad;
	}
	return t;
bad:
	cJSON_Delete(t);
	return NULL;
}

/* "blue=90 green=10", or "none". */
static char *
describe(const cJSON *t)
{
	struct aml_wbuf w;
	const cJSON *e;
	double v;

	aml_wbuf_init(&w, -1);
	cJSON_ArrayForEach(e, t) {
		if (aml_json_num(t, e->string, &v) < 0)
			continue;
		aml_wprintf(&w, "%s%s=%.0f", w.len ? " " : "", e->string, v);
	}
	if (!w.len)
		aml_wputs(&w, "none");
	return aml_wbuf_take(&w);
}

/* Whether two traffic maps send the same shares (a missing name is 0). */
static int
same(const cJSON *a, const cJSON *b)
{
	const cJSON *e;
	double x, y;

	for (int pass = 0; pass < 2; pass++, e = a, a = b, b = e)
		cJSON_ArrayForEach(e, a) {
			x = y = 0;
			aml_json_num(a, e->string, &x);
			aml_json_num(b, e->string, &y);
			if (x != y)
				return 0;
		}
	return 1;
}

/* The endpoint as a tree; 0 or the exit status. */
static int
get(const struct aml_ml *ml, const char *url, cJSON **ep)
{
	struct aml_resp r;
	struct aml_jdoc d;
	struct aml_jerr e;
	int rc;

	*ep = NULL;
	if ((rc = aml_ml_get(ml, url, 0, &r, &d)) == 0 && !(*ep = aml_json_parse(r.body, r.len, &e))) {
		aml_err("GET %s: %s", ml->rs.label, e.msg);
		rc = AML_EXIT_FAIL;
	}
	aml_jfree(&d);
	aml_resp_free(&r);
	return rc;
}

static cJSON *
traffic_of(cJSON *ep)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(ep, "properties");
	cJSON *t = cJSON_IsObject(p) ? cJSON_GetObjectItemCaseSensitive(p, "traffic") : NULL;

	return cJSON_IsObject(t) ? t : NULL;
}

static int
set(const struct aml_ml *ml, const char *url, cJSON *ep, cJSON *want, struct aml_wbuf *out)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(ep, "properties"), *now;
	char *body, *a, *b;
	int rc;

	if (!cJSON_IsObject(p)) {
		aml_err("%s: the endpoint has no properties", ml->rs.label);
		return AML_EXIT_FAIL;
	}
	a = describe(traffic_of(ep));
	b = describe(want);
	aml_ml_strip(ep);
	if (traffic_of(ep))
		cJSON_ReplaceItemInObjectCaseSensitive(p, "traffic", cJSON_Duplicate(want, 1));
	else
		cJSON_AddItemToObject(p, "traffic", cJSON_Duplicate(want, 1));
	body = aml_json_print(ep, 0);
	rc = aml_lro_run_flags(&ml->rs, "PUT", url, body, strlen(body), "moving the traffic of",
	    AML_LRO_STATE, nowait, out);
	free(body);
	if (rc == 0 && !nowait && !aml_quiet)
		fprintf(stderr, "%s: %s: traffic %s -> %s\n", aml_prog, ml->rs.label, a, b);
	free(a);
	free(b);
	if (rc || nowait)
		return rc;
	/* What the endpoint says now is what is printed. */
	if ((rc = get(ml, url, &now)) == 0)
		aml_json_write(out, traffic_of(now) ? traffic_of(now) : want, AML_JW_ONE);
	cJSON_Delete(now);
	return rc;
}

/* The options into ml; the traffic to set, or NULL to print it. */
static cJSON *
options(int argc, char **argv, struct aml_ml *ml)
{
	cJSON *want = NULL;
	int c, rc;

	aml_ml_init(ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "e:", longopts, NULL)) != -1) {
		switch (c) {
		case AML_OPT_NO_WAIT: nowait = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc && !(want = parse(argc, argv)))
		usage(AML_EXIT_USAGE);
	if (!argc && nowait) {
		aml_err("--no-wait: there is nothing to wait for without name=percent");
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_ml_setup(ml, AML_ML_EP)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
	return want;
}

int
main(int argc, char **argv)
{
	struct aml_wbuf out;
	struct aml_ml ml;
	cJSON *want, *ep = NULL, *empty;
	char *url;
	int rc;

	aml_setprog(&argv[0]);
	want = options(argc, argv, &ml);
	aml_catch_signals();
	aml_wbuf_init(&out, -1);
	url = aml_ml_ep_url(&ml, NULL);
	if ((rc = get(&ml, url, &ep)) == 0) {
		if (want && !same(traffic_of(ep), want)) {
			rc = set(&ml, url, ep, want, &out);
		} else {
			empty = cJSON_CreateObject();
			aml_json_write(&out, traffic_of(ep) ? traffic_of(ep) : empty, AML_JW_ONE);
			cJSON_Delete(empty);
		}
	}
	rc = aml_print_out(&out, rc);
	cJSON_Delete(ep);
	cJSON_Delete(want);
	free(url);
	aml_ml_free(&ml);
	aml_resignal();
	return rc;
}
