// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing for the launcher: getopt_long with a leading '+' so
 * that parsing stops at the command, numbers through strtol with full
 * checks, a usage error is one line on stderr and exit status 125.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "kparams.h"
#include "log.h"
#include "options.h"

enum {
	OPT_TIMEOUT = 256,
	OPT_CLEAN_ENV,
	OPT_KERNEL_VERSION,
	OPT_KERNEL_TREE,
	OPT_PANIC_IS_FAILURE,
	OPT_LIST_KERNELS,
	OPT_PRUNE_KERNELS,
	OPT_MODULE,
	OPT_INIT,
	OPT_LOG,
	OPT_RESULT_JSON,
	OPT_CHECK,
	OPT_NO_STDIN,
	OPT_HELP,
	OPT_VERSION,
	OPT_BIND,
	OPT_TMPFS,
	OPT_OVERLAY,
	OPT_ALLOW_MODULES,
	OPT_DROP_LAYER,
	OPT_HOST_LOOPBACK,
	OPT_ROOT,
	OPT_DISK,
	OPT_DISK_SIZE,
	OPT_SWAP,
	OPT_JUNIT,
	OPT_PRINT_CONFIG,
	OPT_NO_CONFIG,
	OPT_SPLAT_IS_FAILURE,
	OPT_GDB,
	OPT_KCONFIG,
	OPT_KCONFIG_ADD,
	OPT_APPEND,
	OPT_COMMIT,
	OPT_MAX_PROCS,
	OPT_TIME_TRAVEL,
	OPT_FLAVOUR,
	OPT_COVERAGE,
};

static const struct option long_opts[] = {
	{ "mem", required_argument, NULL, 'm' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "kernel-version", required_argument, NULL, OPT_KERNEL_VERSION },
	{ "kernel-tree", required_argument, NULL, OPT_KERNEL_TREE },
	{ "kconfig", required_argument, NULL, OPT_KCONFIG },
	{ "kconfig-add", required_argument, NULL, OPT_KCONFIG_ADD },
	{ "flavour", required_argument, NULL, OPT_FLAVOUR },
	{ "coverage", required_argument, NULL, OPT_COVERAGE },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "commit", required_argument, NULL, OPT_COMMIT },
	{ "panic-is-failure", no_argument, NULL, OPT_PANIC_IS_FAILURE },
	{ "splat-is-failure", no_argument, NULL, OPT_SPLAT_IS_FAILURE },
	{ "gdb", no_argument, NULL, OPT_GDB },
	{ "list-kernels", no_argument, NULL, OPT_LIST_KERNELS },
	{ "prune-kernels", no_argument, NULL, OPT_PRUNE_KERNELS },
	{ "module", required_argument, NULL, OPT_MODULE },
	{ "init", required_argument, NULL, OPT_INIT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "tty", no_argument, NULL, 't' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "env", required_argument, NULL, 'e' },
	{ "clean-env", no_argument, NULL, OPT_CLEAN_ENV },
	{ "cwd", required_argument, NULL, 'C' },
	{ "no-stdin", no_argument, NULL, OPT_NO_STDIN },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "result-json", required_argument, NULL, OPT_RESULT_JSON },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "net", no_argument, NULL, 'n' },
	{ "publish", required_argument, NULL, 'p' },
	{ "host-loopback", no_argument, NULL, OPT_HOST_LOOPBACK },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "overlay", no_argument, NULL, OPT_OVERLAY },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "disk-size", required_argument, NULL, OPT_DISK_SIZE },
	{ "swap", required_argument, NULL, OPT_SWAP },
	{ "user", no_argument, NULL, 'u' },
	{ "allow-modules", no_argument, NULL, OPT_ALLOW_MODULES },
	{ "drop-layer", required_argument, NULL, OPT_DROP_LAYER },
	{ "max-procs", required_argument, NULL, OPT_MAX_PROCS },
	{ "time-travel", no_argument, NULL, OPT_TIME_TRAVEL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ NULL, 0, NULL, 0 },
};

/* The same table for config.c, which reads option names from files. */
const struct option *const options_long = long_opts;
const char options_short[] = "+:m:k:vte:C:np:u";
/* The argv entry being parsed, so an error can name its config line. */
static int options_argi;

static void options_help(void)
{
	printf("Usage: umlrun [OPTION]... [--] [COMMAND [ARG]...]\n"
	       "Run COMMAND as root in a freshly booted User Mode Linux kernel, with\n"
	       "the same stdin, stdout, stderr and exit status as if run locally.\n"
	       "Without COMMAND, run the caller's $SHELL (on a pty if on a terminal).\n"
	       "\n"
	       "Guest:\n"
	       "  -m, --mem SIZE           guest memory, e.g. 512M or 2G (default %dM)\n"
	       "  -C, --cwd DIR            working directory in the guest (default: the\n"
	       "                           caller's; created if missing with --overlay)\n"
	       "  -e, --env NAME=VALUE     set a variable for the command; NAME alone\n"
	       "                           copies it from the caller (repeatable)\n"
	       "      --clean-env          start from an empty environment\n"
	       "      --no-stdin           give the command /dev/null as stdin (umlrun\n"
	       "                           then reads nothing from its own stdin)\n"
	       "  -t, --tty                run the command on a pseudo-terminal; the host\n"
	       "                           terminal goes raw while it runs\n"
	       "      --timeout DURATION   kill the guest after DURATION (e.g. 30, 1.5s,\n"
	       "                           2m, 500ms) and exit 124\n"
	       "      --time-travel        virtual time: when the guest waits, its clock\n"
	       "                           jumps to the next timer (sleep 30 returns at\n"
	       "                           once); --timeout still counts host time; not\n"
	       "                           with -n or -p\n"
	       "\n"
	       "Network (no host privileges needed):\n"
	       "  -n, --net                give the guest eth0 with user-mode networking\n"
	       "                           (10.0.2.15/24, gateway 10.0.2.2,\n"
	       "                           DNS 10.0.2.3); default: only lo\n"
	       "  -p, --publish [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]\n"
	       "                           forward a host port into the guest (HOSTADDR\n"
	       "                           defaults to 127.0.0.1; repeatable; implies -n)\n"
	       "      --host-loopback      let the guest reach services on the host's\n"
	       "                           127.0.0.1 at 10.0.2.2 (default: refused;\n"
	       "                           implies -n)\n"
	       "\n"
	       "Filesystem and isolation (the host's / is read-only in the guest,\n"
	       "enforced on the host side):\n"
	       "      --bind SRC[:DST][:ro|rw]\n"
	       "                           show host directory SRC at DST (default: SRC)\n"
	       "                           in the guest, read-only (default) or writable;\n"
	       "                           DST is created if missing (repeatable)\n"
	       "      --tmpfs PATH         an empty tmpfs at PATH in the guest (repeatable)\n"
	       "      --overlay            make / a writable copy-on-write overlay: writes\n"
	       "                           stay in guest memory and vanish at exit\n"
	       "      --root DIR|TAR|IMAGE the guest's / is DIR (read-only unless bound rw,\n"
	       "                           writable with --overlay), a tar archive (unpacked\n"
	       "                           once into the cache) or an ext4 or squashfs image\n"
	       "                           (attached read-only); the command comes from it\n"
	       "  -u, --user               run the command as the caller's uid, gid and\n"
	       "                           groups instead of root\n"
	       "      --allow-modules      let the guest load kernel modules (gives up\n"
	       "                           the kernel layer: Landlock alone guards the host)\n"
	       "      --drop-layer kernel|landlock\n"
	       "                           run with one isolation layer: a kernel without\n"
	       "                           umlrun's write policy or lockdown (kernel), or\n"
	       "                           a host without Landlock (landlock); without it\n"
	       "                           such a run is refused with 125\n"
	       "\n"
	       "Block devices (/dev/ubda, /dev/ubdb, ... in order; UMLRUN_DISK0, ...\n"
	       "name them to the command):\n"
	       "      --disk FILE[:ro|rw|cow]\n"
	       "                           attach host file FILE: the guest cannot write it\n"
	       "                           (ro, default), writes it (rw), or writes a\n"
	       "                           throwaway copy-on-write layer (cow) (repeatable)\n"
	       "      --disk-size SIZE     attach an empty sparse scratch disk of SIZE\n"
	       "                           (e.g. 64M, 2G) that is gone at exit (repeatable)\n"
	       "      --swap SIZE          give the guest SIZE of swap on a scratch disk\n"
	       "      --allow-modules      let the guest load kernel modules (needs\n"
	       "                           Landlock on the host, which then alone guards it)\n"
	       "      --max-procs N        at most N host processes for the kernel and the\n"
	       "                           guest (each guest process is one; default %d;\n"
	       "                           'max': no bound); beyond it fork fails (EAGAIN)\n"
	       "\n"
	       "Kernel:\n"
	       "  -k, --kernel PATH        a UML kernel binary (hostexec.ko next to it)\n"
	       "      --kernel-version V   Debian's 6.12 (default, built by make) or 6.1\n"
	       "                           (built on first use, or by make kernels);\n"
	       "                           UMLRUN_KERNEL_VERSION sets the default\n"
	       "      --kernel-tree DIR    build the Linux tree DIR (e.g. a git checkout)\n"
	       "                           out of tree with our config and module,\n"
	       "                           cached per commit; a tree that does not\n"
	       "                           build exits 125 (skip for git bisect run)\n"
	       "      --commit REV         with --kernel-tree: build REV of the git tree,\n"
	       "                           written to the cache (work tree untouched)\n"
	       "      --kconfig FILE       a kconfig fragment applied after umlrun's\n"
	       "                           (repeatable); the kernel is built on first\n"
	       "                           use and cached per configuration\n"
	       "      --kconfig-add CONFIG_X=VALUE\n"
	       "                           one more option, as --kconfig (repeatable);\n"
	       "                           a line that does not land exits 125 saying\n"
	       "                           why; options the kernel layer rests on change\n"
	       "                           only with --drop-layer kernel\n"
	       "      --flavour NAME       a kernel built for finding bugs, as --kconfig\n"
	       "                           of arch-um-config/flavours/NAME*.config\n"
	       "                           (repeatable): debug (KASAN, lockdep, UBSAN),\n"
	       "                           coverage (gcov; only with --drop-layer kernel)\n"
	       "      --coverage DIR       run on the coverage flavour and write the\n"
	       "                           kernel code the command ran as an lcov\n"
	       "                           tracefile, DIR/coverage.info, and with\n"
	       "                           genhtml DIR/html/index.html; gives up the\n"
	       "                           kernel layer (debugfs on, no lockdown)\n"
	       "      --append PARAMS      more kernel parameters (repeatable; quote a\n"
	       "                           value with spaces as name=\"a b\"); those\n"
	       "                           umlrun sets itself are refused\n"
	       "      --panic-is-failure   a kernel panic exits 1 instead of 125 (to\n"
	       "                           bisect boot regressions)\n"
	       "      --splat-is-failure   exit 1 if the kernel reported a WARNING, BUG,\n"
	       "                           KASAN, lockdep, RCU stall or other splat,\n"
	       "                           whatever the command's status\n"
	       "      --list-kernels       list the cached kernels and builds, and exit\n"
	       "      --prune-kernels      remove all cached kernels and builds but the\n"
	       "                           current 6.12 and 6.1 ones and their variants'\n"
	       "                           kernels, and exit\n"
	       "      --gdb                start the kernel under gdb on this terminal,\n"
	       "                           with its and hostexec.ko's symbols; the\n"
	       "                           command keeps its stdout, stderr and status\n"
	       "                           (stdin only when it is not the terminal)\n"
	       "      --module PATH        the hostexec.ko to load in the guest\n"
	       "      --init PATH          the guest init (default: the built umlinit)\n"
	       "\n"
	       "Diagnostics:\n"
	       "  -v, --verbose            show what umlrun does and the kernel log\n"
	       "      --log FILE           write the kernel log to FILE\n"
	       "      --result-json FILE   write the outcome as JSON to FILE (exit\n"
	       "                           status, signal, timeout, panic, kernel and\n"
	       "                           its splats, boot and run time, bytes)\n"
	       "      --junit FILE         read the command's stdout as TAP/KTAP (it\n"
	       "                           still passes through unchanged) and write\n"
	       "                           its results to FILE as JUnit XML\n"
	       "      --help               show this help and exit\n"
	       "      --version            show the version and the kernel a run uses\n"
	       "      --check              check what this host offers umlrun, with fixes\n"
	       "      --print-config       show the options from config files and the\n"
	       "                           command line, with where each came from\n"
	       "      --no-config          ignore the config files: the user's\n"
	       "                           ~/.config/umlrun/config and the project's\n"
	       "                           " CONFIG_PROJECT_FILE " (nearest from here upward)\n"
	       "\n"
	       "Exit status: the command's own; 128+N if it was killed by signal N;\n"
	       "124 on --timeout; 125 if umlrun itself failed; 126 if the command could\n"
	       "not be executed; 127 if it was not found.\n",
	       DEFAULT_MEM_MB, DEFAULT_MAX_PROCS);
}

static void usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void usage_error(const char *fmt, ...)
{
	const char *where = options_argi ? config_where(options_argi) : NULL;
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

void options_free(struct options *o)
{
	free(o->env_add);
	o->env_add = NULL;
	o->n_env_add = 0;
	free(o->publish);
	o->publish = NULL;
	free(o->kconfig);
	o->kconfig = NULL;
	o->n_kconfig = 0;
	free(o->flavour);
	o->flavour = NULL;
	o->n_flavour = 0;
	free(o->append);
	o->append = NULL;
	o->n_append = 0;
	o->n_publish = 0;
	while (o->n_mounts--) {
		free(o->mounts[o->n_mounts].src);
		free(o->mounts[o->n_mounts].dst);
	}
	free(o->mounts);
	o->mounts = NULL;
	o->n_mounts = 0;
	disks_free(o->disks, o->n_disks);
	o->disks = NULL;
	o->n_disks = 0;
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

struct mount_opt *options_add_mount(struct options *o)
{
	o->mounts = realloc(o->mounts, (o->n_mounts + 1) * sizeof(*o->mounts));
	if (!o->mounts)
		die("out of memory");
	return &o->mounts[o->n_mounts++];
}

static void options_mount(struct options *o, int bind, const char *arg)
{
	struct mount_opt *m = options_add_mount(o);
	const char *err;

	err = bind ? mounts_parse_bind(arg, m) : mounts_parse_tmpfs(arg, m);
	if (err)
		usage_error("bad %s '%s': %s", bind ? "--bind" : "--tmpfs", arg,
			    err);
}

static void options_disk(struct options *o, int file, const char *arg)
{
	struct disk_opt *d = disks_add(o);
	const char *err;

	if (!file) {
		d->mode = DISK_SCRATCH;
		if (disks_parse_size(arg, &d->size))
			usage_error("bad size '%s' for --disk-size (e.g. 64M, a multiple of 512)",
				    arg);
		return;
	}
	err = disks_parse(arg, d);
	if (err)
		usage_error("bad --disk '%s': %s", arg, err);
}

static int options_check_kernel_version(const char *v)
{
	return strcmp(v, "6.12") && strcmp(v, "6.1") ? -EINVAL : 0;
}

static void options_flavour(struct options *o, const char *name)
{
	size_t i;

	if (!*name || strchr(name, '/') || *name == '.')
		usage_error("bad flavour name '%s'", name);
	for (i = 0; i < o->n_flavour; i++)
		if (!strcmp(o->flavour[i], name))
			return;
	o->flavour = realloc(o->flavour, (o->n_flavour + 1) * sizeof(*o->flavour));
	if (!o->flavour)
		die("out of memory");
	o->flavour[o->n_flavour++] = name;
}

static void options_kconfig(struct options *o, int file, const char *arg)
{
	if (!*arg)
		usage_error("empty %s", file ? "--kconfig" : "--kconfig-add");
	if (!file && strncmp(arg, "CONFIG_", 7) && strncmp(arg, "# CONFIG_", 9))
		usage_error("--kconfig-add '%s': want CONFIG_NAME=VALUE", arg);
	o->kconfig = realloc(o->kconfig, (o->n_kconfig + 1) * sizeof(*o->kconfig));
	if (!o->kconfig)
		die("out of memory");
	o->kconfig[o->n_kconfig++] = (struct kconfig_opt){ file, arg };
}

void options_parse(struct options *o, int argc, char **argv)
{
	char err[128];
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_mb = DEFAULT_MEM_MB;
	o->max_procs = DEFAULT_MAX_PROCS;
	o->kernel_version = getenv("UMLRUN_KERNEL_VERSION");
	if (!o->kernel_version || !*o->kernel_version)
		o->kernel_version = DEFAULT_KERNEL_VERSION;
	else if (options_check_kernel_version(o->kernel_version))
		usage_error("unknown kernel version '%s' in UMLRUN_KERNEL_VERSION (6.12 or 6.1)",
			    o->kernel_version);
	opterr = 0;
	while ((c = getopt_long(argc, argv, options_short, long_opts,
				NULL)) != -1) {
		options_argi = optind - 1;
		switch (c) {
		case 'm':
			if (options_parse_mem(optarg, &o->mem_mb))
				usage_error("bad memory size '%s' (32M to 64G)",
					    optarg);
			break;
		case 'k':
			o->kernel = optarg;
			break;
		case OPT_KERNEL_VERSION:
			if (options_check_kernel_version(optarg))
				usage_error("unknown kernel version '%s' (6.12 or 6.1)",
					    optarg);
			o->kernel_version = optarg;
			break;
		case OPT_KERNEL_TREE:
			if (!*optarg)
				usage_error("empty directory for --kernel-tree");
			o->kernel_tree = optarg;
			break;
		case OPT_COMMIT:
			if (!*optarg || *optarg == '-')
				usage_error("bad revision '%s' for --commit", optarg);
			o->commit = optarg;
			break;
		case OPT_KCONFIG:
		case OPT_KCONFIG_ADD:
			options_kconfig(o, c == OPT_KCONFIG, optarg);
			break;
		case OPT_FLAVOUR:
			options_flavour(o, optarg);
			break;
		case OPT_COVERAGE:
			if (!*optarg)
				usage_error("empty directory for --coverage");
			o->coverage = optarg;
			break;
		case OPT_APPEND:
			if (kparams_check(optarg, err, sizeof(err)))
				usage_error("--append '%s': %s", optarg, err);
			o->append = realloc(o->append, (o->n_append + 1) *
							 sizeof(*o->append));
			if (!o->append)
				die("out of memory");
			o->append[o->n_append++] = optarg;
			break;
		case OPT_PANIC_IS_FAILURE:
			o->panic_is_failure = 1;
			break;
		case OPT_SPLAT_IS_FAILURE:
			o->splat_is_failure = 1;
			break;
		case OPT_GDB:
			o->gdb = 1;
			break;
		case OPT_LIST_KERNELS:
			o->kernels_action = "--list";
			break;
		case OPT_PRUNE_KERNELS:
			o->kernels_action = "--prune";
			break;
		case OPT_MODULE:
			o->module = optarg;
			break;
		case OPT_INIT:
			o->init = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 't':
			o->tty = 1;
			break;
		case OPT_TIMEOUT:
			if (options_parse_duration(optarg, &o->timeout_ms))
				usage_error("bad duration '%s'", optarg);
			break;
		case 'e':
			if (!*optarg || *optarg == '=')
				usage_error("bad variable '%s' for -e", optarg);
			o->env_add = realloc(o->env_add, (o->n_env_add + 1) *
							  sizeof(char *));
			if (!o->env_add)
				die("out of memory");
			o->env_add[o->n_env_add++] = optarg;
			break;
		case OPT_CLEAN_ENV:
			o->clean_env = 1;
			break;
		case 'C':
			if (!*optarg)
				usage_error("empty directory for -C");
			o->cwd = optarg;
			break;
		case OPT_NO_STDIN:
			o->no_stdin = 1;
			break;
		case OPT_LOG:
			o->log_file = optarg;
			break;
		case OPT_RESULT_JSON:
			o->result_json = optarg;
			break;
		case OPT_JUNIT:
			o->junit = optarg;
			break;
		case 'n':
			o->net = 1;
			break;
		case 'p':
			o->publish = realloc(o->publish, (o->n_publish + 1) *
							 sizeof(*o->publish));
			if (!o->publish)
				die("out of memory");
			if (options_parse_publish(optarg,
						  &o->publish[o->n_publish]))
				usage_error("bad port forward '%s' (want [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp])",
					    optarg);
			o->n_publish++;
			o->net = 1;
			break;
		case OPT_HOST_LOOPBACK:
			o->host_loopback = 1;
			o->net = 1;
			break;
		case OPT_BIND:
		case OPT_TMPFS:
			options_mount(o, c == OPT_BIND, optarg);
			break;
		case OPT_OVERLAY:
			o->overlay = 1;
			break;
		case OPT_ROOT:
			if (!*optarg)
				usage_error("empty path for --root");
			o->root = optarg;
			break;
		case OPT_DISK:
		case OPT_DISK_SIZE:
			options_disk(o, c == OPT_DISK, optarg);
			break;
		case OPT_SWAP:
			if (disks_parse_size(optarg, &o->swap_bytes) ||
			    o->swap_bytes < (1ULL << 20))
				usage_error("bad swap size '%s' (1M or more)",
					    optarg);
			break;
		case 'u':
			o->user = 1;
			break;
		case OPT_ALLOW_MODULES:
			o->allow_modules = 1;
			break;
		case OPT_DROP_LAYER:
			if (!strcmp(optarg, "kernel"))
				o->drop_kernel = 1;
			else if (!strcmp(optarg, "landlock"))
				o->drop_landlock = 1;
			else
				usage_error("--drop-layer takes kernel or landlock, not '%s'",
				      optarg);
			break;
		case OPT_MAX_PROCS:
			if (options_parse_max_procs(optarg, &o->max_procs))
				usage_error("bad process bound '%s' (64 to 4194304, or max)",
					    optarg);
			break;
		case OPT_TIME_TRAVEL:
			o->time_travel = 1;
			break;
		case OPT_HELP:
			options_help();
			exit(0);
		case OPT_VERSION:
			o->version = 1;
			break;
		case OPT_CHECK:
			o->check = 1;
			break;
		case OPT_PRINT_CONFIG:
			o->print_config = 1;
			break;
		case OPT_NO_CONFIG:
			break; /* config.c saw it */
		case ':':
			usage_error("option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			if (optopt)
				fprintf(stderr, "umlrun: unknown option '-%c' (see umlrun --help)\n",
					optopt);
			else
				usage_error("unknown option '%s'",
					    argv[optind - 1]);
			exit(EXIT_UMLRUN);
		}
	}
	options_argi = 0;
	if (o->kernels_action) {
		if (optind < argc)
			usage_error("--list-kernels and --prune-kernels take no command");
		return;
	}
	if (o->kernel && o->kernel_tree)
		usage_error("--kernel and --kernel-tree exclude each other");
	if (o->kernel && (o->n_kconfig || o->n_flavour || o->coverage))
		usage_error("--kconfig, --kconfig-add, --flavour and --coverage build a kernel: not with --kernel");
	/* --coverage: the coverage flavour, whose debugfs and lack of
	 * lockdown give the kernel layer up (as --allow-modules does). */
	if (o->coverage) {
		options_flavour(o, "coverage");
		o->drop_kernel = 1;
	}
	if (o->commit && !o->kernel_tree)
		usage_error("--commit needs --kernel-tree");
	if (o->drop_kernel && o->drop_landlock)
		usage_error("--drop-layer: one isolation layer must stay");
	if (o->allow_modules && o->drop_landlock)
		usage_error("--allow-modules gives up the kernel layer, so Landlock must stay");
	if (o->time_travel && o->net)
		usage_error("--time-travel cannot be combined with -n or -p: the guest's network timers would run on virtual time against a host answering in real time");
	/* A guest that may load modules owns its kernel: that layer is gone. */
	if (o->allow_modules)
		o->drop_kernel = 1;
	if (o->swap_bytes) {
		struct disk_opt *d = disks_add(o);

		d->mode = DISK_SWAP;
		d->size = o->swap_bytes;
	}
	if (optind >= argc) {
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
	/* gdb reads the terminal: the command cannot too. */
	if (o->gdb && isatty(0))
		o->no_stdin = 1;
	log_verbose = o->verbose;
}
