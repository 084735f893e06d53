/* SPDX-License-Identifier: MIT */
/*
 * plan.h: commitment plans (Microsoft.MachineLearning/commitmentPlans,
 * api-version 2016-05-01-preview), the billing plans of Studio (classic)
 * "new" web services, for the programs that mirror Az.MachineLearning's
 * plan cmdlets (aml-get-plan, aml-new-plan, aml-update-plan, aml-rm-plan,
 * aml-plan-usage, aml-get-association, aml-move-association) and for
 * aml-new-ws --plan.  Wire facts: notes/commitment-plans.md.
 */
#ifndef AML_PLAN_H
#define AML_PLAN_H

#include "amlnet.h"

#define AML_PLAN_APIVER "2016-05-01-preview"
#define AML_PLAN_PROVIDER "Microsoft.MachineLearning/commitmentPlans"
#define AML_PLAN_ASSOCS "commitmentAssociations"

/* Long-only options (getopt codes beyond any letter). */
enum {
	AML_PLAN_OPT_APIVER = 0x100,
	AML_PLAN_OPT_PLAN,
	AML_PLAN_OPT_SKU,
	AML_PLAN_OPT_TIER,
	AML_PLAN_OPT_CAPACITY,
	AML_PLAN_OPT_TAG,
	AML_PLAN_OPT_TO
};

/* A plan, or in the association programs (assoc set) an association:
 * -n names the program's own object, --plan the plan it belongs to. */
struct aml_plan {
	struct aml_rsrc rs;		/* rs.sub: NULL until aml_plan_setup */
	const char *group, *name;	/* the plan */
	const char *assoc;		/* the association (association programs) */
	const char *apiver;
	const char *subarg;		/* -s, or --id's */
	const char *planarg;		/* --plan: a name, or a plan's id */
	int assocmode;			/* -n is an association's name */
	int compact;			/* -c */
	int subgiven;
	char *idbuf, *planbuf;		/* --id and --plan, split in place */
	const char *check;		/* the program that looks again */
};

#define AML_PLAN_SHORTOPTS "g:n:i:s:cm:E:vqhV"
#define AML_PLAN_LONGOPTS \
	{ "resource-group", required_argument, NULL, 'g' }, \
	{ "name", required_argument, NULL, 'n' }, \
	{ "id", required_argument, NULL, 'i' }, \
	{ "subscription", required_argument, NULL, 's' }, \
	{ "api-version", required_argument, NULL, AML_PLAN_OPT_APIVER }, \
	{ "compact", no_argument, NULL, 'c' }, \
	{ "max-time", required_argument, NULL, 'm' }, \
	{ "ca-bundle", required_argument, NULL, 'E' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }
/* --help lines of those options: plans, and associations (--plan). */
extern const char aml_plan_optshelp[], aml_assoc_optshelp[], aml_plan_commonhelp[];
extern const char aml_plan_compacthelp[];	/* -c, for the programs that print one object */

void aml_plan_init(struct aml_plan *p, int assocmode);
void aml_plan_free(struct aml_plan *p);
/* 1 taken, 0 not a common option, -1 a bad value (error printed). */
int aml_plan_opt(struct aml_plan *p, int c, const char *arg);
#define AML_PLAN_ONE 1		/* the object must be named */
#define AML_PLAN_LIST 2		/* or a group, or nothing: the subscription */
#define AML_PLAN_GROUP 4	/* a list needs the group (and the plan) */
/* 0, AML_EXIT_USAGE (error printed; show usage) or AML_EXIT_AUTH. */
int aml_plan_setup(struct aml_plan *p, int flags);
/* The plan's URL (the group's or subscription's list without a name),
 * then each of more (NULL-terminated segments) and suffix; malloc'd. */
char *aml_plan_url(const struct aml_plan *p, const char *const *more, const char *suffix);
/* The association's URL, or the plan's list of them; malloc'd. */
char *aml_assoc_url(const struct aml_plan *p, const char *suffix);
/* A plan's resource id from a name in (sub, group) or an id (checked,
 * its segment names as the provider spells them): malloc'd, or NULL and
 * *why. */
char *aml_plan_ref(const char *arg, const char *sub, const char *group, const char **why);
/* GET url and put the object onto out (2-space JSON, or one line with
 * compact); 0 or the exit status. */
int aml_plan_get(const struct aml_plan *p, const char *url, struct aml_wbuf *out);
/* Every item of every page onto out, one compact object a line. */
int aml_plan_list(const struct aml_plan *p, const char *url, struct aml_wbuf *out);
/* The failure line of a request made with AML_HTTP_QUIET, as
 * aml_arm_call prints it, with "; hint" after it when hint is set. */
void aml_plan_failed(const struct aml_plan *p, const char *method, const char *url,
    const struct aml_resp *r, const char *hint);
/* The error code of an ARM error body, or of its first detail. */
int aml_plan_errcode(const struct aml_resp *r, const char *code);
/* out to stdout, when rc is 0; the status. */
int aml_plan_flush(int rc, struct aml_wbuf *out);

/* The SKU and tags options of aml-new-plan and aml-update-plan. */
struct aml_plan_sku {
	const char *sku, *tier;
	long capacity;			/* 0: not given */
	cJSON *tags;			/* NULL: no --tag */
};
/* 1 taken, 0 not one of them, -1 a bad value (error printed). */
int aml_plan_sku_opt(struct aml_plan_sku *s, int c, const char *arg);
void aml_plan_sku_free(struct aml_plan_sku *s);

#endif
