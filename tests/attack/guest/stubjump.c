// SPDX-License-Identifier: GPL-2.0
/*
 * A guest program: UML maps its stub (a code page, then the data page(s))
 * at the top of every guest process's host address space, above the
 * guest's TASK_SIZE. Guest code can read the code page and read and write
 * the data page natively (the kernel acts on nothing it finds there: it
 * writes its requests into its own view just before it runs the stub with
 * the process stopped). What must hold: guest code that jumps into the
 * stub's code is stopped by PTRACE_SYSEMU at its first system call and killed, so no
 * host system call is made on its behalf. argv: the offset of the stub's
 * entry in its code page (from System.map) and the series (6.12, 6.1).
 * Prints
 *   "stub at ADDR"  and "data rw"   (the control: the stub was found)
 *   "jump: signal N" / "jump: exit N"
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL
/* UML's x86_64 host task size is fixed (0x7fc0002000): the stub sits just
 * below it, code page first, then the data page(s) */
#define LOW 0x7fbfff0000UL
#define HIGH 0x7fc0004000UL
#define MAPAT 0x100000000UL

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, 1);
}

/* 1 when the page at p reads and writes back without a fault */
static int writable(volatile unsigned char *p)
{
	if (sigsetjmp(jb, 1))
		return 0;
	unsigned char v = *p;
	*p = v;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long page, code = 0;
	unsigned long entry = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
	int v61 = argc > 2 && !strcmp(argv[2], "6.1");
	int st;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGSEGV, on_segv);
	/*
	 * From the top down: the first run of writable pages is the stub's
	 * data, the read-only page under it its code. (Upwards, the guest's
	 * own randomized stack could lie in the window and be taken for it.)
	 */
	for (page = HIGH - PG; page >= LOW; page -= PG) {
		if (writable((unsigned char *)page))
			code = page - PG;
		else if (code)
			break;
	}
	if (!code) {
		puts("no stub found");
		return 0;
	}
	printf("stub at %#lx\ndata rw\n", code);
	pid = fork();
	if (pid == 0) {
		unsigned long *q = (unsigned long *)(code + PG), sp;
		signal(SIGSEGV, SIG_DFL);
		/*
		 * A real request in the data page, as the kernel writes one:
		 * map host fd 3 (the physical memory file) read-write at
		 * MAPAT. 6.12 (struct stub_data): syscall_data_len at +24,
		 * syscall_data[0] at +32 {addr, length, offset, fd, prot,
		 * STUB_SYSCALL_MMAP}, and the stub finds the data page from
		 * %rsp. 6.1 (batch_syscall_stub): from %rsp = data + 16,
		 * {extra length, extra, nr, 6 arguments, expected result}.
		 */
		if (v61) {
			unsigned long req[] = { 8, 0, 9, MAPAT, PG, 3, 0x11, 3, 0, MAPAT, 0 };
			memcpy(q + 2, req, sizeof(req));
			sp = code + PG + 16;
		} else {
			*(int *)((char *)q + 24) = 1;
			q[4] = MAPAT;
			q[5] = PG;
			q[6] = 0;
			*(int *)&q[7] = 3;
			*((int *)&q[7] + 1) = 3;
			*(int *)&q[8] = 1;
			sp = code + 2 * PG + 0x800;
		}
		asm volatile("mov %0, %%rsp; jmp *%1" ::"r"(sp), "r"(code + entry) : "memory");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	if (WIFSIGNALED(st))
		printf("jump: signal %d\n", WTERMSIG(st));
	else
		printf("jump: exit %d\n", WEXITSTATUS(st));
	return 0;
}
