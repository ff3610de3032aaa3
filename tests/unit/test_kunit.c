// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for --kunit's reader of the console (userspace/launcher/kunit.c):
 * a console as the kernel prints it (printk times, boot lines around the
 * KTAP, a second document from a module), fed whole and one byte at a
 * time: the KTAP comes out without its prefixes and nothing else does;
 * the counts are kunit.py's (leaves: parameters count, suites do not);
 * --kunit-summary's lines are kunit.py's; a failure makes the status 1, a
 * console without KTAP 125, and one cut short counts what is missing as
 * crashed.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kunit.h"
#include "log.h"
#include "options.h"
#include "result.h"
#include "tap.h"

static const char console[] =
	"[    0.000000] Linux version 6.12.118-umlrun\n"
	"[    0.020000] KTAP version 1\n"
	"[    0.020000] 1..1\n"
	"[    0.020000]     KTAP version 1\n"
	"[    0.020000]     # Subtest: example\n"
	"[    0.020000]     # module: kunit_example_test\n"
	"[    0.020000]     1..3\n"
	"[    0.020000]     ok 1 example_simple_test\n"
	"[    0.020000]     # example_fail: EXPECTATION FAILED at lib/x.c:1\n"
	"[    0.020000]     not ok 2 example_fail\n"
	"[    0.020000]         KTAP version 1\n"
	"[    0.020000]         # Subtest: example_params_test\n"
	"[    0.020000]         ok 1 example value 3 # SKIP unsupported\n"
	"[    0.020000]         ok 2 example value 2\n"
	"[    0.020000]     # example_params_test: pass:1 fail:0 skip:1 total:2\n"
	"[    0.020000]     ok 3 example_params_test\n"
	"[    0.020000] # example: pass:2 fail:1 skip:0 total:3\n"
	"[    0.020000] # Totals: pass:3 fail:1 skip:1 total:5\n"
	"[    0.020000] not ok 1 example\n"
	"[    0.030000] Run /init as init process\n"
	"[    0.040000] KTAP version 1\n"
	"[    0.040000] 1..1\n"
	"[    0.040000]     KTAP version 1\n"
	"[    0.040000]     # Subtest: mod\n"
	"[    0.040000]     1..1\n"
	"[    0.040000]     ok 1 mod_case\n"
	"[    0.040000] ok 1 mod\n"
	"[    0.050000] reboot: Power down\n";

/* Run the console through a reader (whole, or byte by byte); its output
 * into out, its counts into c, the status kunit_end makes of status. */
static int run(const char *text, size_t len, int summary, int bytewise,
	       int status, char *out, size_t olen, struct tap_counts *c)
{
	struct options o = { .kunit = "*", .kunit_summary = summary };
	struct result r = { 0 };
	struct kunit *k;
	FILE *f = fmemopen(out, olen, "w");
	size_t i;

	memset(out, 0, olen);
	k = kunit_new(&o, &r);
	kunit_output(k, f);
	if (bytewise)
		for (i = 0; i < len; i++)
			kunit_feed(k, text + i, 1);
	else
		kunit_feed(k, text, len);
	status = kunit_end(k, &r, status);
	fclose(f);
	tap_get_counts(r.tap, c);
	tap_free(r.tap);
	free(k);
	return status;
}

int main(void)
{
	static char out[16384], out2[16384];
	struct tap_counts c;
	int st;

	st = run(console, sizeof(console) - 1, 0, 0, 0, out, sizeof(out), &c);
	is_int(st, 1, "a failing case: status 1");
	ok(c.passed == 3 && c.failed == 1 && c.skipped == 1 && c.errors == 0,
	   "kunit.py's counts: 3 passed (a parameter among them), 1 failed, 1 skipped");
	ok(!strncmp(out, "KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: example\n", 61),
	   "the KTAP comes out without the printk prefix, indentation kept");
	ok(!strstr(out, "Linux version") && !strstr(out, "Run /init") && !strstr(out, "reboot"),
	   "nothing of the console but the KTAP");
	ok(strstr(out, "\nnot ok 1 example\nKTAP version 1\n1..1\n") != NULL,
	   "a module's document follows the built-in one");
	run(console, sizeof(console) - 1, 0, 1, 0, out2, sizeof(out2), &c);
	ok(!strcmp(out, out2) && c.passed == 3, "fed one byte at a time: the same");

	st = run(console, sizeof(console) - 1, 1, 0, 0, out, sizeof(out), &c);
	is_int(st, 1, "--kunit-summary: status 1 all the same");
	ok(strstr(out, "=================== example (3 subtests) ===================\n") != NULL,
	   "kunit.py's suite header");
	ok(strstr(out, "[PASSED] example_simple_test\n    # example_fail: EXPECTATION FAILED at lib/x.c:1\n[FAILED] example_fail\n") != NULL,
	   "a line per test, a failure after its diagnostics");
	ok(strstr(out, "=================== example_params_test  ===================\n[SKIPPED] example value 3\n[PASSED] example value 2\n=============== [PASSED] example_params_test ===============\n") != NULL,
	   "parameters under a header of their own");
	ok(strstr(out, "===================== [FAILED] example =====================\n") != NULL,
	   "the suite's footer");
	ok(strstr(out, "\nTesting complete. Ran 5 tests: passed: 3, failed: 1, skipped: 1\n") != NULL,
	   "kunit.py's last line");
	ok(!strstr(out, "KTAP version"), "no KTAP in the summary");

	st = run(console, 900, 0, 0, 125, out, sizeof(out), &c);
	is_int(st, 125, "a kernel that died in the suites: 125 stays");
	st = run(console, 1000, 0, 0, 0, out, sizeof(out), &c);
	ok(st == 1 && c.errors >= 1, "the KTAP cut short: what is missing counts as crashed, status 1");

	st = run("[    0.1] Linux\n[    0.2] Run /init as init process\n", 47, 0, 0, 0,
		 out, sizeof(out), &c);
	is_int(st, 125, "no KTAP on the console: 125");

	/* 6.1: a module's suite comes alone, indented, its result unindented */
	static const char mod61[] =
		"[    0.1] KTAP version 1\n[    0.1] 1..0\n"
		"[    0.2]     KTAP version 1\n[    0.2]     # Subtest: m\n"
		"[    0.2]     1..1\n[    0.2]     ok 1 m_case\n[    0.2] ok 1 m\n"
		"[    0.3] umlinit: loaded\n";
	st = run(mod61, sizeof(mod61) - 1, 0, 0, 0, out, sizeof(out), &c);
	ok(st == 0 && c.passed == 1 && !strcmp(out, "KTAP version 1\n1..0\nKTAP version 1\n1..1\n"
		"    KTAP version 1\n    # Subtest: m\n    1..1\n    ok 1 m_case\nok 1 m\n"),
	   "a 6.1 module's lone suite gets the document 6.3 on print around it");

	st = run("KTAP version 1\n1..0\n", 20, 0, 0, 7, out, sizeof(out), &c);
	is_int(st, 7, "no suite matched and none failed: the command's status");
	return done_testing();
}
