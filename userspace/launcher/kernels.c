// SPDX-License-Identifier: GPL-2.0
/*
 * Kernels built on demand: `--kernel-tree DIR [--commit REV]`, a Debian
 * series make did not build, and any kernel with --kconfig/--kconfig-add
 * or --flavour (checked here against arch-um-config/flavours/)
 * run scripts/build-kernel.sh (cached by source, commit, fragments, extra
 * options and module; incremental) and take the kernel and module from the
 * directory it prints. On a terminal its progress goes straight to stderr
 * (the line make shows); elsewhere it is relayed with -v and otherwise
 * shown only when the build fails, so a build failure is one more umlrun
 * failure (exit 125, which `git bisect run` takes as "skip"); options that
 * do not land are named one line each. --list-kernels and --prune-kernels
 * hand over to the same script.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "facts.h"
#include "kernels.h"
#include "options.h"
#include "log.h"
#include "root.h"
#include "sha256.h"
#include "util.h"

#define KERNELS_TAIL_LINES 25

int kernels_failure_fd = -1;

/*
 * The build script: UMLRUN_BUILD_KERNEL, else next to the launcher in a
 * source tree (./scripts), else where `make install` puts it; 0 or -ENOENT.
 */
static int kernels_find_script(char *out, size_t len)
{
	static const char *const rel[] = {
		"scripts/build-kernel.sh",
		"../lib/umlrun/scripts/build-kernel.sh",
	};
	const char *env = options_env("UMLRUN_BUILD_KERNEL");
	char exe[PATH_MAX];
	ssize_t n;
	size_t i;
	char *slash;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		die_errno("readlink /proc/self/exe");
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		snprintf(out, len, "%s/%s", exe, rel[i]);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static void kernels_script(char *out, size_t len)
{
	if (kernels_find_script(out, len))
		die("cannot find build-kernel.sh next to the launcher (set UMLRUN_BUILD_KERNEL)");
}

int kernels_can_build(void)
{
	char script[PATH_MAX + 64];

	return kernels_find_script(script, sizeof(script)) == 0;
}

int kernels_lib_path(const char *rel, char *out, size_t len)
{
	char script[PATH_MAX + 64], *slash;
	int err = kernels_find_script(script, sizeof(script));

	if (err)
		return err;
	/* .../scripts/build-kernel.sh: rel is beside scripts/ */
	slash = strrchr(script, '/');
	if (slash)
		*slash = 0;
	slash = strrchr(script, '/');
	if (slash)
		*slash = 0;
	snprintf(out, len, "%s/%s", script, rel);
	return access(out, R_OK) ? -errno : 0;
}

/*
 * --flavour NAME: arch-um-config/flavours/NAME.config must be there (as
 * installed or in the tree); else one line naming the known ones.
 */
static void kernels_check_flavours(const struct options *o)
{
	char dir[PATH_MAX + 64], path[PATH_MAX + 128], known[512] = "", *dot;
	struct dirent **d;
	size_t i, k = 0;
	int n, j;

	if (!o->n_flavour)
		return;
	if (kernels_lib_path("arch-um-config/flavours", dir, sizeof(dir)))
		die("cannot find arch-um-config/flavours next to the launcher");
	n = scandir(dir, &d, NULL, alphasort);
	if (n < 0)
		die_errno("%s", dir);
	for (j = 0; j < n; j++) {
		dot = strstr(d[j]->d_name, ".config");
		if (dot && !dot[7] && dot != d[j]->d_name &&
		    !strchr(d[j]->d_name, '-') && k < sizeof(known))
			k += (size_t)snprintf(known + k, sizeof(known) - k,
					      "%s%.*s", k ? ", " : "",
					      (int)(dot - d[j]->d_name),
					      d[j]->d_name);
		free(d[j]);
	}
	free(d);
	for (i = 0; i < o->n_flavour; i++) {
		snprintf(path, sizeof(path), "%s/%s.config", dir, o->flavour[i]);
		if (strchr(o->flavour[i], '-') || access(path, R_OK))
			die("unknown flavour '%s' (known: %s)", o->flavour[i],
			    known);
	}
}

void kernels_exec_script(const char *arg)
{
	char script[PATH_MAX + 64];

	kernels_script(script, sizeof(script));
	execl(script, script, arg, (char *)NULL);
	die_errno("cannot run %s", script);
}

/* Keep the last lines of the build's progress; print them with -v. */
struct kernels_tail {
	char *line[KERNELS_TAIL_LINES];
	unsigned int next;
	char part[512];
	size_t plen;
};

static void kernels_tail_line(struct kernels_tail *t)
{
	t->part[t->plen] = 0;
	t->plen = 0;
	info("%s", t->part);
	free(t->line[t->next % KERNELS_TAIL_LINES]);
	t->line[t->next % KERNELS_TAIL_LINES] = strdup(t->part);
	t->next++;
}

static void kernels_tail_feed(struct kernels_tail *t, const char *buf,
			      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || t->plen == sizeof(t->part) - 1)
			kernels_tail_line(t);
		if (buf[i] != '\n')
			t->part[t->plen++] = buf[i];
	}
}

/* The last lines, or with refused options only the config: lines and
 * the reason (returned), which then makes umlrun's last line. */
static const char *kernels_tail_dump(struct kernels_tail *t, int refused)
{
	const char *why = NULL;
	unsigned int i;
	char *s;

	if (t->plen)
		kernels_tail_line(t);
	for (i = 0; i < KERNELS_TAIL_LINES; i++) {
		s = t->line[(t->next + i) % KERNELS_TAIL_LINES];
		if (!s)
			continue;
		if (!strncmp(s, "build-kernel: ", 14) ||
		    !strncmp(s, "build-module: ", 14))
			why = s + 14;
		if (refused && why == s + 14)
			continue;
		else if (refused && !strncmp(s, "config: ", 8) && !log_verbose)
			warn("%s", s);
		else if (!refused && !log_verbose)
			warn("build: %s", s);
	}
	return why;
}

static void kernels_tail_free(struct kernels_tail *t)
{
	unsigned int i;

	for (i = 0; i < KERNELS_TAIL_LINES; i++)
		free(t->line[i]);
}

/*
 * The build runs in its own process group; if umlrun is told to stop while
 * it runs, the whole build (make and compilers) stops with it.
 */
static volatile pid_t kernels_build_pid;

static void kernels_on_signal(int sig)
{
	if (kernels_build_pid > 0)
		kill(-kernels_build_pid, SIGTERM);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void kernels_catch(void (*fn)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = fn };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The build script's command line for the kernel o asks for. */
static char **kernels_argv(const struct options *o, char *script,
			   const char *mode)
{
	size_t i, n = 0;
	char **argv;

	argv = calloc(2 * (o->n_kconfig + o->n_flavour) + 9, sizeof(*argv));
	if (!argv)
		die("out of memory");
	argv[n++] = script;
	if (mode)
		argv[n++] = (char *)mode;
	for (i = 0; i < o->n_flavour; i++) {
		argv[n++] = "--flavour";
		argv[n++] = (char *)o->flavour[i];
	}
	/* lines only: options_read_fragments replaced each --kconfig FILE */
	for (i = 0; i < o->n_kconfig; i++) {
		argv[n++] = "--kconfig-add";
		argv[n++] = (char *)o->kconfig[i].arg;
	}
	if (o->drop_kernel)
		argv[n++] = FACT_BUILD_DROP_LAYER;
	if (o->kernel_tree) {
		argv[n++] = "--tree";
		argv[n++] = (char *)o->kernel_tree;
		if (o->commit) {
			argv[n++] = "--commit";
			argv[n++] = (char *)o->commit;
		}
	} else {
		argv[n++] = (char *)o->kernel_version;
	}
	return argv;
}

int kernels_where(const struct options *o, char *dir, size_t len)
{
	char script[PATH_MAX + 64], **argv;
	int p[2], status, fd;
	ssize_t n = 0, r;
	pid_t pid;

	if (kernels_find_script(script, sizeof(script)) || pipe2(p, O_CLOEXEC) < 0)
		return -ENOENT;
	argv = kernels_argv(o, script, "--where");
	pid = fork();
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 2) < 0 || dup2(p[1], 1) < 0)
			_exit(127);
		execv(script, argv);
		_exit(127);
	}
	free(argv);
	close(p[1]);
	while (pid > 0 && (r = read_retry(p[0], dir + n, len - 1 - (size_t)n)) > 0)
		n += r;
	close(p[0]);
	if (pid < 0)
		return -errno;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	dir[n] = 0;
	dir[strcspn(dir, "\n")] = 0;
	return WIFEXITED(status) && !WEXITSTATUS(status) && dir[0] ? 0 : -EINVAL;
}

/*
 * Run a build script (argv, its path first), what it builds named by
 * what; put what it prints on stdout (a directory, or paths one a line
 * when lines) in out. Dies (exit 125) when it fails, with the end of its
 * progress, or with its reason when it refuses (FACT_BUILD_REFUSED).
 */
int kernels_build_tree(const char *kdir, char *src, char *obj)
{
	char path[PATH_MAX + 64], line[PATH_MAX + 8];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" FACT_KERNEL_BUILD_FILE, kdir);
	src[0] = obj[0] = 0;
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strlen(line) - 4 >= PATH_MAX)
			continue;
		if (!strncmp(line, "src=", 4))
			memcpy(src, line + 4, strlen(line + 4) + 1);
		else if (!strncmp(line, "obj=", 4))
			memcpy(obj, line + 4, strlen(line + 4) + 1);
	}
	fclose(f);
	return src[0] && obj[0] ? 0 : -ENOENT;
}

void kernels_run(char **argv, const char *what, char *out, size_t len,
		 int lines, int (*confine)(void *), void *arg)
{
	char buf[4096];
	struct kernels_tail tail = { 0 };
	int pout[2], perr[2], status, devnull, open_fds = 2;
	int live = isatty(2) && !log_verbose;
	const char *why;
	size_t dlen = 0;
	struct pollfd p[2];
	ssize_t n;
	pid_t pid;

	info("%s: %s", what, argv[0]);
	if (pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0)
		die_errno("pipe");
	kernels_catch(kernels_on_signal);
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* The build never reads the caller's stdin (the command's). */
		devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(pout[1], 1) < 0 ||
		    (!live && dup2(perr[1], 2) < 0))
			_exit(127);
		if (confine && (errno = -confine(arg))) {
			dprintf(2, "cannot confine %s: %s\n", argv[0], strerror(errno));
			_exit(127);
		}
		execv(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	kernels_build_pid = pid;
	close(pout[1]);
	close(perr[1]);
	p[0] = (struct pollfd){ .fd = pout[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = perr[0], .events = POLLIN };
	while (open_fds) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno("poll");
		}
		if (p[0].revents) {
			n = read_retry(pout[0], out + dlen, len - 1 - dlen);
			if (n > 0) {
				dlen += (size_t)n;
			} else {
				p[0].fd = -1;
				open_fds--;
			}
		}
		if (p[1].revents) {
			n = read_retry(perr[0], buf, sizeof(buf));
			if (n > 0) {
				kernels_tail_feed(&tail, buf, (size_t)n);
			} else {
				p[1].fd = -1;
				open_fds--;
			}
		}
	}
	close(pout[0]);
	close(perr[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	kernels_build_pid = 0;
	kernels_catch(SIG_DFL);
	out[dlen] = 0;
	while (dlen && out[dlen - 1] == '\n')
		out[--dlen] = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == atoi(FACT_BUILD_REFUSED)) {
		why = kernels_tail_dump(&tail, 1);
		if (kernels_failure_fd >= 0)
			dprintf(kernels_failure_fd, "build\t%s\n", why ? why : "options refused");
		die("%s: %s", what, why ? why : "options refused");
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !dlen ||
	    (!lines && strchr(out, '\n'))) {
		why = kernels_tail_dump(&tail, 0);
		if (kernels_failure_fd >= 0)
			dprintf(kernels_failure_fd, "build\t%s\n",
				why ? why : "the build failed");
		kernels_tail_free(&tail);
		die("%s did not build", what);
	}
	kernels_tail_free(&tail);
	info("%s: %s", what, out);
}

/*
 * The memo of a Debian series' variant or flavour: the script's answer (the
 * kernel's directory) kept in the kernel cache's lookup/ under a digest of
 * all it reads: its arguments, and the name, size, times and inode of every
 * file of umlrun's arch-um-config/, patches/, scripts/ and hostexec-driver/,
 * of Kbuild and of the series' source package. The script takes 0.1 s to
 * 0.4 s to find a cached variant (hashing fragments and patches, checking
 * the lines), which every run paid, where the series' kernel starts at
 * once: with the memo a cached variant starts as fast. Any change to an
 * input is another digest, so the script runs again; a memo is used only
 * while its kernel is whole (.done, linux). Not for --kernel-tree: a tree
 * changes under us, and only the script reads it.
 */
/* NAME's record in the digest: what stat() says of PATH (a link's target,
 * so a changed target is a changed input); -1 when there is none. */
static int kernels_memo_stat(struct sha256 *h, const char *name, const char *path)
{
	char rec[PATH_MAX + 128];
	struct stat st;
	int l;

	if (stat(path, &st) < 0)
		return -1;
	l = snprintf(rec, sizeof(rec), "%s %o %lld %lld.%09ld %lld.%09ld %llu\n", name,
		     (unsigned int)st.st_mode, (long long)st.st_size,
		     (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
		     (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
		     (unsigned long long)st.st_ino);
	sha256_update(h, rec, (size_t)l < sizeof(rec) ? (size_t)l : sizeof(rec) - 1);
	return 0;
}

/* Every file beneath base/rel, in name order (directories entered only
 * when they are directories themselves, not links to one). */
static void kernels_memo_dir(struct sha256 *h, const char *base, const char *rel)
{
	char path[2 * PATH_MAX + 2], sub[PATH_MAX];
	struct dirent **ents;
	struct stat st;
	int i, n;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		sha256_update(h, "-", 1);
		return;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;

		if ((name[0] != '.' || (name[1] && (name[1] != '.' || name[2]))) &&
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", rel, name) < sizeof(sub)) {
			snprintf(path, sizeof(path), "%s/%s", base, sub);
			kernels_memo_stat(h, sub, path);
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
				kernels_memo_dir(h, base, sub);
		}
		free(ents[i]);
	}
	free(ents);
}

/* The memo's path for argv into out; -1 when there is none to have. */
static int kernels_memo_path(const struct options *o, char **argv, char *out,
			     size_t len)
{
	static const char *const inputs[] = { "arch-um-config", "patches", "scripts",
					      "hostexec-driver" };
	char lib[PATH_MAX], dir[PATH_MAX], hex[65], path[PATH_MAX + 64];
	struct sha256 h;
	size_t i;

	if (o->kernel_tree || kernels_lib_path(".", lib, sizeof(lib)) ||
	    root_cache_sub("lookup", dir, sizeof(dir)))
		return -1;
	sha256_init(&h);
	for (i = 0; argv[i]; i++)
		sha256_update(&h, argv[i], strlen(argv[i]) + 1);
	for (i = 0; i < ARRAY_SIZE(inputs); i++)
		kernels_memo_dir(&h, lib, inputs[i]);
	snprintf(path, sizeof(path), "%s/Kbuild", lib);
	kernels_memo_stat(&h, "Kbuild", path);
	snprintf(path, sizeof(path), "/usr/src/linux-source-%s.tar.xz", o->kernel_version);
	if (kernels_memo_stat(&h, "source", path))
		return -1;
	sha256_hex(&h, hex);
	snprintf(out, len, "%s/%s", dir, hex);
	return 0;
}

/* The kernel directory a memo names, if it is whole: 0, or -1. */
static int kernels_memo_read(const char *memo, char *dir, size_t len)
{
	char path[PATH_MAX + 16];
	ssize_t n;
	int fd;

	fd = open(memo, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read_retry(fd, dir, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	dir[n] = 0;
	dir[strcspn(dir, "\n")] = 0;
	snprintf(path, sizeof(path), "%s/.done", dir);
	if (dir[0] != '/' || access(path, F_OK))
		return -1;
	snprintf(path, sizeof(path), "%s/linux", dir);
	return access(path, X_OK) ? -1 : 0;
}

/* Keep the script's answer dir as the memo (best effort). */
static void kernels_memo_write(const char *memo, const char *dir)
{
	char tmp[PATH_MAX + 128];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%d", memo, (int)getpid()) >= sizeof(tmp))
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (dprintf(fd, "%s\n", dir) < 0 || close(fd) < 0 || rename(tmp, memo) < 0)
		unlink(tmp);
}

void kernels_build(const struct options *o, char *dir, size_t len)
{
	char script[PATH_MAX + 64], what[PATH_MAX + 64], path[PATH_MAX + 80];
	char **argv;
	int memo;

	kernels_check_flavours(o);
	kernels_script(script, sizeof(script));
	argv = kernels_argv(o, script, NULL);
	if (o->kernel_tree)
		snprintf(what, sizeof(what), "the kernel of %s%s%s", o->kernel_tree,
			 o->commit ? " at " : "", o->commit ? o->commit : "");
	else
		snprintf(what, sizeof(what), "the %s kernel%s", o->kernel_version,
			 o->n_kconfig || o->n_flavour ? " with the extra options" : "");
	memo = !kernels_memo_path(o, argv, path, sizeof(path));
	if (memo && !kernels_memo_read(path, dir, len)) {
		info("%s: %s (the memo %s)", what, dir, path);
		free(argv);
		return;
	}
	kernels_run(argv, what, dir, len, 0, NULL, NULL);
	if (memo)
		kernels_memo_write(path, dir);
	free(argv);
}
