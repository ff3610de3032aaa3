/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host paths that name something the guest could have shaped (a disk, a
 * bind, a root, an output file beside the guest's files): opened, not
 * resolved. The walk follows no symbolic link (an earlier run's guest may
 * have planted one in a writable bind) unless the user said so for a
 * path of the command line; what was opened is checked with fstat and
 * handed on as the fd itself (its /proc/self/fd/N name for those that
 * want a path), so check and use cannot differ.
 */
#ifndef UMLRUN_HOSTPATH_H
#define UMLRUN_HOSTPATH_H

#include <stddef.h>

/*
 * Open path (relative to the working directory, or absolute) with flags
 * (O_PATH, O_RDONLY, O_RDWR, O_DIRECTORY...; O_CLOEXEC is added),
 * following no symbolic link unless follow. Opened for its content (not
 * O_PATH), it must be a regular file or a directory: a fifo, socket or
 * device is refused, and the open never waits for one. Returns the fd,
 * or -errno with a one-line reason in why (a link names itself and its
 * target).
 */
int hostpath_open(const char *path, int flags, int follow, char *why,
		  size_t len);
/* The canonical path of an open fd (readlink of /proc/self/fd/N). */
int hostpath_real(int fd, char *buf, size_t len);

/*
 * An output file (--log, --junit, --result-json): a new file beside path,
 * made without following a link at path or above it (unless follow),
 * and renamed over path, so nothing is written through an existing
 * name. Returns the open fd (O_WRONLY), or -errno with why.
 */
int hostpath_create(const char *path, int follow, char *why, size_t len);

#endif
