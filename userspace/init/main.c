// SPDX-License-Identifier: GPL-2.0
/*
 * umlinit: the static PID 1 of every umlrun guest. It sets the guest up in
 * C (no shell, no helper programs: every exec costs 10-20 ms under UML),
 * loads the hostexec module, fetches the command from the host, runs it
 * (relay.c), reports its exit status and powers the machine off.
 * It never returns: PID 1 exiting would panic the kernel.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"
#include "init.h"
#include "kcmdline.h"
#include "log.h"
#include "util.h"

static char cmdline[4096];

/*
 * Find "name=value" on the kernel command line; value may be in double
 * quotes. Returns a copy of the value (never freed: init is short-lived)
 * or NULL.
 */
static const char *init_param(const char *name)
{
	char val[4096];
	size_t nl = strlen(name), i = 0;
	const char *p = cmdline;
	int quoted;

	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			p += nl + 1;
			quoted = 0;
			while (*p && (quoted || (*p != ' ' && *p != '\n')) &&
			       i < sizeof(val) - 1) {
				if (*p == '"')
					quoted = !quoted;
				else
					val[i++] = *p;
				p++;
			}
			val[i] = 0;
			return strdup(val);
		}
		quoted = 0;
		while (*p && (quoted || (*p != ' ' && *p != '\n'))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
	}
	return NULL;
}

static void init_mount(const char *src, const char *dst, const char *type,
		       unsigned long flags, const char *data, int required)
{
	if (mkdir(dst, 0755) < 0 && errno != EEXIST && required)
		init_fatal(125, "mkdir %s: %s", dst, strerror(errno));
	if (mount(src, dst, type, flags, data) == 0)
		return;
	if (required)
		init_fatal(125, "mount %s on %s: %s", type, dst,
			   strerror(errno));
	init_log("mount %s on %s: %s", type, dst, strerror(errno));
}

static void init_read_cmdline(void)
{
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		init_fatal(125, "open /proc/cmdline: %s", strerror(errno));
	n = read_retry(fd, cmdline, sizeof(cmdline) - 1);
	close(fd);
	if (n < 0)
		init_fatal(125, "read /proc/cmdline: %s", strerror((int)-n));
	cmdline[n] = 0;
}

static void init_load_module(void)
{
	const char *path = init_param(KCMD_MODULE);
	const char *fd = init_param(KCMD_CHAN_FD);
	const char *ring = init_param(KCMD_RING_FD);
	char params[64];
	int mfd;

	if (!path || !fd)
		init_fatal(125, KCMD_MODULE "= or " KCMD_CHAN_FD "= missing");
	snprintf(params, sizeof(params), "fd=%.16s%s%.16s", fd,
		 ring ? " ring=" : "", ring ? ring : "");
	mfd = open(path, O_RDONLY | O_CLOEXEC);
	if (mfd < 0)
		init_fatal(125, "open module %s: %s", path, strerror(errno));
	if (syscall(SYS_finit_module, mfd, params, 0) < 0)
		init_fatal(125, "load module %s: %s", path, strerror(errno));
	close(mfd);
}

/*
 * --load-module, --module-src: the user's modules, "N:DIR" (umlrun.load),
 * DIR a directory of the run directory holding N files whose names give
 * the order ("00-name.ko"). Opened before /dev is mounted (the run
 * directory may lie under the host's /dev/shm), loaded after hostexec
 * and before the kernel is locked.
 */
#define INIT_MAX_MODULES 32

static struct {
	int fd;
	const char *name;
} init_user_mods[INIT_MAX_MODULES];
static size_t init_n_user_mods;

static int init_ko_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 3 && !strcmp(d->d_name + n - 3, ".ko");
}

static void init_open_user_modules(void)
{
	const char *v = init_param(KCMD_LOAD), *dir;
	struct dirent **ents;
	char path[4096], *end;
	unsigned long want;
	int n, i;

	if (!v)
		return;
	want = strtoul(v, &end, 10);
	if (*end != ':' || !want || want > INIT_MAX_MODULES)
		init_fatal(125, KCMD_LOAD "=%s: want N:DIR", v);
	dir = end + 1;
	n = scandir(dir, &ents, init_ko_filter, alphasort);
	if (n < 0)
		init_fatal(125, "the modules in %s: %s", dir, strerror(errno));
	if ((unsigned long)n != want)
		init_fatal(125, "%s holds %d modules, not %lu", dir, n, want);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		init_user_mods[i].fd = open(path, O_RDONLY | O_CLOEXEC);
		if (init_user_mods[i].fd < 0)
			init_fatal(125, "open module %s: %s", path, strerror(errno));
		/* "00-name.ko": the name the user gave */
		init_user_mods[i].name = strdup(ents[i]->d_name + strcspn(ents[i]->d_name, "-") + 1);
		free(ents[i]);
	}
	free(ents);
	init_n_user_mods = (size_t)n;
}

static void init_load_user_modules(void)
{
	size_t i;

	for (i = 0; i < init_n_user_mods; i++) {
		if (syscall(SYS_finit_module, init_user_mods[i].fd, "", 0) < 0)
			init_fatal(125, "your module %s did not load: %s (the kernel log says why: -v or --log)",
				   init_user_mods[i].name, strerror(errno));
		close(init_user_mods[i].fd);
		init_log("loaded %s", init_user_mods[i].name);
	}
}

/*
 * umlrun --gdb: say where hostexec.ko's sections are, on the console, where
 * the launcher's gdb script (launcher/gdb.c) picks them up to load the
 * module's symbols.
 */
static void init_gdb_sections(void)
{
	static const char *const sect[] = { ".text", ".data", ".bss" };
	char path[64], val[3][32];
	ssize_t n;
	size_t i;
	int fd;

	if (!init_param(KCMD_GDB))
		return;
	for (i = 0; i < ARRAY_SIZE(sect); i++) {
		snprintf(path, sizeof(path), "/sys/module/hostexec/sections/%s",
			 sect[i]);
		strcpy(val[i], "0");
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read_retry(fd, val[i], sizeof(val[i]) - 1);
		if (fd >= 0)
			close(fd);
		val[i][n > 0 ? n : 1] = 0;
		val[i][strcspn(val[i], "\n")] = 0;
	}
	init_log("gdb: hostexec .text=%s .data=%s .bss=%s", val[0], val[1],
		 val[2]);
}

/*
 * Close the kernel to guest root before anything of the user's runs
 * (but the user's own modules, loaded first): no more modules, and lockdown at confidentiality, which refuses unsigned
 * modules and every interface that reads or writes kernel memory (a guard
 * that does not rest on the one modules_disabled variable; /dev/mem and
 * /proc/kcore are not even built). A kernel without lockdown is refused
 * unless the user gave this layer up (--drop-layer kernel).
 */
static void init_lock_kernel(void)
{
	int err;

	/* the user's own, before anything else may load one */
	init_load_user_modules();
	if (init_param(KCMD_ALLOW_MODULES))
		return;
	err = init_write_file("/proc/sys/kernel/modules_disabled", "1");
	if (err)
		init_fatal(125, "write /proc/sys/kernel/modules_disabled: %s",
			   strerror(-err));
	/* --coverage gave the layer up: gcov's debugfs files are writable,
	 * which lockdown refuses. */
	if (init_param(KCMD_COVERAGE)) {
		init_log("no lockdown: --coverage reads gcov's debugfs files");
		return;
	}
	init_mount("securityfs", "/sys/kernel/security", "securityfs",
		   MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0);
	if (!init_write_file("/sys/kernel/security/lockdown", "confidentiality"))
		return;
	if (init_param(KCMD_DROP_KERNEL)) {
		init_log("no lockdown in this kernel (--drop-layer kernel)");
		return;
	}
	init_fatal(125, "this kernel has no lockdown LSM (CONFIG_SECURITY_LOCKDOWN_LSM), so guest root could rewrite its memory; --drop-layer kernel runs it anyway");
}

static void init_loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		init_fatal(125, "lo: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		init_fatal(125, "lo up: %s", strerror(errno));
	close(s);
}

static void init_dev_links(void)
{
	static const char *const links[][2] = {
		{ "/proc/self/fd", "/dev/fd" },
		{ "/proc/self/fd/0", "/dev/stdin" },
		{ "/proc/self/fd/1", "/dev/stdout" },
		{ "/proc/self/fd/2", "/dev/stderr" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(links); i++)
		if (symlink(links[i][0], links[i][1]) < 0 && errno != EEXIST)
			init_log("symlink %s: %s", links[i][1],
				 strerror(errno));
}

/*
 * Enable every cgroup v2 controller for the root's children, as systemd
 * does on a host: `mkdir /sys/fs/cgroup/x` then has memory.max, pids.max...
 */
static void init_cgroup_delegate(void)
{
	char have[256], want[512], *tok, *save;
	size_t n = 0;
	ssize_t len;
	int fd, err;

	fd = open("/sys/fs/cgroup/cgroup.controllers", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = read_retry(fd, have, sizeof(have) - 1);
	close(fd);
	if (len <= 0)
		return;
	have[len] = 0;
	for (tok = strtok_r(have, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		n += (size_t)snprintf(want + n, sizeof(want) - n, "+%s ", tok);
	err = init_write_file("/sys/fs/cgroup/cgroup.subtree_control", want);
	if (err)
		init_log("cgroup.subtree_control: %s", strerror(-err));
}

void init_setup(void)
{
	const unsigned long nosuid = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	const char *host;

	init_mount("proc", "/proc", "proc", nosuid, NULL, 1);
	init_read_cmdline();
	init_open_user_modules();
	init_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", 1);
	/* Before /tmp gets its tmpfs: the module may live under the host's. */
	init_load_module();
	init_mount("sysfs", "/sys", "sysfs", nosuid, NULL, 1);
	init_gdb_sections();
	init_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		   "newinstance,ptmxmode=0666,mode=0620,gid=5", 0);
	init_mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		   "mode=1777", 0);
	init_mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777",
		   1);
	init_mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755",
		   0);
	init_mount("tmpfs", "/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
		   "mode=1777", 0);
	init_mount("cgroup2", "/sys/fs/cgroup", "cgroup2", nosuid,
		   "nsdelegate", 0);
	init_cgroup_delegate();
	init_dev_links();
	init_loopback_up();
	init_swap(init_param(KCMD_SWAP));
	if (init_param(KCMD_NET))
		init_net_setup();
	host = init_param(KCMD_HOSTNAME);
	if (sethostname(host ? host : "umlrun", strlen(host ? host : "umlrun")))
		init_log("sethostname: %s", strerror(errno));
}

/*
 * Block until the next frame from the host. Before the command runs the
 * host sends one frame per message, so a message must hold exactly one.
 */
static void init_recv(struct proto_reader *rd, struct proto_frame *f)
{
	static uint8_t msg[PROTO_MAX_FRAME];
	struct pollfd p = { .fd = init_chan, .events = POLLIN };
	size_t used;
	ssize_t n;
	int r;

	for (;;) {
		n = read(init_chan, msg, sizeof(msg));
		if (n < 0 && errno == EAGAIN) {
			poll(&p, 1, -1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			init_fatal(125, "channel closed before the command came");
		r = proto_reader_feed(rd, msg, (size_t)n, &used, f);
		if (r < 0)
			init_fatal(125, "bad frame from host: %s", strerror(-r));
		if (r == 1 && used != (size_t)n)
			init_fatal(125, "more than one frame in a message");
		if (r == 1)
			return;
	}
}

/* Read frames until the whole exec description has arrived. */
static uint8_t *init_fetch_exec(struct proto_reader *rd, size_t *len)
{
	struct proto_frame f;
	uint8_t *blob = NULL, *nb;
	size_t have = 0;

	for (;;) {
		init_recv(rd, &f);
		if (f.type != PROTO_EXEC)
			init_fatal(125, "expected EXEC, got %u", f.type);
		if (have + f.len > PROTO_MAX_EXEC)
			init_fatal(125, "command too large");
		nb = realloc(blob, have + f.len + 1);
		if (!nb)
			init_fatal(125, "out of memory");
		blob = nb;
		memcpy(blob + have, f.payload, f.len);
		have += f.len;
		if (f.flags & PROTO_F_LAST) {
			*len = have;
			return blob;
		}
	}
}

int main(void)
{
	uint32_t hello[2] = { PROTO_VERSION, PROTO_MAX_PAYLOAD };
	static struct proto_reader rd;
	struct proto_exec e;
	uint32_t exitv[2], winsize[2] = { 24, 80 };
	uint8_t *blob;
	size_t len;
	int status, err;

	signal(SIGPIPE, SIG_IGN);
	init_setup();
	init_chan = open("/dev/hostexec", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (init_chan < 0)
		init_fatal(125, "open /dev/hostexec: %s", strerror(errno));
	init_lock_kernel();
	init_ring_open();
	init_send(PROTO_HELLO, 0, hello, sizeof(hello));
	proto_reader_init(&rd);
	blob = init_fetch_exec(&rd, &len);
	err = proto_exec_decode(blob, len, &e);
	if (err)
		init_fatal(125, "bad exec description: %s", strerror(-err));
	init_mounts(&e);
	if (e.flags & PROTO_EXEC_PTY) {
		struct proto_frame f;

		init_recv(&rd, &f);
		if (f.type != PROTO_WINSIZE || proto_check_from_host(&f))
			init_fatal(125, "expected WINSIZE, got %u", f.type);
		winsize[0] = proto_get_u32(f.payload);
		winsize[1] = proto_get_u32(f.payload + 4);
	}
	init_coverage_reset(init_param(KCMD_COVERAGE),
			    init_param(KCMD_KUNIT_ENABLE) != NULL);
	status = init_run(&e, &rd, winsize);
	init_coverage_collect(init_param(KCMD_COVERAGE));
	init_net_drain();
	sync();
	if (WIFSIGNALED(status)) {
		exitv[0] = PROTO_SIGNALED;
		exitv[1] = (uint32_t)WTERMSIG(status);
	} else {
		exitv[0] = PROTO_EXITED;
		exitv[1] = (uint32_t)WEXITSTATUS(status);
	}
	init_send(PROTO_EXIT, 0, exitv, sizeof(exitv));
	init_poweroff();
}
