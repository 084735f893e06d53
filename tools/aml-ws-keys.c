/* SPDX-License-Identifier: MIT */
/*
 * aml-ws-keys: print a web service's keys (Get-AzMlWebServiceKeys), as
 * {"primary": "...", "secondary": "..."} (one line with -c), the form
 * aml-update-ws --keys-file takes back.  Printing them is
 * this program's job; the -v trace still masks them, and every buffer
 * that held them is wiped.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amlnet.h"

static const struct option longopts[] = {
	AML_WS_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: aml-ws-keys [-cqv] (-g group -n name | -i id) [-s subscription]\n"
	    "                   [--api-version v] [-m duration] [-E ca-bundle]\n");
	if (!status)
		aml_ws_help(fp);
	exit(status);
}

static int
keys(const struct aml_ws *ws, struct aml_wbuf *out)
{
	static const char *const names[] = { "primary", "secondary" };
	char *url = aml_ws_url(ws, "/listKeys", NULL);
	struct aml_resp r;
	struct aml_jdoc d;
	struct aml_jw jw;
	uint32_t v;
	int rc;

	if ((rc = aml_arm_call(&ws->rs, "GET", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", url, &r, &d)) == 0) {
		aml_jw_init(&jw, out, AML_JW_ONE);
		aml_jw_open(&jw, '{');
		for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
			if (!(v = aml_jget(&d, 0, names[i])) || AML_JTYPE(&d, v) == AML_JNULL)
				continue;
			aml_jw_key(&jw, names[i]);
			aml_jw_tok(&jw, &d, v);
		}
		aml_jw_close(&jw, '}');
		aml_wputc(out, '\n');
		aml_jfree(&d);
	}
	aml_resp_free(&r);	/* wipes the body */
	free(url);
	return rc;
}

int
main(int argc, char **argv)
{
	struct aml_wbuf out;
	struct aml_ws ws;
	int c, rc;

	aml_setprog(&argv[0]);
	aml_ws_init(&ws);
	while ((c = getopt_long(argc, argv, AML_WS_SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage(AML_EXIT_OK); break;
		case 'V': aml_version(); break;
		default:
			if (aml_ws_opt(&ws, c, optarg) <= 0)
				usage(AML_EXIT_USAGE);
		}
	}
	if (optind != argc)
		usage(AML_EXIT_USAGE);
	if ((rc = aml_ws_setup(&ws, AML_WS_ONE)) == AML_EXIT_USAGE)
		usage(rc);
	if (rc)
		return rc;

	aml_wbuf_init(&out, -1);
	if ((rc = keys(&ws, &out)) == 0) {
		/* Straight to the descriptor: stdio would keep a copy. */
		if (write(1, out.buf, out.len) != (ssize_t)out.len) {
			aml_err("write <stdout>:");
			rc = AML_EXIT_FAIL;
		}
	}
	if (out.buf)
		aml_wipe(out.buf, out.cap);
	aml_wbuf_free(&out);
	aml_ws_free(&ws);
	return rc;
}
