/* SPDX-License-Identifier: MIT */
/*
 * aml-token: print an access token of the signed-in account, in the
 * shape of `az account get-access-token` (Get-AzAccessToken), renewed
 * first if it has less than five minutes, or --min-validity, to live.
 * --min-validity is a duration like -m's (90, 90s, 5m, 1h, 1d).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amlnet.h"

enum { OPT_RESOURCE = AML_OPT_OWN, OPT_SCOPE, OPT_MIN_VALIDITY };

/* The account's subscription.  One signed in from the environment
 * without AZURE_SUBSCRIPTION_ID's id has it chosen when first needed,
 * as aml-login would have chosen it; other accounts have theirs, or
 * none (and are not asked again on every token). */
static const char *
subscription(void)
{
	const cJSON *cred = cJSON_GetObjectItemCaseSensitive(aml_account(), "credential");
	const char *src = aml_json_str(cred, "source");

	if (!aml_subscription() && src && !strcmp(src, "environment"))
		return aml_arm_account_subscription();
	return aml_subscription();
}

static const struct option longopts[] = {
	{ "raw", no_argument, NULL, 'r' },
	{ "resource", required_argument, NULL, OPT_RESOURCE },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "min-validity", required_argument, NULL, OPT_MIN_VALIDITY },
	AML_NET_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static int raw;
static const char *resource = AML_ARM;
static long minvalid;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-token [-cqrv] [--resource uri | --scope scope] [--min-validity duration]\n"
	    "                 [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("  -r, --raw                 print only the token\n"
		    "      --resource URI        audience (default Resource Manager)\n"
		    "      --scope SCOPE         audience as a v2 scope, URI/.default\n"
		    "      --min-validity DURATION  renew unless valid this long (default 5m;\n"
		    "                            at most 1d)\n", fp);
		aml_net_help(fp, NULL);
	}
	exit(status);
}

static char *
from_scope(const char *s)
{
	size_t n = strlen(s);

	if (n > 9 && !strcmp(s + n - 9, "/.default"))
		n -= 9;
	if (!n || strchr(s, ' ')) {
		aml_err("--scope %s: one scope, URI/.default", s);
		usage(AML_EXIT_USAGE);
	}
	return aml_xstrndup(s, n);
}

static int
print(const struct aml_token *t)
{
	struct aml_wbuf w;
	const char *s;
	char when[40];
	cJSON *o;
	int rc;

	aml_wbuf_init(&w, 1);
	if (raw) {
		aml_wputs(&w, t->access);
		aml_wputc(&w, '\n');
	} else {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "accessToken", t->access);
		aml_time_local(t->expires_on, when, sizeof when);
		cJSON_AddStringToObject(o, "expiresOn", when);
		cJSON_AddNumberToObject(o, "expires_on", (double)t->expires_on);
		if ((s = subscription()))
			cJSON_AddStringToObject(o, "subscription", s);
		else
			cJSON_AddNullToObject(o, "subscription");
		if ((s = aml_tenant()))
			cJSON_AddStringToObject(o, "tenant", s);
		else
			cJSON_AddNullToObject(o, "tenant");
		cJSON_AddStringToObject(o, "tokenType", "Bearer");
		aml_json_write(&w, o, AML_JW_ONE);
		aml_json_free_secret(o);
	}
	rc = aml_wflush(&w) < 0 ? (aml_err("write <stdout>:"), AML_EXIT_FAIL) : 0;
	aml_wipe(w.buf, w.cap);
	aml_wbuf_free(&w);
	return rc;
}

int
main(int argc, char **argv)
{
	struct aml_token t;
	char *scoped = NULL;
	int c, rc, cached, given = 0;
	long ms;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "r" AML_NET_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'r': raw = 1; break;
		case OPT_RESOURCE: resource = optarg; given++; break;
		case OPT_SCOPE:
			free(scoped);
			resource = scoped = from_scope(optarg);
			given++;
			break;
		case OPT_MIN_VALIDITY:
			if (aml_duration_opt("--min-validity", optarg, &ms) < 0)
				usage(AML_EXIT_USAGE);
			if (ms > 86400 * 1000L) {
				aml_err("--min-validity %s: at most 1d", optarg);
				usage(AML_EXIT_USAGE);
			}
			minvalid = (ms + 999) / 1000;
			break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (given > 1) {
		aml_err("give one of --resource and --scope");
		usage(AML_EXIT_USAGE);
	}
	rc = aml_auth_token(resource, minvalid, 0, &t, &cached);
	if (rc == 0)
		rc = print(&t);
	aml_token_free(&t);
	free(scoped);
	return rc;
}
