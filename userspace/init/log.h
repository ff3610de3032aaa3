/* SPDX-License-Identifier: GPL-2.0 */
/*
 * umlinit's logging, its frames to the host and its fatal path (log.c):
 * the one unit every other part of the init calls and that calls none.
 */
#ifndef UMLRUN_INIT_LOG_H
#define UMLRUN_INIT_LOG_H

#include <stddef.h>

/* The channel to the host, /dev/hostexec, once open; -1 before. */
extern int init_chan;

/* Log one line to the kernel log (/dev/kmsg), never to the command's streams. */
void init_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Report an infrastructure failure: log it, send ERROR with the exit status
 * to the host if the channel is up, sync and power off. Never returns.
 */
void init_fatal(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* Send one frame; on channel failure the machine powers off. */
void init_send(unsigned int type, unsigned int flags, const void *payload,
	       size_t len);
/* Write one encoded frame, waiting while the host is busy; 0 or -errno. */
int init_send_frame(const void *frame, size_t len);
void init_poweroff(void) __attribute__((noreturn));

#endif
