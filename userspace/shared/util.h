/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the launcher and the guest init: full read and
 * write loops that survive EINTR and short transfers, a growable pollfd
 * array.
 */
#ifndef UMLRUN_UTIL_H
#define UMLRUN_UTIL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Write all of buf; returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/* read() that retries on EINTR; returns bytes or -errno. */
ssize_t read_retry(int fd, void *buf, size_t len);

/* CLOCK_MONOTONIC in nanoseconds: the one clock of launcher and init. */
int64_t mono_ns(void);

/* Is word one of the comma-, space- or newline-separated words of list? */
int has_word(const char *list, const char *word);

/* Is the environment variable set to something other than "" or "0"? */
int env_flag(const char *name);

/* A growable pollfd array: the launcher's loop refills it each round. */
struct pollset {
	struct pollfd *fds;
	size_t n, cap;
};

/* Append fd; returns its index, or -ENOMEM. */
int pollset_add(struct pollset *ps, int fd, short events);
void pollset_free(struct pollset *ps);

#endif
