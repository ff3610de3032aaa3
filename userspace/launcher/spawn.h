/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting the UML kernel: the private run directory, locating the kernel,
 * module and init, building the kernel command line, and tearing it all
 * down again.
 */
#ifndef UMLRUN_SPAWN_H
#define UMLRUN_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "options.h"
#include "ring.h"

struct uml {
	char kernel[4096];
	char module[4096];
	char init[4096];
	char rundir[4096];
	char *load;		/* umlinit's KCMD_LOAD value, or NULL */
	pid_t pid;		/* the UML kernel process (its own session) */
	int chan;		/* our end of the channel socketpair */
	int console;		/* read end of the kernel's stdout/stderr */
	int console_in;		/* write end of its stdin, which nothing writes */
	int net_fd;		/* the guest's end of the network, or -1 */
	struct ring ring;	/* the output ring (ring.hdr NULL without) */
};

/* The kernel and init a run would use (resolved); 0 or -errno. */
int spawn_default_kernel(const struct options *o, char *buf, size_t len);
int spawn_default_init(const struct options *o, char *buf, size_t len);
/* Resolve kernel, module and init paths from options; dies on failure. */
void spawn_locate(struct uml *u, const struct options *o);
/* Make the run directory and start the kernel; dies on failure. */
void spawn_start(struct uml *u, const struct options *o);
/* Kill the kernel and everything it started, reap it; idempotent. */
void spawn_kill(struct uml *u);
/* Remove the run directory; idempotent, safe from die(). */
void spawn_cleanup(struct uml *u);

#endif
