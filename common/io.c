/* SPDX-License-Identifier: MIT */
/* io.c: reading whole inputs with a limit, and writing files so that no
 * reader ever sees half of one. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aml.h"
#include "jsonfast.h"

/* AML_MAX_INPUT: bytes, with an optional K, M or G suffix. */
size_t
aml_input_limit(void)
{
	static size_t limit;
	const char *s = getenv("AML_MAX_INPUT");
	unsigned long long v;
	int shift = 0;
	char *end;

	/* Asked for at every read: worked out, and warned about, once. */
	if (limit)
		return limit;
	limit = AML_INPUT_LIMIT;
	if (!s || !*s)
		return limit;
	errno = 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	}
	if (errno || *end || *s == '-' || v == 0 || v > (UINT32_MAX - 1ULL) >> shift)
		aml_warn("AML_MAX_INPUT: not a size between 1 and 4G: %s", s);
	else
		limit = (size_t)(v << shift);
	return limit;
}

const char *
aml_inname(const char *path)
{
	return !path || !strcmp(path, "-") ? "<stdin>" : path;
}

const char *
aml_input_operand(int argc, char *argv[], void (*usage)(int))
{
	const char *path = argc == 1 ? argv[0] : NULL;

	if (argc > 1 || ((!path || !strcmp(path, "-")) && isatty(0)))
		usage(AML_EXIT_USAGE);
	return path;
}

int
aml_slurp(const char *path, size_t limit, char **bufp, size_t *lenp)
{
	return aml_slurp_cb(path, limit, bufp, lenp, NULL, NULL);
}

/* Grow buf (cap bytes) to n: with realloc, or as a big buffer. */
static char *
grow(char *buf, size_t cap, size_t n, int big)
{
	return big ? aml_big_grow(buf, cap, n) : aml_xrealloc(buf, n);
}

static void
drop(char *buf, size_t cap, int big)
{
	int saved = errno;

	if (big)
		aml_big_free(buf, cap);
	else
		free(buf);
	errno = saved;
}

static int
slurp(const char *path, size_t limit, char **bufp, size_t *lenp, size_t *capp,
    aml_slurp_fn *fn, void *arg, int big)
{
	int fd = 0, saved;
	size_t len = 0, cap = 1 << 16, want;
	struct stat st;
	char *buf;
	ssize_t r;

	if (path && strcmp(path, "-") && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	/* A regular file's size is known: one allocation, no copying (one
	 * byte for the read that finds the end, one for the '\0'). */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((unsigned long long)st.st_size > limit) {
			errno = EFBIG;
			goto fail;
		}
		cap = (size_t)st.st_size + 2;
	}
	buf = big ? aml_big_alloc(cap) : aml_xmalloc(cap);
	for (;;) {
		if (cap - len < 2) {
			if (cap > limit + 1) {
				drop(buf, cap, big);
				errno = EFBIG;
				goto fail;
			}
			/* Past 64 KiB an input is big (jsonfast.c) at once. */
			want = big && cap * 2 < (1u << 20) ? 1u << 20 : cap * 2;
			if (want > limit + 2)
				want = limit + 2;
			buf = grow(buf, cap, want, big);
			cap = want;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			drop(buf, cap, big);
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > limit) {
			drop(buf, cap, big);
			errno = EFBIG;
			goto fail;
		}
		if (fn)
			fn(arg, buf, len);
	}
	buf[len] = '\0';
	if (fd != 0)
		close(fd);
	*bufp = buf;
	*lenp = len;
	*capp = cap;
	return 0;
fail:
	saved = errno;
	if (fd != 0)
		close(fd);
	errno = saved;
	return -1;
}

int
aml_slurp_cb(const char *path, size_t limit, char **bufp, size_t *lenp,
    aml_slurp_fn *fn, void *arg)
{
	size_t cap;

	return slurp(path, limit, bufp, lenp, &cap, fn, arg, 0);
}

/*
 * A regular file is mapped rather than read: no copy, and no fresh pages
 * to fault in and zero, which on the benchmark machine cost 16 us each: a
 * 0.5 MB definition is exported in 8 ms mapped, 10 ms read (bench/).  One
 * page more than the file is reserved and the file mapped over it, so
 * that buf[len] is a '\0' even when the size is a multiple of the page
 * size (past the end of the file, the rest of its last page reads as
 * zeros).  The file's pages are read-only.
 */
#define MAP_MIN (1u << 16)	/* below this, read(2) is as fast */

static struct {
	char *p;
	size_t n;
	char *msg;	/* what onbus says; NULL for a buffer read */
} mapped;

/* A mapped file cut short under us faults with SIGBUS on the missing
 * pages: say so, in one line, rather than die of the signal. */
static void
onbus(int sig)
{
	ssize_t r;

	(void)sig;
	r = write(2, mapped.msg, strlen(mapped.msg));
	(void)r;
	_exit(AML_EXIT_FAIL);
}

int
aml_map(const char *path, size_t limit, char **bufp, size_t *lenp)
{
	struct sigaction sa;
	struct stat st;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n;
	char *base;
	int fd = 0, saved;

	if (mapped.p)
		return 1;
	if (path && strcmp(path, "-") && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 1;	/* the read path will report any error */
	/* Standard input only from its start, as read(2) would read it. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < MAP_MIN ||
	    (fd == 0 && lseek(fd, 0, SEEK_CUR) != 0)) {
		if (fd != 0)
			close(fd);
		return 1;
	}
	if ((unsigned long long)st.st_size > limit) {
		if (fd != 0)
			close(fd);
		errno = EFBIG;
		return -1;
	}
	n = ((size_t)st.st_size + 1 + pg - 1) & ~(pg - 1);
	base = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		if (fd != 0)
			close(fd);
		return 1;
	}
	/* Read-only: populating a writable private mapping would copy every
	 * page, which is what mapping it is meant to avoid. */
	if (mmap(base, (size_t)st.st_size, PROT_READ,
	    MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
		saved = errno;
		munmap(base, n);
		if (fd != 0)
			close(fd);
		errno = saved;
		return 1;
	}
	if (fd != 0)
		close(fd);
	else
		lseek(fd, 0, SEEK_END);	/* consumed, as if read */
	mapped.p = base;
	mapped.n = n;
	mapped.msg = aml_xasprintf("%s: %s: changed while it was being read\n", aml_prog,
	    aml_inname(path));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onbus;
	sigaction(SIGBUS, &sa, NULL);
	*bufp = base;
	*lenp = (size_t)st.st_size;
	return 0;
}

/* Read the input into a big buffer (jsonfast.c), which aml_unmap
 * releases: a definition that comes through a pipe. */
int
aml_slurp_big(const char *path, size_t limit, char **bufp, size_t *lenp,
    aml_slurp_fn *fn, void *arg)
{
	size_t cap;

	if (mapped.p) {
		errno = EBUSY;
		return -1;
	}
	if (slurp(path, limit, bufp, lenp, &cap, fn, arg, 1) < 0)
		return -1;
	mapped.p = *bufp;
	mapped.n = cap;
	return 0;
}

void
aml_unmap(char *buf)
{
	if (buf && buf == mapped.p && !mapped.msg) {
		aml_big_free(mapped.p, mapped.n);
		memset(&mapped, 0, sizeof mapped);
	} else if (buf && buf == mapped.p) {
		signal(SIGBUS, SIG_DFL);
		munmap(mapped.p, mapped.n);
		free(mapped.msg);
		memset(&mapped, 0, sizeof mapped);
	} else {
		free(buf);
	}
}

int
aml_afile_open(struct aml_afile *af, const char *path, int mode, int force)
{
	char *dir, *base, *d, *b;
	struct stat st;
	mode_t um;

	memset(af, 0, sizeof *af);
	af->fd = -1;
	af->force = force;
	/* Refuse early, before any work, when the answer is already known;
	 * commit checks again atomically.  Even with force, only a regular
	 * file or a symlink is replaced: renaming over /dev/null or a
	 * directory's entry as root would destroy what is there. */
	if (lstat(path, &st) == 0 && (!force ||
	    !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))) {
		errno = EEXIST;
		return -1;
	}
	d = aml_xstrdup(path);
	b = aml_xstrdup(path);
	dir = dirname(d);
	base = basename(b);
	af->path = aml_xstrdup(path);
	af->tmp = aml_xasprintf("%s/.%s.XXXXXX", dir, base);
	free(d);
	free(b);
	if ((af->fd = mkostemp(af->tmp, O_CLOEXEC)) < 0) {
		int saved = errno;

		free(af->tmp);
		free(af->path);
		af->tmp = af->path = NULL;
		errno = saved;
		return -1;
	}
	aml_sig_tmpfile(af->tmp, 1);
	um = umask(0);
	umask(um);
	if (fchmod(af->fd, (mode_t)mode & ~um) < 0) {
		aml_afile_abort(af);
		return -1;
	}
	return 0;
}

static void
syncdir(const char *path)
{
	char *d = aml_xstrdup(path);
	int fd;

	if ((fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(d);
}

/* Without force, link(2) puts the file in place only if nothing is
 * there, atomically; rename(2) replaces a symlink rather than following
 * it, so neither ever writes through one. */
int
aml_afile_commit(struct aml_afile *af)
{
	int r, saved;

	if (fsync(af->fd) < 0 || close(af->fd) < 0) {
		saved = errno;
		af->fd = -1;
		aml_afile_abort(af);
		errno = saved;
		return -1;
	}
	af->fd = -1;
	if (af->force)
		r = rename(af->tmp, af->path);
	else if ((r = link(af->tmp, af->path)) == 0)
		unlink(af->tmp);
	if (r < 0) {
		saved = errno;
		aml_afile_abort(af);
		errno = saved;
		return -1;
	}
	syncdir(af->path);
	aml_sig_tmpfile(af->tmp, 0);
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
	return 0;
}

void
aml_afile_abort(struct aml_afile *af)
{
	int saved = errno;

	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp) {
		unlink(af->tmp);
		aml_sig_tmpfile(af->tmp, 0);
	}
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
	errno = saved;
}

int
aml_print_out(struct aml_wbuf *out, int rc)
{
	if (rc == 0 && out->len) {
		fwrite(out->buf, 1, out->len, stdout);
		rc = aml_fshut(stdout, "<stdout>");
	}
	aml_wbuf_free(out);
	return rc;
}

int
aml_fshut(FILE *fp, const char *name)
{
	int bad = fflush(fp) != 0 || ferror(fp);
	int saved = errno;

	if (fclose(fp) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad) {
		errno = saved ? saved : EIO;
		aml_err("write %s:", name);
		return AML_EXIT_FAIL;
	}
	return AML_EXIT_OK;
}

void
aml_version(void)
{
	printf("%s %s\n", aml_prog, AML_VERSION);
	exit(aml_fshut(stdout, "<stdout>"));
}

/* Read a secret or token from a file: the first line, without its
 * newline, so that "echo secret > file" works. */
char *
aml_read_secret_file(const char *path, const char *what)
{
	char *buf;
	size_t len;

	if (aml_slurp(path, 1u << 20, &buf, &len) < 0) {
		aml_err("%s %s:", what, path);
		return NULL;
	}
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (!len) {
		aml_err("%s %s: empty", what, path);
		free(buf);
		return NULL;
	}
	aml_secret_hold(buf);
	return buf;
}

/* Secrets taken from a variable that hold what looks like a file name:
 * the variable and the value, so that a refusal can say why. */
static struct {
	const char *var;
	char *value;
} pathy[8];

/* Starts with /, ./ or ~, or names a file that is there. */
static int
looks_like_path(const char *v)
{
	return *v == '/' || !strncmp(v, "./", 2) || !strncmp(v, "../", 3) || *v == '~' ||
	    access(v, F_OK) == 0;
}

static void
note_pathy(const char *var, const char *value)
{
	for (size_t i = 0; i < sizeof pathy / sizeof *pathy; i++)
		if (!pathy[i].var) {
			pathy[i].var = var;
			pathy[i].value = aml_xstrdup(value);
			return;
		}
}

char *
aml_secret_hint(const char *value)
{
	for (size_t i = 0; value && i < sizeof pathy / sizeof *pathy && pathy[i].var; i++)
		if (!strcmp(pathy[i].value, value))
			return aml_xasprintf("%s looks like a file name: use %s_FILE", pathy[i].var,
			    pathy[i].var);
	return NULL;
}

int
aml_secret_get(const char *file, const char *const *vars, const char *what, char **out)
{
	const char *v;
	char *fv;
	size_t n;

	*out = NULL;
	if (file)
		return (*out = aml_read_secret_file(file, what)) ? 0 : -1;
	for (; vars && *vars; vars++) {
		if ((v = getenv(*vars)) && *v) {
			while (isspace((unsigned char)*v))
				v++;
			if (!(n = strcspn(v, " \t\r\n")))
				continue;
			*out = aml_xstrndup(v, n);
			aml_secret_hold(*out);
			if (looks_like_path(*out))
				note_pathy(*vars, *out);
			return 0;
		}
		/* VAR_FILE names a file that holds it (a mounted secret). */
		fv = aml_xasprintf("%s_FILE", *vars);
		if ((v = getenv(fv)) && *v)
			*out = aml_read_secret_file(v, fv);
		free(fv);
		if (v && *v)
			return *out ? 0 : -1;
	}
	return 0;
}
