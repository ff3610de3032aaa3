// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the TAP/KTAP reader behind --junit (userspace/launcher/tap.c):
 * plain TAP, KTAP subtests, kselftest's runner, runs cut short, the same
 * stream split at every offset and fed a byte at a time, and hostile
 * streams (huge lines, plans and counts, deep nesting, bytes that are no
 * XML) that must stay bounded and come out as valid XML.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../userspace/launcher/tap.h"
#include "tap.h"

#define RUN(lit, why, c) run(lit, sizeof(lit) - 1, 0, why, c)
#define FEED(t, lit) tap_feed(t, lit, sizeof(lit) - 1, 0)

/* Feed s (in pieces of at most step bytes, 0 for one), end it, make XML. */
static char *run(const char *s, size_t len, size_t step, const char *why,
		 struct tap_counts *c)
{
	struct tap *t = tap_new("suite");
	char *xml = NULL;
	size_t xlen = 0, off, n;
	FILE *f;

	for (off = 0; off < len; off += n) {
		n = step && len - off > step ? step : len - off;
		tap_feed(t, s + off, n, 0);
	}
	tap_end(t, why, 0);
	tap_get_counts(t, c);
	f = open_memstream(&xml, &xlen);
	if (!f || tap_write_junit(t, f) < 0)
		abort();
	fclose(f);
	tap_free(t);
	return xml;
}

static int counts_are(const struct tap_counts *c, unsigned long long p,
		      unsigned long long f, unsigned long long s,
		      unsigned long long e, const char *what)
{
	int r = ok(c->passed == p && c->failed == f && c->skipped == s &&
		   c->errors == e, "%s: %llu passed, %llu failed, %llu skipped, %llu errors",
		   what, p, f, s, e);

	if (!r)
		diag("  got %llu passed, %llu failed, %llu skipped, %llu errors",
		     c->passed, c->failed, c->skipped, c->errors);
	return r;
}

static void has(const char *xml, const char *want, const char *what)
{
	if (!ok(strstr(xml, want) != NULL, "%s", what))
		diag("  no '%s' in:\n%s", want, xml);
}

/* Valid XML characters only: UTF-8, no control bytes but \n and \t. */
static int xml_clean(const char *xml)
{
	const unsigned char *s = (const unsigned char *)xml;
	size_t n, i;

	while (*s) {
		if (*s < 0x80) {
			if ((*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f)
				return 0;
			s++;
			continue;
		}
		n = *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : *s >= 0xc2 ? 2 : 0;
		if (!n || *s > 0xf4)
			return 0;
		for (i = 1; i < n; i++)
			if ((s[i] & 0xc0) != 0x80)
				return 0;
		s += n;
	}
	return 1;
}

static const char plain[] =
	"some output before the TAP\n"
	"TAP version 13\n"
	"1..6\n"
	"ok 1 - first\n"
	"not ok 2 - second\n"
	"#   Failed test 'second'\n"
	"#   at t.pl line 5.\n"
	"ok 3 - third # SKIP no network\n"
	"not ok 4 - fourth # TODO not written yet\n"
	"ok 5 escaped \\# hash\r\n"
	"ok 6\n";

static const char ktap[] =
	"KTAP version 1\n"
	"1..2\n"
	"    KTAP version 1\n"
	"    # Subtest: example\n"
	"    1..2\n"
	"    ok 1 example_simple\n"
	"        KTAP version 1\n"
	"        # Subtest: params\n"
	"        1..2\n"
	"        ok 1 p=1\n"
	"        # params.c:42: expected 2, got 3\n"
	"        not ok 2 p=2\n"
	"    not ok 2 params\n"
	"not ok 1 example\n"
	"# Subtest: other\n"
	"    1..1\n"
	"    ok 1 other_case # SKIP not on UML\n"
	"ok 2 other\n";

static const char kselftest[] =
	"TAP version 13\n"
	"1..3\n"
	"# timeout set to 45\n"
	"# selftests: pidfd: pidfd_test\n"
	"# TAP version 13\n"
	"# 1..4\n"
	"# ok 1 poll\n"
	"# ok 2 send\n"
	"not ok 1 selftests: pidfd: pidfd_test # TIMEOUT 45 seconds\n"
	"# selftests: pidfd: pidfd_poll_test\n"
	"ok 2 selftests: pidfd: pidfd_poll_test\n"
	"# selftests: pidfd: pidfd_open_test\n"
	"# 1..2\n"
	"# ok 1 open\n"
	"# ok 2 close\n"
	"#\n"
	"not ok 3 selftests: pidfd: pidfd_open_test # exit=1\n";

static void test_plain(void)
{
	struct tap_counts c;
	char *xml = run(plain, strlen(plain), 0, NULL, &c);

	counts_are(&c, 3, 1, 2, 0, "plain TAP");
	has(xml, "<testsuite name=\"suite\" tests=\"6\" failures=\"1\" errors=\"0\" skipped=\"2\"",
	    "the suite's counts");
	has(xml, "name=\"second\" time=\"0.000\">\n      <failure message=\"not ok\">#   Failed test 'second'\n#   at t.pl line 5.\n</failure>",
	    "a failure carries the diagnostics that follow it");
	has(xml, "name=\"third\" time=\"0.000\">\n      <skipped message=\"SKIP no network\"/>",
	    "SKIP is a skipped test with its reason");
	has(xml, "<skipped message=\"TODO not written yet\"/>",
	    "a failing TODO is skipped with its reason, not failed (its word once)");
	has(xml, "name=\"escaped # hash\"", "\\# is no directive, \\r is dropped");
	has(xml, "name=\"test 6\"", "a result without a name is named by number");
	ok(xml_clean(xml), "plain: valid XML characters only");
	free(xml);
}

static void test_ktap(void)
{
	struct tap_counts c;
	char *xml = run(ktap, strlen(ktap), 0, NULL, &c);

	counts_are(&c, 2, 1, 1, 0, "KTAP subtests: leaves only");
	has(xml, "classname=\"example\" name=\"example_simple\"",
	    "a subtest's case has the subtest as its class");
	has(xml, "classname=\"example.params\" name=\"p=2\" time=\"0.000\">\n      <failure message=\"not ok\"># params.c:42: expected 2, got 3\n",
	    "nested two deep, with the diagnostic before the failure");
	has(xml, "classname=\"other\" name=\"other_case\"",
	    "\"# Subtest:\" at the parent's level names the next subtest");
	ok(!strstr(xml, " name=\"example\""),
	   "a failed subtest with a failure inside is no extra case");
	free(xml);
}

static void test_kselftest(void)
{
	struct tap_counts c;
	char *xml = run(kselftest, strlen(kselftest), 0, NULL, &c);

	counts_are(&c, 5, 1, 0, 2, "kselftest runner");
	has(xml, "classname=\"selftests: pidfd: pidfd_test\" name=\"test 3\" time=\"0.000\">\n      <error message=\"planned but not run: TIMEOUT 45 seconds\"",
	    "a binary's timeout makes its unfinished tests errors, saying why");
	has(xml, "classname=\"suite\" name=\"selftests: pidfd: pidfd_poll_test\"",
	    "a binary without TAP of its own is one case");
	has(xml, "classname=\"suite\" name=\"selftests: pidfd: pidfd_open_test\" time=\"0.000\">\n      <failure message=\"exit=1\">",
	    "a binary failing with all its tests passed is a failure");
	free(xml);
}

static void test_cut_short(void)
{
	static const char cut[] = "TAP version 13\n1..5\nok 1 a\n    1..3\n    ok 1 b\nnot ok";
	static const char noplan[] = "ok 1 a\nok 2 b\n";
	struct tap_counts c;
	char *xml;

	xml = run(cut, strlen(cut), 0, "kernel panic: oops", &c);
	/* the partial "not ok" ends the subtest: its 2 missing, the top's 3 */
	counts_are(&c, 2, 0, 0, 2 + 3, "cut short by a panic");
	has(xml, "<error message=\"kernel panic: oops\"", "the errors say why");
	free(xml);

	xml = run(cut, strlen(cut) - 7, 0, "timed out", &c);
	counts_are(&c, 2, 0, 0, 2 + 3, "cut inside a subtest");
	free(xml);

	xml = run(noplan, strlen(noplan), 0, "timed out", &c);
	counts_are(&c, 2, 0, 0, 1, "cut short without a plan: one error");
	has(xml, "name=\"the run ended early\"", "named so");
	free(xml);

	xml = run(noplan, strlen(noplan), 0, NULL, &c);
	counts_are(&c, 2, 0, 0, 0, "a plain end without a plan: no error");
	free(xml);

	xml = RUN("1..4\nok 1\n", NULL, &c);
	counts_are(&c, 1, 0, 0, 3, "an exit before the plan is done");
	has(xml, "<error message=\"planned but not run\"", "says so");
	free(xml);

	xml = RUN("1..4\nok 1\nBail out! no disk\nok 2\n", NULL, &c);
	counts_are(&c, 1, 0, 0, 3, "Bail out! ends the document");
	has(xml, "<error message=\"Bail out! no disk\"", "with its reason");
	free(xml);

	xml = RUN("hello\nworld\n", "timed out", &c);
	counts_are(&c, 0, 0, 0, 0, "no TAP at all: no tests");
	has(xml, "<testsuites name=\"umlrun\" tests=\"0\"", "and an empty report");
	free(xml);

	xml = RUN("TAP version 13\n1..2\nok 1\nTAP version 13\n1..1\nok 1\n", NULL, &c);
	counts_are(&c, 2, 0, 0, 1, "a second document ends the first");
	has(xml, "<testsuite name=\"suite #2\" tests=\"1\"", "in a suite of its own");
	free(xml);
}

/* The same XML, however the stream is cut into writes. */
static void test_splits(const char *name, const char *doc, const char *why)
{
	struct tap_counts c, c2;
	char *whole = run(doc, strlen(doc), 0, why, &c), *xml;
	size_t len = strlen(doc), i;
	int bad = 0;

	for (i = 1; i <= len && !bad; i++) {
		struct tap *t = tap_new("suite");
		size_t xlen = 0;
		FILE *f;

		tap_feed(t, doc, i, 0);
		tap_feed(t, doc + i, len - i, 0);
		tap_end(t, why, 0);
		tap_get_counts(t, &c2);
		xml = NULL;
		f = open_memstream(&xml, &xlen);
		tap_write_junit(t, f);
		fclose(f);
		tap_free(t);
		if (strcmp(xml, whole) || memcmp(&c, &c2, sizeof(c))) {
			bad = 1;
			diag("  split at %zu differs", i);
		}
		free(xml);
	}
	ok(!bad, "%s: split at every offset, the same report", name);
	xml = run(doc, len, 1, why, &c2);
	ok(!strcmp(xml, whole) && !memcmp(&c, &c2, sizeof(c)),
	   "%s: a byte at a time, the same report", name);
	free(xml);
	free(whole);
}

static void test_hostile(void)
{
	size_t big = 3 * TAP_LINE_MAX, n, i;
	struct tap_counts c;
	char *s, *xml;
	struct tap *t;

	/* A line far past the limit: kept up to it, the rest dropped. */
	s = malloc(big + 64);
	n = (size_t)sprintf(s, "1..2\nnot ok 1 ");
	memset(s + n, 'x', big);
	n += big;
	n += (size_t)sprintf(s + n, "\nok 2 after\n");
	xml = run(s, n, 0, NULL, &c);
	counts_are(&c, 1, 1, 0, 0, "a huge line is one result");
	ok(strlen(xml) < 4096, "its name is cut (%zu bytes of XML)", strlen(xml));
	free(xml);
	free(s);

	/* Nesting deeper than the limit. */
	s = malloc(64 * 1024);
	n = 0;
	for (i = 0; i < 40; i++)
		n += (size_t)sprintf(s + n, "%*s1..1\n", (int)(4 * i), "");
	n += (size_t)sprintf(s + n, "%*sok 1 deep\n", 4 * 40, "");
	xml = run(s, n, 0, "timed out", &c);
	ok(c.errors > 0 && c.errors <= TAP_MAX_DEPTH && c.passed == 0,
	   "40 levels deep: at most %d levels are tracked (%llu errors)",
	   TAP_MAX_DEPTH, c.errors);
	free(xml);
	free(s);

	/* A plan past the limit is no plan; one at it, cut short, is counted. */
	xml = RUN("1..99999999999\nok 1\n", "timed out", &c);
	counts_are(&c, 1, 0, 0, 1, "an absurd plan is ignored");
	free(xml);
	s = malloc(64);
	n = (size_t)sprintf(s, "1..%d\nok 1\n", TAP_MAX_PLAN);
	xml = run(s, n, 0, "timed out", &c);
	counts_are(&c, 1, 0, 0, TAP_MAX_PLAN - 1, "a million planned, one run");
	is_int(c.omitted, TAP_MAX_PLAN - TAP_MAX_CASES, "all counted, %d listed",
	       TAP_MAX_CASES);
	has(xml, "<property name=\"umlrun.omitted\"", "the report says how many are left out");
	ok(strlen(xml) < (size_t)TAP_MAX_CASES * 256, "the report stays bounded (%zu bytes)",
	   strlen(xml));
	free(xml);
	free(s);

	/* Bytes that are not XML, in names and diagnostics. */
	t = tap_new("a<b>&\"c\"");
	FEED(t, "1..3\n# \x01\x1b[31mred\xff\xfe\n");
	FEED(t, "not ok 1 <tag> & \"q\" \x01\x7f\xc3\x28 \xed\xa0\x80 ok\n");
	FEED(t, "ok 2 caf\xc3\xa9 \xf0\x9f\x98\x80\n");
	FEED(t, "ok 3 nul\0byte\n");
	tap_end(t, "a \x02 why", 0);
	s = NULL;
	n = 0;
	{
		FILE *f = open_memstream(&s, &n);

		tap_write_junit(t, f);
		fclose(f);
	}
	tap_get_counts(t, &c);
	counts_are(&c, 2, 1, 0, 0, "hostile names");
	ok(xml_clean(s), "control bytes and bad UTF-8 are replaced");
	has(s, "name=\"&lt;tag&gt; &amp; &quot;q&quot; ??" "?( ??" "? ok\"",
	    "markup is escaped, invalid sequences and surrogates replaced");
	has(s, "name=\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "valid UTF-8 is kept");
	has(s, "name=\"nul?byte\"", "a NUL byte does not cut a name");
	has(s, "<testsuite name=\"a&lt;b&gt;&amp;&quot;c&quot;\"", "the suite name is escaped");
	free(s);
	tap_free(t);

	/* Many results and long diagnostics: bounded, all counted. */
	t = tap_new("many");
	s = malloc(64);
	for (i = 0; i < 2 * TAP_MAX_CASES; i++) {
		n = (size_t)sprintf(s, "# diag %zu\nnot ok %zu\n", i, i + 1);
		tap_feed(t, s, n, (long long)i);
	}
	tap_end(t, NULL, 0);
	tap_get_counts(t, &c);
	is_int(c.failed, 2 * TAP_MAX_CASES, "%d failures counted",
	       2 * TAP_MAX_CASES);
	is_int(c.omitted, TAP_MAX_CASES, "half of them not listed");
	free(s);
	tap_free(t);

	tap_feed(NULL, "ok\n", 3, 0);
	tap_end(NULL, NULL, 0);
	tap_free(NULL);
	ok(1, "a NULL reader takes feeds and ends");
}

int main(void)
{
	test_plain();
	test_ktap();
	test_kselftest();
	test_cut_short();
	test_splits("plain", plain, NULL);
	test_splits("KTAP", ktap, "timed out");
	test_splits("kselftest", kselftest, "kernel panic: x");
	test_hostile();
	return done_testing();
}
