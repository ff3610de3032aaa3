// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp filter and capabilities of the UML kernel process, for what
 * Landlock cannot express. Code running in the kernel process (a guest that
 * owns its kernel) must not reach the host beyond what the user allowed:
 *  - no new sockets at all (the kernel has its channel, ring and network
 *    socketpairs already), so no path-named or abstract Unix socket, no
 *    UDP, no raw or netlink socket; only stream socketpairs, which UML
 *    makes for its own helpers, and no sendto() with an address;
 *  - no io_uring (its operations bypass this filter), no keyrings, no BPF,
 *    no perf, no userfaultfd, no new namespaces, no mounts, no module or
 *    kexec, no clock or reboot, no ptrace attach to other processes, no
 *    kill(-1), no TIOCSTI;
 *  - without writable paths, no chmod, chown, utimes or xattr changes
 *    (Landlock does not handle file metadata).
 * A root caller's kernel keeps only the file capabilities hostfs uses,
 * not CAP_FSETID nor CAP_CHOWN.
 * The list was measured with strace on both kernel series (docs/security.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

#ifndef SECCOMP_RET_ERRNO
#define SECCOMP_RET_ERRNO 0x00050000U
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define SB_MAX 512
#define SB_NS_FLAGS (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | \
		     CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | \
		     CLONE_NEWCGROUP | CLONE_NEWTIME)
#define SB_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define SB_ARG_HI(i) (SB_ARG_LO(i) + 4)

/* Refused outright: EPERM unless the errno says otherwise. */
static const struct {
	int nr, err;
} sandbox_denied[] = {
	{ __NR_socket, EACCES }, { __NR_connect, EACCES },
	{ __NR_bind, EACCES }, { __NR_listen, EACCES },
	{ __NR_accept, EACCES }, { __NR_accept4, EACCES },
	{ __NR_io_uring_setup, ENOSYS }, { __NR_io_uring_enter, ENOSYS },
	{ __NR_io_uring_register, ENOSYS }, { __NR_clone3, ENOSYS },
	{ __NR_keyctl, EPERM }, { __NR_add_key, EPERM },
	{ __NR_request_key, EPERM }, { __NR_bpf, EPERM },
	{ __NR_perf_event_open, EPERM }, { __NR_userfaultfd, EPERM },
	{ __NR_unshare, EPERM }, { __NR_setns, EPERM },
	{ __NR_mount, EPERM }, { __NR_umount2, EPERM },
	{ __NR_pivot_root, EPERM }, { __NR_chroot, EPERM },
	{ __NR_fsopen, EPERM }, { __NR_fsconfig, EPERM },
	{ __NR_fsmount, EPERM }, { __NR_fspick, EPERM },
	{ __NR_open_tree, EPERM }, { __NR_move_mount, EPERM },
	{ __NR_mount_setattr, EPERM }, { __NR_open_by_handle_at, EPERM },
	{ __NR_init_module, EPERM }, { __NR_finit_module, EPERM },
	{ __NR_delete_module, EPERM }, { __NR_kexec_load, EPERM },
	{ __NR_kexec_file_load, EPERM }, { __NR_reboot, EPERM },
	{ __NR_swapon, EPERM }, { __NR_swapoff, EPERM },
	{ __NR_acct, EPERM }, { __NR_quotactl, EPERM },
	{ __NR_settimeofday, EPERM }, { __NR_clock_settime, EPERM },
	{ __NR_clock_adjtime, EPERM }, { __NR_adjtimex, EPERM },
	{ __NR_iopl, EPERM }, { __NR_ioperm, EPERM },
	{ __NR_syslog, EPERM }, { __NR_vhangup, EPERM },
	{ __NR_process_vm_writev, EPERM }, { __NR_pidfd_getfd, EPERM },
	{ __NR_name_to_handle_at, EPERM }, { __NR_fanotify_init, EPERM },
};

/* File metadata changes, refused when no path is writable. */
static const int sandbox_metadata[] = {
	__NR_chmod, __NR_fchmod, __NR_fchmodat, __NR_fchmodat2, __NR_chown,
	__NR_fchown, __NR_lchown, __NR_fchownat, __NR_utime, __NR_utimes,
	__NR_futimesat, __NR_utimensat, __NR_setxattr, __NR_lsetxattr,
	__NR_fsetxattr, __NR_removexattr, __NR_lremovexattr,
	__NR_fremovexattr,
};

/* Capabilities a root caller's kernel keeps: what hostfs needs to act
 * for the guest on the writable paths. Not CAP_FSETID: without it the
 * host kernel clears a file's set-uid bit (and set-gid with group
 * execute) whenever the guest writes or truncates it, so a set-id file
 * in a rw bind never keeps its bit with the guest's bytes in it. Not
 * CAP_CHOWN: the guest cannot give a host file to another user (nor take
 * one), only change its group to one of the caller's. */
static const int sandbox_caps_kept[] = {
	CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
};

struct sb_prog {
	struct sock_filter f[SB_MAX];
	unsigned short n;
};

static void sb_emit(struct sb_prog *p, unsigned short code, unsigned char jt,
		    unsigned char jf, unsigned int k)
{
	if (p->n < SB_MAX)
		p->f[p->n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
	else
		p->n = SB_MAX; /* too long: refused below */
}

static void sb_load(struct sb_prog *p, unsigned int off)
{
	sb_emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
}

static void sb_ret(struct sb_prog *p, unsigned int val)
{
	sb_emit(p, BPF_RET | BPF_K, 0, 0, val);
}

#define SB_DENY(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

/* if (nr == NR) { body of len instructions } */
static void sb_if_nr(struct sb_prog *p, int nr, unsigned char len)
{
	sb_load(p, offsetof(struct seccomp_data, nr));
	sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, len, (unsigned int)nr);
}

/* syscall NR with 32-bit argument i equal to one of vals: denied. */
static void sb_deny_arg(struct sb_prog *p, int nr, int i,
			const unsigned int *vals, unsigned char n)
{
	unsigned char k;

	sb_if_nr(p, nr, (unsigned char)(n + 3));
	sb_load(p, SB_ARG_LO(i));
	for (k = 0; k < n; k++)
		sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, (unsigned char)(n - k), 0,
			vals[k]);
	sb_ret(p, SECCOMP_RET_ALLOW);
	sb_ret(p, SB_DENY(EPERM));
}

/* syscall NR with a mode in argument i that has set-id bits: denied. */
static void sb_deny_setid(struct sb_prog *p, int nr, int i)
{
	sb_if_nr(p, nr, 4);
	sb_load(p, SB_ARG_LO(i));
	sb_emit(p, BPF_JMP | BPF_JSET | BPF_K, 1, 0, 06000);
	sb_ret(p, SECCOMP_RET_ALLOW);
	sb_ret(p, SB_DENY(EPERM));
}

/*
 * Files are made and chmodded without set-uid or set-gid bits: Landlock
 * does not cover modes, and a guest that owns its kernel could otherwise
 * leave a set-id file of the caller's (a root caller's: set-uid root) in a
 * writable bind. (openat2's mode is in memory a filter cannot read, and
 * the write policy of the hostfs patch resolves with openat2: a guest that
 * owns its kernel could still create a set-id file with it; AUDIT.md.)
 */
static const struct {
	int nr, arg;
} sandbox_mode_args[] = {
	{ __NR_chmod, 1 }, { __NR_fchmod, 1 }, { __NR_fchmodat, 2 },
	{ __NR_fchmodat2, 2 }, { __NR_open, 2 }, { __NR_openat, 3 },
	{ __NR_creat, 1 }, { __NR_mkdir, 1 }, { __NR_mkdirat, 2 },
	{ __NR_mknod, 1 }, { __NR_mknodat, 2 },
};

static void sandbox_build(struct sb_prog *p, unsigned int flags)
{
	static const unsigned int minus_one[] = { 0xffffffffU };
	static const unsigned int attach[] = { PTRACE_ATTACH, PTRACE_SEIZE };
	static const unsigned int sti[] = { TIOCSTI, TIOCLINUX };
	size_t i;

	p->n = 0;
	sb_load(p, offsetof(struct seccomp_data, arch));
	sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	sb_ret(p, SB_DENY(ENOSYS));
	sb_load(p, offsetof(struct seccomp_data, nr));
	sb_emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000U); /* x32 */
	sb_ret(p, SB_DENY(ENOSYS));
	for (i = 0; i < ARRAY_SIZE(sandbox_denied); i++) {
		sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1,
			(unsigned int)sandbox_denied[i].nr);
		sb_ret(p, SB_DENY(sandbox_denied[i].err));
	}
	for (i = 0; !(flags & SANDBOX_METADATA) &&
		    i < ARRAY_SIZE(sandbox_metadata); i++) {
		sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1,
			(unsigned int)sandbox_metadata[i]);
		sb_ret(p, SB_DENY(EPERM));
	}
	/* socketpair: AF_UNIX stream pairs only (dgram ones take addresses) */
	sb_if_nr(p, __NR_socketpair, 7);
	sb_load(p, SB_ARG_LO(0));
	sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, AF_UNIX);
	sb_load(p, SB_ARG_LO(1));
	sb_emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, 0xf);
	sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SOCK_STREAM);
	sb_ret(p, SB_DENY(EACCES));
	sb_ret(p, SECCOMP_RET_ALLOW);
	/* sendto: no destination address */
	sb_if_nr(p, __NR_sendto, 6);
	sb_load(p, SB_ARG_LO(4));
	sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0);
	sb_load(p, SB_ARG_HI(4));
	sb_emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
	sb_ret(p, SECCOMP_RET_ALLOW);
	sb_ret(p, SB_DENY(EACCES));
	/* clone: no new namespaces */
	sb_if_nr(p, __NR_clone, 4);
	sb_load(p, SB_ARG_LO(0));
	sb_emit(p, BPF_JMP | BPF_JSET | BPF_K, 1, 0, SB_NS_FLAGS);
	sb_ret(p, SECCOMP_RET_ALLOW);
	sb_ret(p, SB_DENY(EPERM));
	for (i = 0; i < ARRAY_SIZE(sandbox_mode_args); i++)
		sb_deny_setid(p, sandbox_mode_args[i].nr, sandbox_mode_args[i].arg);
	sb_deny_arg(p, __NR_kill, 0, minus_one, 1);
	sb_deny_arg(p, __NR_ptrace, 0, attach, 2);
	sb_deny_arg(p, __NR_ioctl, 1, sti, 2);
	sb_ret(p, SECCOMP_RET_ALLOW);
}

static int sandbox_drop_caps(void)
{
	int cap, last = CAP_LAST_CAP;
	size_t i;

	if (geteuid() != 0)
		return 0;
	while (last < 64 && prctl(PR_CAPBSET_READ, last + 1) >= 0)
		last++;
	for (cap = 0; cap <= last; cap++) {
		for (i = 0; i < ARRAY_SIZE(sandbox_caps_kept); i++)
			if (sandbox_caps_kept[i] == cap)
				break;
		if (i < ARRAY_SIZE(sandbox_caps_kept))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	/* no ambient capabilities survive the exec either */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return 0;
}

int sandbox_enter(unsigned int flags)
{
	struct sb_prog p;
	struct sock_fprog prog;
	int err;

	err = sandbox_drop_caps();
	if (err)
		return err;
	sandbox_build(&p, flags);
	if (p.n >= SB_MAX)
		return -E2BIG;
	prog.len = p.n;
	prog.filter = p.f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	return 0;
}

int sandbox_close_range(unsigned int lo, unsigned int hi)
{
	return (int)syscall(SYS_close_range, lo, hi, 0);
}
