/* SPDX-License-Identifier: GPL-2.0 */
/*
 * umlrun --check and --version: what the host offers and which kernel a
 * run would use.
 */
#ifndef UMLRUN_DOCTOR_H
#define UMLRUN_DOCTOR_H

#include "options.h"

/* Print the checks with a fix for each problem; returns the exit status. */
int doctor_check(const struct options *o);
/* Print the version and the kernel a run would use; returns 0. */
int doctor_version(const struct options *o);

#endif
