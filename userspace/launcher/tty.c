// SPDX-License-Identifier: GPL-2.0
/*
 * The host terminal for interactive runs (-t, or no command on a terminal):
 * raw mode, so that Ctrl-C, Ctrl-Z and every key reach the guest's pty and
 * its line discipline, and a restore that every exit path calls.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "tty.h"

static struct termios tty_saved;
static int tty_is_raw;

int tty_raw_now(void)
{
	return tty_is_raw;
}

int tty_raw(void)
{
	struct termios raw;

	if (tty_is_raw)
		return 0;
	if (tcgetattr(0, &tty_saved) < 0)
		return -errno;
	raw = tty_saved;
	cfmakeraw(&raw);
	if (tcsetattr(0, TCSADRAIN, &raw) < 0)
		return -errno;
	tty_is_raw = 1;
	return 0;
}

void tty_restore(void)
{
	if (!tty_is_raw)
		return;
	tcsetattr(0, TCSADRAIN, &tty_saved);
	tty_is_raw = 0;
}

void tty_winsize(uint32_t *rows, uint32_t *cols)
{
	struct winsize ws = { 0 };

	if ((ioctl(0, TIOCGWINSZ, &ws) < 0 || !ws.ws_row) &&
	    (ioctl(1, TIOCGWINSZ, &ws) < 0 || !ws.ws_row)) {
		ws.ws_row = 24;
		ws.ws_col = 80;
	}
	*rows = ws.ws_row;
	*cols = ws.ws_col;
}
