/* SPDX-License-Identifier: MIT */
/* wbuf.c: a buffered writer.  Filters write tens of millions of small
 * pieces; stdio's per-call locking would dominate, so they come here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aml.h"

/* Onto a file: 128 KiB, cat's size, reused for the whole output.  A
 * buffer's pages are faulted in at first use, 16 us each on the
 * benchmark machine: 1 MiB cost a filter 4 ms on a 3 MB definition, for
 * fewer writes that did not make the pipeline faster (bench/README.md). */
#define WBUF_FDSIZE (1u << 17)

void
aml_wbuf_init(struct aml_wbuf *w, int fd)
{
	w->fd = fd;
	w->err = 0;
	w->len = 0;
	w->cap = fd >= 0 ? WBUF_FDSIZE : 256;
	w->buf = aml_xmalloc(w->cap);
}

void
aml_wbuf_free(struct aml_wbuf *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

static void
drain(struct aml_wbuf *w)
{
	size_t off = 0;
	ssize_t r;

	while (off < w->len && !w->err) {
		r = write(w->fd, w->buf + off, w->len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			w->err = r < 0 ? errno : EIO;
		else
			off += (size_t)r;
	}
	w->len = 0;
}

void
aml_wput_slow(struct aml_wbuf *w, const void *p, size_t n)
{
	if (w->fd < 0) {
		size_t cap = w->cap;

		while (cap - w->len < n + 1)
			cap = cap * 2;
		if (cap != w->cap) {
			w->buf = aml_xrealloc(w->buf, cap);
			w->cap = cap;
		}
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		return;
	}
	drain(w);
	if (n >= w->cap) {
		/* Large pieces go straight out rather than through the buffer. */
		const char *s = p;
		ssize_t r;

		while (n && !w->err) {
			r = write(w->fd, s, n);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				w->err = r < 0 ? errno : EIO;
			else
				s += r, n -= (size_t)r;
		}
		return;
	}
	memcpy(w->buf, p, n);
	w->len = n;
}

int
aml_wroom(struct aml_wbuf *w, size_t n)
{
	size_t cap = w->cap;

	if (w->cap - w->len >= n)
		return 0;
	if (w->fd >= 0) {
		if (n > w->cap)
			return -1;
		drain(w);
		return 0;
	}
	while (cap - w->len < n + 1)
		cap = cap * 2;
	w->buf = aml_xrealloc(w->buf, cap);
	w->cap = cap;
	return 0;
}

int
aml_wflush(struct aml_wbuf *w)
{
	if (w->fd >= 0)
		drain(w);
	if (w->err) {
		errno = w->err;
		return -1;
	}
	return 0;
}

void
aml_wprintf(struct aml_wbuf *w, const char *fmt, ...)
{
	char small[256], *s = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof small) {
		s = aml_xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	aml_wput(w, s, (size_t)n);
	if (s != small)
		free(s);
}

char *
aml_wbuf_take(struct aml_wbuf *w)
{
	char *s;

	aml_wputc(w, '\0');
	s = w->buf;
	w->buf = NULL;
	w->len = w->cap = 0;
	return s;
}
