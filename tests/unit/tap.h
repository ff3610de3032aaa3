/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny header-only TAP producer for the C unit tests: ok(), is_int(),
 * is_mem(), diag(), an optional plan() up front or done_testing() at the
 * end. Output is plain TAP for prove; failures print the location and
 * what was got and expected as "# " comment lines. A test marked with
 * todo_start()/todo_end() is a known bug: prove reports it but does not
 * fail. done_testing() returns the exit status: 0 only if every test
 * passed and the count matched the plan.
 */
#ifndef UMLRUN_TAP_H
#define UMLRUN_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed, tap_planned = -1;
static const char *tap_todo;

static inline __attribute__((format(printf, 1, 0)))
void tap_vdiag(const char *fmt, va_list ap)
{
	char line[4096];
	char *p, *nl;

	vsnprintf(line, sizeof(line), fmt, ap);
	for (p = line; p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = 0;
		printf("# %s\n", p);
	}
	fflush(stdout);
}

static inline __attribute__((format(printf, 1, 2)))
void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
}

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Tests until todo_end() are expected to fail: a known bug, named by why. */
static inline void todo_start(const char *why)
{
	tap_todo = why;
}

static inline void todo_end(void)
{
	tap_todo = NULL;
}

static inline __attribute__((format(printf, 4, 0)))
int tap_vok(const char *file, int line, int pass, const char *fmt, va_list ap)
{
	char name[1024];

	vsnprintf(name, sizeof(name), fmt, ap);
	tap_run++;
	if (!pass && !tap_todo)
		tap_failed++;
	printf("%sok %d - %s", pass ? "" : "not ", tap_run, name);
	if (tap_todo)
		printf(" # TODO %s", tap_todo);
	printf("\n");
	if (!pass)
		printf("#   Failed test at %s line %d.\n", file, line);
	fflush(stdout);
	return pass;
}

static inline __attribute__((format(printf, 4, 5)))
int tap_ok(const char *file, int line, int pass, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(file, line, pass, fmt, ap);
	va_end(ap);
	return r;
}

static inline __attribute__((format(printf, 5, 6)))
int tap_is_int(const char *file, int line, long long got, long long want,
	       const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(file, line, got == want, fmt, ap);
	va_end(ap);
	if (!r)
		diag("  got: %lld\n  expected: %lld", got, want);
	return r;
}

/* A printable rendering of up to 64 bytes for diagnostics. */
static inline void tap_render(char *out, size_t cap, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i, o = 0;

	for (i = 0; i < n && i < 64 && o + 5 < cap; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\')
			out[o++] = (char)b[i];
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x",
					      b[i]);
	}
	if (i < n && o + 4 < cap)
		o += (size_t)snprintf(out + o, cap - o, "...");
	out[o] = 0;
}

static inline __attribute__((format(printf, 7, 8)))
int tap_is_mem(const char *file, int line, const void *got, size_t got_len,
	       const void *want, size_t want_len, const char *fmt, ...)
{
	char a[512], b[512];
	va_list ap;
	size_t i;
	int r;

	r = got_len == want_len && (!got_len || !memcmp(got, want, got_len));
	va_start(ap, fmt);
	r = tap_vok(file, line, r, fmt, ap);
	va_end(ap);
	if (r)
		return r;
	for (i = 0; i < got_len && i < want_len; i++)
		if (((const unsigned char *)got)[i] !=
		    ((const unsigned char *)want)[i])
			break;
	tap_render(a, sizeof(a), got, got_len);
	tap_render(b, sizeof(b), want, want_len);
	diag("  got: %zu bytes \"%s\"\n  expected: %zu bytes \"%s\"\n"
	     "  first difference at byte %zu",
	     got_len, a, want_len, b, i);
	return r;
}

#define ok(cond, ...) tap_ok(__FILE__, __LINE__, !!(cond), __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int(__FILE__, __LINE__, (long long)(got), (long long)(want), \
		   __VA_ARGS__)
#define is_mem(got, got_len, want, want_len, ...) \
	tap_is_mem(__FILE__, __LINE__, got, got_len, want, want_len, \
		   __VA_ARGS__)

/* Print the plan (unless given up front); returns the exit status. */
static inline int done_testing(void)
{
	if (tap_planned < 0) {
		printf("1..%d\n", tap_run);
	} else if (tap_planned != tap_run) {
		diag("planned %d tests but ran %d", tap_planned, tap_run);
		fflush(stdout);
		return 255;
	}
	if (tap_failed)
		diag("failed %d of %d tests", tap_failed, tap_run);
	fflush(stdout);
	return tap_failed > 254 ? 254 : tap_failed;
}

#endif
