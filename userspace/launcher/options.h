/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The launcher's options, declared once: one row per option (options.c)
 * from which getopt's table, --help, the config-file policy, the bash
 * completion and the reference tables are made; one row per UMLRUN_*
 * variable, beside them.
 */
#ifndef UMLRUN_OPTIONS_H
#define UMLRUN_OPTIONS_H

#include <getopt.h>
#include <netinet/in.h>
#include <stddef.h>

#include "disks.h"
#include "mounts.h"

#define UMLRUN_VERSION "0.1.0"
#define DEFAULT_MEM_MB 256
/* Host processes (tasks) the kernel and the guest may have, --max-procs. */
#define DEFAULT_MAX_PROCS 2048
/* What a project file may make the run directory hold (memory, scratch
 * disks, swap) beyond what the caller asked for: a bound a checkout's
 * file cannot lift. */
#define PROJECT_RUNDIR_MAX (4ULL << 30)
/* --root TAR: the most an archive may unpack to, unless --root-max. */
#define DEFAULT_ROOT_MAX (16ULL << 30)

/* One -p: a host port forwarded into the guest. */
struct publish {
	struct in_addr host_addr;	/* 127.0.0.1 unless given */
	unsigned short host_port;
	unsigned short guest_port;
	int udp;
};

/* One --kconfig FILE or --kconfig-add LINE, in the order given. */
struct kconfig_opt {
	int file;			/* --kconfig: arg is a fragment file
					   (until options_read_fragments) */
	const char *arg;
};

/* What the user said, as said (the run's plan is derived in plan.c). */
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
	const char **load_module;	/* --load-module: the user's .ko files */
	size_t n_load_module;
	const char **module_src;	/* --module-src: Kbuild dirs to build */
	size_t n_module_src;
	int print_build_dir;		/* --print-build-dir */
	const char *kunit;		/* --kunit: the suites' glob ("*": all) */
	const char **kunitconfig;	/* --kunitconfig, in order */
	size_t n_kunitconfig;
	const char *kunit_filter;	/* --kunit-filter: by attributes */
	const char *kunit_filter_action;	/* --kunit-filter-action */
	int kunit_summary;		/* --kunit-summary: kunit.py's, not KTAP */
	const char *commits;		/* --commits A..B: each commit of the tree */
	const char *init;		/* --init: the guest init */
	const char *log_file;		/* --log: keep the kernel log here */
	const char *result_json;	/* --result-json: the outcome for machines */
	const char *junit;		/* --junit: stdout's TAP as JUnit XML */
	const char *cwd;		/* -C: working directory in the guest */
	const char *hostname;		/* --hostname: the guest's, or NULL */
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
	const char *dump;		/* --dump-options FORMAT */
	int net;			/* -n: user-mode networking */
	struct publish *publish;	/* -p, in order */
	size_t n_publish;
	int host_loopback;		/* --host-loopback: 10.0.2.2 is our 127.0.0.1 */
	struct mount_opt *mounts;	/* --bind and --tmpfs, in order */
	size_t n_mounts;
	int overlay;			/* --overlay */
	const char *root;		/* --root: a directory, tar or image */
	unsigned long long root_max;	/* --root-max: an archive's bound */
	struct disk_opt *disks;		/* --disk, --disk-size, in order */
	size_t n_disks;
	unsigned long long swap_bytes;	/* --swap, 0 for none */
	int user;			/* -u: the caller's ids, not root */
	int allow_modules;		/* --allow-modules */
	int drop_kernel;		/* --drop-layer kernel */
	int drop_landlock;		/* --drop-layer landlock */
	int follow_links;		/* --follow-links: paths named here */
	unsigned long max_procs;	/* --max-procs, 0 for no bound */
	int time_travel;		/* --time-travel: virtual time */
	char **argv;			/* the command, NULL-terminated */
	char *shell[2];			/* the command when none is given */
};

/*
 * What an option does beyond the guest: the config files' policy judges a
 * project file's lines by it (config.c), and the reference tables say it.
 */
enum opt_effect {
	EFF_GUEST,	/* shapes only the guest */
	EFF_REPORT,	/* what umlrun prints or how it exits, not the run */
	EFF_ACTION,	/* does something else than run: never from a file */
	EFF_PATH,	/* shows host files to the guest, maybe writable */
	EFF_BOUND,	/* a bound on the host's memory, disk or processes */
	EFF_WRITE,	/* umlrun writes a host file */
	EFF_NET,	/* network */
	EFF_LAYER,	/* gives an isolation layer up */
	EFF_BUILD,	/* builds a kernel of given options */
	EFF_CODE,	/* a kernel, init, module or tree of its choosing */
	EFF_KPARAM,	/* kernel parameters */
	EFF_HOSTPROC,	/* starts a host process */
};

/* Where an option may come from, besides the command line. */
#define OPT_USER 0x1	/* the user's config file */
#define OPT_PROJECT 0x2	/* a project file (still judged by its effect) */
#define OPT_ACCUM 0x4	/* repeats add up instead of replacing */
#define OPT_HIDDEN 0x8	/* not in --help (a tool for the build) */
#define OPT_OPTARG 0x10	/* its argument may be left out: --name=ARG, or
			 * the next word unless it starts with '-' */

struct optdef {
	const char *name;	/* long name */
	char short_name;	/* or 0 */
	const char *arg;	/* the argument in --help, NULL: none */
	unsigned int flags;	/* OPT_* */
	enum opt_effect effect;
	unsigned int section;	/* its --help section */
	const char *complete;	/* "file", "dir", "words:A B", NULL: none */
	const char *help;	/* one paragraph; wrapped by --help */
	void (*set)(struct options *o, const char *arg);
};

/* The rows, ending with one whose name is NULL. */
extern const struct optdef options_table[];
/* The row of a long name, or NULL. */
const struct optdef *options_find(const char *name);
/* What an effect class means, for messages ("turns the network on"). */
const char *options_effect_text(enum opt_effect e);

/* getopt_long's table and short options, made from the rows. */
const struct option *options_long(void);
const char *options_short(void);

/* One UMLRUN_* variable. */
struct envdef {
	const char *name;
	const char *option;	/* the option it stands for (its checks), or NULL */
	const char *help;
};

extern const struct envdef options_env_table[];
/* The value of a declared UMLRUN_* variable (NULL or "" when unset). */
const char *options_env(const char *name);
/* Is it set to something other than "" or "0"? */
int options_env_flag(const char *name);

/* Fill o from argv; prints help and exits where asked. */
void options_parse(struct options *o, int argc, char **argv);
void options_free(struct options *o);
/* --dump-options FORMAT: completion, markdown, names, env; returns 0. */
int options_dump(const char *format);

/* Parsers, exported for unit tests; return 0 or -EINVAL. */
int options_parse_duration(const char *s, long long *ms);
int options_parse_mem(const char *s, unsigned long *mb);
int options_parse_publish(const char *s, struct publish *p);
int options_parse_max_procs(const char *s, unsigned long *n);
/* A kconfig line; bool_only: y, n, m or "is not set" only. NULL or why. */
const char *options_check_kconfig_line(const char *line, int bool_only);
/*
 * A kconfig fragment, read once from fd (closed here; a regular file, or
 * the run ends naming file): each option line, blanks trimmed, to each()
 * with its number; blank lines and comments (but "# CONFIG_X is not set")
 * are skipped.
 */
void options_each_fragment_line(int fd, const char *file,
				void (*each)(void *ctx, int lineno, char *line),
				void *ctx);

/* One more entry at the end of o->mounts, counted; dies out of memory. */
struct mount_opt *options_add_mount(struct options *o);

#endif
