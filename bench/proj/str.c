// SPDX-License-Identifier: GPL-2.0
/* String helpers of the bench project: trimming and splitting on blanks. */
#include <ctype.h>
#include <string.h>
#include "proj.h"

char *str_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

size_t str_split(char *s, char **out, size_t max)
{
	size_t n = 0;
	char *save, *tok;

	for (tok = strtok_r(s, " \t", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t", &save))
		out[n++] = tok;
	return n;
}
