/* SPDX-License-Identifier: MIT */
/*
 * libaml, the part every aml-* program may use: errors, memory, I/O,
 * JSON, definitions, signals, masking.  The pure JSON filters include
 * this header only, so that the compiler (not the linker) keeps them
 * off the network layer; network programs include amlnet.h, which
 * includes this one.  libcurl and OpenSSL stay behind both.
 */
#ifndef AML_H
#define AML_H

#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* err.c: diagnostics are "prog: what: why" on stderr, one line each.  A
 * format ending in ':' gets strerror(errno) appended, as in sbase's
 * eprintf.  Secrets the program holds (aml_secret_hold) are masked and
 * control characters escaped in every message. */
extern const char *aml_prog;
extern int aml_quiet;		/* -q: no warnings */
void aml_setprog(char **argv0);
void aml_err(const char *fmt, ...) AML_PRINTF(1, 2);
void aml_warn(const char *fmt, ...) AML_PRINTF(1, 2);
AML_NORETURN void aml_die(const char *fmt, ...) AML_PRINTF(1, 2);
AML_NORETURN void aml_diex(int status, const char *fmt, ...) AML_PRINTF(2, 3);
/* One stderr line, written at once: prefix, then the n bytes of s with
 * held secrets masked and control characters as \n, \r, \t or \xHH
 * (the -v trace writes its lines with it too). */
void aml_eline(const char *prefix, const char *s, size_t n);
/* Mask this value (a client secret, a token, a key, a SAS signature:
 * six characters or more) wherever the program prints it, in messages
 * and traces alike; aml_mask_held gives a copy of s so masked. */
void aml_secret_hold(const char *s);
char *aml_mask_held(const char *s);
void aml_version(void);		/* io.c: "prog VERSION" on stdout, exit */

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
/* Room for n bytes at buf + len (flushing, or growing a string): 0, or
 * -1 when n is more than the buffer holds (write those with aml_wput). */
int aml_wroom(struct aml_wbuf *w, size_t n);
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

/* opt.c: the command line.  Every program parses its options with
 * getopt_long, which the build wraps (-Wl,--wrap=getopt_long): a
 * refused option gets one line in the toolkit's words, with the nearest
 * long option suggested ("unknown option --tenat; did you mean
 * --tenant?"), before the program prints its usage; and the hidden
 * argument --aml-option-table prints the option table, from which the
 * build makes the shell completions.  Options without a letter take
 * values past any character: the shared ones below, and a program's own
 * from AML_OPT_OWN on. */
enum {
	AML_OPT_API_VERSION = 0x100,	/* --api-version V */
	AML_OPT_NO_WAIT,		/* --no-wait */
	AML_OPT_TABLE,			/* --table: the aligned view of a list */
	AML_OPT_OWN = 0x200
};
/* Edit distance with transpositions, ignoring case; 99 past 63 bytes. */
int aml_edit_distance(const char *a, const char *b);
/* The nearest of the n names (NULL ones skipped) within maxd, or NULL. */
const char *aml_nearest(const char *word, const char *const *names, size_t n, int maxd);

/* table.c: --table.  Rows of ncol cells (NULL or "" shows as "-"), the
 * first the header; printed aligned, two spaces between columns. */
struct aml_table {
	size_t ncol, nrow, cap;
	char **cell;
};
void aml_table_init(struct aml_table *t, size_t ncol, const char *const *heads);
void aml_table_add(struct aml_table *t, const char *const *cells);
/* A row from item i of a parsed list: a cell per path of member names
 * ("properties.provisioningState"), a string's text or a number's as
 * written ("-" for anything else or nothing). */
struct aml_jdoc;
void aml_table_add_doc(struct aml_table *t, const struct aml_jdoc *d, uint32_t i,
    const char *const *paths);
/* One such cell's text, malloc'd, or NULL. */
char *aml_table_text(const struct aml_jdoc *d, uint32_t i, const char *path);
void aml_table_print(const struct aml_table *t, struct aml_wbuf *w);
void aml_table_free(struct aml_table *t);

/* io.c: whole input, atomic files, a checked stdout. */
#define AML_INPUT_LIMIT (256u << 20)	/* default; AML_MAX_INPUT overrides */
size_t aml_input_limit(void);
/* Read all of path ("-" or NULL: stdin) into *buf (NUL-terminated, not
 * counted in *len).  On error: -1 with errno set (EFBIG: over limit). */
int aml_slurp(const char *path, size_t limit, char **buf, size_t *len);
/* The same, calling fn after every read with what has been read so far
 * (buf[len] is writable; buf may move between calls). */
typedef void aml_slurp_fn(void *arg, char *buf, size_t len);
int aml_slurp_cb(const char *path, size_t limit, char **buf, size_t *len,
    aml_slurp_fn *fn, void *arg);
/* A regular file of 64 KiB or more (path, or standard input at its start)
 * mapped read-only, NUL-terminated, where aml_slurp would read it: 0;
 * 1 when it is not one (read it instead); -1 and errno (EFBIG: over
 * limit).  Release it with aml_unmap, which frees anything
 * else.  If the file is cut short meanwhile, the program exits with
 * "prog: path: changed while it was being read". */
int aml_map(const char *path, size_t limit, char **buf, size_t *len);
/* aml_slurp_cb into a buffer for the filters' large inputs, which few
 * page faults fill (jsonfast.c); release it with aml_unmap. */
int aml_slurp_big(const char *path, size_t limit, char **buf, size_t *len,
    aml_slurp_fn *fn, void *arg);
void aml_unmap(char *buf);
const char *aml_inname(const char *path);	/* "<stdin>" for NULL or "-" */
/* The one optional operand left after the options, an input file (NULL
 * for standard input); usage(AML_EXIT_USAGE) for more than one, or when
 * the input would be a terminal. */
const char *aml_input_operand(int argc, char *argv[], void (*usage)(int));

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
/* The end of a program whose output waited in out: rc 0 puts out on
 * stdout and closes it (so nothing is printed unless the work
 * succeeded; an empty out, an empty list, writes nothing to check);
 * out is freed either way.  rc, or 1 if the write failed. */
int aml_print_out(struct aml_wbuf *out, int rc);
/* A secret (a key, a token, a SAS): the first line of file, else the
 * first of vars that is set, or the file its VAR_FILE names; never
 * from argv.  Held (masked wherever printed).  0 with *out (NULL when
 * none is given), or -1 after the error line (what names the file). */
int aml_secret_get(const char *file, const char *const *vars, const char *what, char **out);
char *aml_read_secret_file(const char *path, const char *what);	/* first line; held */
/* For a secret aml_secret_get took from a variable whose value looks
 * like a file name (starts with /, ./ or ~, or names a file there):
 * "VAR looks like a file name: use VAR_FILE", malloc'd, to add to the
 * message of a refusal (401); else NULL. */
char *aml_secret_hint(const char *value);

/* wait.c: the program's deadline (-m), durations, and the pauses of
 * retries and polls.  Durations read 90, 90s, 5m, 1h, 2d. */
/* Seconds: a year, or what a long holds in ms where it has 32 bits. */
#define AML_DURATION_MAX (LONG_MAX / 1000 < 366L * 86400 ? LONG_MAX / 1000 : 366L * 86400)
int64_t aml_now_ms(void);		/* monotonic */
void aml_deadline_set(long ms);		/* from now; 0: none */
long aml_deadline_left(void);		/* ms; LONG_MAX without a deadline */
long aml_deadline_limit(void);		/* what -m set, ms; 0: none */
long aml_duration_ms(const char *s);	/* "0.5", "90s": ms (at least 1), or -1 */
/* -1 after "prog: OPT ARG: not a duration (...)", the one message. */
int aml_duration_opt(const char *opt, const char *arg, long *ms);
void aml_fmt_duration(char *buf, size_t n, long ms);	/* "800 ms", "2.5 s", "40 s" */
struct aml_backoff {
	long next_ms, cap_ms;
	int jitter;
};
void aml_backoff_init(struct aml_backoff *b, long first_ms, long cap_ms, int jitter);
/* The next pause: hint_ms (a server's Retry-After) when >= 0, else the
 * current step, which then doubles up to the cap; -1 when it would end
 * past the deadline. */
long aml_backoff_next(struct aml_backoff *b, long hint_ms);

/* hash.c: SipHash-1-3 under a key drawn at start (getrandom), for every
 * hash table whose keys come from input: input cannot choose keys that
 * share a slot, as it can with an unkeyed hash. */
uint64_t aml_hash(const void *s, size_t n);

/* json.c: a strict RFC 8259 parser that records the document as a tape
 * of tokens pointing into the input, so that numbers, string escapes and
 * key order are exactly as they were read.  Duplicate keys, nesting
 * deeper than AML_JMAXDEPTH, invalid UTF-8 and NUL bytes are errors.
 * The byte after the input, buf[len], must be a NUL: the parser stops
 * at it rather than checking the length at every byte (aml_slurp,
 * aml_wbuf_take and the HTTP layer leave one; a raw wbuf does not). */
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
/* The same parser fed while the input is still arriving: each call
 * parses what has been read up to its last newline (a raw newline only
 * ever stands between tokens), so that little is left when the input
 * ends; compact one-line input is parsed at the end.  The results and
 * errors are exactly aml_jparse's.  sizehint: the expected length, or 0. */
struct aml_jinc;
struct aml_jinc *aml_jinc_new(struct aml_jdoc *d, struct aml_jerr *e, size_t sizehint);
/* buf: the len bytes read so far (it may have moved since the last
 * call); buf[len] must be writable.  -1 once an error is found. */
int aml_jinc_feed(struct aml_jinc *s, char *buf, size_t len);
/* The whole input (buf[len] == '\0'): aml_jparse's result; frees s. */
int aml_jinc_end(struct aml_jinc *s, const char *buf, size_t len);
void aml_jinc_abort(struct aml_jinc *s);	/* frees s and the tape */
void aml_jpos(const char *buf, size_t off, unsigned long *line, unsigned long *col);
/* Values of an object's members are found by key; 0 means absent (token
 * 0 is the root, which is never a member). */
uint32_t aml_jget(const struct aml_jdoc *d, uint32_t obj, const char *key);
uint32_t aml_jget_ci(const struct aml_jdoc *d, uint32_t obj, const char *key);
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
/* -c: a program prints its single object on one line instead of
 * 2-space indented (lists are JSON Lines either way).  AML_JW_ONE is the
 * flags for that object. */
extern int aml_compact;
#define AML_JW_ONE (aml_compact ? 0 : AML_JW_PRETTY)

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
void aml_jw_escape(struct aml_wbuf *w, const char *s, size_t n);	/* not UTF-8: U+FFFD */
/* A copy of s (n bytes) in which every byte that does not start a
 * well-formed UTF-8 sequence is U+FFFD, as aml_jw_escape writes it: for
 * text that becomes a key, where two such keys must not collide unseen. */
char *aml_utf8_clean(const char *s, size_t n);
/* A name from the data (a key, an output) for a one-line message: as it
 * is when it is printable ASCII without spaces or quotes, else
 * JSON-quoted; malloc'd. */
char *aml_jw_name(const char *s);
/* A whole tape document or cJSON tree, plus a newline, onto w. */
void aml_jw_doc(struct aml_wbuf *w, const struct aml_jdoc *d, uint32_t i, int flags);
void aml_json_write(struct aml_wbuf *w, const cJSON *j, int flags);
char *aml_json_print(const cJSON *j, int flags);	/* malloc'd, no newline */

/* filter.c: one JSON document in, one out.  aml_jload reads path (NULL
 * or "-": stdin) whole and parses it, or dies with "name:line:col: why".
 * The output goes to stdout or to the file named with -o (written
 * atomically, refused when it exists unless force); open it only once
 * the input has been checked. */
char *aml_jload(const char *path, struct aml_jdoc *d, size_t *len);
/* The same for a filter that never writes to the input: a large file is
 * mapped read-only, not copied (aml_map), anything else read into a
 * buffer of few page faults (aml_slurp_big).  Release it with aml_unmap. */
char *aml_jview(const char *path, struct aml_jdoc *d, size_t *len);
struct aml_out {
	const char *path;	/* NULL: stdout */
	struct aml_afile af;
	struct aml_wbuf w;	/* write the document here */
};
/* mode: 0644 for a definition, 0600 for what holds a secret (a SAS);
 * the umask applies.  Dies on failure. */
void aml_out_open(struct aml_out *o, const char *path, int mode, int force);
/* Flush, commit: 0, or 1 after an error message.  Standard output is
 * closed then (a reader sees the end at once) and /dev/null put there. */
int aml_out_close(struct aml_out *o);
/* An aml_defn_report for programs: one stderr line a problem, "name:
 * path: why", where name (arg) is what aml_inname gave. */
void aml_defn_stderr(void *name, int severity, const char *path, const char *msg);
/* aml-export-ws and aml-import-ws: the same filter (options, input,
 * check with flags, canonical output), told apart by the check; done
 * completes the -v line "prog: DONE FILE".  It is aml_filter_main (after
 * mldefn.c below) with the web service definition's schema. */
int aml_defn_filter(int argc, char *argv[], int flags, const char *done);
/* The web service definition in path, checked with flags (problems on
 * stderr, then exit 1) and in its canonical form, as a cJSON tree for
 * the programs that add to it before they send it (small enough for a
 * tree; numbers keep their text in it).  Free it with
 * aml_json_free_secret: it may hold keys. */
cJSON *aml_defn_tree(const char *path, int flags);

/* uri.c: URIs in definitions and messages.  A blob URI can carry a SAS
 * (a bearer credential) in its query: print URIs via aml_uri_redact. */
int aml_is_guid(const char *s);	/* 8-4-4-4-12 hexadecimal digits */
/* An absolute http(s) URL taken apart: what decides where a request
 * goes and which credentials may go with it.  Characters outside RFC
 * 3986 and user information (user@host) are refused, so that every
 * reader of the URL, libcurl included, sees the same host. */
struct aml_url {
	int https;
	char host[256];		/* lower case; an IPv6 address in brackets */
	int port;		/* given, else 443 or 80 */
	int loopback;		/* 127.0.0.0/8, [::1], localhost */
	const char *path;	/* in the URL: from the path on (may be "") */
};
int aml_url_parse(const char *url, struct aml_url *u, const char **why);
/* aml_url_parse, and https unless the host is loopback: 0, or -1 and why. */
int aml_url_check(const char *url, struct aml_url *u, const char **why);
int aml_uri_check(const char *uri, const char **why);	/* the same, for a definition's URI */
/* Scheme, host and port: the origin a credential belongs to. */
int aml_url_same_origin(const struct aml_url *a, const struct aml_url *b);
/* malloc'd copy with the query, fragment and user information replaced
 * by "<redacted>". */
char *aml_uri_redact(const char *uri);
int aml_uri_path_ends(const char *uri, const char *suffix);	/* ignoring ?query and #fragment */
/* n bytes of s percent-decoded (a '%' without two hex digits stays as it
 * is; with plus, '+' is a space, as in forms and queries); malloc'd. */
char *aml_urldec(const char *s, size_t n, int plus);
/* A SAS token as given (with or without its leading '?', as the portal,
 * az storage and the services write it), as "?sv=...&sig=...": the
 * form that goes after a blob URL; held as a secret.  NULL if empty. */
char *aml_sas_query(const char *sas);
/* A URL given on the command line whose query holds a credential (sig=,
 * code=, key=): warn that argv is public, saying what to do instead;
 * 1 when it did. */
int aml_argv_secret(const char *opt, const char *url, const char *instead);

/* bes.c: a Batch Execution Service job status as the service returns
 * it: StatusCode a name or 0..4 (or the legacy key "Status Code"),
 * Results a map of output name -> blob reference.  SAS tokens and
 * connection strings are secrets: never print them. */
enum {
	AML_BES_NOTSTARTED, AML_BES_RUNNING, AML_BES_FAILED, AML_BES_CANCELLED,
	AML_BES_FINISHED
};
struct aml_bes_output {
	char *name;
	char *base, *rel, *sas, *conn;	/* NULL when absent or null */
};
struct aml_bes_status {
	int code;			/* AML_BES_* */
	char *details;			/* NULL when absent */
	struct aml_bes_output *out;
	size_t nout;
};
/* 0, or -1 with the reason in why. */
int aml_bes_parse(const struct aml_jdoc *d, uint32_t root, struct aml_bes_status *st,
    char *why, size_t whysize);
void aml_bes_free(struct aml_bes_status *st);
const char *aml_bes_codename(int code);
/* The output called name, or without a name the only one whose
 * RelativeLocation ends in .ilearner; NULL with the reason in why. */
const struct aml_bes_output *aml_bes_pick(const struct aml_bes_status *st,
    const char *name, char *why, size_t whysize);
char *aml_bes_join(const char *base, const char *rel);	/* exactly one '/' between */
/* The trained model a finished job made: Base + Relative of the output
 * aml_bes_pick chooses (and its SAS with keepsas), malloc'd; *output
 * names that output (in st).  NULL with the reason in why. */
char *aml_bes_model_uri(const struct aml_bes_status *st, const char *result, int keepsas,
    const char **output, char *why, size_t whysize);

/* defn.c: the web service definition (webServices, api-version
 * 2017-01-01).  Schema property names are matched ignoring case, as
 * PowerShell's Import does, except packageType, which must be spelled
 * so; data keys (asset keys, node ids, input, output, column and
 * parameter names) are exact. */
#define AML_DEFN_SHAPE 1	/* only what aml_defn_emit needs: an object with
				 * properties, packageType "Graph", no name twice */
#define AML_DEFN_PARTIAL 2	/* a PATCH body: nothing required but
				 * properties.packageType, no cross-references */
#define AML_DEFN_LOCATION 4	/* a PUT body: location is required */
#define AML_DEFN_PREVIEW 8	/* 2016-05-01-preview: parameters are strings */
enum { AML_DEFN_ERROR, AML_DEFN_WARNING };
/* One call per problem.  path is dotted, data keys that are not plain
 * words in ["..."] (properties.package.nodes.node2.assetId,
 * properties.parameters["Account Key"]); "" for the document itself.
 * Messages never quote values other than identifiers. */
typedef void aml_defn_report(void *arg, int severity, const char *path, const char *msg);
/* Structure, types, required members, enforced enums, and that every
 * nodes.*.assetId, inputId, outputId, edge and link resolves and graph
 * parameters pair with properties.parameters.  Returns the number of
 * errors (warnings: unknown properties, kept). */
size_t aml_defn_check(const struct aml_jdoc *d, int flags, aml_defn_report *cb, void *arg);
/* The canonical definition onto jw (give it AML_JW_PRETTY): schema names
 * camelCase; id, name, type, createdOn, modifiedOn, provisioningState,
 * swaggerLocation and null members dropped; packageType first in
 * properties; all else in input order, byte for byte, and free-form
 * values (parameter values, exampleRequest) verbatim.  The document must
 * have passed aml_defn_check, with AML_DEFN_SHAPE at least. */
void aml_defn_emit(struct aml_jw *jw, const struct aml_jdoc *d);

/* patch.c: what aml-patch-ilearner does to a definition: choose the
 * asset (want: its key, else its name; NULL: the one Resource named
 * "... [trained model]"), find properties.assets.<key>.locationInfo.uri,
 * and write the document with that string replaced and every other byte
 * as it was.  Nothing is printed; the document must have passed
 * aml_defn_check with AML_DEFN_SHAPE at least. */
struct aml_patch {
	uint32_t key;		/* the asset's key token */
	uint32_t uri;		/* its locationInfo.uri string token */
	char *warning;		/* malloc'd or NULL: the asset is not a Resource */
};
/* 0, or -1 with the reason (one line, malloc'd) in *why. */
int aml_patch_locate(const struct aml_jdoc *d, const char *want, struct aml_patch *p, char **why);
void aml_patch_splice(struct aml_wbuf *w, const struct aml_jdoc *d, const struct aml_patch *p,
    const char *uri);
char *aml_patch_describe(const struct aml_jdoc *d, uint32_t key);	/* asset3 "Name" */
void aml_patch_free(struct aml_patch *p);

/* mldefn.c: the online deployment definition of Azure Machine Learning
 * (OnlineDeploymentTrackedResource, api-version 2024-04-01): names as
 * the specification spells them, types, enums (exact), required members
 * (location, properties, properties.endpointComputeType, sku.name,
 * identity.type, ...), read-only members (id, name, type, systemData,
 * properties.provisioningState, identity.principalId and tenantId, a
 * user-assigned identity's principalId and clientId).  flags:
 * AML_DEFN_SHAPE checks only what the canonical form needs (an object
 * with a properties object), 0 everything, and AML_DEFN_LOCATION
 * requires location too.  Reports as aml_defn_check;
 * returns the number of errors (warnings: unknown members, kept). */
size_t aml_mldefn_check(const struct aml_jdoc *d, int flags, aml_defn_report *cb, void *arg);
/* The canonical definition onto jw: the schema's members in a fixed order
 * (location, kind, tags, identity, sku, properties; endpointComputeType
 * and model first in properties), read-only and null members dropped,
 * unknown members after them as they came; values byte for byte. */
void aml_mldefn_emit(struct aml_jw *jw, const struct aml_jdoc *d);
/* properties and properties.model (0 when absent; a string or null):
 * 0, or -1 and *why when the document has no place for a model. */
int aml_mldefn_model(const struct aml_jdoc *d, uint32_t *props, uint32_t *model, const char **why);
/* The document with properties.model set to ref and every other byte as
 * it was (a model that was absent is added as the last member). */
void aml_mldefn_splice_model(struct aml_wbuf *w, const struct aml_jdoc *d, uint32_t props,
    uint32_t model, const char *ref);
/* A model version as a deployment names it: its ARM id
 * (/subscriptions/S/resourceGroups/G/providers/Microsoft.
 * MachineLearningServices/workspaces/W/models/N/versions/V, segment names
 * in any case), azureml:N:V, or azureml://registries/R/models/N/versions/V. */
enum { AML_MLREF_ID = 1, AML_MLREF_SHORT, AML_MLREF_REGISTRY };
struct aml_mlref {
	int kind;
	char *ws;		/* AML_MLREF_ID: the id up to the workspace's name */
	char *name, *version;
};
/* 0, or -1 and *why (one line). */
int aml_mlref_parse(const char *s, struct aml_mlref *r, const char **why);
void aml_mlref_free(struct aml_mlref *r);

/* filter.c: a kind of definition to a filter, its check and canonical
 * form; the export and import programs of both platforms are one filter
 * (options -f -o -q -v, one input, check with flags, canonical output
 * 2-space indented), told apart by the schema and the flags. */
struct aml_schema {
	size_t (*check)(const struct aml_jdoc *d, int flags, aml_defn_report *cb, void *arg);
	void (*emit)(struct aml_jw *jw, const struct aml_jdoc *d);
};
int aml_filter_main(int argc, char *argv[], const struct aml_schema *sc, int flags,
    const char *done);

/* jsoncj.c: the strict parser onto cJSON trees, for the small documents
 * of the network programs.  A number keeps the text it was read with in
 * valuestring, and aml_json_write prints that text back; change numbers
 * by making a new number item, never with cJSON_SetNumberValue. */
cJSON *aml_json_parse(const char *buf, size_t len, struct aml_jerr *e);
cJSON *aml_json_from_tape(const struct aml_jdoc *d, uint32_t i);
const char *aml_json_str(const cJSON *obj, const char *key);	/* NULL unless a string */
int aml_json_num(const cJSON *obj, const char *key, double *v);	/* numbers or numeric strings */

/* sig.c: Ctrl-C that cancels cleanly.  After aml_catch_signals, SIGINT,
 * SIGTERM and SIGHUP set aml_signalled (unless they were ignored when
 * the program started); a transfer in progress aborts, aml_sleep_ms
 * returns -1.  Clean up, then aml_resignal() dies of the same signal. */
extern volatile sig_atomic_t aml_signalled;
void aml_catch_signals(void);
void aml_resignal(void);
int aml_sleep_ms(long ms);
/* A temporary file (keep 1) that a signal ending the program (INT,
 * TERM, HUP, PIPE, XFSZ, unless caught or ignored) removes first; keep
 * 0 when it is renamed or gone.  io.c's atomic files do this. */
void aml_sig_tmpfile(const char *path, int keep);

/* redact.c: a copy of text (n bytes) with every secret masked as "***":
 * the values of Authorization and other credential headers, of
 * access_token, refresh_token, client_secret, client_assertion,
 * device_code, password, key, primary/secondary, AccountKey=, sig=,
 * SasBlobToken and the like (in headers, queries, forms, connection
 * strings and JSON alike), and anything shaped like a JWT.  Use it for
 * every trace or message that quotes what a server or user sent. */
char *aml_redact(const char *s, size_t n);

#endif
