/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's event loop: one poll over the channel, the kernel console,
 * stdin, the signal pipe and the network, from HELLO to the command's exit.
 */
#ifndef UMLRUN_LOOP_H
#define UMLRUN_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "result.h"
#include "spawn.h"

/* Install the launcher's signal handlers (before the kernel starts). */
void loop_signals_init(void);
/*
 * Drive one run: send the exec blob on HELLO, relay stdio, return the exit
 * status umlrun should exit with (the command's, or 124/125), and what it
 * saw in r (exit, signal, timeout, panic, error, times, bytes, splats,
 * TAP). The kernel is
 * still running on return; the caller kills it.
 */
int loop_run(struct uml *u, const struct options *o, const uint8_t *blob,
	     size_t blob_len, struct result *r);

#endif
