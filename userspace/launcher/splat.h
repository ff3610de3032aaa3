/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel splats as results: the console is scanned line by line for the
 * first line of a WARNING, BUG, KASAN, KFENCE, UBSAN, lockdep report, RCU
 * stall, soft lockup, hung task or Oops. The console is guest-controlled:
 * lines are bounded and sanitised, and only the first SPLAT_KEEP are kept.
 */
#ifndef UMLRUN_SPLAT_H
#define UMLRUN_SPLAT_H

#include <stddef.h>
#include <stdio.h>

#define SPLAT_KEEP 16		/* splats kept for --result-json */
#define SPLAT_SHOW 8		/* splats named on stderr */
#define SPLAT_LINE 256		/* bytes of a first line kept */

struct splat {
	const char *kind;	/* "warning", "kasan", ...: a static string */
	char line[SPLAT_LINE];	/* printable ASCII only */
};

struct splats {
	struct splat kept[SPLAT_KEEP];
	unsigned long count;	/* all splats seen, kept or not */
	char buf[1024];		/* the console line being assembled */
	size_t len;
	int overlong;		/* the current line went past buf: skip the rest */
};

/* Console text made printable ASCII in place: the guest writes it, and no
 * escape sequence of its may reach our terminal. Tabs become spaces. */
void splat_printable(char *s);
/* The kind of splat a console line starts, or NULL. */
const char *splat_classify(const char *line);
/* Scan more console bytes (any bytes, any split). */
void splat_feed(struct splats *s, const char *buf, size_t n);
/* The console ended: scan a last line without its newline; says if there
 * was one. */
int splat_flush(struct splats *s);
/* One "umlrun: kernel splat" line per splat seen, on stderr (bounded). */
void splat_report(const struct splats *s);
/* `"splats": [...], "splat_count": N` for --result-json. */
void splat_json(const struct splats *s, FILE *f,
		void (*str)(FILE *f, const char *s));

#endif
