// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel parameters from --append (and UMLRUN_KERNEL_ARGS). They are split
 * as the kernel's own next_arg() splits a command line (at spaces outside
 * double quotes, so a value with spaces is written name="a b", as
 * spawn_param() writes ours), and each becomes one argument of the UML
 * binary. A parameter that would override one umlrun sets (the table of
 * userspace/shared/kcmdline.h) is refused, naming the option to use
 * instead: UML applies its setup parameters in order and by prefix, the
 * last one winning, so a later mem=, init=, hostfs_rw= or lockdown= would
 * change the memory, the guest init, the host-side write policy or the
 * kernel layer. The kernel layer's own parameters pass once that layer is
 * given up. Names compare with '-' and '_' alike, as the kernel does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcmdline.h"
#include "kparams.h"
#include "log.h"
#include "util.h"

/* The parameter's name: a leading quote dropped, up to '=', '-' as '_'. */
static void kparams_name(const char *p, size_t len, char *name, size_t max)
{
	size_t i = 0;

	if (len && *p == '"') {
		p++;
		len--;
	}
	while (len && *p != '=' && *p != '"' && i + 1 < max) {
		name[i++] = *p == '-' ? '_' : *p;
		p++;
		len--;
	}
	name[i] = 0;
}

/* The row of kcmdline.h that name (with '-' as '_') falls under, or NULL. */
static const struct kcmd_param *kparams_row(const char *name)
{
	char want[64];
	size_t i, l, k;

	for (i = 0; i < ARRAY_SIZE(kcmd_params); i++) {
		for (k = 0; kcmd_params[i].name[k] && k + 1 < sizeof(want); k++)
			want[k] = kcmd_params[i].name[k] == '-' ? '_' :
								 kcmd_params[i].name[k];
		want[k] = 0;
		l = strlen(want);
		if ((kcmd_params[i].flags & KCMD_PREFIX) ? !strncmp(name, want, l) :
							   !strcmp(name, want))
			return &kcmd_params[i];
	}
	return NULL;
}

/* The next parameter of *s: its start, length; 0 at the end, -1 if bad. */
static int kparams_next(const char **s, const char **start, size_t *len)
{
	const char *p = *s;
	int quote = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;
	*start = p;
	for (; *p && (quote || (*p != ' ' && *p != '\t')); p++)
		if (*p == '"')
			quote = !quote;
	if (quote)
		return -1;
	*len = (size_t)(p - *start);
	*s = p;
	return 1;
}

int kparams_check(const char *params, int drop_kernel, char *err, size_t len)
{
	const struct kcmd_param *row;
	const char *s = params, *p, *c;
	char name[64];
	size_t l;
	int r, n = 0;

	for (c = params; *c; c++) {
		if ((unsigned char)*c < ' ' && *c != '\t') {
			snprintf(err, len, "control characters cannot pass");
			return -EINVAL;
		}
	}
	while ((r = kparams_next(&s, &p, &l)) > 0) {
		n++;
		kparams_name(p, l, name, sizeof(name));
		if (*p == '-' || !*name) {
			snprintf(err, len, "'%.*s' is not a kernel parameter",
				 (int)l, p);
			return -EINVAL;
		}
		row = kparams_row(name);
		/* umlrun keeps ptrace mode (kmodes.c): saying so changes nothing */
		if (l == strlen("seccomp=off") && !strncmp(p, "seccomp=off", l))
			continue;
		if (!row || (row->flags & KCMD_TUNE) ||
		    (drop_kernel && (row->flags & KCMD_LAYER)))
			continue;
		snprintf(err, len, "umlrun sets %.*s itself (%s)%s%s%s",
			 (int)strcspn(name, "="), name, row->what,
			 row->instead ? ": use " : "", row->instead ? row->instead : "",
			 row->flags & KCMD_LAYER ?
				 row->instead ? " (or --drop-layer kernel gives this layer up)" :
						"; or --drop-layer kernel gives this layer up" :
				 "");
		return -EINVAL;
	}
	if (r < 0) {
		snprintf(err, len, "a double quote is not closed");
		return -EINVAL;
	}
	if (!n) {
		snprintf(err, len, "no parameter");
		return -EINVAL;
	}
	return 0;
}

int kparams_append(char **argv, int n, size_t max, const char **append,
		   size_t n_append)
{
	const char *s, *p;
	size_t i, l;

	for (i = 0; i < n_append; i++) {
		s = append[i];
		while (kparams_next(&s, &p, &l) > 0) {
			if ((size_t)n >= max)
				die("too many kernel parameters with --append");
			argv[n] = strndup(p, l);
			if (!argv[n++])
				die("out of memory");
		}
	}
	return n;
}
