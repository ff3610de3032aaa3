/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run's plan: what the user's options amount to, made from them once,
 * in one place (plan.c), and read by everything that starts the run. The
 * options themselves stay as the user said them.
 */
#ifndef UMLRUN_PLAN_H
#define UMLRUN_PLAN_H

#include "options.h"
#include "proto.h"

struct plan {
	/*
	 * The options with what they imply: -p and --host-loopback turn
	 * the network on, --allow-modules and --coverage give the kernel
	 * layer up, --coverage builds the coverage flavour, --swap is one
	 * more disk, --gdb on a terminal takes the command's stdin; after
	 * plan_prepare, --root's image is a disk, cwd is set and a working
	 * directory below /tmp is shown read-only. Its arrays are its own.
	 */
	struct options o;
	struct proto_mount root;	/* --root's entry, kind NULL without */
};

/* Derive the plan from the user's options: no I/O, no failure but
 * out of memory (the config files' judge compares two of these). */
void plan_derive(const struct options *user, struct plan *p);
/* Root, working directory and what they add (files are read; dies on a
 * bad --root). */
void plan_prepare(struct plan *p);
/* Bytes the run directory must hold: the memory file and the disks. */
unsigned long long plan_rundir_bytes(const struct options *o);
void plan_free(struct plan *p);

#endif
