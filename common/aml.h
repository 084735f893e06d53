/* SPDX-License-Identifier: MIT */
/*
 * libaml: the code every aml-* program shares, one concern per file.
 * Programs include this header only; libcurl, libjwt and OpenSSL stay
 * behind it.
 */
#ifndef AML_H
#define AML_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

/* Exit status, the same in every program and man page. */
enum {
	AML_EXIT_OK = 0,
	AML_EXIT_FAIL = 1,	/* HTTP error, failed operation, bad JSON, I/O */
	AML_EXIT_USAGE = 2,
	AML_EXIT_AUTH = 3	/* not signed in, or credentials refused */
};

#define AML_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define AML_NORETURN __attribute__((noreturn))

/* err.c: diagnostics are "prog: what: why" on stderr.  A format ending
 * in ':' gets strerror(errno) appended, as in sbase's eprintf. */
extern const char *aml_prog;
extern int aml_quiet;		/* -q: no warnings */
void aml_setprog(char **argv0);
void aml_err(const char *fmt, ...) AML_PRINTF(1, 2);
void aml_warn(const char *fmt, ...) AML_PRINTF(1, 2);
void aml_verr(const char *prefix, const char *fmt, va_list ap);
AML_NORETURN void aml_die(const char *fmt, ...) AML_PRINTF(1, 2);
AML_NORETURN void aml_diex(int status, const char *fmt, ...) AML_PRINTF(2, 3);
void aml_version(void);

/* xalloc.c: allocation that dies ("out of memory", exit 1) on failure. */
void *aml_xmalloc(size_t n);
void *aml_xcalloc(size_t nmemb, size_t size);
void *aml_xrealloc(void *p, size_t n);
void *aml_xreallocarray(void *p, size_t nmemb, size_t size);
char *aml_xstrdup(const char *s);
char *aml_xstrndup(const char *s, size_t n);
char *aml_xasprintf(const char *fmt, ...) AML_PRINTF(1, 2);
void aml_wipe(void *p, size_t n);	/* memset that is not optimised away */
void aml_freesecret(char *s);		/* wipe a NUL-terminated secret, free it */

/* wbuf.c: a buffered writer onto a file descriptor, or a growing string
 * when fd is -1.  The first write error is kept in err (an errno). */
struct aml_wbuf {
	int fd;
	int err;
	char *buf;
	size_t len, cap;
};
void aml_wbuf_init(struct aml_wbuf *w, int fd);
void aml_wbuf_free(struct aml_wbuf *w);
void aml_wput_slow(struct aml_wbuf *w, const void *p, size_t n);
int aml_wflush(struct aml_wbuf *w);
void aml_wprintf(struct aml_wbuf *w, const char *fmt, ...) AML_PRINTF(2, 3);
char *aml_wbuf_take(struct aml_wbuf *w);	/* memory mode: the NUL-terminated string */

static inline void
aml_wput(struct aml_wbuf *w, const void *p, size_t n)
{
	if (w->cap - w->len >= n) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
	} else {
		aml_wput_slow(w, p, n);
	}
}

static inline void
aml_wputc(struct aml_wbuf *w, char c)
{
	if (w->len < w->cap)
		w->buf[w->len++] = c;
	else
		aml_wput_slow(w, &c, 1);
}

static inline void
aml_wputs(struct aml_wbuf *w, const char *s)
{
	aml_wput(w, s, strlen(s));
}

/* io.c: whole input, atomic files, a checked stdout. */
#define AML_INPUT_LIMIT (256u << 20)	/* default; AML_MAX_INPUT overrides */
size_t aml_input_limit(void);
/* Read all of path ("-" or NULL: stdin) into *buf (NUL-terminated, not
 * counted in *len).  On error: -1 with errno set (EFBIG: over limit). */
int aml_slurp(const char *path, size_t limit, char **buf, size_t *len);
/* Read path or stdin, dying with "prog: name: why" (exit 1) on failure. */
char *aml_slurp_or_die(const char *path, size_t *len);
const char *aml_inname(const char *path);	/* "<stdin>" for NULL or "-" */

/* A file written under a temporary name in the same directory, fsynced
 * and renamed into place, so that readers never see half of it. */
struct aml_afile {
	char *path;
	char *tmp;
	int fd;
	int force;
};
/* force: replace an existing regular file or symlink (never following
 * it).  EEXIST: path exists and force is 0, or it is something else (a
 * device, a directory), which is never replaced. */
int aml_afile_open(struct aml_afile *af, const char *path, int mode, int force);
int aml_afile_commit(struct aml_afile *af);	/* -1 + errno; EEXIST without force */
void aml_afile_abort(struct aml_afile *af);
int aml_fshut(FILE *fp, const char *name);	/* 0, or 1 after an error message */

/* json.c: a strict RFC 8259 parser that records the document as a tape
 * of tokens pointing into the input, so that numbers, string escapes and
 * key order are exactly as they were read.  Duplicate keys, nesting
 * deeper than AML_JMAXDEPTH, invalid UTF-8 and NUL bytes are errors. */
#define AML_JMAXDEPTH 512

enum aml_jtype {
	AML_JNULL, AML_JFALSE, AML_JTRUE, AML_JNUMBER, AML_JSTRING,
	AML_JARRAY, AML_JOBJECT
};
#define AML_JF_ESC 1		/* string contains backslash escapes */
#define AML_JF_KEY 2		/* string is an object key */

struct aml_jtok {
	uint32_t off;		/* first byte in the input (strings: the quote) */
	uint32_t len;		/* bytes, through the closing quote or bracket */
	uint32_t end;		/* index of the first token after this value */
	uint8_t type;
	uint8_t flags;
};

struct aml_jdoc {
	const char *buf;
	size_t len;
	struct aml_jtok *tok;
	uint32_t ntok, cap;
};

struct aml_jerr {
	size_t off;
	unsigned long line, col;
	char msg[160];
};

int aml_jparse(struct aml_jdoc *d, const char *buf, size_t len, struct aml_jerr *e);
void aml_jfree(struct aml_jdoc *d);
void aml_jpos(const char *buf, size_t off, unsigned long *line, unsigned long *col);
/* Values of an object's members are found by key; 0 means absent (token
 * 0 is the root, which is never a member). */
uint32_t aml_jget(const struct aml_jdoc *d, uint32_t obj, const char *key);
uint32_t aml_jget_ci(const struct aml_jdoc *d, uint32_t obj, const char *key);
uint32_t aml_jpath(const struct aml_jdoc *d, uint32_t from, const char *dotted);
int aml_jkeyeq(const struct aml_jdoc *d, uint32_t str, const char *s);
int aml_jkeyeq_ci(const struct aml_jdoc *d, uint32_t str, const char *s);
/* Unescaped string into buf (always NUL-terminated); returns its length. */
size_t aml_jstr(const struct aml_jdoc *d, uint32_t str, char *buf, size_t size);
char *aml_jstrdup(const struct aml_jdoc *d, uint32_t str);
int aml_jstrends(const struct aml_jdoc *d, uint32_t str, const char *suffix);
/* In objects, k is a key and k + 1 its value. */
#define AML_JOBJ_EACH(d, o, k) \
	for (uint32_t k = (o) + 1; k < (d)->tok[o].end; k = (d)->tok[(k) + 1].end)
#define AML_JARR_EACH(d, a, v) \
	for (uint32_t v = (a) + 1; v < (d)->tok[a].end; v = (d)->tok[v].end)
#define AML_JTYPE(d, i) ((enum aml_jtype)(d)->tok[i].type)
const char *aml_jtypename(enum aml_jtype t);

/* jsonw.c: one writer for every JSON the toolkit prints.  Pretty output
 * is 2-space indented with "key": value, the way Newtonsoft's Indented
 * writes it; compact output has no whitespace.  Neither writes the final
 * newline. */
#define AML_JW_PRETTY 1
#define AML_JW_DROPNULL 2	/* leave out object members whose value is null */

struct aml_jw {
	struct aml_wbuf *w;
	int flags;
	int depth;
	int first;		/* nothing written yet in the open container */
	int afterkey;
};
void aml_jw_init(struct aml_jw *jw, struct aml_wbuf *w, int flags);
void aml_jw_open(struct aml_jw *jw, char c);	/* '{' or '[' */
void aml_jw_close(struct aml_jw *jw, char c);	/* '}' or ']' */
void aml_jw_rawkey(struct aml_jw *jw, const char *quoted, size_t n);
void aml_jw_key(struct aml_jw *jw, const char *s);
void aml_jw_raw(struct aml_jw *jw, const char *json, size_t n);
void aml_jw_str(struct aml_jw *jw, const char *s);
void aml_jw_tok(struct aml_jw *jw, const struct aml_jdoc *d, uint32_t i);
void aml_jw_escape(struct aml_wbuf *w, const char *s, size_t n);
/* A whole tape document or cJSON tree, plus a newline, onto w. */
void aml_jw_doc(struct aml_wbuf *w, const struct aml_jdoc *d, uint32_t i, int flags);
void aml_json_write(struct aml_wbuf *w, const cJSON *j, int flags);
char *aml_json_print(const cJSON *j, int flags);	/* malloc'd, no newline */

/* jsoncj.c: the strict parser onto cJSON trees, for the small documents
 * of the network programs.  A number keeps the text it was read with in
 * valuestring, and aml_json_write prints that text back; change numbers
 * with aml_json_setnum, never cJSON_SetNumberValue. */
cJSON *aml_json_parse(const char *buf, size_t len, struct aml_jerr *e);
cJSON *aml_json_from_tape(const struct aml_jdoc *d, uint32_t i);
void aml_json_setnum(cJSON *n, double v);
const char *aml_json_str(const cJSON *obj, const char *key);	/* NULL unless a string */
int aml_json_num(const cJSON *obj, const char *key, double *v);	/* numbers or numeric strings */

#endif
