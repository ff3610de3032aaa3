// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's half of the filesystem model. Bind sources are opened on
 * the host once, here, following no link the guest could have planted
 * (hostpath.c), and what was opened goes to the three places that must
 * agree: its canonical path to the guest's mount table (sent with the
 * command) and to the kernel's host-side write policy (hostfs_rw= on its
 * command line, fixed at boot), the open directory itself to the Landlock
 * ruleset of the kernel process (landlock.c).
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

#include "hostpath.h"
#include "log.h"
#include "mounts.h"
#include "util.h"

static char *mounts_strdup(const char *s, size_t len)
{
	char *d = strndup(s, len);

	if (!d)
		die("out of memory");
	return d;
}

/*
 * Filesystems whose files act on the host kernel or on processes rather
 * than hold data: a writable bind on one, or containing a mount of one,
 * would let the guest write /proc/<kernel pid>/mem, cgroup files or
 * devices through hostfs. 1 if path is such a mount, inside one, or has one
 * beneath it.
 */
static int mounts_kernel_fs(const char *path)
{
	static const char *const types[] = {
		"proc", "sysfs", "securityfs", "debugfs", "tracefs", "cgroup",
		"cgroup2", "bpf", "devtmpfs", "devpts", "configfs", "efivarfs",
		"pstore", "fusectl", "binfmt_misc",
	};
	char line[8192], mnt[PATH_MAX], type[64];
	size_t plen = strlen(path), mlen, i, k;
	const char *sep;
	int found = 0, kernel, inside = 0;
	size_t best = 0;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 1; /* cannot tell: refuse */
	while (!found && fgets(line, sizeof(line), f)) {
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s", type) != 1 ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		/* mountinfo escapes space, tab, newline and backslash as \ooo */
		for (i = k = 0; mnt[i]; k++) {
			if (mnt[i] == '\\' && mnt[i + 1] && mnt[i + 2] && mnt[i + 3]) {
				mnt[k] = (char)(((mnt[i + 1] - '0') << 6) |
						((mnt[i + 2] - '0') << 3) |
						(mnt[i + 3] - '0'));
				i += 4;
			} else {
				mnt[k] = mnt[i++];
			}
		}
		mnt[k] = 0;
		for (i = 0; i < ARRAY_SIZE(types); i++)
			if (!strcmp(type, types[i]))
				break;
		kernel = i < ARRAY_SIZE(types);
		mlen = strlen(mnt);
		/* a kernel filesystem mounted beneath path */
		if (kernel && (!strcmp(path, "/") ||
			       (!strncmp(mnt, path, plen) && mnt[plen] == '/')))
			found = 1;
		/* the mount path lies on: the longest mount point above it */
		if (!strncmp(path, mnt, mlen) &&
		    (path[mlen] == '/' || !path[mlen] || mlen == 1) &&
		    mlen >= best) {
			best = mlen;
			inside = kernel;
		}
	}
	fclose(f);
	return found || inside;
}

const char *mounts_parse_bind(const char *arg, struct mount_opt *m,
			      int follow)
{
	static char why[PATH_MAX + 256];
	const char *end = arg + strlen(arg), *colon;
	char *src, real[PATH_MAX];
	int fd;

	m->kind = MOUNT_BIND_RO;
	m->fd = -1;
	colon = strrchr(arg, ':');
	if (colon && (!strcmp(colon, ":ro") || !strcmp(colon, ":rw"))) {
		m->kind = colon[2] == 'w' ? MOUNT_BIND_RW : MOUNT_BIND_RO;
		end = colon;
	}
	colon = memrchr(arg, ':', (size_t)(end - arg));
	src = mounts_strdup(arg, (size_t)((colon ? colon : end) - arg));
	m->dst = colon ? mounts_strdup(colon + 1, (size_t)(end - colon - 1))
		       : NULL;
	if (!*src) {
		free(src);
		return "empty source";
	}
	fd = hostpath_open(src, O_PATH | O_DIRECTORY, follow, why, sizeof(why));
	free(src);
	if (fd < 0)
		return fd == -ENOTDIR ? "source is not a directory" : why;
	if (hostpath_real(fd, real, sizeof(real)) < 0) {
		close(fd);
		return "cannot name the source";
	}
	if (m->kind == MOUNT_BIND_RW && mounts_kernel_fs(real)) {
		close(fd);
		return "a writable bind cannot hold /proc, /sys, /dev or another kernel filesystem";
	}
	m->fd = fd;
	m->src = mounts_strdup(real, strlen(real));
	if (!m->dst)
		m->dst = mounts_strdup(real, strlen(real));
	if (m->dst[0] != '/')
		return "destination must be an absolute path";
	return NULL;
}

const char *mounts_parse_tmpfs(const char *arg, struct mount_opt *m)
{
	m->kind = MOUNT_TMPFS;
	m->src = NULL;
	m->fd = -1;
	m->dst = mounts_strdup(arg, strlen(arg));
	if (m->dst[0] != '/')
		return "path must be absolute";
	return NULL;
}

struct proto_mount *mounts_table(const struct mount_opt *m, size_t n,
				 int overlay, const struct proto_mount *root,
				 uint32_t *count)
{
	static const char *const kinds[] = {
		[MOUNT_BIND_RO] = "ro",
		[MOUNT_BIND_RW] = "rw",
		[MOUNT_TMPFS] = "tmpfs",
	};
	struct proto_mount *t;
	size_t i, k = 0;

	if (n + 2 > PROTO_MAX_MOUNTS)
		die("too many mounts (at most %d)", PROTO_MAX_MOUNTS - 2);
	t = calloc(n + 2, sizeof(*t));
	if (!t)
		die("out of memory");
	if (root)
		t[k++] = *root;
	if (overlay)
		t[k++] = (struct proto_mount){ "overlay", "", "" };
	for (i = 0; i < n; i++)
		t[k++] = (struct proto_mount){ kinds[m[i].kind],
					       m[i].src ? m[i].src : "",
					       m[i].dst };
	*count = (uint32_t)k;
	return t;
}

/* Append s with every byte but [A-Za-z0-9/._-] as %XX. */
static size_t mounts_escape(char *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("/._-", c)) {
			out[k++] = (char)c;
		} else {
			out[k++] = '%';
			out[k++] = hex[c >> 4];
			out[k++] = hex[c & 15];
		}
	}
	return k;
}

char *mounts_hostfs_rw(const struct mount_opt *m, size_t n)
{
	size_t i, size = sizeof("hostfs_rw="), k;
	char *s;

	for (i = 0; i < n; i++)
		if (m[i].kind == MOUNT_BIND_RW)
			size += 3 * strlen(m[i].src) + 1;
	if (size == sizeof("hostfs_rw="))
		return NULL;
	s = malloc(size);
	if (!s)
		die("out of memory");
	k = (size_t)sprintf(s, "hostfs_rw=");
	for (i = 0; i < n; i++) {
		if (m[i].kind != MOUNT_BIND_RW)
			continue;
		if (s[k - 1] != '=')
			s[k++] = ':';
		k += mounts_escape(s + k, m[i].src);
	}
	s[k] = 0;
	return s;
}

int mounts_any_writable(const struct mount_opt *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].kind == MOUNT_BIND_RW)
			return 1;
	return 0;
}

void mounts_free(struct mount_opt *m, size_t n)
{
	while (n--) {
		free(m[n].src);
		free(m[n].dst);
		if (m[n].fd >= 0)
			close(m[n].fd);
	}
	free(m);
}
