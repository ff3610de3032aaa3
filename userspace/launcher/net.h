/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-mode networking for the guest (-n, -p): libslirp run inside the
 * launcher's poll loop, ethernet frames over a socketpair whose other end
 * the UML vector driver uses through its fd transport.
 */
#ifndef UMLRUN_NET_H
#define UMLRUN_NET_H

#include "options.h"
#include "util.h"

/* The fd number the guest's end of the frame socketpair has in UML. */
#define NET_GUEST_FD 4
/*
 * IP MTU on both sides. Larger frames are fewer syscalls, but at 32K and
 * more the guest's initial receive window is below one segment and
 * slirp's sender waits on its persist timer (measured: 64 MB at 65520
 * took minutes); 16384 was the fastest both ways.
 */
#define NET_MTU 16384
#define NET_GUEST_MAC "52:54:00:12:34:56"
/* How long data for host sockets may still flow after the command's exit. */
#define NET_DRAIN_MS 3000

/*
 * Before the kernel starts: make the socketpair and the slirp stack, bind
 * the published ports. Dies on failure (bad address, port in use).
 * Returns the guest's end of the socketpair (the caller passes it to UML
 * and closes it), or -1 when networking is off.
 */
int net_init(const struct options *o);
/* Add our fds to ps; lowers *timeout_ms (-1: none) to the next timer. */
void net_fill_pollfds(struct pollset *ps, int *timeout_ms);
/* After poll: move frames, let slirp serve its sockets and timers. */
void net_handle_pollfds(const struct pollset *ps);
/*
 * After the command's exit: let slirp hand the host what the guest sent
 * (data it acknowledged to the guest but the host socket had no room for
 * yet), for at most max_ms.
 */
void net_drain(int max_ms);
/* Close everything; reports frames that had to be dropped. Idempotent. */
void net_cleanup(void);

#endif
