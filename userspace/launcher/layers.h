/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which isolation layers a run has, and the refusal of a run that would
 * silently miss one: the kernel layer (umlrun's kernel patches: the hostfs
 * write policy, no set-id bits or device nodes through hostfs, a panic on
 * a failed stub call; with module loading closed and lockdown raised by
 * umlinit) and the host layer (Landlock and the seccomp filter on the
 * kernel process).
 */
#ifndef UMLRUN_LAYERS_H
#define UMLRUN_LAYERS_H

#include <stddef.h>

#include "options.h"

/* How many of the patches the kernel layer rests on the kernel binary
 * lacks (0: it has them all), each named in what ("hostfs write policy
 * (patch 0002), ...") and what it guards against in risk; -errno when the
 * binary cannot be read. */
int layers_kernel_missing(const char *kernel, char *what, size_t what_len,
			  char *risk, size_t risk_len);
/* Before boot: die (125) with one line when a layer is missing and the
 * user did not give it up with --drop-layer. */
void layers_require(const struct options *o, const char *kernel);

#endif
