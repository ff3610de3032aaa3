// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's console, guest-controlled text: read as the loop polls it,
 * escaped once (log_escape) for --log, -v and the failure tail, kept in a
 * ring of its last 64 KiB and fed to the splat scanner. On failure it
 * gives the last lines that say something (stack dumps filtered out) and
 * the reason of a kernel panic.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "hostpath.h"
#include "kunit.h"
#include "log.h"
#include "splat.h"
#include "util.h"

#define CONSOLE_READ 8192
#define CONSOLE_TAIL_LINES 15
/* How much of one kernel line a failure shows. */
#define CONSOLE_TAIL_WIDTH 300
/* --log keeps at most this much of the (escaped) console. */
#define LOG_MAX (16u << 20)

/* --log, opened before the launcher is confined, until a run takes it. */
static int console_log_fd = -1;

void console_open_log(const struct options *o)
{
	if (!o->log_file)
		return;
	char why[4096 + 256];

	console_log_fd = hostpath_create(o->log_file, o->follow_links, why,
					 sizeof(why));
	if (console_log_fd < 0)
		warn("cannot write log %s: %s", o->log_file, why);
}

void console_init(struct console *c, int *fd, struct splats *splats)
{
	c->splats = splats;
	c->fd = fd;
	c->log_fd = console_log_fd;
	console_log_fd = -1;
}

/* --log: the first LOG_MAX bytes, then one line that says so. */
static void console_log(struct console *c, const char *buf, size_t n)
{
	static const char cut[] = "\numlrun: log truncated at 16 MiB\n";

	if (c->log_fd < 0 || c->log_len >= LOG_MAX)
		return;
	if (n > LOG_MAX - c->log_len)
		n = LOG_MAX - c->log_len;
	(void)write_all(c->log_fd, buf, n);
	c->log_len += n;
	if (c->log_len == LOG_MAX)
		(void)write_all(c->log_fd, cut, sizeof(cut) - 1);
}

/* Guest text: escaped once here for the log, -v and the failure tail. */
static void console_keep(struct console *c, const char *raw, size_t n)
{
	char buf[LOG_ESCAPE_MAX * CONSOLE_READ];
	size_t i;

	n = log_escape(buf, raw, n);
	console_log(c, buf, n);
	if (log_verbose)
		(void)write_all(2, buf, n);
	splat_feed(c->splats, buf, n);
	if (c->kunit)
		kunit_feed(c->kunit, buf, n);
	for (i = 0; i < n; i++) {
		c->ring[c->ring_pos++] = buf[i];
		if (c->ring_pos == CONSOLE_RING) {
			c->ring_pos = 0;
			c->ring_wrapped = 1;
		}
	}
}

void console_read(struct console *c, size_t max)
{
	char buf[CONSOLE_READ];
	size_t got = 0;
	ssize_t n;

	while (*c->fd >= 0 && got < max) {
		n = read(*c->fd, buf, sizeof(buf));
		if (n > 0) {
			console_keep(c, buf, (size_t)n);
			got += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(*c->fd);
		*c->fd = -1;
	}
}

/* The console as one string, oldest first (malloc'd). */
static char *console_text(struct console *c)
{
	size_t old = c->ring_wrapped ? CONSOLE_RING - c->ring_pos : 0;
	char *s = malloc(CONSOLE_RING + 1);

	if (!s)
		return NULL;
	memcpy(s, c->ring + c->ring_pos, old);
	memcpy(s + old, c->ring, c->ring_pos);
	s[old + c->ring_pos] = 0;
	return s;
}

/*
 * UML's boot chatter: its checks of the host, said on every boot, which
 * explain no failure (arch/um/os-Linux/start_up.c, sigio.c, mem.c). The
 * sigio check fails by design: Landlock keeps the host's ptys from the
 * kernel process.
 */
static const char *const console_chatter[] = {
	"Checking that ptrace can change system call numbers",
	"Checking syscall emulation for ptrace",
	"Checking environment variables for a tempdir",
	"Checking if ", "Checking PROT_EXEC mmap in", "Checking for tmpfs mount",
	"Checking host MADV_REMOVE support", "Core dump limits",
	"\tsoft - ", "\thard - ", "check_one_sigio failed",
	"Checking advanced syscall emulation", "Checking PROT_EXEC mmap",
	"This architecture does not have kernel memory protection",
	"loading out-of-tree module taints kernel",
};

/* Stack dumps say little to a user; the lines around them say more. */
static int console_noise(const char *line)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(console_chatter); i++)
		if (strstr(line, console_chatter[i]))
			return 1;
	return !*line || strstr(line, "[<") || strstr(line, "Call Trace") ||
	       strstr(line, "Stack:") ||
	       strspn(line, " 0123456789abcdef") == strlen(line);
}

void console_tail(struct console *c)
{
	char *s, *p, *line, *keep[CONSOLE_TAIL_LINES];
	int n = 0, i;

	console_read(c, CONSOLE_ALL);
	if (log_verbose)
		return;
	s = console_text(c);
	if (!s)
		return;
	for (p = s; p;) {
		line = strsep(&p, "\n");
		if (console_noise(line))
			continue;
		if (n == CONSOLE_TAIL_LINES) {
			memmove(keep, keep + 1, sizeof(keep) - sizeof(keep[0]));
			n--;
		}
		keep[n++] = line;
	}
	for (i = 0; i < n; i++) {
		splat_printable(keep[i]);
		fprintf(stderr, "umlrun: kernel: %.*s%s\n", CONSOLE_TAIL_WIDTH,
			keep[i],
			strlen(keep[i]) > CONSOLE_TAIL_WIDTH ? "..." : "");
	}
	free(s);
}

/* Copy the rest of the console line after `what` into out, if found. */
static int console_find(struct console *c, const char *what, char *out,
			size_t len)
{
	char *s = console_text(c), *p;
	int found = 0;

	p = s ? strstr(s, what) : NULL;
	if (p) {
		p += strlen(what);
		snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
		splat_printable(out);
		found = 1;
	}
	free(s);
	return found;
}

int console_panic(struct console *c, char *why, size_t len)
{
	console_read(c, CONSOLE_ALL);
	return console_find(c, "Kernel panic - not syncing: ", why, len);
}

int console_out_of_space(struct console *c)
{
	char rest[64];

	console_read(c, CONSOLE_ALL);
	/* arch/um/kernel/trap.c, on SIGBUS, in 6.1 to 6.19 */
	return console_find(c, "mount likely just ran out of space", rest, sizeof(rest));
}

void console_finish(struct console *c)
{
	console_read(c, CONSOLE_RING);
	if (splat_flush(c->splats) && log_verbose)
		(void)write_all(2, "\n", 1); /* our lines start on their own */
	if (c->log_fd >= 0)
		close(c->log_fd);
	c->log_fd = -1;
}
