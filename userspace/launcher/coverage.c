// SPDX-License-Identifier: GPL-2.0
/*
 * --coverage DIR, the launcher's half: the kernel gets a writable
 * directory in the run directory (on its hostfs write policy and named by
 * umlrun.coverage=), into which umlinit writes the kernel's gcov data
 * (a tar of the .gcda files under /sys/kernel/debug/gcov) after the command; then
 * scripts/coverage.sh turns it into DIR/coverage.info (lcov) and
 * DIR/html/ (genhtml). The launcher confines itself while the kernel runs
 * and can execute nothing afterwards, so that step is done by a helper
 * forked before the kernel starts: not our child (so the teardown, which
 * kills every child, leaves it alone), it waits on a pipe for the data's
 * path and exits without doing anything if the launcher dies first.
 * The data is the guest's (a guest root writes what it likes there), so
 * the helper confines itself before it runs the script as the kernel
 * process is confined (landlock_confined, sandbox_enter): it may write
 * only beneath the data's directory and DIR, execute only the system's
 * programs and the script, no TCP, no new socket, no signal or abstract
 * socket outside, and it has no fd but 0-2 and the done pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "coverage.h"
#include "hostpath.h"
#include "kernels.h"
#include "landlock.h"
#include "kcmdline.h"
#include "log.h"
#include "options.h"
#include "sandbox.h"
#include "util.h"

#define COVERAGE_SUBDIR "/coverage"
/* DIR in the helper: its fd 5 */
#define COVERAGE_OUT "/proc/self/fd/5"

static int coverage_go = -1;	/* write end: the data's path, then EOF */
static int coverage_done = -1;	/* read end: EOF when the helper is done */

/* The helper: wait for the path, confine itself, run the script, exit. */
static void coverage_helper(const char *script, const char *show, int outfd,
			    int go, int done)
{
	char path[PATH_MAX + 1];
	ssize_t n;
	int fd, err;

	/* A Ctrl-C meant for the command does not stop the report. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGWINCH, SIG_DFL);
	/* Out of the way of fds 0-5 first: one of them may be among
	 * those, and a dup2 below would close it before it is moved. */
	go = fcntl(go, F_DUPFD_CLOEXEC, 10);
	done = fcntl(done, F_DUPFD_CLOEXEC, 10);
	outfd = fcntl(outfd, F_DUPFD_CLOEXEC, 10);
	/* stdout is the command's: the report's messages go to stderr. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (go < 0 || done < 0 || outfd < 0 ||
	    fd < 0 || dup2(fd, 0) < 0 || dup2(2, 1) < 0 ||
	    dup2(go, 3) < 0 || dup2(done, 4) < 0 || dup2(outfd, 5) < 0 ||
	    sandbox_close_range(6, ~0U))
		_exit(127);
	n = read_retry(3, path, sizeof(path) - 1);
	if (n <= 1 || path[n - 1] != '\n')
		_exit(0);	/* the launcher is gone, or the run failed */
	path[n - 1] = 0;
	close(3);
	{
		const char *exec[] = { script }, *rw[] = { path, COVERAGE_OUT };

		/* DIR as the fd opened without following a link (fd 5,
		 * which the script and its programs inherit): a link the
		 * guest plants for DIR meanwhile leads nowhere. */

		err = confine_tool(exec, 1, rw, 2);
	}
	if (err) {
		dprintf(2, "umlrun: coverage: cannot confine the report: %s\n",
			strerror(-err));
		_exit(127);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	/* fd 4 stays open in the script: the launcher waits for its EOF. */
	execl(script, script, path, COVERAGE_OUT, log_verbose ? "-v" : "-q",
	      show, (char *)NULL);
	dprintf(2, "umlrun: coverage: cannot run %s: %s\n", script,
		strerror(errno));
	_exit(127);
}

void coverage_prepare(const struct options *o)
{
	char script[PATH_MAX + 64], out[PATH_MAX], why[PATH_MAX + 256];
	int go[2], done[2], status, outfd;
	const char *env;
	pid_t pid;

	if (!o->coverage)
		return;
	/* For the tests of the confinement: a script that misbehaves. */
	env = options_env("UMLRUN_COVERAGE_SCRIPT");
	if (env && *env)
		snprintf(script, sizeof(script), "%s", env);
	else if (kernels_lib_path("scripts/coverage.sh", script, sizeof(script)))
		die("cannot find scripts/coverage.sh next to the launcher");
	if (mkdir(o->coverage, 0777) < 0 && errno != EEXIST)
		die_errno("--coverage %s", o->coverage);
	outfd = hostpath_open(o->coverage, O_PATH | O_DIRECTORY, o->follow_links,
			      why, sizeof(why));
	if (outfd < 0)
		die("--coverage %s: %s", o->coverage, why);
	if (hostpath_real(outfd, out, sizeof(out)) < 0 ||
	    access(out, W_OK | X_OK) < 0)
		die_errno("--coverage %s", o->coverage);
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(done, O_CLOEXEC) < 0)
		die_errno("pipe");
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		/* Detach: the helper's parent exits at once. */
		pid = fork();
		if (pid != 0)
			_exit(pid < 0 ? 127 : 0);
		coverage_helper(script, o->coverage, outfd, go[0], done[1]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("cannot start the coverage helper");
	close(go[0]);
	close(done[1]);
	close(outfd);
	coverage_go = go[1];
	coverage_done = done[0];
	info("coverage: the report goes to %s", out);
}

char *coverage_kernel_args(const char *rundir, char *hostfs_rw,
			   char **param)
{
	char dir[PATH_MAX];
	char *s;
	size_t i;

	snprintf(dir, sizeof(dir), "%s" COVERAGE_SUBDIR, rundir);
	/* On the command line unquoted and unescaped: plain bytes only. */
	for (i = 0; dir[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789/._-", dir[i]))
			die("--coverage: the run directory %s has bytes the kernel command line cannot carry: set UMLRUN_RUNDIR",
			    rundir);
	if (mkdir(dir, 0700) < 0)
		die_errno("mkdir %s", dir);
	if (asprintf(param, KCMD_COVERAGE "=%s", dir) < 0 ||
	    asprintf(&s, "%s%s%s", hostfs_rw ? hostfs_rw : "hostfs_rw=",
		     hostfs_rw ? ":" : "", dir) < 0)
		die("out of memory");
	free(hostfs_rw);
	return s;
}

void coverage_finish(const char *rundir)
{
	char path[PATH_MAX + 16], c;
	ssize_t n;

	if (coverage_go < 0)
		return;
	n = snprintf(path, sizeof(path), "%s" COVERAGE_SUBDIR "\n", rundir);
	if (write_all(coverage_go, path, (size_t)n) < 0)
		warn("coverage: the helper is gone: %s", strerror(errno));
	close(coverage_go);
	coverage_go = -1;
	/* The helper and the script hold the other end until they exit. */
	do
		n = read_retry(coverage_done, &c, 1);
	while (n > 0);
	close(coverage_done);
	coverage_done = -1;
}
