/* SPDX-License-Identifier: MIT */
/*
 * aml-token: print an access token of the signed-in account, in the
 * shape of `az account get-access-token` (Get-AzAccessToken), renewed
 * first if it has less than five minutes, or --min-validity, to live.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amlnet.h"

static int raw;
static const char *resource = AML_ARM;
static long minvalid;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-token [-r] [-R resource | -S scope] [-n seconds] [-m seconds] [-E ca-bundle] [-vq]\n");
	if (!status)
		fprintf(fp,
		    "  -r, --raw                 print only the token\n"
		    "  -R, --resource URI        audience (default Resource Manager)\n"
		    "  -S, --scope SCOPE         audience as a v2 scope, URI/.default\n"
		    "  -n, --min-validity SECS   renew unless valid this long (default 300)\n"
		    "  -m, --timeout SECONDS     per HTTP request\n"
		    "  -E, --ca-bundle FILE      CA certificates for TLS\n"
		    "  -v, --verbose             HTTP trace on stderr, secrets masked\n"
		    "  -q, --quiet               no warnings\n"
		    "  -h, --help\n"
		    "  -V, --version\n");
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
		if ((s = aml_subscription()))
			cJSON_AddStringToObject(o, "subscription", s);
		else
			cJSON_AddNullToObject(o, "subscription");
		if ((s = aml_tenant()))
			cJSON_AddStringToObject(o, "tenant", s);
		else
			cJSON_AddNullToObject(o, "tenant");
		cJSON_AddStringToObject(o, "tokenType", "Bearer");
		aml_json_write(&w, o, AML_JW_PRETTY);
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
	static const struct option longopts[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ "resource", required_argument, NULL, 'R' },
		{ "scope", required_argument, NULL, 'S' },
		{ "min-validity", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 'm' },
		{ "ca-bundle", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct aml_token t;
	char *scoped = NULL, *end;
	int c, rc, cached, given = 0;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "rR:S:n:m:E:vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': raw = 1; break;
		case 'R': resource = optarg; given++; break;
		case 'S':
			free(scoped);
			resource = scoped = from_scope(optarg);
			given++;
			break;
		case 'n':
			minvalid = strtol(optarg, &end, 10);
			if (*end || end == optarg || minvalid < 0 || minvalid > 86400) {
				aml_err("--min-validity %s: not a number of seconds up to 86400", optarg);
				usage(AML_EXIT_USAGE);
			}
			break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_http_opt(c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc || given > 1)
		usage(AML_EXIT_USAGE);
	rc = aml_auth_token(resource, minvalid, 0, &t, &cached);
	if (rc == 0)
		rc = print(&t);
	aml_token_free(&t);
	free(scoped);
	return rc;
}
