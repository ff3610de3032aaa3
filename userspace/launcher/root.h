/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --root: another userland as the guest's /, from a directory, a tar
 * archive (made once into a squashfs image in the cache) or an ext4 or
 * squashfs image.
 */
#ifndef UMLRUN_ROOT_H
#define UMLRUN_ROOT_H

#include <stddef.h>

struct plan;

/*
 * Open and check the plan's --root: make a tar into an image, attach an
 * image as a read-only disk, set p->root; pick the working directory (-C,
 * else the caller's if the new root or a mount has it, else /) and,
 * without a command, /bin/sh of the new root. Dies with one line (125;
 * 127 when a directory has no /bin/sh). Nothing happens without --root.
 */
void root_prepare(struct plan *p);
/* The cache's roots directory (made), into buf: 0 or -errno. */
int root_cache_dir(char *buf, size_t len);
/* SUB (made, 0700) beside the roots in the same cache: "modules", ... */
int root_cache_sub(const char *sub, char *buf, size_t len);

#endif
