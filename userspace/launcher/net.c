// SPDX-License-Identifier: GPL-2.0
/*
 * User-mode networking without privileges: libslirp inside the launcher's
 * one poll loop. The guest's vector driver (transport=fd) sends and
 * receives one ethernet frame per message on a SOCK_SEQPACKET socketpair;
 * frames from the guest go to slirp_input, frames slirp sends go back on
 * the socketpair. Slirp's own host sockets (connections the guest opened,
 * published ports) are polled in the same loop. No TAP device, no helper
 * process, no root. The host's loopback services are the guest's only
 * with --host-loopback (10.0.2.2 is then the host's 127.0.0.1).
 *
 * Backpressure towards the guest: when the socketpair is full, frames wait
 * in a queue; above NET_QUEUE_HIGH bytes slirp's host sockets are not read
 * until the guest has caught up, so the queue stays bounded. A frame is
 * dropped only past NET_QUEUE_MAX (a guest that stopped reading), and the
 * count is reported. Towards the host, slirp's TCP windows do the job.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libslirp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "options.h"
#include "log.h"
#include "net.h"

#define NET_SOCKBUF (4 << 20)
#define NET_QUEUE_HIGH (1u << 20)
#define NET_QUEUE_MAX (16u << 20)
/* Frames read from the guest per round, so nothing else starves. */
#define NET_RX_BUDGET 256
#define NET_FRAME_MAX (NET_MTU + 64)

struct net_frame {
	struct net_frame *next;
	size_t len;
	uint8_t data[];
};

struct net_timer {
	struct net_timer *next;
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms;	/* -1: not armed */
};

static struct {
	Slirp *slirp;
	int fd;			/* our end of the frame socketpair */
	int idx;		/* its index in the pollset, -1 when not polled */
	int guest_gone;
	int throttle;		/* do not read host sockets this round */
	int host_pending;	/* slirp sockets with data for the host */
	int host_loopback;	/* --host-loopback */
	struct pollset *ps;
	struct net_frame *q, **q_tail;
	size_t q_bytes, q_peak;
	unsigned long long to_guest, from_guest, queued, dropped;
	unsigned long long guest_errors, refused;
	struct net_timer *timers;
} net = { .fd = -1, .idx = -1 };

/*
 * The host's loopback without --host-loopback. libslirp refuses the guest
 * 10.0.2.2 (disable_host_loopback) but connects anywhere else it is asked,
 * so frames for 127.0.0.0/8 and 0.0.0.0/8 (which Linux delivers to
 * loopback too), which a guest root can route out of eth0, are dropped
 * here. And libslirp's refusal also stops the guest's answers to a
 * published UDP port's client on the host's loopback (it sees them as
 * 10.0.2.2): an answer to a host port that sent the published guest port
 * a datagram goes to 127.0.0.1 instead, which libslirp passes through.
 */
#define NET_UDP_PEERS 256
#define NET_IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct {
	uint8_t published[65536 / 8];	/* guest ports of -p .../udp */
	struct {
		uint16_t host, guest;
	} peers[NET_UDP_PEERS];		/* host ports that sent to them */
	unsigned int n_peers, next;
} guard;

static uint16_t net_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t net_get32(const uint8_t *p)
{
	return (uint32_t)net_get16(p) << 16 | net_get16(p + 2);
}

/*
 * Where the UDP header of an unfragmented IPv4 frame from (dst 0) or to
 * (dst 1) 10.0.2.2 starts; 0 for any other frame.
 */
static size_t net_udp_vhost(const uint8_t *f, size_t len, int dst)
{
	size_t ihl;

	if (len < 14 + 20 || net_get16(f + 12) != 0x0800 || f[14 + 9] != 17 ||
	    (net_get16(f + 14 + 6) & 0x3fff) ||
	    net_get32(f + 14 + (dst ? 16 : 12)) != NET_IP(10, 0, 2, 2))
		return 0;
	ihl = (size_t)(f[14] & 15) * 4;
	if (ihl < 20 || len < 14 + ihl + 8)
		return 0;
	return 14 + ihl;
}

/* A datagram slirp hands the guest: note a host peer of a published port. */
static void net_guard_to_guest(const uint8_t *f, size_t len)
{
	size_t off = net_udp_vhost(f, len, 0);
	const uint8_t *udp = f + off;
	uint16_t host, guest;
	unsigned int i;

	if (!off)
		return;
	host = net_get16(udp);
	guest = net_get16(udp + 2);
	if (!(guard.published[guest / 8] & (1u << (guest % 8))))
		return;
	for (i = 0; i < guard.n_peers; i++)
		if (guard.peers[i].host == host &&
		    guard.peers[i].guest == guest)
			return;
	guard.peers[guard.next].host = host;
	guard.peers[guard.next].guest = guest;
	guard.next = (guard.next + 1) % NET_UDP_PEERS;
	if (guard.n_peers < NET_UDP_PEERS)
		guard.n_peers++;
}

/* A one's complement checksum after a 32-bit word went from old to new. */
static void net_csum_fix(uint8_t *sum, uint32_t old, uint32_t new)
{
	uint32_t s = (uint16_t)~net_get16(sum);

	s += (uint16_t)~(old >> 16) + (uint16_t)~(old & 0xffff);
	s += (new >> 16) + (new & 0xffff);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = (uint16_t)~s;
	sum[0] = (uint8_t)(s >> 8);
	sum[1] = (uint8_t)s;
}

/* A frame from the guest: 0 to hand it to slirp (maybe rewritten), or -1. */
static int net_guard_from_guest(uint8_t *f, size_t len)
{
	uint8_t *udp, *ip = f + 14;
	uint16_t host, guest;
	unsigned int i;
	size_t off;

	if (net.host_loopback || len < 14 + 20 || net_get16(f + 12) != 0x0800)
		return 0;
	if (ip[16] == 127 || ip[16] == 0)
		return -1;
	off = net_udp_vhost(f, len, 1);
	if (!off)
		return 0;
	udp = f + off;
	guest = net_get16(udp);
	host = net_get16(udp + 2);
	for (i = 0; i < guard.n_peers; i++) {
		if (guard.peers[i].host != host ||
		    guard.peers[i].guest != guest)
			continue;
		ip[16] = 127;
		ip[17] = ip[18] = 0;
		ip[19] = 1;
		net_csum_fix(ip + 10, NET_IP(10, 0, 2, 2),
			     NET_IP(127, 0, 0, 1));
		if (net_get16(udp + 6)) {
			net_csum_fix(udp + 6, NET_IP(10, 0, 2, 2),
				     NET_IP(127, 0, 0, 1));
			if (!net_get16(udp + 6))
				udp[6] = udp[7] = 0xff;
		}
		break;
	}
	return 0;
}


/* Send queued frames to the guest while its socket takes them. */
static void net_flush(void)
{
	struct net_frame *f;
	ssize_t n;

	while ((f = net.q)) {
		n = send(net.fd, f->data, f->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS))
			return;
		/* Sent, or the guest is gone: either way the frame is done. */
		net.q = f->next;
		if (!net.q)
			net.q_tail = &net.q;
		net.q_bytes -= f->len;
		free(f);
	}
}

static ssize_t net_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_frame *f;
	ssize_t n;

	net.to_guest++;
	if (!net.host_loopback)
		net_guard_to_guest(buf, len);
	if (!net.q) {
		do {
			n = send(net.fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		} while (n < 0 && errno == EINTR);
		if (n >= 0 || (errno != EAGAIN && errno != ENOBUFS))
			return (ssize_t)len;
	}
	if (net.q_bytes + len > NET_QUEUE_MAX ||
	    !(f = malloc(sizeof(*f) + len))) {
		net.dropped++;
		return (ssize_t)len;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->data, buf, len);
	*net.q_tail = f;
	net.q_tail = &f->next;
	net.q_bytes += len;
	net.queued++;
	if (net.q_bytes > net.q_peak)
		net.q_peak = net.q_bytes;
	return (ssize_t)len;
}

static void net_guest_error(const char *msg, void *opaque)
{
	net.guest_errors++;
	info("guest network: %s", msg);
}

static int64_t net_clock_get_ns(void *opaque)
{
	return mono_ns();
}

static void *net_timer_new_opaque(SlirpTimerId id, void *cb_opaque,
				  void *opaque)
{
	struct net_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->id = id;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = net.timers;
	net.timers = t;
	return t;
}

static void net_timer_free(void *timer, void *opaque)
{
	struct net_timer **pp;

	for (pp = &net.timers; *pp; pp = &(*pp)->next) {
		if (*pp == timer) {
			*pp = (*pp)->next;
			free(timer);
			return;
		}
	}
}

static void net_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	((struct net_timer *)timer)->expire_ms = expire_ms;
}

/* Fire expired timers; a callback may re-arm or free any timer. */
static void net_timers_run(void)
{
	int64_t now = mono_ns() / 1000000;
	struct net_timer *t;

again:
	for (t = net.timers; t; t = t->next) {
		if (t->expire_ms >= 0 && t->expire_ms <= now) {
			t->expire_ms = -1;
			slirp_handle_timer(net.slirp, t->id, t->cb_opaque);
			goto again;
		}
	}
}

static void net_register_poll_fd(int fd, void *opaque)
{
	/* The pollset is rebuilt every round: nothing to keep. */
}

static void net_notify(void *opaque)
{
	/* Likewise: the next round asks slirp again. */
}

static const SlirpCb net_callbacks = {
	.send_packet = net_send_packet,
	.guest_error = net_guest_error,
	.clock_get_ns = net_clock_get_ns,
	.timer_free = net_timer_free,
	.timer_mod = net_timer_mod,
	.register_poll_fd = net_register_poll_fd,
	.unregister_poll_fd = net_register_poll_fd,
	.notify = net_notify,
	.timer_new_opaque = net_timer_new_opaque,
};

static int net_add_poll(int fd, int events, void *opaque)
{
	short ev = 0;

	if ((events & SLIRP_POLL_IN) && !net.throttle)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT) {
		ev |= POLLOUT;
		net.host_pending++;
	}
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return pollset_add(net.ps, fd, ev) < 0 ? -1 : (int)net.ps->n - 1;
}

static int net_get_revents(int idx, void *opaque)
{
	const struct pollset *ps = opaque;
	short re;
	int ev = 0;

	if (idx < 0 || (size_t)idx >= ps->n)
		return 0;
	re = ps->fds[idx].revents;
	if (re & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (re & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (re & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (re & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (re & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

/* Frames the guest sent: into slirp, a bounded number per round. */
static void net_from_guest(void)
{
	static uint8_t buf[NET_FRAME_MAX];
	ssize_t n;
	int i;

	for (i = 0; i < NET_RX_BUDGET; i++) {
		n = recv(net.fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS))
			return;
		if (n <= 0) {
			net.guest_gone = 1;
			return;
		}
		if ((size_t)n > sizeof(buf)) {
			net.guest_errors++;
			continue;
		}
		net.from_guest++;
		if (net_guard_from_guest(buf, (size_t)n) < 0) {
			net.refused++;
			continue;
		}
		slirp_input(net.slirp, buf, (int)n);
	}
}

static void net_sockbuf(int fd)
{
	const char *env = options_env("UMLRUN_NET_SOCKBUF");
	int size = NET_SOCKBUF;

	/* For tests: small buffers make both sides meet a full socket. */
	if (env && *env)
		size = atoi(env);

	/* FORCE works with CAP_NET_ADMIN; otherwise up to wmem/rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static void net_publish(const struct publish *p, struct in_addr guest)
{
	char addr[INET_ADDRSTRLEN];

	errno = 0;
	if (slirp_add_hostfwd(net.slirp, p->udp, p->host_addr, p->host_port,
			      guest, p->guest_port) == 0) {
		info("publishing %s:%u/%s on guest port %u",
		     inet_ntop(AF_INET, &p->host_addr, addr, sizeof(addr)),
		     p->host_port, p->udp ? "udp" : "tcp", p->guest_port);
		return;
	}
	inet_ntop(AF_INET, &p->host_addr, addr, sizeof(addr));
	die("cannot publish %s:%u/%s: %s", addr, p->host_port,
	    p->udp ? "udp" : "tcp",
	    errno ? strerror(errno) : "cannot bind the host port");
}

int net_init(const struct options *o)
{
	SlirpConfig cfg = { 0 };
	struct in_addr guest;
	int sv[2];
	size_t i;

	if (!o->net)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno("socketpair");
	net_sockbuf(sv[0]);
	net_sockbuf(sv[1]);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	net.fd = sv[0];
	net.q_tail = &net.q;

	cfg.version = 4;
	cfg.in_enabled = true;
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
	cfg.vhostname = "umlrun";
	cfg.if_mtu = NET_MTU;
	cfg.if_mru = NET_MTU;
	/* 10.0.2.2 is the host's 127.0.0.1 only when asked for. */
	cfg.disable_host_loopback = !o->host_loopback;
	net.host_loopback = o->host_loopback;
	net.slirp = slirp_new(&cfg, &net_callbacks, NULL);
	if (!net.slirp)
		die("cannot start the user-mode network stack (libslirp)");
	guest = cfg.vdhcp_start;
	for (i = 0; i < o->n_publish; i++) {
		net_publish(&o->publish[i], guest);
		if (o->publish[i].udp)
			guard.published[o->publish[i].guest_port / 8] |=
				(uint8_t)(1u << (o->publish[i].guest_port % 8));
	}
	info("user-mode networking: libslirp %s, mtu %d, host loopback %s",
	     slirp_version_string(), NET_MTU,
	     o->host_loopback ? "reachable at 10.0.2.2" : "refused");
	return sv[1];
}

void net_fill_pollfds(struct pollset *ps, int *timeout_ms)
{
	uint32_t t = UINT32_MAX;
	int64_t now, left;
	struct net_timer *tm;
	short ev = POLLIN;

	if (!net.slirp)
		return;
	net_flush();
	net.ps = ps;
	net.idx = -1;
	if (!net.guest_gone) {
		if (net.q)
			ev |= POLLOUT;
		net.idx = pollset_add(ps, net.fd, ev);
	}
	net.throttle = net.q_bytes > NET_QUEUE_HIGH;
	net.host_pending = 0;
	slirp_pollfds_fill(net.slirp, &t, net_add_poll, NULL);
	now = mono_ns() / 1000000;
	for (tm = net.timers; tm; tm = tm->next) {
		if (tm->expire_ms < 0)
			continue;
		left = tm->expire_ms - now;
		if (left < 0)
			left = 0;
		if ((uint64_t)left < t)
			t = (uint32_t)left;
	}
	if (t != UINT32_MAX && (*timeout_ms < 0 || t < (uint32_t)*timeout_ms))
		*timeout_ms = (int)t;
}

void net_handle_pollfds(const struct pollset *ps)
{
	short re;

	if (!net.slirp)
		return;
	if (net.idx >= 0) {
		re = ps->fds[net.idx].revents;
		if (re & POLLOUT)
			net_flush();
		if (re & (POLLIN | POLLHUP | POLLERR))
			net_from_guest();
	}
	net_timers_run();
	slirp_pollfds_poll(net.slirp, 0, net_get_revents, (void *)ps);
	net.idx = -1;
}

void net_drain(int max_ms)
{
	int64_t end = mono_ns() / 1000000 + max_ms, left;
	struct pollset ps = { 0 };
	int timeout;

	while (net.slirp) {
		ps.n = 0;
		timeout = -1;
		net_fill_pollfds(&ps, &timeout);
		left = end - mono_ns() / 1000000;
		if (!net.host_pending || left <= 0)
			break;
		if (timeout < 0 || timeout > left)
			timeout = (int)left;
		if (poll(ps.fds, ps.n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		net_handle_pollfds(&ps);
	}
	if (net.host_pending)
		info("network: %d connections still had data for the host after %d ms",
		     net.host_pending, max_ms);
	pollset_free(&ps);
}

void net_cleanup(void)
{
	struct net_timer *t;
	struct net_frame *f;

	if (net.slirp) {
		slirp_cleanup(net.slirp);
		net.slirp = NULL;
	}
	while ((t = net.timers)) {
		net.timers = t->next;
		free(t);
	}
	while ((f = net.q)) {
		net.q = f->next;
		free(f);
	}
	net.q_tail = &net.q;
	net.q_bytes = 0;
	if (net.fd >= 0) {
		close(net.fd);
		net.fd = -1;
	}
	if (net.to_guest || net.from_guest)
		info("network: %llu frames from the guest, %llu to it (%llu waited in the queue, peak %zu KiB), %llu dropped, %llu bad",
		     net.from_guest, net.to_guest, net.queued,
		     net.q_peak >> 10, net.dropped, net.guest_errors);
	if (net.refused)
		info("network: %llu frames to the host's loopback refused (without --host-loopback)",
		     net.refused);
	if (net.dropped)
		warn("network: %llu frames to the guest were dropped (the guest stopped reading)",
		     net.dropped);
	net.to_guest = net.from_guest = net.queued = net.dropped = 0;
	net.guest_errors = net.refused = 0;
}
