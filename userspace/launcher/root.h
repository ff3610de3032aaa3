/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --root: another userland as the guest's /, from a directory, a tar
 * archive (unpacked once into the cache) or an ext4/squashfs image.
 */
#ifndef UMLRUN_ROOT_H
#define UMLRUN_ROOT_H

#include "options.h"
#include "proto.h"

/*
 * Resolve o->root: check it, unpack a tar into the cache, attach an image
 * as a read-only disk; pick the working directory (-C, else the caller's
 * if the new root or a mount has it, else /) and, without a command,
 * /bin/sh of the new root. Dies with one line (125; 127 when a directory
 * has no /bin/sh). Nothing happens without --root.
 */
void root_prepare(struct options *o);
/* The mount table entry for the new root (kind "root"), or NULL. */
const struct proto_mount *root_mount(void);

#endif
