// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of log_escape() (userspace/launcher/log.c), which every byte of
 * the kernel console goes through before --log, -v and a failure's kernel
 * lines show it: text and line structure stay, nothing a terminal would
 * act on gets through.
 */
#include <string.h>

#include "log.h"
#include "tap.h"

static void escapes(const char *in, size_t n, const char *want,
		    const char *what)
{
	char out[LOG_ESCAPE_MAX * 64];
	size_t len = log_escape(out, in, n);

	is_mem(out, len, want, strlen(want), "%s", what);
}

int main(void)
{
	char all[256], out[LOG_ESCAPE_MAX * 256];
	size_t i, len;

	escapes("Linux version 6.12\n", 19, "Linux version 6.12\n",
		"text and newlines stay");
	escapes("a\tb", 3, "a\tb", "tabs stay");
	escapes("line\r\n", 6, "line\n", "carriage returns go");
	escapes("\033[2J\033]0;title\007", 14, "\\x1b[2J\\x1b]0;title\\x07",
		"terminal escapes are shown, not sent");
	escapes("a\\x41", 5, "a\\x5cx41", "a backslash is escaped too");
	escapes("\0\x7f\x80\xff", 4, "\\x00\\x7f\\x80\\xff",
		"NUL, DEL and high bytes");
	for (i = 0; i < sizeof(all); i++)
		all[i] = (char)i;
	len = log_escape(out, all, sizeof(all));
	ok(len <= sizeof(out), "256 bytes fit in LOG_ESCAPE_MAX times as many");
	for (i = 0; i < len; i++)
		if ((unsigned char)out[i] >= 0x7f ||
		    ((unsigned char)out[i] < 0x20 && out[i] != '\n' &&
		     out[i] != '\t'))
			break;
	is_int(i, len, "every byte out is printable, a tab or a newline");
	return done_testing();
}
