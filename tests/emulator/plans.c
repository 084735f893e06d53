/* SPDX-License-Identifier: MIT */
/*
 * plans.c: Microsoft.MachineLearning/commitmentPlans, api-version
 * 2016-05-01-preview, after notes/commitment-plans.md: plans (PUT, GET,
 * PATCH of tags and sku, DELETE, lists by resource group and
 * subscription), the SKU catalogue, a plan's usage history, and its
 * commitment associations (get, list, move to another plan).
 *
 * What the recordings show is done as recorded: PUT answers 200 also
 * when it creates, DELETE 200 with no body, a plan that is not there
 * the gateway's 404 ResourceNotFound; bodies are compact JSON (the
 * recorder re-indented them, but their Content-Length is the compact
 * text's, unlike webServices', which came indented) with members in
 * alphabetical order and doubles as Newtonsoft writes them ("25.0"); the
 * etag is a document database's ("0000xxxx-0000-0000-0000-" + the
 * write's Unix time in hex + "0000").  Where nothing was recorded (associations, usage, SKUs,
 * the errors of the checks) the choices are the emulator's, and the
 * notes say which.
 *
 * A web service created with properties.commitmentPlan is associated
 * with that plan (arm.c calls emu_plan_associate); the association is
 * named after the service's 32-hex id and goes with the service.  A plan
 * that has associations cannot be deleted.
 *
 * The state is {"etagSeq": N, "plans": {"group/name": plan}} under
 * "plans", keys lower-cased; a plan is {group, name, location, tags,
 * sku, etag, creationDate, createdMs, associations: {name: {name,
 * resource, creationDate, etag}}}.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"

#define PLAN_TYPE "Microsoft.MachineLearning/commitmentPlans"
#define ASSOC_TYPE PLAN_TYPE "/commitmentAssociations"
#define HOURS "machineLearningWebServiceComputeHours"
#define CALLS "machineLearningWebServiceTransactions"
#define HOURS_IN "29187de1-b4a1-4503-a6f6-078271b3fc9d"
#define CALLS_IN "303743b6-4cd0-44df-8ec2-a93c8f14943b"
#define NO_METER "00000000-0000-0000-0000-000000000000"
#define DEMO_PLAN "aml-demo-plan"	/* seed.c's service names it */
#define MAX_ASSOCIATIONS 10000		/* every current plan recorded */
#define DAY_MS 86400000LL
#define SEED_AGE_DAYS 75		/* three refills of the seeded plan */

/* The SKUs.  S1, S2, DevTest and PAYG are as recorded (quantities,
 * meters, flags); S3 is the published price list's third tier, its
 * quantities from that list and its meters made up (recognisably). */
static const struct sku {
	const char *name, *tier;
	double hours, calls;		/* included, refilled every refill days */
	const char *hours_in, *hours_over, *calls_in, *calls_over, *meter;
	int overage, charge, suspend;	/* chargeForOverage, chargeForPlan, suspendPlanOnOverage */
	int refill, mincap, maxcap;
} skus[] = {
	{ "S1", "Standard", 25, 100000, HOURS_IN, "842f92f7-a46b-4522-ac62-8134271dc591",
	    CALLS_IN, "c906e161-98b8-41b1-81e2-b59e0b263740",
	    "4a5a4b83-6216-47c5-b3db-fe430fa6e2c3", 1, 1, 0, 30, 1, 10 },
	{ "S2", "Standard", 500, 2000000, HOURS_IN, "e5921380-3088-471a-ae87-a47cc97e98dc",
	    CALLS_IN, "96328029-e3da-49d7-bba1-48ef64f13ff1",
	    "0242cdc7-456a-4024-a1d5-f00b54f37b76", 1, 1, 0, 30, 1, 10 },
	{ "S3", "Standard", 12500, 50000000, HOURS_IN, "e3e3e3e3-0000-4000-8000-000000000002",
	    CALLS_IN, "e3e3e3e3-0000-4000-8000-000000000003",
	    "e3e3e3e3-0000-4000-8000-000000000001", 1, 1, 0, 30, 1, 10 },
	{ "DevTest", "Standard", 2, 1000, HOURS_IN, "15fb14e6-ece4-4981-a179-2bc796d0b65b",
	    CALLS_IN, "c7cf66fb-bcc3-4ee2-b81b-160bcf6c6a14", NO_METER, 0, 0, 1, 30, 1, 10 },
	{ "PAYG", "Standard", 0, 0, NO_METER, "15fb14e6-ece4-4981-a179-2bc796d0b65b",
	    NO_METER, "c7cf66fb-bcc3-4ee2-b81b-160bcf6c6a14", NO_METER, 1, 0, 0, 1, 1, 10 },
};
#define NSKUS (sizeof skus / sizeof *skus)

/* ---- numbers, errors, the body -------------------------------------- */

/* A double as Newtonsoft writes one: "25.0", "12.5". */
static cJSON *
dbl(double v)
{
	cJSON *n = cJSON_CreateNumber(v);
	char buf[40];

	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, sizeof buf, "%.1f", v);
	} else {
		for (int p = 1; p <= 17; p++) {
			snprintf(buf, sizeof buf, "%.*g", p, v);
			if (strtod(buf, NULL) == v)
				break;
		}
	}
	n->valuestring = aml_xstrdup(buf);
	return n;
}

static double
round2(double v)
{
	return round(v * 100) / 100;
}

/* The resource provider's own errors, in the envelope its webServices
 * side uses (code, message, one detail), compact as its bodies are. */
static void
rp_error(struct emu_req *r, int status, const char *code, const char *message,
    const char *dcode, const char *dmessage)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error"), *d, *o;

	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	d = cJSON_AddArrayToObject(e, "details");
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "code", dcode);
	cJSON_AddStringToObject(o, "message", dmessage);
	cJSON_AddItemToArray(d, o);
	emu_answer_json(r, status, j);
	emu_arm_headers(r);
	cJSON_Delete(j);
}

/* Its 400, with one detail; -1 for the caller. */
static int
refuse(struct emu_req *r, const char *code, const char *fmt, ...) AML_PRINTF(3, 4);

static int
refuse(struct emu_req *r, const char *code, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		aml_die("out of memory");
	va_end(ap);
	rp_error(r, 400, "BadRequest", "The request is invalid.", code, m);
	free(m);
	return -1;
}

/* Its 404: something under a plan, or the plan above it. */
static void
rp_not_found(struct emu_req *r, const char *what, const char *code, const char *name)
{
	char *m = aml_xasprintf("No %s could be found with the provided name: %s.", what, name);

	rp_error(r, 404, "NotFound", "The specified resource was not found.", code, m);
	free(m);
}

/* A plan that is not there: Resource Manager's gateway answers (REC). */
static void
gateway_not_found(struct emu_req *r)
{
	char *m = aml_xasprintf("The Resource '%s/%s' under resource group '%s' was not found.",
	    PLAN_TYPE, r->seg[2], r->seg[1]);

	emu_answer_error(r, 404, "ResourceNotFound", m);
	emu_set_header(r, "x-ms-failure-cause", "gateway");
	free(m);
}

/* The body, strict JSON and an object, as Resource Manager takes it. */
static cJSON *
body(struct emu_req *r)
{
	struct aml_jerr e;
	cJSON *j;
	char *m;

	if (!r->bodylen) {
		emu_answer_error(r, 400, "InvalidRequestContent", "The request content was invalid "
		    "and could not be deserialized: 'The request body is empty.'.");
		return NULL;
	}
	if (!(j = aml_json_parse(r->body, r->bodylen, &e))) {
		m = aml_xasprintf("The request content was invalid and could not be deserialized: "
		    "'%s. Path '', line %lu, position %lu.'.", e.msg, e.line, e.col);
		emu_answer_error(r, 400, "InvalidRequestContent", m);
		free(m);
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		emu_answer_error(r, 400, "InvalidRequestContent", "The request content was invalid "
		    "and could not be deserialized: 'The request body must be a JSON object.'.");
		return NULL;
	}
	return j;
}

/* ---- the store ------------------------------------------------------ */

static cJSON *
root(void)
{
	return emu_obj(emu_state, "plans");
}

static cJSON *
all(void)
{
	return emu_obj(root(), "plans");
}

static char *
lower_key(const char *a, const char *b)
{
	char *k = b ? aml_xasprintf("%s/%s", a, b) : aml_xstrdup(a);

	emu_lower(k);
	return k;
}

static cJSON *
plan_find(const char *group, const char *name)
{
	char *k = lower_key(group, name);
	cJSON *p = cJSON_GetObjectItemCaseSensitive(all(), k);

	free(k);
	return p;
}

static cJSON *
assocs(cJSON *plan)
{
	return emu_obj(plan, "associations");
}

static cJSON *
assoc_find(cJSON *plan, const char *name)
{
	char *k = lower_key(name, NULL);
	cJSON *a = cJSON_GetObjectItemCaseSensitive(assocs(plan), k);

	free(k);
	return a;
}

static char *
plan_id(const cJSON *plan)
{
	return aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s",
	    emu_id("subscriptionId"), aml_json_str(plan, "group"), PLAN_TYPE,
	    aml_json_str(plan, "name"));
}

static const struct sku *
sku_find(const char *name, const char *tier)
{
	for (size_t i = 0; name && tier && i < NSKUS; i++)
		if (strcasecmp(skus[i].name, name) == 0 && strcasecmp(skus[i].tier, tier) == 0)
			return &skus[i];
	return NULL;
}

/* A plan's SKU (S1 for one a state file made up). */
static const struct sku *
sku_of(const cJSON *plan)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(plan, "sku");
	const struct sku *k = sku_find(aml_json_str(s, "name"), aml_json_str(s, "tier"));

	return k ? k : &skus[0];
}

/* A document database's etag: a counter and the time of the write. */
static char *
new_etag(void)
{
	cJSON *seq = cJSON_GetObjectItemCaseSensitive(root(), "etagSeq");
	unsigned n;

	if (!cJSON_IsNumber(seq))
		seq = cJSON_AddNumberToObject(root(), "etagSeq", 0xdd5e);
	n = ((unsigned)seq->valuedouble + 1) & 0xffff;
	/* A new item: a number read from --state keeps its old text. */
	cJSON_ReplaceItemInObjectCaseSensitive(root(), "etagSeq", cJSON_CreateNumber(n));
	return aml_xasprintf("0000%04x-0000-0000-0000-%08lx0000", n,
	    (unsigned long)(emu_now_ms() / 1000) & 0xffffffffUL);
}

static void
set_item(cJSON *o, const char *k, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, k))
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, v);
	else
		cJSON_AddItemToObject(o, k, v);
}

static void
new_etag_on(cJSON *o)
{
	char *e = new_etag();

	set_item(o, "etag", cJSON_CreateString(e));
	free(e);
}

static void
set_sku(cJSON *plan, const struct sku *s, long capacity)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "capacity", (double)capacity);
	cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddStringToObject(o, "tier", s->tier);
	set_item(plan, "sku", o);
}

static cJSON *
plan_new(const char *group, const char *name, const char *location, int64_t created_ms)
{
	cJSON *p = cJSON_CreateObject();
	char t[48], *k = lower_key(group, name);

	emu_time_dotnet(t, sizeof t, created_ms * 10000);
	cJSON_AddStringToObject(p, "group", group);
	cJSON_AddStringToObject(p, "name", name);
	cJSON_AddStringToObject(p, "location", location);
	cJSON_AddStringToObject(p, "creationDate", t);
	cJSON_AddNumberToObject(p, "createdMs", (double)created_ms);
	cJSON_AddObjectToObject(p, "associations");
	cJSON_AddItemToObject(all(), k, p);
	free(k);
	return p;
}

/* The plan an ARM id names in this subscription, or NULL; *bad when the
 * id is not that of a commitment plan at all. */
static cJSON *
plan_by_id(const char *id, int *bad)
{
	static const char *const lit[] = {
		"", "subscriptions", NULL, "resourceGroups", NULL, "providers",
		"Microsoft.MachineLearning", "commitmentPlans", NULL,
	};
	char *copy = aml_xstrdup(id), *p = copy, *seg[9];
	cJSON *plan = NULL;
	size_t n = 0;

	*bad = 1;
	while (p && n < 9) {
		seg[n++] = p;
		if ((p = strchr(p, '/')))
			*p++ = '\0';
	}
	if (p || n != 9)
		goto out;
	for (size_t i = 0; i < 9; i++)
		if (lit[i] ? strcasecmp(seg[i], lit[i]) != 0 : !*seg[i])
			goto out;
	*bad = 0;
	if (strcasecmp(seg[2], emu_id("subscriptionId")) == 0)
		plan = plan_find(seg[4], seg[8]);
out:
	free(copy);
	return plan;
}

/* ---- usage ---------------------------------------------------------- */

/* Usage is the emulator's own: nothing was recorded.  The plan's life is
 * cut into refill periods from its creation; in each, a plan with
 * associations uses a share of its included quantities (or, for a plan
 * that includes none, of S1's) that is fixed by its id and the period,
 * from a fifth to 130 %, in proportion to the part of the period gone. */
struct usage {
	int64_t start;
	double before[2], used[2], after[2], over[2];
};
static const char *const meter_names[2] = { HOURS, CALLS };

static double
unit(const char *id, long k, int m)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ (uint64_t)k) * 1099511628211ULL;
	h = (h ^ (uint64_t)m) * 1099511628211ULL;
	/* splitmix64's finish: neighbouring periods get unrelated shares */
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

static int64_t
created_ms(const cJSON *plan)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(plan, "createdMs");

	return cJSON_IsNumber(c) ? (int64_t)c->valuedouble : 0;
}

static long
periods(const cJSON *plan, const struct sku *s, int64_t now)
{
	int64_t age = now - created_ms(plan);

	return age <= 0 ? 1 : (long)(age / (s->refill * DAY_MS)) + 1;
}

static void
period(cJSON *plan, const struct sku *s, long k, int64_t now, struct usage *u)
{
	static const double typical[2] = { 25, 100000 };
	double inc[2] = { s->hours, s->calls }, f, base, used;
	int64_t len = s->refill * DAY_MS;
	int busy = cJSON_GetArraySize(assocs(plan)) > 0;
	char *id = plan_id(plan);

	u->start = created_ms(plan) + k * len;
	f = now <= u->start ? 0 : now >= u->start + len ? 1 : (double)(now - u->start) / (double)len;
	for (int m = 0; m < 2; m++) {
		base = inc[m] > 0 ? inc[m] : typical[m];
		used = busy ? base * (0.2 + 1.1 * unit(id, k, m)) * f : 0;
		used = m == 0 ? floor(used * 100) / 100 : floor(used);
		u->before[m] = inc[m];
		u->used[m] = used;
		u->after[m] = used < inc[m] ? round2(inc[m] - used) : 0;
		u->over[m] = used > inc[m] ? round2(used - inc[m]) : 0;
	}
	free(id);
}

static cJSON *
by_meter(const double *v)
{
	cJSON *o = cJSON_CreateObject();

	for (int m = 0; m < 2; m++)
		cJSON_AddItemToObject(o, meter_names[m], dbl(v ? v[m] : 0));
	return o;
}

/* A PlanUsageHistory, its members in alphabetical order as the resource
 * provider writes them. */
static cJSON *
usage_record(const struct usage *u)
{
	cJSON *o = cJSON_CreateObject();
	char t[48];

	emu_time_dotnet(t, sizeof t, u->start * 10000);
	cJSON_AddItemToObject(o, "planDeletionOverage", by_meter(NULL));
	cJSON_AddItemToObject(o, "planMigrationOverage", by_meter(NULL));
	cJSON_AddItemToObject(o, "planQuantitiesAfterUsage", by_meter(u->after));
	cJSON_AddItemToObject(o, "planQuantitiesBeforeUsage", by_meter(u->before));
	cJSON_AddItemToObject(o, "planUsageOverage", by_meter(u->over));
	cJSON_AddItemToObject(o, "usage", by_meter(u->used));
	cJSON_AddStringToObject(o, "usageDate", t);
	return o;
}

/* ---- rendering ------------------------------------------------------ */

static void
quantity(cJSON *q, const char *meter, double allowance, double amount, const char *in,
    const char *over)
{
	cJSON *o = cJSON_AddObjectToObject(q, meter);

	cJSON_AddItemToObject(o, "allowance", dbl(allowance));
	cJSON_AddItemToObject(o, "amount", dbl(amount));
	cJSON_AddStringToObject(o, "includedQuantityMeter", in);
	cJSON_AddStringToObject(o, "overageMeter", over);
}

/* A plan as GET shows it (REC: alphabetical members; amount is what is
 * left of the allowance in the current period). */
static cJSON *
render_plan(cJSON *plan)
{
	const struct sku *s = sku_of(plan);
	cJSON *j = cJSON_CreateObject(), *p, *q;
	char *id = plan_id(plan);
	struct usage u;
	int64_t now = emu_now_ms();

	period(plan, s, periods(plan, s, now) - 1, now, &u);
	cJSON_AddStringToObject(j, "etag", aml_json_str(plan, "etag"));
	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "location", aml_json_str(plan, "location"));
	cJSON_AddStringToObject(j, "name", aml_json_str(plan, "name"));
	p = cJSON_AddObjectToObject(j, "properties");
	cJSON_AddBoolToObject(p, "chargeForOverage", s->overage);
	cJSON_AddBoolToObject(p, "chargeForPlan", s->charge);
	cJSON_AddStringToObject(p, "creationDate", aml_json_str(plan, "creationDate"));
	q = cJSON_AddObjectToObject(p, "includedQuantities");
	quantity(q, HOURS, s->hours, u.after[0], s->hours_in, s->hours_over);
	quantity(q, CALLS, s->calls, u.after[1], s->calls_in, s->calls_over);
	cJSON_AddNumberToObject(p, "maxAssociationLimit", MAX_ASSOCIATIONS);
	cJSON_AddNumberToObject(p, "maxCapacityLimit", s->maxcap);
	cJSON_AddNumberToObject(p, "minCapacityLimit", s->mincap);
	cJSON_AddStringToObject(p, "planMeter", s->meter);
	cJSON_AddNumberToObject(p, "refillFrequencyInDays", s->refill);
	cJSON_AddBoolToObject(p, "suspendPlanOnOverage", s->suspend);
	cJSON_AddItemToObject(j, "sku", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(plan,
	    "sku"), 1));
	cJSON_AddItemToObject(j, "tags", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(plan,
	    "tags"), 1));
	cJSON_AddStringToObject(j, "type", PLAN_TYPE);
	free(id);
	return j;
}

static cJSON *
render_assoc(cJSON *plan, const cJSON *a)
{
	cJSON *j = cJSON_CreateObject(), *p;
	char *pid = plan_id(plan), *id = aml_xasprintf("%s/commitmentAssociations/%s", pid,
	    aml_json_str(a, "name"));

	cJSON_AddStringToObject(j, "etag", aml_json_str(a, "etag"));
	cJSON_AddStringToObject(j, "id", id);
	cJSON_AddStringToObject(j, "location", aml_json_str(plan, "location"));
	cJSON_AddStringToObject(j, "name", aml_json_str(a, "name"));
	p = cJSON_AddObjectToObject(j, "properties");
	cJSON_AddStringToObject(p, "associatedResourceId", aml_json_str(a, "resource"));
	cJSON_AddStringToObject(p, "commitmentPlanId", pid);
	cJSON_AddStringToObject(p, "creationDate", aml_json_str(a, "creationDate"));
	cJSON_AddObjectToObject(j, "tags");
	cJSON_AddStringToObject(j, "type", ASSOC_TYPE);
	free(id);
	free(pid);
	return j;
}

/* ---- requests: the common start, lists ------------------------------ */

/* Resource Manager's checks (token, api-version, subscription), the
 * lock, and the resource group when the path has one.  0, or -1 with
 * the answer written and the lock released. */
static int
begin(struct emu_req *r, char **apiver)
{
	*apiver = NULL;
	if (emu_arm_begin(r, EMU_API_PLANS, 1, apiver) < 0)
		return -1;
	emu_lock();
	if (r->nseg >= 2 && emu_arm_group_missing(r, r->seg[1])) {
		emu_unlock();
		free(*apiver);
		*apiver = NULL;
		return -1;
	}
	return 0;
}

/* The plan of the path, for what lives under it: the provider's 404. */
static cJSON *
parent(struct emu_req *r)
{
	cJSON *plan = plan_find(r->seg[1], r->seg[2]);

	if (!plan)
		rp_not_found(r, "commitment plan", "CommitmentPlanNotFound", r->seg[2]);
	return plan;
}

/* One page of items (an array, taken) at $skipToken, with the nextLink
 * of the next; path is the list's own, from /subscriptions. */
static void
page(struct emu_req *r, cJSON *items, const char *path, const char *apiver)
{
	char *tok = emu_query(r, "$skipToken"), *next;
	long off = tok ? emu_arm_skip_offset(tok) : 0, n = 0, size = emu_cfg.page_size;
	cJSON *j, *v, *c;

	if (off < 0) {
		rp_error(r, 400, "BadRequest", "The request is invalid.", "InvalidSkipToken",
		    "The $skipToken is not valid.");
		goto out;
	}
	j = cJSON_CreateObject();
	v = cJSON_AddArrayToObject(j, "value");
	while ((c = cJSON_DetachItemFromArray(items, 0))) {
		if (n >= off && n < off + size)
			cJSON_AddItemToArray(v, c);
		else
			cJSON_Delete(c);
		n++;
	}
	if (n > off + size) {
		next = emu_arm_next_link(path, apiver, "skipToken", off + size);
		cJSON_AddStringToObject(j, "nextLink", next);
		free(next);
	}
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
out:
	cJSON_Delete(items);
	free(tok);
}

/* Lists come by region in the registration's order, the newest plan
 * first (REC: the subscription's list). */
static int
plan_order(const void *a, const void *b)
{
	const cJSON *x = *(cJSON *const *)a, *y = *(cJSON *const *)b;
	int rx = emu_arm_region(aml_json_str(x, "location"));
	int ry = emu_arm_region(aml_json_str(y, "location"));
	int64_t cx = created_ms(x), cy = created_ms(y);

	if (rx != ry)
		return (unsigned)rx < (unsigned)ry ? -1 : 1;
	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(aml_json_str(x, "name"), aml_json_str(y, "name"));
}

static void
list(struct emu_req *r, const char *group)
{
	char *apiver, *path;
	cJSON *p, **v = NULL, *items = cJSON_CreateArray();
	size_t n = 0;

	if (begin(r, &apiver) < 0) {
		cJSON_Delete(items);
		return;
	}
	/* A subscription the control API added holds no plans. */
	if (strcasecmp(r->seg[0], emu_id("subscriptionId")) == 0) {
		cJSON_ArrayForEach(p, all())
			if (!group || strcasecmp(aml_json_str(p, "group"), group) == 0) {
				v = aml_xreallocarray(v, n + 1, sizeof *v);
				v[n++] = p;
			}
	}
	if (n)
		qsort(v, n, sizeof *v, plan_order);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(items, render_plan(v[i]));
	free(v);
	path = group ? aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s", r->seg[0],
	    group, PLAN_TYPE) : aml_xasprintf("/subscriptions/%s/providers/%s", r->seg[0], PLAN_TYPE);
	page(r, items, path, apiver);
	free(path);
	emu_unlock();
	free(apiver);
}

static void
list_sub(struct emu_req *r)
{
	list(r, NULL);
}

static void
list_group(struct emu_req *r)
{
	list(r, r->seg[1]);
}

/* ---- plans ---------------------------------------------------------- */

/* tags: an object of strings, as Resource Manager takes them. */
static int
bad_tags(struct emu_req *r, const cJSON *tags)
{
	const cJSON *c;

	if (!tags || cJSON_IsNull(tags))
		return 0;
	if (cJSON_IsObject(tags)) {
		cJSON_ArrayForEach(c, tags)
			if (!cJSON_IsString(c))
				break;
		if (!c)
			return 0;
	}
	emu_answer_error(r, 400, "InvalidRequestContent", "The request content was invalid and "
	    "could not be deserialized: 'tags must be an object whose values are strings.'.");
	return 1;
}

static void
sku_list_text(struct aml_wbuf *w)
{
	for (size_t i = 0; i < NSKUS; i++)
		aml_wprintf(w, "%s%s (%s)", i ? ", " : "", skus[i].name, skus[i].tier);
}

/* The sku of a PUT or PATCH: name and tier one of the catalogue's,
 * capacity a whole number within the SKU's limits (1 when not given on
 * PUT, the plan's own on PATCH).  0, or -1 with the answer written. */
static int
read_sku(struct emu_req *r, const cJSON *j, const cJSON *plan, const struct sku **out,
    long *capacity)
{
	const cJSON *c, *old = plan ? cJSON_GetObjectItemCaseSensitive(plan, "sku") : NULL;
	const char *name, *tier;
	struct aml_wbuf w;
	char *m;

	if (!cJSON_IsObject(j))
		return refuse(r, "InvalidSku", "The commitment plan needs a sku with a name and a "
		    "tier.");
	c = cJSON_GetObjectItem(j, "name");
	name = cJSON_IsString(c) ? c->valuestring : NULL;
	c = cJSON_GetObjectItem(j, "tier");
	tier = cJSON_IsString(c) ? c->valuestring : NULL;
	if (!name || !*name || !tier || !*tier)
		return refuse(r, "InvalidSku", "The sku of a commitment plan needs a name and a tier.");
	if (!(*out = sku_find(name, tier))) {
		aml_wbuf_init(&w, -1);
		aml_wprintf(&w, "The SKU '%s' of tier '%s' is not available. The available SKUs "
		    "are: ", name, tier);
		sku_list_text(&w);
		aml_wputs(&w, ".");
		m = aml_wbuf_take(&w);
		refuse(r, "InvalidSku", "%s", m);
		free(m);
		return -1;
	}
	c = cJSON_GetObjectItem(j, "capacity");
	if (!c || cJSON_IsNull(c)) {
		c = cJSON_GetObjectItemCaseSensitive(old, "capacity");
		*capacity = cJSON_IsNumber(c) ? (long)c->valuedouble : 1;
		if (*capacity >= (*out)->mincap && *capacity <= (*out)->maxcap)
			return 0;
	} else if (cJSON_IsNumber(c) && c->valuedouble >= (*out)->mincap &&
	    c->valuedouble <= (*out)->maxcap && c->valuedouble == floor(c->valuedouble)) {
		*capacity = (long)c->valuedouble;
		return 0;
	}
	return refuse(r, "InvalidSkuCapacity", "The capacity of SKU %s must be a whole number "
	    "from %d to %d.", (*out)->name, (*out)->mincap, (*out)->maxcap);
}

static void
plan_get(struct emu_req *r)
{
	char *apiver;
	cJSON *plan, *j;

	if (begin(r, &apiver) < 0)
		return;
	if (!(plan = plan_find(r->seg[1], r->seg[2]))) {
		gateway_not_found(r);
	} else {
		j = render_plan(plan);
		emu_answer_json(r, 200, j);
		cJSON_Delete(j);
	}
	emu_unlock();
	free(apiver);
}

static int
bad_location(struct emu_req *r, const char *loc, cJSON *plan)
{
	struct aml_wbuf w;
	const char *n;
	char *m;

	if (!loc) {
		emu_answer_error(r, 400, "LocationRequired", "The location property is required "
		    "for this definition.");
		return 1;
	}
	aml_wbuf_init(&w, -1);
	if (emu_arm_region(loc) < 0) {
		aml_wprintf(&w, "The provided location '%s' is not available for resource type "
		    "'%s'. List of available regions for the resource type is '", loc, PLAN_TYPE);
		for (int i = 0; (n = emu_arm_region_at(i)); i++)
			aml_wprintf(&w, "%s%s", i ? "," : "", n);
		aml_wputs(&w, "'.");
		m = aml_wbuf_take(&w);
		emu_answer_error(r, 400, "LocationNotAvailableForResourceType", m);
	} else if (plan && emu_arm_region(loc) != emu_arm_region(aml_json_str(plan, "location"))) {
		aml_wprintf(&w, "The resource '%s' already exists in location '%s' in resource group "
		    "'%s'. A resource with the same name cannot be created in location '%s'. Please "
		    "select a new resource name.", aml_json_str(plan, "name"),
		    emu_arm_region_at(emu_arm_region(aml_json_str(plan, "location"))),
		    aml_json_str(plan, "group"), emu_arm_region_at(emu_arm_region(loc)));
		m = aml_wbuf_take(&w);
		emu_answer_error(r, 409, "InvalidResourceLocation", m);
	} else {
		aml_wbuf_free(&w);
		return 0;
	}
	free(m);
	return 1;
}

static void
plan_put(struct emu_req *r)
{
	char *apiver;
	cJSON *b = NULL, *plan, *tags, *j;
	const cJSON *loc;
	const struct sku *s;
	long capacity;

	if (begin(r, &apiver) < 0)
		return;
	if (emu_arm_bad_name(r, r->seg[2]) || !(b = body(r)))
		goto out;
	plan = plan_find(r->seg[1], r->seg[2]);
	loc = cJSON_GetObjectItem(b, "location");
	tags = cJSON_GetObjectItem(b, "tags");
	if (bad_location(r, cJSON_IsString(loc) ? loc->valuestring : NULL, plan) ||
	    bad_tags(r, tags) || read_sku(r, cJSON_GetObjectItem(b, "sku"), NULL, &s, &capacity) < 0)
		goto out;
	if (!plan)
		plan = plan_new(r->seg[1], r->seg[2], loc->valuestring, emu_now_ms());
	set_item(plan, "location", cJSON_CreateString(loc->valuestring));
	set_sku(plan, s, capacity);
	set_item(plan, "tags", cJSON_IsObject(tags) ? cJSON_Duplicate(tags, 1) :
	    cJSON_CreateObject());
	new_etag_on(plan);
	emu_changed();
	/* REC: 200 for a plan it made as well. */
	j = render_plan(plan);
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
out:
	emu_unlock();
	cJSON_Delete(b);
	free(apiver);
}

/* Only tags and sku may change (SPEC); the etag changes every time. */
static void
plan_patch(struct emu_req *r)
{
	char *apiver;
	cJSON *b = NULL, *plan, *tags, *sku, *j;
	const struct sku *s = NULL;
	long capacity = 0;

	if (begin(r, &apiver) < 0)
		return;
	if (!(plan = plan_find(r->seg[1], r->seg[2]))) {
		gateway_not_found(r);
		goto out;
	}
	if (!(b = body(r)))
		goto out;
	tags = cJSON_GetObjectItem(b, "tags");
	sku = cJSON_GetObjectItem(b, "sku");
	if (sku && cJSON_IsNull(sku))
		sku = NULL;
	if (bad_tags(r, tags) || (sku && read_sku(r, sku, plan, &s, &capacity) < 0))
		goto out;
	if (s)
		set_sku(plan, s, capacity);
	if (cJSON_IsObject(tags))
		set_item(plan, "tags", cJSON_Duplicate(tags, 1));
	new_etag_on(plan);
	emu_changed();
	j = render_plan(plan);
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
out:
	emu_unlock();
	cJSON_Delete(b);
	free(apiver);
}

static void
plan_delete(struct emu_req *r)
{
	char *apiver, *k, *m;
	cJSON *plan;
	int n;

	if (begin(r, &apiver) < 0)
		return;
	if (!(plan = plan_find(r->seg[1], r->seg[2]))) {
		/* Nothing to delete: what Resource Manager answers then. */
		emu_answer(r, 204, NULL, NULL, 0);
	} else if ((n = cJSON_GetArraySize(assocs(plan))) > 0) {
		m = aml_xasprintf("Commitment plan '%s' still has %d commitment association%s. Move "
		    "%s to another commitment plan, or remove the web service%s, before deleting the "
		    "plan.", aml_json_str(plan, "name"), n, n == 1 ? "" : "s", n == 1 ? "it" : "them",
		    n == 1 ? "" : "s");
		rp_error(r, 409, "Conflict", "The request conflicts with the current state of the "
		    "resource.", "CommitmentPlanHasAssociations", m);
		free(m);
	} else {
		k = lower_key(r->seg[1], r->seg[2]);
		cJSON_DeleteItemFromObjectCaseSensitive(all(), k);
		free(k);
		emu_changed();
		/* REC: 200, no body, no operation to follow. */
		emu_answer(r, 200, NULL, NULL, 0);
	}
	emu_unlock();
	free(apiver);
}

/* ---- usage history, SKUs -------------------------------------------- */

static void
usage_history(struct emu_req *r)
{
	char *apiver, *path;
	cJSON *plan, *items;
	const struct sku *s;
	struct usage u;
	int64_t now = emu_now_ms();
	long n;

	if (begin(r, &apiver) < 0)
		return;
	if ((plan = parent(r))) {
		s = sku_of(plan);
		n = periods(plan, s, now);
		items = cJSON_CreateArray();
		for (long k = 0; k < n; k++) {
			period(plan, s, k, now, &u);
			cJSON_AddItemToArray(items, usage_record(&u));
		}
		path = aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s/usageHistory",
		    r->seg[0], r->seg[1], PLAN_TYPE, r->seg[2]);
		page(r, items, path, apiver);
		free(path);
	}
	emu_unlock();
	free(apiver);
}

static void
capability(cJSON *a, const char *name, double v)
{
	cJSON *o = cJSON_CreateObject();
	char buf[32];

	snprintf(buf, sizeof buf, "%.0f", v);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "value", buf);
	cJSON_AddItemToArray(a, o);
}

/* Skus_List (SPEC; the shape of the 2020-09-07-preview example). */
static void
skus_list(struct emu_req *r)
{
	char *apiver;
	cJSON *j, *v, *o, *a, *c;
	const char *loc;

	if (begin(r, &apiver) < 0)
		return;
	j = cJSON_CreateObject();
	v = cJSON_AddArrayToObject(j, "value");
	for (size_t i = 0; i < NSKUS; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "resourceType", "commitmentPlans");
		cJSON_AddStringToObject(o, "name", skus[i].name);
		cJSON_AddStringToObject(o, "tier", skus[i].tier);
		a = cJSON_AddArrayToObject(o, "locations");
		for (int k = 0; (loc = emu_arm_region_at(k)); k++)
			cJSON_AddItemToArray(a, cJSON_CreateString(loc));
		c = cJSON_AddObjectToObject(o, "capacity");
		cJSON_AddNumberToObject(c, "minimum", skus[i].mincap);
		cJSON_AddNumberToObject(c, "maximum", skus[i].maxcap);
		cJSON_AddNumberToObject(c, "default", 1);
		cJSON_AddStringToObject(c, "scaleType", "Manual");
		a = cJSON_AddArrayToObject(o, "capabilities");
		capability(a, HOURS, skus[i].hours);
		capability(a, CALLS, skus[i].calls);
		capability(a, "refillFrequencyInDays", skus[i].refill);
		a = cJSON_AddArrayToObject(o, "costs");
		if (strcmp(skus[i].meter, NO_METER)) {
			c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "meterID", skus[i].meter);
			cJSON_AddNumberToObject(c, "quantity", 1);
			cJSON_AddStringToObject(c, "extendedUnit", "Month");
			cJSON_AddItemToArray(a, c);
		}
		cJSON_AddArrayToObject(o, "restrictions");
		cJSON_AddItemToArray(v, o);
	}
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
	emu_unlock();
	free(apiver);
}

/* ---- associations --------------------------------------------------- */

static cJSON *
assoc_of(struct emu_req *r, cJSON *plan)
{
	cJSON *a = assoc_find(plan, r->seg[3]);

	if (!a)
		rp_not_found(r, "commitment association", "CommitmentAssociationNotFound", r->seg[3]);
	return a;
}

static void
assoc_get(struct emu_req *r)
{
	char *apiver;
	cJSON *plan, *a, *j;

	if (begin(r, &apiver) < 0)
		return;
	if ((plan = parent(r)) && (a = assoc_of(r, plan))) {
		j = render_assoc(plan, a);
		emu_answer_json(r, 200, j);
		cJSON_Delete(j);
	}
	emu_unlock();
	free(apiver);
}

static void
assoc_list(struct emu_req *r)
{
	char *apiver, *path;
	cJSON *plan, *a, *items;

	if (begin(r, &apiver) < 0)
		return;
	if ((plan = parent(r))) {
		items = cJSON_CreateArray();
		cJSON_ArrayForEach(a, assocs(plan))
			cJSON_AddItemToArray(items, render_assoc(plan, a));
		path = aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s/"
		    "commitmentAssociations", r->seg[0], r->seg[1], PLAN_TYPE, r->seg[2]);
		page(r, items, path, apiver);
		free(path);
	}
	emu_unlock();
	free(apiver);
}

/* Whether plan can take one more association from a plan or resource in
 * region; 0, or -1 with the detail code and message (malloc'd). */
static int
can_take(cJSON *plan, int region, char **code, char **why)
{
	int here = emu_arm_region(aml_json_str(plan, "location"));

	if (here != region) {
		*code = aml_xstrdup("CommitmentPlanLocationMismatch");
		*why = aml_xasprintf("Commitment plan '%s' is in %s; it cannot take a resource of "
		    "%s.", aml_json_str(plan, "name"), emu_arm_region_at(here),
		    region >= 0 ? emu_arm_region_at(region) : "another region");
		return -1;
	}
	if (cJSON_GetArraySize(assocs(plan)) >= MAX_ASSOCIATIONS) {
		*code = aml_xstrdup("CommitmentPlanAssociationLimitReached");
		*why = aml_xasprintf("Commitment plan '%s' already has %d commitment associations, "
		    "its maxAssociationLimit.", aml_json_str(plan, "name"), MAX_ASSOCIATIONS);
		return -1;
	}
	return 0;
}

/* The destination of a move: a plan of this subscription, not the
 * association's own, in its region, with room.  NULL with the answer
 * written. */
static cJSON *
destination(struct emu_req *r, cJSON *from, const cJSON *b)
{
	const cJSON *d = cJSON_GetObjectItem(b, "destinationPlanId");
	char *code = NULL, *why = NULL;
	cJSON *to;
	int bad;

	if (!cJSON_IsString(d) || !*d->valuestring)
		return refuse(r, "InvalidDestinationPlanId", "The move request needs "
		    "destinationPlanId, the resource id of a commitment plan."), NULL;
	if (!(to = plan_by_id(d->valuestring, &bad))) {
		if (bad)
			refuse(r, "InvalidDestinationPlanId", "'%s' is not the resource id of a "
			    "commitment plan: /subscriptions/{subscriptionId}/resourceGroups/"
			    "{resourceGroupName}/providers/%s/{commitmentPlanName}.", d->valuestring,
			    PLAN_TYPE);
		else
			refuse(r, "DestinationPlanNotFound", "Commitment plan '%s' could not be "
			    "found.", d->valuestring);
		return NULL;
	}
	if (to == from)
		return refuse(r, "SameCommitmentPlan", "The commitment association already belongs "
		    "to commitment plan '%s'.", aml_json_str(to, "name")), NULL;
	if (can_take(to, emu_arm_region(aml_json_str(from, "location")), &code, &why) < 0) {
		refuse(r, code, "%s", why);
		free(code);
		free(why);
		return NULL;
	}
	return to;
}

static void
assoc_move(struct emu_req *r)
{
	char *apiver;
	cJSON *plan, *a, *to, *b = NULL, *j;

	if (begin(r, &apiver) < 0)
		return;
	if (!(plan = parent(r)) || !(a = assoc_of(r, plan)) || !(b = body(r)) ||
	    !(to = destination(r, plan, b)))
		goto out;
	a = cJSON_DetachItemViaPointer(assocs(plan), a);
	new_etag_on(a);
	cJSON_AddItemToObject(assocs(to), a->string, a);
	emu_changed();
	j = render_assoc(to, a);
	emu_answer_json(r, 200, j);
	cJSON_Delete(j);
out:
	emu_unlock();
	cJSON_Delete(b);
	free(apiver);
}

/* ---- for web services (arm.c) --------------------------------------- */

int
emu_plan_check(const char *id, const char *location, char **code, char **why)
{
	cJSON *plan;
	int bad;

	if (!(plan = plan_by_id(id, &bad))) {
		*code = aml_xstrdup(bad ? "InvalidCommitmentPlanId" : "CommitmentPlanNotFound");
		*why = bad ? aml_xasprintf("'%s' is not the resource id of a commitment plan.", id) :
		    aml_xasprintf("Commitment plan '%s' could not be found.", id);
		return -1;
	}
	return can_take(plan, emu_arm_region(location), code, why);
}

void
emu_plan_dissociate(const char *resource)
{
	cJSON *plan, *a, *next;

	cJSON_ArrayForEach(plan, all())
		for (a = assocs(plan)->child; a; a = next) {
			next = a->next;
			if (strcasecmp(aml_json_str(a, "resource"), resource) == 0)
				cJSON_Delete(cJSON_DetachItemViaPointer(assocs(plan), a));
		}
}

static void
add_assoc(cJSON *plan, const char *resource, const char *name, int64_t when_ms)
{
	cJSON *a = cJSON_CreateObject();
	char t[48], *k = lower_key(name, NULL);

	emu_time_dotnet(t, sizeof t, when_ms * 10000);
	cJSON_AddStringToObject(a, "name", name);
	cJSON_AddStringToObject(a, "resource", resource);
	cJSON_AddStringToObject(a, "creationDate", t);
	new_etag_on(a);
	cJSON_DeleteItemFromObjectCaseSensitive(assocs(plan), k);
	cJSON_AddItemToObject(assocs(plan), k, a);
	free(k);
}

void
emu_plan_associate(const char *id, const char *resource, const char *name)
{
	cJSON *plan;
	int bad;

	emu_plan_dissociate(resource);
	if ((plan = plan_by_id(id, &bad)))
		add_assoc(plan, resource, name, emu_now_ms());
}

/* ---- seeding -------------------------------------------------------- */

/* The plan seed.c's web service names, S1, some refills old, with the
 * demo web service (seeded by arm.c, before this) associated. */
static void
seed(cJSON *state)
{
	int64_t born = emu_now_ms() - SEED_AGE_DAYS * DAY_MS;
	const char *svcid = emu_ws_svcid(emu_id("demoGroup"), emu_id("demoService"));
	cJSON *plan;
	char *ws;

	(void)state;
	cJSON_AddNumberToObject(root(), "etagSeq", 0xdd5e);
	all();
	plan = plan_new(emu_id("demoGroup"), DEMO_PLAN, "southcentralus", born);
	set_sku(plan, &skus[0], 1);
	cJSON_AddObjectToObject(plan, "tags");
	new_etag_on(plan);
	if (svcid) {
		ws = aml_xasprintf("/subscriptions/%s/resourceGroups/%s/providers/"
		    "Microsoft.MachineLearning/webServices/%s", emu_id("subscriptionId"),
		    emu_id("demoGroup"), emu_id("demoService"));
		add_assoc(plan, ws, svcid, born);
		free(ws);
	}
}

/* A state saved by an emulator without plans gets the seeded one. */
static void
init(void)
{
	if (!cJSON_GetObjectItemCaseSensitive(emu_state, "plans"))
		seed(emu_state);
}

static void
exports(struct aml_wbuf *w)
{
	emu_export(w, "AML_DEMO_PLAN", DEMO_PLAN);
}

#define PLANS "/subscriptions/*/resourceGroups/*/providers/Microsoft.MachineLearning/" \
	"commitmentPlans"

static const struct emu_route routes[] = {
	{ "GET", "/subscriptions/*/providers/Microsoft.MachineLearning/commitmentPlans", list_sub,
	    &emu_fam_arm },
	{ "GET", "/subscriptions/*/providers/Microsoft.MachineLearning/skus", skus_list,
	    &emu_fam_arm },
	{ "GET", PLANS, list_group, &emu_fam_arm },
	{ "GET", PLANS "/*", plan_get, &emu_fam_arm },
	{ "PUT", PLANS "/*", plan_put, &emu_fam_arm },
	{ "PATCH", PLANS "/*", plan_patch, &emu_fam_arm },
	{ "DELETE", PLANS "/*", plan_delete, &emu_fam_arm },
	{ "GET", PLANS "/*/usageHistory", usage_history, &emu_fam_arm },
	{ "GET", PLANS "/*/commitmentAssociations", assoc_list, &emu_fam_arm },
	{ "GET", PLANS "/*/commitmentAssociations/*", assoc_get, &emu_fam_arm },
	{ "POST", PLANS "/*/commitmentAssociations/*/move", assoc_move, &emu_fam_arm },
};

static struct emu_module plansmod = {
	.name = "plans",
	.routes = routes,
	.nroutes = sizeof routes / sizeof *routes,
	.seed = seed,
	.init = init,
	.exports = exports,
};
EMU_MODULE(plansmod)
