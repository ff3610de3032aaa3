// SPDX-License-Identifier: GPL-2.0
// A guest program for tests/hardening.t (finding 2 of tests/attack/AUDIT.md).
/* 6.12/6.1: does a failed stub munmap leave a freed page mapped in the
 * host process for a CLONE_VM sibling outside the failing thread group? */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <errno.h>
static int apid, sib;

#define PG 4096UL
static volatile int *flag;	/* shared (CLONE_VM) */
static unsigned char *R;
static unsigned char *F;
static int memfd;

static uint64_t pfn(void *v)
{
	static int fd = -1;
	uint64_t e;
	if (fd < 0) fd = open("/proc/self/pagemap", O_RDONLY);
	pread(fd, &e, 8, ((uintptr_t)v / PG) * 8);
	return (e & (1ULL << 63)) ? (e & ((1ULL << 55) - 1)) : 0;
}

static void check(const char *who)
{
	char msg[256];
	int hits = 0, it, n0;
	unsigned char first = R[PG];	/* native read: faults if not host-mapped */
	for (it = 0; it < 64 && !hits; it++) {
		char name[32];
		snprintf(name, sizeof name, "/tmp/pc%d", it);
		int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		for (int i = 0; i < 16384; i++) write(fd, "KERNELPAGECACHE!", 16);
		close(fd);
		for (size_t o = 0; o < PG; o += 16)
			if (!memcmp(R + PG + o, "KERNELPAGECACHE!", 16)) hits++;
	}
	{
		unsigned long *q = (unsigned long *)(R + PG); int k = 0, nz = 0;
		for (int i = 0; i < 512; i++) if (q[i]) nz++;
		n0 = snprintf(msg, sizeof msg, "%s: page now has %d nonzero qwords:", who, nz); write(1, msg, n0);
		for (int i = 0; i < 512 && k < 6; i++) if (q[i]) { n0 = snprintf(msg, sizeof msg, " [%d]=%#lx", i, q[i]); write(1, msg, n0); k++; }
		write(1, "\n", 1);
		volatile unsigned long *vq = q; vq[65] = vq[65];	/* faults if the stale host mapping is read-only */
		n0 = snprintf(msg, sizeof msg, "%s: wrote to the reused page (same value) without fault\n", who); write(1, msg, n0);
	}
	if (hits) memcpy(R + PG, "WRITTEN-VIA-STALE-MAPPING", 25);
	int n = snprintf(msg, sizeof msg, "%s: R+4096 (no VMA) readable natively, first byte %#x; after %d tmpfs files: %d page-cache records seen through it%s\n", who, first, it, hits, hits ? ", overwrote one" : "");
	write(1, msg, n);
	if (hits) {
		/* find the file that got our write */
		for (int j = 0; j < it; j++) {
			char name[32], buf[26] = {0};
			snprintf(name, sizeof name, "/tmp/pc%d", j);
			int fd = open(name, O_RDONLY);
			for (;;) { if (read(fd, buf, 16) != 16) break; if (!memcmp(buf, "WRITTEN-VIA-STALE", 16)) { n = snprintf(msg, sizeof msg, "%s: %s contains the write: kernel-owned page written\n", who, name); write(1, msg, n); break; } }
			close(fd);
		}
	}
}

static int filler(void *a)	/* faults single-page host VMAs until it dies */
{
	for (size_t i = 0;; i++) {
		F[i * 2 * PG] = 1;
		flag[1] = (int)i;
	}
	return 0;
}

static int sibling(void *a)
{
	while (flag[0] != 1) ;
	while (getppid() == apid) sched_yield();
	munmap(F, 400 * PG);	/* whole single-page host VMAs: no split, frees map slots */
	check("sibling (A dead)");
	flag[0] = 2;
	_exit(0);
}

static int realmain(void)
{
	apid = getpid();
	size_t N = 512, i;
	flag = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned char *base = mmap(NULL, N * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < N; i++) base[i * PG] = 1;
	for (i = 0; i + 2 < N; i++) {
		uint64_t p = pfn(base + i * PG);
		if (p && pfn(base + (i + 1) * PG) == p + 1 && pfn(base + (i + 2) * PG) == p + 2)
			break;
	}
	if (i + 2 >= N) { printf("no 3 contiguous pfns\n"); return 2; }
	R = base + i * PG;
	printf("R=%p pfn %#llx (3 contiguous)\n", R, (unsigned long long)pfn(R));
	memfd = memfd_create("x", 0);
	ftruncate(memfd, PG);
	{ int fd = open("/proc/sys/vm/max_map_count", O_WRONLY); write(fd, "1000000", 7); close(fd); }
	F = (unsigned char *)0x4000000000UL;
	for (i = 0; i < 70000; i++)
		if (mmap(F + i * 2 * PG, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, memfd, 0) == MAP_FAILED) { printf("guest mmap %zu failed\n", i); return 3; }
	char *st1 = malloc(65536), *st2 = malloc(65536);
	memset(st1, 0, 65536); memset(st2, 0, 65536);
	sib = clone(sibling, st2 + 65536, CLONE_VM | SIGCHLD, NULL);
	int fil = clone(filler, st1 + 65536, CLONE_VM | SIGCHLD, NULL);
	int st;
	waitpid(fil, &st, 0);
	printf("filler died after %d faults (signal %d): host map count is at the limit\n", flag[1], WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	fflush(stdout);
	flag[0] = 1;	/* let the sibling go once we are dead */
	munmap(R + PG, PG);	/* needs a host VMA split: ENOMEM -> we get killed */
	printf("main: munmap did not kill us\n");
	check("main (after failed munmap)");
	flag[0] = 2;
	kill(sib, SIGKILL);
	return 0;
}

int main(void)
{
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t a = fork();
	if (a == 0) return realmain();
	int st; pid_t p;
	while ((p = waitpid(-1, &st, 0)) > 0)
		printf("reaped %d: %s %d\n", p, WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	return 0;
}
