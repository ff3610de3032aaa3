/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's command line.
 */
#ifndef UMLRUN_OPTIONS_H
#define UMLRUN_OPTIONS_H

#include <getopt.h>
#include <netinet/in.h>
#include <stddef.h>

#include "disks.h"
#include "mounts.h"

#define UMLRUN_VERSION "0.1.0"
#define DEFAULT_KERNEL_VERSION "6.12"
#define DEFAULT_MEM_MB 256
/* Host processes (tasks) the kernel and the guest may have, --max-procs. */
#define DEFAULT_MAX_PROCS 2048

/* One -p: a host port forwarded into the guest. */
struct publish {
	struct in_addr host_addr;	/* 127.0.0.1 unless given */
	unsigned short host_port;
	unsigned short guest_port;
	int udp;
};

/* One --kconfig FILE or --kconfig-add LINE, in the order given. */
struct kconfig_opt {
	int file;			/* --kconfig: arg is a fragment file */
	const char *arg;
};

struct options {
	const char *kernel;		/* -k: a prebuilt UML kernel */
	const char *kernel_version;	/* --kernel-version */
	const char *kernel_tree;	/* --kernel-tree: build this Linux tree */
	const char *commit;		/* --commit: this revision of the tree */
	struct kconfig_opt *kconfig;	/* --kconfig, --kconfig-add, in order */
	size_t n_kconfig;
	const char **flavour;		/* --flavour: named fragment sets */
	size_t n_flavour;
	const char *coverage;		/* --coverage: write the report here */
	const char **append;		/* --append: more kernel parameters */
	size_t n_append;
	const char *kernels_action;	/* --list-kernels, --prune-kernels */
	int panic_is_failure;		/* --panic-is-failure: panic exits 1 */
	int splat_is_failure;		/* --splat-is-failure: a splat exits 1 */
	int gdb;			/* --gdb: the kernel under gdb */
	const char *module;		/* --module: hostexec.ko to load */
	const char *init;		/* --init: the guest init */
	const char *log_file;		/* --log: keep the kernel log here */
	const char *result_json;	/* --result-json: the outcome for machines */
	const char *junit;		/* --junit: stdout's TAP as JUnit XML */
	const char *cwd;		/* -C: working directory in the guest */
	unsigned long mem_mb;		/* -m */
	long long timeout_ms;		/* --timeout, 0 for none */
	const char **env_add;		/* -e, in order */
	size_t n_env_add;
	int clean_env;			/* --clean-env */
	int no_stdin;			/* --no-stdin: stdin is /dev/null */
	int verbose;			/* -v */
	int tty;			/* -t, or no command on a terminal */
	int check;			/* --check: report on the host, run nothing */
	int version;			/* --version */
	int print_config;		/* --print-config */
	int net;			/* -n: user-mode networking */
	struct publish *publish;	/* -p, in order */
	size_t n_publish;
	int host_loopback;		/* --host-loopback: 10.0.2.2 is our 127.0.0.1 */
	struct mount_opt *mounts;	/* --bind and --tmpfs, in order */
	size_t n_mounts;
	int overlay;			/* --overlay */
	const char *root;		/* --root: a directory, tar or image */
	struct disk_opt *disks;		/* --disk, --disk-size; then root, swap */
	size_t n_disks;
	unsigned long long swap_bytes;	/* --swap, 0 for none */
	int user;			/* -u: the caller's ids, not root */
	int allow_modules;		/* --allow-modules */
	int drop_kernel;		/* --drop-layer kernel */
	int drop_landlock;		/* --drop-layer landlock */
	unsigned long max_procs;	/* --max-procs, 0 for no bound */
	int time_travel;		/* --time-travel: virtual time */
	char **argv;			/* the command, NULL-terminated */
	char *shell[2];			/* the command when none is given */
};

/* The option table and short options, for config files. */
extern const struct option *const options_long;
extern const char options_short[];

/* Fill o from argv; prints help/version and exits where asked. */
void options_parse(struct options *o, int argc, char **argv);
void options_free(struct options *o);

/* Parsers, exported for unit tests; return 0 or -EINVAL. */
int options_parse_duration(const char *s, long long *ms);
int options_parse_mem(const char *s, unsigned long *mb);
int options_parse_publish(const char *s, struct publish *p);
int options_parse_max_procs(const char *s, unsigned long *n);

/* One more entry at the end of o->mounts, counted; dies out of memory. */
struct mount_opt *options_add_mount(struct options *o);

#endif
