/* SPDX-License-Identifier: MIT */
/*
 * plan.c: what the commitment plan programs share: naming a plan (-g and
 * -n, or --id) or one of its associations (-g, --plan and -n, or --id),
 * the subscription, URLs, printing one object or every page of a list,
 * the SKU and tag options, and the failure line with a hint.
 *
 * The provider has one api-version for these paths, 2016-05-01-preview
 * (notes/commitment-plans.md); --api-version is there for a service
 * that learns another.  Resource ids are matched without regard to the
 * case of their segment names, as Resource Manager matches them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "amlnet.h"

void
aml_plan_help(FILE *fp, int assoc)
{
	fputs("  -g, --resource-group RG   the commitment plan's resource group\n", fp);
	fputs(assoc ?
	    "      --plan PLAN           the commitment plan: a name in RG, or its resource id\n"
	    "  -n, --name NAME           the commitment association's name\n"
	    "  -i, --id ID               the association's resource id, instead of -g, --plan,\n"
	    "                            -n, -s\n" :
	    "  -n, --name NAME           the commitment plan's name\n"
	    "  -i, --id ID               the plan's resource id, instead of -g, -n, -s\n", fp);
	fputs("  -s, --subscription SUB    subscription id or name (default\n"
	    "                            AZURE_SUBSCRIPTION_ID, else the signed-in account's)\n"
	    "      --api-version V       default " AML_PLAN_APIVER "\n", fp);
	aml_net_help(fp, NULL);
}

/* The segment names of a plan's id, and of an association's after it,
 * as the provider spells them; NULL stands for a value. */
static const char *const idlit[] = {
	"subscriptions", NULL, "resourceGroups", NULL, "providers",
	"Microsoft.MachineLearning", "commitmentPlans", NULL, AML_PLAN_ASSOCS, NULL,
};

/* --id's segments, pointing into idbuf. */
static char *idseg[10];

void
aml_plan_init(struct aml_plan *p, int assocmode)
{
	memset(p, 0, sizeof *p);
	p->apiver = AML_PLAN_APIVER;
	p->assocmode = assocmode;
}

void
aml_plan_free(struct aml_plan *p)
{
	free(p->idbuf);
	free(p->planbuf);
	aml_rsrc_free(&p->rs);
	memset(p, 0, sizeof *p);
}

/* Split id (nseg segments: 8 a plan's, 10 an association's) in place
 * into seg[]; -1 when it is not one. */
static int
split_id(char *id, int nseg, char **seg)
{
	char *s = id, *slash;

	if (*s++ != '/')
		return -1;
	for (int i = 0; i < nseg; i++) {
		seg[i] = s;
		slash = strchr(s, '/');
		if ((i < nseg - 1) != (slash != NULL))
			return -1;	/* too few segments, or a child after the last */
		if (slash)
			*slash = '\0';
		if (!*seg[i] || (idlit[i] && strcasecmp(seg[i], idlit[i])))
			return -1;
		s = slash ? slash + 1 : s;
	}
	return 0;
}

static const char *
id_shape(int assoc)
{
	return assoc ? "not a commitment association id, /subscriptions/SUB/resourceGroups/RG/"
	    "providers/Microsoft.MachineLearning/commitmentPlans/PLAN/commitmentAssociations/NAME" :
	    "not a commitment plan id, /subscriptions/SUB/resourceGroups/RG/providers/"
	    "Microsoft.MachineLearning/commitmentPlans/NAME";
}

/* --id: the plan's, or in the association programs the association's. */
static int
take_id(struct aml_plan *p, const char *arg)
{
	int nseg = p->assocmode ? 10 : 8;
	char *seg[10];

	free(p->idbuf);
	p->idbuf = aml_xstrdup(arg);
	if (split_id(p->idbuf, nseg, seg) < 0) {
		aml_err("--id %s: %s", arg, id_shape(p->assocmode));
		return -1;
	}
	/* Kept apart from -g, -n and -s until setup, so that mixing is seen. */
	memcpy(idseg, seg, sizeof idseg);
	return 0;
}

int
aml_plan_opt(struct aml_plan *p, int c, const char *arg)
{
	switch (c) {
	case 'g': p->group = arg; break;
	case 'n':
		if (p->assocmode)
			p->assoc = arg;
		else
			p->name = arg;
		break;
	case 's': p->subarg = arg; break;
	case 'i': return take_id(p, arg) < 0 ? -1 : 1;
	case AML_PLAN_OPT_PLAN:
		if (!p->assocmode)
			return 0;
		p->planarg = arg;
		break;
	case AML_OPT_API_VERSION:
		if (!*arg) {
			aml_err("--api-version: empty");
			return -1;
		}
		p->apiver = arg;
		break;
	default: return aml_http_opt(c, arg);
	}
	return 1;
}

/* --plan as a name or an id: the plan's group and name (an id's
 * subscription too); its group must agree with -g when both are given. */
static int
take_plan(struct aml_plan *p)
{
	char *seg[8];

	if (!*p->planarg) {
		aml_err("--plan: empty");
		return AML_EXIT_USAGE;
	}
	if (p->planarg[0] != '/') {
		p->name = p->planarg;
		return 0;
	}
	p->planbuf = aml_xstrdup(p->planarg);
	if (split_id(p->planbuf, 8, seg) < 0) {
		aml_err("--plan %s: %s", p->planarg, id_shape(0));
		return AML_EXIT_USAGE;
	}
	if (p->group && strcasecmp(p->group, seg[3])) {
		aml_err("--plan %s: another resource group or subscription than -g or -s", p->planarg);
		return AML_EXIT_USAGE;
	}
	/* -s may be a display name: compared once it is resolved. */
	p->plansub = seg[1];
	if (!p->subarg)
		p->subarg = seg[1];
	p->group = seg[3];
	p->name = seg[7];
	return 0;
}

static int
from_id(struct aml_plan *p)
{
	if (p->group || p->name || p->assoc || p->subarg || p->planarg) {
		aml_err("--id names the %s: leave out -g, %s-n and -s",
		    p->assocmode ? "commitment association" : "commitment plan",
		    p->assocmode ? "--plan, " : "");
		return AML_EXIT_USAGE;
	}
	p->subarg = idseg[1];
	p->group = idseg[3];
	p->name = idseg[7];
	if (p->assocmode)
		p->assoc = idseg[9];
	return 0;
}

static void
describe(struct aml_plan *p)
{
	struct aml_wbuf w;

	if (p->assoc)
		p->rs.label = aml_xasprintf("%s/%s/%s", p->group, p->name, p->assoc);
	else if (p->name)
		p->rs.label = aml_xasprintf("%s/%s", p->group, p->name);
	else if (p->group)
		p->rs.label = aml_xstrdup(p->group);
	else
		p->rs.label = aml_xasprintf("subscription %s", p->rs.sub);
	aml_wbuf_init(&w, -1);
	aml_wputs(&w, p->assocmode ? "aml-get-association" : "aml-get-plan");
	if (p->subgiven) {
		aml_wputs(&w, " -s ");
		aml_shword(&w, p->rs.sub);
	}
	if (p->group) {
		aml_wputs(&w, " -g ");
		aml_shword(&w, p->group);
	}
	if (p->name) {
		aml_wputs(&w, p->assocmode ? " --plan " : " -n ");
		aml_shword(&w, p->name);
	}
	if (p->assoc) {
		aml_wputs(&w, " -n ");
		aml_shword(&w, p->assoc);
	}
	p->rs.check = aml_wbuf_take(&w);
}

/* What is missing, named, for the usage error. */
static int
missing(const struct aml_plan *p, int flags)
{
	if (p->assocmode) {
		if (!p->group || !p->name) {
			aml_err("%s: name the commitment plan with -g and --plan%s",
			    !p->group ? "no --resource-group" : "no --plan",
			    (flags & AML_PLAN_LIST) ? "" : ", and the association with -n (or --id)");
			return -1;
		}
		if (!(flags & AML_PLAN_LIST) && !p->assoc) {
			aml_err("no --name: name the commitment association with -n, or --id");
			return -1;
		}
		return 0;
	}
	if (p->name && !p->group) {
		aml_err("--name needs --resource-group");
		return -1;
	}
	if (((flags & AML_PLAN_GROUP) && !p->group) || (!(flags & AML_PLAN_LIST) && !p->name)) {
		aml_err("%s: name the commitment plan with -g and -n, or --id",
		    !p->group ? "no --resource-group" : "no --name");
		return -1;
	}
	return 0;
}

int
aml_plan_setup(struct aml_plan *p, int flags)
{
	int rc;

	if (p->idbuf) {
		if ((rc = from_id(p)) != 0)
			return rc;
	} else if (p->planarg && (rc = take_plan(p)) != 0) {
		return rc;
	}
	if ((p->group && !*p->group) || (p->name && !*p->name) || (p->assoc && !*p->assoc)) {
		aml_err("%s: empty", p->group && !*p->group ? "--resource-group" : "--name");
		return AML_EXIT_USAGE;
	}
	if (missing(p, flags) < 0)
		return AML_EXIT_USAGE;
	if (p->subarg && !*p->subarg) {
		aml_err("--subscription: empty");
		return AML_EXIT_USAGE;
	}
	p->subgiven = p->subarg != NULL;
	if ((rc = aml_arm_subscription(p->subarg, &p->rs.sub)) != 0)
		return rc;
	if (p->plansub && strcasecmp(p->plansub, p->rs.sub)) {
		aml_err("--plan %s: another resource group or subscription than -g or -s", p->planarg);
		return AML_EXIT_USAGE;
	}
	describe(p);
	return 0;
}

char *
aml_plan_url(const struct aml_plan *p, const char *const *more, const char *suffix)
{
	const char *segs[8] = { p->name };
	size_t n = p->name ? 1 : 0;

	for (; more && *more && n < 7; more++)
		segs[n++] = *more;
	segs[n] = NULL;
	return aml_arm_url(p->rs.sub, p->group, AML_PLAN_PROVIDER, segs, suffix, p->apiver, NULL);
}

char *
aml_assoc_url(const struct aml_plan *p, const char *suffix)
{
	const char *more[] = { AML_PLAN_ASSOCS, p->assoc, NULL };

	return aml_plan_url(p, more, suffix);
}

char *
aml_plan_ref(const char *arg, const char *sub, const char *group, const char **why)
{
	char *buf, *seg[8], *id;

	if (!*arg) {
		*why = "empty";
		return NULL;
	}
	if (arg[0] != '/') {
		if (strchr(arg, '/')) {
			*why = "neither a plan's name nor its id";
			return NULL;
		}
		return aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s", sub, group,
		    AML_PLAN_PROVIDER, arg);
	}
	buf = aml_xstrdup(arg);
	if (split_id(buf, 8, seg) < 0) {
		free(buf);
		*why = id_shape(0);
		return NULL;
	}
	id = aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s", seg[1], seg[3],
	    AML_PLAN_PROVIDER, seg[7]);
	free(buf);
	return id;
}

int
aml_plan_get(const struct aml_plan *p, const char *url, struct aml_table *tb,
    aml_plan_row_fn *row, struct aml_wbuf *out)
{
	struct aml_resp r;
	struct aml_jdoc d;
	int rc;

	if ((rc = aml_arm_call(&p->rs, "GET", url, NULL, 0, 0, &r)) == 0 &&
	    (rc = aml_arm_answer("GET", url, &r, &d)) == 0) {
		if (tb) {
			row(tb, &d, 0);
			aml_table_print(tb, out);
		} else {
			aml_jw_doc(out, &d, 0, AML_JW_ONE);
		}
		aml_jfree(&d);
	}
	aml_resp_free(&r);
	return rc;
}

struct sink {
	struct aml_table *tb;
	aml_plan_row_fn *row;
	struct aml_wbuf *out;
};

/* An item of a list: a line of JSON Lines, or a row. */
static int
item(void *arg, const struct aml_jdoc *d, uint32_t i)
{
	struct sink *k = arg;

	if (k->tb)
		k->row(k->tb, d, i);
	else
		aml_jw_doc(k->out, d, i, 0);
	return 0;
}

int
aml_plan_list(const struct aml_plan *p, const char *url, struct aml_table *tb,
    aml_plan_row_fn *row, struct aml_wbuf *out)
{
	struct sink k = { tb, row, out };
	int rc;

	if ((rc = aml_arm_pages(&p->rs, url, p->apiver, item, &k)) == 0 && tb)
		aml_table_print(tb, out);
	return rc;
}

void
aml_plan_failed(const struct aml_plan *p, const char *method, const char *url,
    const struct aml_resp *r, const char *hint)
{
	struct aml_req q = { .method = method, .url = url };
	char *line;

	if (!r->status && !r->err[0])
		return;
	line = aml_http_errline(&q, r);
	if (!r->status && r->sent && strcmp(method, "GET") && !aml_signalled)
		aml_err("%s; the request reached the server, so it may have taken effect: "
		    "check with %s", line, p->rs.check);
	else if (hint)
		aml_err("%s; %s", line, hint);
	else
		aml_err("%s", line);
	free(line);
}

int
aml_plan_errcode(const struct aml_resp *r, const char *code)
{
	cJSON *j, *e, *d;
	struct aml_jerr je;
	const char *c;
	int found = 0;

	if (!r->len || !(j = aml_json_parse(r->body, r->len, &je)))
		return 0;
	if ((e = cJSON_GetObjectItemCaseSensitive(j, "error"))) {
		if ((c = aml_json_str(e, "code")) && !strcmp(c, code))
			found = 1;
		d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "details"), 0);
		if (d && (c = aml_json_str(d, "code")) && !strcmp(c, code))
			found = 1;
	}
	cJSON_Delete(j);
	return found;
}

/* ---- SKU and tags --------------------------------------------------- */

/* KEY=VALUE into s->tags; ARM allows 50 tags, keys of 1 to 512
 * characters and values of up to 256, which the service checks. */
static int
tag(struct aml_plan_sku *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (!eq || eq == arg) {
		aml_err("--tag %s: not KEY=VALUE", arg);
		return -1;
	}
	if (!s->tags)
		s->tags = cJSON_CreateObject();
	key = aml_xstrndup(arg, (size_t)(eq - arg));
	cJSON_DeleteItemFromObjectCaseSensitive(s->tags, key);
	cJSON_AddStringToObject(s->tags, key, eq + 1);
	free(key);
	return 0;
}

int
aml_plan_sku_opt(struct aml_plan_sku *s, int c, const char *arg)
{
	char *end;

	switch (c) {
	case AML_PLAN_OPT_SKU:
	case AML_PLAN_OPT_TIER:
		if (!*arg) {
			aml_err("--%s: empty", c == AML_PLAN_OPT_SKU ? "sku" : "tier");
			return -1;
		}
		*(c == AML_PLAN_OPT_SKU ? &s->sku : &s->tier) = arg;
		return 1;
	case AML_PLAN_OPT_CAPACITY:
		errno = 0;
		s->capacity = strtol(arg, &end, 10);
		if (!isdigit((unsigned char)*arg) || *end || errno || s->capacity < 1 ||
		    s->capacity > 1000000) {
			aml_err("--capacity %s: a whole number of at least 1", arg);
			return -1;
		}
		return 1;
	case AML_PLAN_OPT_TAG:
		return tag(s, arg) < 0 ? -1 : 1;
	}
	return 0;
}

void
aml_plan_sku_free(struct aml_plan_sku *s)
{
	cJSON_Delete(s->tags);
	memset(s, 0, sizeof *s);
}
