// SPDX-License-Identifier: GPL-2.0
/* A growable stack of longs for the bench project's calculator. */
#include <stdlib.h>
#include "proj.h"

void list_push(struct list *l, long v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	l->v[l->n++] = v;
}

int list_pop(struct list *l, long *v)
{
	if (!l->n)
		return -1;
	*v = l->v[--l->n];
	return 0;
}

void list_free(struct list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
