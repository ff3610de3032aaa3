// SPDX-License-Identifier: GPL-2.0
/*
 * Does a guest thread's FP state survive what the kernel does between its
 * traps (tests/fpstate.t)? Each check loads a pattern into xmm9, makes a
 * system call or takes a page fault in the same asm block, and reads it
 * back: page faults, a signal whose handler loads its own pattern, fork
 * (the child must see the parent's), and system calls that switch to
 * another thread of the same process (sched_yield), in three threads of
 * each of two processes at once.
 * Prints "fp ok" and exits 0, or names the first failure and exits 1.
 * With "selftest" it shows it catches a clobbered register.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int selftest;

/* xmm9 = pat, syscall nr(a1, a2, a3), return xmm9; *ret = rax */
static uint64_t fp_around_syscall(uint64_t pat, long nr, long a1, long a2,
				  long a3, long *ret)
{
	uint64_t out;
	long rax = nr;

	__asm__ volatile("movq %[p], %%xmm9\n\t"
			 "syscall\n\t"
			 "movq %%xmm9, %[o]\n\t"
			 : [o] "=r"(out), "+a"(rax)
			 : [p] "r"(pat), "D"(a1), "S"(a2), "d"(a3)
			 : "rcx", "r11", "xmm9", "memory");
	*ret = rax;
	return selftest ? out ^ 1 : out;
}

/* xmm9 = pat, touch a page not yet mapped (a page fault), return xmm9 */
static uint64_t fp_around_fault(uint64_t pat, volatile char *page)
{
	uint64_t out;

	__asm__ volatile("movq %[p], %%xmm9\n\t"
			 "movb $1, (%[m])\n\t"
			 "movq %%xmm9, %[o]\n\t"
			 : [o] "=r"(out)
			 : [p] "r"(pat), [m] "r"(page)
			 : "xmm9", "memory");
	return out;
}

static void fp_fail(const char *what, uint64_t want, uint64_t got)
{
	printf("FAIL: %s: xmm9 %#llx, want %#llx\n", what,
	       (unsigned long long)got, (unsigned long long)want);
	exit(1);
}

static void fp_handler(int sig)
{
	(void)sig;
	__asm__ volatile("movq %0, %%xmm9" : : "r"(0xbadbadbadULL) : "xmm9");
}

static void *fp_loop(void *arg)
{
	uint64_t pat = (uint64_t)(uintptr_t)arg, got;
	long r;
	int i;

	for (i = 0; i < 3000; i++) {
		got = fp_around_syscall(pat + i, SYS_sched_yield, 0, 0, 0, &r);
		if (got != pat + i)
			fp_fail("sched_yield among threads", pat + i, got);
		got = fp_around_syscall(pat - i, SYS_getppid, 0, 0, 0, &r);
		if (got != pat - i)
			fp_fail("getppid", pat - i, got);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[3];
	uint64_t got;
	long r;
	int i, st;
	pid_t kid;

	char *pages;

	selftest = argc > 1 && !strcmp(argv[1], "selftest");
	pages = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < 64; i++) {
		got = fp_around_fault(0x3333 + i, pages + i * 4096);
		if (got != 0x3333 + (uint64_t)i)
			fp_fail("a page fault", 0x3333 + i, got);
	}
	signal(SIGUSR1, fp_handler);
	got = fp_around_syscall(0x1111, SYS_tgkill, getpid(), gettid(),
				SIGUSR1, &r);
	if (got != 0x1111)
		fp_fail("a signal handler's own FP state", 0x1111, got);
	got = fp_around_syscall(0x2222, SYS_fork, 0, 0, 0, &r);
	if (r == 0)
		_exit(got == 0x2222 ? 0 : 1);
	if (got != 0x2222)
		fp_fail("fork, parent", 0x2222, got);
	if (waitpid(r, &st, 0) != r || !WIFEXITED(st) || WEXITSTATUS(st))
		fp_fail("fork, child", 0x2222, 0);
	/* two processes, each with three threads, all yielding */
	kid = fork();
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, fp_loop,
			       (void *)(uintptr_t)((kid ? 0x10000000 : 0x20000000) +
						   i * 0x100000));
	fp_loop((void *)(uintptr_t)(kid ? 0x30000000 : 0x40000000));
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	if (!kid)
		_exit(0);
	if (waitpid(kid, &st, 0) != kid || !WIFEXITED(st) || WEXITSTATUS(st))
		fp_fail("threads in a second process", 0, 0);
	puts("fp ok");
	return 0;
}
