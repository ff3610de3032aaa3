/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the UML kernel process may do on the host beyond Landlock's file,
 * TCP and scope rights: a seccomp filter, the capability bounding set of a
 * root caller, and exactly the fds it needs.
 */
#ifndef UMLRUN_SANDBOX_H
#define UMLRUN_SANDBOX_H

/* Flags for sandbox_enter. */
#define SANDBOX_METADATA 1	/* writable paths exist: chmod, chown, utimes */

/*
 * In the kernel's child, after Landlock and before exec: drop the
 * capabilities a kernel process has no use for (root callers), then
 * install the seccomp filter. 0 or -errno.
 */
int sandbox_enter(unsigned int flags);
/* close_range(2): 0, or -1 with errno. */
int sandbox_close_range(unsigned int lo, unsigned int hi);

#endif
