/* SPDX-License-Identifier: GPL-2.0 */
/*
 * umlinit's few filesystem helpers (fs.c), one of each: mkdir -p and
 * writing a small file.
 */
#ifndef UMLRUN_INIT_FS_H
#define UMLRUN_INIT_FS_H

/* Is path (following symlinks) a directory? */
int init_is_dir(const char *path);
/* mkdir -p path; 0 or -errno (-ENOTDIR if it ends up no directory). */
int init_mkdir_p(const char *path);
/* mkdir -p of the directory path is in; 0 or -errno. */
int init_mkdir_parents(const char *path);
/* Create or truncate path and write text to it; 0 or -errno. */
int init_write_file(const char *path, const char *text);

#endif
