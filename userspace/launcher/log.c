// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's diagnostics: die()/die_errno() for failures before the
 * kernel runs (they clean up and exit 125), warn() and info() after, and
 * the escaping of guest text before it reaches a terminal or a file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tty.h"

int log_verbose;
static void (*log_cleanup)(void);

void log_set_cleanup(void (*fn)(void))
{
	log_cleanup = fn;
}

static void log_line(const char *fmt, va_list ap, const char *err)
{
	char line[2048], *p;
	int n;

	n = snprintf(line, sizeof(line), "umlrun: ");
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (err) {
		n = (int)strlen(line);
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s", err);
	}
	/* One line, whatever a path or value in it holds. */
	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	/* A raw terminal stays raw (the run goes on): end the line with
	 * CR LF there, so it does not staircase. die() restores it. */
	fprintf(stderr, "%s%s", line, tty_raw_now() ? "\r\n" : "\n");
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(fmt, ap, NULL);
	va_end(ap);
	if (log_cleanup)
		log_cleanup();
	exit(EXIT_UMLRUN);
}

void die_errno(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	log_line(fmt, ap, err);
	va_end(ap);
	if (log_cleanup)
		log_cleanup();
	exit(EXIT_UMLRUN);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(fmt, ap, NULL);
	va_end(ap);
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_line(fmt, ap, NULL);
	va_end(ap);
}

size_t log_escape(char *dst, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *d = dst;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		if ((c >= 0x20 && c < 0x7f && c != '\\') || c == '\n' ||
		    c == '\t') {
			*d++ = (char)c;
		} else if (c != '\r') {
			*d++ = '\\';
			*d++ = 'x';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
	}
	return (size_t)(d - dst);
}
