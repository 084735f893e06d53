/* SPDX-License-Identifier: MIT */
/*
 * sig.c: Ctrl-C that cancels cleanly.  A program that must undo
 * something when interrupted (stop polling a device code, cancel a
 * job) catches the signal, lets the HTTP layer abort the transfer in
 * progress, cleans up, and then dies of the same signal, so that the
 * shell that started it sees an interrupted program and stops too.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aml.h"

volatile sig_atomic_t aml_signalled;

static void
onsig(int sig)
{
	aml_signalled = sig;
}

/* A signal ignored when the program started (a background job of a
 * non-interactive shell) stays ignored, as it would without us. */
void
aml_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onsig;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
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
