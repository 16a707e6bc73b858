/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Daemon control shared by the tools: start (spawn the daemon detached and wait until it
 * answers), stop (and wait until it is gone), reload.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ods/common.pb-c.h"

#define START_WAIT_MS 30000
#define START_POLL_MS 200
#define START_CALL_MS 2000

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static bool
is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The daemon next to this program, else the first one in PATH. */
static bool
find_daemon(const char *daemon, char *out, size_t n)
{
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (len > 0) {
		self[len] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(out, n, "%s/%s", self, daemon) < n &&
			    is_executable(out))
				return true;
		}
	}
	const char *path = getenv("PATH");
	while (path && *path) {
		size_t dirlen = strcspn(path, ":");
		if (dirlen > 0 &&
		    (size_t)snprintf(out, n, "%.*s/%s", (int)dirlen, path, daemon) < n &&
		    is_executable(out))
			return true;
		path += dirlen;
		if (*path == ':')
			path++;
	}
	return false;
}

/* Where the daemon's stderr goes: its log in its working directory when it logs to stderr. */
static int
open_log(const struct cli *c, char *path, size_t n)
{
	const struct ods_conf *conf = c->conf;
	const char *dir = c->kind == CONF_SVC_SIGNER ? conf->signer.working_dir
	                                              : conf->enforcer.working_dir;
	int fd = -1;

	if (conf->syslog_facility == NULL && dir &&
	    (size_t)snprintf(path, n, "%s/%s.log", dir, c->daemon) < n)
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(path, n, "/dev/null");
		fd = open(path, O_WRONLY | O_CLOEXEC);
	}
	return fd;
}

/* fork + setsid + exec, with stdin from /dev/null and stdout/stderr to log_fd. Only
 * async-signal-safe calls happen in the child: the RPC client has threads. */
static pid_t
spawn(const char *exe, const char *conf_path, int log_fd)
{
	char *args[] = {(char *)exe, (char *)"-c", (char *)conf_path, NULL};
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		if (null_fd >= 0)
			dup2(null_fd, STDIN_FILENO);
		if (log_fd >= 0) {
			dup2(log_fd, STDOUT_FILENO);
			dup2(log_fd, STDERR_FILENO);
		}
		execv(exe, args);
		_exit(127);
	}
	if (null_fd >= 0)
		close(null_fd);
	return pid;
}

/* 1 when Health says ready, 0 when it answers not ready or does not answer yet. */
static int
poll_health(struct cli *c)
{
	Ods__HealthRequest rq = ODS__HEALTH_REQUEST__INIT;
	Ods__HealthReply *r = NULL;
	struct diag d;

	if (cli_call_quiet(c, "Health", &rq.base, &ods__health_reply__descriptor,
	                   (ProtobufCMessage **)&r, &d, NULL) != ODS_OK)
		return 0;
	int ready = r->ready ? 1 : 0;
	ods__health_reply__free_unpacked(r, NULL);
	return ready;
}

static int
wait_started(struct cli *c, pid_t pid, const char *log)
{
	int64_t saved = c->timeout_ms;
	int status;

	c->timeout_ms = START_CALL_MS;
	for (long waited = 0; waited < START_WAIT_MS; waited += START_POLL_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			c->timeout_ms = saved;
			fprintf(stderr,
			        "Error: Daemon reported a failure starting. Please consult the "
			        "logfiles.\n");
			fprintf(stderr, "%s exited with status %d (log: %s)\n", c->daemon,
			        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			        log);
			return CLI_EXIT_FAIL;
		}
		if (poll_health(c)) {
			c->timeout_ms = saved;
			if (c->verbose)
				printf("%s started, pid %d\n", c->daemon, (int)pid);
			return CLI_EXIT_OK;
		}
		sleep_ms(START_POLL_MS);
	}
	c->timeout_ms = saved;
	fprintf(stderr,
	        "Error: %s (pid %d) is not ready after %d s; please consult the logfiles "
	        "(%s)\n",
	        c->daemon, (int)pid, START_WAIT_MS / 1000, log);
	return CLI_EXIT_FAIL;
}

int
cli_start(struct cli *c)
{
	Ods__HealthRequest rq = ODS__HEALTH_REQUEST__INIT;
	Ods__HealthReply *r = NULL;
	char exe[PATH_MAX], log[PATH_MAX];
	struct diag d;
	bool unreachable;

	if (cli_prepare(c) != ODS_OK)
		return CLI_EXIT_FAIL;
	ods_err rc = cli_call_quiet(c, "Health", &rq.base, &ods__health_reply__descriptor,
	                            (ProtobufCMessage **)&r, &d, &unreachable);
	if (rc == ODS_OK) {
		ods__health_reply__free_unpacked(r, NULL);
		printf("Engine already running.\n");
		return CLI_EXIT_FAIL;
	}
	/* Only nothing listening means nothing runs: a daemon that refused our TLS or did not
	 * answer in time is there, and a second one must not be started beside it. */
	if (!unreachable || rc != ODS_EUNAVAIL) {
		fprintf(stderr, "Error: %s%s%s\n", d.where, d.where[0] ? ": " : "", d.msg);
		return CLI_EXIT_FAIL;
	}
	if (!find_daemon(c->daemon, exe, sizeof(exe))) {
		fprintf(stderr, "Error: cannot find %s next to %s or in PATH\n", c->daemon,
		        c->prog);
		return CLI_EXIT_FAIL;
	}
	int log_fd = open_log(c, log, sizeof(log));
	pid_t pid = spawn(exe, c->conf->path, log_fd);
	if (log_fd >= 0)
		close(log_fd);
	if (pid < 0) {
		fprintf(stderr, "Error: cannot start %s: %s\n", exe, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	return wait_started(c, pid, log);
}

/* Which daemon answers Health: its pid and host; false when none does. */
static bool
whoami(struct cli *c, int32_t *pid, char *host, size_t n)
{
	Ods__HealthRequest rq = ODS__HEALTH_REQUEST__INIT;
	Ods__HealthReply *r = NULL;
	struct diag d;

	if (cli_call_quiet(c, "Health", &rq.base, &ods__health_reply__descriptor,
	                   (ProtobufCMessage **)&r, &d, NULL) != ODS_OK)
		return false;
	*pid = r->pid;
	snprintf(host, n, "%s", r->hostname);
	ods__health_reply__free_unpacked(r, NULL);
	return true;
}

/* Stop answers before the daemon has drained and exited: wait until that daemon no longer
 * answers (another one of an endpoint list answering counts as gone), so that `stop; start`
 * does not find it still running. */
static void
wait_stopped(struct cli *c, int32_t pid, const char *host)
{
	int64_t saved = c->timeout_ms;
	char h[256];
	int32_t p;

	long waited = 0;

	c->timeout_ms = START_CALL_MS;
	for (; waited < START_WAIT_MS; waited += START_POLL_MS) {
		if (!whoami(c, &p, h, sizeof(h)) || p != pid || strcmp(h, host) != 0)
			break;
		sleep_ms(START_POLL_MS);
	}
	c->timeout_ms = saved;
	/* It stops answering RPC before it has released the rest (its HTTP port, the database,
	 * its threads): on this host, wait for the process itself, so that a `start` right
	 * after finds everything free. */
	char self[256] = "";
	(void)gethostname(self, sizeof(self) - 1);
	if (strcmp(self, host) != 0)
		return;
	for (; waited < START_WAIT_MS && kill((pid_t)pid, 0) == 0; waited += START_POLL_MS / 4)
		sleep_ms(START_POLL_MS / 4);
}

int
cli_stop(struct cli *c)
{
	Ods__StopRequest rq = ODS__STOP_REQUEST__INIT;
	ProtobufCMessage *r = NULL;
	char host[256] = "";
	int32_t pid = 0;
	bool known;

	if (cli_prepare(c) != ODS_OK)
		return CLI_EXIT_FAIL;
	known = whoami(c, &pid, host, sizeof(host));
	if (cli_call(c, "Stop", &rq.base, &ods__stop_reply__descriptor, &r) != ODS_OK)
		return CLI_EXIT_FAIL;
	protobuf_c_message_free_unpacked(r, NULL);
	if (known)
		wait_stopped(c, pid, host);
	printf("Engine shut down.\n");
	return CLI_EXIT_OK;
}

int
cli_reload(struct cli *c)
{
	Ods__ReloadRequest rq = ODS__RELOAD_REQUEST__INIT;
	ProtobufCMessage *r = NULL;

	if (cli_call(c, "Reload", &rq.base, &ods__reload_reply__descriptor, &r) != ODS_OK)
		return CLI_EXIT_FAIL;
	protobuf_c_message_free_unpacked(r, NULL);
	return CLI_EXIT_OK;
}

