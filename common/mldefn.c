/* SPDX-License-Identifier: MIT */
/*
 * mldefn.c: what the toolkit knows about an online deployment
 * definition, the body of a PUT of Microsoft.MachineLearningServices/
 * workspaces/onlineEndpoints/deployments (OnlineDeploymentTrackedResource,
 * api-version 2024-04-01, from the public specification mfe.json with the
 * common types it refers to; notes/aml2-endpoints.md).
 *
 * The tables below are that schema: member names, types, the enums, what
 * is required and what is read-only.  A definition is a few kilobytes
 * and comes from Resource Manager or an editor, so names are matched
 * exactly, as the specification spells them; a name that differs only in
 * case is pointed out.  Members the schema does not know are kept as they
 * are (a newer api-version may have them), with a warning on import.
 *
 * The canonical form has a fixed order (the tables' order, then unknown
 * members as they came), so that exports of the same deployment compare
 * equal whatever order a server wrote, and a change shows up in a diff as
 * that change alone.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aml.h"

enum kind {
	K_STR, K_BOOL, K_INT, K_NUM,
	K_DUR,		/* an ISO 8601 duration, PT5S */
	K_OBJ,		/* a schema object of type t */
	K_MAP,		/* data keys -> schema objects of type t (or null) */
	K_STRMAP,	/* data keys -> strings (or null, with P_NULLV) */
	K_STRARR	/* an array of strings */
};

#define P_REQ 1		/* required (in a full check) */
#define P_RO 2		/* read-only: not checked, dropped on output */
#define P_NULLV 4	/* K_STRMAP: its values may be null */
#define P_NONEMPTY 8	/* K_STR: minLength 1 */
#define P_PUT 16	/* required of a whole PUT body only (AML_DEFN_LOCATION) */

struct type;
struct prop {
	const char *name;
	unsigned char kind, flags;
	const struct type *t;
	const char *const *en;		/* the values an enum allows, NULL-terminated */
	const char *variant;		/* only where the discriminator says this */
};
struct type {
	const struct prop *p;
	unsigned n;
	const char *disc;		/* the discriminator member, or NULL */
};

#define NPROP(a) (sizeof a / sizeof a[0])

static const char *const e_compute[] = { "Managed", "Kubernetes", "AzureMLCompute", NULL };
static const char *const e_egress[] = { "Enabled", "Disabled", NULL };
static const char *const e_scale[] = { "Default", "TargetUtilization", NULL };
static const char *const e_tier[] = { "Free", "Basic", "Standard", "Premium", NULL };
static const char *const e_identity[] = { "None", "SystemAssigned", "UserAssigned",
	"SystemAssigned,UserAssigned", NULL };
static const char *const e_rolling[] = { "Year", "Month", "Day", "Hour", "Minute", NULL };
static const char *const e_collect[] = { "Enabled", "Disabled", NULL };

static const struct type t_root, t_props, t_code, t_scale, t_request, t_probe, t_sku,
    t_identity, t_uai, t_collector, t_collection, t_logging, t_crr, t_crs;

/* OnlineDeploymentTrackedResource (TYPES TrackedResource, Resource). */
static const struct prop p_root[] = {
	{ "id", K_STR, P_RO, NULL, NULL, NULL },
	{ "name", K_STR, P_RO, NULL, NULL, NULL },
	{ "type", K_STR, P_RO, NULL, NULL, NULL },
	{ "systemData", K_OBJ, P_RO, NULL, NULL, NULL },
	{ "location", K_STR, P_REQ | P_PUT | P_NONEMPTY, NULL, NULL, NULL },
	{ "kind", K_STR, 0, NULL, NULL, NULL },
	{ "tags", K_STRMAP, 0, NULL, NULL, NULL },
	{ "identity", K_OBJ, 0, &t_identity, NULL, NULL },
	{ "sku", K_OBJ, 0, &t_sku, NULL, NULL },
	{ "properties", K_OBJ, P_REQ, &t_props, NULL, NULL },
};
static const struct type t_root = { p_root, NPROP(p_root), NULL };

/* OnlineDeployment with EndpointDeploymentPropertiesBase, and the one
 * member its Kubernetes variant adds.  The discriminator comes first. */
static const struct prop p_props[] = {
	{ "endpointComputeType", K_STR, P_REQ, NULL, e_compute, NULL },
	{ "model", K_STR, 0, NULL, NULL, NULL },
	{ "modelMountPath", K_STR, 0, NULL, NULL, NULL },
	{ "description", K_STR, 0, NULL, NULL, NULL },
	{ "codeConfiguration", K_OBJ, 0, &t_code, NULL, NULL },
	{ "environmentId", K_STR, 0, NULL, NULL, NULL },
	{ "environmentVariables", K_STRMAP, P_NULLV, NULL, NULL, NULL },
	{ "instanceType", K_STR, 0, NULL, NULL, NULL },
	{ "scaleSettings", K_OBJ, 0, &t_scale, NULL, NULL },
	{ "requestSettings", K_OBJ, 0, &t_request, NULL, NULL },
	{ "livenessProbe", K_OBJ, 0, &t_probe, NULL, NULL },
	{ "readinessProbe", K_OBJ, 0, &t_probe, NULL, NULL },
	{ "appInsightsEnabled", K_BOOL, 0, NULL, NULL, NULL },
	{ "egressPublicNetworkAccess", K_STR, 0, NULL, e_egress, NULL },
	{ "dataCollector", K_OBJ, 0, &t_collector, NULL, NULL },
	{ "containerResourceRequirements", K_OBJ, 0, &t_crr, NULL, "Kubernetes" },
	{ "properties", K_STRMAP, P_NULLV, NULL, NULL, NULL },
	{ "provisioningState", K_STR, P_RO, NULL, NULL, NULL },
};
static const struct type t_props = { p_props, NPROP(p_props), "endpointComputeType" };

static const struct prop p_code[] = {
	{ "codeId", K_STR, 0, NULL, NULL, NULL },
	{ "scoringScript", K_STR, P_REQ | P_NONEMPTY, NULL, NULL, NULL },
};
static const struct type t_code = { p_code, NPROP(p_code), NULL };

/* OnlineScaleSettings: Default adds nothing, TargetUtilization these. */
static const struct prop p_scale[] = {
	{ "scaleType", K_STR, P_REQ, NULL, e_scale, NULL },
	{ "minInstances", K_INT, 0, NULL, NULL, "TargetUtilization" },
	{ "maxInstances", K_INT, 0, NULL, NULL, "TargetUtilization" },
	{ "pollingInterval", K_DUR, 0, NULL, NULL, "TargetUtilization" },
	{ "targetUtilizationPercentage", K_INT, 0, NULL, NULL, "TargetUtilization" },
};
static const struct type t_scale = { p_scale, NPROP(p_scale), "scaleType" };

static const struct prop p_request[] = {
	{ "maxConcurrentRequestsPerInstance", K_INT, 0, NULL, NULL, NULL },
	{ "maxQueueWait", K_DUR, 0, NULL, NULL, NULL },
	{ "requestTimeout", K_DUR, 0, NULL, NULL, NULL },
};
static const struct type t_request = { p_request, NPROP(p_request), NULL };

static const struct prop p_probe[] = {
	{ "failureThreshold", K_INT, 0, NULL, NULL, NULL },
	{ "successThreshold", K_INT, 0, NULL, NULL, NULL },
	{ "timeout", K_DUR, 0, NULL, NULL, NULL },
	{ "period", K_DUR, 0, NULL, NULL, NULL },
	{ "initialDelay", K_DUR, 0, NULL, NULL, NULL },
};
static const struct type t_probe = { p_probe, NPROP(p_probe), NULL };

/* TYPES Sku.  Its tier is the one enum that is not modelAsString. */
static const struct prop p_sku[] = {
	{ "name", K_STR, P_REQ, NULL, NULL, NULL },
	{ "tier", K_STR, 0, NULL, e_tier, NULL },
	{ "size", K_STR, 0, NULL, NULL, NULL },
	{ "family", K_STR, 0, NULL, NULL, NULL },
	{ "capacity", K_INT, 0, NULL, NULL, NULL },
};
static const struct type t_sku = { p_sku, NPROP(p_sku), NULL };

/* MI ManagedServiceIdentity and UserAssignedIdentity. */
static const struct prop p_identity[] = {
	{ "type", K_STR, P_REQ, NULL, e_identity, NULL },
	{ "userAssignedIdentities", K_MAP, 0, &t_uai, NULL, NULL },
	{ "principalId", K_STR, P_RO, NULL, NULL, NULL },
	{ "tenantId", K_STR, P_RO, NULL, NULL, NULL },
};
static const struct type t_identity = { p_identity, NPROP(p_identity), NULL };

static const struct prop p_uai[] = {
	{ "principalId", K_STR, P_RO, NULL, NULL, NULL },
	{ "clientId", K_STR, P_RO, NULL, NULL, NULL },
};
static const struct type t_uai = { p_uai, NPROP(p_uai), NULL };

static const struct prop p_collector[] = {
	{ "collections", K_MAP, P_REQ, &t_collection, NULL, NULL },
	{ "requestLogging", K_OBJ, 0, &t_logging, NULL, NULL },
	{ "rollingRate", K_STR, 0, NULL, e_rolling, NULL },
};
static const struct type t_collector = { p_collector, NPROP(p_collector), NULL };

static const struct prop p_collection[] = {
	{ "clientId", K_STR, 0, NULL, NULL, NULL },
	{ "dataCollectionMode", K_STR, 0, NULL, e_collect, NULL },
	{ "dataId", K_STR, 0, NULL, NULL, NULL },
	{ "samplingRate", K_NUM, 0, NULL, NULL, NULL },
};
static const struct type t_collection = { p_collection, NPROP(p_collection), NULL };

static const struct prop p_logging[] = {
	{ "captureHeaders", K_STRARR, 0, NULL, NULL, NULL },
};
static const struct type t_logging = { p_logging, NPROP(p_logging), NULL };

static const struct prop p_crr[] = {
	{ "containerResourceRequests", K_OBJ, 0, &t_crs, NULL, NULL },
	{ "containerResourceLimits", K_OBJ, 0, &t_crs, NULL, NULL },
};
static const struct type t_crr = { p_crr, NPROP(p_crr), NULL };

static const struct prop p_crs[] = {
	{ "cpu", K_STR, 0, NULL, NULL, NULL },
	{ "memory", K_STR, 0, NULL, NULL, NULL },
	{ "gpu", K_STR, 0, NULL, NULL, NULL },
};
static const struct type t_crs = { p_crs, NPROP(p_crs), NULL };

/* ------------------------------------------------------------------ */

/* The schema member key k names in t (exactly), or NULL. */
static const struct prop *
lookup(const struct aml_jdoc *d, uint32_t k, const struct type *t)
{
	for (unsigned i = 0; i < t->n; i++)
		if (aml_jkeyeq(d, k, t->p[i].name))
			return &t->p[i];
	return NULL;
}

/* The discriminator's value in object o of type t (NULL: none). */
static char *
variant_of(const struct aml_jdoc *d, uint32_t o, const struct type *t)
{
	uint32_t v;

	if (!t->disc || !(v = aml_jget(d, o, t->disc)) || AML_JTYPE(d, v) != AML_JSTRING)
		return NULL;
	return aml_jstrdup(d, v);
}

/* Whether p belongs to the variant the object is. */
static int
in_variant(const struct prop *p, const char *variant)
{
	return !p->variant || (variant && !strcmp(p->variant, variant));
}

/* ------------------------------------------------------------------ */
/* Validation */

struct ctx {
	const struct aml_jdoc *d;
	int flags;
	aml_defn_report *cb;
	void *arg;
	size_t nerr;
	struct aml_wbuf path;	/* the JSON path of what is looked at */
};

/* A key goes into a dotted path as it is when it is a plain word;
 * otherwise as ["..."], escaped as JSON. */
static void
push_key(struct ctx *c, const char *s, size_t n)
{
	size_t i;
	int plain = n > 0;

	for (i = 0; i < n && plain; i++) {
		unsigned char ch = (unsigned char)s[i];

		plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '$';
	}
	if (plain) {
		if (c->path.len)
			aml_wputc(&c->path, '.');
		aml_wput(&c->path, s, n);
	} else {
		aml_wputc(&c->path, '[');
		aml_jw_escape(&c->path, s, n);
		aml_wputc(&c->path, ']');
	}
}

static void
push_tok(struct ctx *c, uint32_t k)
{
	char *s = aml_jstrdup(c->d, k);

	push_key(c, s, aml_jstr(c->d, k, NULL, 0));
	free(s);
}

static void report(struct ctx *c, int sev, const char *fmt, ...) AML_PRINTF(3, 4);

static void
report(struct ctx *c, int sev, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (sev == AML_DEFN_ERROR)
		c->nerr++;
	aml_wroom(&c->path, 1);
	c->path.buf[c->path.len] = '\0';
	c->cb(c->arg, sev, c->path.buf, msg);
}

/* A string value quoted for a message, cut short when long. */
static char *
quote(const struct aml_jdoc *d, uint32_t v)
{
	struct aml_wbuf w;
	char *s = aml_jstrdup(d, v);
	size_t n = aml_jstr(d, v, NULL, 0), k = n > 64 ? 64 : n;

	while (k < n && k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	aml_wbuf_init(&w, -1);
	aml_jw_escape(&w, s, k);
	if (k < n)
		aml_wputs(&w, "...");
	free(s);
	return aml_wbuf_take(&w);
}

static const char *
article(enum kind k)
{
	switch (k) {
	case K_STR: return "a string";
	case K_DUR: return "a duration string";
	case K_BOOL: return "a boolean";
	case K_INT: return "an integer";
	case K_NUM: return "a number";
	case K_STRARR: return "an array";
	default: return "an object";
	}
}

static void
typeerr(struct ctx *c, enum kind want, uint32_t v)
{
	report(c, AML_DEFN_ERROR, "expected %s, got %s", article(want),
	    aml_jtypename(AML_JTYPE(c->d, v)));
}

/* ISO 8601 durations as the specification's "format": "duration" has
 * them: P[nY][nM][nW][nD][T[nH][nM][n[.n]S]], at least one part. */
static int
duration(const char *s)
{
	int parts = 0, t = 0, frac;

	if (*s++ != 'P')
		return 0;
	while (*s) {
		if (*s == 'T') {
			if (t++)
				return 0;
			s++;
			if (!*s)
				return 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
		frac = 0;
		if (*s == '.' || *s == ',') {
			s++;
			if (*s < '0' || *s > '9')
				return 0;
			while (*s >= '0' && *s <= '9')
				s++;
			frac = 1;
		}
		if (!*s || !strchr(t ? "HMS" : "YMWD", *s) || (frac && *s != 'S'))
			return 0;
		s++;
		parts++;
	}
	return parts > 0;
}

/* "A, B, C": what an enum allows, malloc'd. */
static char *
enum_list(const char *const *en)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	for (size_t i = 0; en[i]; i++)
		aml_wprintf(&w, "%s%s", i ? ", " : "", en[i]);
	return aml_wbuf_take(&w);
}

static void
check_enum(struct ctx *c, const struct prop *p, uint32_t v)
{
	char *q, *list;
	size_t i;

	for (i = 0; p->en[i]; i++)
		if (aml_jkeyeq(c->d, v, p->en[i]))
			return;
	q = quote(c->d, v);
	for (i = 0; p->en[i]; i++)
		if (aml_jkeyeq_ci(c->d, v, p->en[i])) {
			report(c, AML_DEFN_ERROR, "%s must be spelled \"%s\"", q, p->en[i]);
			free(q);
			return;
		}
	list = enum_list(p->en);
	report(c, AML_DEFN_ERROR, "%s is not one of %s", q, list);
	free(list);
	free(q);
}

static void
check_str(struct ctx *c, const struct prop *p, uint32_t v)
{
	char *s, *q;

	if (p->en)
		check_enum(c, p, v);
	if ((p->flags & P_NONEMPTY) && c->d->tok[v].len == 2)
		report(c, AML_DEFN_ERROR, "must not be empty");
	if (p->kind == K_DUR) {
		s = aml_jstrdup(c->d, v);
		if (!duration(s)) {
			q = quote(c->d, v);
			report(c, AML_DEFN_ERROR, "%s is not an ISO 8601 duration (PT5S, PT1M30S)", q);
			free(q);
		}
		free(s);
	}
}

/* An int32, written without fraction or exponent. */
static void
check_int(struct ctx *c, uint32_t v)
{
	const struct aml_jtok *tok = &c->d->tok[v];
	const char *s = c->d->buf + tok->off;
	int len = (int)(tok->len > 32 ? 32 : tok->len);
	long long n = 0;
	uint32_t i;

	for (i = s[0] == '-'; i < tok->len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			report(c, AML_DEFN_ERROR, "expected an integer, got %.*s", len, s);
			return;
		}
		if (n <= 2147483648LL)
			n = n * 10 + (s[i] - '0');
	}
	if (n > 2147483647LL + (s[0] == '-'))
		report(c, AML_DEFN_ERROR, "%.*s is out of range (a 32-bit integer)", len, s);
}

static void check_obj(struct ctx *c, uint32_t o, const struct type *t);

static void
check_map(struct ctx *c, uint32_t m, const struct prop *p)
{
	const struct aml_jdoc *d = c->d;
	size_t mark;

	AML_JOBJ_EACH(d, m, k) {
		uint32_t v = k + 1;
		enum aml_jtype vt = AML_JTYPE(d, v);

		mark = c->path.len;
		push_tok(c, k);
		if (p->kind == K_STRMAP) {
			if (vt != AML_JSTRING && !(vt == AML_JNULL && (p->flags & P_NULLV)))
				typeerr(c, K_STR, v);
		} else if (vt == AML_JOBJECT) {
			check_obj(c, v, p->t);
		} else if (vt != AML_JNULL) {
			typeerr(c, K_OBJ, v);
		}
		c->path.len = mark;
	}
}

static void
check_val(struct ctx *c, const struct prop *p, uint32_t v)
{
	const struct aml_jdoc *d = c->d;
	enum aml_jtype vt = AML_JTYPE(d, v);
	size_t mark;
	uint32_t n = 0;

	switch (p->kind) {
	case K_STR: case K_DUR:
		if (vt != AML_JSTRING)
			typeerr(c, p->kind, v);
		else
			check_str(c, p, v);
		break;
	case K_BOOL:
		if (vt != AML_JTRUE && vt != AML_JFALSE)
			typeerr(c, K_BOOL, v);
		break;
	case K_INT:
		if (vt != AML_JNUMBER)
			typeerr(c, K_INT, v);
		else
			check_int(c, v);
		break;
	case K_NUM:
		if (vt != AML_JNUMBER)
			typeerr(c, K_NUM, v);
		break;
	case K_OBJ:
		if (vt != AML_JOBJECT)
			typeerr(c, K_OBJ, v);
		else
			check_obj(c, v, p->t);
		break;
	case K_MAP: case K_STRMAP:
		if (vt != AML_JOBJECT)
			typeerr(c, K_OBJ, v);
		else
			check_map(c, v, p);
		break;
	case K_STRARR:
		if (vt != AML_JARRAY) {
			typeerr(c, K_STRARR, v);
			break;
		}
		AML_JARR_EACH(d, v, item) {
			mark = c->path.len;
			aml_wprintf(&c->path, "[%u]", n++);
			if (AML_JTYPE(d, item) != AML_JSTRING)
				typeerr(c, K_STR, item);
			c->path.len = mark;
		}
		break;
	}
}

/* A member of no schema (or of another variant): said once, with the
 * schema name it may have meant when only the case differs. */
static void
unknown(struct ctx *c, uint32_t k, const struct type *t, const struct prop *p, const char *variant)
{
	const struct prop *near = NULL;

	if (p) {
		/* The variant is data: quoted when it is not a plain word. */
		char *v = variant ? aml_jw_name(variant) : aml_xstrdup("absent");

		report(c, AML_DEFN_WARNING, "only where %s is %s, not %s; kept as it is", t->disc,
		    p->variant, v);
		free(v);
		return;
	}
	for (unsigned i = 0; i < t->n && !near; i++)
		if (aml_jkeyeq_ci(c->d, k, t->p[i].name))
			near = &t->p[i];
	if (near)
		report(c, AML_DEFN_WARNING, "not a property of the 2024-04-01 schema (did you mean "
		    "\"%s\"?); kept as it is", near->name);
	else
		report(c, AML_DEFN_WARNING, "not a property of the 2024-04-01 schema; kept as it is");
}

static void
check_obj(struct ctx *c, uint32_t o, const struct type *t)
{
	const struct aml_jdoc *d = c->d;
	const struct prop *p;
	char *variant = variant_of(d, o, t);
	uint32_t present = 0;
	size_t mark;
	unsigned i;

	AML_JOBJ_EACH(d, o, k) {
		uint32_t v = k + 1;

		mark = c->path.len;
		push_tok(c, k);
		p = lookup(d, k, t);
		if (!p || !in_variant(p, variant)) {
			if (!(c->flags & AML_DEFN_SHAPE))
				unknown(c, k, t, p, variant);
		} else if (!(p->flags & P_RO) && AML_JTYPE(d, v) != AML_JNULL) {
			present |= 1u << (p - t->p);
			if (!(c->flags & AML_DEFN_SHAPE))
				check_val(c, p, v);
		}
		c->path.len = mark;
	}
	if (!(c->flags & AML_DEFN_SHAPE)) {
		for (i = 0; i < t->n; i++) {
			p = &t->p[i];
			if (!(p->flags & P_REQ) || (present & (1u << i)) ||
			    ((p->flags & P_PUT) && !(c->flags & AML_DEFN_LOCATION)))
				continue;
			mark = c->path.len;
			push_key(c, p->name, strlen(p->name));
			if (p->en) {
				char *list = enum_list(p->en);

				report(c, AML_DEFN_ERROR, "required; one of %s", list);
				free(list);
			} else {
				report(c, AML_DEFN_ERROR, "required");
			}
			c->path.len = mark;
		}
	}
	free(variant);
}

size_t
aml_mldefn_check(const struct aml_jdoc *d, int flags, aml_defn_report *cb, void *arg)
{
	struct ctx c = { d, flags, cb, arg, 0, { 0 } };
	uint32_t props;
	size_t n;

	aml_wbuf_init(&c.path, -1);
	if (AML_JTYPE(d, 0) != AML_JOBJECT) {
		report(&c, AML_DEFN_ERROR, "expected an online deployment definition (an object), "
		    "got %s", aml_jtypename(AML_JTYPE(d, 0)));
	} else {
		check_obj(&c, 0, &t_root);
		/* What the output depends on, checked in every mode. */
		props = aml_jget(d, 0, "properties");
		if ((flags & AML_DEFN_SHAPE) && (!props || AML_JTYPE(d, props) != AML_JOBJECT)) {
			push_key(&c, "properties", 10);
			if (props)
				typeerr(&c, K_OBJ, props);
			else
				report(&c, AML_DEFN_ERROR, "required; is this an online deployment?");
		}
	}
	n = c.nerr;
	aml_wbuf_free(&c.path);
	return n;
}

/* ------------------------------------------------------------------ */
/* The canonical form */

static void emit_obj(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t o,
    const struct type *t);

static void
emit_map(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t m, const struct prop *p)
{
	aml_jw_open(jw, '{');
	AML_JOBJ_EACH(d, m, k) {
		aml_jw_rawkey(jw, d->buf + d->tok[k].off, d->tok[k].len);
		if (p->kind == K_MAP && AML_JTYPE(d, k + 1) == AML_JOBJECT)
			emit_obj(jw, d, k + 1, p->t);
		else
			aml_jw_tok(jw, d, k + 1);
	}
	aml_jw_close(jw, '}');
}

static void
emit_val(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t v, const struct prop *p)
{
	enum aml_jtype vt = AML_JTYPE(d, v);

	if (p->kind == K_OBJ && vt == AML_JOBJECT)
		emit_obj(jw, d, v, p->t);
	else if ((p->kind == K_MAP || p->kind == K_STRMAP) && vt == AML_JOBJECT)
		emit_map(jw, d, v, p);
	else
		aml_jw_tok(jw, d, v);
}

/* The schema's members in its order, less the read-only and the null
 * ones; then the rest as they came. */
static void
emit_obj(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t o, const struct type *t)
{
	char *variant = variant_of(d, o, t);
	const struct prop *p;
	uint32_t v;

	aml_jw_open(jw, '{');
	for (unsigned i = 0; i < t->n; i++) {
		p = &t->p[i];
		if ((p->flags & P_RO) || !in_variant(p, variant) || !(v = aml_jget(d, o, p->name)) ||
		    AML_JTYPE(d, v) == AML_JNULL)
			continue;
		aml_jw_rawkey(jw, d->buf + d->tok[v - 1].off, d->tok[v - 1].len);
		emit_val(jw, d, v, p);
	}
	AML_JOBJ_EACH(d, o, k) {
		if ((p = lookup(d, k, t)) && in_variant(p, variant))
			continue;
		aml_jw_rawkey(jw, d->buf + d->tok[k].off, d->tok[k].len);
		aml_jw_tok(jw, d, k + 1);
	}
	aml_jw_close(jw, '}');
	free(variant);
}

void
aml_mldefn_emit(struct aml_jw *jw, const struct aml_jdoc *d)
{
	if (AML_JTYPE(d, 0) == AML_JOBJECT)
		emit_obj(jw, d, 0, &t_root);
	else
		aml_jw_tok(jw, d, 0);
}

/* ------------------------------------------------------------------ */
/* properties.model, for aml-patch-model */

int
aml_mldefn_model(const struct aml_jdoc *d, uint32_t *props, uint32_t *model, const char **why)
{
	*props = *model = 0;
	if (AML_JTYPE(d, 0) != AML_JOBJECT) {
		*why = "expected an online deployment definition (an object)";
		return -1;
	}
	if (!(*props = aml_jget(d, 0, "properties")) || AML_JTYPE(d, *props) != AML_JOBJECT) {
		*why = *props ? "properties: expected an object" : "properties: missing";
		return -1;
	}
	*model = aml_jget(d, *props, "model");
	if (*model && AML_JTYPE(d, *model) != AML_JSTRING && AML_JTYPE(d, *model) != AML_JNULL) {
		*why = "properties.model: expected a string";
		return -1;
	}
	return 0;
}

/* The white space before the member that starts at off: what a new
 * member after the last one gets, to look like the others. */
static void
indent_before(const struct aml_jdoc *d, uint32_t off, const char **ws, size_t *n)
{
	uint32_t i = off;

	while (i > 0 && strchr(" \t\r\n", d->buf[i - 1]))
		i--;
	*ws = d->buf + i;
	*n = off - i;
}

void
aml_mldefn_splice_model(struct aml_wbuf *w, const struct aml_jdoc *d, uint32_t props,
    uint32_t model, const char *ref)
{
	const struct aml_jtok *t;
	uint32_t last = 0, first = 0, at;
	const char *ws;
	size_t n;
	int spaced;

	if (model) {
		t = &d->tok[model];
		aml_wput(w, d->buf, t->off);
		aml_jw_escape(w, ref, strlen(ref));
		aml_wput(w, d->buf + t->off + t->len, d->len - t->off - t->len);
		return;
	}
	/* No model yet: a new last member, spaced as "properties": is (a
	 * space after the colon or not) and indented as the first member. */
	AML_JOBJ_EACH(d, props, k) {
		if (!first)
			first = k;
		last = k;
	}
	t = &d->tok[props];
	spaced = t->off > d->tok[props - 1].off + d->tok[props - 1].len + 1;
	at = last ? d->tok[last + 1].off + d->tok[last + 1].len : t->off + 1;
	aml_wput(w, d->buf, at);
	if (last) {
		indent_before(d, d->tok[first].off, &ws, &n);
		aml_wputc(w, ',');
		aml_wput(w, ws, n);
	}
	aml_wputs(w, spaced ? "\"model\": " : "\"model\":");
	aml_jw_escape(w, ref, strlen(ref));
	aml_wput(w, d->buf + at, d->len - at);
}

/* ------------------------------------------------------------------ */
/* Model references */

/* The n-th '/'-separated segment of s (from 0) is lit, ignoring case
 * (NULL: any non-empty one); the segments are put in seg. */
static int
segments(const char *s, char **seg, int n)
{
	const char *p = s, *slash;
	int i;

	for (i = 0; i < n; i++) {
		if (!(slash = strchr(p, '/')))
			slash = p + strlen(p);
		if (slash == p || (i < n - 1 && !*slash))
			return -1;
		seg[i] = aml_xstrndup(p, (size_t)(slash - p));
		p = *slash ? slash + 1 : slash;
	}
	return *p || p[-1] == '/' ? -1 : 0;
}

static void
free_segs(char **seg, int n)
{
	for (int i = 0; i < n; i++) {
		free(seg[i]);
		seg[i] = NULL;
	}
}

/* Whether every literal segment is what the template says. */
static int
literal(char *const *seg, const char *const *lit, int n)
{
	for (int i = 0; i < n; i++)
		if (lit[i] && strcasecmp(seg[i], lit[i]))
			return 0;
	return 1;
}

int
aml_mlref_parse(const char *s, struct aml_mlref *r, const char **why)
{
	static const char *const idlit[] = { "subscriptions", NULL, "resourceGroups", NULL,
		"providers", "Microsoft.MachineLearningServices", "workspaces", NULL, "models",
		NULL, "versions", NULL };
	static const char *const reglit[] = { "registries", NULL, "models", NULL, "versions",
		NULL };
	char *seg[12] = { 0 };
	const char *colon;

	memset(r, 0, sizeof *r);
	*why = "not a model version: give its ARM id (/subscriptions/.../workspaces/WS/models/"
	    "NAME/versions/VERSION), azureml:NAME:VERSION or azureml://registries/REGISTRY/"
	    "models/NAME/versions/VERSION";
	if (s[0] == '/' && segments(s + 1, seg, 12) == 0 && literal(seg, idlit, 12)) {
		r->kind = AML_MLREF_ID;
		/* Up to the workspace's name: all but /models/N/versions/V. */
		r->ws = aml_xstrndup(s, strlen(s) - strlen(seg[8]) - strlen(seg[9]) -
		    strlen(seg[10]) - strlen(seg[11]) - 4);
		r->name = seg[9], seg[9] = NULL;
		r->version = seg[11], seg[11] = NULL;
	} else if (!strncmp(s, "azureml://", 10) && segments(s + 10, seg, 6) == 0 &&
	    literal(seg, reglit, 6)) {
		r->kind = AML_MLREF_REGISTRY;
		r->name = seg[3], seg[3] = NULL;
		r->version = seg[5], seg[5] = NULL;
	} else if (!strncmp(s, "azureml:", 8) && s[8] != '/' && (colon = strchr(s + 8, ':'))) {
		if (colon == s + 8 || !colon[1] || strchr(colon + 1, ':') || strchr(s + 8, '/')) {
			free_segs(seg, 12);
			return -1;
		}
		r->kind = AML_MLREF_SHORT;
		r->name = aml_xstrndup(s + 8, (size_t)(colon - s - 8));
		r->version = aml_xstrdup(colon + 1);
	} else {
		if (!strncmp(s, "azureml:", 8) && strchr(s, '@') && !strchr(s + 8, '/'))
			*why = "a label (@latest) is resolved by the workspace; give the version, "
			    "azureml:NAME:VERSION";
		free_segs(seg, 12);
		return -1;
	}
	free_segs(seg, 12);
	return 0;
}

void
aml_mlref_free(struct aml_mlref *r)
{
	free(r->ws);
	free(r->name);
	free(r->version);
	memset(r, 0, sizeof *r);
}
