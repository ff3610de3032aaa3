// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's options, one row each (options_table): long and short
 * name, argument, help text, where the option may come from, whether it
 * adds up, what it does beyond the guest, and the function that takes it.
 * getopt_long's table, --help, the config files' policy (config.c), the
 * bash completion and the reference table (--dump-options) are made from
 * the rows, never typed again; a new option is one new row, refused from a
 * project file until the row says otherwise. The UMLRUN_* variables are
 * declared here too, and read only through options_env(). Parsing is
 * getopt_long with a leading '+' so that it stops at the command, numbers
 * through strtol with full checks; a usage error is one line on stderr
 * (naming the config line it came from) and exit status 125.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
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
#include "kparams.h"
#include "log.h"
#include "options.h"
#include "util.h"

#define HELP_WIDTH 78
#define HELP_INDENT 27

static const char *const options_sections[] = {
	"Guest",
	"Network (no host privileges needed)",
	"Filesystem and isolation (the host's / is read-only in the guest,\n"
	"enforced on the host side)",
	"Block devices (/dev/ubda, /dev/ubdb, ... in order; UMLRUN_DISK0, ...\n"
	"name them to the command)",
	"Kernel",
	"Diagnostics",
};

enum { SEC_GUEST, SEC_NET, SEC_FS, SEC_DISK, SEC_KERNEL, SEC_DIAG };

static const char *const options_effects[] = {
	[EFF_GUEST] = "shapes only the guest",
	[EFF_REPORT] = "changes what umlrun reports",
	[EFF_ACTION] = "is an action, not a default",
	[EFF_PATH] = "shows host files to the guest",
	[EFF_BOUND] = "sets a bound on the host's resources",
	[EFF_WRITE] = "makes umlrun write a host file",
	[EFF_NET] = "turns the network on",
	[EFF_LAYER] = "gives an isolation layer up",
	[EFF_BUILD] = "builds a kernel with other options",
	[EFF_CODE] = "runs a kernel, init or module of its choosing",
	[EFF_KPARAM] = "adds kernel parameters",
	[EFF_HOSTPROC] = "starts a process on the host",
};

/* The argv entry being parsed, so an error can name its config line. */
static const char *options_arg;

static void usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void usage_error(const char *fmt, ...)
{
	const char *where = options_arg ? config_where(options_arg) : NULL;
	va_list ap;

	fprintf(stderr, "umlrun: ");
	if (where)
		fprintf(stderr, "%s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see umlrun --help)\n");
	exit(EXIT_UMLRUN);
}

/* Append one more pointer to a counted array; dies out of memory. */
static void options_push(const char ***v, size_t *n, const char *s)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		die("out of memory");
	(*v)[(*n)++] = s;
}

/* --- parsers ---------------------------------------------------------- */

int options_parse_duration(const char *s, long long *ms)
{
	char *end;
	double v;

	errno = 0;
	if (!*s || *s == '-' || *s == ' ')
		return -EINVAL;
	v = strtod(s, &end);
	if (errno || end == s || v != v)
		return -EINVAL;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		v *= 1000;
	else if (!strcmp(end, "ms"))
		;
	else if (!strcmp(end, "m"))
		v *= 60000;
	else if (!strcmp(end, "h"))
		v *= 3600000;
	else
		return -EINVAL;
	if (v < 1 || v > 1e12)
		return -EINVAL;
	*ms = (long long)v;
	return 0;
}

int options_parse_mem(const char *s, unsigned long *mb)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-' || *s == ' ')
		return -EINVAL;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (!strcmp(end, "") || !strcasecmp(end, "M") || !strcasecmp(end, "MiB"))
		;
	else if ((!strcasecmp(end, "G") || !strcasecmp(end, "GiB")) && v <= 64)
		v *= 1024;
	else
		return -EINVAL;
	if (v < 32 || v > 64 * 1024)
		return -EINVAL;
	*mb = (unsigned long)v;
	return 0;
}

/*
 * N host processes (64, room for the guest's own kernel threads, to
 * 4194304, the kernel's pid limit), or "max": 0.
 */
int options_parse_max_procs(const char *s, unsigned long *n)
{
	char *end;
	long v;

	if (!strcmp(s, "max")) {
		*n = 0;
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 64 || v > 4194304)
		return -EINVAL;
	*n = (unsigned long)v;
	return 0;
}

static int options_port(const char *s, size_t len, unsigned short *port)
{
	char buf[8], *end;
	long v;

	if (!len || len >= sizeof(buf) || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || *end || v < 1 || v > 65535)
		return -EINVAL;
	*port = (unsigned short)v;
	return 0;
}

/* [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp], IPv4 only. */
int options_parse_publish(const char *s, struct publish *p)
{
	const char *slash = strchr(s, '/'), *end, *c1, *c2;
	char addr[INET_ADDRSTRLEN];

	memset(p, 0, sizeof(*p));
	end = slash ? slash : s + strlen(s);
	if (slash) {
		if (!strcmp(slash, "/udp"))
			p->udp = 1;
		else if (strcmp(slash, "/tcp"))
			return -EINVAL;
	}
	c2 = memrchr(s, ':', (size_t)(end - s));
	if (!c2)
		return -EINVAL;
	c1 = memrchr(s, ':', (size_t)(c2 - s));
	p->host_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (c1) {
		if ((size_t)(c1 - s) >= sizeof(addr))
			return -EINVAL;
		memcpy(addr, s, (size_t)(c1 - s));
		addr[c1 - s] = 0;
		if (inet_pton(AF_INET, addr, &p->host_addr) != 1)
			return -EINVAL;
	}
	if (options_port(c1 ? c1 + 1 : s, (size_t)(c2 - (c1 ? c1 + 1 : s)),
			 &p->host_port) ||
	    options_port(c2 + 1, (size_t)(end - c2 - 1), &p->guest_port))
		return -EINVAL;
	return 0;
}

/*
 * A kconfig line as a fragment holds it: "CONFIG_X=VALUE" or "# CONFIG_X
 * is not set". Its value reaches .config, and Kconfig writes a string's
 * content unquoted into include/config/auto.conf, which make includes: a
 * '$' there is make's expansion ($(shell ...)), so a value may be y, n, m,
 * a decimal or hex number, or a string of plain bytes only. bool_only: a
 * project file's line, which may only switch an option.
 */
const char *options_check_kconfig_line(const char *line, int bool_only)
{
	const char *p = line, *v;
	size_t n;

	if (!strncmp(p, "# ", 2)) {
		p += 2;
		n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
		if (strncmp(p, "CONFIG_", 7) || n <= 7 || strcmp(p + n, " is not set"))
			return "want CONFIG_NAME=VALUE or '# CONFIG_NAME is not set'";
		return NULL;
	}
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	if (strncmp(p, "CONFIG_", 7) || n <= 7 || p[n] != '=')
		return "want CONFIG_NAME=VALUE or '# CONFIG_NAME is not set'";
	v = p + n + 1;
	if (!strcmp(v, "y") || !strcmp(v, "n") || !strcmp(v, "m"))
		return NULL;
	if (bool_only)
		return "a project file may only switch an option (=y, =m or =n)";
	if (*v == '-' && v[1])
		v++;
	if (*v && strspn(v, "0123456789") == strlen(v))
		return NULL;
	if (!strncmp(v, "0x", 2) && v[2] &&
	    strspn(v + 2, "0123456789abcdefABCDEF") == strlen(v + 2))
		return NULL;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		for (p = v + 1; p < v + n - 1; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' ||
			    *p == '$' || *p == '`' || *p == '\\')
				return "a string value may not hold $, `, \\, a quote or a control character (make would expand it)";
		return NULL;
	}
	return "a value is y, n, m, a number or a \"string\"";
}

void options_each_fragment_line(int fd, const char *file,
				void (*each)(void *ctx, int lineno, char *line),
				void *ctx)
{
	char *buf = NULL, *l, *e;
	size_t cap = 0;
	struct stat st;
	int n = 0;
	FILE *f;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		die("%s: not a regular file", file);
	f = fdopen(fd, "r");
	if (!f)
		die("out of memory");
	while (getline(&buf, &cap, f) >= 0) {
		n++;
		for (l = buf; *l == ' ' || *l == '\t'; l++)
			;
		e = l + strlen(l);
		while (e > l && strchr(" \t\r\n", e[-1]))
			*--e = 0;
		if (!*l || (*l == '#' && strncmp(l, "# CONFIG_", 9)))
			continue;
		each(ctx, n, l);
	}
	if (ferror(f))
		die_errno("%s", file);
	free(buf);
	fclose(f);
}

/* --kconfig FILE's lines, checked and kept (as --kconfig-add's are). */
struct fragment_lines {
	const char *file;
	struct kconfig_opt *k;
	size_t n;
};

static void fragment_lines_add(struct fragment_lines *fl, struct kconfig_opt k)
{
	fl->k = realloc(fl->k, (fl->n + 1) * sizeof(*fl->k));
	if (!fl->k)
		die("out of memory");
	fl->k[fl->n++] = k;
}

static void options_fragment_line(void *ctx, int lineno, char *l)
{
	struct fragment_lines *fl = ctx;
	const char *why = options_check_kconfig_line(l, 0);
	char *line;

	if (why)
		usage_error("--kconfig %s:%d: '%s': %s", fl->file, lineno, l, why);
	line = strdup(l);
	if (!line)
		die("out of memory");
	fragment_lines_add(fl, (struct kconfig_opt){ 0, line });
}

/*
 * Each --kconfig FILE is opened as a path a guest could have shaped (no
 * link followed unless --follow-links; a file only, never a fifo or a
 * device), read once here, and replaced by its lines: the build gets the
 * lines that were checked, not the file again.
 */
static void options_read_fragments(struct options *o)
{
	struct fragment_lines fl = { 0 };
	char why[PATH_MAX + 256];
	size_t i;
	int fd;

	for (i = 0; i < o->n_kconfig; i++) {
		if (!o->kconfig[i].file) {
			fragment_lines_add(&fl, o->kconfig[i]);
			continue;
		}
		fl.file = o->kconfig[i].arg;
		fd = hostpath_open(fl.file, O_RDONLY, o->follow_links, why,
				   sizeof(why));
		if (fd < 0)
			usage_error("--kconfig %s: %s", fl.file, why);
		options_each_fragment_line(fd, fl.file, options_fragment_line,
					   &fl);
	}
	free(o->kconfig);
	o->kconfig = fl.k;
	o->n_kconfig = fl.n;
}

/* --- what each option does -------------------------------------------- */

static void set_mem(struct options *o, const char *a)
{
	if (options_parse_mem(a, &o->mem_mb))
		usage_error("bad memory size '%s' (32M to 64G)", a);
}

static void set_cwd(struct options *o, const char *a)
{
	if (!*a)
		usage_error("empty directory for -C");
	o->cwd = a;
}

static void set_env(struct options *o, const char *a)
{
	if (!*a || *a == '=')
		usage_error("bad variable '%s' for -e", a);
	options_push(&o->env_add, &o->n_env_add, a);
}

static void set_clean_env(struct options *o, const char *a)
{
	o->clean_env = 1;
}

static void set_no_stdin(struct options *o, const char *a)
{
	o->no_stdin = 1;
}

static void set_tty(struct options *o, const char *a)
{
	o->tty = 1;
}

static void set_timeout(struct options *o, const char *a)
{
	if (options_parse_duration(a, &o->timeout_ms))
		usage_error("bad duration '%s'", a);
}

static void set_time_travel(struct options *o, const char *a)
{
	o->time_travel = 1;
}

/* A host name as sethostname(2) takes it and the command line carries. */
static void set_hostname(struct options *o, const char *a)
{
	size_t n = strlen(a);

	if (!n || n > 64 || *a == '-' || *a == '.' ||
	    strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != n)
		usage_error("bad host name '%s' (letters, digits, '.' and '-', at most 64)",
			    a);
	o->hostname = a;
}

static void set_user(struct options *o, const char *a)
{
	o->user = 1;
}

static void set_net(struct options *o, const char *a)
{
	o->net = 1;
}

static void set_publish(struct options *o, const char *a)
{
	o->publish = realloc(o->publish, (o->n_publish + 1) * sizeof(*o->publish));
	if (!o->publish)
		die("out of memory");
	if (options_parse_publish(a, &o->publish[o->n_publish]))
		usage_error("bad port forward '%s' (want [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp])",
			    a);
	o->n_publish++;
}

static void set_host_loopback(struct options *o, const char *a)
{
	o->host_loopback = 1;
}

struct mount_opt *options_add_mount(struct options *o)
{
	o->mounts = realloc(o->mounts, (o->n_mounts + 1) * sizeof(*o->mounts));
	if (!o->mounts)
		die("out of memory");
	memset(&o->mounts[o->n_mounts], 0, sizeof(*o->mounts));
	return &o->mounts[o->n_mounts++];
}

static void options_mount(struct options *o, int bind, const char *arg)
{
	struct mount_opt *m = options_add_mount(o);
	const char *err;

	err = bind ? mounts_parse_bind(arg, m, o->follow_links) :
		     mounts_parse_tmpfs(arg, m);
	if (err)
		usage_error("bad %s '%s': %s", bind ? "--bind" : "--tmpfs", arg,
			    err);
}

static void set_bind(struct options *o, const char *a)
{
	options_mount(o, 1, a);
}

static void set_tmpfs(struct options *o, const char *a)
{
	options_mount(o, 0, a);
}

static void set_overlay(struct options *o, const char *a)
{
	o->overlay = 1;
}

static void set_root(struct options *o, const char *a)
{
	if (!*a)
		usage_error("empty path for --root");
	o->root = a;
}

static void set_root_max(struct options *o, const char *a)
{
	if (disks_parse_size(a, &o->root_max) || o->root_max < (1ULL << 20))
		usage_error("bad size '%s' for --root-max (1M or more, e.g. 8G)", a);
}

static void set_follow_links(struct options *o, const char *a)
{
	o->follow_links = 1;
}

static void set_allow_modules(struct options *o, const char *a)
{
	o->allow_modules = 1;
}

static void set_drop_layer(struct options *o, const char *a)
{
	if (!strcmp(a, "kernel"))
		o->drop_kernel = 1;
	else if (!strcmp(a, "landlock"))
		o->drop_landlock = 1;
	else
		usage_error("--drop-layer takes kernel or landlock, not '%s'", a);
}

static void set_max_procs(struct options *o, const char *a)
{
	if (options_parse_max_procs(a, &o->max_procs))
		usage_error("bad process bound '%s' (64 to 4194304, or max)", a);
}

static void set_disk(struct options *o, const char *a)
{
	struct disk_opt *d = disks_add(&o->disks, &o->n_disks);
	const char *err;

	err = disks_parse(a, d, o->follow_links);
	if (err)
		usage_error("bad --disk '%s': %s", a, err);
}

static void set_disk_size(struct options *o, const char *a)
{
	struct disk_opt *d = disks_add(&o->disks, &o->n_disks);

	d->mode = DISK_SCRATCH;
	if (disks_parse_size(a, &d->size))
		usage_error("bad size '%s' for --disk-size (e.g. 64M, a multiple of 512)",
			    a);
}

static void set_swap(struct options *o, const char *a)
{
	if (disks_parse_size(a, &o->swap_bytes) || o->swap_bytes < (1ULL << 20))
		usage_error("bad swap size '%s' (1M or more)", a);
}

static void set_kernel(struct options *o, const char *a)
{
	o->kernel = a;
}

static int options_known_series(const char *v)
{
	return has_word(FACT_SERIES, v);
}

static void set_kernel_version(struct options *o, const char *a)
{
	if (!options_known_series(a))
		usage_error("unknown kernel version '%s' (%s)", a, FACT_SERIES);
	o->kernel_version = a;
}

static void set_kernel_tree(struct options *o, const char *a)
{
	if (!*a)
		usage_error("empty directory for --kernel-tree");
	o->kernel_tree = a;
}

static void set_commits(struct options *o, const char *a)
{
	if (!*a || *a == '-' || !strstr(a, ".."))
		usage_error("--commits takes a range A..B of the tree's commits, not '%s'", a);
	o->commits = a;
}

static void set_commit(struct options *o, const char *a)
{
	if (!*a || *a == '-')
		usage_error("bad revision '%s' for --commit", a);
	o->commit = a;
}

static void options_kconfig(struct options *o, int file, const char *a)
{
	const char *why;

	if (!*a)
		usage_error("empty %s", file ? "--kconfig" : "--kconfig-add");
	if (!file && (why = options_check_kconfig_line(a, 0)))
		usage_error("--kconfig-add '%s': %s", a, why);
	o->kconfig = realloc(o->kconfig, (o->n_kconfig + 1) * sizeof(*o->kconfig));
	if (!o->kconfig)
		die("out of memory");
	o->kconfig[o->n_kconfig++] = (struct kconfig_opt){ file, a };
}

static void set_kconfig(struct options *o, const char *a)
{
	options_kconfig(o, 1, a);
}

static void set_kconfig_add(struct options *o, const char *a)
{
	options_kconfig(o, 0, a);
}

static void set_flavour(struct options *o, const char *a)
{
	size_t i;

	if (!*a || strchr(a, '/') || *a == '.' ||
	    strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(a))
		usage_error("bad flavour name '%s'", a);
	for (i = 0; i < o->n_flavour; i++)
		if (!strcmp(o->flavour[i], a))
			return;
	options_push(&o->flavour, &o->n_flavour, a);
}

static void set_coverage(struct options *o, const char *a)
{
	if (!*a)
		usage_error("empty directory for --coverage");
	o->coverage = a;
}

static void set_append(struct options *o, const char *a)
{
	options_push(&o->append, &o->n_append, a);
}

static void set_panic_is_failure(struct options *o, const char *a)
{
	o->panic_is_failure = 1;
}

static void set_splat_is_failure(struct options *o, const char *a)
{
	o->splat_is_failure = 1;
}

static void set_gdb(struct options *o, const char *a)
{
	o->gdb = 1;
}

static void set_module(struct options *o, const char *a)
{
	o->module = a;
}

/* options_push_named: a repeatable option's value, never empty */
static void options_push_named(const char ***v, size_t *n, const char *a,
			       const char *what)
{
	if (!*a)
		usage_error("empty %s", what);
	options_push(v, n, a);
}

static void set_load_module(struct options *o, const char *a)
{
	options_push_named(&o->load_module, &o->n_load_module, a,
			   "path for --load-module");
}

static void set_module_src(struct options *o, const char *a)
{
	options_push_named(&o->module_src, &o->n_module_src, a,
			   "directory for --module-src");
}

static void set_print_build_dir(struct options *o, const char *a)
{
	o->print_build_dir = 1;
}

static void set_kunit(struct options *o, const char *a)
{
	o->kunit = a && *a ? a : "*";
}

static void set_kunitconfig(struct options *o, const char *a)
{
	options_push_named(&o->kunitconfig, &o->n_kunitconfig, a,
			   "path for --kunitconfig");
}

static void set_kunit_filter(struct options *o, const char *a)
{
	if (!*a)
		usage_error("empty --kunit-filter");
	o->kunit_filter = a;
}

static void set_kunit_filter_action(struct options *o, const char *a)
{
	if (strcmp(a, "skip"))
		usage_error("--kunit-filter-action takes skip, not '%s'", a);
	o->kunit_filter_action = a;
}

static void set_kunit_summary(struct options *o, const char *a)
{
	o->kunit_summary = 1;
}

static void set_init(struct options *o, const char *a)
{
	o->init = a;
}

static void set_list_kernels(struct options *o, const char *a)
{
	o->kernels_action = "--list";
}

static void set_prune_kernels(struct options *o, const char *a)
{
	o->kernels_action = "--prune";
}

static void set_verbose(struct options *o, const char *a)
{
	o->verbose = 1;
}

static void set_log(struct options *o, const char *a)
{
	o->log_file = a;
}

static void set_result_json(struct options *o, const char *a)
{
	o->result_json = a;
}

static void set_junit(struct options *o, const char *a)
{
	o->junit = a;
}

static void options_help(void);

static void set_help(struct options *o, const char *a)
{
	options_help();
	exit(0);
}

static void set_version(struct options *o, const char *a)
{
	o->version = 1;
}

static void set_check(struct options *o, const char *a)
{
	o->check = 1;
}

static void set_print_config(struct options *o, const char *a)
{
	o->print_config = 1;
}

static void set_no_config(struct options *o, const char *a)
{
	/* config.c saw it */
}

static void set_dump(struct options *o, const char *a)
{
	o->dump = a;
}

/* --- the rows ----------------------------------------------------------- */

#define U OPT_USER
#define P OPT_PROJECT
#define A OPT_ACCUM

const struct optdef options_table[] = {
	/* Guest */
	{ "mem", 'm', "SIZE", U | P, EFF_BOUND, SEC_GUEST, "words:256M 512M 1G 2G",
	  "guest memory, e.g. 512M or 2G (default 256M)", set_mem },
	{ "cwd", 'C', "DIR", U | P, EFF_GUEST, SEC_GUEST, "dir",
	  "working directory in the guest (default: the caller's; created if missing with --overlay)",
	  set_cwd },
	{ "env", 'e', "NAME=VALUE", U | P | A, EFF_GUEST, SEC_GUEST, "env",
	  "set a variable for the command; NAME alone copies it from the caller (repeatable)",
	  set_env },
	{ "clean-env", 0, NULL, U | P, EFF_GUEST, SEC_GUEST, NULL,
	  "start from an empty environment", set_clean_env },
	{ "no-stdin", 0, NULL, U | P, EFF_GUEST, SEC_GUEST, NULL,
	  "give the command /dev/null as stdin (umlrun then reads nothing from its own stdin)",
	  set_no_stdin },
	{ "tty", 't', NULL, U | P, EFF_GUEST, SEC_GUEST, NULL,
	  "run the command on a pseudo-terminal; the host terminal goes raw while it runs",
	  set_tty },
	{ "timeout", 0, "DURATION", U | P, EFF_GUEST, SEC_GUEST, NULL,
	  "kill the guest after DURATION (e.g. 30, 1.5s, 2m, 500ms) and exit 124",
	  set_timeout },
	{ "time-travel", 0, NULL, U | P, EFF_GUEST, SEC_GUEST, NULL,
	  "virtual time: when the guest waits, its clock jumps to the next timer (sleep 30 returns at once); --timeout still counts host time; not with -n or -p",
	  set_time_travel },
	{ "hostname", 0, "NAME", U | P, EFF_GUEST, SEC_GUEST, NULL,
	  "the guest's host name (default umlrun)", set_hostname },
	{ "user", 'u', NULL, U | P, EFF_GUEST, SEC_GUEST, NULL,
	  "run the command as the caller's uid, gid and groups instead of root",
	  set_user },
	/* Network */
	{ "net", 'n', NULL, U, EFF_NET, SEC_NET, NULL,
	  "give the guest eth0 with user-mode networking (10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3); default: only lo",
	  set_net },
	{ "publish", 'p', "[HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]", U | A, EFF_NET,
	  SEC_NET, NULL,
	  "forward a host port into the guest (HOSTADDR defaults to 127.0.0.1; repeatable; implies -n)",
	  set_publish },
	{ "host-loopback", 0, NULL, U, EFF_NET, SEC_NET, NULL,
	  "let the guest reach services on the host's 127.0.0.1 at 10.0.2.2 (default: refused; implies -n)",
	  set_host_loopback },
	/* Filesystem and isolation */
	{ "bind", 0, "SRC[:DST][:ro|rw]", U | P | A, EFF_PATH, SEC_FS, "dir",
	  "show host directory SRC at DST (default: SRC) in the guest, read-only (default) or writable; DST is created if missing (repeatable)",
	  set_bind },
	{ "tmpfs", 0, "PATH", U | P | A, EFF_GUEST, SEC_FS, "dir",
	  "an empty tmpfs at PATH in the guest (repeatable)", set_tmpfs },
	{ "overlay", 0, NULL, U | P, EFF_GUEST, SEC_FS, NULL,
	  "make / a writable copy-on-write overlay: writes stay in guest memory and vanish at exit",
	  set_overlay },
	{ "root", 0, "DIR|TAR|IMAGE", U | P, EFF_PATH, SEC_FS, "file",
	  "the guest's / is DIR (read-only unless bound rw, writable with --overlay), a tar archive (made once into a cached read-only image) or an ext4 or squashfs image (attached read-only); the command comes from it",
	  set_root },
	{ "root-max", 0, "SIZE", U | P, EFF_BOUND, SEC_FS, "words:4G 16G 64G",
	  "the most a --root archive may unpack to (default 16G)", set_root_max },
	{ "follow-links", 0, NULL, 0, EFF_PATH, SEC_FS, NULL,
	  "follow symbolic links in the paths given on the command line (--disk, --bind, --root, --log, ...); without it such a path is refused, as a link could have been planted by an earlier run's guest",
	  set_follow_links },
	{ "allow-modules", 0, NULL, U, EFF_LAYER, SEC_FS, NULL,
	  "let the guest load kernel modules (gives up the kernel layer: Landlock alone guards the host)",
	  set_allow_modules },
	{ "drop-layer", 0, "kernel|landlock", U | A, EFF_LAYER, SEC_FS,
	  "words:kernel landlock",
	  "run with one isolation layer: a kernel without umlrun's write policy or lockdown (kernel), or a host without Landlock (landlock); without it such a run is refused with 125",
	  set_drop_layer },
	{ "max-procs", 0, "N", U | P, EFF_BOUND, SEC_FS, "words:max 512 2048 8192",
	  "at most N host processes for the kernel and the guest (each guest process is one; default 2048; 'max': no bound); beyond it fork fails (EAGAIN)",
	  set_max_procs },
	/* Block devices */
	{ "disk", 0, "FILE[:ro|rw|cow]", U | P | A, EFF_PATH, SEC_DISK, "file",
	  "attach host file FILE: the guest cannot write it (ro, default), writes it (rw), or writes a throwaway copy-on-write layer (cow) (repeatable)",
	  set_disk },
	{ "disk-size", 0, "SIZE", U | P | A, EFF_BOUND, SEC_DISK, "words:64M 1G",
	  "attach an empty sparse scratch disk of SIZE (e.g. 64M, 2G) that is gone at exit (repeatable)",
	  set_disk_size },
	{ "swap", 0, "SIZE", U | P, EFF_BOUND, SEC_DISK, "words:256M 1G",
	  "give the guest SIZE of swap on a scratch disk", set_swap },
	/* Kernel */
	{ "kernel", 'k', "PATH", U, EFF_CODE, SEC_KERNEL, "file",
	  "a UML kernel binary (hostexec.ko next to it)", set_kernel },
	{ "kernel-version", 0, "V", U | P, EFF_GUEST, SEC_KERNEL, "series",
	  "Debian's " FACT_DEFAULT_SERIES " (default, built by make) or another series umlrun knows (" FACT_SERIES "; built on first use, or by make kernels); UMLRUN_KERNEL_VERSION sets the default",
	  set_kernel_version },
	{ "kernel-tree", 0, "DIR", U, EFF_CODE, SEC_KERNEL, "dir",
	  "build the Linux tree DIR (e.g. a git checkout) out of tree with our config and module, cached per commit; a tree that does not build exits 125 (skip for git bisect run)",
	  set_kernel_tree },
	{ "commit", 0, "REV", U, EFF_CODE, SEC_KERNEL, NULL,
	  "with --kernel-tree: build REV of the git tree, written to the cache (work tree untouched)",
	  set_commit },
	{ "commits", 0, "A..B", 0, EFF_CODE, SEC_KERNEL, NULL,
	  "with --kernel-tree: build and run each commit of the range A..B, oldest first, as --commit does; a line per commit, a table at the end, a row per commit in --result-json; exit 0 only when every commit passed",
	  set_commits },
	{ "kconfig", 0, "FILE", U | P | A, EFF_BUILD, SEC_KERNEL, "file",
	  "a kconfig fragment applied after umlrun's (repeatable); the kernel is built on first use and cached per configuration",
	  set_kconfig },
	{ "kconfig-add", 0, "CONFIG_X=VALUE", U | P | A, EFF_BUILD, SEC_KERNEL,
	  "words:CONFIG_",
	  "one more option, as --kconfig (repeatable); a line that does not land exits 125 saying why; options the kernel layer rests on change only with --drop-layer kernel",
	  set_kconfig_add },
	{ "flavour", 0, "NAME", U | P | A, EFF_BUILD, SEC_KERNEL, "flavours",
	  "a kernel built for a purpose, as --kconfig of arch-um-config/flavours/NAME*.config (repeatable): debian (every non-hardware option Debian turns on, built in), debug (KASAN, lockdep, UBSAN), coverage (gcov; only with --drop-layer kernel)",
	  set_flavour },
	{ "coverage", 0, "DIR", U, EFF_WRITE, SEC_KERNEL, "dir",
	  "run on the coverage flavour and write the kernel's coverage of the command to DIR (coverage.info, html/); gives the kernel layer up",
	  set_coverage },
	{ "append", 0, "PARAMS", U | A, EFF_KPARAM, SEC_KERNEL, NULL,
	  "more kernel parameters (repeatable); those umlrun sets are refused, the kernel layer's unless --drop-layer kernel comes first",
	  set_append },
	{ "panic-is-failure", 0, NULL, U | P, EFF_REPORT, SEC_KERNEL, NULL,
	  "a kernel panic exits 1 (bad for git bisect run) instead of 125 (skip)",
	  set_panic_is_failure },
	{ "splat-is-failure", 0, NULL, U | P, EFF_REPORT, SEC_KERNEL, NULL,
	  "a kernel warning, BUG, lockdep or KASAN report exits 1",
	  set_splat_is_failure },
	{ "list-kernels", 0, NULL, 0, EFF_ACTION, SEC_KERNEL, NULL,
	  "list the cached kernels and build trees, with sizes, and exit",
	  set_list_kernels },
	{ "prune-kernels", 0, NULL, 0, EFF_ACTION, SEC_KERNEL, NULL,
	  "remove all but the current series' kernels and their variants' kernels, and exit",
	  set_prune_kernels },
	{ "gdb", 0, NULL, U, EFF_HOSTPROC, SEC_KERNEL, NULL,
	  "start the kernel under gdb on this terminal, with its and hostexec.ko's symbols; the command keeps its stdout, stderr and status (stdin only when it is not the terminal)",
	  set_gdb },
	{ "module", 0, "PATH", U, EFF_CODE, SEC_KERNEL, "file",
	  "the hostexec.ko to load in the guest", set_module },
	{ "init", 0, "PATH", U, EFF_CODE, SEC_KERNEL, "file",
	  "the guest init (default: the built umlinit)", set_init },
	{ "load-module", 0, "FILE.ko", U | A, EFF_CODE, SEC_KERNEL, "file",
	  "load your kernel module FILE.ko at boot, after hostexec and before module loading is closed, so both isolation layers stay (repeatable, in order); a module built for another kernel is refused before boot",
	  set_load_module },
	{ "module-src", 0, "DIR", U | A, EFF_CODE, SEC_KERNEL, "dir",
	  "build the Kbuild module in DIR against exactly the kernel this run boots (cached by DIR's content and the kernel) and load it as --load-module does (repeatable)",
	  set_module_src },
	{ "kunit", 0, "[GLOB]", OPT_OPTARG, EFF_BUILD, SEC_KERNEL, NULL,
	  "run the KUnit suites matching GLOB (default: all) at boot, on a variant with KUnit and the --kunitconfig suites built in; their KTAP goes to stdout, their counts to --result-json and --junit; exit 1 when one fails; a command given runs after them",
	  set_kunit },
	{ "kunitconfig", 0, "FILE|DIR", A, EFF_BUILD, SEC_KERNEL, "file",
	  "the suites to build for --kunit: a .kunitconfig (DIR/.kunitconfig; a relative path not found here is looked for in the kernel's source tree), merged as kunit.py merges them (repeatable; default kunit.py's: all tests)",
	  set_kunitconfig },
	{ "kunit-filter", 0, "FILTER", 0, EFF_REPORT, SEC_KERNEL, NULL,
	  "with --kunit: run only the tests whose attributes match FILTER (kunit.filter, e.g. \"speed>slow\"; kernels from 6.6)",
	  set_kunit_filter },
	{ "kunit-filter-action", 0, "skip", 0, EFF_REPORT, SEC_KERNEL, "words:skip",
	  "with --kunit-filter: report the tests filtered out as skipped instead of leaving them out",
	  set_kunit_filter_action },
	{ "kunit-summary", 0, NULL, 0, EFF_REPORT, SEC_KERNEL, NULL,
	  "with --kunit: print a summary as kunit.py does instead of the KTAP",
	  set_kunit_summary },
	{ "print-build-dir", 0, NULL, 0, EFF_ACTION, SEC_KERNEL, NULL,
	  "print the build directory of the kernel these options boot (built first if need be), for make -C DIR ARCH=um M=$PWD, and exit",
	  set_print_build_dir },
	/* Diagnostics */
	{ "verbose", 'v', NULL, U | P, EFF_REPORT, SEC_DIAG, NULL,
	  "show what umlrun does and the kernel log", set_verbose },
	{ "log", 0, "FILE", U, EFF_WRITE, SEC_DIAG, "file",
	  "write the kernel log to FILE", set_log },
	{ "result-json", 0, "FILE", U, EFF_WRITE, SEC_DIAG, "file",
	  "write the outcome as JSON to FILE (exit status, signal, timeout, panic, kernel and its splats, boot and run time, bytes)",
	  set_result_json },
	{ "junit", 0, "FILE", U, EFF_WRITE, SEC_DIAG, "file",
	  "read the command's stdout as TAP/KTAP (it still passes through unchanged) and write its results to FILE as JUnit XML",
	  set_junit },
	{ "help", 0, NULL, 0, EFF_ACTION, SEC_DIAG, NULL,
	  "show this help and exit", set_help },
	{ "version", 0, NULL, 0, EFF_ACTION, SEC_DIAG, NULL,
	  "show the version and the kernel a run with these options uses",
	  set_version },
	{ "check", 0, NULL, 0, EFF_ACTION, SEC_DIAG, NULL,
	  "check what this host offers umlrun, with fixes", set_check },
	{ "print-config", 0, NULL, 0, EFF_ACTION, SEC_DIAG, NULL,
	  "show the options from config files, the UMLRUN_* variables and the command line, with where each came from, and the config files skipped",
	  set_print_config },
	{ "no-config", 0, NULL, 0, EFF_ACTION, SEC_DIAG, NULL,
	  "ignore the config files: the user's ~/.config/umlrun/config and the project's " FACT_PROJECT_FILE " (nearest from here upward)",
	  set_no_config },
	{ "dump-options", 0, "FORMAT", OPT_HIDDEN, EFF_ACTION, SEC_DIAG, NULL,
	  "print the option table as completion, markdown, names or env, and exit",
	  set_dump },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL, NULL },
};

#undef U
#undef P
#undef A

/* --- the UMLRUN_* variables --------------------------------------------- */

const struct envdef options_env_table[] = {
	{ "UMLRUN_KERNEL", "kernel", "the kernel, as -k" },
	{ "UMLRUN_KERNEL_VERSION", "kernel-version", "the default series, as --kernel-version" },
	{ "UMLRUN_INIT", "init", "the guest init, as --init" },
	{ "UMLRUN_KERNEL_ARGS", "append", "more kernel parameters, as --append" },
	{ "UMLRUN_NO_CONFIG", "no-config", "ignore the config files, as --no-config" },
	{ "UMLRUN_CACHE", NULL, "the kernel and root cache (default ${XDG_CACHE_HOME:-~/.cache}/umlrun)" },
	{ "UMLRUN_CCACHE", NULL, "0: kernel builds without the compiler cache (read by the build script)" },
	{ "UMLRUN_CCACHE_SIZE", NULL, "the compiler cache's bound, as ccache's max_size (default 5G; read by the build script)" },
	{ "UMLRUN_RUNDIR", NULL, "where run directories go (default: the first of /dev/shm, $XDG_RUNTIME_DIR, $TMPDIR, /tmp with room)" },
	{ "UMLRUN_LIBDIR", NULL, "where umlinit and kernels/ are (default: build/ beside the launcher, or ../lib/umlrun)" },
	{ "UMLRUN_BUILD_KERNEL", NULL, "the kernel build script (default: scripts/build-kernel.sh beside the launcher, or installed)" },
	{ "UMLRUN_LPJ", NULL, "the delay-loop calibration given to the kernel (lpj=, default 4000000)" },
	{ "UMLRUN_NO_PIN", NULL, "1: do not pin the kernel to one CPU" },
	{ "UMLRUN_NO_RING", NULL, "1: relay output through the channel, not the shared ring" },
	{ "UMLRUN_LANDLOCK", NULL, "0: apply no Landlock ruleset, as --drop-layer landlock (for tests of the kernel layer alone)" },
	{ "UMLRUN_NET_SOCKBUF", NULL, "the network socketpair's buffer size in bytes (tests)" },
	{ "UMLRUN_COVERAGE_SCRIPT", NULL, "the coverage report script (tests of its confinement)" },
	{ NULL, NULL, NULL },
};

static const struct envdef *options_env_def(const char *name)
{
	const struct envdef *e;

	for (e = options_env_table; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

const char *options_env(const char *name)
{
	if (!options_env_def(name))
		die("internal error: %s is not a declared variable", name);
	return getenv(name);
}

int options_env_flag(const char *name)
{
	const char *v = options_env(name);

	return v && *v && strcmp(v, "0");
}

/* --- lookups and the getopt table --------------------------------------- */

#define OPTIONS_MAX 96

const struct optdef *options_find(const char *name)
{
	const struct optdef *d;

	for (d = options_table; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

const char *options_effect_text(enum opt_effect e)
{
	return options_effects[e];
}

const struct option *options_long(void)
{
	static struct option opts[OPTIONS_MAX];
	const struct optdef *d;
	size_t n = 0;

	if (opts[0].name)
		return opts;
	for (d = options_table; d->name; d++) {
		if (n + 1 >= OPTIONS_MAX)
			die("internal error: too many options");
		opts[n++] = (struct option){ d->name,
					     (d->flags & OPT_OPTARG) ? optional_argument :
					     d->arg ? required_argument : no_argument,
					     NULL, (int)(d - options_table) + 256 };
	}
	return opts;
}

const char *options_short(void)
{
	static char s[2 * OPTIONS_MAX + 4];
	const struct optdef *d;
	size_t n = 0;

	if (s[0])
		return s;
	s[n++] = '+';
	s[n++] = ':';
	for (d = options_table; d->name; d++) {
		if (!d->short_name)
			continue;
		s[n++] = d->short_name;
		if (d->arg)
			s[n++] = ':';
	}
	s[n] = 0;
	return s;
}

/* The row getopt_long's return value c stands for, or NULL. */
static const struct optdef *options_row(int c)
{
	const struct optdef *d;

	if (c >= 256)
		return &options_table[c - 256];
	for (d = options_table; d->name; d++)
		if (d->short_name && d->short_name == c)
			return d;
	return NULL;
}

/* --- --help --------------------------------------------------------------- */

/* Print text wrapped at HELP_WIDTH, its first line from column col. */
static void options_wrap(const char *text, int col)
{
	const char *p = text, *word;
	int len;

	while (*p) {
		word = p;
		len = (int)strcspn(p, " ");
		if (col > HELP_INDENT && col + 1 + len > HELP_WIDTH) {
			printf("\n%*s", HELP_INDENT, "");
			col = HELP_INDENT;
		} else if (col > HELP_INDENT) {
			putchar(' ');
			col++;
		}
		printf("%.*s", len, word);
		col += len;
		p += len;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

static void options_help(void)
{
	const struct optdef *d;
	unsigned int sec = ~0U;
	char head[128];
	int n;

	printf("Usage: umlrun [OPTION]... [--] [COMMAND [ARG]...]\n"
	       "Run COMMAND as root in a freshly booted User Mode Linux kernel, with\n"
	       "the same stdin, stdout, stderr and exit status as if run locally.\n"
	       "Without COMMAND, run the caller's $SHELL (on a pty if on a terminal).\n");
	for (d = options_table; d->name; d++) {
		if (d->flags & OPT_HIDDEN)
			continue;
		if (d->section != sec) {
			sec = d->section;
			printf("\n%s:\n", options_sections[sec]);
		}
		if (d->short_name)
			n = snprintf(head, sizeof(head), "  -%c, --%s%s%s", d->short_name,
				     d->name, d->arg ? " " : "", d->arg ? d->arg : "");
		else
			n = snprintf(head, sizeof(head), "      --%s%s%s", d->name,
				     d->arg ? " " : "", d->arg ? d->arg : "");
		if (n + 1 >= HELP_INDENT) {
			printf("%s\n%*s", head, HELP_INDENT, "");
		} else {
			printf("%-*s", HELP_INDENT, head);
		}
		options_wrap(d->help, HELP_INDENT);
	}
	printf("\nConfig files (the user's ~/.config/umlrun/config, a project's\n"
	       FACT_PROJECT_FILE "): \"name = value\" lines of these options; see umlrun(1).\n"
	       "\n"
	       "Exit status: the command's own; 128+N if it was killed by signal N;\n"
	       "124 on --timeout; 125 if umlrun itself failed; 126 if the command could\n"
	       "not be executed; 127 if it was not found.\n");
}

/* --- --dump-options --------------------------------------------------------- */

/* The flavours there are, space-separated, from the tree or installed. */
static void options_flavours(char *out, size_t len)
{
	char dir[4096];
	struct dirent **d;
	size_t k = 0;
	char *dot;
	int n, i;

	out[0] = 0;
	if (kernels_lib_path("arch-um-config/flavours", dir, sizeof(dir)))
		return;
	n = scandir(dir, &d, NULL, alphasort);
	for (i = 0; i < n; i++) {
		dot = strstr(d[i]->d_name, ".config");
		if (dot && !dot[7] && dot != d[i]->d_name &&
		    !strchr(d[i]->d_name, '-') && k < len)
			k += (size_t)snprintf(out + k, len - k, "%s%.*s", k ? " " : "",
					      (int)(dot - d[i]->d_name), d[i]->d_name);
		free(d[i]);
	}
	if (n >= 0)
		free(d);
}

static void options_dump_completion(void)
{
	static const char *const kinds[] = { "file", "dir", "env", "series",
					     "flavours", "words:" };
	const struct optdef *d;
	char flavours[512];
	size_t k;

	options_flavours(flavours, sizeof(flavours));
	printf("# SPDX-License-Identifier: GPL-2.0\n"
	       "# Bash completion for umlrun, made from its option table\n"
	       "# (umlrun --dump-options completion): options, their values where\n"
	       "# they have a fixed set, files for paths, then the command's own.\n"
	       "_umlrun() {\n"
	       "\tlocal cur prev words cword i\n"
	       "\t_init_completion 2>/dev/null || {\n"
	       "\t\tcur=${COMP_WORDS[COMP_CWORD]}\n"
	       "\t\tprev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	       "\t\twords=(\"${COMP_WORDS[@]}\")\n"
	       "\t\tcword=$COMP_CWORD\n"
	       "\t}\n"
	       "\tfor ((i = 1; i < cword; i++)); do\n"
	       "\t\tif [[ ${words[i]} == -- ]]; then\n"
	       "\t\t\tif declare -F _command_offset >/dev/null; then\n"
	       "\t\t\t\t_command_offset $((i + 1))\n"
	       "\t\t\telse\n"
	       "\t\t\t\tCOMPREPLY=($(compgen -c -- \"$cur\"))\n"
	       "\t\t\tfi\n"
	       "\t\t\treturn\n"
	       "\t\tfi\n"
	       "\tdone\n"
	       "\tcase $prev in\n");
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		int any = 0;

		for (d = options_table; d->name; d++) {
			if (!d->arg || !d->complete || (d->flags & OPT_HIDDEN) ||
			    strncmp(d->complete, kinds[k], strlen(kinds[k])) ||
			    (k < 5 && d->complete[strlen(kinds[k])]))
				continue;
			if (k == 5 && any) {
				/* each word list is its own case */
			}
			if (!any || k == 5)
				printf("\t");
			printf("%s", any && k != 5 ? " | " : "");
			if (d->short_name)
				printf("-%c | ", d->short_name);
			printf("--%s", d->name);
			any = 1;
			if (k == 5) {
				printf(")\n\t\tCOMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n\t\treturn\n\t\t;;\n",
				       d->complete + 6);
			}
		}
		if (!any || k == 5)
			continue;
		printf(")\n");
		if (k == 0)
			printf("\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n");
		else if (k == 1)
			printf("\t\tCOMPREPLY=($(compgen -d -- \"$cur\"))\n");
		else if (k == 2)
			printf("\t\tCOMPREPLY=($(compgen -e -- \"$cur\"))\n");
		else if (k == 3)
			printf("\t\tCOMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n", FACT_SERIES);
		else
			printf("\t\tCOMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n", flavours);
		printf("\t\treturn\n\t\t;;\n");
	}
	printf("\t");
	k = 0;
	for (d = options_table; d->name; d++) {
		if (!d->arg || d->complete || (d->flags & OPT_HIDDEN))
			continue;
		printf("%s", k++ ? " | " : "");
		if (d->short_name)
			printf("-%c | ", d->short_name);
		printf("--%s", d->name);
	}
	printf(")\n\t\treturn\n\t\t;;\n\tesac\n\tCOMPREPLY=($(compgen -W \"");
	for (d = options_table; d->name; d++)
		if (!(d->flags & OPT_HIDDEN))
			printf("--%s ", d->name);
	printf("--\" -- \"$cur\"))\n}\ncomplete -F _umlrun umlrun\n");
}

/* Where a row may come from, for the tables. */
static const char *options_where(const struct optdef *d)
{
	if (d->effect == EFF_ACTION)
		return "command line";
	if ((d->flags & (OPT_USER | OPT_PROJECT)) == (OPT_USER | OPT_PROJECT))
		return "any";
	if (d->flags & OPT_USER)
		return "command line, user file";
	return "command line";
}

int options_dump(const char *format)
{
	const struct optdef *d;
	const struct envdef *e;

	if (!strcmp(format, "completion")) {
		options_dump_completion();
		return 0;
	}
	if (!strcmp(format, "names")) {
		for (d = options_table; d->name; d++)
			printf("%s\t%c\t%s\t%s\t%s\n", d->name,
			       d->short_name ? d->short_name : '-',
			       d->arg ? d->arg : "-", options_where(d),
			       d->flags & OPT_HIDDEN ? "hidden" : "shown");
		return 0;
	}
	if (!strcmp(format, "env")) {
		for (e = options_env_table; e->name; e++)
			printf("%s\t%s\n", e->name, e->option ? e->option : "-");
		return 0;
	}
	if (!strcmp(format, "markdown")) {
		printf("| option | argument | what it does | from |\n"
		       "| --- | --- | --- | --- |\n");
		for (d = options_table; d->name; d++) {
			if (d->flags & OPT_HIDDEN)
				continue;
			printf("| ");
			if (d->short_name)
				printf("`-%c`, ", d->short_name);
			printf("`--%s` | %s%s%s | ", d->name, d->arg ? "`" : "",
			       d->arg ? d->arg : "", d->arg ? "`" : "");
			for (const char *p = d->help; *p; p++)
				fputs(*p == '|' ? "\\|" : (char[2]){ *p, 0 }, stdout);
			printf(" | %s |\n", options_where(d));
		}
		printf("\n| variable | stands for | what it does |\n| --- | --- | --- |\n");
		for (e = options_env_table; e->name; e++)
			printf("| `%s` | %s%s%s | %s |\n", e->name,
			       e->option ? "`--" : "", e->option ? e->option : "",
			       e->option ? "`" : "", e->help);
		return 0;
	}
	fprintf(stderr, "umlrun: --dump-options takes completion, markdown, names or env\n");
	return EXIT_UMLRUN;
}

/* --- parsing ---------------------------------------------------------------- */

void options_free(struct options *o)
{
	free(o->env_add);
	free(o->publish);
	free(o->kconfig);
	free(o->flavour);
	free(o->append);
	free(o->load_module);
	free(o->module_src);
	free(o->kunitconfig);
	mounts_free(o->mounts, o->n_mounts);
	disks_free(o->disks, o->n_disks);
	memset(o, 0, sizeof(*o));
}

/* Levenshtein distance between a and the first n bytes of b. */
static unsigned int edit_distance(const char *a, const char *b, size_t n)
{
	unsigned int row[64], prev, tmp, best;
	size_t la = strlen(a), i, j;

	if (la >= ARRAY_SIZE(row) || n >= ARRAY_SIZE(row))
		return ~0U;
	for (j = 0; j <= n; j++)
		row[j] = (unsigned int)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned int)i;
		for (j = 1; j <= n; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[n];
}

/* An unknown or ambiguous long option: one line, with what was meant. */
static void options_unknown(const char *arg)
{
	const struct optdef *d, *best = NULL;
	size_t len = strcspn(arg + 2, "="), n = 0;
	char cands[512] = "";
	unsigned int dist, best_dist = ~0U;
	size_t k = 0;

	for (d = options_table; d->name; d++) {
		if (d->flags & OPT_HIDDEN)
			continue;
		if (!strncmp(d->name, arg + 2, len)) {
			n++;
			if (k < sizeof(cands))
				k += (size_t)snprintf(cands + k, sizeof(cands) - k, "%s--%s",
						      k ? ", " : "", d->name);
		}
		dist = edit_distance(d->name, arg + 2, len);
		if (dist < best_dist) {
			best_dist = dist;
			best = d;
		}
	}
	if (n > 1)
		usage_error("option '%.*s' is ambiguous: %s", (int)len + 2, arg, cands);
	if (best && best_dist <= 2 + len / 6)
		usage_error("unknown option '%.*s': did you mean --%s?", (int)len + 2,
			    arg, best->name);
	usage_error("unknown option '%.*s'", (int)len + 2, arg);
}

void options_parse(struct options *o, int argc, char **argv)
{
	const struct optdef *d;
	const char *env;
	char err[256];
	size_t i;
	int c, drop;

	memset(o, 0, sizeof(*o));
	o->mem_mb = DEFAULT_MEM_MB;
	o->max_procs = DEFAULT_MAX_PROCS;
	o->root_max = DEFAULT_ROOT_MAX;
	o->kernel_version = FACT_DEFAULT_SERIES;
	env = options_env("UMLRUN_KERNEL_VERSION");
	if (env && *env) {
		if (!options_known_series(env))
			usage_error("unknown kernel version '%s' in UMLRUN_KERNEL_VERSION (%s)",
				    env, FACT_SERIES);
		o->kernel_version = env;
	}
	/* --follow-links changes how the paths before it are taken too. */
	for (c = 1; c < argc && strcmp(argv[c], "--"); c++)
		if (!strcmp(argv[c], "--follow-links") && !config_where(argv[c]))
			o->follow_links = 1;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, options_short(), options_long(),
				NULL)) != -1) {
		options_arg = argv[optind - 1];
		if (c == ':')
			usage_error("option '%s' needs a value", argv[optind - 1]);
		d = c == '?' ? NULL : options_row(c);
		if (!d) {
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			options_unknown(argv[optind - 1]);
		}
		/* --kunit GLOB: the next word, unless it is an option */
		if ((d->flags & OPT_OPTARG) && !optarg && optind < argc &&
		    argv[optind][0] != '-' && !config_where(argv[optind]))
			optarg = argv[optind++];
		d->set(o, d->arg ? optarg : NULL);
	}
	options_arg = NULL;
	if (o->dump || o->print_config)
		return;
	if (o->print_build_dir && optind < argc)
		usage_error("--print-build-dir takes no command");
	if (o->kernels_action) {
		if (optind < argc)
			usage_error("--list-kernels and --prune-kernels take no command");
		return;
	}
	if (o->kernel && o->kernel_tree)
		usage_error("--kernel and --kernel-tree exclude each other");
	if (o->kernel && (o->n_kconfig || o->n_flavour || o->coverage))
		usage_error("--kconfig, --kconfig-add, --flavour and --coverage build a kernel: not with --kernel");
	if (o->commit && !o->kernel_tree)
		usage_error("--commit needs --kernel-tree");
	if (o->commits && (!o->kernel_tree || o->commit))
		usage_error("--commits needs --kernel-tree, and no --commit");
	if (o->commits && (o->junit || o->log_file || o->coverage || o->gdb ||
			   o->print_build_dir))
		usage_error("--commits runs once per commit: not with --junit, --log, --coverage, --gdb or --print-build-dir");
	if (!o->kunit && (o->n_kunitconfig || o->kunit_filter || o->kunit_summary))
		usage_error("--kunitconfig, --kunit-filter and --kunit-summary go with --kunit");
	if (o->kunit_filter_action && !o->kunit_filter)
		usage_error("--kunit-filter-action goes with --kunit-filter");
	if (o->kunit && o->kernel)
		usage_error("--kunit builds a kernel with KUnit: not with --kernel");
	if ((o->drop_kernel || o->coverage) && o->drop_landlock)
		usage_error("--drop-layer: one isolation layer must stay (--coverage gives the kernel layer up)");
	if (o->allow_modules && o->drop_landlock)
		usage_error("--allow-modules gives up the kernel layer, so Landlock must stay");
	if (o->time_travel && (o->net || o->n_publish || o->host_loopback))
		usage_error("--time-travel cannot be combined with -n or -p: the guest's network timers would run on virtual time against a host answering in real time");
	/* Checked once all is known: the kernel layer's own parameters
	 * pass only when it is given up, wherever that was said. */
	drop = o->drop_kernel || o->allow_modules || o->coverage;
	for (i = 0; i < o->n_append; i++) {
		options_arg = o->append[i];
		if (kparams_check(o->append[i], drop, err, sizeof(err)))
			usage_error("--append '%s': %s", o->append[i], err);
	}
	options_arg = NULL;
	options_read_fragments(o);
	env = options_env("UMLRUN_KERNEL_ARGS");
	if (env && *env && kparams_check(env, drop, err, sizeof(err)))
		usage_error("UMLRUN_KERNEL_ARGS '%s': %s", env, err);
	if (optind >= argc && o->kunit) {
		/* --kunit alone: the suites at boot, and nothing after */
		o->shell[0] = "true";
		o->argv = o->shell;
	} else if (optind >= argc) {
		/* No command: an interactive shell, like docker run -it. */
		o->shell[0] = getenv("SHELL");
		if (!o->shell[0] || access(o->shell[0], X_OK) < 0)
			o->shell[0] = "/bin/sh";
		o->argv = o->shell;
		if (isatty(0) && isatty(1))
			o->tty = 1;
	} else {
		o->argv = argv + optind;
	}
	if (o->gdb && o->tty)
		usage_error("--gdb needs a command and no -t: gdb has the terminal");
	log_verbose = o->verbose;
}
