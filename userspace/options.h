/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's command line.
 */
#ifndef UMLRUN_OPTIONS_H
#define UMLRUN_OPTIONS_H

#include <stddef.h>

#define UMLRUN_VERSION "0.1.0"
#define DEFAULT_KERNEL_VERSION "6.12"
#define DEFAULT_MEM_MB 256

struct options {
	const char *kernel;		/* -k: a prebuilt UML kernel */
	const char *kernel_version;	/* --kernel-version */
	const char *kernel_tree;	/* --kernel-tree: build this Linux tree */
	const char *kernels_action;	/* --list-kernels, --prune-kernels */
	int panic_is_failure;		/* --panic-is-failure: panic exits 1 */
	const char *module;		/* --module: hostexec.ko to load */
	const char *init;		/* --init: the guest init */
	const char *log_file;		/* --log: keep the kernel log here */
	const char *cwd;		/* -C: working directory in the guest */
	unsigned long mem_mb;		/* -m */
	long long timeout_ms;		/* --timeout, 0 for none */
	const char **env_add;		/* -e, in order */
	size_t n_env_add;
	int clean_env;			/* --clean-env */
	int no_stdin;			/* --no-stdin: stdin is /dev/null */
	int verbose;			/* -v */
	char **argv;			/* the command, NULL-terminated */
};

/* Fill o from argv; prints help/version and exits where asked. */
void options_parse(struct options *o, int argc, char **argv);

/* Parsers, exported for unit tests; return 0 or -EINVAL. */
int options_parse_duration(const char *s, long long *ms);
int options_parse_mem(const char *s, unsigned long *mb);

#endif
