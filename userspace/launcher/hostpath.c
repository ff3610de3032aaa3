// SPDX-License-Identifier: GPL-2.0
/*
 * Opening host paths the guest could have shaped (hostpath.h). The walk
 * is openat2(2) with RESOLVE_NO_SYMLINKS where the host has it, else one
 * component at a time with O_NOFOLLOW from a directory fd (as systemd's
 * chase() and bubblewrap's bind code do); never realpath() then open.
 * When a link stops the walk, the reason names the link and its target,
 * and says what to do.
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
#include <unistd.h>

#include "hostpath.h"
#include "log.h"

/* The O_NOFOLLOW walk, for hosts without openat2 (before 5.6). */
static int hostpath_walk(const char *path, int flags)
{
	char *copy, *comp, *save = NULL, *next;
	int dir, fd, err;

	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	dir = open(*path == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		free(copy);
		return -errno;
	}
	comp = strtok_r(copy, "/", &save);
	if (!comp) {
		/* "/" itself */
		free(copy);
		if (!(flags & O_PATH)) {
			fd = openat(dir, ".", flags | O_CLOEXEC);
			err = errno;
			close(dir);
			return fd < 0 ? -err : fd;
		}
		return dir;
	}
	for (; comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		fd = openat(dir, comp, (next ? O_PATH | O_DIRECTORY : flags) |
				       O_NOFOLLOW | O_CLOEXEC);
		err = errno;
		close(dir);
		if (fd < 0) {
			free(copy);
			/* O_PATH|O_NOFOLLOW opens a link itself: no ELOOP */
			return err == ENOTDIR ? -ELOOP : -err;
		}
		if (!next) {
			struct stat st;

			if ((flags & O_PATH) && fstat(fd, &st) == 0 &&
			    S_ISLNK(st.st_mode)) {
				close(fd);
				free(copy);
				return -ELOOP;
			}
			break;
		}
		dir = fd;
	}
	free(copy);
	return fd;
}

/* The first component of path that is a symbolic link, and its target. */
static void hostpath_link_why(const char *path, char *why, size_t len)
{
	char prefix[PATH_MAX], target[PATH_MAX];
	struct stat st;
	size_t i, n = strlen(path);
	ssize_t t;

	for (i = 1; i <= n && i < sizeof(prefix); i++) {
		if (i < n && path[i] != '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = 0;
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode)) {
			t = readlink(prefix, target, sizeof(target) - 1);
			target[t < 0 ? 0 : t] = 0;
			snprintf(why, len,
				 "%s is a symbolic link (to %s): umlrun follows no link in a path it opens for the guest, as an earlier run's guest could have planted it; name the target itself, or give --follow-links",
				 prefix, target);
			return;
		}
	}
	snprintf(why, len, "a symbolic link on the way: umlrun follows none in a path it opens for the guest (--follow-links does)");
}

/* What a non-file is, for the refusal. */
static const char *hostpath_kind(mode_t m)
{
	return S_ISFIFO(m) ? "a fifo" : S_ISSOCK(m) ? "a socket" :
	       S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : "not a file";
}

/*
 * An fd opened for its content must be a regular file or a directory
 * (which a caller that wants a file refuses itself): a fifo an earlier guest left in a writable bind
 * would hold the open, or the read, forever; a device has effects of its
 * own. So the open does not wait (O_NONBLOCK, dropped again after) nor
 * take a terminal (O_NOCTTY), and anything else is refused.
 */
static int hostpath_content(int fd, int flags, char *why, size_t len)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		if (!(flags & O_NONBLOCK) &&
		    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
			return -errno;
		return 0;
	}
	snprintf(why, len, "%s, not a regular file", hostpath_kind(st.st_mode));
	return -EINVAL;
}

int hostpath_open(const char *path, int flags, int follow, char *why,
		  size_t len)
{
	int content = !(flags & O_PATH), open_flags, fd, err;
	struct open_how how = { 0 };

	if (!*path) {
		snprintf(why, len, "empty path");
		return -EINVAL;
	}
	open_flags = flags | O_CLOEXEC | (content ? O_NONBLOCK | O_NOCTTY : 0);
	how.flags = (unsigned long long)open_flags;
	how.resolve = follow ? RESOLVE_NO_MAGICLINKS :
			       RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		fd = follow ? open(path, open_flags) :
			      hostpath_walk(path, open_flags & ~O_CLOEXEC);
		if (fd < 0 && !follow)
			errno = -fd;
	}
	if (fd >= 0 && content && (err = hostpath_content(fd, flags, why, len))) {
		close(fd);
		if (err != -EINVAL)
			snprintf(why, len, "%s", strerror(-err));
		return err;
	}
	if (fd >= 0)
		return fd;
	fd = -errno;
	if (fd == -ELOOP && !follow)
		hostpath_link_why(path, why, len);
	else
		snprintf(why, len, "%s", strerror(-fd));
	return fd;
}

int hostpath_real(int fd, char *buf, size_t len)
{
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, len - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= len - 1)
		return -ENAMETOOLONG;
	buf[n] = 0;
	return 0;
}

int hostpath_create(const char *path, int follow, char *why, size_t len)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *slash = strrchr(path, '/'), *name;
	struct stat st;
	int dfd, fd, i, err;

	if (!*path || (slash && !slash[1])) {
		snprintf(why, len, "not a file name");
		return -EINVAL;
	}
	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + (slash == path)),
			 path);
		name = slash + 1;
	} else {
		strcpy(dir, ".");
		name = path;
	}
	if (strlen(name) > NAME_MAX - 16) {
		snprintf(why, len, "%s", strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	dfd = hostpath_open(dir, O_PATH | O_DIRECTORY, follow, why, len);
	if (dfd < 0)
		return dfd;
	/* What is there now may be replaced, but only a file or a link
	 * (which the rename replaces: nothing is written through it). */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			close(dfd);
			snprintf(why, len, "exists and is not a regular file");
			return -EEXIST;
		}
	}
	for (i = 0; i < 100; i++) {
		snprintf(tmp, sizeof(tmp), ".%s.umlrun-%06x", name,
			 (unsigned int)((getpid() * 2654435761u + (unsigned int)i) & 0xffffff));
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					      O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		err = errno;
		close(dfd);
		snprintf(why, len, "%s", strerror(err));
		return -err;
	}
	if (renameat(dfd, tmp, dfd, name) < 0) {
		err = errno;
		unlinkat(dfd, tmp, 0);
		close(fd);
		close(dfd);
		snprintf(why, len, "%s", strerror(err));
		return -err;
	}
	close(dfd);
	return fd;
}
