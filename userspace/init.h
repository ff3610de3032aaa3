/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest init (umlinit) internals shared between its setup and relay parts.
 */
#ifndef UMLRUN_INIT_H
#define UMLRUN_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* The channel to the host, /dev/hostexec, once open; -1 before. */
extern int init_chan;

/* Log one line to the kernel log (/dev/kmsg), never to the command's streams. */
void init_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Report an infrastructure failure: log it, send ERROR with the exit status
 * to the host if the channel is up, sync and power off. Never returns.
 */
void init_fatal(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
/* Send one frame; on channel failure the machine powers off. */
void init_send(unsigned int type, unsigned int flags, const void *payload,
	       size_t len);
/* Write one encoded frame, waiting while the host is busy; 0 or -errno. */
int init_send_frame(const void *frame, size_t len);
void init_poweroff(void) __attribute__((noreturn));

/* Set up the guest: mounts, loopback, hostname, the hostexec module. */
void init_setup(void);
/* Apply the mount table of e (binds, tmpfs, overlay root); fatal on error. */
void init_mounts(const struct proto_exec *e);
/* -n: eth0 with slirp's addresses and a resolv.conf (init_net.c). */
void init_net_setup(void);
/* -n with a new root at root: its /etc/resolv.conf becomes the guest's. */
void init_net_resolv_in(const char *root);
/* --swap: format the device umlrun.swap= names and swapon (init_disks.c). */
void init_swap(const char *dev);
/* After the command: wait (bounded) until its TCP data has left the guest. */
void init_net_drain(void);
/* --coverage (umlrun.coverage=HOSTDIR, else nothing): zero gcov's counters
 * before the command; after it, write its .gcda files to HOSTDIR/gcda.tar
 * (init_coverage.c). */
void init_coverage_reset(const char *hostdir);
void init_coverage_collect(const char *hostdir);
/* Open the ring devices if the host set them up (before HELLO). */
void init_ring_open(void);
/*
 * Run the command described by e, relay its stdio; returns its wait status.
 * With PROTO_EXEC_PTY the command runs on a pseudo-terminal of winsize
 * (rows, columns).
 */
int init_run(const struct proto_exec *e, struct proto_reader *rd,
	     const uint32_t *winsize);

#endif
