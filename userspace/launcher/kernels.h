/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernels built on demand (a user's tree, a series, variants), and the
 * kernel cache.
 */
#ifndef UMLRUN_KERNELS_H
#define UMLRUN_KERNELS_H

#include <stddef.h>

#include "options.h"

/*
 * Build (or find in the cache) the kernel o asks for: its --kernel-tree
 * (at --commit), else its --kernel-version, with its --flavour, --kconfig
 * and --kconfig-add lines; put the directory holding `linux` and `hostexec.ko`
 * in dir. Dies (exit 125) when it does not build or the options are refused.
 */
void kernels_build(const struct options *o, char *dir, size_t len);
/*
 * Run a build script (argv, its path first; what names what it builds)
 * and put what it prints on stdout in out: one line (a directory), or
 * several when lines. Dies (exit 125) when it fails or refuses, showing
 * the end of its progress or its reason. confine, when given, runs in
 * the script's process before exec (0, or -errno: it does not run).
 */
/*
 * The trees a kernel umlrun built (its directory kdir) was built in, as
 * its build-tree file names them: src and obj (PATH_MAX each); 0, or
 * -ENOENT when it has none.
 */
int kernels_build_tree(const char *kdir, char *src, char *obj);
void kernels_run(char **argv, const char *what, char *out, size_t len,
		 int lines, int (*confine)(void *), void *arg);
/* --commits: where a build that fails says why ("build\tWHY\n"), or -1. */
extern int kernels_failure_fd;
/* The directory the kernel o asks for is (or would be) in, built or not:
 * 0, or -errno when the build script cannot say. */
int kernels_where(const struct options *o, char *dir, size_t len);
/* rel (e.g. scripts/coverage.sh) beside build-kernel.sh's scripts/, in
 * the tree or installed, into out; 0 or -errno when it is not there. */
int kernels_lib_path(const char *rel, char *out, size_t len);
/* Whether build-kernel.sh can be found. */
int kernels_can_build(void);
/* Replace the process with build-kernel.sh ARG (--list or --prune). */
void kernels_exec_script(const char *arg) __attribute__((noreturn));

#endif
