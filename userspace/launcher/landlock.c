// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock for the UML kernel process, the second isolation layer: it must
 * hold on its own against code running in the kernel process (a guest root
 * that loaded a module, or a kernel without our hostfs write policy). The
 * launcher builds the ruleset before forking, the child enforces it just
 * before exec. With every right the host's ABI offers:
 *  - files: read everything but the host's /dev (only null, zero, full,
 *    random and urandom there), execute only the kernel binary and its ELF
 *    interpreter, write, create, truncate, remove, rename or link only
 *    beneath the run directory and the declared writable paths;
 *  - device ioctls (ABI 5): only on /dev/null and /dev/zero;
 *  - TCP (ABI 4): no bind, no connect (the network is the socketpair);
 *  - scopes (ABI 6): no abstract Unix socket and no signal outside the
 *    kernel's own processes.
 * Ptrace outside the domain is refused by Landlock at every ABI.
 * UMLRUN_LANDLOCK=0 makes the host look like one without Landlock (for
 * tests of the other layer; a run then needs --drop-layer landlock).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "options.h"
#include "log.h"
#include "util.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

/* The ruleset attribute of ABI 6; older ABIs take a prefix of it. */
struct landlock_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define LL_EXEC (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE)
#define LL_FILE (LANDLOCK_ACCESS_FS_READ_FILE | \
		 LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

/* Host devices the kernel may open: reading, and writing where it makes
 * sense. Nothing else under /dev (terminals, disks, the user's input). */
static const char *const landlock_devs[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
};

int landlock_abi(void)
{
	static int abi = -1;
	const char *env;

	if (abi >= 0)
		return abi;
	env = options_env("UMLRUN_LANDLOCK");
	if (env && !strcmp(env, "0")) {
		abi = 0;
		return abi;
	}
	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		abi = 0;
	return abi;
}

/* Every filesystem right this ABI knows. */
uint64_t landlock_all(int abi)
{
	uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

/* Allow access beneath path (a file: only the file rights). A path that
 * does not exist is skipped when optional, fatal otherwise. */
void landlock_allow(int ruleset, const char *path, uint64_t access,
		    uint64_t handled, int optional)
{
	struct landlock_path_beneath_attr rule = { 0 };
	struct stat st;
	int fd;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (optional)
			return;
		die_errno("landlock: %s", path);
	}
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= LL_FILE | LANDLOCK_ACCESS_FS_EXECUTE |
			  LANDLOCK_ACCESS_FS_IOCTL_DEV;
	rule.allowed_access = access & handled;
	rule.parent_fd = fd;
	if (rule.allowed_access &&
	    syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		    &rule, 0) < 0)
		die_errno("landlock: rule for %s", path);
	close(fd);
}

/* Read beneath every entry of / but /dev; listing / itself is allowed. */
static void landlock_allow_root(int ruleset, uint64_t handled)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	landlock_allow(ruleset, "/", LANDLOCK_ACCESS_FS_READ_DIR, handled, 0);
	dir = opendir("/");
	if (!dir)
		die_errno("landlock: /");
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "/%s", d->d_name);
		if (!realpath(path, real) || !strcmp(real, "/dev") ||
		    !strncmp(real, "/dev/", 5) || !strcmp(real, "/"))
			continue;
		landlock_allow(ruleset, real, LL_READ, handled, 1);
	}
	closedir(dir);
}

/*
 * The ELF interpreter the kernel binary names (PT_INTERP), into buf;
 * empty for a static binary. The host's execve opens it for execution.
 */
static void landlock_interp(const char *exe, char *buf, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, i;

	buf[0] = 0;
	fd = open(exe, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph))
		goto out;
	for (i = 0; i < eh.e_phnum && i < 64; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			break;
		if (ph.p_type != PT_INTERP || ph.p_filesz == 0 ||
		    ph.p_filesz >= len)
			continue;
		if (pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) !=
		    (ssize_t)ph.p_filesz)
			buf[0] = 0;
		else
			buf[ph.p_filesz] = 0;
		break;
	}
out:
	close(fd);
}

int landlock_create(uint64_t net, uint64_t scoped)
{
	struct landlock_attr attr = { 0 };
	int abi = landlock_abi(), ruleset;
	size_t size = sizeof(attr.handled_access_fs);

	attr.handled_access_fs = landlock_all(abi);
	if (abi >= 4) {
		attr.handled_access_net = net;
		size = offsetof(struct landlock_attr, scoped);
	}
	if (abi >= 6) {
		attr.scoped = scoped;
		size = sizeof(attr);
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (ruleset < 0)
		return -1;
	if (fcntl(ruleset, F_SETFD, FD_CLOEXEC) < 0) {
		close(ruleset);
		return -1;
	}
	return ruleset;
}

int landlock_confined(const char *const *exec, size_t ne,
		      const char *const *ro, size_t nr,
		      const char *const *rw, size_t nw, int read_host)
{
	int abi = landlock_abi(), ruleset;
	uint64_t fs = landlock_all(abi);
	size_t i;

	if (!abi)
		return -1;
	ruleset = landlock_create(LANDLOCK_ACCESS_NET_BIND_TCP |
				  LANDLOCK_ACCESS_NET_CONNECT_TCP,
				  LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
				  LANDLOCK_SCOPE_SIGNAL);
	if (ruleset < 0)
		die_errno("landlock: create ruleset");
	if (read_host)
		landlock_allow_root(ruleset, fs);
	else
		landlock_allow(ruleset, "/", LANDLOCK_ACCESS_FS_READ_DIR, fs, 0);
	for (i = 0; i < ne; i++)
		landlock_allow(ruleset, exec[i], LL_READ | LL_EXEC, fs, 0);
	for (i = 0; i < ARRAY_SIZE(landlock_devs); i++)
		landlock_allow(ruleset, landlock_devs[i],
			       LL_FILE | (i < 2 ? LANDLOCK_ACCESS_FS_IOCTL_DEV : 0),
			       fs, 1);
	for (i = 0; i < nr; i++)
		landlock_allow(ruleset, ro[i], LL_READ, fs, 0);
	for (i = 0; i < nw; i++)
		landlock_allow(ruleset, rw[i], fs & ~LANDLOCK_ACCESS_FS_EXECUTE &
			       ~LANDLOCK_ACCESS_FS_IOCTL_DEV, fs, 0);
	return ruleset;
}

int landlock_prepare(const char *kernel, const char *const *ro, size_t nr,
		     const char *const *rw, size_t nw)
{
	char interp[PATH_MAX];
	const char *exec[] = { kernel, interp };
	int abi = landlock_abi(), ruleset;

	landlock_interp(kernel, interp, sizeof(interp));
	ruleset = landlock_confined(exec, interp[0] ? 2 : 1, ro, nr, rw, nw, 1);
	if (ruleset >= 0)
		info("Landlock ABI %d: the kernel may write only %zu path%s%s%s",
		     abi, nw, nw == 1 ? "" : "s", abi >= 4 ? ", no TCP" : "",
		     abi >= 6 ? ", no signal or abstract socket outside" : "");
	return ruleset;
}

int landlock_enforce(int ruleset)
{
	if (ruleset < 0)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return -errno;
	return 0;
}
