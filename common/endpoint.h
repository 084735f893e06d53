/* SPDX-License-Identifier: MIT */
/*
 * endpoint.h: what aml-rm-endpoint and aml-refresh-endpoint share on top
 * of studio.c's management API: their options, and whether an endpoint
 * is its web service's default one.  Wire facts:
 * notes/classic-endpoints.md.
 */
#ifndef AML_ENDPOINT_H
#define AML_ENDPOINT_H

#include "amlnet.h"

enum { AML_EP_OPT_SERVICE = 0x200, AML_EP_OPT_OVERWRITE };

#define AML_EP_SHORTOPTS "w:U:l:k:m:E:vqhV"
#define AML_EP_LONGOPTS \
	{ "workspace", required_argument, NULL, 'w' }, \
	{ "service", required_argument, NULL, AML_EP_OPT_SERVICE }, \
	{ "endpoint-url", required_argument, NULL, 'U' }, \
	{ "location", required_argument, NULL, 'l' }, \
	{ "key-file", required_argument, NULL, 'k' }, \
	{ "max-time", required_argument, NULL, 'm' }, \
	{ "ca-bundle", required_argument, NULL, 'E' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }
extern const char aml_ep_optshelp[];

struct aml_ep_args {
	const char *ws, *svc, *epurl, *region, *keyfile;
};
/* 1 taken, 0 not one of them, -1 a bad value (error printed). */
int aml_ep_opt(struct aml_ep_args *a, int c, const char *arg);
/* The endpoint named by the operand (argc 1) or -U (argc 0):
 * aml_classic_setup's result. */
int aml_ep_setup(struct aml_classic *c, const struct aml_ep_args *a, int argc, char **argv);

/* Whether c's endpoint is the default one of its web service
 * (DefaultEndpointName): 1 yes, and *others the other endpoints' names,
 * malloc'd ("" for none); 0 no; -1 unknown, because the key is an
 * endpoint's own, which does not read the web service.  *rc: 0, or the
 * exit status after an error line (the result is then 0 or 1). */
int aml_ep_is_default(const struct aml_classic *c, char **others, int *rc);
/* The line for a request to the endpoint's URL + suffix that failed
 * (made with AML_HTTP_QUIET). */
void aml_ep_failed(const struct aml_req *q, const struct aml_resp *r);

#endif
