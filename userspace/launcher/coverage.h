/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --coverage DIR: the kernel's gcov data out of the guest and into an
 * lcov report on the host (coverage.c; umlinit's half is init_coverage.c).
 */
#ifndef UMLRUN_COVERAGE_H
#define UMLRUN_COVERAGE_H

#include "options.h"

/* Before the kernel starts (and the launcher confines itself): make DIR,
 * start the helper that will write the report. Dies (125) on failure;
 * nothing without --coverage. */
void coverage_prepare(const struct options *o);
/*
 * The kernel's side: make RUNDIR/coverage, add it to the hostfs write
 * policy hostfs_rw (a "hostfs_rw=..." string or NULL, freed) and return
 * the new one; *param is the umlrun.coverage= parameter for umlinit.
 */
char *coverage_kernel_args(const char *rundir, char *hostfs_rw, char **param);
/* After the run: hand the guest's data to the helper and wait until the
 * report is written (or has failed, which the helper says on stderr). */
void coverage_finish(const char *rundir);

#endif
