/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a run leaves on the host must go even when the launcher is killed
 * with SIGKILL: the run directory (the guest's memory file, in RAM on
 * /dev/shm) and the pids cgroup. Each is locked (flock) by its run while
 * it lives; a small reaper process, started with the run, removes both
 * when the launcher is gone, and any later run removes those of dead runs
 * it may remove: unlocked ones, whatever pid made them.
 */
#ifndef UMLRUN_REAPER_H
#define UMLRUN_REAPER_H

#include <stddef.h>

/*
 * Make a locked directory PREFIX-PID-XXXXXX in base (mode 0700) and keep
 * its lock; its path in out. Dirs of dead runs in base (prefix, unlocked,
 * ours or any when root) are removed first. 0 or -errno.
 */
int reaper_mkdir(const char *base, const char *prefix, char *out, size_t len);
/* Remove unlocked PREFIX* directories in base that a dead run left, as
 * above; cgroup: they are cgroups (emptied, then rmdir). */
void reaper_reap(const char *base, const char *prefix, int cgroup);
/* Lock the directory at path for this run (flock, held until exit). */
int reaper_lock(const char *path);
/*
 * Start the reaper for the run directory rundir and the cgroup (or NULL):
 * a process of its own session that waits for the launcher to be gone,
 * then kills what is left in the cgroup and removes both.
 */
void reaper_start(const char *rundir, const char *cgroup);
/* The launcher has cleaned up: let the reaper go, and wait until it has. */
void reaper_done(void);
/* rm -r of name at dirfd without following symlinks; 0 or -errno. */
int reaper_rm_tree(int dirfd, const char *name);
/* Empty the cgroup at path (SIGKILL its tasks) and remove it; 0 or -errno. */
int reaper_rm_cgroup(const char *path);

#endif
