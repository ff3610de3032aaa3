// SPDX-License-Identifier: GPL-2.0
/*
 * Default options from files: the user's ${XDG_CONFIG_HOME:-~/.config}/
 * umlrun/config and a project's .umlrun, the nearest one from the working
 * directory upward. Each line is "name = value" or "name", with the long
 * options' names; '#' starts a comment. The lines become argv entries
 * ("--name=value") placed before the command line's options, user file
 * first, so options.c parses everything and the later entry wins; options
 * that accumulate (--bind, -e, ...) accumulate across files and command
 * line. A project file comes with the directory, which may not be the
 * caller's own work, so it may not reach beyond the guest or the project:
 * no kernel, init or module of its choosing, no network, no layer
 * dropped, no host file written but through rw binds inside the project.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "mounts.h"
#include "options.h"

#define CONFIG_LINE_MAX 4096

struct config_entry {
	char *arg;		/* "--name=value" or "--name" */
	char *where;		/* "FILE:LINE" */
	int accumulates;	/* repeats add up instead of replacing */
};

static struct config_entry *entries;
static int n_entries;
static char **cmdline;		/* the caller's own options */
static int n_cmdline;
static const char *cmd_names[256];	/* the options it gave, by long name */
static int n_cmd_names;

/* Actions, not defaults: never from a file. */
static const char *const config_actions[] = {
	"help", "version", "check", "list-kernels", "prune-kernels",
	"print-config", "no-config",
};

/* What a project file may not say (see above). */
static const char *const config_project_denied[] = {
	"kernel", "kernel-tree", "module", "init", "allow-modules",
	"drop-layer", "net", "publish", "log", "result-json", "junit",
};

static const char *const config_accumulating[] = {
	"bind", "tmpfs", "env", "publish", "drop-layer",
};

static int config_in(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return 1;
	return 0;
}

#define CONFIG_IN(name, list) \
	config_in(name, list, sizeof(list) / sizeof(list[0]))

static void config_error(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

static void config_error(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "umlrun: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (or run with --no-config)\n");
	exit(EXIT_UMLRUN);
}

static const struct option *config_option(const char *name)
{
	const struct option *o;

	for (o = options_long; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

static char *config_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* Is the rw bind arg's source inside dir (a real path)? */
static int config_bind_inside(const char *arg, const char *dir)
{
	struct mount_opt m = { 0 };
	size_t n = strlen(dir);
	int inside;

	if (mounts_parse_bind(arg, &m)) {
		free(m.src);
		free(m.dst);
		return 1; /* a bad bind: options.c says what is wrong */
	}
	inside = m.kind != MOUNT_BIND_RW ||
		 (!strncmp(m.src, dir, n) &&
		  (m.src[n] == '/' || !m.src[n] || !strcmp(dir, "/")));
	free(m.src);
	free(m.dst);
	return inside;
}

static void config_add(const char *file, int line, const char *name,
		       const char *value)
{
	struct config_entry *e;

	entries = realloc(entries, (size_t)(n_entries + 1) * sizeof(*entries));
	if (!entries)
		die("out of memory");
	e = &entries[n_entries++];
	if ((value ? asprintf(&e->arg, "--%s=%s", name, value) :
		     asprintf(&e->arg, "--%s", name)) < 0 ||
	    asprintf(&e->where, "%s:%d", file, line) < 0)
		die("out of memory");
	e->accumulates = CONFIG_IN(name, config_accumulating);
}

/* One line of file: nothing, or an entry; a bad one ends the run. */
static void config_line(const char *file, int line, char *s,
			const char *project_dir)
{
	const struct option *o;
	char *name, *value = NULL, *p;

	for (p = s; (p = strchr(p, '#')); p++)
		if (p == s || p[-1] == ' ' || p[-1] == '\t') {
			*p = 0; /* a comment: '#' at the start or after a blank */
			break;
		}
	s = config_trim(s);
	if (!*s)
		return;
	p = strchr(s, '=');
	if (p) {
		*p = 0;
		value = config_trim(p + 1);
	}
	name = config_trim(s);
	if (name[0] == '-')
		config_error(file, line, "write '%s', without the dashes",
			     name + strspn(name, "-"));
	o = config_option(name);
	if (!o)
		config_error(file, line, "unknown option '%s'", name);
	if (CONFIG_IN(name, config_actions))
		config_error(file, line, "'%s' is an action, not a default",
			     name);
	if (o->has_arg == required_argument && (!value || !*value))
		config_error(file, line, "'%s' needs a value (%s = VALUE)",
			     name, name);
	if (o->has_arg == no_argument && value)
		config_error(file, line, "'%s' takes no value", name);
	if (project_dir && CONFIG_IN(name, config_project_denied))
		config_error(file, line, "'%s' is not allowed in a project file: it reaches beyond the guest and the project (give it on the command line or in %s)",
			     name, "the user file");
	if (project_dir && !strcmp(name, "env") && !strchr(value, '='))
		config_error(file, line, "a project file cannot copy the caller's '%s' into the guest (give env = %s=VALUE)",
			     value, value);
	if (project_dir && !strcmp(name, "bind") &&
	    !config_bind_inside(value, project_dir))
		config_error(file, line, "a project file can bind writable only directories inside %s",
			     project_dir);
	config_add(file, line, name, value);
}

/* Read file if it exists; project_dir: it is a project file, there. */
static void config_read(const char *file, const char *project_dir)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int line = 0;
	FILE *f;

	f = fopen(file, "re");
	if (!f && errno == ENOENT)
		return;
	if (!f)
		die_errno("cannot read %s (or run with --no-config)", file);
	while ((len = getline(&buf, &cap, f)) >= 0) {
		line++;
		if (len > CONFIG_LINE_MAX)
			config_error(file, line, "line longer than %d bytes",
				     CONFIG_LINE_MAX);
		if (strlen(buf) != (size_t)len)
			config_error(file, line, "a NUL byte");
		config_line(file, line, buf, project_dir);
	}
	free(buf);
	fclose(f);
}

/* ${XDG_CONFIG_HOME:-~/.config}/umlrun/config; 0 if there is no home. */
static int config_user_path(char *out, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (xdg && xdg[0] == '/')
		return snprintf(out, len, "%s/umlrun/config", xdg) < (int)len;
	if (!home || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/')
		return 0;
	return snprintf(out, len, "%s/.config/umlrun/config", home) < (int)len;
}

/* The nearest CONFIG_PROJECT_FILE from the working directory upward. */
static int config_project_path(char *out, size_t len, char *dir, size_t dlen)
{
	char *slash;

	if (!getcwd(dir, dlen))
		return 0;
	for (;;) {
		if (snprintf(out, len, "%s/%s", strcmp(dir, "/") ? dir : "",
			     CONFIG_PROJECT_FILE) < (int)len &&
		    access(out, F_OK) == 0)
			return 1;
		if (!strcmp(dir, "/"))
			return 0;
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = 0;
		else
			*slash = 0;
	}
}

/*
 * What the command line says: --no-config, --print-config, which options
 * (by long name), and where the command starts.
 */
static int config_scan(int argc, char **argv, int *no_config, int *print)
{
	const struct option *o;
	const char *name;
	int c, idx, end;

	opterr = 0;
	optind = 0;
	for (;;) {
		idx = -1;
		c = getopt_long(argc, argv, options_short, options_long, &idx);
		if (c == -1)
			break;
		name = idx >= 0 ? options_long[idx].name : NULL;
		for (o = options_long; !name && o->name; o++)
			if (o->val == c)
				name = o->name;
		if (!name)
			continue;
		*no_config |= !strcmp(name, "no-config");
		*print |= !strcmp(name, "print-config");
		if (n_cmd_names < (int)(sizeof(cmd_names) / sizeof(cmd_names[0])))
			cmd_names[n_cmd_names++] = name;
	}
	end = optind;
	optind = 0;
	return end;
}

void config_apply(int *argc, char ***argv)
{
	char user[PATH_MAX], project[PATH_MAX + 32], dir[PATH_MAX];
	int no_config = 0, print = 0, i;
	char **v;

	n_cmdline = config_scan(*argc, *argv, &no_config, &print) - 1;
	cmdline = *argv + 1;
	if (no_config || getenv("UMLRUN_NO_CONFIG"))
		return;
	if (config_user_path(user, sizeof(user)))
		config_read(user, NULL);
	if (config_project_path(project, sizeof(project), dir, sizeof(dir))) {
		if (!realpath(dir, user))
			snprintf(user, sizeof(user), "%s", dir);
		config_read(project, user);
	}
	if (!n_entries)
		return;
	v = calloc((size_t)(*argc + n_entries + 1), sizeof(char *));
	if (!v)
		die("out of memory");
	v[0] = (*argv)[0];
	for (i = 0; i < n_entries; i++)
		v[1 + i] = entries[i].arg;
	for (i = 1; i < *argc; i++)
		v[n_entries + i] = (*argv)[i];
	*argc += n_entries;
	*argv = v;
}

const char *config_where(int argi)
{
	return argi >= 1 && argi <= n_entries ? entries[argi - 1].where : NULL;
}

/* The option name of an argv entry "--name[=value]". */
static size_t config_name_len(const char *arg)
{
	return strcspn(arg + 2, "=");
}

/* Does a later entry, or the command line, replace entry i? */
static const char *config_overridden(int i)
{
	const char *a = entries[i].arg + 2;
	size_t n = config_name_len(entries[i].arg);
	int j;

	if (entries[i].accumulates || !a[n])
		return NULL;
	for (j = i + 1; j < n_entries; j++)
		if (!strncmp(entries[j].arg + 2, a, n + 1))
			return entries[j].where;
	for (j = 0; j < n_cmd_names; j++)
		if (strlen(cmd_names[j]) == n && !strncmp(cmd_names[j], a, n))
			return "the command line";
	return NULL;
}

int config_print(void)
{
	const char *over, *eq;
	int i, any = 0;

	if (!n_entries)
		printf("# no config file applies\n");
	for (i = 0; i < n_entries; i++) {
		eq = strchr(entries[i].arg, '=');
		over = config_overridden(i);
		printf("%s%.*s%s%s\t# %s%s%s\n", over ? "# " : "",
		       (int)config_name_len(entries[i].arg), entries[i].arg + 2,
		       eq ? " = " : "", eq ? eq + 1 : "", entries[i].where,
		       over ? ", replaced by " : "", over ? over : "");
	}
	for (i = 0; i < n_cmdline; i++) {
		if (!strcmp(cmdline[i], "--print-config") ||
		    !strcmp(cmdline[i], "--"))
			continue;
		printf("%s%s", any++ ? " " : "", cmdline[i]);
	}
	if (any)
		printf("\t# command line\n");
	return 0;
}
