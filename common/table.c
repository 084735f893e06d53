/* SPDX-License-Identifier: MIT */
/*
 * table.c: --table, the aligned view of a list for a person at a
 * terminal (the list programs print JSON Lines otherwise, for scripts).
 * A header of upper-case names, then a row an item, columns two spaces
 * apart and as wide as their widest cell counted in characters, not
 * bytes, so that names in any script line up.  Cells come from servers:
 * control characters become '?', so that no cell can move the cursor.
 * A list program's rows can come straight from its parsed items, by
 * paths of member names.
 */
#include <stdlib.h>
#include <string.h>

#include "aml.h"

void
aml_table_init(struct aml_table *t, size_t ncol, const char *const *heads)
{
	memset(t, 0, sizeof *t);
	t->ncol = ncol;
	aml_table_add(t, heads);
}

/* A copy of s fit for a cell: controls as '?', empty or NULL as "-". */
static char *
cell(const char *s)
{
	char *c;

	if (!s || !*s)
		return aml_xstrdup("-");
	c = aml_xstrdup(s);
	for (char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

void
aml_table_add(struct aml_table *t, const char *const *cells)
{
	if (t->nrow == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cell = aml_xreallocarray(t->cell, t->cap * t->ncol, sizeof *t->cell);
	}
	for (size_t i = 0; i < t->ncol; i++)
		t->cell[t->nrow * t->ncol + i] = cell(cells[i]);
	t->nrow++;
}

char *
aml_table_text(const struct aml_jdoc *d, uint32_t i, const char *path)
{
	const char *p = path, *dot;
	char key[128];
	size_t n;

	/* Token 0 is the root, never a member: aml_jget's 0 is "absent". */
	while (*p) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (AML_JTYPE(d, i) != AML_JOBJECT || n >= sizeof key)
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (!(i = aml_jget(d, i, key)))
			return NULL;
		p += n + (dot != NULL);
	}
	if (AML_JTYPE(d, i) == AML_JSTRING)
		return aml_jstrdup(d, i);
	if (AML_JTYPE(d, i) == AML_JNUMBER)
		return aml_xstrndup(d->buf + d->tok[i].off, d->tok[i].len);
	return NULL;
}

void
aml_table_add_doc(struct aml_table *t, const struct aml_jdoc *d, uint32_t i,
    const char *const *paths)
{
	char **row = aml_xcalloc(t->ncol ? t->ncol : 1, sizeof *row);

	for (size_t k = 0; k < t->ncol; k++)
		row[k] = aml_table_text(d, i, paths[k]);
	aml_table_add(t, (const char *const *)row);
	for (size_t k = 0; k < t->ncol; k++)
		free(row[k]);
	free(row);
}

/* Characters, counting each UTF-8 sequence once. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

void
aml_table_print(const struct aml_table *t, struct aml_wbuf *w)
{
	size_t *wid = aml_xcalloc(t->ncol ? t->ncol : 1, sizeof *wid), n;
	const char *c;

	for (size_t r = 0; r < t->nrow; r++)
		for (size_t i = 0; i < t->ncol; i++)
			if ((n = width(t->cell[r * t->ncol + i])) > wid[i])
				wid[i] = n;
	for (size_t r = 0; r < t->nrow; r++) {
		for (size_t i = 0; i < t->ncol; i++) {
			c = t->cell[r * t->ncol + i];
			aml_wputs(w, c);
			if (i + 1 < t->ncol)
				for (n = width(c); n < wid[i] + 2; n++)
					aml_wputc(w, ' ');
		}
		aml_wputc(w, '\n');
	}
	free(wid);
}

void
aml_table_free(struct aml_table *t)
{
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof *t);
}
