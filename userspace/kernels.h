/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernels built on demand from a user's Linux tree, and the kernel cache.
 */
#ifndef UMLRUN_KERNELS_H
#define UMLRUN_KERNELS_H

#include <stddef.h>

/*
 * Build (or find in the cache) the kernel of the Linux tree at tree; put
 * the directory holding `linux` and `hostexec.ko` in dir. Dies (exit 125)
 * when the tree does not build.
 */
void kernels_build_tree(const char *tree, char *dir, size_t len);
/* Replace the process with build-kernel.sh ARG (--list or --prune). */
void kernels_exec_script(const char *arg) __attribute__((noreturn));

#endif
