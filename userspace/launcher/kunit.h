/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --kunit: KUnit's suites run at boot on a variant with them built in,
 * their KTAP taken from the kernel console and reported as results
 * (kunit.c).
 */
#ifndef UMLRUN_KUNIT_H
#define UMLRUN_KUNIT_H

#include <stddef.h>
#include <stdio.h>

#include "plan.h"
#include "result.h"

struct kunit;

/*
 * Before the kernel is built: the --kunitconfig files found (here, or in
 * the kernel's source tree), checked line by line as --kconfig is, and
 * merged as kunit.py merges them (one option with two values is refused);
 * the plan's kconfig lines then start with KUnit and the suites (kunit.py's
 * default when none is given). Dies (125) with one line on a bad one.
 */
void kunit_prepare(struct plan *p);
/* KUnit's kernel parameters for this run into argv[n..max-1]; the new
 * count. Dies (125) when the kernel lacks a filter asked for. */
int kunit_args(const struct options *o, const char *kernel, char **argv,
	       int n, int max);
/* The reader of the console's KTAP, counting into r->tap (made when
 * --junit did not); NULL without --kunit. */
struct kunit *kunit_new(const struct options *o, struct result *r);
/* Where the KTAP or the summary goes (stdout unless told; tests). */
void kunit_output(struct kunit *k, FILE *f);
/* More of the console (escaped text), as it comes. */
void kunit_feed(struct kunit *k, const char *buf, size_t len);
/*
 * The run is over with status: the summary with --kunit-summary, and the
 * status to exit with: 1 when a test failed or crashed, 125 when no KTAP
 * came, else status.
 */
int kunit_end(struct kunit *k, struct result *r, int status);

#endif
