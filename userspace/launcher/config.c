// SPDX-License-Identifier: GPL-2.0
/*
 * Default options from files: the user's ${XDG_CONFIG_HOME:-~/.config}/
 * umlrun/config and a project's .umlrun, the nearest one from the working
 * directory upward. Each line is "name = value" or "name", with the long
 * options' names; '#' starts a comment. The lines become argv entries
 * ("--name=value") placed before the command line's options, user file
 * first, so options.c parses everything and the later entry wins; options
 * that accumulate (--bind, -e, ...) accumulate across files and command
 * line.
 *
 * A project file comes with a checkout the caller may not have written, so
 * it is as untrusted as the guest, and judged by what it would do, not by
 * its options' names. It is read only when it and every directory above
 * it belong to the caller or root and nobody else may write them (git's
 * rule for safe.directory and OpenSSH's for its files: a sticky directory
 * may be writable by others, for an entry owned by the caller or root);
 * the search for it stops at a world-writable directory, at a filesystem
 * boundary and at $HOME's parent. Each line must be allowed by its
 * option's row (options.c: refused unless the row says it may come from a
 * project file), and then the run with it is compared with the run
 * without it (config_judge): it may not make umlrun write a host file or
 * bind or attach one writable outside the project, turn the network on,
 * give a layer up, lift a bound, add kernel parameters, start a host
 * process or choose a kernel, init or module; its kernel options may only
 * switch options the kernel layer does not rest on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "facts.h"
#include "hostpath.h"
#include "kernels.h"
#include "log.h"
#include "options.h"
#include "plan.h"
#include "util.h"

#define CONFIG_LINE_MAX 4096

struct config_entry {
	char *arg;		/* "--name=value" or "--name" */
	char *where;		/* "FILE:LINE" */
	char *shown;		/* "name = value" as a file writes it */
	const struct optdef *def;
	int project;		/* from the project file */
};

static struct config_entry *entries;
static int n_entries;
static char **cmdline;		/* the caller's own options */
static int n_cmdline;
static const char *cmd_names[256];	/* the options it gave, by long name */
static int n_cmd_names;
static char project_dir[PATH_MAX];	/* the project file's directory */
static char skipped[2][PATH_MAX + 256];	/* config files not read, and why */
static int n_skipped;

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

static void config_add(const char *where, const struct optdef *def,
		       const char *value, int project)
{
	struct config_entry *e;

	entries = realloc(entries, (size_t)(n_entries + 1) * sizeof(*entries));
	if (!entries)
		die("out of memory");
	e = &entries[n_entries++];
	if ((value ? asprintf(&e->arg, "--%s=%s", def->name, value) :
		     asprintf(&e->arg, "--%s", def->name)) < 0 ||
	    (value ? asprintf(&e->shown, "%s = %s", def->name, value) :
		     asprintf(&e->shown, "%s", def->name)) < 0 ||
	    !(e->where = strdup(where)))
		die("out of memory");
	e->def = def;
	e->project = project;
}

/* --- the kernel options a project file may switch ----------------------- */

/* Does the kernel layer rest on option sym (CONFIG_X)? The families in
 * scripts/facts and every option isolation.config names. */
static int config_kernel_layer_option(const char *sym)
{
	char fams[] = FACT_KERNEL_LAYER_OPTIONS, *w, *save = NULL, path[PATH_MAX];
	char line[512];
	size_t n, l = strlen(sym);
	FILE *f;
	int found = 0;

	for (w = strtok_r(fams, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		n = strlen(w);
		if (w[n - 1] == '*' ? !strncmp(sym, w, n - 1) : !strcmp(sym, w))
			return 1;
	}
	if (kernels_lib_path("arch-um-config/isolation.config", path, sizeof(path)))
		return 1; /* cannot tell: refuse */
	f = fopen(path, "re");
	if (!f)
		return 1;
	while (!found && fgets(line, sizeof(line), f)) {
		w = !strncmp(line, "# ", 2) ? line + 2 : line;
		found = !strncmp(w, sym, l) && (w[l] == '=' || w[l] == ' ');
	}
	fclose(f);
	return found;
}

/* A project file's kconfig line (at where): a switch, of an option the
 * kernel layer does not rest on. */
static void config_project_kconfig(const char *where, const char *kl)
{
	const char *why = options_check_kconfig_line(kl, 1);
	const char *sym = kl + (*kl == '#' ? 2 : 0);
	char name[128];

	if (why)
		die("%s: '%s': %s; other values go in the user file or on the command line (or run with --no-config)",
		    where, kl, why);
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(sym, "= "), sym);
	if (config_kernel_layer_option(name))
		die("%s: '%s': the kernel layer rests on %s, which a project file may not change (or run with --no-config)",
		    where, kl, name);
}

/* A project fragment's lines: each where it was found. */
struct project_fragment {
	const char *file, *real;
	int line;
};

static void config_project_fragment_line(void *ctx, int lineno, char *l)
{
	struct project_fragment *pf = ctx;
	char where[PATH_MAX * 2 + 64];

	snprintf(where, sizeof(where), "%s:%d (%s:%d)", pf->file, pf->line,
		 pf->real, lineno);
	config_project_kconfig(where, l);
	config_add(where, options_find("kconfig-add"), l, 1);
}

/*
 * kconfig = FILE in a project file: the fragment must lie in the project
 * and hold only switches; its lines become the entries (read once here,
 * so what was checked is what is built).
 */
static void config_project_fragment(const char *file, int line,
				    const char *value)
{
	char why[PATH_MAX + 256], real[PATH_MAX];
	struct project_fragment pf = { file, real, line };
	size_t plen = strlen(project_dir);
	int fd;

	fd = hostpath_open(value, O_RDONLY, 0, why, sizeof(why));
	if (fd < 0)
		config_error(file, line, "kconfig %s: %s", value, why);
	if (hostpath_real(fd, real, sizeof(real)) ||
	    strncmp(real, project_dir, plen) || real[plen] != '/')
		config_error(file, line, "kconfig %s: a project file's fragment must lie in %s; give others on the command line or in the user file",
			     value, project_dir);
	options_each_fragment_line(fd, real, config_project_fragment_line, &pf);
}

/* --- reading a file ------------------------------------------------------- */

/* One line of file: nothing, or an entry; a bad one ends the run. */
static void config_line(const char *file, int line, char *s, int project)
{
	const struct optdef *d;
	char *name, *value = NULL, *p, where[PATH_MAX + 32];

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
	d = options_find(name);
	if (!d || (d->flags & OPT_HIDDEN))
		config_error(file, line, "unknown option '%s'", name);
	if (d->effect == EFF_ACTION)
		config_error(file, line, "'%s' is an action, not a default", name);
	if (d->arg && (!value || !*value))
		config_error(file, line, "'%s' needs a value (%s = VALUE)", name,
			     name);
	if (!d->arg && value)
		config_error(file, line, "'%s' takes no value", name);
	if (!(d->flags & (OPT_USER | OPT_PROJECT)))
		config_error(file, line, "'%s' may come only from the command line",
			     name);
	if (project && !(d->flags & OPT_PROJECT))
		config_error(file, line, "'%s' is not allowed in a project file: it %s; give it on the command line or in the user file",
			     name, options_effect_text(d->effect));
	if (project && !strcmp(name, "env") && !strchr(value, '='))
		config_error(file, line, "a project file cannot copy the caller's '%s' into the guest (give env = %s=VALUE)",
			     value, value);
	snprintf(where, sizeof(where), "%s:%d", file, line);
	if (project && !strcmp(name, "kconfig-add"))
		config_project_kconfig(where, value);
	if (project && !strcmp(name, "kconfig")) {
		config_project_fragment(file, line, value);
		return;
	}
	config_add(where, d, value, project);
}

/* Read the open file f; project: it is the project file. */
static void config_read(FILE *f, const char *file, int project)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int line = 0;

	while ((len = getline(&buf, &cap, f)) >= 0) {
		line++;
		if (len > CONFIG_LINE_MAX)
			config_error(file, line, "line longer than %d bytes",
				     CONFIG_LINE_MAX);
		if (strlen(buf) != (size_t)len)
			config_error(file, line, "a NUL byte");
		config_line(file, line, buf, project);
	}
	free(buf);
}

/* --- which files are trusted ------------------------------------------------ */

static int config_trusted_owner(uid_t uid)
{
	return uid == getuid() || uid == 0;
}

static const char *config_user_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, len, "%s (uid %u)", pw->pw_name, (unsigned int)uid);
	else
		snprintf(buf, len, "uid %u", (unsigned int)uid);
	return buf;
}

int config_trusted(const char *path, char *why, size_t len)
{
	char dir[PATH_MAX], who[64], *slash;
	struct stat st, child;

	if (lstat(path, &st) < 0) {
		snprintf(why, len, "%s", strerror(errno));
		return -errno;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file");
		return -EPERM;
	}
	if (!config_trusted_owner(st.st_uid)) {
		snprintf(why, len, "owned by %s, not by you or root",
			 config_user_name(st.st_uid, who, sizeof(who)));
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, len, "others may write it (mode %04o)",
			 (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	child = st;
	while ((slash = strrchr(dir, '/'))) {
		*(slash == dir ? slash + 1 : slash) = 0;
		if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(why, len, "%s: not a directory", dir);
			return -EPERM;
		}
		if (!config_trusted_owner(st.st_uid)) {
			snprintf(why, len, "%s is owned by %s, not by you or root", dir,
				 config_user_name(st.st_uid, who, sizeof(who)));
			return -EPERM;
		}
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
		    !((st.st_mode & S_ISVTX) && config_trusted_owner(child.st_uid))) {
			snprintf(why, len, "others may write %s (mode %04o)", dir,
				 (unsigned int)(st.st_mode & 07777));
			return -EPERM;
		}
		if (!strcmp(dir, "/"))
			break;
		child = st;
	}
	return 0;
}

static void config_skip(const char *file, const char *why)
{
	if (n_skipped < 2)
		snprintf(skipped[n_skipped++], sizeof(skipped[0]), "%s: %s", file, why);
	info("config file %s not read: %s", file, why);
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

/* The parent of the caller's home, where the search stops ("" if none). */
static void config_home_parent(char *out, size_t len)
{
	const char *home = getenv("HOME");
	struct passwd *pw;
	char real[PATH_MAX], *slash;

	out[0] = 0;
	if (!home || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || !realpath(home, real))
		return;
	slash = strrchr(real, '/');
	if (!slash || slash == real)
		return;
	snprintf(out, len, "%.*s", (int)(slash - real), real);
}

/*
 * The nearest project file from the working directory upward, into out
 * (its directory in dir): 1 when found, 0 when not. The search stops
 * before a world-writable directory, another filesystem and $HOME's
 * parent.
 */
static int config_project_path(char *out, size_t len, char *dir, size_t dlen)
{
	char stop[PATH_MAX], *slash;
	struct stat st, first;

	if (!getcwd(dir, dlen) || stat(dir, &first) < 0)
		return 0;
	config_home_parent(stop, sizeof(stop));
	for (;;) {
		if (stat(dir, &st) < 0 || st.st_dev != first.st_dev ||
		    (st.st_mode & S_IWOTH) || (stop[0] && !strcmp(dir, stop)))
			return 0;
		if (snprintf(out, len, "%s/%s", strcmp(dir, "/") ? dir : "",
			     FACT_PROJECT_FILE) < (int)len &&
		    lstat(out, &st) == 0)
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
 * Open file if it exists and may be trusted; NULL otherwise. Opened
 * first (no link, no waiting on a fifo), then judged by its path, then
 * the path checked to still name what was opened: what is read is what
 * was judged.
 */
static FILE *config_open(const char *file)
{
	char why[PATH_MAX + 128];
	struct stat st, now;
	FILE *f;
	int fd;

	fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return NULL;
	if (config_trusted(file, why, sizeof(why))) {
		if (fd >= 0)
			close(fd);
		config_skip(file, why);
		return NULL;
	}
	if (fd < 0)
		die_errno("cannot read %s (or run with --no-config)", file);
	if (fstat(fd, &st) < 0 || lstat(file, &now) < 0 ||
	    st.st_dev != now.st_dev || st.st_ino != now.st_ino ||
	    !S_ISREG(st.st_mode))
		die("%s changed while it was read (or run with --no-config)", file);
	if (fcntl(fd, F_SETFL, O_RDONLY) < 0)
		die_errno("%s", file);
	f = fdopen(fd, "r");
	if (!f)
		die("out of memory");
	return f;
}

/* --- the judge -------------------------------------------------------------- */

/* Is path (canonical) in dir? */
static int config_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return path && !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

static int config_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int config_has_mount(const struct options *o, const struct mount_opt *m)
{
	size_t i;

	for (i = 0; i < o->n_mounts; i++)
		if (o->mounts[i].kind == m->kind &&
		    config_same(o->mounts[i].src, m->src) &&
		    config_same(o->mounts[i].dst, m->dst))
			return 1;
	return 0;
}

static int config_has_disk(const struct options *o, const struct disk_opt *d)
{
	size_t i;

	for (i = 0; i < o->n_disks; i++)
		if (o->disks[i].mode == d->mode &&
		    config_same(o->disks[i].file, d->file) &&
		    o->disks[i].size == d->size)
			return 1;
	return 0;
}

static int config_has_str(const char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return 1;
	return 0;
}

/* Does flavour name give the kernel layer up (scripts/facts)? */
static int config_flavour_drops(const char *name)
{
	return has_word(FACT_FLAVOURS_DROPPING_KERNEL_LAYER, name);
}

#define JUDGE(cond, ...)                                \
	do {                                            \
		if (cond) {                             \
			snprintf(why, len, __VA_ARGS__); \
			return -EPERM;                  \
		}                                       \
	} while (0)

int config_judge(const struct plan *pa, const struct plan *pb,
		 const char *dir, char *why, size_t len)
{
	const struct options *a = &pa->o, *b = &pb->o;
	unsigned long long ra = plan_rundir_bytes(a), rb = plan_rundir_bytes(b);
	char real[PATH_MAX], w[PATH_MAX + 64];
	size_t i;
	int fd;

	JUDGE(!config_same(a->kernel, b->kernel) ||
	      !config_same(a->kernel_tree, b->kernel_tree) ||
	      !config_same(a->commit, b->commit) ||
	      !config_same(a->module, b->module) || !config_same(a->init, b->init) ||
	      b->n_load_module > a->n_load_module || b->n_module_src > a->n_module_src,
	      "runs a kernel, init or module of its choosing");
	JUDGE(b->net > a->net, "turns the network on");
	JUDGE(b->drop_kernel > a->drop_kernel || b->drop_landlock > a->drop_landlock ||
	      b->allow_modules > a->allow_modules,
	      "gives an isolation layer up");
	for (i = 0; i < b->n_flavour; i++)
		JUDGE(config_flavour_drops(b->flavour[i]) &&
		      !config_has_str(a->flavour, a->n_flavour, b->flavour[i]),
		      "builds the %s flavour, which gives the kernel layer up",
		      b->flavour[i]);
	JUDGE(a->max_procs && (!b->max_procs || b->max_procs > a->max_procs),
	      "lifts the bound on host processes (a project file may only lower it)");
	JUDGE(b->root_max > a->root_max && b->root_max > DEFAULT_ROOT_MAX,
	      "lifts the bound on a root archive's size");
	JUDGE(rb > ra && rb > PROJECT_RUNDIR_MAX,
	      "asks for %llu MiB of guest memory and scratch space, more than the %llu a project file may",
	      rb >> 20, PROJECT_RUNDIR_MAX >> 20);
	JUDGE(b->n_append > a->n_append, "adds kernel parameters");
	JUDGE(b->gdb > a->gdb, "starts a process on the host");
	JUDGE(!config_same(a->log_file, b->log_file) ||
	      !config_same(a->result_json, b->result_json) ||
	      !config_same(a->junit, b->junit) ||
	      !config_same(a->coverage, b->coverage),
	      "makes umlrun write a host file");
	for (i = 0; i < b->n_mounts; i++) {
		const struct mount_opt *m = &b->mounts[i];

		if (config_has_mount(a, m) || m->kind != MOUNT_BIND_RW)
			continue;
		JUDGE(!config_inside(m->src, dir),
		      "binds %s writable, outside the project (%s)", m->src, dir);
	}
	for (i = 0; i < b->n_disks; i++) {
		const struct disk_opt *d = &b->disks[i];

		if (config_has_disk(a, d) || (d->mode != DISK_RW && d->mode != DISK_COW))
			continue;
		JUDGE(!config_inside(d->file, dir),
		      "attaches %s writable, outside the project (%s)", d->file, dir);
	}
	if (b->root && !config_same(a->root, b->root)) {
		fd = hostpath_open(b->root, O_PATH, 0, w, sizeof(w));
		real[0] = 0;
		if (fd >= 0) {
			hostpath_real(fd, real, sizeof(real));
			close(fd);
		}
		JUDGE(fd < 0 || !config_inside(real, dir),
		      "makes %s the guest's root, outside the project (%s)", b->root, dir);
	}
	for (i = 0; i < b->n_env_add; i++)
		JUDGE(!strchr(b->env_add[i], '=') &&
		      !config_has_str(a->env_add, a->n_env_add, b->env_add[i]),
		      "copies the caller's %s into the guest", b->env_add[i]);
	return 0;
}

/* Parse argv v[0..n) into a plan (exits on a bad value, naming its line). */
static void config_plan(char **v, int n, struct plan *p)
{
	struct options o;

	optind = 0;
	options_parse(&o, n, v);
	plan_derive(&o, p);
	options_free(&o);
}

/*
 * Each project entry on its own, and all of them, against the run without
 * any: the first that reaches beyond the guest and the project ends the
 * run, naming its line and what it would do.
 */
static void config_judge_project(int argc, char **argv)
{
	/* static: a refusal ends the run from below, and the argument
	 * vector must still be reachable then (no leak for LeakSanitizer) */
	static char **v;
	char why[PATH_MAX + 256];
	struct plan without, with;
	int i, k, n, lone, saved = log_verbose;

	v = calloc((size_t)(argc + n_entries + 1), sizeof(char *));
	if (!v)
		die("out of memory");
	for (lone = -1; lone <= n_entries; lone++) {
		if (lone >= 0 && lone < n_entries && !entries[lone].project)
			continue;
		n = 0;
		v[n++] = argv[0];
		for (k = 0; k < n_entries; k++)
			if (!entries[k].project ||
			    (lone >= 0 && (k == lone || lone == n_entries)))
				v[n++] = entries[k].arg;
		for (i = 1; i < argc; i++)
			v[n++] = argv[i];
		v[n] = NULL;
		if (lone < 0) {
			config_plan(v, n, &without);
			continue;
		}
		config_plan(v, n, &with);
		if (config_judge(&without, &with, project_dir, why, sizeof(why))) {
			if (lone < n_entries)
				die("%s: '%s' is not allowed in a project file: it %s; give it on the command line or in the user file (or run with --no-config)",
				    entries[lone].where, entries[lone].shown, why);
			die("the project file's lines together %s; give them on the command line or in the user file (or run with --no-config)",
			    why);
		}
		plan_free(&with);
	}
	plan_free(&without);
	free(v);
	v = NULL;
	optind = 0;
	log_verbose = saved;
}

/* --- applying ---------------------------------------------------------------- */

/*
 * What the command line says: --no-config, --print-config, which options
 * (by long name), and where the command starts.
 */
static int config_scan(int argc, char **argv, int *no_config, int *print)
{
	const struct option *lo = options_long();
	const struct optdef *d;
	const char *name;
	int c, idx, end;

	opterr = 0;
	optind = 0;
	for (;;) {
		idx = -1;
		c = getopt_long(argc, argv, options_short(), lo, &idx);
		if (c == -1)
			break;
		name = idx >= 0 ? lo[idx].name : NULL;
		for (d = options_table; !name && d->name; d++)
			if (d->short_name && d->short_name == c)
				name = d->name;
		if (!name)
			continue;
		/* --kunit GLOB: the next word is its argument (options.c) */
		d = options_find(name);
		if (d && (d->flags & OPT_OPTARG) && !optarg && optind < argc &&
		    argv[optind][0] != '-')
			optind++;
		*no_config |= !strcmp(name, "no-config");
		*print |= !strcmp(name, "print-config");
		/* -v also says which config files were not read */
		log_verbose |= !strcmp(name, "verbose");
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
	int no_config = 0, print = 0, i, any_project = 0;
	char **v;
	FILE *f;

	n_cmdline = config_scan(*argc, *argv, &no_config, &print) - 1;
	cmdline = *argv + 1;
	if (no_config || options_env_flag("UMLRUN_NO_CONFIG"))
		return;
	if (config_user_path(user, sizeof(user)) && (f = config_open(user))) {
		config_read(f, user, 0);
		fclose(f);
	}
	if (config_project_path(project, sizeof(project), dir, sizeof(dir)) &&
	    (f = config_open(project))) {
		snprintf(project_dir, sizeof(project_dir), "%s", dir);
		config_read(f, project, 1);
		fclose(f);
	}
	if (!n_entries)
		return;
	for (i = 0; i < n_entries; i++)
		any_project |= entries[i].project;
	if (any_project)
		config_judge_project(*argc, *argv);
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

const char *config_where(const char *arg)
{
	int i;

	for (i = 0; arg && i < n_entries; i++)
		if (arg >= entries[i].arg &&
		    arg <= entries[i].arg + strlen(entries[i].arg))
			return entries[i].where;
	return NULL;
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

	if ((entries[i].def->flags & OPT_ACCUM) || !a[n])
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
	const struct envdef *e;
	const char *over, *eq, *val;
	int i, any = 0;

	for (i = 0; i < n_skipped; i++)
		printf("# not read: %s\n", skipped[i]);
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
	for (e = options_env_table; e->name; e++) {
		val = getenv(e->name);
		if (val)
			printf("%s=%s\t# environment%s%s\n", e->name, val,
			       e->option ? ", as --" : "", e->option ? e->option : "");
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
