// SPDX-License-Identifier: GPL-2.0
/*
 * Host files as the guest's block devices. Each --disk, --disk-size, the
 * image of --root and --swap becomes one UML ubd device, /dev/ubda,
 * /dev/ubdb, ... in that order, given on the kernel command line
 * (ubd<n><flags>=<file>[,<backing>]): 'r' opens the file read-only on the
 * host and makes the disk read-only in the guest (writes fail with EPERM,
 * BLKROSET cannot lift it), 'd' stops ubd from taking a file that happens
 * to start with a COW header for a COW file of some other backing file,
 * and "<cow>,<file>" writes to a COW file in the run directory while the
 * file itself is only read. The kernel process opens these files, so each
 * is a Landlock rule of exactly that file: a read rule (the host's /dev is
 * otherwise unreadable) or, for rw, a write rule; access is checked as the
 * caller before boot, since ubd would quietly fall back to read-only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disks.h"
#include "log.h"
#include "options.h"

#define DISKS_MAX 16	/* ubd's MAX_DEV, the same in 6.1 and 6.12 */

static const char *const disks_mode_name[] = {
	[DISK_RO] = "read-only",
	[DISK_RW] = "read-write",
	[DISK_COW] = "copy-on-write",
	[DISK_SCRATCH] = "scratch",
	[DISK_SWAP] = "swap",
	[DISK_ROOT] = "root image, read-only",
};

const char *disks_parse(const char *arg, struct disk_opt *d)
{
	const char *colon = strrchr(arg, ':');
	char real[PATH_MAX], *file;
	struct stat st;
	int want;

	d->mode = DISK_RO;
	d->size = 0;
	d->file = NULL;
	file = strdup(arg);
	if (!file)
		die("out of memory");
	if (colon && (!strcmp(colon, ":ro") || !strcmp(colon, ":rw") ||
		      !strcmp(colon, ":cow"))) {
		d->mode = colon[1] == 'c' ? DISK_COW :
			  colon[2] == 'w' ? DISK_RW : DISK_RO;
		file[colon - arg] = 0;
	}
	if (!*file || !realpath(file, real)) {
		free(file);
		return *arg && *arg != ':' ? strerror(errno) : "empty file name";
	}
	free(file);
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode))
		return "not a regular file";
	if (strpbrk(real, ",:\" \t\n"))
		return "the kernel cannot take a path with ',', ':', '\"' or blanks";
	want = d->mode == DISK_RW ? R_OK | W_OK : R_OK;
	if (access(real, want) < 0)
		return d->mode == DISK_RW ? "you may not write it" :
					    "you may not read it";
	if (st.st_size < 512)
		return "smaller than one 512-byte sector";
	d->file = strdup(real);
	if (!d->file)
		die("out of memory");
	return NULL;
}

int disks_parse_size(const char *s, unsigned long long *bytes)
{
	unsigned long long v, mul = 1;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (!strcasecmp(end, "K") || !strcasecmp(end, "KiB"))
		mul = 1ULL << 10;
	else if (!strcasecmp(end, "M") || !strcasecmp(end, "MiB"))
		mul = 1ULL << 20;
	else if (!strcasecmp(end, "G") || !strcasecmp(end, "GiB"))
		mul = 1ULL << 30;
	else if (!strcasecmp(end, "T") || !strcasecmp(end, "TiB"))
		mul = 1ULL << 40;
	else if (*end)
		return -EINVAL;
	if (!v || v > (1ULL << 50) / mul || (v * mul) % 512)
		return -EINVAL;
	*bytes = v * mul;
	return 0;
}

struct disk_opt *disks_add(struct options *o)
{
	if (o->n_disks >= DISKS_MAX)
		die("too many disks (at most %d with --root and --swap)",
		    DISKS_MAX);
	o->disks = realloc(o->disks, (o->n_disks + 1) * sizeof(*o->disks));
	if (!o->disks)
		die("out of memory");
	memset(&o->disks[o->n_disks], 0, sizeof(*o->disks));
	return &o->disks[o->n_disks++];
}

const char *disks_device(size_t i)
{
	static char dev[16];

	snprintf(dev, sizeof(dev), "/dev/ubd%c", (char)('a' + i));
	return dev;
}

static int disks_in_rundir(const struct disk_opt *d)
{
	return d->mode == DISK_SCRATCH || d->mode == DISK_SWAP;
}

unsigned long long disks_rundir_bytes(const struct disk_opt *d, size_t n)
{
	unsigned long long want = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (disks_in_rundir(&d[i]))
			want += d[i].size;
	return want;
}

void disks_create(struct disk_opt *d, size_t n, const char *rundir)
{
	char path[PATH_MAX];
	size_t i;
	int fd;

	for (i = 0; i < n; i++) {
		if (disks_in_rundir(&d[i])) {
			snprintf(path, sizeof(path), "%s/disk%zu", rundir, i);
			fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
				  0600);
			if (fd < 0 || ftruncate(fd, (off_t)d[i].size) < 0)
				die_errno("scratch disk %s", path);
			close(fd);
			free(d[i].file);
			d[i].file = strdup(path);
			if (!d[i].file)
				die("out of memory");
		}
		if (disks_in_rundir(&d[i]))
			info("disk %s: %s, %llu MiB", disks_device(i),
			     disks_mode_name[d[i].mode], d[i].size >> 20);
		else
			info("disk %s: %s, %s", disks_device(i), d[i].file,
			     disks_mode_name[d[i].mode]);
	}
}

int disks_kernel_args(const struct disk_opt *d, size_t n, const char *rundir,
		      char **argv, int k, size_t max)
{
	const char *flags;
	size_t i;
	char *s;
	int r;

	for (i = 0; i < n; i++) {
		if ((size_t)k + 2 >= max)
			die("too many kernel parameters");
		flags = d[i].mode == DISK_RO || d[i].mode == DISK_ROOT ? "rd" :
			"d";
		if (d[i].mode == DISK_COW)
			r = asprintf(&s, "ubd%zu=%s/disk%zu.cow,%s", i, rundir,
				     i, d[i].file);
		else
			r = asprintf(&s, "ubd%zu%s=%s", i, flags, d[i].file);
		if (r < 0)
			die("out of memory");
		argv[k++] = s;
		if (d[i].mode == DISK_SWAP) {
			if (asprintf(&s, "umlrun.swap=%s", disks_device(i)) < 0)
				die("out of memory");
			argv[k++] = s;
		}
	}
	return k;
}

void disks_landlock(const struct disk_opt *d, size_t n, const char **ro,
		    size_t *nr, const char **rw, size_t *nw)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (d[i].mode == DISK_RW)
			rw[(*nw)++] = d[i].file;
		else if (!disks_in_rundir(&d[i]))
			ro[(*nr)++] = d[i].file;
	}
}

int disks_any_writable(const struct disk_opt *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (d[i].mode == DISK_RW)
			return 1;
	return 0;
}

char *disks_env(const struct disk_opt *d, size_t n, size_t i)
{
	size_t k, user = 0;
	char *kv;

	for (k = 0; k < n; k++) {
		if (d[k].mode == DISK_SWAP || d[k].mode == DISK_ROOT)
			continue;
		if (user++ == i) {
			if (asprintf(&kv, "UMLRUN_DISK%zu=%s", i,
				     disks_device(k)) < 0)
				die("out of memory");
			return kv;
		}
	}
	return NULL;
}

void disks_free(struct disk_opt *d, size_t n)
{
	while (n--)
		free(d[n].file);
	free(d);
}
