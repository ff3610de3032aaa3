/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a run did: one object, made by main, filled in by the event loop and
 * the console as things happen (passed down, no global), read at the end
 * for the exit status, --result-json and --junit.
 */
#ifndef UMLRUN_RESULT_H
#define UMLRUN_RESULT_H

#include <stdio.h>

#include "proto.h"
#include "splat.h"
#include "tap.h"

struct kunit;

struct result {
	int status;			/* umlrun's own exit status */
	int exited;			/* the command exited with exit_code */
	int exit_code;
	int signal;			/* the command was killed by it, or 0 */
	int timed_out;
	int panic;
	char error[PROTO_MAX_ERRMSG + 512];		/* umlrun's (or the guest's) complaint */
	long long start_ms, hello_ms, end_ms;	/* CLOCK_MONOTONIC */
	unsigned long long bytes_stdin, bytes_stdout, bytes_stderr;
	struct tap *tap;		/* --junit: reads the command's stdout
					 * (with --kunit: the suites' KTAP) */
	struct kunit *kunit;		/* --kunit: reads the console's KTAP */
	struct splats splats;		/* the kernel's splats, from the console */
};

long long result_now_ms(void);
/* s as a JSON string (quoted, escaped) on f. */
void result_json_str(FILE *f, const char *s);
/* --junit: make path now, as a new file (dies if it cannot; follow:
 * --follow-links), read stdout as TAP. */
void result_tests_start(struct result *r, const char *path, const char *name,
			int follow);
/* The run is over: write the JUnit XML; returns 0 or -errno. */
int result_tests_end(struct result *r);
/*
 * Open path for the outcome and note the kernel's release (it runs the
 * kernel binary), before the launcher gives up opening files and
 * executing; returns 0 or -errno.
 */
int result_open(const char *path, const char *kernel, int follow);
/* Write result as JSON to the file opened; 0 (also when none) or -errno. */
int result_write(const struct result *r, const char *kernel);

#endif
