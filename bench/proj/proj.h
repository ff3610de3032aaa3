/* SPDX-License-Identifier: GPL-2.0 */
/* A reverse-Polish calculator: the code under test of the bench project. */
#include <stddef.h>

struct list {
	long *v;
	size_t n, cap;
};

char *str_trim(char *s);
size_t str_split(char *s, char **out, size_t max);
int num_parse(const char *s, long *out);
void list_push(struct list *l, long v);
int list_pop(struct list *l, long *v);
void list_free(struct list *l);
int rpn_eval(const char *expr, long *out);
