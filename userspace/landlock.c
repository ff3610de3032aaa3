// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock for the UML kernel process. The launcher builds the ruleset
 * before forking, the child enforces it just before exec: the kernel (and
 * every helper process it forks) may read and execute anything, but
 * create, write, truncate, remove, rename or link only beneath the run
 * directory (UML's memory file and umid directory) and the declared
 * writable binds, plus write /dev/null. The handled rights follow the
 * host's ABI version; UMLRUN_LANDLOCK=0 turns the layer off (for tests
 * of the other layer).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "log.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

#define LL_READ (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		 LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		 LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

int landlock_abi(void)
{
	static int abi = -1;
	const char *env;

	if (abi >= 0)
		return abi;
	env = getenv("UMLRUN_LANDLOCK");
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

uint64_t landlock_all(int abi)
{
	uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	return all;
}

void landlock_allow(int ruleset, const char *path, uint64_t access,
		    uint64_t handled)
{
	struct landlock_path_beneath_attr rule = { 0 };
	struct stat st;
	int fd;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		die_errno("landlock: %s", path);
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= LL_FILE;
	rule.allowed_access = access & handled;
	rule.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		    &rule, 0) < 0)
		die_errno("landlock: rule for %s", path);
	close(fd);
}

int landlock_prepare(const char *const *rw, size_t nw)
{
	struct landlock_ruleset_attr attr = { 0 };
	int abi = landlock_abi(), ruleset;
	size_t i;

	if (!abi) {
		info("Landlock is not available: the hostfs write policy alone guards the host");
		return -1;
	}
	attr.handled_access_fs = landlock_all(abi);
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
			       sizeof(attr), 0);
	if (ruleset < 0)
		die_errno("landlock: create ruleset");
	if (fcntl(ruleset, F_SETFD, FD_CLOEXEC) < 0)
		die_errno("landlock: ruleset");
	landlock_allow(ruleset, "/", LL_READ, attr.handled_access_fs);
	landlock_allow(ruleset, "/dev/null", LL_FILE, attr.handled_access_fs);
	for (i = 0; i < nw; i++)
		landlock_allow(ruleset, rw[i], attr.handled_access_fs,
			       attr.handled_access_fs);
	info("Landlock ABI %d: the kernel may write only %zu director%s", abi,
	     nw, nw == 1 ? "y" : "ies");
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
