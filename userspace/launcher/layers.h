/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which isolation layers a run has, and the refusal of a run that would
 * silently miss one: the kernel layer (umlrun's hostfs write policy, with
 * module loading closed and lockdown raised by umlinit) and the host layer
 * (Landlock and the seccomp filter on the kernel process).
 */
#ifndef UMLRUN_LAYERS_H
#define UMLRUN_LAYERS_H

#include "options.h"

/* Does the kernel binary carry umlrun's hostfs write policy? 1, 0, or
 * -errno when it cannot be read. */
int layers_kernel_policy(const char *kernel);
/* Before boot: die (125) with one line when a layer is missing and the
 * user did not give it up with --drop-layer. */
void layers_require(const struct options *o, const char *kernel);

#endif
