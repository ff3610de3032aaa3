// SPDX-License-Identifier: GPL-2.0
/*
 * --root DIR|TAR|IMAGE: another userland as the guest's /. The kernel
 * still boots with the host's / (so umlinit and hostexec.ko come from the
 * host and need not be in DIR); umlinit then mounts the new root, a hostfs
 * of DIR or the image's filesystem, read-only, puts an overlay with a
 * tmpfs above it (writable with --overlay, else read-only again), moves
 * its own /proc, /sys, /dev, /run in, applies the binds there and
 * pivot_roots into it before the command runs (init/mounts.c). DIR gets no
 * place in the host-side write policy, so it is as read-only as the host's
 * / unless a part of it is bound rw. A tar archive is unpacked once into
 * the cache, keyed by its SHA-256, and reused; an image is attached as a
 * read-only disk (disks.c). Files are checked here, as the caller, before
 * anything boots.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disks.h"
#include "log.h"
#include "root.h"
#include "spawn.h"
#include "util.h"

/* Exit status when the new root has no /bin/sh to start (as not found). */
#define EXIT_NOT_FOUND 127

static char root_dir[PATH_MAX];
static struct proto_mount root_entry;

const struct proto_mount *root_mount(void)
{
	return root_entry.kind ? &root_entry : NULL;
}

/* Does path exist in the tree at dirfd, resolved as if it were /? */
static int root_has(int dirfd, const char *path, int dir)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (dir ? O_DIRECTORY : 0),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Run argv with stdin from file in (or /dev/null), stdout to out (or
 * inherited), stderr only with -v; its exit status, or -1. */
static int root_run(char *const argv[], const char *in, int out)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid == 0) {
		fd = open(in ? in : "/dev/null", O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0 || (out >= 0 && dup2(out, 1) < 0))
			_exit(126);
		if (!log_verbose) {
			fd = open("/dev/null", O_WRONLY);
			if (fd < 0 || dup2(fd, 2) < 0)
				_exit(126);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The SHA-256 of file, in hex (65 bytes), through sha256sum(1). */
static void root_hash(const char *file, char *hex)
{
	char *argv[] = { "sha256sum", NULL };
	int p[2];
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		die_errno("pipe");
	if (root_run(argv, file, p[1]) != 0)
		die("--root %s: cannot hash it with sha256sum", file);
	close(p[1]);
	n = read_retry(p[0], hex, 64);
	close(p[0]);
	if (n != 64 || strspn(hex, "0123456789abcdef") < 64)
		die("--root %s: sha256sum said nothing useful", file);
	hex[64] = 0;
}

/* mkdir -p of the cache's roots directory into buf. */
static void root_cache_dir(char *buf, size_t len)
{
	const char *cache = getenv("UMLRUN_CACHE"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *p;

	if (cache && *cache)
		snprintf(buf, len, "%s/roots", cache);
	else if (xdg && *xdg)
		snprintf(buf, len, "%s/umlrun/roots", xdg);
	else if (home && *home)
		snprintf(buf, len, "%s/.cache/umlrun/roots", home);
	else
		die("--root: no cache for the unpacked archive (set UMLRUN_CACHE or HOME)");
	for (p = buf + 1;; p++) {
		if (*p && *p != '/')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = 0;
			if (mkdir(buf, 0700) < 0 && errno != EEXIST)
				die_errno("--root: cannot make the cache %s", buf);
			*p = c;
		}
		if (!*p)
			break;
	}
}

/* Unpack the archive once per content into the cache; its tree in out. */
static void root_unpack(const char *tar, char *out, size_t len)
{
	char hex[65], dir[PATH_MAX - 160], tmp[PATH_MAX];
	char *argv[] = { "tar", "-x", "-f", (char *)tar, "-C", tmp,
			 "--no-same-owner", "--anchored",
			 "--exclude=./dev/*", "--exclude=dev/*", NULL };
	struct stat st;
	int rc;

	root_hash(tar, hex);
	root_cache_dir(dir, sizeof(dir));
	snprintf(out, len, "%s/%s", dir, hex);
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
		info("root: %s is unpacked in %s (cached)", tar, out);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s/.unpack-%.16s-XXXXXX", dir, hex);
	if (!mkdtemp(tmp))
		die_errno("--root: cannot make %s", tmp);
	if (getuid() == 0)
		argv[6] = "--same-owner";
	rc = root_run(argv, NULL, -1);
	if (rc != 0) {
		spawn_rm_tree(AT_FDCWD, tmp);
		die("--root %s: not a directory, tar archive, ext4 or squashfs image (tar exited %d; -v shows why)",
		    tar, rc);
	}
	if (chmod(tmp, 0755) < 0 || (rename(tmp, out) < 0 &&
				     errno != EEXIST && errno != ENOTEMPTY)) {
		spawn_rm_tree(AT_FDCWD, tmp);
		die_errno("--root: cannot keep %s in the cache", out);
	}
	/* Another run unpacked the same archive meanwhile: use theirs. */
	spawn_rm_tree(AT_FDCWD, tmp);
	info("root: unpacked %s into %s", tar, out);
}

/* "ext4", "squashfs", "tar" from the first bytes of file, or NULL. */
static const char *root_kind(const char *file)
{
	static const unsigned char gz[] = { 0x1f, 0x8b }, xz[] = { 0xfd, '7', 'z', 'X', 'Z' },
				   zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char b[2048] = { 0 };
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("--root %s", file);
	n = read_retry(fd, b, sizeof(b));
	close(fd);
	if (n < 0)
		die("--root %s: %s", file, strerror((int)-n));
	if (!memcmp(b, "hsqs", 4))
		return "squashfs";
	if (b[1080] == 0x53 && b[1081] == 0xef)
		return "ext4";
	if (!memcmp(b + 257, "ustar", 5) || !memcmp(b, gz, sizeof(gz)) ||
	    !memcmp(b, xz, sizeof(xz)) || !memcmp(b, zst, sizeof(zst)) ||
	    !memcmp(b, "BZh", 3))
		return "tar";
	return NULL;
}

/* Is path at or below a mount point the guest gets anyway? */
static int root_under_mount(const struct options *o, const char *path)
{
	size_t i, len;

	for (i = 0; i < o->n_mounts; i++) {
		len = strlen(o->mounts[i].dst);
		if (!strncmp(path, o->mounts[i].dst, len) &&
		    (!path[len] || path[len] == '/' || len == 1))
			return 1;
	}
	return 0;
}

void root_prepare(struct options *o)
{
	static char cwd[PATH_MAX];
	const char *kind = NULL;
	struct disk_opt *d;
	struct stat st;
	int fd = -1;

	if (!o->root)
		return;
	if (!realpath(o->root, root_dir) || stat(root_dir, &st) < 0)
		die_errno("--root %s", o->root);
	if (S_ISDIR(st.st_mode)) {
		if (access(root_dir, R_OK | X_OK) < 0)
			die_errno("--root %s", o->root);
	} else if (!S_ISREG(st.st_mode) || !(kind = root_kind(root_dir))) {
		die("--root %s: not a directory, tar archive, ext4 or squashfs image",
		    o->root);
	} else if (!strcmp(kind, "tar")) {
		char tree[PATH_MAX];

		root_unpack(root_dir, tree, sizeof(tree));
		snprintf(root_dir, sizeof(root_dir), "%s", tree);
		kind = NULL;
	}
	if (kind) {
		if (strpbrk(root_dir, ",:\" \t\n"))
			die("--root %s: the kernel cannot take a path with ',', ':', '\"' or blanks",
			    o->root);
		d = disks_add(o);
		d->mode = DISK_ROOT;
		d->file = strdup(root_dir);
		if (!d->file)
			die("out of memory");
		if (access(root_dir, R_OK) < 0)
			die_errno("--root %s", o->root);
		root_entry = (struct proto_mount){ "root",
						   disks_device(o->n_disks - 1),
						   kind };
		root_entry.src = strdup(root_entry.src);
		if (!root_entry.src)
			die("out of memory");
	} else {
		root_entry = (struct proto_mount){ "root", root_dir, "hostfs" };
		fd = open(root_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			die_errno("--root %s", o->root);
	}
	if (o->argv == o->shell) {
		o->shell[0] = "/bin/sh";
		if (fd >= 0 && !root_has(fd, "/bin/sh", 0)) {
			fprintf(stderr, "umlrun: --root %s has no /bin/sh: give a command\n",
				o->root);
			exit(EXIT_NOT_FOUND);
		}
	}
	if (!o->cwd) {
		if (!getcwd(cwd, sizeof(cwd)) ||
		    (!root_under_mount(o, cwd) &&
		     (fd < 0 || !root_has(fd, cwd, 1))))
			strcpy(cwd, "/");
		o->cwd = cwd;
	}
	if (fd >= 0)
		close(fd);
	info("root: %s (%s)%s", root_dir, root_entry.dst,
	     o->overlay ? ", writable overlay" : "");
}
