// SPDX-License-Identifier: GPL-2.0
/*
 * A KUnit suite with a failing case, for tests/kunit.t: one case passes,
 * one fails an expectation (1 passed, 1 failed as kunit.py counts them).
 */
#include <kunit/test.h>
#include <linux/module.h>

static void umlrun_fail_ok(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, "umlrun", "umlrun");
}

static void umlrun_fail_wrong(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, 1 + 1, 3, "a failure on purpose");
}

static struct kunit_case umlrun_fail_cases[] = {
	KUNIT_CASE(umlrun_fail_ok),
	KUNIT_CASE(umlrun_fail_wrong),
	{}
};

static struct kunit_suite umlrun_fail_suite = {
	.name = "umlrun_fail",
	.test_cases = umlrun_fail_cases,
};

kunit_test_suite(umlrun_fail_suite);

MODULE_DESCRIPTION("umlrun test: a KUnit suite with a failing case");
MODULE_LICENSE("GPL");
