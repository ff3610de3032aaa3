// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing for the launcher: getopt_long with a leading '+' so
 * that parsing stops at the command, numbers through strtol with full
 * checks, a usage error is one line on stderr and exit status 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	OPT_NO_STDIN,
	OPT_HELP,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "mem", required_argument, NULL, 'm' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "kernel-version", required_argument, NULL, OPT_KERNEL_VERSION },
	{ "kernel-tree", required_argument, NULL, OPT_KERNEL_TREE },
	{ "panic-is-failure", no_argument, NULL, OPT_PANIC_IS_FAILURE },
	{ "list-kernels", no_argument, NULL, OPT_LIST_KERNELS },
	{ "prune-kernels", no_argument, NULL, OPT_PRUNE_KERNELS },
	{ "module", required_argument, NULL, OPT_MODULE },
	{ "init", required_argument, NULL, OPT_INIT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "env", required_argument, NULL, 'e' },
	{ "clean-env", no_argument, NULL, OPT_CLEAN_ENV },
	{ "cwd", required_argument, NULL, 'C' },
	{ "no-stdin", no_argument, NULL, OPT_NO_STDIN },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void options_help(void)
{
	printf("Usage: umlrun [OPTION]... -- COMMAND [ARG]...\n"
	       "Run COMMAND as root in a freshly booted User Mode Linux kernel, with\n"
	       "the same stdin, stdout, stderr and exit status as if run locally.\n"
	       "\n"
	       "Guest:\n"
	       "  -m, --mem SIZE           guest memory, e.g. 512M or 2G (default %dM)\n"
	       "  -C, --cwd DIR            working directory in the guest (default: the\n"
	       "                           caller's)\n"
	       "  -e, --env NAME=VALUE     set a variable for the command; NAME alone\n"
	       "                           copies it from the caller (repeatable)\n"
	       "      --clean-env          start from an empty environment\n"
	       "      --no-stdin           give the command /dev/null as stdin (umlrun\n"
	       "                           then reads nothing from its own stdin)\n"
	       "      --timeout DURATION   kill the guest after DURATION (e.g. 30, 1.5s,\n"
	       "                           2m, 500ms) and exit 124\n"
	       "\n"
	       "Kernel:\n"
	       "  -k, --kernel PATH        a UML kernel binary (hostexec.ko next to it)\n"
	       "      --kernel-version V   a kernel built by make: 6.12 (default) or 6.1;\n"
	       "                           UMLRUN_KERNEL_VERSION sets the default\n"
	       "      --kernel-tree DIR    build the Linux tree DIR (e.g. a git checkout)\n"
	       "                           out of tree with our config and module,\n"
	       "                           cached per commit; a tree that does not\n"
	       "                           build exits 125 (skip for git bisect run)\n"
	       "      --panic-is-failure   a kernel panic exits 1 instead of 125 (to\n"
	       "                           bisect boot regressions)\n"
	       "      --list-kernels       list the cached kernels and builds, and exit\n"
	       "      --prune-kernels      remove all cached kernels and builds but the\n"
	       "                           current 6.12 and 6.1 ones, and exit\n"
	       "      --module PATH        the hostexec.ko to load in the guest\n"
	       "      --init PATH          the guest init (default: the built umlinit)\n"
	       "\n"
	       "Diagnostics:\n"
	       "  -v, --verbose            show what umlrun does and the kernel log\n"
	       "      --log FILE           write the kernel log to FILE\n"
	       "      --help               show this help and exit\n"
	       "      --version            show the version and the default kernel\n"
	       "\n"
	       "Exit status: the command's own; 128+N if it was killed by signal N;\n"
	       "124 on --timeout; 125 if umlrun itself failed; 126 if the command could\n"
	       "not be executed; 127 if it was not found.\n",
	       DEFAULT_MEM_MB);
}

static void usage_error(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "umlrun: ");
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
	else if (!strcasecmp(end, "G") || !strcasecmp(end, "GiB"))
		v *= 1024;
	else
		return -EINVAL;
	if (v < 32 || v > 64 * 1024)
		return -EINVAL;
	*mb = (unsigned long)v;
	return 0;
}

static int options_check_kernel_version(const char *v)
{
	return strcmp(v, "6.12") && strcmp(v, "6.1") ? -EINVAL : 0;
}

void options_parse(struct options *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_mb = DEFAULT_MEM_MB;
	o->kernel_version = getenv("UMLRUN_KERNEL_VERSION");
	if (!o->kernel_version || !*o->kernel_version)
		o->kernel_version = DEFAULT_KERNEL_VERSION;
	else if (options_check_kernel_version(o->kernel_version))
		usage_error("unknown kernel version '%s' in UMLRUN_KERNEL_VERSION (6.12 or 6.1)",
			    o->kernel_version);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:m:k:ve:C:", long_opts,
				NULL)) != -1) {
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
		case OPT_PANIC_IS_FAILURE:
			o->panic_is_failure = 1;
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
		case OPT_HELP:
			options_help();
			exit(0);
		case OPT_VERSION:
			printf("umlrun %s\n", UMLRUN_VERSION);
			exit(0);
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
	if (o->kernels_action) {
		if (optind < argc)
			usage_error("--list-kernels and --prune-kernels take no command");
		return;
	}
	if (o->kernel && o->kernel_tree)
		usage_error("--kernel and --kernel-tree exclude each other");
	if (optind >= argc)
		usage_error("no command given");
	o->argv = argv + optind;
	log_verbose = o->verbose;
}
