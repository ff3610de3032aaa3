// SPDX-License-Identifier: GPL-2.0
/*
 * --commits A..B with --kernel-tree DIR: what ktest's patchcheck and
 * kworkflow do for a patch series, as umlrun runs. The range is listed by
 * git, oldest first; each commit is one run of the same plan in a child
 * of its own, as if --commit had named it: the tree is written into the
 * cache through a private index and built out of tree (build-kernel.sh's
 * export_commit, incremental from the previous commit, cached per
 * commit), booted, and the command run, its output passing through (its
 * stdin is /dev/null: one stdin cannot feed many commands). The
 * child says how its run went through a pipe (the build's reason when it
 * did not build, else the result's status, panic and splats); the parent
 * prints one line per commit as it finishes, a table at the end, a row
 * per commit in --result-json, and exits 0 only when every commit passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commits.h"
#include "hostpath.h"
#include "kernels.h"
#include "log.h"
#include "util.h"

/* The most commits one run takes (a typo such as v5.0..HEAD would be
 * tens of thousands of builds). */
#define COMMITS_MAX 1000
#define COMMITS_SUBJECT 72

struct commit {
	char sha[41];
	char subject[COMMITS_SUBJECT + 1];
	int built, ran, booted, panic, exited, exit_code, signal, timed_out;
	int status;			/* umlrun's exit status for it */
	unsigned long splats;
	char why[512];			/* a build that failed: its reason */
	char splat[160];		/* the first splat's line */
};

/* git -C tree ARGS...: its stdout (malloc'd, NUL-ended), or NULL. */
static char *commits_git(const char *tree, char *const *args, int *status)
{
	char *argv[16] = { "git", "-C", (char *)tree };
	size_t n = 3, len = 0, cap = 0;
	char *out = NULL, *nb;
	int p[2], fd;
	ssize_t r;
	pid_t pid;

	while (*args && n < ARRAY_SIZE(argv) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno("pipe");
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(127);
		execvp("git", argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			nb = realloc(out, cap);
			if (!nb)
				die("out of memory");
			out = nb;
		}
		r = read_retry(p[0], out + len, cap - len - 1);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(p[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	out[len] = 0;
	return out;
}

/* The range's commits, oldest first, with their subjects. */
static struct commit *commits_list(const char *tree, const char *range,
				   size_t *n)
{
	char *const args[] = { "log", "--reverse", "--no-color",
			       "--format=%H%x09%s", (char *)range, "--", NULL };
	struct commit *c = NULL;
	char *out, *line, *save = NULL, *tab;
	int status;

	*n = 0;
	out = commits_git(tree, args, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("--commits %s: git log in %s failed (is it a git tree with that range?)",
		    range, tree);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		tab = strchr(line, '\t');
		if (!tab || tab - line != 40)
			continue;
		if (*n == COMMITS_MAX)
			die("--commits %s: more than %d commits", range, COMMITS_MAX);
		c = realloc(c, (*n + 1) * sizeof(*c));
		if (!c)
			die("out of memory");
		memset(&c[*n], 0, sizeof(*c));
		memcpy(c[*n].sha, line, 40);
		snprintf(c[*n].subject, sizeof(c[*n].subject), "%s", tab + 1);
		splat_printable(c[*n].subject);
		(*n)++;
	}
	free(out);
	if (!*n)
		die("--commits %s: no commit in that range of %s", range, tree);
	return c;
}

/* In the child: how its run went, one line on fd. */
static void commits_report(int fd, const struct result *r, int status)
{
	dprintf(fd, "run\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%lu\t%s\n", status,
		r->exited, r->exit_code, r->signal, r->timed_out, r->panic,
		r->hello_ms > 0, r->splats.count,
		r->splats.count ? r->splats.kept[0].line : "");
}

/* In the parent: what the child said. */
static void commits_read(int fd, struct commit *c)
{
	char buf[2048], *line, *save = NULL, *f[10];
	size_t len = 0;
	ssize_t r;
	int k;

	while (len < sizeof(buf) - 1 &&
	       (r = read_retry(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	buf[len] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "build\t", 6)) {
			snprintf(c->why, sizeof(c->why), "%s", line + 6);
			continue;
		}
		if (strncmp(line, "run\t", 4))
			continue;
		f[0] = line + 4;
		for (k = 1; k < 10; k++) {
			f[k] = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
			if (f[k])
				*f[k]++ = 0;
		}
		if (!f[8])
			continue;
		c->ran = 1;
		c->built = 1;
		c->status = atoi(f[0]);
		c->exited = atoi(f[1]);
		c->exit_code = atoi(f[2]);
		c->signal = atoi(f[3]);
		c->timed_out = atoi(f[4]);
		c->panic = atoi(f[5]);
		c->booted = atoi(f[6]);
		c->splats = strtoul(f[7], NULL, 10);
		snprintf(c->splat, sizeof(c->splat), "%s", f[9] ? f[9] : "");
	}
}

/* What the run of c amounts to, in a few words. */
static const char *commits_exit(const struct commit *c, char *buf, size_t len)
{
	if (!c->ran)
		return "-";
	if (c->timed_out)
		return "timeout";
	if (c->signal)
		snprintf(buf, len, "signal %d", c->signal);
	else if (c->exited)
		snprintf(buf, len, "%d", c->exit_code);
	else
		snprintf(buf, len, "%s", "-");
	return buf;
}

static const char *commits_boot(const struct commit *c)
{
	if (!c->ran)
		return "-";
	if (c->panic)
		return "panicked";
	return c->booted ? "booted" : "no boot";
}

/* The line of one finished commit, on stderr. */
static void commits_line(const struct commit *c, size_t i, size_t n)
{
	char ex[32];

	if (!c->ran) {
		fprintf(stderr, "umlrun: commits: [%zu/%zu] %.12s %s: did not build%s%s: FAILED\n",
			i + 1, n, c->sha, c->subject, c->why[0] ? ": " : "",
			c->why);
		return;
	}
	fprintf(stderr, "umlrun: commits: [%zu/%zu] %.12s %s: built, %s, exit %s, %lu splat%s: %s\n",
		i + 1, n, c->sha, c->subject, commits_boot(c),
		commits_exit(c, ex, sizeof(ex)), c->splats, c->splats == 1 ? "" : "s",
		c->status ? "FAILED" : "passed");
}

static void commits_table(const struct commit *c, size_t n, size_t passed)
{
	char ex[32];
	size_t i;

	fprintf(stderr, "umlrun: commits: %zu of %zu passed\n", passed, n);
	fprintf(stderr, "commit        build  boot      exit     splats  result  subject\n");
	for (i = 0; i < n; i++)
		fprintf(stderr, "%.12s  %-5s  %-8s  %-7s  %-6lu  %-6s  %s\n", c[i].sha,
			c[i].ran ? "ok" : "FAIL", commits_boot(&c[i]),
			commits_exit(&c[i], ex, sizeof(ex)), c[i].splats,
			c[i].status ? "FAIL" : "pass", c[i].subject);
}

static void commits_json_int(FILE *f, const char *name, int have, long v)
{
	if (have)
		fprintf(f, "\"%s\": %ld", name, v);
	else
		fprintf(f, "\"%s\": null", name);
}

static int commits_json(const struct plan *p, const struct commit *c, size_t n,
			int status)
{
	char why[4096 + 256];
	size_t i;
	FILE *f;
	int fd;

	fd = hostpath_create(p->o.result_json, p->o.follow_links, why, sizeof(why));
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		warn("cannot write %s: %s", p->o.result_json, fd < 0 ? why : strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"schema\": \"umlrun-commits/1\",\n  \"exit_status\": %d,\n", status);
	fprintf(f, "  \"range\": ");
	result_json_str(f, p->o.commits);
	fprintf(f, ",\n  \"tree\": ");
	result_json_str(f, p->o.kernel_tree);
	fprintf(f, ",\n  \"commits\": [\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "    {\"commit\": \"%s\", \"subject\": ", c[i].sha);
		result_json_str(f, c[i].subject);
		fprintf(f, ", \"built\": %s, \"build_error\": ", c[i].ran ? "true" : "false");
		if (c[i].ran || !c[i].why[0])
			fprintf(f, "null");
		else
			result_json_str(f, c[i].why);
		fprintf(f, ", \"booted\": %s, \"panic\": %s, ",
			c[i].ran && c[i].booted ? "true" : "false",
			c[i].panic ? "true" : "false");
		commits_json_int(f, "exit_code", c[i].ran && c[i].exited, c[i].exit_code);
		fprintf(f, ", ");
		commits_json_int(f, "signal", c[i].signal, c[i].signal);
		fprintf(f, ", \"timed_out\": %s, \"splat_count\": %lu, \"first_splat\": ",
			c[i].timed_out ? "true" : "false", c[i].splats);
		if (c[i].splats)
			result_json_str(f, c[i].splat);
		else
			fprintf(f, "null");
		fprintf(f, ", \"exit_status\": %d, \"passed\": %s}%s\n", c[i].status,
			c[i].status ? "false" : "true", i + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	if (fclose(f) < 0) {
		warn("cannot write %s: %s", p->o.result_json, strerror(errno));
		return -1;
	}
	return 0;
}

int commits_run(struct plan *p, commits_run_fn run)
{
	struct commit *c;
	size_t n, i, passed = 0;
	int pfd[2], wstatus, status;
	pid_t pid;

	c = commits_list(p->o.kernel_tree, p->o.commits, &n);
	info("commits: %zu in %s", n, p->o.commits);
	for (i = 0; i < n; i++) {
		if (pipe2(pfd, O_CLOEXEC) < 0)
			die_errno("pipe");
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			die_errno("fork");
		if (pid == 0) {
			struct result r = { 0 };

			/* the series' run goes with its parent */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			signal(SIGINT, SIG_DFL);
			signal(SIGQUIT, SIG_DFL);
			close(pfd[0]);
			/* one stdin for many commands: none gets it */
			p->o.no_stdin = 1;
			kernels_failure_fd = pfd[1];
			p->o.commit = c[i].sha;
			p->o.commits = NULL;
			p->o.result_json = NULL;
			r.start_ms = result_now_ms();
			status = run(p, &r);
			commits_report(pfd[1], &r, status);
			exit(status);
		}
		close(pfd[1]);
		/* Ctrl-C is the command's to see (the child forwards it) */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		commits_read(pfd[0], &c[i]);
		close(pfd[0]);
		while (waitpid(pid, &wstatus, 0) < 0)
			if (errno != EINTR)
				die_errno("waitpid");
		if (WIFEXITED(wstatus))
			status = WEXITSTATUS(wstatus);
		else
			status = 128 + WTERMSIG(wstatus);
		c[i].status = status;
		if (!status)
			passed++;
		commits_line(&c[i], i, n);
		/* Ctrl-C (or a SIGTERM) stops the series, not only the commit */
		if ((WIFSIGNALED(wstatus) &&
		     (WTERMSIG(wstatus) == SIGINT || WTERMSIG(wstatus) == SIGTERM)) ||
		    status == 128 + SIGINT || status == 128 + SIGTERM)
			break;
	}
	n = i < n ? i + 1 : n;
	commits_table(c, n, passed);
	status = passed == n ? 0 : 1;
	if (p->o.result_json)
		commits_json(p, c, n, status);
	free(c);
	return status;
}
