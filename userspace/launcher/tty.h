/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host terminal in interactive runs: raw mode while the guest owns it,
 * restored on every way out, and its window size for the guest's pty.
 */
#ifndef UMLRUN_TTY_H
#define UMLRUN_TTY_H

#include <stdint.h>

/* Put the terminal on fd 0 in raw mode; 0 or -errno. */
int tty_raw(void);
/* Is the terminal raw now? */
int tty_raw_now(void);
/* Restore what tty_raw changed; safe to call any number of times. */
void tty_restore(void);
/* The window size of our terminal (rows, columns), 24x80 if none. */
void tty_winsize(uint32_t *rows, uint32_t *cols);

#endif
