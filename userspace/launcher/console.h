/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's console as the launcher sees it (console.c): read as the
 * loop polls it, escaped once, kept in a ring, written to --log and -v,
 * scanned for splats; on failure its last lines and the panic reason.
 */
#ifndef UMLRUN_CONSOLE_H
#define UMLRUN_CONSOLE_H

#include <stddef.h>

#include "options.h"
#include "splat.h"

/* The console the ring keeps: this much of its (escaped) end. */
#define CONSOLE_RING (64u << 10)
/* console_read() without a bound: until the console has nothing more. */
#define CONSOLE_ALL ((size_t)-1)

struct console {
	int *fd;		/* the kernel's console; -1 once it closed */
	int log_fd;		/* --log, or -1 */
	size_t log_len;		/* bytes written to it */
	char ring[CONSOLE_RING];
	size_t ring_pos;
	int ring_wrapped;
	struct splats *splats;	/* the run's result's, fed as it comes */
	struct kunit *kunit;	/* --kunit's KTAP reader, or NULL */
};

/* Open the --log file (before the launcher is confined). */
void console_open_log(const struct options *o);
/* Start keeping the console *fd (closed and set to -1 at its end). */
void console_init(struct console *c, int *fd, struct splats *splats);
/* Read what the console holds now, at most max bytes. */
void console_read(struct console *c, size_t max);
/* On failure: the last kernel lines, unless -v showed them already. */
void console_tail(struct console *c);
/* Did the kernel panic? Then its reason, printable, into why. */
int console_panic(struct console *c, char *why, size_t len);
/* Did the kernel say its memory file's filesystem ran out of space? */
int console_out_of_space(struct console *c);
/*
 * At the end of the run: read the rest (a kernel still printing cannot
 * hold us here: one ring at most), report the splats, close --log.
 */
void console_finish(struct console *c);

#endif
