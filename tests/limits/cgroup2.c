// SPDX-License-Identifier: GPL-2.0
/*
 * userspace/launcher/bounds.c on cgroup v2, for tests/limits.t: the build
 * hosts have pids on v1 only, so this runs in the guest, whose root has a v2
 * hierarchy with pids. It prepares a bound of 64 as the launcher does,
 * forks a "kernel" that joins it (bounds_child()) and tries 100 children,
 * then cleans up, printing what it saw: the cgroup it made, the one the
 * child was in, its working directory, how many forks worked, and
 * whether the cgroup is gone at the end.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bounds.h"

int main(int argc, char **argv)
{
	char rundir[] = "/tmp/umlrun-1-XXXXXX", buf[512];
	const char *dir;
	int st, n = 0;
	pid_t pid;
	FILE *f;

	if (!mkdtemp(rundir))
		return 1;
	bounds_prepare(64, rundir);
	dir = bounds_cgroup_dir();
	printf("cgroup %s\n", dir ? dir + strlen("/sys/fs/cgroup") : "none");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (bounds_child() < 0)
			_exit(1);
		f = fopen("/proc/self/cgroup", "r");
		if (!f || !fgets(buf, sizeof(buf), f))
			_exit(1);
		printf("joined %s", buf);
		printf("cwd %s\n", getcwd(buf, sizeof(buf)) ? buf : "?");
		while (n < 100 && (pid = fork()) >= 0) {
			if (pid == 0) {
				pause();
				_exit(0);
			}
			n++;
		}
		printf("forked %d\n", n);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	bounds_cleanup();
	printf("removed %s\n", dir && access(dir, F_OK) ? "yes" : "no");
	rmdir(rundir);
	return 0;
}
