// SPDX-License-Identifier: GPL-2.0
// Reproducer from the guest-kernel audit (AUDIT.md beside it): open finding, not run by make check.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
static sigjmp_buf jb;
static void segv(int s) { siglongjmp(jb, 1); }
int main(int argc, char **argv)
{
	unsigned long code = strtoul(argv[1], 0, 0), data = code + 4096;
	unsigned char *p = (void *)code;
	int off = -1;
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGSEGV, segv);
	if (sigsetjmp(jb, 1) == 0) {
		for (int i = 0; i < 4095; i++) if (p[i] == 0x0f && p[i+1] == 0x05) { off = i; break; }
		printf("stub code page readable; first syscall insn at +%#x\n", off);
	} else printf("stub code page not readable\n");
	if (sigsetjmp(jb, 1) == 0) {
		volatile unsigned long *d = (void *)data;
		unsigned long v = d[0];
		d[0] = v;
		printf("stub data page %#lx readable+writable by guest code (first word %#lx)\n", data, v);
	} else printf("stub data page not accessible\n");
	if (off < 0) return 0;
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		/* run the stub's syscall instruction with rax = getpid: under
		 * PTRACE_SYSEMU it must not reach the host */
		asm volatile("mov $39, %%eax; jmp *%0" :: "r"(code + off) : "rax");
		_exit(0);
	}
	int st; waitpid(pid, &st, 0);
	printf("child that executed the stub's syscall: %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	return 0;
}
