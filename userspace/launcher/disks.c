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
 * file itself is only read. A host file is opened here, as the caller,
 * following no link an earlier guest could have planted (hostpath.c), in
 * the mode the guest gets (ubd would quietly fall back to read-only); the
 * kernel process inherits that fd and ubd opens it as /proc/self/fd/N, so
 * the file checked is the file used, and its Landlock rule (a read rule,
 * the host's /dev being otherwise unreadable, or for rw a write rule) is
 * made from the same fd.
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
#include "hostpath.h"
#include "kcmdline.h"
#include "log.h"


static const char *const disks_mode_name[] = {
	[DISK_RO] = "read-only",
	[DISK_RW] = "read-write",
	[DISK_COW] = "copy-on-write",
	[DISK_SCRATCH] = "scratch",
	[DISK_SWAP] = "swap",
	[DISK_ROOT] = "root image, read-only",
};

const char *disks_parse(const char *arg, struct disk_opt *d, int follow)
{
	static char why[PATH_MAX + 256];
	const char *colon = strrchr(arg, ':');
	char real[PATH_MAX], *file;
	struct stat st;
	int fd;

	d->mode = DISK_RO;
	d->size = 0;
	d->file = NULL;
	d->fd = -1;
	file = strdup(arg);
	if (!file)
		die("out of memory");
	if (colon && (!strcmp(colon, ":ro") || !strcmp(colon, ":rw") ||
		      !strcmp(colon, ":cow"))) {
		d->mode = colon[1] == 'c' ? DISK_COW :
			  colon[2] == 'w' ? DISK_RW : DISK_RO;
		file[colon - arg] = 0;
	} else if (colon && colon[1] && strlen(colon + 1) <= 8 &&
		   strspn(colon + 1, "abcdefghijklmnopqrstuvwxyz") == strlen(colon + 1) &&
		   access(arg, F_OK) < 0) {
		free(file);
		snprintf(why, sizeof(why), "unknown mode '%s' (ro, rw or cow)", colon + 1);
		return why;
	}
	if (!*file) {
		free(file);
		return "empty file name";
	}
	/* Opened as the guest will use it: a file the caller may not write
	 * fails here, where ubd would quietly fall back to read-only. */
	fd = hostpath_open(file, d->mode == DISK_RW ? O_RDWR : O_RDONLY, follow,
			   why, sizeof(why));
	free(file);
	if (fd < 0)
		return fd == -EACCES || fd == -EPERM ?
			(d->mode == DISK_RW ? "you may not write it" : "you may not read it") :
		       fd == -EISDIR ? "not a regular file" : why;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return "not a regular file";
	}
	if (st.st_size < 512) {
		close(fd);
		return "smaller than one 512-byte sector";
	}
	if (hostpath_real(fd, real, sizeof(real)) < 0) {
		close(fd);
		return "cannot name it";
	}
	d->fd = fd;
	d->size = (unsigned long long)st.st_size;
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

struct disk_opt *disks_add(struct disk_opt **v, size_t *n)
{
	if (*n >= DISKS_MAX)
		die("too many disks (at most %d with --root and --swap)",
		    DISKS_MAX);
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	if (!*v)
		die("out of memory");
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].fd = -1;
	return &(*v)[(*n)++];
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
		else if (d[i].mode == DISK_COW)
			/* data, one bitmap bit a sector, header: ubd's cow_user.c */
			want += d[i].size + d[i].size / 4096 + 65536;
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
			r = asprintf(&s, "ubd%zu=%s/disk%zu.cow,/proc/self/fd/%zu", i,
				     rundir, i, DISKS_FD_BASE + i);
		else if (d[i].fd >= 0)
			r = asprintf(&s, "ubd%zu%s=/proc/self/fd/%zu", i, flags,
				     DISKS_FD_BASE + i);
		else
			r = asprintf(&s, "ubd%zu%s=%s", i, flags, d[i].file);
		if (r < 0)
			die("out of memory");
		argv[k++] = s;
		if (d[i].mode == DISK_SWAP) {
			if (asprintf(&s, KCMD_SWAP "=%s", disks_device(i)) < 0)
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

	char *fdpath;

	for (i = 0; i < n; i++) {
		if (d[i].fd < 0)
			continue;
		if (asprintf(&fdpath, "/proc/self/fd/%d", d[i].fd) < 0)
			die("out of memory");
		if (d[i].mode == DISK_RW)
			rw[(*nw)++] = fdpath;
		else
			ro[(*nr)++] = fdpath;
	}
}

int disks_child_fds(const struct disk_opt *d, size_t n)
{
	int high[DISKS_MAX];
	size_t i;

	/* Out of the way of each other first, then into place. */
	for (i = 0; i < n; i++)
		if ((high[i] = d[i].fd) >= 0 &&
		    (high[i] = fcntl(d[i].fd, F_DUPFD_CLOEXEC, 128)) < 0)
			return -1;
	for (i = 0; i < n; i++)
		if (high[i] >= 0 && (dup2(high[i], DISKS_FD_BASE + (int)i) < 0 ||
				     close(high[i]) < 0))
			return -1;
	return 0;
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
	while (n--) {
		free(d[n].file);
		if (d[n].fd >= 0)
			close(d[n].fd);
	}
	free(d);
}
