/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's own confinement once the kernel runs: no exec, no file
 * writes but in the run directory, no new sockets beyond what -n needs.
 */
#ifndef UMLRUN_CONFINE_H
#define UMLRUN_CONFINE_H

#include <stddef.h>

/*
 * Confine the calling process for good (Landlock where available,
 * capabilities dropped, a seccomp filter); net is -n. 0 or -errno.
 * Open every file it will still write before.
 */
int confine_launcher(const char *rundir, int net);

/*
 * Confine a helper that reads what the guest or an archive controls (the
 * --coverage report, --root's tar2sqfs) as the kernel is: read the host
 * but its /dev, execute only the system's program directories and the ne
 * paths in exec, write only beneath the nw paths in rw (executing nothing
 * there), no TCP, no new socket, no signal outside. 0 or -errno.
 */
int confine_tool(const char *const *exec, size_t ne, const char *const *rw,
		 size_t nw);
/*
 * Confine a build of code a guest could have written (--module-src): as
 * confine_tool, but read only the system's directories, the ne paths in
 * exec, the nr in ro and the nw in rw: the host's other files (a key, a
 * password file) cannot go into what it builds. 0 or -errno.
 */
int confine_build(const char *const *exec, size_t ne, const char *const *ro,
		  size_t nr, const char *const *rw, size_t nw);

#endif
