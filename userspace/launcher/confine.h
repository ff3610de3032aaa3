/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's own confinement once the kernel runs: no exec, no file
 * writes but in the run directory, no new sockets beyond what -n needs.
 */
#ifndef UMLRUN_CONFINE_H
#define UMLRUN_CONFINE_H

/*
 * Confine the calling process for good (Landlock where available,
 * capabilities dropped, a seccomp filter); net is -n. 0 or -errno.
 * Open every file it will still write before.
 */
int confine_launcher(const char *rundir, int net);

#endif
