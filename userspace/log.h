/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Launcher diagnostics: every line goes to stderr with the "umlrun: "
 * prefix, so stdout carries the command's output and nothing else.
 */
#ifndef UMLRUN_LOG_H
#define UMLRUN_LOG_H

/* Exit status of umlrun's own failures (as docker run). */
#define EXIT_UMLRUN 125
#define EXIT_TIMEOUT 124

extern int log_verbose;

void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void die_errno(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with -v. */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run before die() exits: removes the run directory. */
void log_set_cleanup(void (*fn)(void));

#endif
