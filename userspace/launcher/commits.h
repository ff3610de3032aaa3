/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --commits A..B with --kernel-tree: the run once per commit of the
 * range, oldest first, and a verdict for each (commits.c).
 */
#ifndef UMLRUN_COMMITS_H
#define UMLRUN_COMMITS_H

#include "plan.h"
#include "result.h"

/* One run of a plan, as main does it; returns its exit status. */
typedef int (*commits_run_fn)(struct plan *p, struct result *r);

/*
 * Run p once per commit of its --commits range (each in a child, as if
 * --commit named it), one line per commit on stderr as it finishes, a
 * table at the end and a row per commit in --result-json. Returns 0 when
 * every commit built, booted and ran its command with status 0 (and, with
 * --splat-is-failure, without a splat), 1 when one did not, 125 when the
 * range cannot be listed.
 */
int commits_run(struct plan *p, commits_run_fn run);

#endif
