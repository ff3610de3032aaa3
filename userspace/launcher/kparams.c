// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel parameters from --append. They are split as the kernel's own
 * next_arg() splits a command line (at spaces outside double quotes, so a
 * value with spaces is written name="a b", as spawn_param() writes ours),
 * and each becomes one argument of the UML binary. A parameter that would
 * override one umlrun sets is refused: UML applies its setup parameters in
 * order and by prefix (mem=, con0=, ubd0=, vec0:, hostfs_rw=...), the last
 * one winning, so a later mem=, init=, hostfs_rw= or lockdown= would
 * change the memory, the guest init, the host-side write policy or the
 * kernel layer. Names compare with '-' and '_' alike, as the kernel does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kparams.h"
#include "log.h"
#include "util.h"

/* What umlrun sets, and what would reach past the guest (a prefix ends
 * with '*'): the root and init, memory and host devices, the channel and
 * umlinit's own switches, consoles and serial lines, the network, disks,
 * the write policy, lockdown, LSMs and module policy, the clock, and what
 * a panic does, the process mode and the guest's thread bound. lpj=,
 * quiet and dummy.numdummies= only tune: allowed. */
static const char *const kparams_protected[] = {
	"mem",	     "iomem*",	     "root*",	     "ro",	 "rw",
	"init*",     "rdinit*",	     "hostexec.*",   "umlrun.*", "uml_dir*",
	"umid*",     "con*",	     "ssl*",	     "xterm*",	 "mconsole*",
	"vec*",	     "eth*",	     "ubd*",	     "hostfs*",	 "lockdown*",
	"lsm*",	     "security*",    "module*",	     "time_travel*",
	"panic*",    "oops*",	     "seccomp*",     "sysctl.kernel.threads_max*",
	"initcall_blacklist*",
};

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

static int kparams_is_protected(const char *name)
{
	size_t i, l;

	for (i = 0; i < ARRAY_SIZE(kparams_protected); i++) {
		l = strlen(kparams_protected[i]);
		if (kparams_protected[i][l - 1] == '*') {
			if (!strncmp(name, kparams_protected[i], l - 1))
				return 1;
		} else if (!strcmp(name, kparams_protected[i])) {
			return 1;
		}
	}
	return 0;
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

int kparams_check(const char *params, char *err, size_t len)
{
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
		if (kparams_is_protected(name)) {
			snprintf(err, len, "umlrun sets %.*s itself (or it would undo the isolation)",
				 (int)strcspn(name, "="), name);
			return -EINVAL;
		}
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
