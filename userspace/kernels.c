// SPDX-License-Identifier: GPL-2.0
/*
 * Kernels built on demand: `--kernel-tree DIR` runs scripts/build-kernel.sh
 * --tree DIR (cached by commit, uncommitted changes, fragments and module;
 * incremental between commits) and takes the kernel and module from the
 * directory it prints. Its progress is relayed with -v and otherwise shown
 * only when the build fails, so a build failure is one more umlrun failure
 * (exit 125, which `git bisect run` takes as "skip"). --list-kernels and
 * --prune-kernels hand over to the same script.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernels.h"
#include "log.h"
#include "util.h"

#define KERNELS_TAIL_LINES 25

/*
 * The build script: UMLRUN_BUILD_KERNEL, else next to the launcher in a
 * source tree (./scripts), else where `make install` puts it.
 */
static void kernels_script(char *out, size_t len)
{
	static const char *const rel[] = {
		"scripts/build-kernel.sh",
		"../lib/umlrun/scripts/build-kernel.sh",
	};
	const char *env = getenv("UMLRUN_BUILD_KERNEL");
	char exe[PATH_MAX];
	ssize_t n;
	size_t i;
	char *slash;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		die_errno("readlink /proc/self/exe");
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		snprintf(out, len, "%s/%s", exe, rel[i]);
		if (access(out, X_OK) == 0)
			return;
	}
	die("cannot find build-kernel.sh next to %s (set UMLRUN_BUILD_KERNEL)",
	    exe);
}

void kernels_exec_script(const char *arg)
{
	char script[PATH_MAX + 64];

	kernels_script(script, sizeof(script));
	execl(script, script, arg, (char *)NULL);
	die_errno("cannot run %s", script);
}

/* Keep the last lines of the build's progress; print them with -v. */
struct kernels_tail {
	char *line[KERNELS_TAIL_LINES];
	unsigned int next;
	char part[512];
	size_t plen;
};

static void kernels_tail_line(struct kernels_tail *t)
{
	t->part[t->plen] = 0;
	t->plen = 0;
	info("%s", t->part);
	free(t->line[t->next % KERNELS_TAIL_LINES]);
	t->line[t->next % KERNELS_TAIL_LINES] = strdup(t->part);
	t->next++;
}

static void kernels_tail_feed(struct kernels_tail *t, const char *buf,
			      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || t->plen == sizeof(t->part) - 1)
			kernels_tail_line(t);
		if (buf[i] != '\n')
			t->part[t->plen++] = buf[i];
	}
}

static void kernels_tail_dump(struct kernels_tail *t)
{
	unsigned int i;
	char *s;

	if (t->plen)
		kernels_tail_line(t);
	for (i = 0; i < KERNELS_TAIL_LINES; i++) {
		s = t->line[(t->next + i) % KERNELS_TAIL_LINES];
		if (s && !log_verbose)
			warn("build: %s", s);
	}
}

static void kernels_tail_free(struct kernels_tail *t)
{
	unsigned int i;

	for (i = 0; i < KERNELS_TAIL_LINES; i++)
		free(t->line[i]);
}

/*
 * The build runs in its own process group; if umlrun is told to stop while
 * it runs, the whole build (make and compilers) stops with it.
 */
static volatile pid_t kernels_build_pid;

static void kernels_on_signal(int sig)
{
	if (kernels_build_pid > 0)
		kill(-kernels_build_pid, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void kernels_catch(void (*fn)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = fn };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

void kernels_build_tree(const char *tree, char *dir, size_t len)
{
	char script[PATH_MAX + 64], buf[4096];
	struct kernels_tail tail = { 0 };
	int out[2], err[2], status, devnull, open_fds = 2;
	size_t dlen = 0;
	struct pollfd p[2];
	ssize_t n;
	pid_t pid;

	kernels_script(script, sizeof(script));
	info("building the kernel of %s with %s", tree, script);
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		die_errno("pipe");
	kernels_catch(kernels_on_signal);
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* The build never reads the caller's stdin (the command's). */
		devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(err[1], 2) < 0)
			_exit(127);
		execl(script, script, "--tree", tree, (char *)NULL);
		dprintf(2, "cannot run %s: %s\n", script, strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	kernels_build_pid = pid;
	close(out[1]);
	close(err[1]);
	p[0] = (struct pollfd){ .fd = out[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = err[0], .events = POLLIN };
	while (open_fds) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno("poll");
		}
		if (p[0].revents) {
			n = read_retry(out[0], dir + dlen, len - 1 - dlen);
			if (n > 0) {
				dlen += (size_t)n;
			} else {
				p[0].fd = -1;
				open_fds--;
			}
		}
		if (p[1].revents) {
			n = read_retry(err[0], buf, sizeof(buf));
			if (n > 0) {
				kernels_tail_feed(&tail, buf, (size_t)n);
			} else {
				p[1].fd = -1;
				open_fds--;
			}
		}
	}
	close(out[0]);
	close(err[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	kernels_build_pid = 0;
	kernels_catch(SIG_DFL);
	dir[dlen] = 0;
	while (dlen && dir[dlen - 1] == '\n')
		dir[--dlen] = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !dlen ||
	    strchr(dir, '\n')) {
		kernels_tail_dump(&tail);
		kernels_tail_free(&tail);
		die("the kernel of %s did not build", tree);
	}
	kernels_tail_free(&tail);
	info("kernel of %s: %s", tree, dir);
}
