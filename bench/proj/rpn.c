// SPDX-License-Identifier: GPL-2.0
/* The bench project's evaluator: "3 4 + 2 *" gives 14; errors give -1. */
#include <stdlib.h>
#include <string.h>
#include "proj.h"

static int rpn_apply(struct list *st, char op)
{
	long a, b;

	if (list_pop(st, &b) || list_pop(st, &a))
		return -1;
	switch (op) {
	case '+': a += b; break;
	case '-': a -= b; break;
	case '*': a *= b; break;
	case '/':
		if (!b)
			return -1;
		a /= b;
		break;
	default:
		return -1;
	}
	list_push(st, a);
	return 0;
}

int rpn_eval(const char *expr, long *out)
{
	struct list st = { 0 };
	char *buf = strdup(expr), *tok[64];
	size_t i, n;
	long v;
	int ret = -1;

	if (!buf)
		return -1;
	n = str_split(str_trim(buf), tok, 64);
	for (i = 0; i < n; i++) {
		if (!num_parse(tok[i], &v))
			list_push(&st, v);
		else if (strlen(tok[i]) != 1 || rpn_apply(&st, tok[i][0]))
			goto out;
	}
	if (st.n == 1 && !list_pop(&st, out))
		ret = 0;
out:
	list_free(&st);
	free(buf);
	return ret;
}
