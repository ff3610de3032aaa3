/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's filesystem model as the launcher sees it: --bind, --tmpfs
 * and --overlay, turned into the guest's mount table, the kernel's
 * host-side write policy (hostfs_rw=) and the list of host directories
 * the kernel process may write (Landlock).
 */
#ifndef UMLRUN_MOUNTS_H
#define UMLRUN_MOUNTS_H

#include <stddef.h>

#include "proto.h"

enum mount_kind { MOUNT_BIND_RO, MOUNT_BIND_RW, MOUNT_TMPFS };

struct mount_opt {
	enum mount_kind kind;
	char *src;	/* host directory (real path); NULL for tmpfs */
	char *dst;	/* absolute path in the guest */
	int fd;		/* the directory, opened (hostpath.h); -1 for tmpfs */
};

/*
 * Parse "SRC[:DST][:ro|rw]" into m, opening SRC on the host without
 * following a link (unless follow); returns 0 or a usage error message.
 */
const char *mounts_parse_bind(const char *arg, struct mount_opt *m,
			      int follow);
/* Parse a --tmpfs PATH; returns 0 or a usage error message. */
const char *mounts_parse_tmpfs(const char *arg, struct mount_opt *m);

/* The guest's mount table (free() it); *n entries; root (--root) first
 * when not NULL. */
struct proto_mount *mounts_table(const struct mount_opt *m, size_t n,
				 int overlay, const struct proto_mount *root,
				 uint32_t *count);
/* "hostfs_rw=..." for the kernel, or NULL when nothing is writable. */
char *mounts_hostfs_rw(const struct mount_opt *m, size_t n);
/* Does any mount let the guest write a host path? */
int mounts_any_writable(const struct mount_opt *m, size_t n);
/* Free the entries' strings and close their fds. */
void mounts_free(struct mount_opt *m, size_t n);

#endif
