// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the TAP/KTAP reader behind --junit: the input is
 * the command's stdout, fed in writes whose sizes come from its first
 * bytes, then ended with or without a reason, and the JUnit XML written
 * to /dev/null. Any crash, leak or sanitizer report is a bug; so is a
 * report that lists more cases than were counted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct tap_counts c;
	size_t off, n, step;
	struct tap *t;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (size < 2)
		return 0;
	step = (size_t)data[0] * 7 + 1;
	t = tap_new("fuzz");
	if (!t)
		return 0;
	for (off = 2; off < size; off += n) {
		n = size - off < step ? size - off : step;
		tap_feed(t, data + off, n, (long long)off);
	}
	tap_end(t, data[1] & 1 ? "timed out" : NULL, (long long)size);
	tap_get_counts(t, &c);
	if (c.omitted > c.passed + c.failed + c.skipped + c.errors)
		abort();
	tap_write_junit(t, devnull);
	tap_free(t);
	return 0;
}
