// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the launcher's command line (userspace/launcher/options.c):
 * the duration and memory-size parsers on valid, invalid and hostile input,
 * then options_parse() itself, in-process for what it accepts and in a
 * child for what must end in one usage line and exit status 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "facts.h"
#include "options.h"
#include "plan.h"
#include "tap.h"
#include "util.h"

#define SENTINEL_MS (-7LL)
#define SENTINEL_MB 7UL

static void duration_ok(const char *s, long long want)
{
	long long ms = SENTINEL_MS;
	int ret = options_parse_duration(s, &ms);

	ok(ret == 0 && ms == want, "duration '%s' is %lld ms", s, want);
	if (ret || ms != want)
		diag("  got %d, %lld ms", ret, ms);
}

static void duration_bad(const char *s, const char *why)
{
	long long ms = SENTINEL_MS;
	int ret = options_parse_duration(s, &ms);

	ok(ret == -EINVAL && ms == SENTINEL_MS,
	   "duration '%s' is refused (%s)", s, why);
	if (ret != -EINVAL || ms != SENTINEL_MS)
		diag("  got %d, %lld ms", ret, ms);
}

static void mem_ok(const char *s, unsigned long want)
{
	unsigned long mb = SENTINEL_MB;
	int ret = options_parse_mem(s, &mb);

	ok(ret == 0 && mb == want, "memory '%s' is %lu MiB", s, want);
	if (ret || mb != want)
		diag("  got %d, %lu MiB", ret, mb);
}

static void mem_bad(const char *s, const char *why)
{
	unsigned long mb = SENTINEL_MB;
	int ret = options_parse_mem(s, &mb);

	ok(ret == -EINVAL && mb == SENTINEL_MB, "memory '%s' is refused (%s)",
	   s, why);
	if (ret != -EINVAL || mb != SENTINEL_MB)
		diag("  got %d, %lu MiB", ret, mb);
}

static void test_duration(void)
{
	duration_ok("30", 30000);
	duration_ok("1.5s", 1500);
	duration_ok("2m", 120000);
	duration_ok("500ms", 500);
	duration_ok("1h", 3600000);
	duration_ok("0.5", 500);
	duration_ok("1ms", 1);
	duration_ok("0.001", 1);
	duration_ok("1.0005s", 1000);
	duration_ok("86400", 86400000);
	duration_ok("1e12ms", 1000000000000LL);

	duration_bad("", "empty");
	duration_bad("-1", "negative");
	duration_bad("-0", "negative zero");
	duration_bad("abc", "not a number");
	duration_bad("1x", "unknown unit");
	duration_bad("1sec", "unknown unit");
	duration_bad("1M", "units are lower case");
	duration_bad("0", "zero");
	duration_bad("0s", "zero");
	duration_bad("0.5ms", "below one millisecond");
	duration_bad("nan", "not a number");
	duration_bad("NaN", "not a number");
	duration_bad("inf", "infinite");
	duration_bad("infinity", "infinite");
	duration_bad("1e30", "huge");
	duration_bad("1e13ms", "over 1e12 ms");
	duration_bad("99999999999999999999999", "huge");
	duration_bad("1e400", "out of range");
	duration_bad("s", "unit without number");
	duration_bad("ms", "unit without number");
	duration_bad(" 1", "leading space");
	duration_bad("1 s", "space before the unit");
	duration_bad("1s ", "trailing space");
	duration_bad("1.5.5", "two dots");
	duration_bad("1ms5", "junk after the unit");
}

static void test_mem(void)
{
	mem_ok("64", 64);
	mem_ok("512M", 512);
	mem_ok("512m", 512);
	mem_ok("256MiB", 256);
	mem_ok("2G", 2048);
	mem_ok("2g", 2048);
	mem_ok("1GiB", 1024);
	mem_ok("32", 32);
	mem_ok("32M", 32);
	mem_ok("64G", 65536);
	mem_ok("65536", 65536);

	mem_bad("", "empty");
	mem_bad("-1", "negative");
	mem_bad("-512M", "negative");
	mem_bad("abc", "not a number");
	mem_bad("1x", "unknown unit");
	mem_bad("1T", "unknown unit");
	mem_bad("512K", "unknown unit");
	mem_bad("0", "zero");
	mem_bad("16M", "below the 32M minimum");
	mem_bad("31", "below the 32M minimum");
	mem_bad("65537", "over the 64G maximum");
	mem_bad("65G", "over the 64G maximum");
	mem_bad("1.5G", "fractions are not taken");
	mem_bad("0x40", "decimal only");
	mem_bad("M", "unit without number");
	mem_bad(" 64", "leading space");
	mem_bad("64 ", "trailing space");
	mem_bad("99999999999999999999", "huge (out of range)");
	mem_bad("18446744073709551615", "huge");
	/* 2^54 + 1 gigabytes: times 1024 wraps to 1024 MiB. */
	mem_bad("18014398509481985G", "huge, wraps around when scaled");
}

static void test_max_procs(void)
{
	static const char *const bad[] = { "", "63", "0", "-1", "4194305",
					   "1k", "2048 ", "unlimited", "0x100" };
	unsigned long n;
	size_t i;

	ok(options_parse_max_procs("64", &n) == 0 && n == 64,
	   "--max-procs 64, the least");
	ok(options_parse_max_procs("4194304", &n) == 0 && n == 4194304,
	   "--max-procs 4194304, the most");
	ok(options_parse_max_procs("max", &n) == 0 && n == 0,
	   "--max-procs max is no bound");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		n = 7;
		ok(options_parse_max_procs(bad[i], &n) == -EINVAL && n == 7,
		   "--max-procs '%s' is refused", bad[i]);
	}
}

/* Parse a command line in-process (getopt state reset first). */
static void parse(struct options *o, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	optind = 0;
	options_parse(o, argc, argv);
}

static void test_parse_ok(void)
{
	char *a1[] = { "umlrun", "-m", "1G", "--timeout", "2.5s", "-e", "A=1",
		       "--env", "B", "-C", "/tmp", "--no-stdin", "-t", "--clean-env",
		       "--module", "/m.ko", "--init", "/init", "-k", "/linux",
		       "--kernel-version", "6.1", "--log", "/log", "--",
		       "cmd", "-v", "arg", NULL };
	char *a2[] = { "umlrun", "ls", "-l", "--timeout", "x", NULL };
	char *a3[] = { "umlrun", "--", "--", NULL };
	char *a4[] = { "umlrun", "-m", "64", NULL };
	char *a5[] = { "umlrun", "--", NULL };
	char *a6[] = { "umlrun", "--allow-modules", "true", NULL };
	char *a7[] = { "umlrun", "--drop-layer", "landlock", "true", NULL };
	struct options o;

	parse(&o, a1);
	ok(o.mem_mb == 1024 && o.timeout_ms == 2500, "-m and --timeout");
	ok(o.n_env_add == 2 && !strcmp(o.env_add[0], "A=1") &&
	   !strcmp(o.env_add[1], "B"), "-e and --env in order");
	ok(o.cwd && !strcmp(o.cwd, "/tmp") && o.no_stdin && o.clean_env &&
	   o.tty, "-C, --no-stdin, -t, --clean-env");
	ok(!strcmp(o.module, "/m.ko") && !strcmp(o.init, "/init") &&
	   !strcmp(o.kernel, "/linux") && !strcmp(o.kernel_version, "6.1") &&
	   !strcmp(o.log_file, "/log"),
	   "--module, --init, -k, --kernel-version, --log");
	ok(!o.verbose, "-v after the command belongs to the command");
	ok(!strcmp(o.argv[0], "cmd") && !strcmp(o.argv[1], "-v") &&
	   !strcmp(o.argv[2], "arg") && !o.argv[3], "the command verbatim");
	free(o.env_add);

	parse(&o, a2);
	ok(o.mem_mb == DEFAULT_MEM_MB && o.timeout_ms == 0 && !o.env_add &&
	   !strcmp(o.kernel_version, FACT_DEFAULT_SERIES) &&
	   o.max_procs == DEFAULT_MAX_PROCS,
	   "defaults without options");
	ok(!strcmp(o.argv[0], "ls") && !strcmp(o.argv[1], "-l") &&
	   !strcmp(o.argv[2], "--timeout"),
	   "parsing stops at the first non-option");

	parse(&o, a3);
	ok(!strcmp(o.argv[0], "--") && !o.argv[1],
	   "a command named -- after --");

	setenv("SHELL", "/bin/sh", 1);
	parse(&o, a4);
	ok(o.mem_mb == 64 && !strcmp(o.argv[0], "/bin/sh") && !o.argv[1],
	   "no command runs $SHELL");
	setenv("SHELL", "/nonexistent/shell", 1);
	parse(&o, a5);
	ok(!strcmp(o.argv[0], "/bin/sh") && !o.argv[1],
	   "no command and an unusable $SHELL runs /bin/sh");

	parse(&o, a6);
	{
		struct plan p;

		plan_derive(&o, &p);
		ok(o.allow_modules && !o.drop_kernel && p.o.drop_kernel &&
		   !p.o.drop_landlock,
		   "--allow-modules gives up the kernel layer (in the plan; the options stay as said)");
		plan_free(&p);
	}
	parse(&o, a7);
	ok(!o.drop_kernel && o.drop_landlock, "--drop-layer landlock");
}

/* Read fd to EOF into a NUL-terminated buffer. */
static void read_all(int fd, char *buf, size_t cap)
{
	size_t have = 0;
	ssize_t n;

	while (have < cap - 1 && (n = read(fd, buf + have, cap - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = 0;
	close(fd);
}

/* Run options_parse in a child; its exit status and stdout/stderr. */
static int parse_child(char **argv, char *out, size_t outcap, char *err,
		       size_t errcap)
{
	int po[2], pe[2], status;
	struct options o;
	pid_t pid;

	if (pipe(po) || pipe(pe))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		parse(&o, argv);
		_exit(0);
	}
	close(po[1]);
	close(pe[1]);
	read_all(po[0], out, outcap);
	read_all(pe[0], err, errcap);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl && !nl[1];
}

static void usage_error(char **argv, const char *what, const char *needle)
{
	char out[8192], err[8192];
	int st = parse_child(argv, out, sizeof(out), err, sizeof(err));

	ok(st == EXIT_UMLRUN && !out[0] && one_line(err) &&
	   !strncmp(err, "umlrun: ", 8) && strstr(err, needle),
	   "%s: exit 125, one line on stderr naming '%s'", what, needle);
	if (st != EXIT_UMLRUN || !one_line(err))
		diag("  status %d, stderr: %s", st, err);
}

static void test_parse_errors(void)
{
	char *bogus[] = { "umlrun", "--bogus", "--", "true", NULL };
	char *bogus_s[] = { "umlrun", "-Z", "--", "true", NULL };
	char *mem[] = { "umlrun", "-m", "lots", "--", "true", NULL };
	char *tmo[] = { "umlrun", "--timeout", "0", "--", "true", NULL };
	char *kv[] = { "umlrun", "--kernel-version", "5.4", "true", NULL };
	char *noval[] = { "umlrun", "-m", NULL };
	char *novall[] = { "umlrun", "true", "--timeout", NULL };
	char *tmo_last[] = { "umlrun", "--timeout", NULL };
	char *env[] = { "umlrun", "-e", "=x", "true", NULL };
	char *cwd[] = { "umlrun", "-C", "", "true", NULL };
	char *help[] = { "umlrun", "--help", NULL };
	char *layer[] = { "umlrun", "--drop-layer", "all", "true", NULL };
	char *both[] = { "umlrun", "--drop-layer", "kernel", "--drop-layer",
			 "landlock", "true", NULL };
	char *mods[] = { "umlrun", "--allow-modules", "--drop-layer",
			 "landlock", "true", NULL };
	char *flav[] = { "umlrun", "--flavour", "../x", "true", NULL };
	char *covk[] = { "umlrun", "-k", "/bin/true", "--coverage", "d", "true",
			 NULL };
	char *covl[] = { "umlrun", "--coverage", "d", "--drop-layer", "landlock",
			 "true", NULL };
	char out[16384], err[8192];
	int st;

	usage_error(bogus, "unknown long option", "--bogus");
	usage_error(bogus_s, "unknown short option", "-Z");
	usage_error(mem, "bad -m", "lots");
	usage_error(tmo, "--timeout 0", "'0'");
	usage_error(kv, "unknown kernel version", "5.4");
	usage_error(noval, "-m without a value", "-m");
	usage_error(tmo_last, "--timeout without a value", "--timeout");
	usage_error(env, "-e =x", "=x");
	usage_error(cwd, "-C ''", "-C");
	usage_error(layer, "--drop-layer of no layer", "'all'");
	usage_error(both, "--drop-layer of both layers", "one isolation layer must stay");
	usage_error(mods, "--allow-modules without Landlock", "Landlock must stay");
	usage_error(flav, "--flavour of a path", "'../x'");
	usage_error(covk, "--coverage with -k", "not with --kernel");
	usage_error(covl, "--coverage (no kernel layer) without Landlock",
		    "one isolation layer must stay");

	st = parse_child(novall, out, sizeof(out), err, sizeof(err));
	ok(st == 0 && !err[0], "an option after the command is the command's");

	st = parse_child(help, out, sizeof(out), err, sizeof(err));
	ok(st == 0 && !strncmp(out, "Usage: umlrun", 13) && !err[0],
	   "--help: usage on stdout, exit 0");
}

int main(void)
{
	test_duration();
	test_mem();
	test_max_procs();
	test_parse_ok();
	test_parse_errors();
	return done_testing();
}
