// SPDX-License-Identifier: GPL-2.0
/*
 * A KUnit suite that passes, for tests/kunit.t: loaded with --module-src
 * on a --kunit kernel, it runs when it loads and prints its KTAP on the
 * console. Four cases pass (one of them three times, with parameters) and
 * one is skipped: 4 passed, 1 skipped as kunit.py counts them (leaves).
 */
#include <kunit/test.h>
#include <linux/module.h>

static void umlrun_pass_add(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 2, 1 + 1);
}

static void umlrun_pass_skip(struct kunit *test)
{
	kunit_skip(test, "skipped on purpose");
}

static const int umlrun_pass_values[] = { 1, 2, 3 };

static void umlrun_pass_desc(const int *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "value-%d", *v);
}

KUNIT_ARRAY_PARAM(umlrun_pass_values, umlrun_pass_values, umlrun_pass_desc);

static void umlrun_pass_param(struct kunit *test)
{
	const int *v = test->param_value;

	KUNIT_EXPECT_GT(test, *v, 0);
}

static struct kunit_case umlrun_pass_cases[] = {
	KUNIT_CASE(umlrun_pass_add),
	KUNIT_CASE(umlrun_pass_skip),
	KUNIT_CASE_PARAM(umlrun_pass_param, umlrun_pass_values_gen_params),
	{}
};

static struct kunit_suite umlrun_pass_suite = {
	.name = "umlrun_pass",
	.test_cases = umlrun_pass_cases,
};

kunit_test_suite(umlrun_pass_suite);

MODULE_DESCRIPTION("umlrun test: a KUnit suite that passes");
MODULE_LICENSE("GPL");
