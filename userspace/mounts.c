// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's half of the filesystem model. Bind sources are resolved
 * on the host once, here, and the same real paths go to the three places
 * that must agree: the guest's mount table (sent with the command), the
 * kernel's host-side write policy (hostfs_rw= on its command line, fixed
 * at boot) and the Landlock ruleset of the kernel process (landlock.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "mounts.h"

static char *mounts_strdup(const char *s, size_t len)
{
	char *d = strndup(s, len);

	if (!d)
		die("out of memory");
	return d;
}

const char *mounts_parse_bind(const char *arg, struct mount_opt *m)
{
	const char *end = arg + strlen(arg), *colon;
	char *src, real[PATH_MAX];
	struct stat st;

	m->kind = MOUNT_BIND_RO;
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
	if (!realpath(src, real)) {
		free(src);
		return strerror(errno);
	}
	free(src);
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return "source is not a directory";
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
