/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's optional modes a run chooses between: UML's virtual time
 * (--time-travel) and, on kernels that offer it, the seccomp process mode,
 * which umlrun never uses. Both are found by the help text the binary
 * carries for their boot parameters.
 */
#ifndef UMLRUN_KMODES_H
#define UMLRUN_KMODES_H

#include <stddef.h>

#include "options.h"

/* The kernel binary mapped read-only (munmap it, *len bytes), or NULL
 * with -errno in *err. */
void *kmodes_map(const char *kernel, size_t *len, int *err);
/* Does the kernel binary contain the bytes of mark? 1, 0, or -errno when
 * it cannot be read. */
int kmodes_binary_has(const char *kernel, const char *mark);
/* Append the mode parameters of this run to argv[n..max-1], return the
 * new count; dies (125) before boot when --time-travel cannot work or
 * UMLRUN_KERNEL_ARGS asks for the seccomp process mode. */
int kmodes_args(const struct options *o, const char *kernel, char **argv,
		int n, int max);

#endif
