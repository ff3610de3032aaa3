/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host resource bounds for one run: the host processes the kernel and the
 * guest may create (a pids cgroup, else RLIMIT_NPROC), no core dumps of
 * the kernel process, and its working directory in the run directory.
 */
#ifndef UMLRUN_BOUNDS_H
#define UMLRUN_BOUNDS_H

#include <sys/types.h>

/*
 * Before the kernel's fork: make the bound of max_procs host tasks (0:
 * none). Dies when no mechanism can hold it for this caller.
 */
void bounds_prepare(unsigned long max_procs, const char *rundir);
/* In the kernel's child, before exec: apply it all; 0 or -errno. */
int bounds_child(void);
/* After exec: dies if the kernel holds capabilities that void the bound. */
void bounds_check_kernel(pid_t pid);
/* Our cgroup and the one it lives in, or NULL (for the confinement). */
const char *bounds_cgroup_dir(void);
const char *bounds_cgroup_parent(void);
/* Once the kernel and its processes are reaped: remove the cgroup. */
void bounds_cleanup(void);

#endif
