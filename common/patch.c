/* SPDX-License-Identifier: MIT */
/*
 * patch.c: what aml-patch-ilearner does to a definition.  Choose the
 * asset (by key, by name, or the one trained model), find its
 * locationInfo.uri, and splice a new string into the input bytes at the
 * old value's span, so that every other byte stays as it was.  Nothing
 * here prints or exits: the input is untrusted, and the fuzz target
 * calls these directly.
 */
#include <stdlib.h>
#include <string.h>

#include "aml.h"

#define TRAINED " [trained model]"
#define MAXLIST 10		/* candidates named in one message */

typedef int picker(const struct aml_jdoc *, uint32_t, const void *);

/* A string for a message: JSON-quoted, so that it stays on one line. */
static char *
quoted(const char *s)
{
	struct aml_wbuf w;

	aml_wbuf_init(&w, -1);
	aml_jw_escape(&w, s, strlen(s));
	return aml_wbuf_take(&w);
}

/* A data key for a message: as it is when it is plain, else JSON-quoted
 * (a key can hold a newline or an escape sequence, and the message is
 * one line). */
static char *
keyword(const struct aml_jdoc *d, uint32_t k)
{
	char *s = aml_jstrdup(d, k), *q = aml_jw_name(s);

	free(s);
	return q;
}

static int
istrained(const struct aml_jdoc *d, uint32_t asset)
{
	uint32_t type = aml_jget_ci(d, asset, "type"), name = aml_jget_ci(d, asset, "name");

	return type && name && aml_jkeyeq(d, type, "Resource") && aml_jstrends(d, name, TRAINED);
}

char *
aml_patch_describe(const struct aml_jdoc *d, uint32_t k)
{
	uint32_t name = aml_jget_ci(d, k + 1, "name");
	char *key = keyword(d, k), *n, *s;

	if (!name || AML_JTYPE(d, name) != AML_JSTRING)
		return key;
	s = aml_jstrdup(d, name);
	n = quoted(s);
	free(s);
	s = aml_xasprintf("%s %s", key, n);
	free(key);
	free(n);
	return s;
}

static int
pick_any(const struct aml_jdoc *d, uint32_t asset, const void *arg)
{
	return 1;
}

static int
pick_trained(const struct aml_jdoc *d, uint32_t asset, const void *arg)
{
	return istrained(d, asset);
}

static int
pick_named(const struct aml_jdoc *d, uint32_t asset, const void *arg)
{
	uint32_t name = aml_jget_ci(d, asset, "name");

	return name && aml_jkeyeq(d, name, arg);
}

/* The assets pick() likes, key and name, for one line; their number in *n. */
static char *
list(const struct aml_jdoc *d, uint32_t assets, picker *pick, const void *arg, size_t *n)
{
	struct aml_wbuf w;
	char *s;

	*n = 0;
	aml_wbuf_init(&w, -1);
	AML_JOBJ_EACH(d, assets, k) {
		if (AML_JTYPE(d, k + 1) != AML_JOBJECT || !pick(d, k + 1, arg))
			continue;
		if (++*n <= MAXLIST) {
			s = aml_patch_describe(d, k);
			aml_wprintf(&w, "%s%s", *n > 1 ? ", " : "", s);
			free(s);
		}
	}
	if (*n > MAXLIST)
		aml_wprintf(&w, " and %zu more", *n - MAXLIST);
	return aml_wbuf_take(&w);
}

/* The candidates, or when there are none the assets there are. */
static char *
candidates(const struct aml_jdoc *d, uint32_t assets, picker *pick, const void *arg,
    const char *what, const char *hint)
{
	size_t n;
	char *s = list(d, assets, pick, arg, &n), *why;

	if (n) {
		why = aml_xasprintf("%zu assets are %s: %s; %s", n, what, s, hint);
	} else {
		free(s);
		s = list(d, assets, pick_any, NULL, &n);
		why = aml_xasprintf("no asset is %s (assets: %s); %s", what, n ? s : "none", hint);
	}
	free(s);
	return why;
}

/* The key token of the asset to change, or 0 and *why. */
static uint32_t
find_asset(const struct aml_jdoc *d, uint32_t assets, const char *want, char **why)
{
	uint32_t found = 0;
	size_t n = 0;
	char *q, *s;

	if (want) {
		AML_JOBJ_EACH(d, assets, k)
			if (aml_jkeyeq(d, k, want) && AML_JTYPE(d, k + 1) == AML_JOBJECT)
				return k;
		AML_JOBJ_EACH(d, assets, k)
			if (AML_JTYPE(d, k + 1) == AML_JOBJECT && pick_named(d, k + 1, want))
				found = k, n++;
		if (n == 1)
			return found;
		q = quoted(want);
		if (n == 0) {
			s = list(d, assets, pick_any, NULL, &n);
			*why = aml_xasprintf("-a %s: no asset has that key or name (assets: %s)",
			    q, n ? s : "none");
		} else {
			s = aml_xasprintf("named %s", q);
			*why = candidates(d, assets, pick_named, want, s,
			    "choose one by its key with -a");
		}
		free(s);
		free(q);
		return 0;
	}
	AML_JOBJ_EACH(d, assets, k)
		if (AML_JTYPE(d, k + 1) == AML_JOBJECT && istrained(d, k + 1))
			found = k, n++;
	if (n == 1)
		return found;
	*why = candidates(d, assets, pick_trained, NULL,
	    "a Resource named \"..." TRAINED "\"", "choose one with -a");
	return 0;
}

/* The member key of obj, of the type given, or 0 and *why with path. */
static uint32_t
need(const struct aml_jdoc *d, uint32_t obj, const char *key, enum aml_jtype type,
    const char *path, char **why)
{
	uint32_t v = aml_jget_ci(d, obj, key);

	if (!v)
		*why = aml_xasprintf("%s: missing", path);
	else if (AML_JTYPE(d, v) != type)
		*why = aml_xasprintf("%s: expected %s, got %s", path,
		    type == AML_JSTRING ? "a string" : "an object", aml_jtypename(AML_JTYPE(d, v)));
	else
		return v;
	return 0;
}

int
aml_patch_locate(const struct aml_jdoc *d, const char *want, struct aml_patch *p, char **why)
{
	uint32_t props, assets, loc, type;
	char *k, *p1, *p2;

	memset(p, 0, sizeof *p);
	*why = NULL;
	if (AML_JTYPE(d, 0) != AML_JOBJECT) {
		*why = aml_xasprintf("expected a web service definition (an object), got %s",
		    aml_jtypename(AML_JTYPE(d, 0)));
		return -1;
	}
	if (!(props = need(d, 0, "properties", AML_JOBJECT, "properties", why)) ||
	    !(assets = need(d, props, "assets", AML_JOBJECT, "properties.assets", why)) ||
	    !(p->key = find_asset(d, assets, want, why)))
		return -1;
	k = keyword(d, p->key);
	p1 = aml_xasprintf("properties.assets.%s.locationInfo", k);
	p2 = aml_xasprintf("%s.uri", p1);
	if ((loc = need(d, p->key + 1, "locationInfo", AML_JOBJECT, p1, why)))
		p->uri = need(d, loc, "uri", AML_JSTRING, p2, why);
	/* Chosen with -a, it may be a module: worth a word. */
	type = aml_jget_ci(d, p->key + 1, "type");
	if (p->uri && (!type || !aml_jkeyeq(d, type, "Resource")))
		p->warning = aml_xasprintf("asset %s is not a Resource (a trained model is)", k);
	free(k);
	free(p1);
	free(p2);
	return p->uri ? 0 : -1;
}

void
aml_patch_splice(struct aml_wbuf *w, const struct aml_jdoc *d, const struct aml_patch *p,
    const char *uri)
{
	const struct aml_jtok *t = &d->tok[p->uri];

	aml_wput(w, d->buf, t->off);
	aml_jw_escape(w, uri, strlen(uri));
	aml_wput(w, d->buf + t->off + t->len, d->len - t->off - t->len);
}

void
aml_patch_free(struct aml_patch *p)
{
	free(p->warning);
	memset(p, 0, sizeof *p);
}
