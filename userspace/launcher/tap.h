/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --junit: a streaming TAP/KTAP reader for the command's stdout, which is
 * untrusted, and the JUnit XML it makes. (tests/unit/tap.h is another
 * thing: the TAP the unit tests print.)
 */
#ifndef UMLRUN_TAP_PARSER_H
#define UMLRUN_TAP_PARSER_H

#include <stddef.h>
#include <stdio.h>

/* Everything the guest can make us keep is bounded by these. */
#define TAP_LINE_MAX 4096	/* longer lines: the rest is dropped */
#define TAP_MAX_DEPTH 8		/* nesting levels, the top one included */
#define TAP_NAME_MAX 256	/* bytes of a test or suite name */
#define TAP_DIAG_MAX 8192	/* bytes of diagnostics kept per test */
#define TAP_MAX_CASES 50000	/* test cases listed (all are counted) */
#define TAP_MAX_SUITES 10000
#define TAP_ARENA_MAX (16u << 20)	/* all names and diagnostics */
#define TAP_MAX_PLAN 1000000	/* a bigger plan is not taken as one */

struct tap_counts {
	unsigned long long passed, failed, skipped, errors;
	unsigned long long omitted;	/* counted but not listed in the XML */
};

struct tap;

/* A reader whose top-level suites are called name; NULL without memory. */
struct tap *tap_new(const char *name);
void tap_free(struct tap *t);
/* Some more of the stream; now_ms times the tests. */
void tap_feed(struct tap *t, const void *buf, size_t len, long long now_ms);
/*
 * The stream ended: why is NULL when the command exited, else what cut the
 * run short ("timed out", "kernel panic: ..."). Tests planned and not run
 * become errors saying so.
 */
void tap_end(struct tap *t, const char *why, long long now_ms);
void tap_get_counts(const struct tap *t, struct tap_counts *c);
/* The JUnit XML; returns 0 or -errno. */
int tap_write_junit(const struct tap *t, FILE *f);

#endif
