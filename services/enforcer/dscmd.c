/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DelegationSignerSubmitCommand / DelegationSignerRetractCommand: the configured command line
 * runs through /bin/sh with the DNSKEY records on stdin, as in OpenDNSSEC. When the command
 * line ends in " --cka_id", that word is dropped and each record gets "; {cka_id = ...}".
 * Only an exit status of 0 counts as done; anything else (not found, killed, non-zero, no
 * answer within DS_CMD_TIMEOUT_S) is reported with what the command printed, and the caller
 * retries later.
 */
#define _GNU_SOURCE /* pipe2 */
#include "services/enforcer/enforcer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/base/clock.h"

#define DS_CMD_TIMEOUT_S 60
#define OUT_MAX 256
#define CKA_SUFFIX " --cka_id"

/* The command line without the suffix, and whether it was there. */
static char *
command_line(const char *cmd, bool *with_cka)
{
	size_t n = strlen(cmd), s = strlen(CKA_SUFFIX);

	*with_cka = n > s && strcmp(cmd + n - s, CKA_SUFFIX) == 0;
	return strndup(cmd, *with_cka ? n - s : n);
}

/* stdin text: each record on a line, tabs as spaces, with the locator comment if asked. */
static char *
stdin_text(const char *rrs, const char *locator, bool with_cka)
{
	size_t cap = strlen(rrs) + 2 + (with_cka ? strlen(locator) + 20 : 0);
	char *t = malloc(cap);

	if (t == NULL)
		return NULL;
	size_t j = 0;
	for (const char *p = rrs; *p; p++)
		t[j++] = *p == '\t' ? ' ' : *p;
	t[j] = '\0';
	if (with_cka)
		snprintf(t + j, cap - j, "; {cka_id = %s}", locator);
	j = strlen(t);
	snprintf(t + j, cap - j, "\n");
	return t;
}

static void
child(const char *line, int in_fd, int out_fd)
{
	dup2(in_fd, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(out_fd, STDERR_FILENO);
	close(in_fd);
	close(out_fd);
	execl("/bin/sh", "sh", "-c", line, (char *)NULL);
	_exit(127);
}

/* Feed text, collect up to OUT_MAX bytes of output, wait with a deadline. */
static int
talk(pid_t pid, int to, int from, const char *text, char *out, size_t cap)
{
	size_t len = strlen(text), sent = 0, got = 0;
	int64_t deadline = clock_mono_ms() + DS_CMD_TIMEOUT_S * 1000;
	int status = -1;

	fcntl(to, F_SETFL, O_NONBLOCK);
	while (clock_mono_ms() < deadline) {
		struct pollfd p[2] = {{from, POLLIN, 0}, {sent < len ? to : -1, POLLOUT, 0}};
		if (poll(p, 2, 100) < 0 && errno != EINTR)
			break;
		if (sent < len && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(to, text + sent, len - sent);
			sent = w > 0 ? sent + (size_t)w : len; /* a closed pipe ends the input */
			if (sent >= len)
				close(to), to = -1;
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			char buf[512];
			ssize_t r = read(from, buf, sizeof(buf));
			if (r <= 0 && waitpid(pid, &status, 0) == pid)
				break;
			for (ssize_t i = 0; i < r && got + 1 < cap; i++)
				out[got++] = buf[i] == '\n' ? ' ' : buf[i];
		}
	}
	if (to >= 0)
		close(to);
	out[got] = '\0';
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -2;
	}
	return status;
}

ods_err
enf_ds_command(const char *cmd, const char *rrs, const char *locators, struct diag *d)
{
	bool with_cka = false;
	char *line = cmd ? command_line(cmd, &with_cka) : NULL;
	char *text = line ? stdin_text(rrs, locators, with_cka) : NULL;
	char out[OUT_MAX];
	int in[2] = {-1, -1}, op[2] = {-1, -1};
	ods_err rc = ODS_OK;

	if (line == NULL || text == NULL || pipe2(in, O_CLOEXEC) != 0 ||
	    pipe2(op, O_CLOEXEC) != 0) {
		rc = diag_fail(d, ODS_EIO, "ds_command", "cannot run '%s': %s", cmd ? cmd : "",
		               cmd ? strerror(errno) : "no command configured");
		goto out;
	}
	pid_t pid = fork();
	if (pid == 0)
		child(line, in[0], op[1]);
	close(in[0]);
	close(op[1]);
	in[0] = op[1] = -1;
	if (pid < 0) {
		rc = diag_fail(d, ODS_EIO, "ds_command", "fork: %s", strerror(errno));
		goto out;
	}
	int status = talk(pid, in[1], op[0], text, out, sizeof(out));
	in[1] = -1; /* closed by talk */
	if (status == -2)
		rc = diag_fail(d, ODS_ETIMEDOUT, "ds_command", "'%s' gave no answer in %d s", line,
		               DS_CMD_TIMEOUT_S);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = diag_fail(d, ODS_EIO, "ds_command", "'%s' exited with %d: %s", line,
		               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out);
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (op[i] >= 0)
			close(op[i]);
	}
	free(line);
	free(text);
	return rc;
}
