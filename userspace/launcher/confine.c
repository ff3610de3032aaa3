// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher confines itself once the kernel runs, before it reads a
 * byte from the guest: from then on it parses untrusted input (frames,
 * the rings, the console and, with -n, every packet in libslirp), and a
 * bug there must not hand the guest the caller's rights. Afterwards it
 * cannot execute anything (seccomp, and Landlock where the host has it);
 * it can create, write or remove files only beneath the run directory
 * (files it opened before stay as they are: its stdin, stdout and stderr,
 * --log, --result-json), and remove that directory and its own cgroup;
 * it can read only its own /proc entries, its cgroup and, with -n, the
 * resolver configuration slirp forwards DNS to; it can bind no new TCP
 * port and, without -n, connect nowhere and create no socket at all
 * (with -n: IPv4 and IPv6 ones only, and no io_uring to go around the
 * filter); it keeps no capability but a root caller's CAP_DAC_OVERRIDE,
 * which Landlock bounds. It can still signal the caller's processes: it
 * must kill the kernel, which is outside its Landlock domain.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine.h"
#include "landlock.h"
#include "bounds.h"
#include "log.h"
#include "sandbox.h"
#include "util.h"


static int confine_landlock(const char *rundir, int net)
{
	int abi = landlock_abi(), ruleset, err;
	const char *cg = bounds_cgroup_dir();
	uint64_t fs = landlock_all(abi);
	char parent[PATH_MAX];

	if (!abi) {
		info("launcher: no Landlock, only the seccomp filter holds");
		return 0;
	}
	ruleset = landlock_create(LANDLOCK_ACCESS_NET_BIND_TCP |
				  (net ? 0 : LANDLOCK_ACCESS_NET_CONNECT_TCP),
				  LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET);
	if (ruleset < 0)
		return -errno;
	landlock_allow(ruleset, rundir, fs, fs, 0);
	/* rmdir of the run directory itself is a change to its parent. */
	snprintf(parent, sizeof(parent), "%s", rundir);
	*strrchr(parent, '/') = 0;
	landlock_allow(ruleset, *parent ? parent : "/",
		       LANDLOCK_ACCESS_FS_REMOVE_DIR, fs, 0);
	/* /proc/self/task/N/children, to kill what the kernel left. */
	landlock_allow(ruleset, "/proc/self", LL_READ, fs, 0);
	if (cg) {
		landlock_allow(ruleset, cg, LL_READ, fs, 0);
		landlock_allow(ruleset, bounds_cgroup_parent(),
			       LANDLOCK_ACCESS_FS_REMOVE_DIR, fs, 0);
	}
	if (net && access("/etc/resolv.conf", R_OK) == 0)
		landlock_allow(ruleset, "/etc/resolv.conf", LL_READ, fs, 0);
	err = landlock_enforce(ruleset);
	close(ruleset);
	if (!err)
		info("launcher: Landlock ABI %d, writes only in the run directory",
		     abi);
	return err;
}

#define LD(field) \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define JEQ(v, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (v), (t), (f))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define FAIL(e) RET(SECCOMP_RET_ERRNO | (e))

/* No exec, no io_uring, and sockets of the families -n needs only. */
static int confine_seccomp(int net)
{
	struct sock_filter f[] = {
		LD(arch),
		JEQ(AUDIT_ARCH_X86_64, 1, 0),
		FAIL(ENOSYS),
		LD(nr),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1), /* x32 */
		FAIL(ENOSYS),
		JEQ(__NR_execve, 10, 0),
		JEQ(__NR_execveat, 9, 0),
		JEQ(__NR_io_uring_setup, 8, 0),
		JEQ(__NR_socketpair, 7, 0),
		JEQ(__NR_socket, 0, 5),
		LD(args[0]),
		JEQ(AF_INET, 2, 0),
		JEQ(AF_INET6, 1, 0),
		FAIL(net ? EAFNOSUPPORT : EPERM),
		RET(net ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM),
		RET(SECCOMP_RET_ALLOW),
		FAIL(EPERM),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };

#ifndef __x86_64__
	info("launcher: no seccomp filter for this architecture");
	return 0;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	return 0;
}

/*
 * Nothing left to do needs a capability but removing our cgroup, whose
 * parent a root caller may not write by mode alone (the root of a v1
 * hierarchy is 0555): keep CAP_DAC_OVERRIDE for that, if held (Landlock
 * bounds it), and drop every other one.
 */
static int confine_caps(void)
{
	struct __user_cap_header_struct hdr = { 0 };
	struct __user_cap_data_struct data[2] = { 0 };
	uint32_t keep = bounds_cgroup_dir() ? 1u << CAP_DAC_OVERRIDE : 0;

	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	data[0].effective &= keep;
	data[0].permitted &= keep;
	data[0].inheritable = 0;
	data[1] = (struct __user_cap_data_struct){ 0 };
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

int confine_launcher(const char *rundir, int net)
{
	int err;

	err = confine_landlock(rundir, net);
	if (!err)
		err = confine_caps();
	if (!err)
		err = confine_seccomp(net);
	return err;
}

/* Where the helpers' programs live: the only places they may execute. */
static const char *const confine_exec_dirs[] = {
	"/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
};

static int confine_helper(const char *const *exec, size_t ne,
			  const char *const *ro, size_t nr,
			  const char *const *rw, size_t nw, int read_host)
{
	char real[ARRAY_SIZE(confine_exec_dirs)][PATH_MAX];
	const char *all[ARRAY_SIZE(confine_exec_dirs) + 8];
	size_t i, n = 0;
	int ruleset, err;

	/* Rights beneath a directory cover all below it: execute goes to
	 * the system's program directories, not to /. */
	for (i = 0; i < ARRAY_SIZE(confine_exec_dirs); i++)
		if (realpath(confine_exec_dirs[i], real[n]))
			all[n] = real[n], n++;
	for (i = 0; i < ne && n < ARRAY_SIZE(all); i++)
		all[n++] = exec[i];
	ruleset = landlock_confined(all, n, ro, nr, rw, nw, read_host);
	if (ruleset >= 0) {
		err = landlock_enforce(ruleset);
		close(ruleset);
		if (err)
			return err;
	}
	return sandbox_enter(SANDBOX_METADATA);
}

int confine_tool(const char *const *exec, size_t ne, const char *const *rw,
		 size_t nw)
{
	return confine_helper(exec, ne, NULL, 0, rw, nw, 1);
}

int confine_build(const char *const *exec, size_t ne, const char *const *ro,
		  size_t nr, const char *const *rw, size_t nw)
{
	return confine_helper(exec, ne, ro, nr, rw, nw, 0);
}
