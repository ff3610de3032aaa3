/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest init (umlinit) internals shared between its setup and relay parts;
 * logging, the channel's send and the fatal path are log.h.
 */
#ifndef UMLRUN_INIT_H
#define UMLRUN_INIT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Set up the guest: mounts, loopback, hostname, the hostexec module. */
void init_setup(void);
/* Apply the mount table of e (binds, tmpfs, overlay root); fatal on error. */
void init_mounts(const struct proto_exec *e);
/* -n: eth0 with slirp's addresses and a resolv.conf (net.c). */
void init_net_setup(void);
/* -n with a new root at root: its /etc/resolv.conf becomes the guest's. */
void init_net_resolv_in(const char *root);
/* --swap: format the device umlrun.swap= names and swapon (disks.c). */
void init_swap(const char *dev);
/* After the command: wait (bounded) until its TCP data has left the guest. */
void init_net_drain(void);
/* --coverage (umlrun.coverage=HOSTDIR, else nothing): zero gcov's counters
 * before the command, unless keep_boot (--kunit: the suites ran at boot);
 * after it, write its .gcda files to HOSTDIR/gcda.tar (coverage.c). */
void init_coverage_reset(const char *hostdir, int keep_boot);
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
