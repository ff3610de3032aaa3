// SPDX-License-Identifier: GPL-2.0
/*
 * The two isolation layers of a run and the refusal of a run that would
 * proceed without one. The kernel layer is umlrun's hostfs patch (the
 * host-side write policy, hostfs_rw=), whose help text every patched UML
 * binary carries; umlinit checks the rest of it in the guest (module
 * loading closed, lockdown raised) before the command runs. The host layer
 * is Landlock on the kernel process (the seccomp filter goes with it and
 * needs nothing from the host).
 */
#define _GNU_SOURCE
#include <string.h>

#include "kmodes.h"
#include "landlock.h"
#include "layers.h"
#include "log.h"

/* The __uml_setup help text of patches/.../0002-hostfs-*.patch. */
#define LAYERS_POLICY_MARK "hostfs_rw=<dir>[:<dir>...]"

int layers_kernel_policy(const char *kernel)
{
	return kmodes_binary_has(kernel, LAYERS_POLICY_MARK);
}

void layers_require(const struct options *o, const char *kernel)
{
	int policy;

	if (o->drop_landlock)
		info("--drop-layer landlock: only the kernel's hostfs write policy guards the host");
	else if (!landlock_abi())
		die("this host offers no Landlock (Linux 5.13 or later, lsm=...,landlock), so only the kernel's write policy would guard it; --drop-layer landlock runs anyway");
	if (o->drop_kernel)
		return;
	policy = layers_kernel_policy(kernel);
	if (policy < 0)
		die("cannot read kernel %s: %s", kernel, strerror(-policy));
	if (!policy)
		die("kernel %s lacks umlrun's hostfs write policy (a stock kernel, or a tree the patch did not apply to): guest root could write every file you can; --drop-layer kernel runs it with Landlock alone",
		    kernel);
}
