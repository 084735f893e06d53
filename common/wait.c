/* SPDX-License-Identifier: MIT */
/*
 * wait.c: how long a program may take, and how long it pauses.  -m sets
 * one deadline for the whole program: every request, retry and poll is
 * cut to what is left of it, so that neither a stalled server nor a
 * long Retry-After can hold a program past it.  The pauses between
 * retries and polls grow by doubling up to a cap, with a little jitter
 * so that many programs throttled together do not come back together,
 * and a server's own Retry-After is honoured instead.  Durations are
 * read one way everywhere: 90, 90s, 5m, 1h, 2d.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "aml.h"

static int64_t deadline;	/* monotonic ms; 0: none */
static long limit_ms;

int64_t
aml_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
aml_deadline_set(long ms)
{
	limit_ms = ms;
	deadline = ms > 0 ? aml_now_ms() + ms : 0;
}

long
aml_deadline_left(void)
{
	int64_t left;

	if (!deadline)
		return LONG_MAX;
	left = deadline - aml_now_ms();
	return left > 0 ? (long)left : 0;
}

long
aml_deadline_limit(void)
{
	return deadline ? limit_ms : 0;
}

long
aml_duration_ms(const char *s)
{
	char *end;
	double v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v > 0))
		return -1;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		;
	else if (!strcmp(end, "m"))
		v *= 60;
	else if (!strcmp(end, "h"))
		v *= 3600;
	else if (!strcmp(end, "d"))
		v *= 86400;
	else
		return -1;
	if (v > AML_DURATION_MAX)
		return -1;
	v *= 1000;
	return v < 1 ? 1 : (long)v;
}

int
aml_duration_opt(const char *opt, const char *arg, long *ms)
{
	if ((*ms = aml_duration_ms(arg)) < 0) {
		aml_err("%s %s: not a duration (90, 90s, 5m, 1h, 2d; at most 366d)", opt, arg);
		return -1;
	}
	return 0;
}

void
aml_fmt_duration(char *buf, size_t n, long ms)
{
	if (ms < 1000)
		snprintf(buf, n, "%ld ms", ms);
	else if (ms % 1000 == 0 || ms >= 10000)
		snprintf(buf, n, "%ld s", (ms + 500) / 1000);
	else
		snprintf(buf, n, "%.1f s", ms / 1000.0);
}

void
aml_backoff_init(struct aml_backoff *b, long first_ms, long cap_ms, int jitter)
{
	/* A cap below the first step makes every pause the cap. */
	b->cap_ms = cap_ms > 0 ? cap_ms : 0;
	b->next_ms = first_ms < 0 ? 0 : first_ms < b->cap_ms ? first_ms : b->cap_ms;
	b->jitter = jitter;
}

/* +-20%: far enough apart to spread a herd, near enough to predict. */
static long
jittered(long ms)
{
	unsigned short j;

	if (getrandom(&j, sizeof j, 0) != sizeof j)
		return ms;
	return (long)((int64_t)ms * (80 + j % 41) / 100);
}

long
aml_backoff_next(struct aml_backoff *b, long hint_ms)
{
	long ms, left = aml_deadline_left();

	if (hint_ms >= 0) {
		ms = hint_ms;
	} else {
		ms = b->jitter ? jittered(b->next_ms) : b->next_ms;
		b->next_ms = b->next_ms > b->cap_ms / 2 ? b->cap_ms : b->next_ms * 2;
	}
	/* A pause that would end past the deadline only delays the news. */
	return ms < left ? ms : -1;
}
