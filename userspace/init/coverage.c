// SPDX-License-Identifier: GPL-2.0
/*
 * umlinit's half of --coverage (umlrun.coverage=HOSTDIR): gcov's counters
 * are reset just before the command runs, so boot is not counted (but
 * with --kunit: its suites ran at boot, or as the user's modules loaded,
 * and are what the report is for); after
 * it exits, every .gcda file under /sys/kernel/debug/gcov goes into one
 * tar file, HOSTDIR/gcda.tar, on a hostfs mount of the directory the
 * launcher made writable for it. One file and no mkdir: the copy itself
 * touches as little of the kernel's code as it can (writing to hostfs
 * still counts). Failures are logged, never fatal: the command's result
 * stands without its coverage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"
#include "log.h"
#include "util.h"

/* Made before the reset, so no mkdir after it. */
#define COV_DEBUGFS "/dev/.umlrun-debugfs"
#define COV_HOST "/dev/.umlrun-coverage"
#define COV_GCOV COV_DEBUGFS "/gcov"

static int cov_out = -1;
static size_t cov_files, cov_bytes, cov_skipped;

static int cov_mount_debugfs(void)
{
	if (mount("debugfs", COV_DEBUGFS, "debugfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	return 0;
}

void init_coverage_reset(const char *hostdir, int keep_boot)
{
	int fd, err;

	if (!hostdir)
		return;
	/* even a mkdir that fails runs do_mkdirat(): none after the reset */
	if (mkdir(COV_HOST, 0700) < 0 || mkdir(COV_DEBUGFS, 0700) < 0)
		init_log("coverage: mkdir %s: %s", COV_HOST, strerror(errno));
	err = cov_mount_debugfs();
	if (err) {
		init_log("coverage: mount debugfs: %s", strerror(-err));
		return;
	}
	fd = keep_boot ? -1 : open(COV_GCOV "/reset", O_WRONLY | O_CLOEXEC);
	if (!keep_boot && (fd < 0 || write_all(fd, "1", 1) < 0))
		init_log("coverage: reset: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	if (umount(COV_DEBUGFS) < 0)
		init_log("coverage: umount debugfs: %s", strerror(errno));
}

/* One ustar header for a file of size bytes named path; -1 if too long. */
static int cov_tar_header(char *h, const char *path, size_t size)
{
	size_t len = strlen(path), cut = 0, i;
	unsigned int sum = 0;

	memset(h, 0, 512);
	if (len > 100) {
		/* prefix (at most 155) / name (at most 100), cut at a '/' */
		for (i = len - 1; i > 0 && !cut; i--)
			if (path[i] == '/' && len - i - 1 <= 100 && i <= 155)
				cut = i;
		if (!cut)
			return -1;
		memcpy(h + 345, path, cut);
		path += cut + 1;
	}
	memcpy(h, path, strlen(path));
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf(h + 124, 12, "%011zo", size);
	memcpy(h + 136, "00000000000", 11);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	return 0;
}

/* The whole of a gcov file (its size is known only once read). */
static char *cov_slurp(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (n == cap) {
			nb = realloc(buf, cap *= 2);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = read_retry(fd, buf + n, cap - n);
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int cov_visit(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	static const char zero[512];
	const char *rel = path + strlen(COV_GCOV "/");
	size_t len, plen = strlen(path);
	char hdr[512], *data;

	(void)st;
	(void)ftw;
	if (type != FTW_F || plen < 5 || strcmp(path + plen - 5, ".gcda"))
		return 0;
	data = cov_slurp(path, &len);
	if (!data || cov_tar_header(hdr, rel, len)) {
		free(data);
		cov_skipped++;
		return 0;
	}
	if (write_all(cov_out, hdr, sizeof(hdr)) < 0 ||
	    write_all(cov_out, data, len) < 0 ||
	    (len % 512 && write_all(cov_out, zero, 512 - len % 512) < 0)) {
		free(data);
		return -1;
	}
	free(data);
	cov_files++;
	cov_bytes += len;
	return 0;
}

void init_coverage_collect(const char *hostdir)
{
	static const char end[1024];
	int err;

	if (!hostdir)
		return;
	err = cov_mount_debugfs();
	if (err) {
		init_log("coverage: mount debugfs: %s", strerror(-err));
		return;
	}
	if (mount("hostfs", COV_HOST, "hostfs", MS_NOSUID | MS_NODEV, hostdir) < 0) {
		init_log("coverage: mount %s: %s", hostdir, strerror(errno));
		return;
	}
	cov_out = open(COV_HOST "/gcda.tar", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		       0600);
	if (cov_out < 0) {
		init_log("coverage: create %s/gcda.tar: %s", hostdir,
			 strerror(errno));
		return;
	}
	if (nftw(COV_GCOV, cov_visit, 16, FTW_PHYS) < 0 ||
	    write_all(cov_out, end, sizeof(end)) < 0)
		init_log("coverage: writing %s/gcda.tar: %s", hostdir,
			 strerror(errno));
	else
		init_log("coverage: %zu gcda files, %zu bytes (%zu left out)",
			 cov_files, cov_bytes, cov_skipped);
	close(cov_out);
	cov_out = -1;
	umount(COV_HOST);
	umount(COV_DEBUGFS);
}
