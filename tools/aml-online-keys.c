/* SPDX-License-Identifier: MIT */
/*
 * aml-online-keys: an online endpoint's keys, as listKeys answers them
 * ({"primaryKey","secondaryKey"}, Get-AzMLWorkspaceOnlineEndpointKey), or
 * with --token its AML token ({"accessToken","tokenType","expiryTimeUtc",
 * "refreshAfterTimeUtc"}, Get-AzMLWorkspaceOnlineEndpointToken), which
 * endpoints of authMode Key and AMLToken use.  --regenerate primary or
 * secondary first makes a new key and waits until it is in use
 * (New-AzMLWorkspaceOnlineEndpointKey).
 *
 * Printing them is this program's job; the -v trace still masks them, a
 * file named with -o is made 0600, and every buffer that held them is
 * wiped.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amlnet.h"

enum { OPT_TOKEN = AML_OPT_OWN, OPT_REGENERATE };

static const struct option longopts[] = {
	AML_ML_LONGOPTS,
	AML_ML_EP_LONGOPT,
	{ "token", no_argument, NULL, OPT_TOKEN },
	{ "regenerate", required_argument, NULL, OPT_REGENERATE },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 }
};

static const char *outpath, *regen;
static int token, force;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-online-keys [-cfqv] [--token | --regenerate primary|secondary]\n"
	    "                       -g group -w workspace -e endpoint [-s subscription] [-o file]\n"
	    "                       [-m duration] [-E ca-bundle]\n");
	if (!status) {
		fputs("  -e, --endpoint EP         the online endpoint\n"
		    "      --token               its AML token (authMode AMLToken) instead of keys\n"
		    "      --regenerate KEY      make a new primary or secondary key, then print both\n"
		    "  -o, --output FILE         write to FILE (atomically, mode 0600)\n"
		    "  -f, --force               replace FILE if it exists\n", fp);
		aml_ml_help(fp);
	}
	exit(status);
}

/* POST suffix; the answer printed. */
static int
fetch(const struct aml_ml *ml, const char *suffix)
{
	char *url = aml_ml_ep_url(ml, suffix);
	struct aml_resp r;
	struct aml_jdoc d = { 0 };
	int rc;

	if ((rc = aml_arm_call(&ml->rs, "POST", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("POST", url, &r, &d)) == 0)
		rc = aml_ml_print(&d, 0, outpath, 0600, force);
	aml_jfree(&d);
	aml_resp_free(&r);	/* wipes the body */
	free(url);
	return rc;
}

static int
regenerate(const struct aml_ml *ml, const char *which)
{
	char *url = aml_ml_ep_url(ml, "/regenerateKeys");
	char *body = aml_xasprintf("{\"keyType\":\"%s\"}", which);
	int rc;

	rc = aml_lro_run_flags(&ml->rs, "POST", url, body, strlen(body), "regenerating a key of",
	    0, 0, NULL);
	free(body);
	free(url);
	return rc;
}

static void
options(int argc, char **argv, struct aml_ml *ml)
{
	int c, rc;

	aml_ml_init(ml);
	while ((c = getopt_long(argc, argv, AML_ML_SHORTOPTS "e:o:f", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TOKEN: token = 1; break;
		case OPT_REGENERATE:
			if (!strcasecmp(optarg, "primary"))
				regen = "Primary";
			else if (!strcasecmp(optarg, "secondary"))
				regen = "Secondary";
			else {
				aml_err("--regenerate %s: primary or secondary", optarg);
				usage(AML_EXIT_USAGE);
			}
			break;
		case 'o': outpath = optarg; break;
		case 'f': force = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ml_opt(ml, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (token && regen) {
		aml_err("--token and --regenerate: an AML token is not regenerated; give one of them");
		usage(AML_EXIT_USAGE);
	}
	if ((rc = aml_ml_setup(ml, AML_ML_EP)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		exit(rc);
}

int
main(int argc, char **argv)
{
	struct aml_ml ml;
	int rc;

	aml_setprog(&argv[0]);
	options(argc, argv, &ml);
	if (aml_ml_out_check(outpath, force) < 0) {
		aml_ml_free(&ml);
		return AML_EXIT_FAIL;
	}
	aml_catch_signals();
	if (!regen || (rc = regenerate(&ml, regen)) == 0)
		rc = fetch(&ml, token ? "/token" : "/listKeys");
	aml_ml_free(&ml);
	aml_resignal();
	return rc;
}
