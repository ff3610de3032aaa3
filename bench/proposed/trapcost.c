// SPDX-License-Identifier: GPL-2.0
/*
 * What one UML trap costs on this host, by its ptrace calls: a tracee
 * loops on getppid() under PTRACE_SYSEMU while the tracer does what
 * arch/um/os-Linux/skas/process.c userspace() does per trap (SETREGS, the
 * FP SETREGSET, SYSEMU, wait, GETREGS, the FP GETREGSET), then the same
 * without the two FP transfers, and with GETREGS only. Pinned to one CPU
 * as umlrun pins the kernel.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>

#ifndef PTRACE_SYSEMU
#define PTRACE_SYSEMU 31
#endif

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000, mode, i, st;
	unsigned int a, b, c, d;
	static char xs[65536];
	struct user_regs_struct r;
	struct iovec iov;
	cpu_set_t one;
	pid_t pid;

	__cpuid_count(0xd, 0, a, b, c, d);
	printf("host XSAVE size (all enabled features): %u bytes\n", b);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	pid = fork();
	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		for (;;)
			getppid();
	}
	waitpid(pid, &st, 0);
	iov.iov_base = xs;
	iov.iov_len = sizeof(xs);
	if (ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov))
		perror("GETREGSET");
	b = iov.iov_len;
	printf("NT_X86_XSTATE regset: %u bytes\n", b);
	for (int round = 0; round < 9; round++)
	for (mode = 0; mode < 3; mode++) {
		double t0 = now();

		for (i = 0; i < n; i++) {
			ptrace(PTRACE_GETREGS, pid, 0, &r);
			if (mode < 2)
				ptrace(PTRACE_SETREGS, pid, 0, &r);
			if (mode == 0) {
				iov.iov_base = xs;
				iov.iov_len = b;
				if (ptrace(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &iov) && !i)
					perror("SETREGSET");
			}
			ptrace(PTRACE_SYSEMU, pid, 0, 0);
			waitpid(pid, &st, __WALL);
			if (mode == 0) {
				iov.iov_base = xs;
				iov.iov_len = sizeof(xs);
				if (ptrace(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov) && !i)
					perror("GETREGSET");
			}
			if (i == 0 && mode == 0 && iov.iov_len != b)
				printf("GETREGSET gave %zu bytes\n", iov.iov_len);
		}
		printf("%d %-44s %6.2f us per trap\n", mode,
		       mode == 0 ? "SETREGS+SETREGSET+SYSEMU+GETREGS+GETREGSET" :
		       mode == 1 ? "SETREGS+SYSEMU+GETREGS (no FP transfer)" :
				   "SYSEMU+GETREGS", (now() - t0) / n * 1e6);
	}
	kill(pid, SIGKILL);
	return 0;
}
