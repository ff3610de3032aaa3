// SPDX-License-Identifier: GPL-2.0
/*
 * umlrun --check: tests what a run needs from the host, one line each with
 * "ok" or "PROBLEM" and a fix, and --version: the version and the kernel a
 * run would use. Neither boots anything.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "doctor.h"
#include "kernels.h"
#include "landlock.h"
#include "layers.h"
#include "spawn.h"
#include "util.h"

static int doctor_problems;

static void doctor_line(int good, const char *what, const char *detail,
			const char *fix)
{
	printf("%-8s %-22s %s\n", good ? "ok" : "PROBLEM", what, detail);
	if (!good) {
		printf("%-8s %-22s fix: %s\n", "", "", fix);
		doctor_problems++;
	}
}

/* Can we ptrace a child of ours? UML runs its processes that way. */
static int doctor_ptrace(char *why, size_t len)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(why, len, "fork: %s", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(2);
		raise(SIGSTOP);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status)) {
		snprintf(why, len, "PTRACE_TRACEME refused");
		return 0;
	}
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	snprintf(why, len, "a child can be traced");
	return 1;
}

/* Is there a tmpfs that allows mapping a file executable? */
static int doctor_shm(char *why, size_t len)
{
	struct statvfs sv;
	char path[] = "/dev/shm/umlrun-check-XXXXXX";
	void *p;
	int fd;

	if (statvfs("/dev/shm", &sv) < 0) {
		snprintf(why, len, "/dev/shm missing: the memory file goes to TMPDIR (slower)");
		return 0;
	}
	if (sv.f_flag & ST_NOEXEC) {
		snprintf(why, len, "/dev/shm is mounted noexec: the memory file goes to TMPDIR (slower)");
		return 0;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		snprintf(why, len, "cannot create files in /dev/shm: %s",
			 strerror(errno));
		return 0;
	}
	unlink(path);
	if (ftruncate(fd, 4096) < 0 ||
	    (p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0)) ==
		    MAP_FAILED) {
		snprintf(why, len, "cannot map a /dev/shm file executable");
		close(fd);
		return 0;
	}
	munmap(p, 4096);
	close(fd);
	snprintf(why, len, "writable tmpfs, executable mappings allowed");
	return 1;
}

static void doctor_file(const char *what, const char *path, const char *fix)
{
	char why[PATH_MAX + 64];
	int good = access(path, R_OK | X_OK) == 0;

	snprintf(why, sizeof(why), "%s%s%s", path, good ? "" : ": ",
		 good ? "" : strerror(errno));
	doctor_line(good, what, why, fix);
}

int doctor_check(const struct options *o)
{
	char why[PATH_MAX + 64], path[PATH_MAX], what[256];
	int abi = landlock_abi(), policy;

	printf("umlrun %s: checking what this host offers\n", UMLRUN_VERSION);
	doctor_line(doctor_ptrace(why, sizeof(why)), "ptrace", why,
		    "allow ptrace of own children (sysctl kernel.yama.ptrace_scope=1 or lower; no seccomp filter denying ptrace)");
	doctor_line(doctor_shm(why, sizeof(why)), "/dev/shm", why,
		    "mount a tmpfs on /dev/shm without noexec, or set UMLRUN_RUNDIR to a writable exec-able tmpfs");
	snprintf(why, sizeof(why), abi >= 6 ? "Landlock ABI %d (files, device ioctls, TCP, signals, abstract sockets) and seccomp on the kernel process" :
		 abi > 0 ? "Landlock ABI %d (files%s) and seccomp on the kernel process" :
			   "no Landlock: runs are refused unless --drop-layer landlock",
		 abi, abi >= 4 ? ", TCP" : "");
	doctor_line(abi > 0 || o->drop_landlock, "host layer", why,
		    "boot the host with lsm=...,landlock (Linux 5.13 or later; ABI 6 needs 6.12)");
	spawn_default_kernel(o, path, sizeof(path));
	doctor_file("kernel", path,
		    "run make, or make install for other users, or pass -k PATH");
	policy = layers_kernel_missing(path, what, sizeof(what), NULL, 0);
	if (policy == 0)
		snprintf(why, sizeof(why), "hostfs write policy, no set-id bits or device nodes, panic on a failed stub call; umlinit closes modules and raises lockdown");
	else if (policy > 0)
		snprintf(why, sizeof(why), "this kernel lacks umlrun's %s: runs are refused unless --drop-layer kernel",
			 what);
	else
		snprintf(why, sizeof(why), "kernel unreadable");
	if (policy >= 0)
		doctor_line(policy == 0 || o->drop_kernel, "kernel layer", why,
			    "use a kernel built by umlrun (make, or --kernel-tree)");
	spawn_default_init(o, path, sizeof(path));
	doctor_file("guest init", path, "run make");
	printf("%d problem%s\n", doctor_problems, doctor_problems == 1 ? "" : "s");
	return doctor_problems ? 1 : 0;
}

int doctor_version(const struct options *o)
{
	char path[PATH_MAX], dir[PATH_MAX - 16];

	printf("umlrun %s\n", UMLRUN_VERSION);
	/* a variant, a flavour or a tree: the kernel those options boot */
	if (!o->kernel && (o->kernel_tree || o->n_kconfig || o->n_flavour)) {
		if (kernels_where(o, dir, sizeof(dir)))
			printf("kernel: these options are refused (a run says why)\n");
		else if (access(dir, F_OK) == 0)
			printf("kernel %s/linux\n", dir);
		else
			printf("kernel %s/linux (not built yet: built on first use)\n", dir);
		return 0;
	}
	if (spawn_default_kernel(o, path, sizeof(path)) == 0 &&
	    access(path, X_OK) == 0)
		printf("kernel %s\n", path);
	else
		printf("kernel %s (not built yet: built on first use, or by make kernels)\n",
		       o->kernel_version);
	return 0;
}
