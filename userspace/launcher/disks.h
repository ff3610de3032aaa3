/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block devices for the guest: --disk FILE[:rw|:ro|:cow], --disk-size,
 * --swap and the image of --root, attached as UML ubd devices. The kernel
 * process opens the files itself, so each one is also a Landlock rule.
 */
#ifndef UMLRUN_DISKS_H
#define UMLRUN_DISKS_H

#include <stddef.h>

enum disk_mode {
	DISK_RO,	/* the guest cannot write (default) */
	DISK_RW,	/* the guest writes the host file */
	DISK_COW,	/* writes go to a COW file in the run directory */
	DISK_SCRATCH,	/* --disk-size: a fresh sparse file in the run dir */
	DISK_SWAP,	/* --swap: a scratch file umlinit formats as swap */
	DISK_ROOT,	/* the ext4 or squashfs image of --root, read-only */
};

struct disk_opt {
	enum disk_mode mode;
	char *file;			/* real path; run-dir files: set by disks_create */
	unsigned long long size;	/* bytes: scratch, swap; a host file's */
	int fd;				/* the host file, opened; -1 for run-dir files */
};

#define DISKS_MAX 16	/* ubd's MAX_DEV, the same in 6.1 and 6.12 */
/* The fd the kernel process has disk i's host file at (ubdN=/proc/self/fd/M). */
#define DISKS_FD_BASE 20

/* --disk FILE[:rw|:ro|:cow]: open and check FILE as the caller, following
 * no link unless follow; 0 or a usage error message (static). */
const char *disks_parse(const char *arg, struct disk_opt *d, int follow);
/* SIZE with K, M, G or T (powers of 1024), a multiple of 512; 0 or -EINVAL. */
int disks_parse_size(const char *s, unsigned long long *bytes);
/* One more disk at the end of *v (n of them); dies when there are too many. */
struct disk_opt *disks_add(struct disk_opt **v, size_t *n);
/* "/dev/ubdX" of disk i. */
const char *disks_device(size_t i);
/* Bytes the disks may make the run directory hold: scratch disks and
 * swap, and a copy-on-write layer as large as its disk (it never grows
 * beyond it), so the run directory picked has room for all of it (and the
 * memory) and a guest filling its disks meets ENOSPC there, not the host. */
unsigned long long disks_rundir_bytes(const struct disk_opt *d, size_t n);
/* Make the scratch and swap files in rundir (dies on failure), and say
 * with -v which device is which file. */
void disks_create(struct disk_opt *d, size_t n, const char *rundir);
/* In the kernel's child: each host file's fd at DISKS_FD_BASE + i;
 * 0 or -1 with errno. */
int disks_child_fds(const struct disk_opt *d, size_t n);
/* Append the ubd parameters (and umlrun.swap=) to argv[k..max); new k. */
int disks_kernel_args(const struct disk_opt *d, size_t n, const char *rundir,
		      char **argv, int k, size_t max);
/* The files the kernel reads (ro, cow, root) and writes (rw) on the host,
 * as their fds' /proc/self/fd/N names (free() them). */
void disks_landlock(const struct disk_opt *d, size_t n, const char **ro,
		    size_t *nr, const char **rw, size_t *nw);
/* Does the guest write a host file of the caller's (rw disks)? */
int disks_any_writable(const struct disk_opt *d, size_t n);
/* "UMLRUN_DISK<i>=/dev/ubdX" for the i-th --disk/--disk-size (free()
 * it), or NULL past the last. */
char *disks_env(const struct disk_opt *d, size_t n, size_t i);
void disks_free(struct disk_opt *d, size_t n);

#endif
