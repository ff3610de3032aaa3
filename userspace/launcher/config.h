/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Default options from the user's and the project's config files, turned
 * into argv entries before the command line's own (config.c).
 */
#ifndef UMLRUN_CONFIG_H
#define UMLRUN_CONFIG_H

/* The project file's name, looked for from the working directory up. */
#define CONFIG_PROJECT_FILE ".umlrun"

/*
 * Put the files' options (unless --no-config) in front of argv's own;
 * a bad line ends the run with 125, naming its file and line.
 */
void config_apply(int *argc, char ***argv);
/* "FILE:LINE" of the entry at argv[argi], or NULL for the command line's. */
const char *config_where(int argi);
/* --print-config: what applies and where it came from; returns 0. */
int config_print(void);

#endif
