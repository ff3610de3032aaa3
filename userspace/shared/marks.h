/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The strings umlrun's kernel patches leave in the binary, so the launcher
 * (userspace/launcher/layers.c) can tell a kernel carries them.  The patches
 * under patches/SERIES/ spell the same strings; tests/stub's fake guest
 * carries them to play a patched kernel.
 */
#ifndef UMLRUN_MARKS_H
#define UMLRUN_MARKS_H

/* 0002's __uml_setup help text */
#define MARK_HOSTFS_POLICY "hostfs_rw=<dir>[:<dir>...]"
/* 0003 */
#define MARK_HOSTFS_SETID "umlrun: hostfs refuses set-id bits and device nodes"
/* 0004 */
#define MARK_STUB_PANIC "umlrun: a failed stub call panics the kernel"

#endif
