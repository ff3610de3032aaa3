// SPDX-License-Identifier: GPL-2.0
/* The bench project's unit tests: each helper and the evaluator, in-process. */
#include <stdio.h>
#include <string.h>
#include "proj.h"

static int unit_failed;

static void unit_expect(const char *expr, int ret, long want)
{
	long v = 0;
	int r = rpn_eval(expr, &v);

	if (r != ret || (!r && v != want)) {
		printf("FAIL: %s\n", expr);
		unit_failed = 1;
	}
}

int main(void)
{
	char s[] = "  a b  ", *tok[4];
	struct list l = { 0 };
	long v;
	int i;

	if (strcmp(str_trim(s), "a b") || str_split(str_trim(s), tok, 4) != 2)
		unit_failed = 1;
	if (num_parse("12x", &v) != -1 || num_parse("-7", &v) || v != -7)
		unit_failed = 1;
	for (i = 0; i < 1000; i++)
		list_push(&l, i);
	if (list_pop(&l, &v) || v != 999)
		unit_failed = 1;
	list_free(&l);
	unit_expect("3 4 + 2 *", 0, 14);
	unit_expect("1 0 /", -1, 0);
	unit_expect("1 +", -1, 0);
	unit_expect("10 3 - 4 -", 0, 3);
	puts(unit_failed ? "unit: FAIL" : "unit: ok");
	return unit_failed;
}
