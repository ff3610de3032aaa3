// SPDX-License-Identifier: GPL-2.0
/*
 * A KUnit suite whose one case reads memory after freeing it, for
 * tests/kunit.t: every expectation holds, so a kernel without KASAN
 * passes it silently; the debug flavour's KASAN reports the read (a
 * splat) and fails the case that made it.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

static void umlrun_uaf_read(struct kunit *test)
{
	char *p = kmalloc(64, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 'x', 64);
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	KUNIT_EXPECT_GE(test, READ_ONCE(p[8]), -128);
}

static struct kunit_case umlrun_uaf_cases[] = {
	KUNIT_CASE(umlrun_uaf_read),
	{}
};

static struct kunit_suite umlrun_uaf_suite = {
	.name = "umlrun_uaf",
	.test_cases = umlrun_uaf_cases,
};

kunit_test_suite(umlrun_uaf_suite);

MODULE_DESCRIPTION("umlrun test: a KUnit case with a use after free");
MODULE_LICENSE("GPL");
