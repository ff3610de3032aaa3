/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --append: the user's kernel parameters, checked against those umlrun sets.
 */
#ifndef UMLRUN_KPARAMS_H
#define UMLRUN_KPARAMS_H

#include <stddef.h>

/*
 * 0 if PARAMS splits into kernel parameters none of which overrides one
 * umlrun sets (the kernel layer's may, with drop_kernel); else -EINVAL
 * and a reason in err.
 */
int kparams_check(const char *params, int drop_kernel, char *err, size_t len);

/*
 * Each parameter of each checked PARAMS in append, added to argv at n
 * (at most max entries); returns the new count. Dies when they do not fit.
 */
int kparams_append(char **argv, int n, size_t max, const char **append,
		   size_t n_append);

#endif
