// SPDX-License-Identifier: GPL-2.0
/*
 * umlinit's filesystem model: applies the mount table that came with the
 * command (--bind, --tmpfs, --overlay). Binds are extra hostfs mounts of
 * host directories; whether they can be written is decided on the host
 * (the kernel's hostfs_rw= policy and Landlock), the ro/rw mount flag only
 * mirrors it. When a mount point is missing from the read-only host root,
 * or with --overlay, the guest gets a new root: an overlay of the host's /
 * with a tmpfs above (made read-only again unless --overlay), into which
 * the guest's own /proc, /dev, /sys, /run and /var/tmp move, with a fresh
 * /tmp; then pivot_root. Nothing written there reaches the host.
 * With --root the lower layer is not the host's / but the table's "root"
 * entry: a hostfs of another host directory, or the ext4 or squashfs
 * filesystem on a read-only disk, mounted read-only (the kernel itself
 * still booted from the host's /, so this init and the module come from
 * there).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"
#include "init.h"
#include "log.h"
#include "util.h"

#define HOSTFS_MAGIC 0x00c0ffee
/* In the guest's first /tmp, which the new root no longer shows. */
#define SCRATCH "/tmp/.umlrun-root"
#define NEWROOT SCRATCH "/root"
#define LOWER SCRATCH "/lower"

/* Would making path need a write to the (read-only) host root? */
static int mounts_needs_new_root(const char *path)
{
	char buf[PATH_MAX];
	struct statfs sf;
	char *slash;

	if (init_is_dir(path))
		return 0;
	snprintf(buf, sizeof(buf), "%s", path);
	while (!init_is_dir(buf)) {
		slash = strrchr(buf, '/');
		if (!slash || slash == buf) {
			strcpy(buf, "/");
			break;
		}
		*slash = 0;
	}
	return statfs(buf, &sf) < 0 || sf.f_type == HOSTFS_MAGIC;
}

static void mounts_point(const char *path)
{
	int err = init_mkdir_p(path);

	if (err)
		init_fatal(125, "cannot make mount point %s in the guest: %s",
			   path, strerror(-err));
}

static void mounts_do(const char *src, const char *dst, const char *type,
		      unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		init_fatal(125, "mount %s on %s: %s", type, dst,
			   strerror(errno));
}

/* --root: its filesystem at LOWER, read-only: hostfs (src is a host
 * directory) or ext4/squashfs (src is the disk). */
static void mounts_lower(const struct proto_mount *r)
{
	if (mkdir(LOWER, 0755) < 0)
		init_fatal(125, "mkdir %s: %s", LOWER, strerror(errno));
	if (!strcmp(r->dst, "hostfs"))
		mounts_do("hostfs", LOWER, "hostfs", MS_RDONLY, r->src);
	else if (!strcmp(r->dst, "ext4"))
		/* noload: a dirty journal cannot be replayed on a ro disk */
		mounts_do(r->src, LOWER, "ext4", MS_RDONLY, "noload");
	else if (!strcmp(r->dst, "squashfs"))
		mounts_do(r->src, LOWER, "squashfs", MS_RDONLY, NULL);
	else
		init_fatal(125, "unknown root filesystem '%s'", r->dst);
}

/*
 * An overlay of the host root (or the --root lower) with a tmpfs above,
 * the guest's own mounts moved in, a fresh /tmp. The first /tmp holds the
 * upper layer.
 */
static void mounts_new_root(const struct proto_mount *r)
{
	static const char *const moved[] = { "/proc", "/dev", "/sys", "/run",
					     "/var/tmp" };
	char path[PATH_MAX];
	size_t i;

	if (mkdir(SCRATCH, 0700) < 0 || mkdir(SCRATCH "/upper", 0755) < 0 ||
	    mkdir(SCRATCH "/work", 0700) < 0 || mkdir(NEWROOT, 0755) < 0)
		init_fatal(125, "mkdir %s: %s", SCRATCH, strerror(errno));
	if (r)
		mounts_lower(r);
	mounts_do("overlay", NEWROOT, "overlay", 0,
		  r ? "lowerdir=" LOWER ",upperdir=" SCRATCH "/upper,workdir="
		      SCRATCH "/work"
		    : "lowerdir=/,upperdir=" SCRATCH "/upper,workdir=" SCRATCH
		      "/work");
	for (i = 0; i < ARRAY_SIZE(moved); i++) {
		snprintf(path, sizeof(path), NEWROOT "%s", moved[i]);
		if (init_mkdir_p(path) < 0)
			continue;
		/* EINVAL: nothing was mounted there (optional mounts). */
		if (mount(moved[i], path, NULL, MS_MOVE, NULL) < 0 &&
		    errno != EINVAL)
			init_fatal(125, "move %s: %s", moved[i],
				   strerror(errno));
	}
	mounts_point(NEWROOT "/tmp");
	mounts_do("tmpfs", NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777");
}

static void mounts_pivot(void)
{
	if (chdir(NEWROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		init_fatal(125, "switching to the new root: %s",
			   strerror(errno));
}

static void mounts_apply(const char *root, const struct proto_mount *m)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s%s", root, m->dst) >=
	    (int)sizeof(path))
		init_fatal(125, "mount point %s: %s", m->dst,
			   strerror(ENAMETOOLONG));
	mounts_point(path);
	if (!strcmp(m->kind, "tmpfs"))
		mounts_do("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
			  "mode=0755");
	else
		mounts_do(m->src, path, "hostfs",
			  !strcmp(m->kind, "rw") ? 0 : MS_RDONLY, m->src);
}

void init_mounts(const struct proto_exec *e)
{
	const struct proto_mount *lower = NULL;
	int overlay = 0, new_root = 0, err;
	const char *root = "";
	uint32_t i;

	for (i = 0; i < e->nmounts; i++) {
		const struct proto_mount *m = &e->mounts[i];

		if (!strcmp(m->kind, "overlay")) {
			overlay = new_root = 1;
		} else if (!strcmp(m->kind, "root")) {
			lower = m;
			new_root = 1;
		} else if (strcmp(m->kind, "ro") && strcmp(m->kind, "rw") &&
			   strcmp(m->kind, "tmpfs")) {
			init_fatal(125, "unknown mount kind '%s'", m->kind);
		} else if (m->dst[0] != '/') {
			init_fatal(125, "mount point %s is not absolute",
				   m->dst);
		} else if (mounts_needs_new_root(m->dst)) {
			new_root = 1;
		}
	}
	if (new_root) {
		mounts_new_root(lower);
		root = NEWROOT;
	}
	for (i = 0; i < e->nmounts; i++)
		if (strcmp(e->mounts[i].kind, "overlay") &&
		    strcmp(e->mounts[i].kind, "root"))
			mounts_apply(root, &e->mounts[i]);
	if (!new_root)
		return;
	init_net_resolv_in(NEWROOT);
	if (!overlay)
		mounts_do(NULL, NEWROOT, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
			  NULL);
	mounts_pivot();
	if (overlay) {
		err = init_mkdir_p(e->cwd);
		if (err)
			init_log("cannot make %s: %s", e->cwd, strerror(-err));
	}
}
