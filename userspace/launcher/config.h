/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Default options from the user's and the project's config files, turned
 * into argv entries before the command line's own (config.c).
 */
#ifndef UMLRUN_CONFIG_H
#define UMLRUN_CONFIG_H

#include <stddef.h>

struct plan;

/*
 * Put the files' options (unless --no-config) in front of argv's own; a
 * bad line, or a project file's line that would reach beyond the guest
 * and the project, ends the run with 125, naming its file and line.
 */
void config_apply(int *argc, char ***argv);
/* "FILE:LINE" of the config entry arg points into, or NULL for the
 * command line's. */
const char *config_where(const char *arg);
/* --print-config: what applies and where it came from; returns 0. */
int config_print(void);

/*
 * The project file's judge: does the run of b (with a project file's line)
 * reach beyond that of a (without it), given the project's directory?
 * 0, or -EPERM with why ("turns the network on").
 */
int config_judge(const struct plan *a, const struct plan *b,
		 const char *project_dir, char *why, size_t len);
/*
 * May a project file hold this config file? 0 when path (the file) and
 * every directory above it are owned by the caller or root and writable
 * by nobody else (a sticky directory may be, for an entry owned by the
 * caller or root); else -EPERM with why.
 */
int config_trusted(const char *path, char *why, size_t len);

#endif
