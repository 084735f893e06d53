/* SPDX-License-Identifier: MIT */
/*
 * filter.c: the plumbing of a program that reads one JSON document and
 * writes one.  The input is read whole and parsed onto a tape; the output
 * goes to stdout, or to the file named with -o, written under a temporary
 * name and renamed into place only once every byte is on disk.  Programs
 * open the output after they have checked their input, so a failure
 * leaves neither output nor a stray file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aml.h"

/* Filters in a pipeline hand each other megabytes: a 1 MiB pipe
 * instead of 64 KiB means a sixteenth of the wake-ups.  Best effort. */
static void
bigpipe(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

/* The parser takes each piece as it is read; a parse error is kept
 * until the input has been read whole, so that a read error or an
 * oversized input is still what gets reported, as before. */
static void
feed(void *arg, char *buf, size_t len)
{
	aml_jinc_feed(arg, buf, len);
}

static AML_NORETURN void
too_big(const char *path, size_t limit)
{
	aml_die("%s: input larger than %zu bytes (set AML_MAX_INPUT to raise the limit)",
	    aml_inname(path), limit);
}

/* file:line:col: why, the way compilers and jq point at a place. */
static AML_NORETURN void
bad_json(const char *path, const struct aml_jerr *e)
{
	if (e->line)
		aml_die("%s:%lu:%lu: %s", aml_inname(path), e->line, e->col, e->msg);
	aml_die("%s: %s", aml_inname(path), e->msg);
}

/* Read path whole, parsing it as it arrives; big: into a buffer that
 * aml_unmap releases. */
static char *
load(const char *path, struct aml_jdoc *d, size_t *lenp, int big)
{
	struct aml_jinc *inc;
	struct aml_jerr e;
	struct stat st;
	size_t len, limit = aml_input_limit();
	char *buf;
	int r;

	if (!path || !strcmp(path, "-")) {
		bigpipe(0);
		len = fstat(0, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
	} else {
		len = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
	}
	inc = aml_jinc_new(d, &e, len);
	r = big ? aml_slurp_big(path, limit, &buf, &len, feed, inc) :
	    aml_slurp_cb(path, limit, &buf, &len, feed, inc);
	if (r < 0) {
		aml_jinc_abort(inc);
		if (errno == EFBIG)
			too_big(path, limit);
		aml_die("%s:", aml_inname(path));
	}
	if (aml_jinc_end(inc, buf, len) < 0) {
		if (big)
			aml_unmap(buf);
		else
			free(buf);
		bad_json(path, &e);
	}
	if (lenp)
		*lenp = len;
	return buf;
}

char *
aml_jload(const char *path, struct aml_jdoc *d, size_t *lenp)
{
	return load(path, d, lenp, 0);
}

char *
aml_jview(const char *path, struct aml_jdoc *d, size_t *lenp)
{
	struct aml_jerr e;
	size_t len, limit;
	char *buf;
	int r;

	limit = aml_input_limit();
	if ((r = aml_map(path, limit, &buf, &len)) > 0)
		return load(path, d, lenp, 1);
	if (r < 0)
		too_big(path, limit);
	if (aml_jparse(d, buf, len, &e) < 0) {
		aml_unmap(buf);
		bad_json(path, &e);
	}
	if (lenp)
		*lenp = len;
	return buf;
}

void
aml_out_open(struct aml_out *o, const char *path, int mode, int force)
{
	memset(o, 0, sizeof *o);
	o->path = path;
	if (!path || !strcmp(path, "-")) {
		o->path = NULL;
		aml_wbuf_init(&o->w, 1);
		bigpipe(1);
		return;
	}
	if (aml_afile_open(&o->af, path, mode, force) < 0) {
		if (errno == EEXIST && !force)
			aml_die("%s: file exists (use -f to replace it)", path);
		if (errno == EEXIST)
			aml_die("%s: not a regular file; not replaced", path);
		aml_die("%s:", path);
	}
	aml_wbuf_init(&o->w, o->af.fd);
}

/* The next program in a pipeline sees the end of its input when the
 * last writer closes the pipe.  An exiting process closes its files only
 * after it has handed back its memory, which for a filter of a 50 MB
 * definition takes milliseconds: close stdout now (and check it, as a
 * file on NFS reports a failed write only then), and leave /dev/null in
 * its place for anything printed after. */
static int
handover(void)
{
	int r = close(1), saved = errno, fd;

	/* The lowest free descriptor: 1, unless 0 is closed too. */
	if ((fd = open("/dev/null", O_WRONLY)) >= 0 && fd != 1) {
		dup2(fd, 1);
		close(fd);
	}
	errno = saved;
	return r < 0 && saved != EINTR ? -1 : 0;
}

int
aml_out_close(struct aml_out *o)
{
	const char *name = o->path ? o->path : "<stdout>";
	int r = aml_wflush(&o->w);

	aml_wbuf_free(&o->w);
	if (r < 0) {
		aml_err("write %s:", name);
		if (o->path)
			aml_afile_abort(&o->af);
		return AML_EXIT_FAIL;
	}
	if (o->path && aml_afile_commit(&o->af) < 0) {
		if (errno == EEXIST)
			aml_err("%s: file exists (use -f to replace it)", name);
		else
			aml_err("write %s:", name);
		return AML_EXIT_FAIL;
	}
	if (!o->path && handover() < 0) {
		aml_err("write %s:", name);
		return AML_EXIT_FAIL;
	}
	return AML_EXIT_OK;
}

void
aml_defn_stderr(void *name, int severity, const char *path, const char *msg)
{
	if (severity == AML_DEFN_WARNING)
		aml_warn("%s: %s: %s", (char *)name, path, msg);
	else if (*path)
		aml_err("%s: %s: %s", (char *)name, path, msg);
	else
		aml_err("%s: %s", (char *)name, msg);
}

static const struct option filter_longopts[] = {
	{ "compact", no_argument, NULL, 'c' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static AML_NORETURN void
filter_usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp, "usage: %s [-cfqv] [-o file] [file]\n", aml_prog);
	if (!status)
		fprintf(fp,
		    "  -o, --output FILE  write the definition to FILE (atomically)\n"
		    "  -f, --force        replace FILE if it exists\n"
		    "  -c, --compact      on one line, not 2-space indented\n"
		    "  -q, --quiet        no warnings\n"
		    "  -v, --verbose      say what was done on stderr\n"
		    "  -h, --help         this help\n"
		    "  -V, --version      print the version\n");
	exit(status);
}

int
aml_filter_main(int argc, char *argv[], const struct aml_schema *sc, int flags, const char *done)
{
	const char *outpath = NULL, *path = NULL;
	struct aml_jdoc d;
	struct aml_out out;
	struct aml_jw jw;
	int c, force = 0, vflag = 0;
	size_t len;
	char *buf, *name;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "cfho:qvV", filter_longopts, NULL)) != -1) {
		switch (c) {
		case 'c': aml_compact = 1; break;
		case 'f': force = 1; break;
		case 'h': filter_usage(0);
		case 'o': outpath = optarg; break;
		case 'q': aml_quiet = 1; break;
		case 'v': vflag = 1; break;
		case 'V': aml_version(); break;
		default: filter_usage(AML_EXIT_USAGE);
		}
	}
	path = aml_input_operand(argc - optind, argv + optind, filter_usage);
	name = (char *)aml_inname(path);

	buf = aml_jview(path, &d, &len);
	if (vflag)
		fprintf(stderr, "%s: %s: %zu bytes, %u JSON tokens\n", aml_prog, name,
		    len, d.ntok);
	if (sc->check(&d, flags, aml_defn_stderr, name) > 0)
		exit(AML_EXIT_FAIL);

	aml_out_open(&out, outpath, 0644, force);
	aml_jw_init(&jw, &out.w, AML_JW_ONE);
	sc->emit(&jw, &d);
	aml_wputc(&out.w, '\n');
	c = aml_out_close(&out);
	if (vflag && c == 0)
		fprintf(stderr, "%s: %s %s\n", aml_prog, done, outpath ? outpath : "<stdout>");
	aml_jfree(&d);
	aml_unmap(buf);
	return c;
}

cJSON *
aml_defn_tree(const char *path, int flags)
{
	const char *name = aml_inname(path);
	struct aml_wbuf w;
	struct aml_jdoc d;
	struct aml_jw jw;
	struct aml_jerr e;
	cJSON *j;
	char *buf, *s;
	size_t n;

	buf = aml_jload(path, &d, NULL);
	if (aml_defn_check(&d, flags, aml_defn_stderr, (void *)name) > 0)
		exit(AML_EXIT_FAIL);
	aml_wbuf_init(&w, -1);
	aml_jw_init(&jw, &w, 0);
	aml_defn_emit(&jw, &d);
	aml_jfree(&d);
	aml_freesecret(buf);
	/* The parser stops at the NUL that aml_wbuf_take adds. */
	n = w.len;
	s = aml_wbuf_take(&w);
	if (!(j = aml_json_parse(s, n, &e)))
		aml_die("%s: %s", name, e.msg);
	aml_wipe(s, n);
	free(s);
	return j;
}

int
aml_defn_filter(int argc, char *argv[], int flags, const char *done)
{
	static const struct aml_schema defn = { aml_defn_check, aml_defn_emit };

	return aml_filter_main(argc, argv, &defn, flags, done);
}
