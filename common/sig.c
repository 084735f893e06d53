/* SPDX-License-Identifier: MIT */
/*
 * sig.c: Ctrl-C that cancels cleanly.  A program that must undo
 * something when interrupted (stop polling a device code, cancel a
 * job) catches the signal, lets the HTTP layer abort the transfer in
 * progress, cleans up, and then dies of the same signal, so that the
 * shell that started it sees an interrupted program and stops too.
 *
 * A program that has not caught the signals still must not leave a
 * half-written temporary file behind when one ends it: io.c names its
 * temporary files here, and a handler removes them and lets the
 * signal end the program as it would have.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aml.h"

#define MAXTMP 8

volatile sig_atomic_t aml_signalled;
static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ };
static const char *volatile tmps[MAXTMP];

static void
onsig(int sig)
{
	aml_signalled = sig;
}

/* Remove the temporary files, then die of the signal: unlink(2),
 * signal(2) and raise(3) are safe in a handler. */
static void
ondeath(int sig)
{
	int saved = errno;

	for (size_t i = 0; i < MAXTMP; i++)
		if (tmps[i])
			unlink(tmps[i]);
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

/* A signal ignored when the program started (a background job of a
 * non-interactive shell) stays ignored, as it would without us; one
 * the program catches stays the program's. */
static void
install(void (*fn)(int), int n, int only_default)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < n; i++) {
		if (sigaction(sigs[i], NULL, &old) < 0 || old.sa_handler == SIG_IGN ||
		    (only_default && old.sa_handler != SIG_DFL))
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

void
aml_catch_signals(void)
{
	install(onsig, 3, 0);	/* INT, TERM, HUP: the program cleans up */
}

void
aml_sig_tmpfile(const char *path, int keep)
{
	static int installed;
	size_t i;

	if (!keep) {
		for (i = 0; i < MAXTMP; i++)
			if (tmps[i] == path)
				tmps[i] = NULL;
		return;
	}
	if (!installed++)
		install(ondeath, (int)(sizeof sigs / sizeof sigs[0]), 1);
	for (i = 0; i < MAXTMP; i++)
		if (!tmps[i]) {
			tmps[i] = path;
			return;
		}
}

void
aml_resignal(void)
{
	int sig = aml_signalled;

	if (!sig)
		return;
	fflush(stdout);
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

int
aml_sleep_ms(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return aml_signalled ? -1 : 0;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0) {
		if (errno != EINTR || aml_signalled)
			break;
	}
	return aml_signalled ? -1 : 0;
}
