// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel splats as results. The launcher feeds the kernel console through
 * splat_feed(); each complete line, its printk timestamp and caller id
 * taken off, is matched against the first lines the kernel prints for a
 * report (a WARN's "WARNING: CPU: 0 PID: 1 at ...", "BUG: KASAN: ...",
 * lockdep's "WARNING: possible circular locking dependency detected", ...).
 * Only the first line of a report counts, so one report is one splat. The
 * console is the guest's to write (guest root can print to /dev/kmsg): a
 * line is cut at sizeof(buf), kept sanitised to printable ASCII, and only
 * SPLAT_KEEP of them are kept, whatever the guest prints.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "splat.h"
#include "util.h"


/* First lines of lockdep's (and RCU-lockdep's) reports, after "WARNING: ". */
static const char *const splat_lockdep[] = {
	"possible circular locking dependency",
	"possible recursive locking",
	"inconsistent lock state",
	"suspicious RCU usage",
	"bad unlock balance",
	"held lock freed",
	"lock held when returning to user space",
	"possible irq lock inversion",
	"Nested lock was not taken",
	"bad contention detected",
	"chain_key collision",
	"Illegal lock usage",
	"lock held by",
};

static int splat_starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Skip "[    1.234567] " and "[    T1] " style prefixes. */
static const char *splat_strip(const char *line)
{
	const char *end;
	int i;

	for (i = 0; i < 2 && *line == '['; i++) {
		end = strchr(line, ']');
		if (!end || end - line > 32 ||
		    strspn(line + 1, " 0123456789.TC") != (size_t)(end - line - 1))
			break;
		line = end + 1;
		while (*line == ' ')
			line++;
	}
	return line;
}

const char *splat_classify(const char *line)
{
	const char *s = splat_strip(line);
	size_t i;

	if (splat_starts(s, "BUG: KASAN: "))
		return "kasan";
	if (splat_starts(s, "BUG: KFENCE: "))
		return "kfence";
	if (splat_starts(s, "watchdog: BUG: soft lockup") ||
	    splat_starts(s, "BUG: soft lockup"))
		return "soft-lockup";
	if (splat_starts(s, "INFO: task ") &&
	    strstr(s, " blocked for more than "))
		return "hung-task";
	if ((splat_starts(s, "rcu: INFO: ") || splat_starts(s, "INFO: rcu_")) &&
	    (strstr(s, "detected stall") || strstr(s, "detected expedited stall")))
		return "rcu-stall";
	if (splat_starts(s, "UBSAN: "))
		return "ubsan";
	if (splat_starts(s, "WARNING: CPU: "))
		return "warning";
	if (splat_starts(s, "WARNING: ")) {
		for (i = 0; i < ARRAY_SIZE(splat_lockdep); i++)
			if (splat_starts(s + 9, splat_lockdep[i]))
				return "lockdep";
		return "warning";
	}
	if (splat_starts(s, "BUG: ") || splat_starts(s, "kernel BUG at "))
		return "bug";
	if (splat_starts(s, "Oops: ") || splat_starts(s, "Internal error: Oops"))
		return "oops";
	return NULL;
}

void splat_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = *s == '\t' ? ' ' : '?';
}

static void splat_line(struct splats *s, const char *line)
{
	const char *kind = splat_classify(line);
	struct splat *k;

	if (!kind)
		return;
	if (s->count++ >= SPLAT_KEEP)
		return;
	k = &s->kept[s->count - 1];
	k->kind = kind;
	snprintf(k->line, sizeof(k->line), "%s", splat_strip(line));
	splat_printable(k->line);
}

static void splat_end_line(struct splats *s)
{
	if (s->len && s->buf[s->len - 1] == '\r')
		s->len--;
	s->buf[s->len] = 0;
	splat_line(s, s->buf);
	s->len = 0;
}

void splat_feed(struct splats *s, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (!s->overlong)
				splat_end_line(s);
			s->len = 0;
			s->overlong = 0;
			continue;
		}
		if (s->overlong)
			continue;
		if (s->len == sizeof(s->buf) - 1) {
			/* The start decides; the rest of the line is not read. */
			splat_end_line(s);
			s->overlong = 1;
			continue;
		}
		/* A NUL would end the line early for the matcher. */
		s->buf[s->len++] = buf[i] ? buf[i] : '?';
	}
}

int splat_flush(struct splats *s)
{
	int partial = s->len || s->overlong;

	if (s->len && !s->overlong)
		splat_end_line(s);
	s->len = 0;
	s->overlong = 0;
	return partial;
}

void splat_report(const struct splats *s)
{
	unsigned long i;

	for (i = 0; i < s->count && i < SPLAT_SHOW; i++)
		fprintf(stderr, "umlrun: kernel splat (%s): %s\n",
			s->kept[i].kind, s->kept[i].line);
	if (s->count > SPLAT_SHOW)
		fprintf(stderr, "umlrun: kernel splats: %lu more (the kernel log has them all: -v or --log)\n",
			s->count - SPLAT_SHOW);
}

void splat_json(const struct splats *s, FILE *f,
		void (*str)(FILE *f, const char *s))
{
	unsigned long i;

	fprintf(f, "\"splats\": [");
	for (i = 0; i < s->count && i < SPLAT_KEEP; i++) {
		fprintf(f, "%s{\"kind\": \"%s\", \"line\": ", i ? ", " : "",
			s->kept[i].kind);
		str(f, s->kept[i].line);
		fprintf(f, "}");
	}
	fprintf(f, "], \"splat_count\": %lu", s->count);
}
