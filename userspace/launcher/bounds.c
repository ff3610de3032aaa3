// SPDX-License-Identifier: GPL-2.0
/*
 * Bounds on the host resources one run can use. Every guest process is a
 * host process (UML's ptrace mode), so a guest that forks without end
 * would fill the host's process table: the kernel process and everything
 * it starts get at most --max-procs host tasks. The bound is a pids
 * cgroup of its own where the caller can make one (in v1, a child of the
 * launcher's cgroup; in v2, of the nearest one up from it that hands
 * pids down), else RLIMIT_NPROC set to the caller's
 * current task count plus the bound. The kernel exempts the real uid 0
 * from RLIMIT_NPROC whatever its capabilities, and any task holding
 * CAP_SYS_ADMIN or CAP_SYS_RESOURCE, so a run for which neither holds is
 * refused. The kernel process also gets no core dump (RLIMIT_CORE 1: no
 * core file, and no core piped to a helper either) and the run directory
 * as its working directory.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bounds.h"
#include "log.h"
#include "reaper.h"
#include "util.h"

#define CGROUP_PREFIX "umlrun-"
/* Capability bits in /proc/PID/status CapEff that void RLIMIT_NPROC. */
#define CAP_SYS_ADMIN_BIT 21
#define CAP_SYS_RESOURCE_BIT 24

static struct {
	unsigned long max;	/* the bound, 0 for none */
	char parent[PATH_MAX];	/* the cgroup ours is made in */
	char dir[PATH_MAX];	/* ours beneath it, "" without */
	int procs_fd;		/* its cgroup.procs, for the kernel's child */
	rlim_t nproc;		/* RLIMIT_NPROC for the kernel, 0 for none */
	const char *rundir;
} lim = { .procs_fd = -1 };

/* Read a small file into buf (NUL-terminated); bytes or -errno. */
static ssize_t bounds_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read_retry(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static int bounds_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX + 32];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = write_all(fd, val, strlen(val));
	close(fd);
	return err;
}

/*
 * The launcher's cgroup in the hierarchy that has the pids controller:
 * a v1 pids hierarchy if the host has one, else the v2 one. Its directory
 * is found through mountinfo (the mount's root may be a subdirectory, as
 * in a cgroup namespace); *top is the length of the mount point in it.
 * Returns 1 for v2, 0 for v1, -1 when none.
 */
static int bounds_find_cgroup(char *out, size_t len, size_t *top)
{
	char line[4096], path[PATH_MAX] = "", *f[10], *sep, *p;
	int v2 = -1, i;
	size_t rl;
	FILE *fp;

	fp = fopen("/proc/self/cgroup", "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		char *ctl = strchr(line, ':'), *cg;

		cg = ctl ? strchr(ctl + 1, ':') : NULL;
		if (!cg)
			continue;
		*ctl++ = 0;
		*cg++ = 0;
		cg[strcspn(cg, "\n")] = 0;
		if (has_word(ctl, "pids")) {
			snprintf(path, sizeof(path), "%s", cg);
			v2 = 0;
			break;
		}
		if (!strcmp(line, "0") && !*ctl) {
			snprintf(path, sizeof(path), "%s", cg);
			v2 = 1;
		}
	}
	fclose(fp);
	if (v2 < 0)
		return -1;

	fp = fopen("/proc/self/mountinfo", "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = 0;
		p = line;
		for (i = 0; i < 5 && (f[i] = strsep(&p, " ")); i++)
			;
		if (i < 5)
			continue;
		p = sep + 3;
		for (i = 5; i < 8 && (f[i] = strsep(&p, " ")); i++)
			;
		if (i < 8 || strchr(f[4], '\\'))
			continue;
		if (v2 ? strcmp(f[5], "cgroup2") :
			 strcmp(f[5], "cgroup") ||
				 !has_word(f[7], "pids"))
			continue;
		/* f[3]: the mount's root, f[4]: where it is mounted */
		rl = strcmp(f[3], "/") ? strlen(f[3]) : 0;
		if (strncmp(path, f[3], rl) || (path[rl] && path[rl] != '/'))
			continue;
		snprintf(out, len, "%s%s", f[4], path + rl);
		*top = strlen(f[4]);
		len = strlen(out);
		while (len > 1 && out[len - 1] == '/')
			out[--len] = 0;
		fclose(fp);
		return v2;
	}
	fclose(fp);
	return -1;
}

/*
 * v2 lets a cgroup hold processes beside children with controllers only
 * at the root (a non-root one with pids enabled below it and processes in
 * it becomes a thread root, whose domain children take no process). So
 * ours is made beneath the nearest cgroup, our own only if it is the
 * root, else an ancestor, that has pids in its subtree_control already:
 * nothing is enabled on the way, which would change cgroups not ours
 * (systemd enables pids on its slices). dir becomes that cgroup; top is
 * the length of the mount point in it. 0 or -ENOENT.
 */
static int bounds_v2_parent(char *dir, size_t top)
{
	char path[PATH_MAX + 32], ctl[256];
	int at_top = strlen(dir) <= top;

	for (;;) {
		if (!at_top) {
			*strrchr(dir, '/') = 0;
			at_top = strlen(dir) <= top;
		}
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
		if (bounds_read(path, ctl, sizeof(ctl)) >= 0 &&
		    has_word(ctl, "pids"))
			return 0;
		if (at_top)
			return -ENOENT;
	}
}

/* Our own pids cgroup with pids.max; 0 or -errno (nothing is left). */
static int bounds_cgroup(void)
{
	char val[32], path[PATH_MAX + 32];
	size_t top;
	int v2, err;

	v2 = bounds_find_cgroup(lim.parent, sizeof(lim.parent), &top);
	if (v2 < 0)
		return -ENOENT;
	if (v2 && (err = bounds_v2_parent(lim.parent, top)))
		return err;
	if (access(lim.parent, W_OK) < 0)
		return -errno;
	reaper_reap(lim.parent, CGROUP_PREFIX, 1);
	/* Named as the run directory: umlrun-PID-XXXXXX. */
	snprintf(lim.dir, sizeof(lim.dir), "%s/%s", lim.parent,
		 strrchr(lim.rundir, '/') + 1);
	if (mkdir(lim.dir, 0755) < 0) {
		err = -errno;
		lim.dir[0] = 0;
		return err;
	}
	/* Locked while we live: a later run removes it only once we are gone. */
	err = reaper_lock(lim.dir);
	snprintf(val, sizeof(val), "%lu\n", lim.max);
	if (!err)
		err = bounds_write(lim.dir, "pids.max", val);
	snprintf(path, sizeof(path), "%s/cgroup.procs", lim.dir);
	if (!err) {
		lim.procs_fd = open(path, O_WRONLY | O_CLOEXEC);
		if (lim.procs_fd < 0)
			err = -errno;
	}
	if (err) {
		rmdir(lim.dir);
		lim.dir[0] = 0;
		return err;
	}
	info("host processes bounded at %lu by the cgroup %s", lim.max,
	     lim.dir);
	return 0;
}

/*
 * Tasks (threads included) of our real uid, as RLIMIT_NPROC counts them.
 * Only entries of /proc that belong to us are read: one owned by another
 * effective uid (a set-id program we run) is missed, which can only make
 * the bound tighter.
 */
static unsigned long bounds_uid_tasks(void)
{
	unsigned long n = 0, threads, uid = (unsigned long)getuid();
	char path[64], buf[4096], *p;
	struct dirent *d;
	struct stat st;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]) ||
		    fstatat(dirfd(dir), d->d_name, &st, 0) < 0 ||
		    st.st_uid != uid)
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/status", d->d_name);
		if (bounds_read(path, buf, sizeof(buf)) <= 0)
			continue;
		p = strstr(buf, "\nUid:");
		if (!p || strtoul(p + 5, NULL, 10) != uid)
			continue;
		p = strstr(buf, "\nThreads:");
		threads = p ? strtoul(p + 9, NULL, 10) : 1;
		n += threads ? threads : 1;
	}
	closedir(dir);
	return n;
}

/*
 * In a PID namespace of its own (a container: the initial one's inode is
 * fixed, PROC_PID_INIT_INO), whose engine bounds its processes, and
 * whose root has no cgroup to write (Docker mounts it read-only).
 */
static int bounds_in_container(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 && st.st_ino != 0xEFFFFFFCU;
}

void bounds_prepare(unsigned long max_procs, const char *rundir)
{
	unsigned long tasks;
	int err;

	lim.max = max_procs;
	lim.rundir = rundir;
	if (!lim.max) {
		info("host processes are not bounded (--max-procs max)");
		return;
	}
	err = bounds_cgroup();
	if (!err)
		return;
	if (getuid() == 0 && bounds_in_container()) {
		info("host processes are bounded by the container (no pids cgroup of our own: %s; give the container a --pids-limit)",
		     strerror(-err));
		lim.max = 0;
		return;
	}
	if (getuid() == 0)
		die("cannot bound the host processes of the guest: no pids cgroup of our own (%s) and RLIMIT_NPROC does not bind root; use --max-procs max to run without a bound",
		    strerror(-err));
	tasks = bounds_uid_tasks();
	lim.nproc = (rlim_t)(tasks + lim.max);
	info("host processes bounded at %lu by RLIMIT_NPROC %lu (uid %d has %lu tasks; no cgroup: %s)",
	     lim.max, (unsigned long)lim.nproc, (int)getuid(), tasks,
	     strerror(-err));
}

int bounds_child(void)
{
	struct rlimit r = { 1, 1 };

	if (lim.procs_fd >= 0 && write(lim.procs_fd, "0\n", 2) < 0)
		return -errno;
	if (lim.nproc) {
		r.rlim_cur = r.rlim_max = lim.nproc;
		if (setrlimit(RLIMIT_NPROC, &r) < 0)
			return -errno;
		r.rlim_cur = r.rlim_max = 1;
	}
	/* 1, not 0: a core_pattern pipe ignores 0 but refuses 1. */
	if (setrlimit(RLIMIT_CORE, &r) < 0)
		return -errno;
	if (lim.rundir && chdir(lim.rundir) < 0)
		return -errno;
	return 0;
}

void bounds_check_kernel(pid_t pid)
{
	char path[64], buf[4096], *p;
	unsigned long long eff;

	if (!lim.nproc)
		return;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (bounds_read(path, buf, sizeof(buf)) <= 0)
		return; /* it is gone: the loop says so */
	p = strstr(buf, "\nCapEff:");
	if (!p)
		return;
	eff = strtoull(p + 8, NULL, 16);
	if (eff & (1ULL << CAP_SYS_ADMIN_BIT | 1ULL << CAP_SYS_RESOURCE_BIT))
		die("cannot bound the host processes of the guest: the kernel has CAP_SYS_ADMIN or CAP_SYS_RESOURCE, which RLIMIT_NPROC ignores, and no pids cgroup of our own; use --max-procs max to run without a bound");
}

const char *bounds_cgroup_dir(void)
{
	return lim.dir[0] ? lim.dir : NULL;
}

const char *bounds_cgroup_parent(void)
{
	return lim.dir[0] ? lim.parent : NULL;
}

/* Say so when the bound made forks fail: the guest saw EAGAIN. */
static void bounds_report(void)
{
	char path[PATH_MAX + 32], buf[256], *p;
	unsigned long hits;

	snprintf(path, sizeof(path), "%s/pids.events", lim.dir);
	if (bounds_read(path, buf, sizeof(buf)) <= 0)
		return;
	p = strstr(buf, "max ");
	hits = p ? strtoul(p + 4, NULL, 10) : 0;
	if (hits)
		warn("the guest reached its bound of %lu host processes: %lu forks failed (--max-procs)",
		     lim.max, hits);
}

void bounds_cleanup(void)
{
	int err;

	if (lim.procs_fd >= 0) {
		close(lim.procs_fd);
		lim.procs_fd = -1;
	}
	if (!lim.dir[0])
		return;
	bounds_report();
	err = reaper_rm_cgroup(lim.dir);
	if (err)
		warn("cannot remove the cgroup %s: %s", lim.dir, strerror(-err));
	lim.dir[0] = 0;
}
