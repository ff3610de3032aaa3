// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the config files (userspace/launcher/config.c): each case
 * runs in a child with a scratch XDG_CONFIG_HOME and project directory, applies
 * the files and parses the result with options.c, and reports the argv it
 * got, --print-config's output, or the one error line and exit 125.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "facts.h"
#include "log.h"
#include "options.h"
#include "tap.h"

static char base[] = "/tmp/umlrun-test-config.XXXXXX";
static char user_file[256], project_file[256], sub[256];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

/* Apply the files for args in a child: status, and its stdout+stderr. */
static int apply(const char *const *args, int print, char *out, size_t len)
{
	int pfd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pfd))
		abort();
	pid = fork();
	if (pid == 0) {
		char *argv[32];
		struct options o;
		int argc = 0, i;

		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		argv[argc++] = "umlrun";
		while (*args)
			argv[argc++] = (char *)*args++;
		argv[argc] = NULL;
		if (chdir(sub))
			_exit(99);
		char **v = argv;

		config_apply(&argc, &v);
		options_parse(&o, argc, v);
		if (print) {
			i = config_print();
			fflush(stdout);
			_exit(i);
		}
		printf("mem=%lu mounts=%zu env=%zu net=%d timeout=%lld argv=",
		       o.mem_mb, o.n_mounts, o.n_env_add, o.net, o.timeout_ms);
		for (i = 1; i < argc; i++)
			printf("%s%s", v[i], i + 1 < argc ? " " : "");
		fflush(stdout);
		_exit(0);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out + got, len - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = 0;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void applies(const char *const *args, const char *want,
		    const char *what)
{
	char out[4096];
	int st = apply(args, 0, out, sizeof(out));

	if (!ok(st == 0 && strstr(out, want), "%s", what))
		diag("  status %d, got '%s', want '%s'", st, out, want);
}

static void refused(const char *const *args, const char *want,
		    const char *what)
{
	char out[4096];
	int st = apply(args, 0, out, sizeof(out));

	/* one line: its only newline is the last byte */
	if (!ok(st == EXIT_UMLRUN && strstr(out, want) &&
		    strchr(out, '\n') == out + strlen(out) - 1, "%s", what))
		diag("  status %d, got '%s', want '%s'", st, out, want);
}

int main(void)
{
	static const char *const none[] = { NULL };
	static const char *const no_config[] = { "--no-config", NULL };
	static const char *const explicit[] = { "-m", "2G", "--bind", "/etc", "--", "true", NULL };
	char out[8192], dir[256], want[1024];

	if (!mkdtemp(base))
		abort();
	snprintf(dir, sizeof(dir), "%s/xdg", base);
	mkdir(dir, 0755);
	strcat(dir, "/umlrun");
	mkdir(dir, 0755);
	snprintf(user_file, sizeof(user_file), "%s/config", dir);
	snprintf(dir, sizeof(dir), "%s/proj", base);
	mkdir(dir, 0755);
	snprintf(project_file, sizeof(project_file), "%s/" FACT_PROJECT_FILE, dir);
	snprintf(sub, sizeof(sub), "%s/a", dir);
	mkdir(sub, 0755);
	strcat(sub, "/b");
	mkdir(sub, 0755);
	snprintf(want, sizeof(want), "%s/xdg", base);
	setenv("XDG_CONFIG_HOME", want, 1);
	unsetenv("UMLRUN_NO_CONFIG");

	applies(none, "mem=256 mounts=0 env=0 net=0", "no files: the defaults");

	put(user_file, "# my defaults\n\nmem = 512M\ntimeout = 30s  # long enough\nnet\n");
	applies(none, "mem=512 mounts=0 env=0 net=1 timeout=30000 argv=--mem=512M --timeout=30s --net",
		"the user file: name = value, a bare name, comments");

	snprintf(out, sizeof(out), "mem = 1G\nbind = %s/proj:/data:rw\nbind=/etc\nenv = A=#1\n", base);
	put(project_file, out);
	applies(none, "mem=1024 mounts=2 env=1 net=1 timeout=30000",
		"a project file two levels up: later wins, binds add up");
	applies(explicit, "mem=2048 mounts=3 env=1",
		"the command line wins; its --bind adds to the files'");
	applies(no_config, "mem=256 mounts=0 env=0 net=0", "--no-config ignores both files");

	apply(explicit, 1, out, sizeof(out));
	snprintf(want, sizeof(want), "# mem = 512M\t# %s:3, replaced by %s:1\n", user_file,
		 project_file);
	if (!ok(strstr(out, want) != NULL, "--print-config: a replaced value says by what"))
		diag("  got:\n%s", out);
	snprintf(want, sizeof(want), "# mem = 1G\t# %s:1, replaced by the command line\n",
		 project_file);
	ok(strstr(out, want) != NULL, "--print-config: the command line replaces the project");
	snprintf(want, sizeof(want), "bind = /etc\t# %s:3\n", project_file);
	ok(strstr(out, want) != NULL, "--print-config: binds accumulate, file:line each");
	ok(strstr(out, "env = A=#1\t#") != NULL, "a '#' inside a value is no comment");
	ok(strstr(out, "-m 2G --bind /etc\t# command line\n") != NULL,
	   "--print-config: the command line's own options, without the command");

	put(project_file, "mem = lots\n");
	snprintf(want, sizeof(want), "umlrun: %s:1: bad memory size 'lots'", project_file);
	refused(none, want, "a bad value is 125 naming file:line");
	put(project_file, "\n\nfrobnicate = 3\n");
	snprintf(want, sizeof(want), "umlrun: %s:3: unknown option 'frobnicate'", project_file);
	refused(none, want, "an unknown name is 125 naming file:line");
	put(project_file, "--mem = 1G\n");
	refused(none, "without the dashes", "--name is refused with a hint");
	put(project_file, "cwd\n");
	refused(none, "'cwd' needs a value", "a missing value");
	put(project_file, "overlay = yes\n");
	refused(none, "'overlay' takes no value", "a value for a flag");
	put(project_file, "help\n");
	refused(none, "'help' is an action", "an action is no default");
	put(project_file, "net\n");
	refused(none, "'net' is not allowed in a project file", "a project cannot turn the network on");
	put(project_file, "kernel = /tmp/evil\n");
	refused(none, "'kernel' is not allowed in a project file", "nor pick the kernel");
	put(project_file, "result-json = /root/.bashrc\n");
	refused(none, "'result-json' is not allowed", "nor write host files");
	put(project_file, "bind = /etc:/x:rw\n");
	refused(none, "binds /etc writable, outside the project", "nor bind outside itself writable");
	snprintf(out, sizeof(out), "bind = %s/proj/a:/x:rw\n", base);
	put(project_file, out);
	applies(none, "mounts=1", "a writable bind inside the project is fine");
	put(project_file, "kconfig-add = CONFIG_SYSTEM_TRUSTED_KEYS=\"$(shell id)\"\n");
	refused(none, "may only switch an option", "a project's kconfig line only switches");
	put(project_file, "kconfig-add = CONFIG_DEVMEM=y\n");
	refused(none, "the kernel layer rests on CONFIG_DEVMEM", "nor an option of the kernel layer");
	put(project_file, "max-procs = max\n");
	refused(none, "lifts the bound on host processes", "nor lift the process bound");
	put(project_file, "max-procs = 100\n");
	applies(none, "mem=", "but may lower it");
	put(project_file, "swap = 8G\n");
	refused(none, "more than the 4096 a project file may", "nor ask for more than 4 GiB of run directory");
	put(project_file, "flavour = coverage\n");
	refused(none, "gives the kernel layer up", "nor a flavour that gives the kernel layer up");
	put(project_file, "follow-links\n");
	refused(none, "may come only from the command line", "--follow-links comes only from the command line");
	put(project_file, "env = HOME\n");
	refused(none, "cannot copy the caller's 'HOME'", "nor copy the caller's variables");
	put(project_file, "bind = /etc:/x\n");
	applies(none, "mounts=1", "a read-only bind outside is fine");
	put(user_file, "kernel-version = 6.1\nnet\n");
	applies(none, "net=1", "the user file may say what a project may not");
	/* which files are trusted */
	put(project_file, "net\n");
	chmod(project_file, 0666);
	applies(none, "net=1", "a project file others may write is not read (its net would be refused)");
	apply(none, 1, out, sizeof(out));
	snprintf(want, sizeof(want), "# not read: %s: others may write it (mode 0666)", project_file);
	ok(strstr(out, want) != NULL, "--print-config names the file not read, and why");
	chmod(project_file, 0644);
	if (chown(project_file, 65534, 65534))
		abort();
	apply(none, 1, out, sizeof(out));
	ok(strstr(out, "not by you or root") != NULL, "nor one another user owns");
	if (chown(project_file, 0, 0))
		abort();
	snprintf(want, sizeof(want), "%s/proj", base);
	chmod(want, 0777);
	applies(none, "net=1", "nor one in a directory others may write: the search stops there");
	chmod(want, 0755);
	put(project_file, "mem = 1G\n");
	put(user_file, "net\n");
	chmod(user_file, 0622);
	apply(none, 1, out, sizeof(out));
	ok(strstr(out, "# not read: ") != NULL && strstr(out, "xdg/umlrun/config: others may write it") != NULL,
	   "the user file too");
	chmod(user_file, 0644);
	put(user_file, "kernel-version = 6.1\nnet\n");
	{
		char big[8192];

		memset(big, 'x', sizeof(big) - 2);
		big[sizeof(big) - 2] = '\n';
		big[sizeof(big) - 1] = 0;
		put(project_file, big);
		refused(none, "line longer than", "an overlong line");
	}
	unlink(project_file);
	{
		int fd = open(project_file, O_WRONLY | O_CREAT, 0644);

		if (fd < 0 || write(fd, "mem\0=1G\n", 8) != 8)
			abort();
		close(fd);
	}
	refused(none, "a NUL byte", "a NUL byte");

	snprintf(out, sizeof(out), "rm -rf %s", base);
	if (system(out))
		diag("cannot remove %s", base);
	return done_testing();
}
