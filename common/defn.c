/* SPDX-License-Identifier: MIT */
/*
 * defn.c: what the toolkit knows about a web service definition, the
 * body of Microsoft.MachineLearning/webServices (api-version 2017-01-01,
 * schema from the public REST specification, webservices.json).
 *
 * It works on a parsed tape and never builds a tree: a definition can be
 * tens of megabytes.  Property names of the schema are matched the way
 * Newtonsoft matches them when PowerShell imports a file, ignoring case,
 * and always written in their camelCase spelling; data keys (asset keys,
 * node ids, input, output, column and parameter names) are kept exactly.
 * The one exception is packageType: PowerShell looks the discriminator up
 * case-sensitively and silently drops the whole graph when it is spelled
 * otherwise, so a definition that spells it otherwise is refused.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aml.h"

enum kind {
	K_STR, K_BOOL, K_INT, K_TIME,
	K_OBJ,		/* a schema object of type t */
	K_MAP,		/* data keys -> schema objects of type t */
	K_ARR,		/* an array of schema objects of type t */
	K_STRMAP,	/* data keys -> strings */
	K_PARAMS,	/* K_MAP of WebServiceParameter; strings in the preview */
	K_ANY,		/* free-form JSON: copied byte for byte, nulls and all */
	K_ANYOBJ,	/* an object whose content is free-form */
	K_ANYARR,	/* an array whose content is free-form */
	K_ROWS		/* input name -> array of rows; content free-form */
};

#define P_REQ 1		/* required (the SDK's Validate() refuses it missing) */
#define P_RO 2		/* read-only: never sent, dropped on output */
#define P_EXACT 4	/* the name must be spelled exactly */

struct type;
struct prop {
	const char *name;
	unsigned char kind, flags;
	short min, max;			/* K_INT, when max > 0 */
	const struct type *t;
	const char *only;		/* the one value allowed (enforced enums) */
};
struct type {
	const struct prop *p;
	unsigned n;
};

#define NPROP(a) (sizeof a / sizeof a[0])
#define TYPE(name, props) static const struct type name = { props, NPROP(props) }

/*
 * Enums.  The specification declares enums for diagnostics.level, asset
 * and column types, column formats, port types and graph parameter types,
 * but every one of them is "modelAsString": the SDK and PowerShell send
 * any string, and the recorded traffic shows the service accepting values
 * outside them ("format": "" on every string column).  Only packageType
 * is enforced: it is the discriminator, "Graph" is its only value, and
 * the service does nothing useful with anything else.  Ranges are the
 * SDK's client-side Validate(): maxConcurrentCalls 4..200.
 */
static const struct type t_props, t_keys, t_rtc, t_diag, t_stor, t_ws, t_plan,
    t_io, t_table, t_col, t_example, t_asset, t_blob, t_mparam, t_mode, t_port,
    t_package, t_node, t_edge, t_gparam, t_link, t_param;

static const struct prop p_root[] = {
	{ "id", K_STR, P_RO, 0, 0, NULL, NULL },
	{ "name", K_STR, P_RO, 0, 0, NULL, NULL },
	{ "type", K_STR, P_RO, 0, 0, NULL, NULL },
	{ "location", K_STR, 0, 0, 0, NULL, NULL },
	{ "tags", K_STRMAP, 0, 0, 0, NULL, NULL },
	{ "properties", K_OBJ, P_REQ, 0, 0, &t_props, NULL },
};
TYPE(t_root, p_root);

static const struct prop p_props[] = {
	{ "packageType", K_STR, P_REQ | P_EXACT, 0, 0, NULL, "Graph" },
	{ "title", K_STR, 0, 0, 0, NULL, NULL },
	{ "description", K_STR, 0, 0, 0, NULL, NULL },
	{ "createdOn", K_TIME, P_RO, 0, 0, NULL, NULL },
	{ "modifiedOn", K_TIME, P_RO, 0, 0, NULL, NULL },
	{ "provisioningState", K_STR, P_RO, 0, 0, NULL, NULL },
	{ "keys", K_OBJ, 0, 0, 0, &t_keys, NULL },
	{ "readOnly", K_BOOL, 0, 0, 0, NULL, NULL },
	{ "swaggerLocation", K_STR, P_RO, 0, 0, NULL, NULL },
	{ "exposeSampleData", K_BOOL, 0, 0, 0, NULL, NULL },
	{ "realtimeConfiguration", K_OBJ, 0, 0, 0, &t_rtc, NULL },
	{ "diagnostics", K_OBJ, 0, 0, 0, &t_diag, NULL },
	{ "storageAccount", K_OBJ, 0, 0, 0, &t_stor, NULL },
	{ "machineLearningWorkspace", K_OBJ, 0, 0, 0, &t_ws, NULL },
	{ "commitmentPlan", K_OBJ, 0, 0, 0, &t_plan, NULL },
	{ "input", K_OBJ, 0, 0, 0, &t_io, NULL },
	{ "output", K_OBJ, 0, 0, 0, &t_io, NULL },
	{ "exampleRequest", K_OBJ, 0, 0, 0, &t_example, NULL },
	{ "assets", K_MAP, 0, 0, 0, &t_asset, NULL },
	{ "parameters", K_PARAMS, 0, 0, 0, &t_param, NULL },
	{ "payloadsInBlobStorage", K_BOOL, 0, 0, 0, NULL, NULL },
	{ "payloadsLocation", K_OBJ, 0, 0, 0, &t_blob, NULL },
	{ "package", K_OBJ, 0, 0, 0, &t_package, NULL },
};
TYPE(t_props, p_props);
#define PACKAGETYPE (&p_props[0])

static const struct prop p_keys[] = {
	{ "primary", K_STR, 0, 0, 0, NULL, NULL },
	{ "secondary", K_STR, 0, 0, 0, NULL, NULL },
};
TYPE(t_keys, p_keys);

static const struct prop p_rtc[] = {
	{ "maxConcurrentCalls", K_INT, 0, 4, 200, NULL, NULL },
};
TYPE(t_rtc, p_rtc);

static const struct prop p_diag[] = {
	{ "level", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "expiry", K_TIME, 0, 0, 0, NULL, NULL },
};
TYPE(t_diag, p_diag);

static const struct prop p_stor[] = {
	{ "name", K_STR, 0, 0, 0, NULL, NULL },
	{ "key", K_STR, 0, 0, 0, NULL, NULL },
};
TYPE(t_stor, p_stor);

static const struct prop p_id[] = {
	{ "id", K_STR, P_REQ, 0, 0, NULL, NULL },
};
TYPE(t_ws, p_id);
TYPE(t_plan, p_id);

static const struct prop p_io[] = {
	{ "title", K_STR, 0, 0, 0, NULL, NULL },
	{ "description", K_STR, 0, 0, 0, NULL, NULL },
	{ "type", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "properties", K_MAP, P_REQ, 0, 0, &t_table, NULL },
};
TYPE(t_io, p_io);

static const struct prop p_table[] = {
	{ "title", K_STR, 0, 0, 0, NULL, NULL },
	{ "description", K_STR, 0, 0, 0, NULL, NULL },
	{ "type", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "format", K_STR, 0, 0, 0, NULL, NULL },
	{ "properties", K_MAP, 0, 0, 0, &t_col, NULL },
};
TYPE(t_table, p_table);

static const struct prop p_col[] = {
	{ "type", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "format", K_STR, 0, 0, 0, NULL, NULL },
	{ "enum", K_ANYARR, 0, 0, 0, NULL, NULL },
	{ "x-ms-isnullable", K_BOOL, 0, 0, 0, NULL, NULL },
	{ "x-ms-isordered", K_BOOL, 0, 0, 0, NULL, NULL },
};
TYPE(t_col, p_col);

static const struct prop p_example[] = {
	{ "inputs", K_ROWS, 0, 0, 0, NULL, NULL },
	{ "globalParameters", K_ANYOBJ, 0, 0, 0, NULL, NULL },
};
TYPE(t_example, p_example);

static const struct prop p_asset[] = {
	{ "name", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "id", K_STR, 0, 0, 0, NULL, NULL },
	{ "type", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "locationInfo", K_OBJ, P_REQ, 0, 0, &t_blob, NULL },
	{ "inputPorts", K_MAP, 0, 0, 0, &t_port, NULL },
	{ "outputPorts", K_MAP, 0, 0, 0, &t_port, NULL },
	{ "metadata", K_STRMAP, 0, 0, 0, NULL, NULL },
	{ "parameters", K_ARR, 0, 0, 0, &t_mparam, NULL },
};
TYPE(t_asset, p_asset);

static const struct prop p_blob[] = {
	{ "uri", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "credentials", K_STR, 0, 0, 0, NULL, NULL },
};
TYPE(t_blob, p_blob);

static const struct prop p_mparam[] = {
	{ "name", K_STR, 0, 0, 0, NULL, NULL },
	{ "parameterType", K_STR, 0, 0, 0, NULL, NULL },
	{ "modeValuesInfo", K_MAP, 0, 0, 0, &t_mode, NULL },
};
TYPE(t_mparam, p_mparam);

static const struct prop p_mode[] = {
	{ "interfaceString", K_STR, 0, 0, 0, NULL, NULL },
	{ "parameters", K_ARR, 0, 0, 0, &t_mparam, NULL },
};
TYPE(t_mode, p_mode);

static const struct prop p_port[] = {
	{ "type", K_STR, 0, 0, 0, NULL, NULL },
};
TYPE(t_port, p_port);

static const struct prop p_package[] = {
	{ "nodes", K_MAP, 0, 0, 0, &t_node, NULL },
	{ "edges", K_ARR, 0, 0, 0, &t_edge, NULL },
	{ "graphParameters", K_MAP, 0, 0, 0, &t_gparam, NULL },
};
TYPE(t_package, p_package);

static const struct prop p_node[] = {
	{ "assetId", K_STR, 0, 0, 0, NULL, NULL },
	{ "inputId", K_STR, 0, 0, 0, NULL, NULL },
	{ "outputId", K_STR, 0, 0, 0, NULL, NULL },
	{ "parameters", K_PARAMS, 0, 0, 0, &t_param, NULL },
};
TYPE(t_node, p_node);

static const struct prop p_edge[] = {
	{ "sourceNodeId", K_STR, 0, 0, 0, NULL, NULL },
	{ "sourcePortId", K_STR, 0, 0, 0, NULL, NULL },
	{ "targetNodeId", K_STR, 0, 0, 0, NULL, NULL },
	{ "targetPortId", K_STR, 0, 0, 0, NULL, NULL },
};
TYPE(t_edge, p_edge);

static const struct prop p_gparam[] = {
	{ "description", K_STR, 0, 0, 0, NULL, NULL },
	{ "type", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "links", K_ARR, P_REQ, 0, 0, &t_link, NULL },
};
TYPE(t_gparam, p_gparam);

static const struct prop p_link[] = {
	{ "nodeId", K_STR, P_REQ, 0, 0, NULL, NULL },
	{ "parameterKey", K_STR, P_REQ, 0, 0, NULL, NULL },
};
TYPE(t_link, p_link);

static const struct prop p_param[] = {
	{ "value", K_ANY, 0, 0, 0, NULL, NULL },
	{ "certificateThumbprint", K_STR, 0, 0, 0, NULL, NULL },
};
TYPE(t_param, p_param);

/* Whether s (n bytes, no NUL) is name exactly: a loop, since names are
 * a few bytes and most differ in the first. */
static inline int
spelled(const char *s, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != name[i])
			return 0;
	return name[n] == '\0';
}

/* The schema name a key stands for, ignoring case; NULL if none. */
static const struct prop *
lookup(const struct aml_jdoc *d, uint32_t k, const struct type *t)
{
	const struct aml_jtok *tok = &d->tok[k];
	const char *s = d->buf + tok->off + 1;
	size_t n = tok->len - 2;
	unsigned i;

	/* Schema names have no escapes; a key that does is matched unescaped. */
	if (tok->flags & AML_JF_ESC) {
		for (i = 0; i < t->n; i++)
			if (aml_jkeyeq_ci(d, k, t->p[i].name))
				return &t->p[i];
		return NULL;
	}
	/* Keys are nearly always spelled as the schema spells them. */
	for (i = 0; i < t->n; i++)
		if (spelled(s, n, t->p[i].name))
			return &t->p[i];
	/* A cheap look at the first letter spares most strncasecmp calls. */
	for (i = 0; i < t->n; i++)
		if ((s[0] | 0x20) == (t->p[i].name[0] | 0x20) &&
		    !strncasecmp(s, t->p[i].name, n) && t->p[i].name[n] == '\0')
			return &t->p[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Validation */

enum { SEG_NAME, SEG_KEY, SEG_IDX };
struct seg {
	int kind;
	uint32_t v;		/* SEG_KEY: the key's token; SEG_IDX: the index */
	const char *name;	/* SEG_NAME */
};

struct ctx {
	const struct aml_jdoc *d;
	int flags;
	aml_defn_report *cb;
	void *arg;
	size_t nerr;
	struct seg path[AML_JMAXDEPTH + 16];
	int depth;
	char *s1, *s2;		/* unescaped strings for comparisons */
	size_t c1, c2;
};

static void
push(struct ctx *c, int kind, uint32_t v, const char *name)
{
	c->path[c->depth].kind = kind;
	c->path[c->depth].v = v;
	c->path[c->depth].name = name;
	c->depth++;
}

static void
pop(struct ctx *c)
{
	c->depth--;
}

/* A key goes into a dotted path as it is when it is made of letters,
 * digits, '_', '-' and '$'; otherwise as ["..."], escaped like JSON. */
static int
plainkey(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '$'))
			return 0;
	}
	return 1;
}

static char *
renderpath(struct ctx *c)
{
	struct aml_wbuf w;
	char *s;
	size_t n;
	int i;

	aml_wbuf_init(&w, -1);
	for (i = 0; i < c->depth; i++) {
		const struct seg *g = &c->path[i];

		switch (g->kind) {
		case SEG_NAME:
			aml_wprintf(&w, "%s%s", i ? "." : "", g->name);
			break;
		case SEG_KEY:
			s = aml_jstrdup(c->d, g->v);
			n = aml_jstr(c->d, g->v, NULL, 0);
			if (plainkey(s, n)) {
				if (i)
					aml_wputc(&w, '.');
				aml_wput(&w, s, n);
			} else {
				aml_wputc(&w, '[');
				aml_jw_escape(&w, s, n);
				aml_wputc(&w, ']');
			}
			free(s);
			break;
		default:
			aml_wprintf(&w, "[%u]", g->v);
			break;
		}
	}
	return aml_wbuf_take(&w);
}

static void report(struct ctx *c, int sev, const char *fmt, ...) AML_PRINTF(3, 4);

static void
report(struct ctx *c, int sev, const char *fmt, ...)
{
	char msg[512], *path;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	path = renderpath(c);
	if (sev == AML_DEFN_ERROR)
		c->nerr++;
	c->cb(c->arg, sev, path, msg);
	free(path);
}

/* A short, JSON-escaped quotation of a string value for a message. */
static char *
quote(const struct aml_jdoc *d, uint32_t i)
{
	struct aml_wbuf w;
	char *s = aml_jstrdup(d, i);
	size_t n = aml_jstr(d, i, NULL, 0), k = n > 64 ? 64 : n;

	/* Never cut a UTF-8 sequence in two. */
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
	case K_BOOL: return "a boolean";
	case K_INT: return "an integer";
	case K_TIME: return "a date-time string";
	case K_ARR: case K_ANYARR: return "an array";
	case K_ANY: return "a value";
	default: return "an object";
	}
}

static void
typeerr(struct ctx *c, enum kind want, uint32_t v)
{
	report(c, AML_DEFN_ERROR, "expected %s, got %s", article(want),
	    aml_jtypename(AML_JTYPE(c->d, v)));
}

static int
digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* ISO 8601 as the service writes it and .NET reads it:
 * YYYY-MM-DD[Thh:mm[:ss[.fraction]][Z|+hh:mm|-hh:mm]]. */
static int
datetime(const char *s)
{
	if (strlen(s) < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2))
		return 0;
	s += 10;
	if (!*s)
		return 1;
	if ((*s != 'T' && *s != ' ') || !digits(s + 1, 2) || s[3] != ':' || !digits(s + 4, 2))
		return 0;
	s += 6;
	if (*s == ':') {
		if (!digits(s + 1, 2))
			return 0;
		s += 3;
		if (*s == '.') {
			if (!digits(++s, 1))
				return 0;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (*s == 'Z')
		s++;
	else if ((*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2))
		s += 6;
	return *s == '\0';
}

static void check_obj(struct ctx *c, uint32_t o, const struct type *t);

static void
check_int(struct ctx *c, const struct prop *p, uint32_t v)
{
	const struct aml_jtok *tok = &c->d->tok[v];
	const char *s = c->d->buf + tok->off;
	long n = 0;
	uint32_t i;

	for (i = 0; i < tok->len; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') {
			report(c, AML_DEFN_ERROR, "expected an integer, got %.*s",
			    (int)(tok->len > 32 ? 32 : tok->len), s);
			return;
		}
	if (p->max <= 0)
		return;
	for (i = s[0] == '-'; i < tok->len && n <= p->max; i++)
		n = n * 10 + (s[i] - '0');
	if (s[0] == '-' || n < p->min || n > p->max)
		report(c, AML_DEFN_ERROR, "must be between %d and %d, got %.*s",
		    p->min, p->max, (int)(tok->len > 32 ? 32 : tok->len), s);
}

static void
check_str(struct ctx *c, const struct prop *p, uint32_t v)
{
	char *s, *q;

	if (p->kind == K_TIME) {
		s = aml_jstrdup(c->d, v);
		if (!datetime(s)) {
			q = quote(c->d, v);
			report(c, AML_DEFN_ERROR, "%s is not a date-time (YYYY-MM-DDThh:mm:ssZ)", q);
			free(q);
		}
		free(s);
	}
	if (p->only && !aml_jkeyeq(c->d, v, p->only)) {
		q = quote(c->d, v);
		report(c, AML_DEFN_ERROR, "%s is not supported; it must be \"%s\"", q, p->only);
		free(q);
	}
}

/* Each member of a map, by its data key. */
static void
check_map(struct ctx *c, uint32_t m, const struct prop *p)
{
	const struct aml_jdoc *d = c->d;
	int preview = (c->flags & AML_DEFN_PREVIEW) && p->kind == K_PARAMS;

	AML_JOBJ_EACH(d, m, k) {
		uint32_t v = k + 1;
		enum aml_jtype vt = AML_JTYPE(d, v);

		if (vt == AML_JNULL)
			continue;
		push(c, SEG_KEY, k, NULL);
		if (p->kind == K_STRMAP || preview) {
			if (vt != AML_JSTRING && !(c->flags & AML_DEFN_SHAPE))
				typeerr(c, K_STR, v);
		} else if (p->kind == K_ROWS) {
			if (vt != AML_JARRAY) {
				typeerr(c, K_ARR, v);
			} else {
				uint32_t n = 0;

				AML_JARR_EACH(d, v, row) {
					if (AML_JTYPE(d, row) != AML_JARRAY) {
						push(c, SEG_IDX, n, NULL);
						typeerr(c, K_ARR, row);
						pop(c);
					}
					n++;
				}
			}
		} else if (vt == AML_JOBJECT) {
			check_obj(c, v, p->t);
		} else if (!(c->flags & AML_DEFN_SHAPE)) {
			typeerr(c, K_OBJ, v);
		}
		pop(c);
	}
}

static void
check_val(struct ctx *c, const struct prop *p, uint32_t v)
{
	const struct aml_jdoc *d = c->d;
	enum aml_jtype vt = AML_JTYPE(d, v);
	int shape = c->flags & AML_DEFN_SHAPE;
	uint32_t n = 0;

	switch (p->kind) {
	case K_STR: case K_TIME:
		if (vt != AML_JSTRING) {
			if (!shape || p->only)
				typeerr(c, p->kind, v);
		} else if (!shape || p->only) {
			check_str(c, p, v);
		}
		break;
	case K_BOOL:
		if (vt != AML_JTRUE && vt != AML_JFALSE && !shape)
			typeerr(c, K_BOOL, v);
		break;
	case K_INT:
		if (vt != AML_JNUMBER) {
			if (!shape)
				typeerr(c, K_INT, v);
		} else if (!shape) {
			check_int(c, p, v);
		}
		break;
	case K_OBJ:
		if (vt == AML_JOBJECT)
			check_obj(c, v, p->t);
		else if (!shape || p->t == &t_props)
			typeerr(c, K_OBJ, v);
		break;
	case K_MAP: case K_PARAMS: case K_STRMAP: case K_ROWS:
		if (vt == AML_JOBJECT) {
			if (!shape || p->kind == K_MAP || p->kind == K_PARAMS)
				check_map(c, v, p);
		} else if (!shape) {
			typeerr(c, K_OBJ, v);
		}
		break;
	case K_ARR:
		if (vt != AML_JARRAY) {
			if (!shape)
				typeerr(c, K_ARR, v);
			break;
		}
		AML_JARR_EACH(d, v, item) {
			push(c, SEG_IDX, n++, NULL);
			if (AML_JTYPE(d, item) == AML_JOBJECT)
				check_obj(c, item, p->t);
			else if (!shape)
				typeerr(c, K_OBJ, item);
			pop(c);
		}
		break;
	case K_ANYOBJ:
		if (vt != AML_JOBJECT && !shape)
			typeerr(c, K_OBJ, v);
		break;
	case K_ANYARR:
		if (vt != AML_JARRAY && !shape)
			typeerr(c, K_ARR, v);
		break;
	default:
		break;
	}
}

/* Is the member required in this mode? */
static int
required(const struct ctx *c, const struct type *t, const struct prop *p)
{
	if (p == PACKAGETYPE)
		return 1;
	if (t == &t_root && !strcmp(p->name, "location"))
		return (c->flags & AML_DEFN_LOCATION) != 0;
	if (t == &t_root)
		return p->t == &t_props && !(c->flags & AML_DEFN_PARTIAL);
	return (p->flags & P_REQ) && !(c->flags & (AML_DEFN_SHAPE | AML_DEFN_PARTIAL));
}

static void
check_obj(struct ctx *c, uint32_t o, const struct type *t)
{
	const struct aml_jdoc *d = c->d;
	uint32_t seen = 0, present = 0, first[32];
	const struct prop *p;
	unsigned i;
	char *q;

	AML_JOBJ_EACH(d, o, k) {
		uint32_t v = k + 1;

		if (!(p = lookup(d, k, t))) {
			if (!(c->flags & AML_DEFN_SHAPE)) {
				push(c, SEG_KEY, k, NULL);
				report(c, AML_DEFN_WARNING,
				    "not a property of the 2017-01-01 schema; kept as it is");
				pop(c);
			}
			continue;
		}
		i = (unsigned)(p - t->p);
		if (seen & (1u << i)) {
			push(c, SEG_KEY, k, NULL);
			q = quote(d, first[i]);
			report(c, AML_DEFN_ERROR, "the same property as %s (names are "
			    "matched ignoring case)", q);
			free(q);
			pop(c);
			continue;
		}
		seen |= 1u << i;
		first[i] = k;
		if ((p->flags & P_EXACT) && !aml_jkeyeq(d, k, p->name)) {
			push(c, SEG_KEY, k, NULL);
			report(c, AML_DEFN_ERROR, "must be spelled \"%s\" (PowerShell "
			    "drops the graph otherwise)", p->name);
			pop(c);
		}
		if ((p->flags & P_RO) || AML_JTYPE(d, v) == AML_JNULL)
			continue;
		present |= 1u << i;
		push(c, SEG_NAME, 0, p->name);
		check_val(c, p, v);
		pop(c);
	}
	for (i = 0; i < t->n; i++) {
		p = &t->p[i];
		if ((present & (1u << i)) || !required(c, t, p))
			continue;
		push(c, SEG_NAME, 0, p->name);
		report(c, AML_DEFN_ERROR, p == PACKAGETYPE ?
		    "required; it must be \"Graph\"" : "required");
		pop(c);
	}
}

/* ------------------------------------------------------------------ */
/* Cross-references: a set of the keys of one object */

/* The keys' bytes are copied together into pool: references are looked
 * up in random order, and each read of a key where it stands in a large
 * definition would be a cache miss. */
struct kslot {
	uint32_t at;		/* 1 + the key's offset in pool; 0 is empty */
	uint32_t n;		/* its length, unescaped */
	uint32_t h;		/* its hash */
};
struct kset {
	struct kslot *slot;
	size_t mask;
	char *pool;
	int unknown;		/* the object is there but not an object: its
				 * type error says it all, no references fail */
};

static size_t
bytes(struct ctx *c, uint32_t t, const char **s, int which)
{
	const struct aml_jtok *tok = &c->d->tok[t];
	char **buf = which ? &c->s2 : &c->s1;
	size_t *cap = which ? &c->c2 : &c->c1;

	if (!(tok->flags & AML_JF_ESC)) {
		*s = c->d->buf + tok->off + 1;
		return tok->len - 2;
	}
	if (*cap < tok->len) {
		*cap = tok->len + 64;
		*buf = aml_xrealloc(*buf, *cap);
	}
	*s = *buf;
	return aml_jstr(c->d, t, *buf, *cap);
}

/* Keyed (hash.c): the keys come from the definition, which must not be
 * able to put them all in one slot. */
static uint32_t
hash(const char *s, size_t n)
{
	return (uint32_t)aml_hash(s, n);
}

static void
kset_build(struct ctx *c, struct kset *ks, uint32_t obj)
{
	const struct aml_jdoc *d = c->d;
	size_t n = 0, cap = 16, j, len, used = 0, bytes_all = 0;
	const char *s;
	uint32_t h;

	ks->slot = NULL;
	ks->pool = NULL;
	ks->mask = 0;
	ks->unknown = obj && AML_JTYPE(d, obj) != AML_JOBJECT;
	if (!obj || ks->unknown)
		return;
	AML_JOBJ_EACH(d, obj, k) {
		n++;
		bytes_all += d->tok[k].len;	/* unescaping never grows a key */
	}
	while (cap < n * 2)
		cap *= 2;
	ks->slot = aml_xcalloc(cap, sizeof *ks->slot);
	ks->pool = aml_xmalloc(bytes_all + 1);
	ks->mask = cap - 1;
	/* Keys are unique (the parser saw to it), so nothing is compared here. */
	AML_JOBJ_EACH(d, obj, k) {
		if (AML_JTYPE(d, k + 1) == AML_JNULL)
			continue;
		len = bytes(c, k, &s, 0);
		h = hash(s, len);
		for (j = h & ks->mask; ks->slot[j].at; j = (j + 1) & ks->mask)
			;
		memcpy(ks->pool + used, s, len);
		ks->slot[j].at = (uint32_t)used + 1;
		ks->slot[j].n = (uint32_t)len;
		ks->slot[j].h = h;
		used += len;
	}
}

static int
kset_has(struct ctx *c, const struct kset *ks, uint32_t str)
{
	const struct kslot *e;
	const char *s;
	size_t n, j;
	uint32_t h;

	if (ks->unknown)
		return 1;
	if (!ks->slot)
		return 0;
	n = bytes(c, str, &s, 0);
	h = hash(s, n);
	for (j = h & ks->mask; (e = &ks->slot[j])->at; j = (j + 1) & ks->mask)
		if (e->h == h && e->n == n && !memcmp(s, ks->pool + e->at - 1, n))
			return 1;
	return 0;
}

static void
kset_free(struct kset *ks)
{
	free(ks->slot);
	free(ks->pool);
}

/* A member by its schema name, ignoring case; 0 when absent or null. */
static uint32_t
member(const struct aml_jdoc *d, uint32_t obj, const char *name)
{
	uint32_t v;

	if (!obj || AML_JTYPE(d, obj) != AML_JOBJECT)
		return 0;
	v = aml_jget_ci(d, obj, name);
	return v && AML_JTYPE(d, v) != AML_JNULL ? v : 0;
}

static void
check_ref(struct ctx *c, uint32_t str, const struct kset *ks, const char *what, const char *where)
{
	char *q;

	if (AML_JTYPE(c->d, str) != AML_JSTRING || kset_has(c, ks, str))
		return;
	q = quote(c->d, str);
	report(c, AML_DEFN_ERROR, "no %s %s in %s", what, q, where);
	free(q);
}

static void
check_nodes(struct ctx *c, uint32_t nodes, const struct kset *assets,
    const struct kset *ins, const struct kset *outs)
{
	static const char *const ids[] = { "assetId", "inputId", "outputId" };
	const struct aml_jdoc *d = c->d;
	uint32_t v;
	int i, n;

	if (!nodes || AML_JTYPE(d, nodes) != AML_JOBJECT)
		return;
	push(c, SEG_NAME, 0, "nodes");
	AML_JOBJ_EACH(d, nodes, k) {
		if (AML_JTYPE(d, k + 1) != AML_JOBJECT)
			continue;
		push(c, SEG_KEY, k, NULL);
		for (i = n = 0; i < 3; i++) {
			if (!(v = member(d, k + 1, ids[i])))
				continue;
			n++;
			push(c, SEG_NAME, 0, ids[i]);
			check_ref(c, v, i == 0 ? assets : i == 1 ? ins : outs,
			    i == 0 ? "asset" : i == 1 ? "input" : "output",
			    i == 0 ? "properties.assets" : i == 1 ?
			    "properties.input.properties" : "properties.output.properties");
			pop(c);
		}
		if (n != 1)
			report(c, AML_DEFN_ERROR, n ? "has more than one of assetId, inputId "
			    "and outputId" : "has none of assetId, inputId and outputId");
		pop(c);
	}
	pop(c);
}

static void
check_edges(struct ctx *c, uint32_t edges, const struct kset *nodes)
{
	static const char *const ends[] = { "sourceNodeId", "targetNodeId" };
	const struct aml_jdoc *d = c->d;
	uint32_t n = 0, v;
	int i;

	if (!edges || AML_JTYPE(d, edges) != AML_JARRAY)
		return;
	push(c, SEG_NAME, 0, "edges");
	AML_JARR_EACH(d, edges, e) {
		push(c, SEG_IDX, n++, NULL);
		for (i = 0; i < 2; i++) {
			if (!(v = member(d, e, ends[i])))
				continue;
			push(c, SEG_NAME, 0, ends[i]);
			check_ref(c, v, nodes, "node", "properties.package.nodes");
			pop(c);
		}
		pop(c);
	}
	pop(c);
}

/* Graph parameters and properties.parameters go in pairs, by name, and
 * each link of a graph parameter names a node. */
static void
check_gparams(struct ctx *c, uint32_t gps, uint32_t params, const struct kset *nodes)
{
	const struct aml_jdoc *d = c->d;
	struct kset gset, pset;
	uint32_t links, v, n;

	kset_build(c, &gset, gps);
	kset_build(c, &pset, params);
	if (gps && AML_JTYPE(d, gps) == AML_JOBJECT) {
		push(c, SEG_NAME, 0, "graphParameters");
		AML_JOBJ_EACH(d, gps, k) {
			if (AML_JTYPE(d, k + 1) == AML_JNULL)
				continue;
			push(c, SEG_KEY, k, NULL);
			if (!kset_has(c, &pset, k))
				report(c, AML_DEFN_ERROR, "has no value in properties.parameters");
			links = member(d, k + 1, "links");
			if (links && AML_JTYPE(d, links) == AML_JARRAY) {
				push(c, SEG_NAME, 0, "links");
				n = 0;
				AML_JARR_EACH(d, links, l) {
					push(c, SEG_IDX, n++, NULL);
					if ((v = member(d, l, "nodeId"))) {
						push(c, SEG_NAME, 0, "nodeId");
						check_ref(c, v, nodes, "node", "properties.package.nodes");
						pop(c);
					}
					pop(c);
				}
				pop(c);
			}
			pop(c);
		}
		pop(c);
	}
	c->depth = 0;
	push(c, SEG_NAME, 0, "properties");
	push(c, SEG_NAME, 0, "parameters");
	if (params && AML_JTYPE(d, params) == AML_JOBJECT) {
		AML_JOBJ_EACH(d, params, k) {
			if (AML_JTYPE(d, k + 1) == AML_JNULL || kset_has(c, &gset, k))
				continue;
			push(c, SEG_KEY, k, NULL);
			report(c, AML_DEFN_ERROR, "no graph parameter of that name in "
			    "properties.package.graphParameters");
			pop(c);
		}
	}
	kset_free(&gset);
	kset_free(&pset);
}

static void
check_refs(struct ctx *c)
{
	const struct aml_jdoc *d = c->d;
	uint32_t props, pkg, inputs;
	struct kset assets, ins, outs, nodes;

	/* member() takes 0 for "absent", so the root is looked at directly. */
	if (!(props = aml_jget_ci(d, 0, "properties")) || AML_JTYPE(d, props) != AML_JOBJECT)
		return;
	kset_build(c, &assets, member(d, props, "assets"));
	kset_build(c, &ins, member(d, member(d, props, "input"), "properties"));
	kset_build(c, &outs, member(d, member(d, props, "output"), "properties"));
	pkg = member(d, props, "package");
	kset_build(c, &nodes, member(d, pkg, "nodes"));
	c->depth = 0;
	push(c, SEG_NAME, 0, "properties");
	if (pkg && AML_JTYPE(d, pkg) == AML_JOBJECT) {
		push(c, SEG_NAME, 0, "package");
		check_nodes(c, member(d, pkg, "nodes"), &assets, &ins, &outs);
		check_edges(c, member(d, pkg, "edges"), &nodes);
		check_gparams(c, member(d, pkg, "graphParameters"),
		    member(d, props, "parameters"), &nodes);
	}
	c->depth = 0;
	push(c, SEG_NAME, 0, "properties");
	push(c, SEG_NAME, 0, "exampleRequest");
	push(c, SEG_NAME, 0, "inputs");
	inputs = member(d, member(d, props, "exampleRequest"), "inputs");
	if (inputs && AML_JTYPE(d, inputs) == AML_JOBJECT) {
		AML_JOBJ_EACH(d, inputs, k) {
			if (AML_JTYPE(d, k + 1) == AML_JNULL || kset_has(c, &ins, k))
				continue;
			push(c, SEG_KEY, k, NULL);
			report(c, AML_DEFN_ERROR, "no input of that name in "
			    "properties.input.properties");
			pop(c);
		}
	}
	c->depth = 0;
	kset_free(&assets);
	kset_free(&ins);
	kset_free(&outs);
	kset_free(&nodes);
}

size_t
aml_defn_check(const struct aml_jdoc *d, int flags, aml_defn_report *cb, void *arg)
{
	struct ctx *c = aml_xcalloc(1, sizeof *c);
	size_t nerr;

	c->d = d;
	c->flags = flags;
	c->cb = cb;
	c->arg = arg;
	if (AML_JTYPE(d, 0) != AML_JOBJECT) {
		report(c, AML_DEFN_ERROR, "expected a web service definition (an object), got %s",
		    aml_jtypename(AML_JTYPE(d, 0)));
	} else {
		check_obj(c, 0, &t_root);
		if (!(flags & (AML_DEFN_SHAPE | AML_DEFN_PARTIAL)))
			check_refs(c);
	}
	nerr = c->nerr;
	free(c->s1);
	free(c->s2);
	free(c);
	return nerr;
}

/* ------------------------------------------------------------------ */
/* The canonical form */

static void emit_obj(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t o,
    const struct type *t);

/* Free-form values go out as they came in, nulls and all. */
static void
verbatim(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t v)
{
	int flags = jw->flags;

	jw->flags &= ~AML_JW_DROPNULL;
	aml_jw_tok(jw, d, v);
	jw->flags = flags;
}

static void
emit_map(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t m, const struct prop *p)
{
	aml_jw_open(jw, '{');
	AML_JOBJ_EACH(d, m, k) {
		uint32_t v = k + 1;

		if (AML_JTYPE(d, v) == AML_JNULL)
			continue;
		aml_jw_rawkey(jw, d->buf + d->tok[k].off, d->tok[k].len);
		if (p->t && AML_JTYPE(d, v) == AML_JOBJECT)
			emit_obj(jw, d, v, p->t);
		else
			verbatim(jw, d, v);
	}
	aml_jw_close(jw, '}');
}

static void
emit_val(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t v, const struct prop *p)
{
	enum aml_jtype vt = AML_JTYPE(d, v);

	switch (p->kind) {
	case K_OBJ:
		if (vt == AML_JOBJECT) {
			emit_obj(jw, d, v, p->t);
			return;
		}
		break;
	case K_MAP: case K_PARAMS: case K_STRMAP:
		if (vt == AML_JOBJECT) {
			emit_map(jw, d, v, p);
			return;
		}
		break;
	case K_ARR:
		if (vt == AML_JARRAY) {
			aml_jw_open(jw, '[');
			AML_JARR_EACH(d, v, item) {
				if (AML_JTYPE(d, item) == AML_JOBJECT)
					emit_obj(jw, d, item, p->t);
				else
					verbatim(jw, d, item);
			}
			aml_jw_close(jw, ']');
			return;
		}
		break;
	default:
		break;
	}
	verbatim(jw, d, v);
}

static void
emit_obj(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t o, const struct type *t)
{
	const struct prop *p;
	uint32_t v;

	aml_jw_open(jw, '{');
	/* PowerShell's writer puts the discriminator first. */
	if (t == &t_props && (v = aml_jget(d, o, PACKAGETYPE->name)) &&
	    AML_JTYPE(d, v) != AML_JNULL) {
		aml_jw_key(jw, PACKAGETYPE->name);
		aml_jw_tok(jw, d, v);
	}
	AML_JOBJ_EACH(d, o, k) {
		v = k + 1;
		if (AML_JTYPE(d, v) == AML_JNULL)
			continue;
		if (!(p = lookup(d, k, t))) {
			aml_jw_rawkey(jw, d->buf + d->tok[k].off, d->tok[k].len);
			verbatim(jw, d, v);
			continue;
		}
		if ((p->flags & P_RO) || p == PACKAGETYPE)
			continue;
		if (!(d->tok[k].flags & AML_JF_ESC) &&
		    spelled(d->buf + d->tok[k].off + 1, d->tok[k].len - 2, p->name))
			aml_jw_rawkey(jw, d->buf + d->tok[k].off, d->tok[k].len);
		else
			aml_jw_key(jw, p->name);
		emit_val(jw, d, v, p);
	}
	aml_jw_close(jw, '}');
}

void
aml_defn_emit(struct aml_jw *jw, const struct aml_jdoc *d)
{
	if (AML_JTYPE(d, 0) == AML_JOBJECT)
		emit_obj(jw, d, 0, &t_root);
	else
		verbatim(jw, d, 0);
}
