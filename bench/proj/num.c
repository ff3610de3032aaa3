// SPDX-License-Identifier: GPL-2.0
/* Number parsing of the bench project: a whole decimal long or an error. */
#include <errno.h>
#include <stdlib.h>
#include "proj.h"

int num_parse(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return (errno || end == s || *end) ? -1 : 0;
}
