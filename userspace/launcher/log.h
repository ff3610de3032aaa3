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
/* log_escape() writes at most this many bytes per input byte. */
#define LOG_ESCAPE_MAX 4

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
/*
 * Guest text made safe to show: printable ASCII, tab and newline stay,
 * carriage returns go, every other byte (and the backslash) becomes \xNN.
 * dst holds LOG_ESCAPE_MAX * n bytes; returns the length written.
 */
size_t log_escape(char *dst, const char *src, size_t n);

#endif
