/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user's kernel modules (--load-module, --module-src): built against
 * the kernel the run boots, opened without following links, checked
 * against that kernel before boot, and handed to umlinit through the run
 * directory, which loads them before it locks the kernel.
 */
#ifndef UMLRUN_MODULES_H
#define UMLRUN_MODULES_H

#include <stddef.h>

#include "options.h"

/*
 * Build o's --module-src directories against the kernel (module is the
 * hostexec.ko beside it, whose vermagic is the kernel's), open its
 * --load-module files and theirs, and check each was built for this
 * kernel. Dies (exit 125) with one line on the first that was not.
 */
void modules_prepare(const struct options *o, const char *kernel,
		     const char *module);
/* Copy the checked modules into rundir for umlinit; the kernel
 * parameter that names them, or NULL when there are none. */
char *modules_install(const char *rundir);
/* The vermagic of the module open at fd into out; 0 or -ENOEXEC (not a
 * module, or none), -errno on a read error. Exported for unit tests. */
int modules_vermagic(int fd, char *out, size_t len);
/* --print-build-dir: print the object directory the kernel at kernel
 * was built in, for make -C DIR ARCH=um M=$PWD; returns the exit status. */
int modules_print_build_dir(const char *kernel);

#endif
