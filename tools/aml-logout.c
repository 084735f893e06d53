/* SPDX-License-Identifier: MIT */
/*
 * aml-logout: forget the sign-in (Disconnect-AzAccount, az logout):
 * the account, its tokens and any secret aml-login --save-secret kept.
 * Entra ID has no endpoint that revokes an access token; the ones
 * already handed out stay valid until they expire.
 */
#include <getopt.h>
#include <stdlib.h>

#include "amlnet.h"

static const struct option longopts[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-logout [-vq]\n");
	if (!status)
		fprintf(fp,
		    "  -v, --verbose   say what is removed\n"
		    "  -q, --quiet     no warnings\n"
		    "  -h, --help\n"
		    "  -V, --version\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	int c;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': aml_verbose = 1; break;
		case 'q': aml_quiet = 1; break;
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default: usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if (aml_verbose)
		fprintf(stderr, "* removing the sign-in from %s\n", aml_config_dir());
	return aml_auth_forget();
}
