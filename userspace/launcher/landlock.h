/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The second isolation layer: a Landlock ruleset on the UML kernel
 * process, so that even a kernel without our hostfs write policy (or a
 * guest that loaded a module) can write only where the caller allowed.
 */
#ifndef UMLRUN_LANDLOCK_H
#define UMLRUN_LANDLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/landlock.h>

#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/* Reading files and listing directories. */
#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/* The host's Landlock ABI version, 0 when unavailable or disabled. */
int landlock_abi(void);
/*
 * Build the ruleset for the kernel binary: read the host but its /dev,
 * execute only the kernel, write only beneath the nw paths in rw (and read
 * the nr paths in ro, e.g. binds of host devices), no TCP, no signal or
 * abstract socket outside. Returns its fd (close-on-exec), or -1 when
 * Landlock is unavailable; dies on other failures.
 */
int landlock_prepare(const char *kernel, const char *const *ro, size_t nr,
		     const char *const *rw, size_t nw);
/*
 * The ruleset of any confined host process that reads what the guest
 * controls (the kernel, the --coverage report): read the host but its
 * /dev (null, zero, full, random, urandom aside; without read_host, only
 * what the other paths name), execute only beneath the ne paths in exec,
 * read the nr paths in ro, write beneath the nw in rw (executing nothing
 * there), no TCP, no signal or abstract socket outside. Its fd, or -1
 * without Landlock; dies on other failures.
 */
int landlock_confined(const char *const *exec, size_t ne,
		      const char *const *ro, size_t nr,
		      const char *const *rw, size_t nw, int read_host);
/* NO_NEW_PRIVS and the ruleset on the calling thread: 0 or -errno. */
int landlock_enforce(int ruleset);
/*
 * A ruleset handling every filesystem right of the host's ABI and, where
 * the ABI has them, the TCP rights in net and the scopes in scoped;
 * close-on-exec fd, or -1 with errno.
 */
int landlock_create(uint64_t net, uint64_t scoped);
/* Every filesystem right this ABI knows. */
uint64_t landlock_all(int abi);
/* Allow access (of handled) beneath path, files get file rights; a path
 * that does not exist is skipped when optional, else fatal. */
void landlock_allow(int ruleset, const char *path, uint64_t access,
		    uint64_t handled, int optional);

#endif
