/* SPDX-License-Identifier: MIT */
/*
 * config.c: the configuration directory, where sign-in state lives.
 * $AML_CONFIG_DIR, else ${XDG_CONFIG_HOME:-$HOME/.config}/aml; the
 * directory 0700, every file 0600 and owned by the user, written under
 * a temporary name and renamed (never through a symlink), and a lock
 * file that serialises the programs of one user, so that a token is
 * refreshed once however many programs want it at the same moment.
 *
 * Looser modes: the programs that only read (aml-token and every
 * program that needs a token) refuse, since a token that others could
 * read may already be someone else's; aml-login, which writes the
 * state anew, repairs the modes with a warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "amlnet.h"

#define LOCK_WAIT_MS (300 * 1000L)

static char *dir;
static int lockfd = -1;
static int repairing;		/* aml-login: replace what is wrong */

#define SYMLINK_WHY "is a symbolic link; refusing to follow it"

static void
freedir(void)
{
	free(dir);
	dir = NULL;
}

const char *
aml_config_dir(void)
{
	const char *s, *home;
	struct passwd *pw;

	if (dir)
		return dir;
	if ((s = getenv("AML_CONFIG_DIR")) && *s) {
		dir = aml_xstrdup(s);
	} else if ((s = getenv("XDG_CONFIG_HOME")) && *s == '/') {
		dir = aml_xasprintf("%s/aml", s);
	} else {
		if (!(home = getenv("HOME")) || !*home)
			home = (pw = getpwuid(getuid())) ? pw->pw_dir : "/";
		dir = aml_xasprintf("%s/.config/aml", home);
	}
	atexit(freedir);
	return dir;
}

char *
aml_config_path(const char *name)
{
	return aml_xasprintf("%s/%s", aml_config_dir(), name);
}

/* mkdir -p, the missing parents 0700 as XDG asks for its directories. */
static int
mkdirs(const char *path)
{
	char *p = aml_xstrdup(path), *s;
	int r = 0;

	for (s = p + 1; *s && r == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			r = -1;
		*s = '/';
	}
	if (r == 0 && mkdir(p, 0700) < 0 && errno != EEXIST)
		r = -1;
	free(p);
	return r;
}

static int
refuse(const char *path, const char *why)
{
	aml_err("%s: %s", path, why);
	return AML_EXIT_AUTH;
}

int
aml_config_prepare(int repair)
{
	const char *d = aml_config_dir();
	struct stat st;
	char why[160];

	repairing = repair;
	/* The state of another directory is not ours to read or replace:
	 * a symlink here may have been planted to make us do either. */
	if (lstat(d, &st) == 0 && S_ISLNK(st.st_mode))
		return refuse(d, SYMLINK_WHY " (set AML_CONFIG_DIR to the directory itself)");
	if (stat(d, &st) < 0) {
		if (errno == ENOENT && !repair) {
			aml_err("not signed in (run aml-login)");
			return AML_EXIT_AUTH;
		}
		if (errno != ENOENT || mkdirs(d) < 0 || stat(d, &st) < 0) {
			aml_err("%s:", d);
			return AML_EXIT_FAIL;
		}
	}
	if (!S_ISDIR(st.st_mode))
		return refuse(d, "not a directory");
	if (st.st_uid != geteuid()) {
		snprintf(why, sizeof why, "owned by uid %lu, not by you", (unsigned long)st.st_uid);
		return refuse(d, why);
	}
	if (st.st_mode & 077) {
		if (!repair) {
			snprintf(why, sizeof why, "mode %04o is too open (group or others have access); "
			    "run aml-login to repair it, or chmod 700 it", (unsigned)(st.st_mode & 07777));
			return refuse(d, why);
		}
		if (chmod(d, 0700) < 0) {
			aml_err("chmod %s:", d);
			return AML_EXIT_FAIL;
		}
		aml_warn("%s: mode %04o was too open; changed to 0700", d, (unsigned)(st.st_mode & 07777));
	}
	return 0;
}

int
aml_config_lock(void)
{
	char *path;
	long waited = 0;

	if (lockfd >= 0)
		return 0;
	path = aml_config_path("lock");
	lockfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lockfd < 0 && errno == ELOOP && repairing && unlink(path) == 0) {
		aml_warn("%s: was a symbolic link; replaced by a file", path);
		lockfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (lockfd < 0) {
		int rc = errno == ELOOP ? refuse(path, SYMLINK_WHY "; remove it, or sign in again") :
		    (aml_err("%s:", path), AML_EXIT_FAIL);

		free(path);
		return rc;
	}
	/* Bounded: a program holding the lock refreshes a token, which
	 * its own timeouts bound; a wedged one must not hang us forever. */
	while (flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= LOCK_WAIT_MS ||
		    aml_sleep_ms(20) < 0) {
			if (errno == EWOULDBLOCK || errno == EINTR)
				aml_err("%s: another program has held the lock for too long", path);
			else
				aml_err("lock %s:", path);
			close(lockfd);
			lockfd = -1;
			free(path);
			return AML_EXIT_FAIL;
		}
		waited += 20;
	}
	free(path);
	return 0;
}

void
aml_config_unlock(void)
{
	if (lockfd >= 0) {
		flock(lockfd, LOCK_UN);
		close(lockfd);
		lockfd = -1;
	}
}

/* The whole file through the descriptor whose owner and mode were
 * checked, so that nothing can be swapped in between. */
static int
readall(int fd, off_t size, char **bufp, size_t *lenp)
{
	size_t cap = size > 0 && size < (16 << 20) ? (size_t)size + 1 : 4096, len = 0;
	char *buf = aml_xmalloc(cap);
	ssize_t r;

	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= (16u << 20)) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			buf = aml_xrealloc(buf, cap *= 2);
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int
aml_config_read(const char *name, int repair, cJSON **out)
{
	char *path = aml_config_path(name), *buf = NULL, why[400];
	struct aml_jerr je;
	struct stat st;
	size_t len;
	int fd, rc = 0;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0) {
		if (errno == ENOENT)
			goto done;
		if (errno == ELOOP)
			rc = refuse(path, SYMLINK_WHY);
		else
			aml_err("%s:", path), rc = AML_EXIT_FAIL;
		goto done;
	}
	if (fstat(fd, &st) < 0) {
		aml_err("%s:", path);
		rc = AML_EXIT_FAIL;
	} else if (!S_ISREG(st.st_mode)) {
		rc = refuse(path, "not a regular file");
	} else if (st.st_uid != geteuid()) {
		snprintf(why, sizeof why, "owned by uid %lu, not by you", (unsigned long)st.st_uid);
		rc = refuse(path, why);
	} else if ((st.st_mode & 077) && !repair) {
		snprintf(why, sizeof why, "mode %04o is too open (group or others can read it); "
		    "run chmod 600 on it, or aml-logout and sign in again", (unsigned)(st.st_mode & 07777));
		rc = refuse(path, why);
	} else if (st.st_mode & 077) {
		if (fchmod(fd, 0600) < 0) {
			aml_err("chmod %s:", path);
			rc = AML_EXIT_FAIL;
		} else {
			aml_warn("%s: mode %04o was too open; changed to 0600", path,
			    (unsigned)(st.st_mode & 07777));
		}
	}
	if (rc == 0 && readall(fd, st.st_size, &buf, &len) < 0) {
		aml_err("%s:", path);
		rc = AML_EXIT_FAIL;
	}
	close(fd);
	if (rc)
		goto done;
	if (!(*out = aml_json_parse(buf, len, &je))) {
		snprintf(why, sizeof why, "not valid JSON (line %lu, column %lu: %s); "
		    "run aml-logout and sign in again", je.line, je.col, je.msg);
		rc = refuse(path, why);
	}
	aml_wipe(buf, len);
	free(buf);
done:
	free(path);
	return rc;
}

int
aml_config_write(const char *name, const cJSON *j)
{
	char *path = aml_config_path(name), *s = aml_json_print(j, AML_JW_PRETTY);
	struct aml_afile af;
	size_t n = strlen(s), off = 0;
	ssize_t w;
	int rc = AML_EXIT_FAIL;

	if (aml_afile_open(&af, path, 0600, 1) < 0) {
		aml_err("%s:", path);
		goto done;
	}
	s[n] = '\n';	/* the NUL becomes the final newline */
	n++;
	while (off < n) {
		if ((w = write(af.fd, s + off, n - off)) < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			aml_err("write %s:", path);
			aml_afile_abort(&af);
			goto done;
		}
		off += (size_t)w;
	}
	if (aml_afile_commit(&af) < 0)
		aml_err("%s:", path);
	else
		rc = 0;
done:
	aml_wipe(s, n);
	free(s);
	free(path);
	return rc;
}

int
aml_config_remove(const char *name)
{
	char *path = aml_config_path(name);
	int rc = 0;

	if (unlink(path) < 0 && errno != ENOENT) {
		aml_err("%s:", path);
		rc = AML_EXIT_FAIL;
	}
	free(path);
	return rc;
}
