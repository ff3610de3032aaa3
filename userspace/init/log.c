// SPDX-License-Identifier: GPL-2.0
/*
 * umlinit's way to speak and its way out: a line to the kernel log
 * (/dev/kmsg, never the command's streams), a frame to the host on the
 * channel, and the fatal path that reports an infrastructure error frame
 * if it can, syncs and powers off. Every other part of the init uses
 * these; this file uses none of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "log.h"
#include "proto.h"
#include "util.h"

int init_chan = -1;

void init_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int fd, n;

	n = snprintf(line, sizeof(line), "<3>umlinit: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)write_all(fd, line, strlen(line));
	close(fd);
}

void init_poweroff(void)
{
	sync();
	for (;;) {
		reboot(RB_POWER_OFF);
		pause();
	}
}

void init_send(unsigned int type, unsigned int flags, const void *payload,
	       size_t len)
{
	static uint8_t frame[PROTO_MAX_FRAME];
	size_t n;

	n = proto_encode(frame, sizeof(frame), type, flags, payload, len);
	if (!n || init_send_frame(frame, n) < 0)
		init_poweroff();
}

int init_send_frame(const void *frame, size_t len)
{
	struct pollfd p = { .fd = init_chan, .events = POLLOUT };
	ssize_t n;

	for (;;) {
		n = write(init_chan, frame, len);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0)
			return -EIO; /* the module sends whole messages */
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return -errno;
	}
}

void init_fatal(int status, const char *fmt, ...)
{
	uint8_t buf[4 + PROTO_MAX_ERRMSG];
	uint32_t st = (uint32_t)status;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)buf + 4, PROTO_MAX_ERRMSG, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n >= PROTO_MAX_ERRMSG)
		n = PROTO_MAX_ERRMSG - 1;
	init_log("%s", (char *)buf + 4);
	if (init_chan >= 0) {
		memcpy(buf, &st, 4);
		init_send(PROTO_ERROR, 0, buf, 4 + (size_t)n);
	}
	init_poweroff();
}
