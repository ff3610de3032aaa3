// SPDX-License-Identifier: GPL-2.0
/*
 * umlinit's network setup for -n: the vector device the launcher handed
 * the kernel (vec0, fd transport) becomes eth0 with slirp's addresses
 * (10.0.2.15/24, default route via 10.0.2.2), and the guest gets its own
 * /etc/resolv.conf naming slirp's DNS (10.0.2.3), bind-mounted from its
 * /run tmpfs over the host's read-only file. All with ioctls and mount(2):
 * no `ip`, no shell.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "init.h"
#include "log.h"
#include "util.h"

#define NET_KERNEL_DEV "vec0"
#define NET_DEV "eth0"
#define NET_ADDR "10.0.2.15"
#define NET_MASK "255.255.255.0"
#define NET_GATEWAY "10.0.2.2"
#define NET_DNS "10.0.2.3"
#define NET_RESOLV "/run/umlrun/resolv.conf"
/* At most this long, the guest waits for its TCP data to leave. */
#define NET_DRAIN_MS 3000

static int net_on;

static void net_sockaddr(struct sockaddr *sa, const char *ip)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

static void net_ifreq(int s, unsigned long req, struct ifreq *ifr,
		      const char *what)
{
	if (ioctl(s, req, ifr) < 0)
		init_fatal(125, "network: %s %s: %s", what, ifr->ifr_name,
			   strerror(errno));
}

static void net_iface_up(int s)
{
	struct ifreq ifr;
	struct rtentry rt;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, NET_KERNEL_DEV);
	strcpy(ifr.ifr_newname, NET_DEV);
	if (ioctl(s, SIOCSIFNAME, &ifr) < 0)
		init_fatal(125, "network: no %s device to rename (%s): the kernel lacks the vector fd transport?",
			   NET_KERNEL_DEV, strerror(errno));

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, NET_DEV);
	net_sockaddr(&ifr.ifr_addr, NET_ADDR);
	net_ifreq(s, SIOCSIFADDR, &ifr, "set address of");
	net_sockaddr(&ifr.ifr_netmask, NET_MASK);
	net_ifreq(s, SIOCSIFNETMASK, &ifr, "set netmask of");
	net_ifreq(s, SIOCGIFFLAGS, &ifr, "get flags of");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	net_ifreq(s, SIOCSIFFLAGS, &ifr, "bring up");

	memset(&rt, 0, sizeof(rt));
	net_sockaddr(&rt.rt_dst, "0.0.0.0");
	net_sockaddr(&rt.rt_genmask, "0.0.0.0");
	net_sockaddr(&rt.rt_gateway, NET_GATEWAY);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = NET_DEV;
	if (ioctl(s, SIOCADDRT, &rt) < 0)
		init_fatal(125, "network: default route via %s: %s",
			   NET_GATEWAY, strerror(errno));
}

/*
 * /etc/resolv.conf is the host's, read-only. Bind our file over it. When
 * it is a symlink into /run (systemd-resolved, resolvconf), the target
 * does not exist in the guest's fresh /run: create it there instead.
 */
static void net_resolv_conf(void)
{
	static const char conf[] = "nameserver " NET_DNS "\n";
	char target[PATH_MAX], path[PATH_MAX + 8];
	struct stat st;
	ssize_t n;
	int err;

	init_mkdir_parents(NET_RESOLV);
	err = init_write_file(NET_RESOLV, conf);
	if (err)
		init_fatal(125, "network: write %s: %s", NET_RESOLV,
			   strerror(-err));
	if (lstat("/etc/resolv.conf", &st) < 0) {
		init_log("network: no /etc/resolv.conf to cover: %s",
			 strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode) && stat("/etc/resolv.conf", &st) < 0) {
		n = readlink("/etc/resolv.conf", target, sizeof(target) - 1);
		if (n <= 0) {
			init_log("network: readlink /etc/resolv.conf: %s",
				 strerror(errno));
			return;
		}
		target[n] = 0;
		snprintf(path, sizeof(path), "%s%s",
			 target[0] == '/' ? "" : "/etc/", target);
		init_mkdir_parents(path);
		err = init_write_file(path, conf);
		if (err)
			init_log("network: write %s: %s", path, strerror(-err));
		return;
	}
	if (mount(NET_RESOLV, "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0)
		init_fatal(125, "network: bind %s on /etc/resolv.conf: %s",
			   NET_RESOLV, strerror(errno));
}

/*
 * A new root (--root, --overlay, a mount point the host's / lacks) is an
 * overlay with guest memory above: its /etc/resolv.conf, a symlink or
 * not, is replaced there by a file of the guest's own.
 */
void init_net_resolv_in(const char *root)
{
	static const char conf[] = "nameserver " NET_DNS "\n";
	char path[PATH_MAX];
	int err;

	if (!net_on)
		return;
	snprintf(path, sizeof(path), "%s/etc/resolv.conf", root);
	init_mkdir_parents(path);
	if (unlink(path) < 0 && errno != ENOENT)
		init_fatal(125, "network: unlink %s: %s", path,
			   strerror(errno));
	err = init_write_file(path, conf);
	if (err)
		init_fatal(125, "network: write %s: %s", path, strerror(-err));
}

void init_net_setup(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		init_fatal(125, "network: socket: %s", strerror(errno));
	net_iface_up(s);
	close(s);
	net_resolv_conf();
	net_on = 1;
}

/* Bytes not yet acknowledged by the peer, over all TCP sockets. */
static unsigned long net_tcp_unacked(const char *table)
{
	static char buf[64 << 10];
	unsigned long total = 0, txq;
	unsigned int st;
	char *line, *p;
	ssize_t n;
	int fd;

	fd = open(table, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read_retry(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = buf;
	strsep(&p, "\n"); /* the header */
	while ((line = strsep(&p, "\n"))) {
		/* sl local rem st tx_queue:rx_queue ... */
		if (sscanf(line, "%*s %*s %*s %x %lx:", &st, &txq) == 2 &&
		    st != 0x0a)
			total += txq;
	}
	return total;
}

/*
 * The command has exited, but what it wrote to TCP sockets may still sit
 * in this kernel's send queues: powering off now would cut the tail of a
 * transfer. Wait (bounded) until the peers have acknowledged everything.
 */
void init_net_drain(void)
{
	int waited;

	if (!net_on)
		return;
	for (waited = 0; waited < NET_DRAIN_MS; waited += 5) {
		if (!net_tcp_unacked("/proc/net/tcp") &&
		    !net_tcp_unacked("/proc/net/tcp6"))
			return;
		usleep(5000);
	}
	init_log("network: unsent TCP data left after %d ms", NET_DRAIN_MS);
}
