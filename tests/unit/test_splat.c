// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel splat scanner (userspace/launcher/splat.c): which
 * first lines are splats and of which kind, and that the console split at every
 * offset (one byte at a time too) gives the same splats as in one piece.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "splat.h"
#include "tap.h"

static void kind_is(const char *line, const char *want)
{
	const char *got = splat_classify(line);

	ok(want ? got && !strcmp(got, want) : !got, "'%s' is %s", line,
	   want ? want : "no splat");
}

static void test_classify(void)
{
	kind_is("WARNING: CPU: 0 PID: 1 at a.c:1 f+0x0/0x1", "warning");
	kind_is("[    1.234567] WARNING: CPU: 0 PID: 1 at a.c:1 f", "warning");
	kind_is("[    1.234567][    T1] BUG: KASAN: slab-out-of-bounds", "kasan");
	kind_is("BUG: KFENCE: out-of-bounds read", "kfence");
	kind_is("WARNING: possible circular locking dependency detected", "lockdep");
	kind_is("WARNING: suspicious RCU usage", "lockdep");
	kind_is("WARNING: inconsistent lock state", "lockdep");
	kind_is("rcu: INFO: rcu_sched detected stalls on CPUs/tasks:", "rcu-stall");
	kind_is("INFO: rcu_tasks detected stalls on tasks:", "rcu-stall");
	kind_is("rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: {", "rcu-stall");
	kind_is("watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:1]", "soft-lockup");
	kind_is("INFO: task sh:1 blocked for more than 120 seconds.", "hung-task");
	kind_is("UBSAN: array-index-out-of-bounds in a.c:1:2", "ubsan");
	kind_is("BUG: scheduling while atomic: sh/1/0x00000002", "bug");
	kind_is("kernel BUG at mm/slub.c:1!", "bug");
	kind_is("Oops: 0000 [#1]", "oops");
	kind_is("------------[ cut here ]------------", NULL);
	kind_is("Call Trace:", NULL);
	kind_is("rcu: INFO: not stalled", NULL);
	kind_is("INFO: task sh:1 is fine", NULL);
	kind_is(" BUG: indented", NULL);
	kind_is("x WARNING: CPU: 0", NULL);
	kind_is("[not a time] BUG: x", NULL);
	kind_is("", NULL);
}

static const char console[] =
	"booting\n[    0.1] BUG: KASAN: use-after-free in f\r\nx\n"
	"WARNING: CPU: 0 PID: 2 at a.c:1 g\n\nUBSAN: tail without newline";

static void scan(struct splats *s, size_t split, int bytewise)
{
	size_t i, n = sizeof(console) - 1;

	memset(s, 0, sizeof(*s));
	if (bytewise) {
		for (i = 0; i < n; i++)
			splat_feed(s, console + i, 1);
	} else {
		splat_feed(s, console, split);
		splat_feed(s, console + split, n - split);
	}
	splat_flush(s);
}

static int same(const struct splats *a, const struct splats *b)
{
	unsigned long i;

	if (a->count != b->count)
		return 0;
	for (i = 0; i < a->count && i < SPLAT_KEEP; i++)
		if (strcmp(a->kept[i].kind, b->kept[i].kind) ||
		    strcmp(a->kept[i].line, b->kept[i].line))
			return 0;
	return 1;
}

static struct splats whole, part;

static void test_split(void)
{
	size_t split, bad = 0;

	scan(&whole, 0, 0);
	is_int(whole.count, 3, "three splats in the console");
	ok(!strcmp(whole.kept[0].line, "BUG: KASAN: use-after-free in f"),
	   "timestamp and CR off: '%s'", whole.kept[0].line);
	ok(!strcmp(whole.kept[2].kind, "ubsan"), "a last line without newline counts");
	for (split = 0; split < sizeof(console); split++) {
		scan(&part, split, 0);
		bad += !same(&whole, &part);
	}
	is_int(bad, 0, "split at every offset: the same splats");
	scan(&part, 0, 1);
	ok(same(&whole, &part), "one byte at a time: the same splats");
}

int main(void)
{
	test_classify();
	test_split();
	return done_testing();
}
