/* SPDX-License-Identifier: MIT */
/*
 * aml-emulator: Entra ID, Resource Manager and the Azure ML services on
 * loopback, faithful to the real wire, for tests and demos.
 *
 * main.c: options, the identity it is seeded with (keys and certificate
 * files in its directory), the listening socket, --daemon and the
 * `export` lines, and a clean stop on SIGTERM.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu.h"

static int dflag, tflag;
static const char *address = "127.0.0.1";
static long port;
static char *state_file;
static int dir_owned;
static char *tls_key, *tls_cert, *ca_path;

static const struct option longopts[] = {
	{ "address", required_argument, NULL, 'a' },
	{ "daemon", no_argument, NULL, 'd' },
	{ "dir", required_argument, NULL, 'D' },
	{ "lro-ms", required_argument, NULL, 'l' },
	{ "page-size", required_argument, NULL, 'P' },
	{ "port", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "state", required_argument, NULL, 's' },
	{ "tls", no_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: %s [-dqtv] [-a address] [-D dir] [-l lro-ms] [-P page-size]\n"
	    "       [-p port] [-s state-file]\n"
	    "  -d, --daemon         serve in the background; print export lines and return\n"
	    "  -a, --address ADDR   listen on this loopback address (127.0.0.1)\n"
	    "  -p, --port N         listen on port N (0: a free port)\n"
	    "  -t, --tls            serve https with a certificate of its own CA\n"
	    "  -l, --lro-ms N       long-running operations take N ms (300)\n"
	    "  -P, --page-size N    list pages of N web services (100)\n"
	    "  -s, --state FILE     load the state from FILE, save every change to it\n"
	    "  -D, --dir DIR        write keys and certificates to DIR\n"
	    "  -q, --quiet          no warnings\n"
	    "  -v, --verbose        log requests on stderr\n"
	    "  -h, --help           this help\n"
	    "  -V, --version        print the version\n", aml_prog);
}

static long
number(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		aml_diex(AML_EXIT_USAGE, "%s: %s: not a number from %ld to %ld", what, s, lo, hi);
	}
	return v;
}

/* ---- files and directory -------------------------------------------- */

static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/')
		return aml_xstrdup(path);
	if (!getcwd(cwd, sizeof cwd))
		aml_die("getcwd:");
	return aml_xasprintf("%s/%s", cwd, path);
}

static void
make_dir(const char *path)
{
	if (path) {
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			aml_die("%s:", path);
		emu_dir = absolute(path);
	} else {
		const char *t = getenv("TMPDIR");
		char *tmpl = aml_xasprintf("%s/aml-emulator.XXXXXX", t && *t == '/' ? t : "/tmp");

		if (!mkdtemp(tmpl))
			aml_die("mkdtemp %s:", tmpl);
		emu_dir = tmpl;
		dir_owned = 1;
	}
}

static void
remove_dir(void)
{
	DIR *d;
	struct dirent *e;

	if (!dir_owned || !(d = opendir(emu_dir)))
		return;
	while ((e = readdir(d))) {
		char *p;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = aml_xasprintf("%s/%s", emu_dir, e->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(emu_dir);
}

static char *
path_in_dir(const char *name)
{
	return aml_xasprintf("%s/%s", emu_dir, name);
}

static void
write_files(void)
{
	char *pem, *p;
	const char *pub = emu_id("signingPublic");

	pem = aml_xasprintf("%s%s", emu_id("cert"), emu_id("certKey"));
	p = path_in_dir("sp-cert.pem");
	if (emu_write_file(p, pem, strlen(pem), 0600) < 0)
		aml_die("%s:", p);
	free(p);
	aml_freesecret(pem);
	p = path_in_dir("sp-cert.pfx");
	if (emu_write_pfx(p, emu_id("certKey"), emu_id("cert"), emu_id("pfxPassword")) < 0)
		aml_die("%s:", p);
	free(p);
	p = path_in_dir("signing-key.pem");
	if (emu_write_file(p, pub, strlen(pub), 0644) < 0)
		aml_die("%s:", p);
	free(p);
	if (tflag && emu_tls_make(emu_dir, address, &ca_path, &tls_key, &tls_cert) < 0)
		aml_die("%s:", ca_path);
}

/* ---- socket and exports --------------------------------------------- */

static int
listen_socket(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd, one = 1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, address, &sa.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		aml_die("socket:");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		aml_die("bind %s:%ld:", address, port);
	if (listen(fd, 512) < 0)
		aml_die("listen:");
	getsockname(fd, (struct sockaddr *)&sa, &len);
	emu_base = aml_xasprintf("%s://%s:%u", tflag ? "https" : "http", address,
	    ntohs(sa.sin_port));
	return fd;
}

static char *
exports(pid_t pid)
{
	struct aml_wbuf w;
	char buf[32], *p;

	aml_wbuf_init(&w, -1);
	snprintf(buf, sizeof buf, "%ld", (long)pid);
	emu_export(&w, "AML_EMULATOR_PID", buf);
	emu_export(&w, "AML_EMULATOR_URL", emu_base);
	emu_export(&w, "AML_ARM_ENDPOINT", emu_base);
	emu_export(&w, "AZURE_AUTHORITY_HOST", emu_base);
	emu_export(&w, "AML_IMDS_ENDPOINT", emu_base);
	emu_export(&w, "AML_CLASSIC_ENDPOINT", emu_base);
	emu_export(&w, "AZURE_TENANT_ID", emu_id("tenantId"));
	emu_export(&w, "AZURE_CLIENT_ID", emu_id("spClientId"));
	emu_export(&w, "AZURE_CLIENT_SECRET", emu_id("spSecret"));
	emu_export(&w, "AZURE_SUBSCRIPTION_ID", emu_id("subscriptionId"));
	emu_export(&w, "AML_DEMO_RG", emu_id("demoGroup"));
	emu_export(&w, "AML_DEMO_WS", emu_id("demoService"));
	emu_export(&w, "AML_EMU_CERT_CLIENT_ID", emu_id("certClientId"));
	emu_export(&w, "AML_EMU_CERT_PEM", (p = path_in_dir("sp-cert.pem")));
	free(p);
	emu_export(&w, "AML_EMU_CERT_PFX", (p = path_in_dir("sp-cert.pfx")));
	free(p);
	emu_export(&w, "AML_EMU_CERT_PFX_PASSWORD", emu_id("pfxPassword"));
	emu_export(&w, "AML_EMU_USER", emu_id("userName"));
	emu_export(&w, "AML_EMU_MI_CLIENT_ID", emu_id("miClientId"));
	emu_export(&w, "AML_EMU_IDENTITY_ENDPOINT", (p = aml_xasprintf("%s/msi/token", emu_base)));
	free(p);
	emu_export(&w, "AML_EMU_IDENTITY_HEADER", emu_id("identityHeader"));
	emu_export(&w, "AML_EMU_FEDERATED_CLIENT_ID", emu_id("fedClientId"));
	emu_export(&w, "AML_EMU_DIR", emu_dir);
	if (tflag)
		emu_export(&w, "CURL_CA_BUNDLE", ca_path);
	for (struct emu_module *m = emu_modules; m; m = m->next)
		if (m->exports)
			m->exports(&w);
	return aml_wbuf_take(&w);
}

/* ---- start and stop ------------------------------------------------- */

static void
cleanup(int stopped_server)
{
	if (stopped_server) {
		emu_state_save_now();
		remove_dir();
	}
	for (struct emu_module *m = emu_modules; m; m = m->next)
		if (m->fini)
			m->fini();
	emu_routes_fini();
	emu_log_fini();
	emu_fault_clear();
	emu_state_fini();
	emu_crypto_fini();
	if (tls_key)
		aml_freesecret(tls_key);
	free(tls_cert);
	free(ca_path);
	free(emu_base);
	free(emu_dir);
	free(state_file);
}

static void
block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void
serve_until_signal(const sigset_t *set)
{
	int sig;

	while (sigwait(set, &sig) != 0)
		;
	emu_server_stop();
	cleanup(1);
}

static void
setup(void)
{
	char *why = NULL;
	int rc = 0;

	if (state_file && (rc = emu_state_load(state_file, &why)) < 0)
		aml_diex(AML_EXIT_FAIL, "%s", why);
	if (rc == 0) {
		emu_identity_make();
		emu_state_seed();
	}
	emu_state_rebase(emu_base);
	write_files();
	emu_routes_init();
	for (struct emu_module *m = emu_modules; m; m = m->next)
		if (m->init)
			m->init();
}

static int
run_daemon(int fd, const sigset_t *set)
{
	int pfd[2], devnull;
	char msg[256] = "";
	ssize_t n;
	pid_t pid;

	if (pipe(pfd) < 0)
		aml_die("pipe:");
	fflush(NULL);
	if ((pid = fork()) < 0)
		aml_die("fork:");
	if (pid == 0) {
		close(pfd[0]);
		setsid();
		if (chdir("/") < 0)
			_exit(1);
		if (emu_server_start(fd, tls_key, tls_cert) < 0) {
			dprintf(pfd[1], "cannot start the HTTP server");
			_exit(1);
		}
		if ((devnull = open("/dev/null", O_RDWR)) >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			if (!emu_cfg.verbose)
				dup2(devnull, 2);
			close(devnull);
		}
		emu_state_save_now();
		if (write(pfd[1], "ok", 2) != 2)
			_exit(1);
		close(pfd[1]);
		serve_until_signal(set);
		return AML_EXIT_OK;
	}
	close(pfd[1]);
	close(fd);
	n = read(pfd[0], msg, sizeof msg - 1);
	close(pfd[0]);
	if (n != 2 || strncmp(msg, "ok", 2) != 0) {
		waitpid(pid, NULL, 0);
		aml_err("%s", n > 0 ? msg : "the server did not start");
		cleanup(0);
		return AML_EXIT_FAIL;
	}
	{
		char *e = exports(pid);

		fputs(e, stdout);
		free(e);
	}
	cleanup(0);
	return aml_fshut(stdout, "<stdout>");
}

int
main(int argc, char **argv)
{
	struct in_addr a;
	const char *dir = NULL;
	sigset_t set;
	int c, fd;

	aml_setprog(&argv[0]);
	while ((c = getopt_long(argc, argv, "a:dD:l:P:p:qs:tvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			address = optarg;
			break;
		case 'd':
			dflag = 1;
			break;
		case 'D':
			dir = optarg;
			break;
		case 'l':
			emu_cfg.lro_ms = number(optarg, "--lro-ms", 0, 3600000);
			break;
		case 'P':
			emu_cfg.page_size = number(optarg, "--page-size", 1, 100000);
			break;
		case 'p':
			port = number(optarg, "--port", 0, 65535);
			break;
		case 'q':
			aml_quiet = 1;
			break;
		case 's':
			free(state_file);
			state_file = absolute(optarg);
			break;
		case 't':
			tflag = emu_cfg.tls = 1;
			break;
		case 'v':
			emu_cfg.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return AML_EXIT_OK;
		case 'V':
			aml_version();
			return AML_EXIT_OK;
		default:
			usage(stderr);
			return AML_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return AML_EXIT_USAGE;
	}
	if (inet_pton(AF_INET, address, &a) != 1 || (ntohl(a.s_addr) >> 24) != 127) {
		aml_err("%s: not a loopback address (127.0.0.0/8 only)", address);
		return AML_EXIT_USAGE;
	}
	make_dir(dir);
	fd = listen_socket();
	setup();
	emu_config_initial = emu_cfg;
	block_signals(&set);
	if (dflag)
		return run_daemon(fd, &set);
	if (emu_server_start(fd, tls_key, tls_cert) < 0) {
		aml_err("cannot start the HTTP server");
		cleanup(0);
		return AML_EXIT_FAIL;
	}
	emu_state_save_now();
	{
		char *e = exports(getpid());

		fputs(e, stdout);
		fflush(stdout);
		free(e);
	}
	serve_until_signal(&set);
	return AML_EXIT_OK;
}
