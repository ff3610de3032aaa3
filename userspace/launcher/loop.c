// SPDX-License-Identifier: GPL-2.0
/*
 * The launcher's one poll loop. It answers the guest's HELLO with the exec
 * description, moves stdin into the input ring (or, without one, as frames
 * within the credit the guest grants), writes the output ring's records
 * (or STDOUT/STDERR frames) to our own stdout/stderr as they come, feeds
 * the kernel console to console.c (kept, shown on failure and with -v),
 * forwards SIGINT/SIGTERM/SIGHUP to the command, enforces --timeout, and
 * gives the network (net.c) its share of the same poll.
 * Everything from the guest is untrusted: frames and ring indices are
 * checked before use, and any violation ends the run with 125.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "log.h"
#include "loop.h"
#include "net.h"
#include "proto.h"
#include "result.h"
#include "ring.h"
#include "tty.h"
#include "util.h"

#define TXQ_MAX 8
/* After forwarding a signal, how long the command may take to end. */
#define SIGNAL_GRACE_MS 10000

enum loop_state { WAIT_HELLO, RUNNING, DONE };

struct tx_frame {
	struct tx_frame *next;
	size_t len;
	uint8_t data[];
};

struct loop {
	struct uml *u;
	const struct options *o;
	struct result *r;	/* what the run does, for main */
	enum loop_state state;
	int status;
	const uint8_t *blob;
	size_t blob_len, blob_off;
	int exec_sent;
	int in_fd;		/* our stdin while it is read, else -1 */
	uint32_t credit;	/* stdin bytes the guest can take now */
	int out_closed[3];
	struct proto_reader rd;
	struct tx_frame *txq, **txq_tail;
	int txq_len;
	struct console con;	/* the kernel's console, kept and logged */
	long long grace_deadline;	/* 0, or when a signalled run ends hard */
	int grace_sig;
	int ring_broken;	/* the guest broke the output ring */
	int ring_hot;		/* records came since the last look */
	int ring_in;		/* stdin goes through the input ring */
};

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t sig_pending[65];
static volatile sig_atomic_t sig_timeout;
static volatile sig_atomic_t sigint_count;

static void loop_on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig == SIGINT)
		sigint_count++;
	if (sig == SIGALRM)
		sig_timeout = 1;
	else if (sig > 0 && sig < 65)
		sig_pending[sig] = 1;
	if (write(sig_pipe[1], &c, 1) < 0) {
		/* The pipe is full: a wake-up is already pending. */
	}
	errno = saved;
}

void loop_signals_init(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGCHLD, SIGALRM, SIGWINCH };
	struct sigaction sa;
	size_t i;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		die_errno("pipe");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = loop_on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked write to our stdout must see a timeout. */
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int loop_fail(struct loop *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* End the run as umlrun's own failure: one line, then the kernel's last. */
static int loop_fail(struct loop *l, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn("%s", msg);
	snprintf(l->r->error, sizeof(l->r->error), "%s", msg);
	console_tail(&l->con);
	l->state = DONE;
	l->status = EXIT_UMLRUN;
	return -1;
}

static int loop_queue(struct loop *l, unsigned int type, unsigned int flags,
		      const void *payload, size_t len)
{
	struct tx_frame *t = malloc(sizeof(*t) + PROTO_HDR_SIZE + len);

	if (!t)
		return loop_fail(l, "out of memory");
	t->next = NULL;
	t->len = proto_encode(t->data, PROTO_HDR_SIZE + len, type, flags,
			      payload, len);
	*l->txq_tail = t;
	l->txq_tail = &t->next;
	l->txq_len++;
	return 0;
}

/* Tell the guest's pty the size of our terminal. */
static void loop_winsize(struct loop *l)
{
	uint32_t ws[2];

	tty_winsize(&ws[0], &ws[1]);
	loop_queue(l, PROTO_WINSIZE, 0, ws, sizeof(ws));
}

static void loop_fill_exec(struct loop *l)
{
	size_t n;

	while (!l->exec_sent && l->txq_len < TXQ_MAX) {
		n = l->blob_len - l->blob_off;
		if (n > PROTO_MAX_PAYLOAD)
			n = PROTO_MAX_PAYLOAD;
		if (loop_queue(l, PROTO_EXEC,
			       l->blob_off + n == l->blob_len ? PROTO_F_LAST : 0,
			       l->blob + l->blob_off, n))
			return;
		l->blob_off += n;
		if (l->blob_off == l->blob_len) {
			l->exec_sent = 1;
			if (l->o->tty)
				loop_winsize(l);
			if (l->o->no_stdin && l->ring_in)
				ring_in_eof(&l->u->ring);
			else if (l->o->no_stdin)
				loop_queue(l, PROTO_STDIN_EOF, 0, NULL, 0);
		}
	}
}

static int loop_flush(struct loop *l)
{
	struct tx_frame *t;
	ssize_t n;

	while ((t = l->txq)) {
		n = send(l->u->chan, t->data, t->len,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS))
			return 0;
		if (n < 0)
			return 0; /* the guest is gone: the loop sees it */
		l->txq = t->next;
		if (!l->txq)
			l->txq_tail = &l->txq;
		l->txq_len--;
		free(t);
		if (l->state == RUNNING)
			loop_fill_exec(l);
	}
	return 0;
}

/* Write to our stdout/stderr; a timeout interrupts a stalled reader. */
static int loop_write_out(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	while (len) {
		if (sig_timeout || sigint_count >= 2)
			return -EINTR;
		n = write(fd, p, len);
		if (n < 0 && errno == EAGAIN) {
			/* Our stdout was left non-blocking: wait, lose nothing. */
			struct pollfd pw = { .fd = fd, .events = POLLOUT };

			if (poll(&pw, 1, -1) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (n < 0) {
			/* A timeout or a second Ctrl-C beats a stalled reader. */
			if (errno == EINTR && !sig_timeout && sigint_count < 2)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The command's output to our stdout (fd 1) or stderr (2), however it came:
 * skipped once that stream is closed. Returns 0, -EINTR when a timeout cut
 * the write short (the loop ends the run), or 1 when the stream just went
 * away (EPIPE and friends): the caller tells the guest, whose writers
 * should see it too.
 */
static int loop_emit(struct loop *l, int fd, const struct iovec *iov, int n)
{
	int i, err = 0;

	if (l->out_closed[fd])
		return 0;
	for (i = 0; i < n; i++) {
		if (fd == 1)
			l->r->bytes_stdout += iov[i].iov_len;
		else
			l->r->bytes_stderr += iov[i].iov_len;
		if (fd == 1 && l->r->tap && !l->r->kunit)
			tap_feed(l->r->tap, iov[i].iov_base, iov[i].iov_len,
				 result_now_ms());
	}
	for (i = 0; i < n && !err; i++)
		if (iov[i].iov_len)
			err = loop_write_out(fd, iov[i].iov_base, iov[i].iov_len);
	if (err == -EINTR)
		return err;
	if (err)
		l->out_closed[fd] = 1;
	return err ? 1 : 0;
}

static void loop_output(struct loop *l, int fd, const struct proto_frame *f)
{
	struct iovec iov = { (void *)f->payload, f->len };
	uint32_t which = (uint32_t)fd;

	if (f->len && loop_emit(l, fd, &iov, 1) == 1)
		loop_queue(l, PROTO_OUT_CLOSED, 0, &which, sizeof(which));
}

/*
 * Write out records from the output ring, at most budget of them so stdin,
 * signals and the network keep their turn (once the ring is frozen, this
 * is the final drain and the guest is not asked to ring).
 *
 * While output flows we do not ask for the doorbell: ringing it costs the
 * guest a host system call and a cross-CPU wake-up per record, more than
 * copying the record. We look again after RING_POLL_US instead, and ask
 * for the doorbell only when a look found nothing new.
 * Returns RING_IDLE (the guest will ring), RING_MORE (records left: poll
 * without sleeping) or RING_HOT (poll for at most RING_POLL_US).
 */
enum { RING_IDLE, RING_MORE, RING_HOT };
#define RING_POLL_US 100

static int loop_ring(struct loop *l, int budget)
{
	struct ring *r = &l->u->ring;
	struct ring_rec rec;
	int ret, err;

	while (budget-- > 0) {
		if (l->ring_broken)
			return RING_IDLE;
		ret = ring_next(r, &rec, !l->ring_hot);
		if (ret < 0) {
			l->ring_broken = 1;
			loop_fail(l, "protocol error: broken output ring from the guest");
			return RING_IDLE;
		}
		if (!ret) {
			if (r->frozen || !l->ring_hot)
				return RING_IDLE;
			l->ring_hot = 0;
			return RING_HOT;
		}
		l->ring_hot = 1;
		err = loop_emit(l, (int)rec.stream, rec.iov, 2);
		if (err < 0)
			return RING_IDLE; /* timed out: the loop ends the run */
		if (err)
			ring_close_stream(r, rec.stream);
		ring_consume(r, &rec);
	}
	return RING_MORE;
}

static void loop_error_frame(struct loop *l, const struct proto_frame *f)
{
	char msg[PROTO_MAX_ERRMSG + 1];
	uint32_t i, n = f->len - 4;

	for (i = 0; i < n; i++) {
		unsigned char c = f->payload[4 + i];

		msg[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	msg[n] = 0;
	warn("%s", msg);
	snprintf(l->r->error, sizeof(l->r->error), "%s", msg);
	l->status = (int)proto_get_u32(f->payload);
	if (l->status == EXIT_UMLRUN)
		console_tail(&l->con);
	l->state = DONE;
}

static int loop_frame(struct loop *l, const struct proto_frame *f)
{
	uint32_t a, b;

	if (proto_check_from_guest(f) < 0)
		return loop_fail(l, "protocol error: bad frame (type %u, %u bytes) from the guest",
				 f->type, f->len);
	/* umlinit reports a failure before HELLO too (a module of the
	 * user's that does not load): the status is its to give anyway */
	if (l->state == WAIT_HELLO && f->type != PROTO_HELLO &&
	    f->type != PROTO_ERROR)
		return loop_fail(l, "protocol error: frame type %u before HELLO",
				 f->type);
	switch (f->type) {
	case PROTO_HELLO:
		if (l->state != WAIT_HELLO)
			return loop_fail(l, "protocol error: second HELLO");
		a = proto_get_u32(f->payload);
		if (a != PROTO_VERSION)
			return loop_fail(l, "guest init speaks protocol %u, this umlrun %u (rebuild with make)",
					 a, PROTO_VERSION);
		l->state = RUNNING;
		/* init opened its stdin device before HELLO, or never will */
		l->ring_in = ring_in_attached(&l->u->ring);
		l->r->hello_ms = result_now_ms();
		/* The guest is up: from now on the terminal is the guest's. */
		if (l->o->tty && isatty(0) && tty_raw() < 0)
			info("cannot put the terminal in raw mode");
		loop_fill_exec(l);
		break;
	case PROTO_STDOUT:
		loop_output(l, 1, f);
		break;
	case PROTO_STDERR:
		loop_output(l, 2, f);
		break;
	case PROTO_CREDIT:
		a = proto_get_u32(f->payload);
		if (a > PROTO_STDIN_WINDOW - l->credit)
			return loop_fail(l, "protocol error: stdin credit overflow");
		l->credit += a;
		break;
	case PROTO_EXIT:
		a = proto_get_u32(f->payload);
		b = proto_get_u32(f->payload + 4);
		l->status = a == PROTO_EXITED ? (int)b : 128 + (int)b;
		l->state = DONE;
		l->r->exited = a == PROTO_EXITED;
		l->r->exit_code = a == PROTO_EXITED ? (int)b : 0;
		l->r->signal = a == PROTO_SIGNALED ? (int)b : 0;
		break;
	case PROTO_ERROR:
		loop_error_frame(l, f);
		break;
	}
	return 0;
}

/*
 * Read what the guest sent, at most budget messages: a guest that keeps the
 * channel full must not keep the loop here, or what we queue for it
 * (OUT_CLOSED once our reader went away, a forwarded signal) and the
 * console would wait until it stopped.
 */
static int loop_channel(struct loop *l, int budget)
{
	static uint8_t msg[PROTO_MAX_FRAME];
	struct proto_frame f;
	size_t off, used;
	int r, resets = 0;
	ssize_t n;

	while (l->state != DONE && !sig_timeout && sigint_count < 2 &&
	       budget-- > 0) {
		n = recv(l->u->chan, msg, sizeof(msg), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		/*
		 * A guest that closed its end with our frames unread makes the
		 * next recv say ECONNRESET once, before what it sent us (its
		 * EXIT, say), which can still be read.
		 */
		if (n < 0 && errno == ECONNRESET && !resets++)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1; /* the kernel is gone */
		if ((size_t)n > sizeof(msg))
			return loop_fail(l, "protocol error: oversized message from the guest");
		for (off = 0; off < (size_t)n && l->state != DONE; off += used) {
			r = proto_reader_feed(&l->rd, msg + off, (size_t)n - off,
					      &used, &f);
			if (r < 0)
				return loop_fail(l, "protocol error: %s from the guest",
						 r == -EMSGSIZE ? "oversized frame" :
								  "bad frame header");
			if (r == 1 && loop_frame(l, &f) < 0)
				return -1;
		}
	}
	return 0;
}

/* Stdin straight into the input ring: no frame, no copy of ours. */
static void loop_stdin_ring(struct loop *l)
{
	uint8_t *p;
	long room;
	ssize_t n;

	room = ring_in_room(&l->u->ring, &p, 0);
	if (room <= 0)
		return; /* a broken ring is caught before the next poll */
	n = read(l->in_fd, p, (size_t)room);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		l->in_fd = -1;
		ring_in_eof(&l->u->ring);
		return;
	}
	l->r->bytes_stdin += (unsigned long long)n;
	ring_in_put(&l->u->ring, (size_t)n);
}

/* Should we read stdin now? Asks the guest for a bell when its ring is full. */
static int loop_stdin_wanted(struct loop *l)
{
	uint8_t *p;
	long room;

	if (l->in_fd < 0 || !l->exec_sent)
		return 0;
	if (!l->ring_in)
		return l->credit && !l->txq;
	room = ring_in_room(&l->u->ring, &p, 1);
	if (room < 0) {
		l->ring_broken = 1;
		loop_fail(l, "protocol error: broken input ring from the guest");
		return 0;
	}
	return room > 0;
}

static void loop_stdin(struct loop *l)
{
	uint8_t buf[PROTO_MAX_PAYLOAD];
	size_t want = l->credit < sizeof(buf) ? l->credit : sizeof(buf);
	ssize_t n;

	if (l->ring_in) {
		loop_stdin_ring(l);
		return;
	}
	n = read(l->in_fd, buf, want);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		l->in_fd = -1;
		loop_queue(l, PROTO_STDIN_EOF, 0, NULL, 0);
		return;
	}
	l->credit -= (uint32_t)n;
	l->r->bytes_stdin += (unsigned long long)n;
	loop_queue(l, PROTO_STDIN, 0, buf, (size_t)n);
}

static void loop_arm_timeout(long long ms)
{
	struct itimerval it = { 0 };

	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * Forward SIGINT/SIGTERM/SIGHUP/SIGQUIT to the command, which decides what
 * to do. A second SIGINT, or a command still running SIGNAL_GRACE_MS after
 * a forwarded signal, ends the guest hard with 128+signal.
 */
static void loop_forward_signals(struct loop *l)
{
	static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	uint32_t sig;
	size_t i;

	if (sigint_count >= 2) {
		warn("interrupted twice: stopping the guest");
		l->state = DONE;
		l->status = 128 + SIGINT;
		return;
	}
	if (l->grace_deadline && result_now_ms() >= l->grace_deadline) {
		warn("the command did not end %d s after signal %d: stopping the guest",
		     SIGNAL_GRACE_MS / 1000, l->grace_sig);
		l->state = DONE;
		l->status = 128 + l->grace_sig;
		return;
	}
	if (sig_pending[SIGWINCH]) {
		sig_pending[SIGWINCH] = 0;
		if (l->o->tty && l->exec_sent)
			loop_winsize(l);
	}
	for (i = 0; i < ARRAY_SIZE(fwd); i++) {
		if (!sig_pending[fwd[i]])
			continue;
		sig_pending[fwd[i]] = 0;
		sig = (uint32_t)fwd[i];
		if (l->state == RUNNING && l->exec_sent) {
			info("forwarding signal %u to the command", sig);
			loop_queue(l, PROTO_SIGNAL, 0, &sig, sizeof(sig));
			if (!l->grace_deadline) {
				l->grace_deadline = result_now_ms() +
						    SIGNAL_GRACE_MS;
				l->grace_sig = (int)sig;
			}
		} else {
			/* Nothing to forward to yet: stop the run. */
			warn("interrupted by signal %u", sig);
			l->state = DONE;
			l->status = 128 + (int)sig;
		}
	}
}

/* Has the kernel exited? Then u->pid is 0 from here on. */
static void loop_check_kernel(struct loop *l)
{
	int status;

	if (l->u->pid > 0 && waitpid(l->u->pid, &status, WNOHANG) > 0)
		l->u->pid = 0;
}

/* Wait up to ms for the kernel to exit, then kill it; it is gone after. */
static void loop_reap_kernel(struct loop *l, int ms)
{
	int status, i;

	for (i = 0; l->u->pid > 0 && i <= ms / 10; i++) {
		if (waitpid(l->u->pid, &status, WNOHANG) == l->u->pid)
			l->u->pid = 0;
		else if (i < ms / 10)
			usleep(10000);
	}
	if (l->u->pid > 0) {
		kill(l->u->pid, SIGKILL);
		while (waitpid(l->u->pid, &status, 0) < 0 && errno == EINTR)
			;
		l->u->pid = 0;
	}
}

/*
 * Did the kernel die because its run directory filled up? The guest's
 * memory file and disks are sparse files there: a page that finds no room
 * is a SIGBUS in the kernel, which UML reports (and then panics). That
 * is the one line to say; the kernel's lines add nothing.
 */
static int loop_rundir_full(struct loop *l)
{
	char base[1024], *slash;

	if (!console_out_of_space(&l->con))
		return 0;
	snprintf(base, sizeof(base), "%.1000s", l->u->rundir);
	slash = strrchr(base, '/');
	if (slash && slash != base)
		*slash = 0;
	warn("the run directory's filesystem (%s) ran out of space: the guest's memory or disks could not be stored; free room there, give less with -m, or set UMLRUN_RUNDIR",
	     base);
	snprintf(l->r->error, sizeof(l->r->error), "the run directory's filesystem (%s) ran out of space",
		 base);
	l->state = DONE;
	l->status = EXIT_UMLRUN;
	return 1;
}

static void loop_kernel_gone(struct loop *l)
{
	char why[256];

	/* Frames the guest sent before it went still count (all of
	 * them: the kernel is gone, nothing more comes). */
	loop_channel(l, INT_MAX);
	if (l->state == DONE)
		return;
	if (loop_rundir_full(l)) {
		return;
	} else if (console_panic(&l->con, why, sizeof(why))) {
		l->r->panic = 1;
		loop_fail(l, "kernel panic: %s", why);
		/* --panic-is-failure: a boot regression is "bad", not "skip" */
		if (l->o->panic_is_failure)
			l->status = 1;
	} else if (l->state == WAIT_HELLO) {
		loop_fail(l, "kernel %s stopped before the guest init was ready",
			  l->u->kernel);
	} else {
		loop_fail(l, "kernel stopped before the command finished");
	}
}

int loop_run(struct uml *u, const struct options *o, const uint8_t *blob,
	     size_t blob_len, struct result *r)
{
	struct loop *l = calloc(1, sizeof(*l));
	long long deadline = 0, left, next;
	struct pollset ps = { 0 };
	struct pollfd *p;
	char drain[64];
	int status, timeout, ring, want_in;
	struct timespec ts;

	if (!l)
		die("out of memory");
	l->u = u;
	l->o = o;
	l->r = r;
	l->blob = blob;
	l->blob_len = blob_len;
	l->in_fd = o->no_stdin ? -1 : 0;
	l->credit = PROTO_STDIN_WINDOW;
	l->txq_tail = &l->txq;
	console_init(&l->con, &u->console, &r->splats);
	l->con.kunit = r->kunit;
	proto_reader_init(&l->rd);
	if (o->timeout_ms) {
		deadline = result_now_ms() + o->timeout_ms;
		loop_arm_timeout(o->timeout_ms);
	}

	while (l->state != DONE) {
		loop_forward_signals(l);
		if (sig_timeout || (deadline && result_now_ms() >= deadline)) {
			if (o->timeout_ms % 1000)
				warn("timed out after %lld ms", o->timeout_ms);
			else
				warn("timed out after %lld s",
				     o->timeout_ms / 1000);
			l->status = EXIT_TIMEOUT;
			l->r->timed_out = 1;
			break;
		}
		loop_check_kernel(l);
		if (l->u->pid <= 0) {
			loop_kernel_gone(l);
			break;
		}
		loop_flush(l);
		ring = loop_ring(l, 64);
		want_in = loop_stdin_wanted(l);
		if (l->state == DONE)
			break; /* the guest broke a ring */
		/* Fixed slots 0-4, then the network's fds. */
		ps.n = 0;
		if (pollset_add(&ps, u->chan,
				POLLIN | (l->txq ? POLLOUT : 0)) < 0 ||
		    pollset_add(&ps, u->console, POLLIN) < 0 ||
		    pollset_add(&ps, sig_pipe[0], POLLIN) < 0 ||
		    pollset_add(&ps, want_in ? l->in_fd : -1, POLLIN) < 0 ||
		    pollset_add(&ps, u->ring.hdr ? u->ring.bell : -1,
				POLLIN) < 0) {
			loop_fail(l, "out of memory");
			break;
		}
		timeout = -1;
		next = deadline;
		if (l->grace_deadline && (!next || l->grace_deadline < next))
			next = l->grace_deadline;
		if (next) {
			left = next - result_now_ms();
			timeout = left < 0 ? 0 : (int)(left > 60000 ? 60000 : left);
		}
		if (ring == RING_MORE)
			timeout = 0;
		net_fill_pollfds(&ps, &timeout);
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = timeout % 1000 * 1000000L;
		if (ring == RING_HOT && timeout != 0)
			ts = (struct timespec){ 0, RING_POLL_US * 1000L };
		p = ps.fds;
		if (ppoll(p, ps.n, timeout < 0 && ring != RING_HOT ? NULL : &ts,
			  NULL) < 0) {
			if (errno == EINTR)
				continue;
			loop_fail(l, "poll: %s", strerror(errno));
			break;
		}
		net_handle_pollfds(&ps);
		if (p[2].revents)
			while (read(sig_pipe[0], drain, sizeof(drain)) > 0)
				;
		if (p[1].revents)
			console_read(&l->con, CONSOLE_ALL);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (loop_channel(l, 64) < 0 && l->state != DONE) {
				/* Channel EOF: the kernel is going; a second at most. */
				loop_reap_kernel(l, 1000);
				loop_kernel_gone(l);
			}
		}
		if (p[3].fd >= 0 && p[3].revents)
			loop_stdin(l);
		if (p[4].fd >= 0 && p[4].revents)
			ring_bell_drain(&u->ring);
	}
	/*
	 * What the command wrote before it ended is in the ring: write it out,
	 * up to the head read once now, at most one ring of data (a background
	 * writer or a guest moving its head cannot keep the run alive). Not
	 * after a timeout or a second Ctrl-C.
	 */
	if (u->ring.hdr && !sig_timeout && sigint_count < 2 &&
	    l->status != EXIT_TIMEOUT) {
		ring_freeze(&u->ring);
		while (loop_ring(l, 1 << 20) == RING_MORE)
			;
	}
	loop_arm_timeout(0);
	pollset_free(&ps);
	status = l->status;
	console_finish(&l->con);
	while (l->txq) {
		struct tx_frame *t = l->txq;

		l->txq = t->next;
		free(t);
	}
	free(l);
	return status;
}
