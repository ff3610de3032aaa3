// SPDX-License-Identifier: GPL-2.0
/*
 * fakeguest: a stand-in for the UML kernel in launcher tests. umlrun starts
 * it as the "kernel" with the channel (SOCK_SEQPACKET) on fd 3 and the
 * console pipe on fds 1 and 2; it plays the guest init's side of the wire
 * protocol directly, well or badly, so that the launcher's poll loop,
 * streaming, backpressure, timeouts and its defences against a hostile
 * guest are tested in milliseconds without booting anything. The kernel
 * command line is ignored: the scenario is the part of the program's own
 * name after "fakeguest-" (tests run per-scenario copies), and scenarios
 * that take parameters read them from the command that EXEC carries.
 * Diagnostics go to the console, where umlrun shows them on failure.
 * The ring-* scenarios play the hostexec module's part of the output ring
 * (hostexec-driver/hostexec_ring.h) on fds 5 (doorbell) and 6 (memory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../hostexec-driver/hostexec_ring.h"
#include "marks.h"
#include "proto.h"
#include "util.h"

#define CHAN 3
#define CONSOLE 1

static const char *fg_self;
static int fg_argc;
static char **fg_argv;		/* the kernel command line */
static struct proto_reader fg_rd;
static uint8_t fg_msg[PROTO_MAX_FRAME];
static size_t fg_msg_len, fg_msg_off;
static uint8_t *fg_blob;
/* The marks of umlrun's kernel patches (userspace/launcher/layers.c):
 * the fake plays a patched kernel. */
__attribute__((used)) static const char fg_marks[] =
	MARK_HOSTFS_POLICY "\n" MARK_HOSTFS_SETID "\n" MARK_STUB_PANIC;
static struct proto_exec fg_cmd;	/* the command, once fetched */

static void fg_console(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* vsnprintf that returns the length kept in buf (truncated), or -1. */
static int fg_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int len = vsnprintf(buf, size, fmt, ap);

	if (len >= 0 && (size_t)len >= size)
		len = (int)size - 1;
	return len;
}

/* A line on the console; umlrun keeps it and may show it. */
static void fg_console(const char *fmt, ...)
{
	char line[1024];
	size_t off = 0;
	ssize_t n;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = fg_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	while (off < (size_t)len) {
		n = write(CONSOLE, line + off, (size_t)len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

static void fg_die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void fg_die(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fg_console("fakeguest: %s\n", line);
	exit(1);
}

/* One message on the channel; the host going away ends us quietly. */
static void fg_send_raw(const void *buf, size_t len)
{
	ssize_t n;

	for (;;) {
		n = send(CHAN, buf, len, MSG_NOSIGNAL);
		if (n == (ssize_t)len)
			return;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			exit(0);
		fg_die("send %zu bytes: %s", len, n < 0 ? strerror(errno) :
							  "short write");
	}
}

static void fg_send(unsigned int type, unsigned int flags,
		    const void *payload, size_t len)
{
	static uint8_t frame[PROTO_MAX_FRAME];
	size_t n = proto_encode(frame, sizeof(frame), type, flags, payload,
				len);

	if (!n)
		fg_die("frame type %u of %zu bytes does not encode", type, len);
	fg_send_raw(frame, n);
}

static void fg_send_u32x2(unsigned int type, uint32_t a, uint32_t b)
{
	uint32_t v[2] = { a, b };

	fg_send(type, 0, v, sizeof(v));
}

static void fg_send_str(unsigned int type, const char *s)
{
	fg_send(type, 0, s, strlen(s));
}

static void fg_hello(void)
{
	fg_send_u32x2(PROTO_HELLO, PROTO_VERSION, PROTO_MAX_PAYLOAD);
}

static void fg_exit(uint32_t kind, uint32_t value)
{
	fg_send_u32x2(PROTO_EXIT, kind, value);
}

/* An infrastructure error, as umlinit reports one. */
static void fg_error(uint32_t status, const char *msg)
{
	uint8_t buf[4 + PROTO_MAX_ERRMSG];
	size_t n = strlen(msg);

	if (n > PROTO_MAX_ERRMSG)
		n = PROTO_MAX_ERRMSG;
	memcpy(buf, &status, 4);
	memcpy(buf + 4, msg, n);
	fg_send(PROTO_ERROR, 0, buf, 4 + n);
	exit(0);
}

/* Whether a frame from the host is ready within ms (-1: wait forever). */
static int fg_wait_in(int ms)
{
	struct pollfd p = { .fd = CHAN, .events = POLLIN };
	int n;

	if (fg_msg_off < fg_msg_len)
		return 1;
	do {
		n = poll(&p, 1, ms);
	} while (n < 0 && errno == EINTR);
	return n > 0;
}

/* The next valid frame from the host; exits when the host is gone. */
static void fg_recv(struct proto_frame *f)
{
	size_t used;
	ssize_t n;
	int r;

	for (;;) {
		while (fg_msg_off < fg_msg_len) {
			r = proto_reader_feed(&fg_rd, fg_msg + fg_msg_off,
					      fg_msg_len - fg_msg_off, &used, f);
			fg_msg_off += used;
			if (r < 0)
				fg_error(125, "fakeguest: bad frame header from the host");
			if (r == 1 && proto_check_from_host(f) < 0)
				fg_error(125, "fakeguest: bad frame from the host");
			if (r == 1)
				return;
		}
		n = recv(CHAN, fg_msg, sizeof(fg_msg), MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(0);
		if ((size_t)n > sizeof(fg_msg))
			fg_error(125, "fakeguest: oversized message from the host");
		fg_msg_len = (size_t)n;
		fg_msg_off = 0;
	}
}

/* Read EXEC chunks up to the last one and decode the command. */
static void fg_fetch_exec(void)
{
	struct proto_frame f;
	size_t have = 0;
	uint8_t *nb;
	int err;

	for (;;) {
		fg_recv(&f);
		if (f.type != PROTO_EXEC)
			fg_error(125, "fakeguest: expected EXEC");
		nb = realloc(fg_blob, have + f.len + 1);
		if (!nb)
			fg_die("out of memory");
		fg_blob = nb;
		memcpy(fg_blob + have, f.payload, f.len);
		have += f.len;
		if (f.flags & PROTO_F_LAST)
			break;
	}
	err = proto_exec_decode(fg_blob, have, &fg_cmd);
	if (err)
		fg_error(125, "fakeguest: bad exec description");
}

/* Argument i of the command as a number, or def. */
static unsigned long fg_arg(uint32_t i, unsigned long def)
{
	return i < fg_cmd.argc ? strtoul(fg_cmd.argv[i], NULL, 0) : def;
}

static int fg_arg_is(uint32_t i, const char *s)
{
	return i < fg_cmd.argc && !strcmp(fg_cmd.argv[i], s);
}

static void fg_start(void)
{
	fg_hello();
	fg_fetch_exec();
}

/*
 * Tell the test we got this far: a file in the run directory (our TMPDIR,
 * the one place Landlock lets the kernel process write).
 */
static void fg_mark(const char *what)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/fakeguest.%s", dir ? dir : "/tmp",
		 what);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

static void fg_forever(void)
{
	for (;;)
		pause();
}

/* --- the output ring: the hostexec module's side ------------------------- */

#define RING_BELL 5
#define RING_MEM 6
#define RING_LOAD(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define RING_STORE(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define RING_FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)

static struct hostexec_ring_hdr *fg_rh;
static uint8_t *fg_rdata;
static uint32_t fg_rsize;
static off_t fg_rlen;		/* the memfd's size */
static uint64_t fg_head;	/* ours; the host sees it once published */

/* Map the ring umlrun passed on fd 6, as the kernel's iomem would. */
static void fg_ring_map(void)
{
	struct stat st;
	void *p;

	if (fstat(RING_MEM, &st) < 0)
		fg_die("no output ring on fd %d: %s", RING_MEM, strerror(errno));
	if (st.st_size < (off_t)HOSTEXEC_RING_HDR)
		fg_die("output ring of %lld bytes", (long long)st.st_size);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 RING_MEM, 0);
	if (p == MAP_FAILED)
		fg_die("mmap the output ring: %s", strerror(errno));
	fg_rh = p;
	fg_rlen = st.st_size;
	fg_rsize = fg_rh->size;
	if (fg_rh->magic != HOSTEXEC_RING_MAGIC ||
	    fg_rh->version != HOSTEXEC_RING_VERSION || !fg_rsize ||
	    (fg_rsize & (fg_rsize - 1)) ||
	    fg_rsize > (uint64_t)st.st_size - HOSTEXEC_RING_HDR)
		fg_die("bad output ring header (magic %#x version %u size %u)",
		       fg_rh->magic, fg_rh->version, fg_rsize);
	fg_rdata = (uint8_t *)p + HOSTEXEC_RING_HDR;
	fg_head = RING_LOAD(&fg_rh->head);
}

static void fg_ring_bell(void)
{
	char c = 1;

	/* a full socket already holds a wake-up */
	(void)send(RING_BELL, &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Sleep until the host rings; the host gone ends us quietly. */
static void fg_ring_sleep(void)
{
	struct pollfd p = { .fd = RING_BELL, .events = POLLIN };
	char buf[64];
	int n;

	do {
		n = poll(&p, 1, -1);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		fg_die("poll the doorbell: %s", strerror(errno));
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		exit(0);
	while (recv(RING_BELL, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* Make head the one the host sees; ring if it sleeps. */
static void fg_ring_publish_head(uint64_t head)
{
	RING_STORE(&fg_rh->head, head);
	RING_FENCE();
	if (RING_LOAD(&fg_rh->host_wait)) {
		RING_STORE(&fg_rh->host_wait, 0);
		fg_ring_bell();
	}
}

static void fg_ring_publish(void)
{
	fg_ring_publish_head(fg_head);
}

static int fg_ring_closed(unsigned int stream)
{
	return stream && (RING_LOAD(&fg_rh->closed) & (1u << stream));
}

/*
 * Wait for span free bytes: 0, or -1 as soon as stream (1 or 2; 0 for
 * none) is found closed by the host.
 */
static int fg_ring_room(uint64_t span, unsigned int stream)
{
	for (;;) {
		if (fg_ring_closed(stream))
			return -1;
		if (fg_head - RING_LOAD(&fg_rh->tail) + span <= fg_rsize)
			return 0;
		fg_ring_publish();
		RING_STORE(&fg_rh->guest_wait, 1);
		RING_FENCE();
		if (fg_ring_closed(stream) ||
		    fg_head - RING_LOAD(&fg_rh->tail) + span <= fg_rsize)
			continue;
		fg_ring_sleep();
	}
}

/* Wait until the host has written out everything published. */
static void fg_ring_settle(void)
{
	fg_ring_publish();
	for (;;) {
		if (RING_LOAD(&fg_rh->tail) == fg_head)
			return;
		RING_STORE(&fg_rh->guest_wait, 1);
		RING_FENCE();
		if (RING_LOAD(&fg_rh->tail) == fg_head)
			return;
		fg_ring_sleep();
	}
}

/* Copy into the ring at byte count pos, wrapping around the end. */
static void fg_ring_copy(uint64_t pos, const void *src, size_t len)
{
	uint32_t off = (uint32_t)(pos & (fg_rsize - 1));
	size_t first = len < fg_rsize - off ? len : fg_rsize - off;

	memcpy(fg_rdata + off, src, first);
	memcpy(fg_rdata, (const uint8_t *)src + first, len - first);
}

/* A record header at the head, and the payload unless it is NULL; unchecked. */
static void fg_ring_rec(uint32_t stream, uint32_t len, const void *payload)
{
	struct hostexec_rec h = { .stream = stream, .len = len };

	fg_ring_copy(fg_head, &h, sizeof(h));
	if (payload)
		fg_ring_copy(fg_head + sizeof(h), payload, len);
	fg_head += HOSTEXEC_REC_SPAN(len);
}

/* One record, done right: -1 when stream was found closed. */
static int fg_ring_write(unsigned int stream, const void *buf, uint32_t len)
{
	if (fg_ring_room(HOSTEXEC_REC_SPAN(len), stream) < 0)
		return -1;
	fg_ring_rec(stream, len, buf);
	fg_ring_publish();
	return 0;
}

static int fg_ring_str(unsigned int stream, const char *s)
{
	return fg_ring_write(stream, s, (uint32_t)strlen(s));
}

static int fg_ring_printf(unsigned int stream, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fg_ring_printf(unsigned int stream, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = fg_vformat(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0)
		return 0;
	return fg_ring_write(stream, line, (uint32_t)len);
}

/*
 * Records on stdout of the largest size until the head is `to` bytes further
 * on (a multiple of 8, at least 16). Their payloads are "fill\n" over and
 * over, from the start of the pattern: yes fill | head -c TOTAL, where
 * TOTAL is `to` less 8 per record, one record per started 131080 bytes
 * (when the last one would be under 16 bytes, the one before it is shorter).
 */
static void fg_ring_fill(uint64_t to)
{
	static const char pat[] = "fill\n";
	static uint8_t buf[HOSTEXEC_RING_MAX_REC];
	uint64_t done = 0, off = 0, span;
	uint32_t len, i;

	while (done < to) {
		span = to - done;
		if (span > HOSTEXEC_REC_SPAN(HOSTEXEC_RING_MAX_REC))
			span = HOSTEXEC_REC_SPAN(HOSTEXEC_RING_MAX_REC);
		if (to - done - span && to - done - span < 16)
			span -= 16;
		len = (uint32_t)span - sizeof(struct hostexec_rec);
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)pat[(off + i) % 5];
		off += len;
		fg_ring_write(1, buf, len);
		done += span;
	}
}

/* The ring offset of the head. */
static uint32_t fg_ring_off(void)
{
	return (uint32_t)(fg_head & (fg_rsize - 1));
}

/*
 * EXIT as a guest that reads its channel sends it: after the host's
 * STDIN_EOF (the tests run with stdin at EOF), so that we leave no frame
 * unread when we exit.
 */
static void fg_exit_read(uint32_t code)
{
	struct proto_frame f;

	do {
		if (!fg_wait_in(5000))
			fg_die("no STDIN_EOF from the host");
		fg_recv(&f);
	} while (f.type != PROTO_STDIN_EOF);
	fg_exit(PROTO_EXITED, code);
}

/* --- well-behaved guests ---------------------------------------------- */

/* Echo the command line on stdout, "err" on stderr, exit with argv[1]. */
static void sc_ok(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	uint32_t i;

	fg_start();
	for (i = 0; m && i < fg_cmd.argc; i++)
		fprintf(m, "%s%s", i ? " " : "", fg_cmd.argv[i]);
	if (!m || fputc('\n', m) == EOF || fclose(m))
		fg_die("out of memory");
	fg_send(PROTO_STDOUT, 0, out, len);
	fg_send_str(PROTO_STDERR, "err\n");
	fg_exit(PROTO_EXITED, (uint32_t)fg_arg(1, 0));
	free(out);
}

/* Everything the exec description holds, one item a line, in order. */
static void sc_dump(void)
{
	char *out = NULL, *p;
	size_t len = 0, off;
	FILE *m = open_memstream(&out, &len);
	uint32_t i;

	fg_start();
	if (!m)
		fg_die("out of memory");
	fprintf(m, "flags=%u uid=%u gid=%u ngroups=%u\ncwd=%s\n",
		fg_cmd.flags, fg_cmd.uid, fg_cmd.gid, fg_cmd.ngroups,
		fg_cmd.cwd);
	for (i = 0; i < fg_cmd.argc; i++)
		fprintf(m, "argv=%s\n", fg_cmd.argv[i]);
	for (i = 0; i < fg_cmd.envc; i++)
		fprintf(m, "env=%s\n", fg_cmd.envp[i]);
	if (fclose(m))
		fg_die("out of memory");
	for (off = 0, p = out; off < len; off += PROTO_MAX_PAYLOAD) {
		size_t n = len - off < PROTO_MAX_PAYLOAD ? len - off :
							   PROTO_MAX_PAYLOAD;

		fg_send(PROTO_STDOUT, 0, p + off, n);
	}
	fg_exit(PROTO_EXITED, 0);
	free(out);
}

/* The same frames as "ok", cut into 3-byte messages (HELLO in 1-byte). */
static void sc_split(void)
{
	uint8_t buf[256];
	uint32_t v[2] = { PROTO_VERSION, PROTO_MAX_PAYLOAD };
	size_t n = 0, i;

	n = proto_encode(buf, sizeof(buf), PROTO_HELLO, 0, v, sizeof(v));
	for (i = 0; i < n; i++)
		fg_send_raw(buf + i, 1);
	fg_fetch_exec();
	n = proto_encode(buf, sizeof(buf), PROTO_STDOUT, 0, "split\n", 6);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDOUT, 0, NULL, 0);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDERR, 0, "e\n", 2);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDOUT, 0, "2\n", 2);
	v[0] = PROTO_EXITED;
	v[1] = 3;
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_EXIT, 0, v, 8);
	for (i = 0; i < n; i += 3)
		fg_send_raw(buf + i, n - i < 3 ? n - i : 3);
}

/* Several frames in one message, and frames after EXIT that must not count. */
static void sc_coalesce(void)
{
	uint8_t buf[512];
	uint32_t v[2] = { PROTO_EXITED, 4 };
	size_t n = 0;

	fg_start();
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDOUT, 0, "a\n", 2);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDERR, 0, "b\n", 2);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDOUT, 0, "c\n", 2);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_EXIT, 0, v, 8);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDOUT, 0,
			  "after exit\n", 11);
	fg_send_raw(buf, n);
	fg_send_str(PROTO_STDOUT, "later message\n");
}

/*
 * Relay stdin to stdout. Credit is granted per frame, or with "lazy" only
 * once the whole window is used; a host that sends more than it may is
 * reported as an error.
 */
static void sc_cat(void)
{
	uint32_t outstanding = 0;
	struct proto_frame f;
	int lazy;

	fg_start();
	lazy = fg_arg_is(1, "lazy");
	for (;;) {
		fg_recv(&f);
		switch (f.type) {
		case PROTO_STDIN:
			if (f.len > PROTO_STDIN_WINDOW - outstanding)
				fg_error(125, "fakeguest: host overran the stdin window");
			outstanding += f.len;
			fg_send(PROTO_STDOUT, 0, f.payload, f.len);
			if (!lazy || outstanding == PROTO_STDIN_WINDOW) {
				fg_send(PROTO_CREDIT, 0, &outstanding, 4);
				outstanding = 0;
			}
			break;
		case PROTO_STDIN_EOF:
			fg_exit(PROTO_EXITED, 0);
			return;
		case PROTO_SIGNAL:
			fg_exit(PROTO_SIGNALED, proto_get_u32(f.payload));
			return;
		case PROTO_OUT_CLOSED:
			fg_exit(PROTO_SIGNALED, SIGPIPE);
			return;
		default:
			fg_error(125, "fakeguest: unexpected frame from the host");
		}
	}
}

/* Take stdin, grant no credit: the host must stop at the window. */
static void sc_nocredit(void)
{
	struct proto_frame f;
	uint32_t total = 0;
	char line[64];
	int eof = 0;

	fg_start();
	while (!eof && fg_wait_in(500)) {
		fg_recv(&f);
		if (f.type == PROTO_STDIN_EOF)
			eof = 1;
		else if (f.type != PROTO_STDIN)
			continue;
		else if (f.len > PROTO_STDIN_WINDOW - total)
			fg_error(125, "fakeguest: host overran the stdin window");
		else
			total += f.len;
	}
	snprintf(line, sizeof(line), "got %u%s\n", total, eof ? " eof" : "");
	fg_send_str(PROTO_STDOUT, line);
	fg_exit(PROTO_EXITED, 0);
}

/* Handle what the host says while flooding. */
static void fg_flood_check(void)
{
	struct proto_frame f;

	while (fg_wait_in(0)) {
		fg_recv(&f);
		if (f.type == PROTO_OUT_CLOSED) {
			fg_exit(PROTO_SIGNALED, SIGPIPE);
			exit(0);
		}
		if (f.type == PROTO_SIGNAL) {
			fg_exit(PROTO_SIGNALED, proto_get_u32(f.payload));
			exit(0);
		}
	}
}

/* argv[1] MiB of "flood\n" on stdout, in full frames. */
static void sc_flood(void)
{
	static const char pat[] = "flood\n";
	static uint8_t buf[PROTO_MAX_PAYLOAD + 6];
	unsigned long long total, off;
	size_t i, n;

	fg_start();
	total = (unsigned long long)fg_arg(1, 1) << 20;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)pat[i % 6];
	for (off = 0; off < total; off += n) {
		n = total - off < PROTO_MAX_PAYLOAD ? (size_t)(total - off) :
						      PROTO_MAX_PAYLOAD;
		fg_flood_check();
		fg_send(PROTO_STDOUT, 0, buf + off % 6, n);
	}
	fg_exit(PROTO_EXITED, 0);
}

/* Say "ready", then end as the forwarded signal says (or note it). */
static void sc_signal(void)
{
	struct proto_frame f;
	char line[64];
	int ignore;

	fg_start();
	ignore = fg_arg_is(1, "ignore");
	fg_send_str(PROTO_STDOUT, "ready\n");
	for (;;) {
		fg_recv(&f);
		if (f.type != PROTO_SIGNAL)
			continue;
		if (!ignore) {
			fg_exit(PROTO_SIGNALED, proto_get_u32(f.payload));
			return;
		}
		snprintf(line, sizeof(line), "signal %u\n",
			 proto_get_u32(f.payload));
		fg_send_str(PROTO_STDOUT, line);
	}
}

/* Send an EXIT frame of argv[1] kind and argv[2] value, valid or not. */
static void sc_exit(void)
{
	fg_start();
	fg_exit((uint32_t)fg_arg(1, 0), (uint32_t)fg_arg(2, 0));
}

/* An ERROR frame: status argv[1], a message with control bytes, or argv[2] bytes. */
static void sc_error(void)
{
	static const char msg[] = "\x1b[31mcommand not found\nsecond line\x7f";
	uint8_t buf[PROTO_MAX_PAYLOAD];
	uint32_t status;
	size_t n = sizeof(msg) - 1;

	fg_start();
	status = (uint32_t)fg_arg(1, 127);
	memcpy(buf, &status, 4);
	if (fg_cmd.argc > 2) {
		n = fg_arg(2, 0);
		if (n > sizeof(buf) - 4)
			n = sizeof(buf) - 4;
		memset(buf + 4, 'm', n);
	} else {
		memcpy(buf + 4, msg, n);
	}
	fg_console("fakeguest: reporting an error\n");
	fg_send(PROTO_ERROR, 0, buf, 4 + n);
	fg_forever();
}

/* A kernel log that overflows umlrun's ring, then the "ok" behaviour. */
static void sc_chatty(void)
{
	int i;

	for (i = 0; i < 4000; i++)
		fg_console("[    0.%06d] chatty: console line %d of 4000\n", i,
			   i + 1);
	sc_ok();
}

/*
 * Kernel splats on the console while the command runs (umlrun's splat.c),
 * by the command's first argument: "all" one report of each kind, with
 * printk timestamps and the lines of report bodies that must not count;
 * "none" near misses only; "hostile" control characters, a 100 KB line,
 * NULs, 40 reports and a last one without its newline; "panic" a report,
 * then a panic. Exits with the second argument (default 0).
 */
static void sc_splat(void)
{
	static const char *const all[] = {
		"[    1.000001] ------------[ cut here ]------------",
		"[    1.000002] WARNING: CPU: 0 PID: 42 at fs/namei.c:4100 do_mkdirat+0x1/0x2",
		"[    1.000003] Modules linked in: umlrun_splat(OE+)",
		"[    1.000004] Call Trace:",
		"[    1.000005]  [<60029a1c>] dump_stack+0x1c/0x20",
		"==================================================================",
		"BUG: KASAN: slab-use-after-free in umlrun_splat_init+0x5a/0x1000",
		"Read of size 1 at addr 0000000071234508 by task insmod/29",
		"[   2.5] BUG: KFENCE: use-after-free read in test_alloc+0x1/0x2",
		"======================================================",
		"WARNING: possible circular locking dependency detected",
		"6.12.0 #1 Not tainted",
		"[    3.000000][    T1] WARNING: suspicious RCU usage",
		"rcu: INFO: rcu_preempt self-detected stall on CPU",
		"rcu: \t0-....: (21000 ticks this GP)",
		"watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:33]",
		"UBSAN: shift-out-of-bounds in lib/test_ubsan.c:65:11",
		"INFO: task sh:12 blocked for more than 120 seconds.",
		"\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
		"BUG: sleeping function called from invalid context at mm/slab.c:1",
		"kernel BUG at mm/slub.c:100!",
		"Oops: 0000 [#1] PREEMPT",
		"WARNING: inconsistent lock state\r",
	};
	static const char *const none[] = {
		"Linux version 6.12.0-fake",
		"sh: WARNING: CPU: 0 is only said mid-line",
		" BUG: indented",
		"INFO: task sh:12 is fine",
		"rcu: INFO: nothing stalled here",
		"UBSAN is a word; KASAN too",
		"------------[ cut here ]------------",
		"WARNING:no space",
		"[ not a timestamp ] BUG: behind something else",
	};
	static char huge[100 << 10];
	size_t i;

	fg_start();
	if (fg_arg_is(1, "all") || fg_arg_is(1, "panic")) {
		for (i = 0; i < ARRAY_SIZE(all); i++)
			fg_console("%s\n", all[i]);
	} else if (fg_arg_is(1, "none")) {
		for (i = 0; i < ARRAY_SIZE(none); i++)
			fg_console("%s\n", none[i]);
	} else if (fg_arg_is(1, "hostile")) {
		fg_console("BUG: \x1b[2J\x1b]0;owned\x07 terminal\x7f\xff\n");
		memset(huge, 'A', sizeof(huge));
		memcpy(huge, "BUG: huge ", 10);
		for (i = 0; i < sizeof(huge); i += 1000)
			fg_console("%.1000s", huge + i);
		fg_console("\n");
		if (write(CONSOLE, "BUG: nul\0inside\n", 16) != 16)
			fg_die("console write");
		for (i = 0; i < 40; i++)
			fg_console("WARNING: CPU: 0 PID: %zu at flood.c:1 f+0x0/0x1\n",
				   i);
		fg_console("UBSAN: no newline at the end");
	}
	if (fg_arg_is(1, "panic")) {
		fg_console("Kernel panic - not syncing: after a splat\n");
		exit(1);
	}
	fg_exit(PROTO_EXITED, (uint32_t)fg_arg(2, 0));
}

/* Leave a helper process behind, as UML does, then exit or die. */
static void sc_orphan(void)
{
	pid_t pid;

	fg_start();
	pid = fork();
	if (pid < 0)
		fg_die("fork: %s", strerror(errno));
	if (pid == 0) {
		setsid();
		if (fork() == 0)
			fg_forever(); /* reparented to umlrun, the subreaper */
		_exit(0);
	}
	fg_send_str(PROTO_STDOUT, "ok\n");
	if (!fg_arg_is(1, "die"))
		fg_exit(PROTO_EXITED, 0);
	exit(0);
}

/* --- the output ring ---------------------------------------------------- */

/*
 * Records on both streams, one whose payload wraps around the end of the
 * data area and one whose header takes its last 8 bytes; exits with 3.
 * On stdout "one\ntwo\n", fill up to 16 bytes before the end of the ring
 * (size - 88 ring bytes: the first four records take 72), "wrapped around
 * the end\n", fill up to 8 bytes before the end (size - 24 ring bytes),
 * "last\n"; on stderr "ring SIZE\n", "e1\n", "header in the last 8
 * bytes\n", "e3\n".
 */
static void sc_ring_ok(void)
{
	fg_start();
	fg_ring_map();
	fg_ring_printf(2, "ring %u\n", fg_rsize);
	fg_ring_str(1, "one\n");
	fg_ring_str(2, "e1\n");
	fg_ring_str(1, "two\n");
	if (fg_ring_off() != 72)
		fg_die("ring-ok: the first records end at %u", fg_ring_off());
	/* header in the last 16 bytes, 8 payload bytes there, the rest at 0 */
	fg_ring_fill(fg_rsize - 16 - fg_ring_off());
	fg_ring_str(1, "wrapped around the end\n");
	if (fg_ring_off() != 16)
		fg_die("ring-ok: the wrapped record ends at %u", fg_ring_off());
	fg_ring_fill(fg_rsize - 8 - fg_ring_off());
	fg_ring_str(2, "header in the last 8 bytes\n");
	fg_ring_str(1, "last\n");
	fg_ring_str(2, "e3\n");
	fg_exit_read(3);
}

/*
 * argv[1] (2000) numbered lines, each its own record, on stdout or
 * stderr: stderr when the number is a multiple of 3 or 7.
 */
static void sc_ring_order(void)
{
	unsigned long i, n;

	fg_start();
	fg_ring_map();
	n = fg_arg(1, 2000);
	for (i = 1; i <= n; i++) {
		if (i % 3 && i % 7)
			fg_ring_printf(1, "%lu out\n", i);
		else
			fg_ring_printf(2, "%lu err\n", i);
	}
	fg_exit_read(0);
}

static const char *fg_refused(int r)
{
	if (!r)
		return "allowed";
	return errno == EPERM ? "EPERM" : strerror(errno);
}

/*
 * Try to shrink, grow and reseal the ring's memfd (the seals must refuse
 * all three), say how that went, then exit 0.
 */
static void sc_ring_truncate(void)
{
	const char *shrink, *grow, *seal;
	int r;

	fg_start();
	fg_ring_map();
	r = ftruncate(RING_MEM, 0);
	shrink = fg_refused(r);
	if (!r && ftruncate(RING_MEM, fg_rlen) < 0)
		fg_die("ring-truncate: cannot restore the size: %s",
		       strerror(errno));
	grow = fg_refused(ftruncate(RING_MEM, fg_rlen * 2));
	seal = fg_refused(fcntl(RING_MEM, F_ADD_SEALS, F_SEAL_WRITE));
	fg_ring_printf(1, "shrink=%s grow=%s seal=%s\n", shrink, grow, seal);
	fg_ring_str(1, "still here\n");
	fg_exit_read(0);
}

/*
 * argv[1] (100000) "before N" lines, EXIT 0, then "after N" lines without
 * end, waiting for room as a writer must; with argv[2] "fork" a child of
 * its own session writes them while the kernel process exits.
 */
static void sc_ring_flood_after_exit(void)
{
	unsigned long i, n;
	pid_t pid = 0;

	fg_start();
	fg_ring_map();
	n = fg_arg(1, 100000);
	for (i = 1; i <= n; i++)
		fg_ring_printf(1, "before %lu\n", i);
	if (fg_arg_is(2, "fork")) {
		pid = fork();
		if (pid < 0)
			fg_die("fork: %s", strerror(errno));
		if (pid > 0) {
			fg_exit_read(0);
			exit(0);
		}
		setsid();
	} else {
		fg_exit_read(0);
	}
	for (i = 1;; i++)
		fg_ring_printf(1, "after %lu\n", i);
}

/*
 * A head that runs away after EXIT. One lap of the ring, then as much more
 * as fits at once, in stdout records of 55 'x' and a newline (64 ring
 * bytes each, so every offset of the ring holds one), then "wrote N
 * pending P" (records in all, ring bytes not yet written out) on stderr
 * over the channel, and EXIT argv[1] (5). Once the host's tail has moved
 * 16 KiB on after EXIT (more than its last rounds before it reads EXIT
 * take, 128 records: it is in its final drain), the head moves one record
 * on at a time, without end and without waiting for room: over stale
 * records that look valid, then past the ring size ahead of the tail.
 */
static void sc_ring_head_after_exit(void)
{
	char line[56], msg[64];
	unsigned long n = 0, i;
	uint64_t tail;

	fg_start();
	fg_ring_map();
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < fg_rsize / 64; i++, n++)
		fg_ring_write(1, line, sizeof(line));
	for (i = 0; i < fg_rsize / 64 &&
		    fg_head - RING_LOAD(&fg_rh->tail) + 64 <= fg_rsize; i++, n++)
		fg_ring_write(1, line, sizeof(line));
	tail = RING_LOAD(&fg_rh->tail);
	snprintf(msg, sizeof(msg), "wrote %lu pending %llu\n", n,
		 (unsigned long long)(fg_head - tail));
	fg_send_str(PROTO_STDERR, msg);
	fg_exit_read((uint32_t)fg_arg(1, 5));
	/* from EXIT on: the host may still have been draining till now */
	tail = RING_LOAD(&fg_rh->tail);
	while (RING_LOAD(&fg_rh->tail) - tail < (16u << 10))
		;
	for (;;) {
		fg_head += 64;
		RING_STORE(&fg_rh->head, fg_head);
	}
}

/*
 * Lines on stdout until the host sets stdout's closed bit (1u << 1), then
 * "closed=N" on stderr and EXIT 42; EXIT 1 if that takes over 10 s.
 */
static void sc_ring_closed(void)
{
	struct timespec t0, t;
	unsigned long i;

	fg_start();
	fg_ring_map();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1;; i++) {
		if (fg_ring_printf(1, "line %lu\n", i) < 0)
			break;
		if (i % 1024)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10) {
			fg_ring_str(2, "stdout never closed\n");
			fg_exit_read(1);
			return;
		}
	}
	fg_ring_printf(2, "closed=%u\n", RING_LOAD(&fg_rh->closed));
	fg_exit_read(42);
}

/*
 * Whether umlrun handed us a ring: "ring=yes|no args=yes|no|half", from
 * fds 5 (a socket) and 6 (umlrun's memfd) and the kernel parameters
 * hostexec.ring=5 and iomem=hostexec,/proc/self/fd/6. Over the channel.
 */
static void sc_ring_probe(void)
{
	static const char memfd[] = "/memfd:umlrun-ring";
	char line[64], target[256];
	int ring = 0, iomem = 0, fds = 0, i;
	struct stat st;
	ssize_t n;

	n = readlink("/proc/self/fd/6", target, sizeof(target) - 1);
	if (n > 0 && !fstat(RING_BELL, &st) && S_ISSOCK(st.st_mode)) {
		target[n] = 0;
		fds = !strncmp(target, memfd, sizeof(memfd) - 1);
	}

	for (i = 1; i < fg_argc; i++) {
		ring |= !strcmp(fg_argv[i], "hostexec.ring=5");
		iomem |= !strcmp(fg_argv[i], "iomem=hostexec,/proc/self/fd/6");
	}
	fg_start();
	snprintf(line, sizeof(line), "ring=%s args=%s\n", fds ? "yes" : "no",
		 ring && iomem ? "yes" : ring || iomem ? "half" : "no");
	fg_send_str(PROTO_STDOUT, line);
	fg_exit(PROTO_EXITED, 0);
}

/* --- broken and hostile guests ---------------------------------------- */

/* Whether a file can be created at path: "written", "denied" or "error". */
static const char *fg_try_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd >= 0) {
		close(fd);
		unlink(path);
		return "written";
	}
	return errno == EACCES || errno == EPERM ? "denied" : "error";
}

/* Try to write outside the run directory, as a compromised kernel would. */
static void sc_escape(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096], line[256];
	const char *out, *in;
	long abi = -1;

	fg_start();
#ifdef SYS_landlock_create_ruleset
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1UL);
#endif
	snprintf(path, sizeof(path), "%s.escaped", fg_self);
	out = fg_try_create(path);
	snprintf(path, sizeof(path), "%s/fakeguest.inside",
		 dir ? dir : "/nonexistent");
	in = fg_try_create(path);
	snprintf(line, sizeof(line), "abi=%ld outside=%s inside=%s\n",
		 abi < 0 ? 0 : abi, out, in);
	fg_send_str(PROTO_STDOUT, line);
	fg_exit(PROTO_EXITED, 0);
}

static void sc_panic(void)
{
	fg_console("Linux version 6.12.0-fake\nbooting\n");
	fg_console("Kernel panic - not syncing: test\n");
	fg_console("CPU: 0 PID: 1 Comm: swapper\nCall Trace:\n [<0000000060042a1c>] dump_stack+0x1c/0x20\n");
	exit(1);
}

/* A panic while the command runs, after some output. */
static void sc_panicrun(void)
{
	fg_start();
	fg_send_str(PROTO_STDOUT, "partial\n");
	sc_panic();
}

static void sc_nohello(void)
{
	exit(0);
}

/* Stays silent before HELLO, so umlrun's signals find no command. */
static void sc_silent(void)
{
	fg_mark("ready");
	fg_forever();
}

static void sc_hang(void)
{
	fg_hello();
	fg_forever();
}

/* Once the command is up, exits without ever sending EXIT. */
static void sc_vanish(void)
{
	fg_start();
	fg_send_str(PROTO_STDOUT, "out\n");
	exit(0);
}

/* Sends EXIT and keeps running: umlrun must end it. */
static void sc_linger(void)
{
	fg_start();
	fg_send_str(PROTO_STDOUT, "out\n");
	fg_exit(PROTO_EXITED, 6);
	fg_forever();
}

static void sc_badmagic(void)
{
	uint8_t buf[16];

	fg_start();
	proto_encode(buf, sizeof(buf), PROTO_STDOUT, 0, "bad\n", 4);
	buf[0] ^= 0xff;
	fg_send_raw(buf, 12);
	fg_forever();
}

static void sc_badversion(void)
{
	fg_send_u32x2(PROTO_HELLO, PROTO_VERSION + 1, PROTO_MAX_PAYLOAD);
	fg_forever();
}

static void sc_twohello(void)
{
	fg_start();
	fg_hello();
	fg_forever();
}

static void sc_shorthello(void)
{
	uint32_t v = PROTO_VERSION;

	fg_send(PROTO_HELLO, 0, &v, 4);
	fg_forever();
}

/* A header that claims a 1 GiB payload, and a little of it. */
static void sc_oversized(void)
{
	uint8_t buf[PROTO_HDR_SIZE + 100];

	fg_start();
	memset(buf, 'o', sizeof(buf));
	proto_put_hdr(buf, PROTO_STDOUT, 0, 1u << 30);
	fg_send_raw(buf, sizeof(buf));
	fg_forever();
}

static void sc_badtype(void)
{
	fg_start();
	fg_send(99, 0, NULL, 0);
	fg_forever();
}

/* A frame only the host may send. */
static void sc_hosttype(void)
{
	fg_start();
	fg_send_str(PROTO_STDIN, "x");
	fg_forever();
}

static void sc_early(void)
{
	fg_send_str(PROTO_STDOUT, "early\n");
	fg_hello();
	fg_forever();
}

/* Half a header, then the kernel dies. */
static void sc_truncated(void)
{
	uint8_t buf[PROTO_HDR_SIZE];

	fg_start();
	proto_put_hdr(buf, PROTO_STDOUT, 0, 10);
	fg_send_raw(buf, PROTO_HDR_SIZE / 2);
	exit(0);
}

/* One message 64 KiB over the largest frame, made of valid STDOUT frames. */
static void sc_hugemsg(void)
{
	static uint8_t buf[PROTO_MAX_FRAME + (64 << 10)];
	size_t n = 0, len;
	int size = 1 << 20;

	fg_start();
	setsockopt(CHAN, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	memset(buf, 'h', sizeof(buf));
	while (n < sizeof(buf)) {
		len = sizeof(buf) - n - PROTO_HDR_SIZE;
		if (len > PROTO_MAX_PAYLOAD)
			len = PROTO_MAX_PAYLOAD;
		proto_put_hdr(buf + n, PROTO_STDOUT, 0, (uint32_t)len);
		n += PROTO_HDR_SIZE + len;
	}
	fg_send_raw(buf, sizeof(buf));
	fg_forever();
}

/* A CREDIT of argv[1] bytes, when umlrun still holds the whole window. */
static void sc_credit(void)
{
	uint32_t v;

	fg_start();
	v = (uint32_t)fg_arg(1, 4096);
	fg_send(PROTO_CREDIT, 0, &v, 4);
	fg_forever();
}

/*
 * Tiny stderr frames without end, one a message, or with "packed" as many
 * as a message holds: the host then does thousands of writes per read.
 */
static void sc_endless(void)
{
	static uint8_t buf[PROTO_MAX_FRAME];
	size_t n = 0;

	fg_start();
	if (!fg_arg_is(1, "packed"))
		for (;;)
			fg_send_str(PROTO_STDERR, "e\n");
	while (n + PROTO_HDR_SIZE + 2 <= sizeof(buf))
		n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDERR, 0,
				  "e\n", 2);
	for (;;)
		fg_send_raw(buf, n);
}

/* Closes its end of the channel but runs on for 3 s. */
static void sc_closechan(void)
{
	fg_start();
	fg_send_str(PROTO_STDOUT, "out\n");
	close(CHAN);
	sleep(3);
	exit(0);
}

/*
 * An empty message (a read of 0 bytes on the host), then a normal end,
 * and the kernel runs on for 3 s.
 */
static void sc_emptymsg(void)
{
	fg_start();
	fg_send_raw("", 0);
	fg_send_str(PROTO_STDOUT, "after\n");
	fg_exit(PROTO_EXITED, 0);
	sleep(3);
	exit(0);
}

/*
 * A good record "good\n", written out by the host, then the start of the
 * next record: what the ring-bad-* scenarios break from.
 */
static uint64_t fg_ring_bad_start(void)
{
	fg_start();
	fg_ring_map();
	fg_ring_str(1, "good\n");
	fg_ring_settle();
	return fg_head;
}

/*
 * The input ring, as umlinit and its command use it: attach before HELLO,
 * then copy stdin from the input ring to the output ring until in_eof.
 * With argv[1] "bad", publish a tail the host never gave out instead.
 */
static void sc_ring_in(void)
{
	uint64_t tail = 0, head;
	uint32_t isz, off, n;
	uint8_t *in;

	fg_ring_map();
	isz = fg_rh->in_size;
	if (!isz || (isz & (isz - 1)) ||
	    fg_rsize + (uint64_t)isz > (uint64_t)fg_rlen - HOSTEXEC_RING_HDR)
		fg_die("bad input ring size %u", isz);
	in = fg_rdata + fg_rsize;
	RING_STORE(&fg_rh->in_attached, 1);
	fg_start();
	if (fg_arg_is(1, "bad")) {
		RING_STORE(&fg_rh->in_tail, (uint64_t)isz * 3 + 5);
		fg_ring_bell();
		fg_forever();
	}
	for (;;) {
		head = RING_LOAD(&fg_rh->in_head);
		if (head - tail > isz)
			fg_die("host broke the input ring");
		while (tail != head) {
			off = (uint32_t)(tail & (isz - 1));
			n = isz - off;
			if (n > head - tail)
				n = (uint32_t)(head - tail);
			if (n > HOSTEXEC_RING_MAX_REC)
				n = HOSTEXEC_RING_MAX_REC;
			if (fg_ring_write(1, in + off, n) < 0)
				fg_die("stdout closed");
			tail += n;
			RING_STORE(&fg_rh->in_tail, tail);
			RING_FENCE();
			if (RING_LOAD(&fg_rh->in_host_wait)) {
				RING_STORE(&fg_rh->in_host_wait, 0);
				fg_ring_bell();
			}
		}
		if (RING_LOAD(&fg_rh->in_eof) &&
		    RING_LOAD(&fg_rh->in_head) == tail)
			break;
		RING_STORE(&fg_rh->in_guest_wait, 1);
		RING_FENCE();
		if (RING_LOAD(&fg_rh->in_head) == tail &&
		    !RING_LOAD(&fg_rh->in_eof))
			fg_ring_sleep();
	}
	fg_exit(PROTO_EXITED, 0);
	exit(0);
}

/*
 * A valid record, published with a bad head: argv[1] "odd" (4 more than
 * the record, not a multiple of 8), "far" (more than the ring size ahead
 * of the tail) or "back" (behind the tail).
 */
static void sc_ring_bad_head(void)
{
	uint64_t start = fg_ring_bad_start(), head;

	fg_ring_rec(1, 4, "bad\n");
	if (fg_arg_is(1, "far"))
		head = start + fg_rsize + 8;
	else if (fg_arg_is(1, "back"))
		head = start - 8;
	else
		head = fg_head + 4;
	fg_ring_publish_head(head);
	fg_forever();
}

/* A record for stream argv[1] (7), complete and published. */
static void sc_ring_bad_stream(void)
{
	fg_ring_bad_start();
	fg_ring_rec((uint32_t)fg_arg(1, 7), 4, "bad\n");
	fg_ring_publish();
	fg_forever();
}

/*
 * A record of a bad length: argv[1] "0"; "big" (128 KiB + 1, all of it
 * published: only a ring over 128 KiB holds that); "past" (100 bytes, the head right after the header + 8) or
 * "huge" (0xffffffff, the same head).
 */
static void sc_ring_bad_len(void)
{
	uint64_t start = fg_ring_bad_start();

	if (fg_arg_is(1, "big")) {
		fg_ring_rec(1, HOSTEXEC_RING_MAX_REC + 1, NULL);
	} else if (fg_arg_is(1, "past") || fg_arg_is(1, "huge")) {
		fg_ring_rec(1, fg_arg_is(1, "past") ? 100 : 0xffffffffu, NULL);
		fg_head = start + 16;
	} else {
		fg_ring_rec(1, 0, NULL);
	}
	fg_ring_publish();
	fg_forever();
}

static const struct scenario {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{ "ok", sc_ok },
	{ "dump", sc_dump },
	{ "split", sc_split },
	{ "coalesce", sc_coalesce },
	{ "cat", sc_cat },
	{ "nocredit", sc_nocredit },
	{ "flood", sc_flood },
	{ "signal", sc_signal },
	{ "exit", sc_exit },
	{ "error", sc_error },
	{ "chatty", sc_chatty },
	{ "orphan", sc_orphan },
	{ "splat", sc_splat },
	{ "escape", sc_escape },
	{ "panic", sc_panic },
	{ "panicrun", sc_panicrun },
	{ "nohello", sc_nohello },
	{ "silent", sc_silent },
	{ "hang", sc_hang },
	{ "vanish", sc_vanish },
	{ "linger", sc_linger },
	{ "badmagic", sc_badmagic },
	{ "badversion", sc_badversion },
	{ "twohello", sc_twohello },
	{ "shorthello", sc_shorthello },
	{ "oversized", sc_oversized },
	{ "badtype", sc_badtype },
	{ "hosttype", sc_hosttype },
	{ "early", sc_early },
	{ "truncated", sc_truncated },
	{ "hugemsg", sc_hugemsg },
	{ "credit", sc_credit },
	{ "endless", sc_endless },
	{ "closechan", sc_closechan },
	{ "emptymsg", sc_emptymsg },
	{ "ring-ok", sc_ring_ok },
	{ "ring-order", sc_ring_order },
	{ "ring-truncate", sc_ring_truncate },
	{ "ring-flood-after-exit", sc_ring_flood_after_exit },
	{ "ring-head-after-exit", sc_ring_head_after_exit },
	{ "ring-closed", sc_ring_closed },
	{ "ring-probe", sc_ring_probe },
	{ "ring-bad-head", sc_ring_bad_head },
	{ "ring-bad-stream", sc_ring_bad_stream },
	{ "ring-in", sc_ring_in },
	{ "ring-bad-len", sc_ring_bad_len },
};

int main(int argc, char **argv)
{
	const char *base, *name;
	size_t i;

	fg_argc = argc;
	fg_argv = argv;
	fg_self = argc > 0 ? argv[0] : "fakeguest";
	base = strrchr(fg_self, '/');
	base = base ? base + 1 : fg_self;
	name = strncmp(base, "fakeguest-", 10) ? base : base + 10;
	proto_reader_init(&fg_rd);
	for (i = 0; i < ARRAY_SIZE(scenarios); i++) {
		if (!strcmp(name, scenarios[i].name)) {
			scenarios[i].run();
			return 0;
		}
	}
	fg_die("unknown scenario '%s'", name);
}
