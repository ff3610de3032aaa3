// SPDX-License-Identifier: GPL-2.0
/*
 * A guest program (any user): does a fork child still see its parent's
 * MADV_DONTFORK pages? On 6.1 without patches/6.1/0004 the stub clones the
 * parent's host process with all its mappings, so the child keeps the
 * parent's pages mapped read-write, and keeps them after the parent frees
 * them: a write into whatever the kernel reuses them for. Prints one line:
 *   "faults"        the child's access faults (the page is gone: closed)
 *   "shared"        the child saw the parent's later write (open)
 *   "copied"        the child has its own copy (no DONTFORK: the control)
 * With "control" as argv[1] the area is not DONTFORK, so the probe must
 * read the inherited copy.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, 1);
}

/* *p, or -1 when reading it faults */
static int probe(volatile unsigned char *p)
{
	if (sigsetjmp(jb, 1))
		return -1;
	return *p;
}

int main(int argc, char **argv)
{
	size_t n = 16 * 4096;
	int control = argc > 1 && !strcmp(argv[1], "control");
	int to_child[2], to_parent[2], c;
	unsigned char *r;
	char b = 0;
	pid_t pid;

	r = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED || pipe(to_child) || pipe(to_parent))
		return 2;
	memset(r, 'A', n);
	if (!control && madvise(r, n, MADV_DONTFORK))
		return 2;
	signal(SIGSEGV, on_segv);
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		if (probe(r) < 0) {
			puts("faults");
			return 0;
		}
		if (write(to_parent[1], "1", 1) != 1 || read(to_child[0], &b, 1) != 1)
			return 2;
		c = probe(r);
		puts(c == 'B' ? "shared" : c == 'A' ? "copied" : "other");
		return 0;
	}
	close(to_parent[1]);
	if (read(to_parent[0], &b, 1) == 1) {	/* the child could read */
		memset(r, 'B', n);
		if (write(to_child[1], "2", 1) != 1)
			return 2;
	}
	waitpid(pid, NULL, 0);
	return 0;
}
