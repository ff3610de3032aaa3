/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the launcher and the guest init: full read and
 * write loops that survive EINTR and short transfers.
 */
#ifndef UMLRUN_UTIL_H
#define UMLRUN_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Write all of buf; returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/* read() that retries on EINTR; returns bytes or -errno. */
ssize_t read_retry(int fd, void *buf, size_t len);

#endif
