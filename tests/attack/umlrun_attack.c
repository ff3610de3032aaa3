// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile module for tests/hardening.t: loaded in the guest with
 * --allow-modules, it runs in the UML kernel process and makes raw host
 * system calls (the syscall instruction, straight to the host kernel), as a
 * guest root that owns its kernel would. Each attempt prints one line,
 * "umlrun_attack: NAME=RESULT" (0 or a negative errno), for the test to
 * read; the controls (getpid, a read, a write where the user allowed one)
 * show the calls really reach the host.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>

static int port;
module_param(port, int, 0);
static char *sock = "";
module_param(sock, charp, 0);
static int victim;
module_param(victim, int, 0);
static char *wfile = "";
module_param(wfile, charp, 0);
static char *okfile = "";
module_param(okfile, charp, 0);
static char *rfile = "";
module_param(rfile, charp, 0);
static char *devfile = "";
module_param(devfile, charp, 0);

/* host syscall numbers and constants (x86_64) */
#define H_READ 0
#define H_WRITE 1
#define H_OPEN 2
#define H_CLOSE 3
#define H_SOCKET 41
#define H_CONNECT 42
#define H_SOCKETPAIR 53
#define H_KILL 62
#define H_GETPID 39
#define H_IO_URING_SETUP 425
#define H_O_RDONLY 0
#define H_O_WRONLY 1
#define H_O_APPEND 02000
#define H_AF_UNIX 1
#define H_AF_INET 2
#define H_SOCK_STREAM 1
#define H_SOCK_DGRAM 2

static long host_call(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a), "S"(b), "d"(c)
		     : "rcx", "r11", "memory");
	return ret;
}

struct h_sockaddr_un {
	unsigned short family;
	char path[108];
};

struct h_sockaddr_in {
	unsigned short family;
	unsigned short port;
	unsigned int addr;
	char zero[8];
};

static void report(const char *name, long ret)
{
	pr_info("%s=%ld\n", name, ret);
}

static long try_unix_connect(const char *path, int abstract)
{
	struct h_sockaddr_un sa = { .family = H_AF_UNIX };
	long fd, ret;
	int off = abstract ? 1 : 0;

	strscpy(sa.path + off, path, sizeof(sa.path) - off);
	fd = host_call(H_SOCKET, H_AF_UNIX, H_SOCK_STREAM, 0);
	if (fd < 0)
		return fd;
	ret = host_call(H_CONNECT, fd, (long)&sa,
			2 + off + strlen(path));
	host_call(H_CLOSE, fd, 0, 0);
	return ret;
}

static long try_tcp(void)
{
	struct h_sockaddr_in sa = { .family = H_AF_INET,
				    .port = (unsigned short)((port >> 8) | (port << 8)),
				    .addr = 0x0100007f };
	long fd, ret;

	fd = host_call(H_SOCKET, H_AF_INET, H_SOCK_STREAM, 0);
	if (fd < 0)
		return fd;
	ret = host_call(H_CONNECT, fd, (long)&sa, sizeof(sa));
	host_call(H_CLOSE, fd, 0, 0);
	return ret;
}

static long try_open(const char *path, long flags, int do_write)
{
	char buf[8];
	long fd, ret;

	fd = host_call(H_OPEN, (long)path, flags, 0);
	if (fd < 0)
		return fd;
	if (do_write)
		ret = host_call(H_WRITE, fd, (long)"attack\n", 7);
	else
		ret = host_call(H_READ, fd, (long)buf, sizeof(buf));
	host_call(H_CLOSE, fd, 0, 0);
	return ret < 0 ? ret : 0;
}

static int __init attack_init(void)
{
	int fds[2];
	long r;

	report("getpid", host_call(H_GETPID, 0, 0, 0) > 0 ? 0 : -1);
	if (*rfile)
		report("read", try_open(rfile, H_O_RDONLY, 0));
	if (*okfile)
		report("write-allowed", try_open(okfile, H_O_WRONLY | H_O_APPEND, 1));
	if (*wfile)
		report("write-outside", try_open(wfile, H_O_WRONLY | H_O_APPEND, 1));
	if (*devfile)
		report("read-device", try_open(devfile, H_O_RDONLY, 0));
	if (*sock) {
		report("unix-connect", try_unix_connect(sock, 0));
		report("abstract-connect", try_unix_connect(sock, 1));
	}
	if (port)
		report("tcp-connect", try_tcp());
	r = host_call(H_SOCKETPAIR, H_AF_UNIX, H_SOCK_DGRAM, (long)fds);
	report("dgram-socketpair", r);
	if (r == 0) {
		host_call(H_CLOSE, fds[0], 0, 0);
		host_call(H_CLOSE, fds[1], 0, 0);
	}
	report("io_uring", host_call(H_IO_URING_SETUP, 8, (long)fds, 0));
	if (victim)
		report("kill-victim", host_call(H_KILL, victim, 15, 0));
	report("kill-all", host_call(H_KILL, -1, 0, 0));
	report("inherited-fd", host_call(H_WRITE, 9, (long)"attack\n", 7));
	pr_info("done\n");
	return 0;
}

static void __exit attack_exit(void)
{
}

module_init(attack_init);
module_exit(attack_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("umlrun test: host system calls from the guest kernel");
