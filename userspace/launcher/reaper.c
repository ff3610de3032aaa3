// SPDX-License-Identifier: GPL-2.0
/*
 * Nothing of a run survives it, however it ends (reaper.h). A run's
 * directory and cgroup are locked with flock(2) for as long as the run
 * lives (the lock goes with the last fd of it, so with the launcher, and
 * a pid that is reused means nothing); a new directory is made under a
 * hidden name and renamed once locked, so no other run ever sees it
 * unlocked. The reaper is forked before the kernel and detached (its own
 * session: the terminal's signals are not for it); it holds the read end
 * of a pipe whose write end only the launcher has, and when that pipe
 * ends (the launcher exited, however) it kills what is left in the
 * cgroup and removes the cgroup and the run directory, if the launcher
 * did not. The launcher, on its way out, waits for it to be done, so no
 * process of the run outlives umlrun.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "reaper.h"
#include "sandbox.h"
#include "util.h"

/* A half-made directory is this old before another run takes it as dead. */
#define REAPER_NEW_AGE 60
/* A cgroup, which cannot be made under a hidden name, this old. */
#define REAPER_CGROUP_AGE 10

static int reaper_go = -1;	/* write end: EOF lets the reaper go */
static int reaper_alive = -1;	/* read end: EOF when the reaper is done */

int reaper_rm_tree(int dirfd, const char *name)
{
	struct dirent *d;
	DIR *dir;
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				 O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -ENOMEM;
	}
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			reaper_rm_tree(fd, d->d_name);
	closedir(dir);
	return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

int reaper_rm_cgroup(const char *path)
{
	char procs[PATH_MAX + 32], buf[4096], *p, *end;
	int i, err = -EBUSY, fd;
	ssize_t n;
	long pid;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	for (i = 0; i < 1000 && err == -EBUSY; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		err = -errno;
		fd = open(procs, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read_retry(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		for (p = buf; (pid = strtol(p, &end, 10)) > 0; p = end)
			kill((pid_t)pid, SIGKILL);
		usleep(1000);
	}
	return err;
}

int reaper_lock(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return 0;	/* the fd stays open: the lock lasts the run */
}

/* Is entry name of dir a dead run's (not locked, made long enough ago)? */
static int reaper_dead(DIR *dir, const char *name, int min_age)
{
	struct stat st;
	int fd, dead;

	if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode) || (geteuid() && st.st_uid != geteuid()) ||
	    (min_age && time(NULL) - st.st_ctime < min_age))
		return 0;
	fd = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);
	if (fd < 0)
		return 0;
	dead = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return dead;
}

/* Is s "<pid>-XXXXXX", as a run names its directory after the prefix? */
static int reaper_run_name(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n && s[n] == '-' && strlen(s + n + 1) == 6;
}

void reaper_reap(const char *base, const char *prefix, int cgroup)
{
	char hidden[64], path[PATH_MAX * 2];
	size_t plen = strlen(prefix);
	struct dirent *d;
	DIR *dir;

	snprintf(hidden, sizeof(hidden), ".%snew-", prefix);
	dir = opendir(base);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		/* only names a run makes: PREFIX<pid>-XXXXXX */
		if (!strncmp(d->d_name, prefix, plen) &&
		    reaper_run_name(d->d_name + plen)) {
			if (!reaper_dead(dir, d->d_name, cgroup ? REAPER_CGROUP_AGE : 0))
				continue;
		} else if (!strncmp(d->d_name, hidden, strlen(hidden)) &&
			   reaper_run_name(d->d_name + strlen(hidden))) {
			if (!reaper_dead(dir, d->d_name, REAPER_NEW_AGE))
				continue;
		} else {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", base, d->d_name);
		info("removing what a dead run left: %s", path);
		if (cgroup)
			reaper_rm_cgroup(path);
		else
			reaper_rm_tree(dirfd(dir), d->d_name);
	}
	closedir(dir);
}

int reaper_mkdir(const char *base, const char *prefix, char *out, size_t len)
{
	char tmp[PATH_MAX];
	int err;

	reaper_reap(base, prefix, 0);
	snprintf(tmp, sizeof(tmp), "%s/.%snew-%d-XXXXXX", base, prefix, (int)getpid());
	if (!mkdtemp(tmp))
		return -errno;
	err = reaper_lock(tmp);
	if (!err && snprintf(out, len, "%s/%s%d-%s", base, prefix, (int)getpid(),
			     strrchr(tmp, '-') + 1) >= (int)len)
		err = -ENAMETOOLONG;
	if (!err && rename(tmp, out) < 0)
		err = -errno;
	if (err)
		rmdir(tmp);
	return err;
}

/* The reaper itself: wait for the launcher to go, then clean up. */
static void reaper_run(int go, int alive, const char *rundir, const char *cgroup)
{
	char c;

	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	setsid();
	/* Out of the way of fds 3 and 4 first (one may be the other's
	 * target). */
	go = fcntl(go, F_DUPFD_CLOEXEC, 10);
	alive = fcntl(alive, F_DUPFD_CLOEXEC, 10);
	if (go < 0 || alive < 0 ||
	    chdir("/") < 0 || dup2(go, 3) < 0 || dup2(alive, 4) < 0 ||
	    sandbox_close_range(5, ~0U))
		_exit(1);
	while (read(3, &c, 1) < 0 && errno == EINTR)
		;
	/* The launcher is gone, or has cleaned up itself. */
	if (cgroup)
		reaper_rm_cgroup(cgroup);
	if (access(rundir, F_OK) == 0)
		reaper_rm_tree(AT_FDCWD, rundir);
	_exit(0);
}

void reaper_start(const char *rundir, const char *cgroup)
{
	int go[2], alive[2], status;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(alive, O_CLOEXEC) < 0)
		die_errno("pipe");
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		/* Detach: the reaper's parent exits at once. */
		if (fork() != 0)
			_exit(0);
		close(go[1]);
		close(alive[0]);
		reaper_run(go[0], alive[1], rundir, cgroup);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	close(go[0]);
	close(alive[1]);
	reaper_go = go[1];
	reaper_alive = alive[0];
}

void reaper_done(void)
{
	char c;

	if (reaper_go < 0)
		return;
	close(reaper_go);
	reaper_go = -1;
	while (read(reaper_alive, &c, 1) < 0 && errno == EINTR)
		;
	close(reaper_alive);
	reaper_alive = -1;
}
