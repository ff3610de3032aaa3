// SPDX-License-Identifier: GPL-2.0
/*
 * umlinit's relay: start the command with its stdio on the module's rings
 * (or, without rings, on pipes init relays), then move bytes between the
 * pipes and the host channel until the command exits, reaping every
 * orphan on the way. Stdin is flow-controlled by credits so
 * that the channel can always be read (signals and EOF never queue behind
 * a command that does not read its input).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "init.h"
#include "log.h"
#include "util.h"

/* Send a CREDIT once this much stdin was consumed (or the buffer ran dry). */
#define CREDIT_BATCH (64u << 10)

extern char **environ;

struct relay {
	pid_t pid;
	int status;
	int exited;
	int in_w, out_r, err_r, sfd;
	int pty;		/* out_r is the master of the command's pty */
	int in_eof;
	uint8_t *ring;
	size_t head, fill;
	uint32_t credit;
};

struct exec_failure {
	int status;
	int err;
	char what[16];
};

static void relay_child(const struct proto_exec *e, const int child[3],
			int report, int tty)
{
	struct exec_failure fail = { 0 };
	sigset_t all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	setsid();
	if (dup2(child[0], 0) < 0 || dup2(child[1], 1) < 0 ||
	    dup2(child[2], 2) < 0) {
		fail = (struct exec_failure){ 125, errno, "dup2" };
		goto out;
	}
	if (tty && ioctl(0, TIOCSCTTY, 0) < 0) {
		fail = (struct exec_failure){ 125, errno, "TIOCSCTTY" };
		goto out;
	}
	if (e->flags & PROTO_EXEC_SET_IDS) {
		if (setgroups(e->ngroups, (const gid_t *)e->groups) < 0 ||
		    setgid(e->gid) < 0 || setuid(e->uid) < 0) {
			fail = (struct exec_failure){ 125, errno, "setuid" };
			goto out;
		}
	}
	if (chdir(e->cwd) < 0) {
		fail = (struct exec_failure){ 125, errno, "chdir" };
		goto out;
	}
	environ = e->envp;
	execvp(e->argv[0], e->argv);
	fail.status = (errno == ENOENT || errno == ENOTDIR) ? 127 : 126;
	fail.err = errno;
	/* as a shell says it: a directory named with a slash is EACCES */
	if (errno == EACCES && strchr(e->argv[0], '/')) {
		struct stat st;

		if (stat(e->argv[0], &st) == 0 && S_ISDIR(st.st_mode))
			fail.err = EISDIR;
	}
	strcpy(fail.what, "exec");
out:
	(void)write_all(report, &fail, sizeof(fail));
	_exit(fail.status);
}

/* The ring devices by fd number (stdin, stdout, stderr), or all -1. */
static int ring_fd[3] = { -1, -1, -1 };

void init_ring_open(void)
{
	static const char *const dev[3] = { "/dev/hostexec-stdin",
					    "/dev/hostexec-stdout",
					    "/dev/hostexec-stderr" };
	int i;

	/* stdin last: opening it tells the host to use the input ring */
	for (i = 2; i >= 0; i--) {
		/* above 0-2, which the kernel opened on the console for us */
		ring_fd[i] = open(dev[i], (i ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
		if (ring_fd[i] < 0)
			break;
	}
	if (i < 0)
		return;
	for (i = 0; i < 3; i++) {
		if (ring_fd[i] >= 0)
			close(ring_fd[i]);
		ring_fd[i] = -1;
	}
}

/*
 * The command's stdio, child[] its fds 0-2: the module's rings when the
 * host set them up (the command talks to the host directly, init never
 * touches its stdio), else pipes that init relays over the channel.
 */
static void relay_pipes(struct relay *r, int child[3])
{
	int in[2], out[2], err[2];

	if (ring_fd[0] >= 0) {
		memcpy(child, ring_fd, sizeof(ring_fd));
		return;
	}
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(err, O_CLOEXEC))
		init_fatal(125, "pipe: %s", strerror(errno));
	/* Bigger pipes mean fewer, larger frames on the channel. */
	fcntl(out[1], F_SETPIPE_SZ, 1 << 20);
	fcntl(err[1], F_SETPIPE_SZ, 1 << 20);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	child[0] = in[0];
	child[1] = out[1];
	child[2] = err[1];
	r->in_w = in[1];
	r->out_r = out[0];
	r->err_r = err[0];
}

/* The command on a pseudo-terminal: its fds 0-2 are all the slave. */
static void relay_pty(struct relay *r, int child[3], const uint32_t *winsize)
{
	struct winsize ws = { .ws_row = (unsigned short)winsize[0],
			      .ws_col = (unsigned short)winsize[1] };
	int master, slave, unlock = 0;

	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0)
		init_fatal(125, "pty: %s", strerror(errno));
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		init_fatal(125, "pty: %s", strerror(errno));
	if (ws.ws_row && ws.ws_col)
		ioctl(master, TIOCSWINSZ, &ws);
	child[0] = child[1] = child[2] = slave;
	r->pty = 1;
	r->out_r = master;
	r->in_w = fcntl(master, F_DUPFD_CLOEXEC, 3);
	r->err_r = -1;
	fcntl(master, F_SETFL, O_NONBLOCK);
}

/* Wait until the command was executed, or report why it was not. */
static void relay_wait_exec(struct relay *r, const struct proto_exec *e,
			    int rep[2])
{
	struct exec_failure fail;
	ssize_t n;

	close(rep[1]);
	n = read_retry(rep[0], &fail, sizeof(fail));
	close(rep[0]);
	if (n == (ssize_t)sizeof(fail)) {
		if (!strcmp(fail.what, "chdir"))
			init_fatal(fail.status,
				   "cannot change to %s in the guest: %s",
				   e->cwd, strerror(fail.err));
		init_fatal(fail.status, "%s %s: %s", fail.what, e->argv[0],
			   strerror(fail.err));
	}
	if (r->in_w >= 0)
		fcntl(r->in_w, F_SETFL, O_NONBLOCK);
}

/* Start the command on a pty (PROTO_EXEC_PTY) or on pipes or rings. */
static void relay_spawn(struct relay *r, const struct proto_exec *e,
			const uint32_t *winsize)
{
	int tty = !!(e->flags & PROTO_EXEC_PTY);
	int child[3], rep[2], i;

	if (tty)
		relay_pty(r, child, winsize);
	else
		relay_pipes(r, child);
	if (pipe2(rep, O_CLOEXEC))
		init_fatal(125, "pipe: %s", strerror(errno));
	r->pid = fork();
	if (r->pid < 0)
		init_fatal(125, "fork: %s", strerror(errno));
	if (r->pid == 0)
		relay_child(e, child, rep[1], tty);
	for (i = 0; i < 3; i++)
		if (!i || child[i] != child[i - 1])
			close(child[i]);
	relay_wait_exec(r, e, rep);
}

static void relay_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * Move one chunk from a command pipe to the host; close it at EOF.
 * Returns the bytes moved, 0 at EOF, -EAGAIN when the pipe is empty.
 */
static ssize_t relay_output(int *fd, unsigned int type)
{
	static uint8_t frame[PROTO_MAX_FRAME];
	ssize_t n;

	n = read_retry(*fd, frame + PROTO_HDR_SIZE, PROTO_MAX_PAYLOAD);
	if (n == -EAGAIN)
		return n;
	if (n <= 0) {
		relay_close(fd);
		return 0;
	}
	proto_put_hdr(frame, type, 0, (uint32_t)n);
	if (init_send_frame(frame, PROTO_HDR_SIZE + (size_t)n) < 0)
		init_poweroff();
	return n;
}

/*
 * While a pipe yields full frames, keep moving them without another poll:
 * every system call is a ptrace round trip under UML. Bounded, so stdin
 * and signals are not starved.
 */
static void relay_outputs(int *fd, unsigned int type)
{
	int rounds = 8;

	while (relay_output(fd, type) == PROTO_MAX_PAYLOAD && --rounds)
		;
}

static void relay_reap(struct relay *r)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(r->sfd, &si, sizeof(si)) > 0)
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == r->pid) {
			r->status = status;
			r->exited = 1;
		}
	}
}

static void relay_stdin_in(struct relay *r, const struct proto_frame *f)
{
	size_t tail, n, done = 0;

	if (r->in_w < 0) {
		/* The command closed its stdin: drop, but keep granting. */
		r->credit += f->len;
		return;
	}
	if (f->len > PROTO_STDIN_WINDOW - r->fill)
		init_fatal(125, "host overran the stdin window");
	while (done < f->len) {
		tail = (r->head + r->fill) % PROTO_STDIN_WINDOW;
		n = PROTO_STDIN_WINDOW - tail;
		if (n > f->len - done)
			n = f->len - done;
		memcpy(r->ring + tail, f->payload + done, n);
		r->fill += n;
		done += n;
	}
}

static void relay_stdin_out(struct relay *r)
{
	size_t n = PROTO_STDIN_WINDOW - r->head;
	ssize_t w;

	if (n > r->fill)
		n = r->fill;
	w = write(r->in_w, r->ring + r->head, n);
	if (w < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		/* EPIPE: the command will never read the rest. */
		r->credit += (uint32_t)r->fill;
		r->fill = 0;
		relay_close(&r->in_w);
		return;
	}
	r->head = (r->head + (size_t)w) % PROTO_STDIN_WINDOW;
	r->fill -= (size_t)w;
	r->credit += (uint32_t)w;
}

static void relay_frame(struct relay *r, const struct proto_frame *f)
{
	uint32_t v;

	if (proto_check_from_host(f) < 0)
		init_fatal(125, "bad frame type %u from host", f->type);
	switch (f->type) {
	case PROTO_STDIN:
		relay_stdin_in(r, f);
		break;
	case PROTO_STDIN_EOF:
		r->in_eof = 1;
		break;
	case PROTO_OUT_CLOSED:
		v = proto_get_u32(f->payload);
		relay_close(v == 1 ? &r->out_r : &r->err_r);
		break;
	case PROTO_SIGNAL:
		if (!r->exited)
			kill(r->pid, (int)proto_get_u32(f->payload));
		break;
	case PROTO_WINSIZE:
		if (r->pty && r->out_r >= 0) {
			struct winsize ws = {
				.ws_row = (unsigned short)proto_get_u32(f->payload),
				.ws_col = (unsigned short)proto_get_u32(f->payload + 4),
			};

			ioctl(r->out_r, TIOCSWINSZ, &ws);
		}
		break;
	default:
		init_fatal(125, "unexpected frame type %u from host", f->type);
	}
}

static void relay_channel(struct relay *r, struct proto_reader *rd)
{
	static uint8_t msg[PROTO_MAX_FRAME];
	struct proto_frame f;
	size_t off, used;
	ssize_t n;
	int ret;

	n = read(init_chan, msg, sizeof(msg));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		init_fatal(125, "host channel closed");
	for (off = 0; off < (size_t)n; off += used) {
		ret = proto_reader_feed(rd, msg + off, (size_t)n - off, &used,
					&f);
		if (ret < 0)
			init_fatal(125, "bad frame from host: %s",
				   strerror(-ret));
		if (ret == 1)
			relay_frame(r, &f);
	}
}

static void relay_credit(struct relay *r)
{
	if (r->credit >= CREDIT_BATCH || (r->credit && !r->fill)) {
		init_send(PROTO_CREDIT, 0, &r->credit, sizeof(r->credit));
		r->credit = 0;
	}
}

/*
 * After the command exited: forward what its pipes still hold, then stop.
 * A background process still writing cannot keep the run alive: the drain
 * ends at the first empty read, and after a bounded number of chunks.
 */
static void relay_drain(int *fd, unsigned int type)
{
	int chunks = 64;

	if (*fd >= 0)
		fcntl(*fd, F_SETFL, O_NONBLOCK);
	while (*fd >= 0 && chunks-- > 0)
		if (relay_output(fd, type) <= 0)
			break;
	relay_close(fd);
}

int init_run(const struct proto_exec *e, struct proto_reader *rd,
	     const uint32_t *winsize)
{
	struct relay r = { .in_w = -1, .out_r = -1, .err_r = -1 };
	struct pollfd p[5];
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	r.sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r.sfd < 0)
		init_fatal(125, "signalfd: %s", strerror(errno));
	relay_spawn(&r, e, winsize);
	/* stdin frames to buffer: not with the input ring */
	if (r.in_w >= 0 && !(r.ring = malloc(PROTO_STDIN_WINDOW)))
		init_fatal(125, "out of memory");

	while (!r.exited) {
		p[0] = (struct pollfd){ .fd = init_chan, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = r.sfd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = r.out_r, .events = POLLIN };
		p[3] = (struct pollfd){ .fd = r.err_r, .events = POLLIN };
		p[4] = (struct pollfd){ .fd = r.fill ? r.in_w : -1,
					.events = POLLOUT };
		if (poll(p, 5, -1) < 0) {
			if (errno == EINTR)
				continue;
			init_fatal(125, "poll: %s", strerror(errno));
		}
		if (p[2].revents)
			relay_outputs(&r.out_r, PROTO_STDOUT);
		if (p[3].revents)
			relay_outputs(&r.err_r, PROTO_STDERR);
		if (p[4].revents)
			relay_stdin_out(&r);
		if (p[0].revents)
			relay_channel(&r, rd);
		if (r.in_eof && !r.fill)
			relay_close(&r.in_w);
		relay_credit(&r);
		if (p[1].revents)
			relay_reap(&r);
	}
	relay_drain(&r.out_r, PROTO_STDOUT);
	relay_drain(&r.err_r, PROTO_STDERR);
	relay_close(&r.in_w);
	free(r.ring);
	return r.status;
}
