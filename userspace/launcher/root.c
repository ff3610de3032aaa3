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
 * / unless a part of it is bound rw. An image is attached as a read-only
 * disk (disks.c), opened here without following a link, as every path.
 *
 * A tar archive is untrusted input, and nothing of it lands on the host
 * as a file: it becomes a squashfs image in the cache (tar2sqfs), which
 * the guest mounts, so its device nodes, set-id bits and owners exist only
 * in the guest's filesystem. The image is named by the SHA-256 of the
 * archive's bytes, read once from the opened file; on a miss they are
 * copied into a private file while hashed again (a file changed in
 * between is refused), and the decompressor and tar2sqfs read that copy,
 * confined (they may write only in the cache's roots directory, execute
 * only the system's programs, no network), while the launcher counts the
 * unpacked bytes against --root-max.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "disks.h"
#include "facts.h"
#include "hostpath.h"
#include "log.h"
#include "plan.h"
#include "root.h"
#include "sandbox.h"
#include "sha256.h"
#include "util.h"

/* Exit status when the new root has no /bin/sh to start (as not found). */
#define EXIT_NOT_FOUND 127
#define ROOT_IO 65536

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

/* mkdir -p of path (mode 0700 for what it makes): 0 or -errno. */
static int root_mkdirs(char *path)
{
	char *p;

	for (p = path + 1;; p++) {
		if (*p && *p != '/')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = 0;
			if (mkdir(path, 0700) < 0 && errno != EEXIST) {
				*p = c;
				return -errno;
			}
			*p = c;
		}
		if (!*p)
			return 0;
	}
}

int root_cache_dir(char *buf, size_t len)
{
	const char *cache = options_env("UMLRUN_CACHE");
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char fallback[64];
	struct passwd *pw;
	struct stat st;

	if (cache && *cache) {
		snprintf(buf, len, "%s/" FACT_CACHE_ROOTS, cache);
		return root_mkdirs(buf);
	}
	if (!home || *home != '/') {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (xdg && *xdg == '/')
		snprintf(buf, len, "%s/" FACT_CACHE_NAME "/" FACT_CACHE_ROOTS, xdg);
	else if (home && *home == '/')
		snprintf(buf, len, "%s/.cache/" FACT_CACHE_NAME "/" FACT_CACHE_ROOTS, home);
	else
		buf[0] = 0;
	if (buf[0] && !root_mkdirs(buf) && access(buf, W_OK) == 0)
		return 0;
	/* no home to write (nobody's /nonexistent): a cache of one's own
	 * that nobody else may have made or may enter (scripts/facts) */
	snprintf(fallback, sizeof(fallback), FACT_CACHE_FALLBACK "%u",
		 (unsigned int)getuid());
	snprintf(buf, len, "%s/" FACT_CACHE_ROOTS, fallback);
	if (mkdir(fallback, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(fallback, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 077))
		return -EPERM;
	return root_mkdirs(buf);
}

int root_cache_sub(const char *sub, char *buf, size_t len)
{
	char *slash;
	int err = root_cache_dir(buf, len);

	if (err)
		return err;
	slash = strrchr(buf, '/');
	if (!slash)
		return -EINVAL;
	snprintf(slash + 1, len - (size_t)(slash + 1 - buf), "%s", sub);
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* "ext4", "squashfs", "tar" from the first bytes of fd; decompressor
 * the program a compressed tar needs (or NULL); NULL when neither. */
static const char *root_kind(int fd, const char **decompressor)
{
	static const unsigned char gz[] = { 0x1f, 0x8b }, xz[] = { 0xfd, '7', 'z', 'X', 'Z' },
				   zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	unsigned char b[2048] = { 0 };
	ssize_t n;

	*decompressor = NULL;
	n = pread(fd, b, sizeof(b), 0);
	if (n < 0)
		return NULL;
	if (!memcmp(b, "hsqs", 4))
		return "squashfs";
	if (b[1080] == 0x53 && b[1081] == 0xef)
		return "ext4";
	if (!memcmp(b, gz, sizeof(gz)))
		*decompressor = "gzip";
	else if (!memcmp(b, xz, sizeof(xz)))
		*decompressor = "xz";
	else if (!memcmp(b, zst, sizeof(zst)))
		*decompressor = "zstd";
	else if (!memcmp(b, "BZh", 3))
		*decompressor = "bzip2";
	if (*decompressor || !memcmp(b + 257, "ustar", 5))
		return "tar";
	return NULL;
}

/* The SHA-256 of the bytes of fd from its start; copy: also written to it. */
static void root_hash(int fd, int copy, const char *what, char *hex)
{
	static char buf[ROOT_IO];
	struct sha256 s;
	off_t off = 0;
	ssize_t n;

	sha256_init(&s);
	while ((n = pread(fd, buf, sizeof(buf), off)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_errno("--root %s", what);
		}
		sha256_update(&s, buf, (size_t)n);
		if (copy >= 0 && write_all(copy, buf, (size_t)n) < 0)
			die_errno("--root %s: cannot copy it into the cache", what);
		off += n;
	}
	sha256_hex(&s, hex);
}

/*
 * A child that runs argv confined to writing in dir, with stdin in and
 * stdout out (each -1: /dev/null), stderr only with -v; its pid.
 */
static pid_t root_tool(char *const argv[], int in, int out, const char *dir,
		       unsigned long long fsize)
{
	const char *rw[] = { dir };
	struct rlimit rl = { fsize, fsize };
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid)
		return pid;
	signal(SIGPIPE, SIG_DFL);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup2(in >= 0 ? in : fd, 0) < 0 ||
	    dup2(out >= 0 ? out : fd, 1) < 0 ||
	    (!log_verbose && dup2(fd, 2) < 0))
		_exit(126);
	if (sandbox_close_range(3, ~0U) || (fsize && setrlimit(RLIMIT_FSIZE, &rl)) ||
	    confine_tool(NULL, 0, rw, 1))
		_exit(126);
	execvp(argv[0], argv);
	_exit(127);
}

static int root_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * The private copy at fd (its bytes hashed as hex) into the squashfs image
 * tmp (in dir): the decompressor (if any) and tar2sqfs, the unpacked tar
 * counted on its way between them. Dies saying why it failed.
 */
static void root_squash(int copy, const char *decompressor, const char *dir,
			const char *tmp, const char *what, unsigned long long max)
{
	char *dargv[] = { (char *)decompressor, "-dc", NULL };
	char *targv[] = { "tar2sqfs", "--quiet", "--force", "--no-skip",
			  "--compressor", "zstd", "--defaults", "mode=0755",
			  (char *)tmp, NULL };
	static char buf[ROOT_IO];
	unsigned long long total = 0;
	int d[2] = { -1, -1 }, t[2], over = 0, drc = 0, trc;
	pid_t dpid = -1, tpid;
	ssize_t n;

	if (lseek(copy, 0, SEEK_SET) < 0 || pipe2(t, O_CLOEXEC) < 0 ||
	    (decompressor && pipe2(d, O_CLOEXEC) < 0))
		die_errno("--root %s", what);
	if (decompressor)
		dpid = root_tool(dargv, copy, d[1], dir, 0);
	tpid = root_tool(targv, t[0], -1, dir, max + (64ULL << 20));
	close(t[0]);
	if (decompressor)
		close(d[1]);
	for (;;) {
		n = read(decompressor ? d[0] : copy, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += (unsigned long long)n;
		if (total > max) {
			over = 1;
			break;
		}
		if (write_all(t[1], buf, (size_t)n) < 0)
			break;
	}
	close(t[1]);
	if (decompressor) {
		close(d[0]);
		if (over)
			kill(dpid, SIGKILL);
		drc = root_wait(dpid);
	}
	if (over)
		kill(tpid, SIGKILL);
	trc = root_wait(tpid);
	if (over || drc || trc)
		unlink(tmp);
	if (over)
		die("--root %s: it unpacks to more than %llu MiB (--root-max)", what,
		    max >> 20);
	if (drc)
		die("--root %s: %s cannot read it (exit %d; -v shows why)", what,
		    decompressor, drc);
	if (trc)
		die("--root %s: not a tar archive tar2sqfs can read (exit %d; -v shows why)",
		    what, trc);
}

/*
 * The archive at fd as a squashfs image in the cache: its path in out,
 * opened (read-only) as the return value.
 */
static int root_from_tar(int fd, const char *decompressor, const char *what,
			 unsigned long long max, char *out, size_t len)
{
	char dir[PATH_MAX - 96], hex[65], again[65], tmp[PATH_MAX];
	int copy, img, err;

	root_hash(fd, -1, what, hex);
	err = root_cache_dir(dir, sizeof(dir));
	if (err)
		die("--root %s: no cache for the archive's image (%s: %s): set UMLRUN_CACHE to a directory of yours",
		    what, dir, strerror(-err));
	snprintf(out, len, "%s/%s.sqfs", dir, hex);
	img = open(out, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (img >= 0) {
		info("root: %s is %s (cached)", what, out);
		return img;
	}
	/* The bytes unpacked are the bytes hashed: a private copy. */
	copy = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (copy < 0)
		die_errno("--root %s: cannot copy it into %s", what, dir);
	root_hash(fd, copy, what, again);
	if (strcmp(hex, again))
		die("--root %s changed while umlrun read it", what);
	snprintf(tmp, sizeof(tmp), "%s/.%.16s-%d.sqfs", dir, hex, (int)getpid());
	info("root: making %s into a squashfs image", what);
	root_squash(copy, decompressor, dir, tmp, what, max);
	close(copy);
	if (rename(tmp, out) < 0) {
		err = errno;
		unlink(tmp);
		errno = err;
		die_errno("--root: cannot keep %s in the cache", out);
	}
	info("root: %s is now %s", what, out);
	img = open(out, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (img < 0)
		die_errno("--root %s", out);
	return img;
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

void root_prepare(struct plan *p)
{
	static char cwd[PATH_MAX], real[PATH_MAX];
	struct options *o = &p->o;
	const char *kind = NULL, *decompressor;
	char why[PATH_MAX + 256];
	struct disk_opt *d;
	struct stat st;
	int fd;

	if (!o->root)
		return;
	fd = hostpath_open(o->root, O_RDONLY, o->follow_links, why, sizeof(why));
	if (fd < 0)
		die("--root %s: %s", o->root, why);
	if (fstat(fd, &st) < 0 || hostpath_real(fd, real, sizeof(real)) < 0)
		die_errno("--root %s", o->root);
	if (!S_ISDIR(st.st_mode)) {
		if (!S_ISREG(st.st_mode) || !(kind = root_kind(fd, &decompressor)))
			die("--root %s: not a directory, tar archive, ext4 or squashfs image",
			    o->root);
		if (!strcmp(kind, "tar")) {
			int img = root_from_tar(fd, decompressor, o->root, o->root_max,
						real, sizeof(real));

			close(fd);
			fd = img;
			kind = "squashfs";
		}
		if (strpbrk(real, ",:\" \t\n"))
			die("--root %s: the kernel cannot take a path with ',', ':', '\"' or blanks",
			    o->root);
		d = disks_add(&o->disks, &o->n_disks);
		d->mode = DISK_ROOT;
		d->fd = fd;
		d->file = strdup(real);
		if (!d->file)
			die("out of memory");
		p->root = (struct proto_mount){ "root", disks_device(o->n_disks - 1), kind };
		p->root.src = strdup(p->root.src);
		if (!p->root.src)
			die("out of memory");
		fd = -1;
	} else {
		p->root = (struct proto_mount){ "root", real, "hostfs" };
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
		    (!root_under_mount(o, cwd) && (fd < 0 || !root_has(fd, cwd, 1))))
			strcpy(cwd, "/");
		o->cwd = cwd;
	}
	if (fd >= 0)
		close(fd);
	info("root: %s (%s)%s", real, p->root.dst, o->overlay ? ", writable overlay" : "");
}
