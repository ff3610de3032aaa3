// SPDX-License-Identifier: GPL-2.0
/* The bench project's program: evaluates its argument, prints the value. */
#include <stdio.h>
#include "proj.h"

int main(int argc, char **argv)
{
	long v;

	if (argc != 2 || rpn_eval(argv[1], &v)) {
		fputs("error\n", stderr);
		return 1;
	}
	printf("%ld\n", v);
	return 0;
}
