/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --gdb: the kernel under gdb on the caller's terminal. gdb runs outside
 * the sandbox as the launcher's child and starts the kernel through
 * `umlrun --gdb-wrapper`, which applies Landlock and the seccomp filter
 * and then executes the kernel, so the kernel keeps both layers.
 */
#ifndef UMLRUN_GDB_H
#define UMLRUN_GDB_H

#include "options.h"
#include "spawn.h"

#define GDB_WRAPPER_ARG "--gdb-wrapper"
/* Where gdb passes the kernel's stdin, console and Landlock ruleset on. */
#define GDB_STDIN_FD 7
#define GDB_CONSOLE_FD 8
#define GDB_RULESET_FD 10

/* Before the kernel starts: find symbols, write the gdb script (dies);
 * landlock: a ruleset will be at GDB_RULESET_FD. */
void gdb_prepare(const struct uml *u, const struct options *o, int landlock);
/*
 * In the kernel's child, with the kernel's fds 0-6 in place: move them
 * for gdb, put the terminal on 0-2 and execute gdb. Returns only on
 * failure, with errno set.
 */
void gdb_exec(const struct uml *u, char **argv, int ruleset);
/* `umlrun --gdb-wrapper RULESET FLAGS RUNDIR KERNEL ARGS...`: never returns. */
int gdb_wrapper_main(int argc, char **argv);
/* The terminal as it was before gdb (every exit path). */
void gdb_restore_tty(void);

#endif
