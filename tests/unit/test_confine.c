// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the launcher's confinement (userspace/launcher/confine.c): a
 * child confines itself as the launcher does once the kernel runs, without
 * and with -n, then tries what a launcher taken over by the guest would try
 * (exec, files outside the run directory, sockets, io_uring) and what the
 * launcher itself still must do (write files it opened before, work in and
 * remove the run directory, read its /proc entries). Each attempt's errno
 * goes back to the parent, which checks it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "landlock.h"
#include "tap.h"
#include "util.h"

extern char **environ;

struct ctx {
	char rundir[256];
	char outside[256];	/* an existing file beside the run directory */
	int pre_fd;		/* opened for writing before confinement */
};

static int p_execve(const struct ctx *c)
{
	char *argv[] = { "true", NULL };

	execve("/bin/true", argv, environ);
	return errno;
}

static int p_execveat(const struct ctx *c)
{
	char *argv[] = { "true", NULL };

	syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, environ, 0);
	return errno;
}

static int p_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int p_create_outside(const struct ctx *c)
{
	char path[300];

	snprintf(path, sizeof(path), "%s.new", c->outside);
	return p_open(path, O_WRONLY | O_CREAT);
}

static int p_write_outside(const struct ctx *c)
{
	return p_open(c->outside, O_WRONLY);
}

static int p_read_outside(const struct ctx *c)
{
	return p_open(c->outside, O_RDONLY);
}

static int p_read_etc(const struct ctx *c)
{
	return p_open("/etc/passwd", O_RDONLY);
}

static int p_pre_opened(const struct ctx *c)
{
	return write_all(c->pre_fd, "kept\n", 5) ? errno : 0;
}

static int p_proc_self(const struct ctx *c)
{
	return p_open("/proc/self/status", O_RDONLY);
}

static int p_rundir(const struct ctx *c)
{
	char f[300], d[300];
	int err;

	snprintf(f, sizeof(f), "%s/file", c->rundir);
	snprintf(d, sizeof(d), "%s/dir", c->rundir);
	err = p_open(f, O_WRONLY | O_CREAT);
	if (!err && (mkdir(d, 0700) < 0 || rmdir(d) < 0 || unlink(f) < 0))
		err = errno;
	return err;
}

static int p_rm_rundir(const struct ctx *c)
{
	return rmdir(c->rundir) < 0 ? errno : 0;
}

static int p_sock(int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int p_unix(const struct ctx *c)
{
	return p_sock(AF_UNIX, SOCK_STREAM);
}

static int p_tcp(const struct ctx *c)
{
	return p_sock(AF_INET, SOCK_STREAM);
}

static int p_socketpair(const struct ctx *c)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return errno;
	close(sv[0]);
	close(sv[1]);
	return 0;
}

static int p_bind_tcp(const struct ctx *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		err = errno;
	close(fd);
	return err;
}

static int p_io_uring(const struct ctx *c)
{
	char params[120] = { 0 };

	if (syscall(SYS_io_uring_setup, 1, params) < 0)
		return errno;
	return 0;
}

/* 0 when the capabilities left are none, or only CAP_DAC_OVERRIDE. */
static int p_caps(const struct ctx *c)
{
	char buf[4096], *p;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = read_retry(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return EIO;
	buf[n] = 0;
	p = strstr(buf, "CapEff:");
	if (!p || (strtoull(p + 7, NULL, 16) & ~2ULL))
		return EPERM;
	p = strstr(buf, "NoNewPrivs:");
	if (!p || strtol(p + 11, NULL, 10) != 1)
		return EINVAL;
	return 0;
}

enum { NEED_NONE, NEED_LANDLOCK, NEED_LANDLOCK_NET };

static const struct probe {
	const char *what;
	int (*fn)(const struct ctx *c);
	int want[2];	/* errno without -n, with -n */
	int needs;
} probes[] = {
	{ "execve", p_execve, { EPERM, EPERM }, NEED_NONE },
	{ "execveat", p_execveat, { EPERM, EPERM }, NEED_NONE },
	{ "io_uring_setup", p_io_uring, { EPERM, EPERM }, NEED_NONE },
	{ "socketpair", p_socketpair, { EPERM, EPERM }, NEED_NONE },
	{ "a Unix socket", p_unix, { EPERM, EAFNOSUPPORT }, NEED_NONE },
	{ "a TCP socket", p_tcp, { EPERM, 0 }, NEED_NONE },
	{ "capabilities dropped, no new privileges", p_caps, { 0, 0 },
	  NEED_NONE },
	{ "writing a file opened before", p_pre_opened, { 0, 0 }, NEED_NONE },
	{ "reading its /proc entries", p_proc_self, { 0, 0 }, NEED_NONE },
	{ "creating, removing beneath the run directory", p_rundir, { 0, 0 },
	  NEED_NONE },
	{ "creating a file outside", p_create_outside, { EACCES, EACCES },
	  NEED_LANDLOCK },
	{ "opening a file outside for writing", p_write_outside,
	  { EACCES, EACCES }, NEED_LANDLOCK },
	{ "reading a file outside", p_read_outside, { EACCES, EACCES },
	  NEED_LANDLOCK },
	{ "reading /etc/passwd", p_read_etc, { EACCES, EACCES }, NEED_LANDLOCK },
	{ "binding a TCP port", p_bind_tcp, { EPERM, EACCES },
	  NEED_LANDLOCK_NET },
	/* last: it takes the run directory away */
	{ "removing the run directory", p_rm_rundir, { 0, 0 }, NEED_NONE },
};

static void confined(int net)
{
	int got[ARRAY_SIZE(probes)], p[2], status, err, abi = landlock_abi();
	char base[] = "/tmp/umlrun-test-confine.XXXXXX", pre[300];
	struct ctx c;
	pid_t pid;
	size_t i;

	if (!mkdtemp(base) || pipe(p) < 0)
		exit(1);
	snprintf(c.rundir, sizeof(c.rundir), "%s/run", base);
	snprintf(c.outside, sizeof(c.outside), "%s/outside", base);
	snprintf(pre, sizeof(pre), "%s/pre-opened", base);
	if (mkdir(c.rundir, 0700) < 0 || p_open(c.outside, O_WRONLY | O_CREAT))
		exit(1);
	c.pre_fd = open(pre, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		err = -confine_launcher(c.rundir, net);
		(void)write_all(p[1], &err, sizeof(err));
		memset(got, -1, sizeof(got));
		for (i = 0; !err && i < ARRAY_SIZE(probes); i++)
			got[i] = probes[i].fn(&c);
		(void)write_all(p[1], got, sizeof(got));
		_exit(0);
	}
	close(p[1]);
	ok(read_retry(p[0], &err, sizeof(err)) == sizeof(err) && !err,
	   "%s: confine_launcher succeeds", net ? "-n" : "no -n");
	if (err)
		diag("  %s", strerror(err));
	if (read_retry(p[0], got, sizeof(got)) != sizeof(got))
		memset(got, -1, sizeof(got));
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		if ((probes[i].needs == NEED_LANDLOCK && !abi) ||
		    (probes[i].needs == NEED_LANDLOCK_NET && net && abi < 4)) {
			ok(1, "%s: %s # SKIP Landlock ABI %d", net ? "-n" : "no -n",
			   probes[i].what, abi);
			continue;
		}
		is_int(got[i], probes[i].want[net], "%s: %s: %s",
		       net ? "-n" : "no -n", probes[i].what,
		       probes[i].want[net] ? strerror(probes[i].want[net]) :
					     "works");
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	is_int(status, 0, "%s: the confined child ends normally",
	       net ? "-n" : "no -n");
	close(c.pre_fd);
	c.pre_fd = open(pre, O_RDONLY | O_CLOEXEC);
	is_int(read_retry(c.pre_fd, pre, sizeof(pre)), 5,
	       "%s: the write through the file opened before landed",
	       net ? "-n" : "no -n");
	close(c.pre_fd);
	snprintf(pre, sizeof(pre), "rm -rf '%s'", base);
	if (system(pre))
		diag("cannot remove %s", base);
}

int main(void)
{
	confined(0);
	confined(1);
	return done_testing();
}
