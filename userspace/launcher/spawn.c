// SPDX-License-Identifier: GPL-2.0
/*
 * Starting the UML kernel process. The launcher finds the kernel, the
 * hostexec module and the guest init, makes a private run directory (UML's
 * umid directory and memory file live there, on tmpfs when possible), and
 * starts the kernel with everything on its command line: the channel is an
 * inherited socket at fd 3, the console goes to a pipe the launcher reads.
 * Nothing is passed through files. The kernel runs in its own session with
 * address-space randomisation off (faster boot, steady memory use) and dies
 * with the launcher.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disks.h"
#include "gdb.h"
#include "bounds.h"
#include "coverage.h"
#include "kernels.h"
#include "kparams.h"
#include "kcmdline.h"
#include "kmodes.h"
#include "landlock.h"
#include "layers.h"
#include "log.h"
#include "kunit.h"
#include "modules.h"
#include "mounts.h"
#include "net.h"
#include "options.h"
#include "plan.h"
#include "reaper.h"
#include "sandbox.h"
#include "spawn.h"
#include "util.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* Preset delay-loop calibration: skips ~40 ms of boot. UML barely uses it. */
#define DEFAULT_LPJ "4000000"
#define RUNDIR_PREFIX "umlrun-"
/*
 * UML's limits (arch/um): it builds paths in its run directory in 256-byte
 * buffers (umid.c), and its command line holds 4096 bytes with what it
 * adds itself (COMMAND_LINE_SIZE).
 */
#define UML_PATH_MAX 256
#define UML_CMDLINE_MAX (4096 - 128)
/* Where the kernel's child parks fds before placing them (above the disks'). */
#define SPAWN_FD_HIGH 64

static void spawn_exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n < 0)
		die_errno("readlink /proc/self/exe");
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
}

/* The directory holding umlinit and kernels/: in the tree or installed. */
static void spawn_libdir(char *buf, size_t len)
{
	const char *env = options_env("UMLRUN_LIBDIR");
	char exe[PATH_MAX - 32];

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	spawn_exe_dir(exe, sizeof(exe));
	snprintf(buf, len, "%s/build", exe);
	if (access(buf, F_OK) == 0)
		return;
	snprintf(buf, len, "%s/../lib/umlrun", exe);
}

static void spawn_resolve(char *out, const char *path, const char *what,
			  const char *hint)
{
	if (!realpath(path, out)) {
		if (errno == ENOENT && hint)
			die("%s %s not found%s", what, path, hint);
		die_errno("%s %s", what, path);
	}
	if (access(out, R_OK) < 0)
		die_errno("%s %s", what, out);
}

static void spawn_check_elf(const char *path, const char *what)
{
	unsigned char hdr[18];
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("%s %s", what, path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    read_retry(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, "\177ELF", 4) || (hdr[16] != 2 && hdr[16] != 3))
		die("%s %s is not an ELF executable", what, path);
	close(fd);
	if (access(path, X_OK) < 0)
		die_errno("%s %s", what, path);
}

/* Where a run's kernel or init comes from, in this order. */
enum spawn_from { FROM_OPTION, FROM_ENV, FROM_LIBDIR };

/* The file to use: explicit, else $env, else LIBDIR/rel, into path. */
static enum spawn_from spawn_pick(const char *explicit, const char *env,
				  const char *rel, char *path, size_t len)
{
	const char *val = options_env(env);
	char lib[PATH_MAX];

	if (explicit) {
		snprintf(path, len, "%s", explicit);
		return FROM_OPTION;
	}
	if (val && *val) {
		snprintf(path, len, "%s", val);
		return FROM_ENV;
	}
	spawn_libdir(lib, sizeof(lib));
	snprintf(path, len, "%s/%s", lib, rel);
	return FROM_LIBDIR;
}

/* What a failure to find it says: "kernel (UMLRUN_KERNEL) ..." */
/*
 * The default kernel. A checkout's build/kernels/SERIES links into the
 * kernel cache of the user who built it, which other users cannot read:
 * say so and what to do.
 */
static void spawn_resolve_kernel(char *out, const char *path)
{
	char dir[PATH_MAX + 64], link[PATH_MAX];
	ssize_t n;

	if (!realpath(path, out) && errno == EACCES) {
		snprintf(dir, sizeof(dir), "%s", path);
		*strrchr(dir, '/') = 0;
		n = readlink(dir, link, sizeof(link) - 1);
		link[n < 0 ? 0 : n] = 0;
		die("kernel %s: %s%s%s%s; build into a cache every user can read "
		    "(UMLRUN_CACHE=/var/cache/umlrun make), install umlrun (make install, "
		    "or the packages make deb builds), or pass -k KERNEL",
		    path, strerror(EACCES),
		    n > 0 ? ": it is in the kernel cache of the user who built it (" : "",
		    link, n > 0 ? ")" : "");
	}
	spawn_resolve(out, path, "kernel", " (build it with make)");
}

static void spawn_pick_resolve(char *out, enum spawn_from from,
			       const char *path, const char *what,
			       const char *env)
{
	char name[64];

	snprintf(name, sizeof(name), from == FROM_ENV ? "%s (%s)" : "%s",
		 what, env);
	spawn_resolve(out, path, name,
		      from == FROM_LIBDIR ? " (build it with make)" : NULL);
}

static void spawn_kernel_rel(const struct options *o, char *rel, size_t len)
{
	snprintf(rel, len, "kernels/%s/linux", o->kernel_version);
}

/* spawn_pick, resolved into buf; 0 or -errno (buf then the path tried). */
static int spawn_default_path(const char *explicit, const char *env,
			      const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX + 64];

	spawn_pick(explicit, env, rel, path, sizeof(path));
	if (!realpath(path, buf)) {
		snprintf(buf, len, "%s", path);
		return -errno;
	}
	return 0;
}

int spawn_default_kernel(const struct options *o, char *buf, size_t len)
{
	char rel[64];

	spawn_kernel_rel(o, rel, sizeof(rel));
	return spawn_default_path(o->kernel, "UMLRUN_KERNEL", rel, buf, len);
}

int spawn_default_init(const struct options *o, char *buf, size_t len)
{
	return spawn_default_path(o->init, "UMLRUN_INIT", "umlinit", buf, len);
}

static void spawn_locate_kernel(struct uml *u, const struct options *o)
{
	char lib[PATH_MAX], path[PATH_MAX + 64], rel[64];
	enum spawn_from from;

	if (!o->kernel && (o->kernel_tree || o->n_kconfig || o->n_flavour)) {
		kernels_build(o, lib, sizeof(lib));
		snprintf(path, sizeof(path), "%s/linux", lib);
		spawn_resolve(u->kernel, path, "kernel", NULL);
		return;
	}
	spawn_kernel_rel(o, rel, sizeof(rel));
	from = spawn_pick(o->kernel, "UMLRUN_KERNEL", rel, path, sizeof(path));
	/* A series make did not build: built (or found cached) now. */
	if (from == FROM_LIBDIR && access(path, F_OK) < 0 && errno == ENOENT &&
	    kernels_can_build()) {
		kernels_build(o, lib, sizeof(lib));
		snprintf(path, sizeof(path), "%s/linux", lib);
	}
	if (from == FROM_LIBDIR)
		spawn_resolve_kernel(u->kernel, path);
	else
		spawn_pick_resolve(u->kernel, from, path, "kernel", "UMLRUN_KERNEL");
}

void spawn_locate(struct uml *u, const struct options *o)
{
	char path[PATH_MAX + 64];
	enum spawn_from from;

	spawn_locate_kernel(u, o);
	spawn_check_elf(u->kernel, "kernel");

	if (o->module) {
		spawn_resolve(u->module, o->module, "module", NULL);
	} else {
		snprintf(path, sizeof(path), "%s", u->kernel);
		*strrchr(path, '/') = 0;
		strcat(path, "/hostexec.ko");
		spawn_resolve(u->module, path, "module",
			      " (it belongs next to the kernel; or use --module)");
	}

	from = spawn_pick(o->init, "UMLRUN_INIT", "umlinit", path, sizeof(path));
	spawn_pick_resolve(u->init, from, path, "init", "UMLRUN_INIT");
	spawn_check_elf(u->init, "init");
}

/* Free bytes in dir, or 0 when it cannot hold a run directory. */
static unsigned long long spawn_room(const char *dir, int need_exec)
{
	struct statvfs sv;

	if (statvfs(dir, &sv) < 0 || (sv.f_flag & ST_RDONLY) ||
	    (need_exec && (sv.f_flag & ST_NOEXEC)) ||
	    access(dir, W_OK | X_OK) < 0)
		return 0;
	return (unsigned long long)sv.f_bavail * sv.f_frsize;
}

/*
 * Where the run directory goes: it holds the guest's memory file (and
 * scratch disks), so it must have room for all of it, or the kernel dies
 * of SIGBUS once the guest touches the page that does not fit (a 64 MiB
 * /dev/shm in a container). UMLRUN_RUNDIR if set (refused when too
 * small), else the first of /dev/shm, $XDG_RUNTIME_DIR, $TMPDIR, /tmp
 * with room; none: refuse before boot, saying what would fit.
 */
static const char *spawn_run_base(unsigned long long need)
{
	const char *env = options_env("UMLRUN_RUNDIR");
	const char *cand[4] = { "/dev/shm", getenv("XDG_RUNTIME_DIR"),
				getenv("TMPDIR"), "/tmp" };
	char seen[256] = "";
	unsigned long long room;
	size_t i, len = 0;

	if (env && *env) {
		room = spawn_room(env, 0);
		if (room && room < need)
			die("UMLRUN_RUNDIR %s has %llu MiB free, the guest's memory and scratch disks need %llu MiB: choose a place with room, or less memory with -m",
			    env, room >> 20, need >> 20);
		return env;
	}
	for (i = 0; i < 4; i++) {
		if (!cand[i] || !*cand[i])
			continue;
		room = spawn_room(cand[i], i == 0);
		if (room >= need) {
			if (i > 0 && seen[0])
				info("guest memory goes to %s: %s", cand[i], seen);
			return cand[i];
		}
		if (len < sizeof(seen))
			len += snprintf(seen + len, sizeof(seen) - len, "%s%s has %llu MiB free",
					len ? ", " : "", cand[i], room >> 20);
	}
	die("the guest's memory and scratch disks need %llu MiB and no place has room (%s): give less with -m, or set UMLRUN_RUNDIR to a directory with room",
	    need >> 20, seen);
}

static void spawn_rundir(struct uml *u, unsigned long long need)
{
	const char *base = spawn_run_base(need);
	int err;

	/* UML adds its umid "uml" and file names such as "mconsole". */
	if (strlen(base) + sizeof("/" RUNDIR_PREFIX "4194304-XXXXXX/uml/mconsole") >
	    UML_PATH_MAX)
		die("the run directory base %s is too long for UML (a run directory path takes at most %zu bytes): set UMLRUN_RUNDIR to a shorter one",
		    base, UML_PATH_MAX - sizeof("/uml/mconsole"));
	err = reaper_mkdir(base, RUNDIR_PREFIX, u->rundir, sizeof(u->rundir));
	if (err) {
		u->rundir[0] = 0;
		errno = -err;
		die_errno("cannot make a run directory in %s", base);
	}
	info("run directory %s", u->rundir);
}

/*
 * Does s hold a byte the kernel command line cannot carry as it is? UML
 * joins its arguments with spaces and the kernel splits them again at
 * whitespace outside double quotes (init/main.c, lib/cmdline.c).
 * quote_ok: a space is fine (the value goes in double quotes).
 */
static int spawn_cmdline_unsafe(const char *s, int quote_ok)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '"' ||
		    (c == ' ' && !quote_ok))
			return 1;
	}
	return 0;
}

/*
 * One parameter for the kernel's own parser; a value with spaces goes in
 * double quotes, which the kernel and umlinit strip. A value with a
 * control character or a double quote cannot be carried whole: refused
 * before boot rather than split into other parameters.
 */
static char *spawn_param(const char *name, const char *val, const char *what)
{
	char *s;

	if (spawn_cmdline_unsafe(val, 1))
		die("%s '%s' holds a control character or a double quote, which cannot go on the kernel command line",
		    what, val);
	if (asprintf(&s, strchr(val, ' ') ? "%s=\"%s\"" : "%s=%s", name,
		     val) < 0)
		die("out of memory");
	return s;
}

/* UMLRUN_KERNEL_ARGS: more kernel parameters, split at spaces (debugging). */
static int spawn_extra_args(char **argv, int n, size_t max)
{
	const char *env = options_env("UMLRUN_KERNEL_ARGS");
	char *copy, *arg, *save = NULL;

	if (!env || !*env)
		return n;
	copy = strdup(env);
	if (!copy)
		die("out of memory");
	for (arg = strtok_r(copy, " ", &save); arg;
	     arg = strtok_r(NULL, " ", &save)) {
		if ((size_t)n >= max)
			die("too many kernel parameters in UMLRUN_KERNEL_ARGS");
		argv[n++] = arg;
	}
	return n;
}

/*
 * The virtual and test drivers the debian flavour builds in make devices
 * when they start, as their modules do when loaded: a scsi_debug disk
 * whose scan costs 300 ms of a boot (and its 8 MiB store, made even
 * without a host: 10 ms), DRBD's 32 MiB page pool, 16 nbd and ram disks,
 * radios, bonds, fallback tunnels in every network namespace.
 * None at boot; each driver's own way makes them (README, "Debian's
 * options"), and a later --append of the same parameter wins. A kernel
 * without the driver ignores its parameter (a dotted name is a module's).
 */
static const char spawn_no_devices[] =
	"scsi_debug.add_host=0 scsi_debug.dev_size_mb=1 drbd.minor_count=1 "
	"null_blk.nr_devices=0 "
	"nbd.nbds_max=0 brd.rd_nr=0 zram.num_devices=0 mac80211_hwsim.radios=0 "
	"bonding.max_bonds=0 ifb.numifbs=0 fakelb.numlbs=0 netrom.nr_ndevs=0 "
	"rose.rose_ndevs=0 sch_teql.max_equalizers=0 comedi_test.noauto=1 "
	"sysctl.net.core.fb_tunnels_only_for_init_net=2";

static char **spawn_args(const struct uml *u, const struct options *o)
{
	static char *argv[64];
	const char *lpj = options_env("UMLRUN_LPJ");
	char mem[32], procs[32];
	size_t len;
	int n = 0, i;

	if (lpj && *lpj && strspn(lpj, "0123456789") != strlen(lpj))
		die("UMLRUN_LPJ='%s' is not a number", lpj);
	snprintf(mem, sizeof(mem), "%luM", o->mem_mb);
	argv[n++] = (char *)u->kernel;
	argv[n++] = spawn_param("mem", mem, "memory size");
	argv[n++] = "root=/dev/root";
	argv[n++] = "rootfstype=hostfs";
	argv[n++] = "rootflags=/";
	argv[n++] = "ro";
	argv[n++] = spawn_param("init", u->init, "the guest init");
	argv[n++] = KCMD_CHAN_FD "=3";
	if (u->ring.hdr) {
		argv[n++] = KCMD_RING_FD "=" STR(RING_GUEST_BELL_FD);
		argv[n++] = "iomem=hostexec,/proc/self/fd/" STR(RING_GUEST_MEM_FD);
	}
	argv[n++] = spawn_param(KCMD_MODULE, u->module, "the module");
	/*
	 * UML reads uml_dir= itself, unparsed, so it cannot be quoted: a run
	 * directory with a space or a control character is given as "~",
	 * UML's word for $HOME, which the kernel process has set to it.
	 */
	if (spawn_cmdline_unsafe(u->rundir, 0))
		argv[n++] = "uml_dir=~";
	else
		argv[n++] = spawn_param("uml_dir", u->rundir, "run directory");
	argv[n++] = "umid=uml";
	/* CONFIG_DUMMY is built in for tests that want it; no dummy0 at boot. */
	argv[n++] = "dummy.numdummies=0";
	argv[n++] = (char *)spawn_no_devices;
	argv[n++] = "con=null";
	/* Console input from a pipe nobody writes (a null channel's
	 * /dev/null cannot be polled: UML said "epollctl add err"). */
	argv[n++] = "con0=fd:0,fd:1";
	argv[n++] = spawn_param("lpj", lpj && *lpj ? lpj : DEFAULT_LPJ, "lpj");
	/*
	 * The jitterentropy RNG's self-test hashes timing samples with SHA3
	 * for 6 ms of every 30 ms boot. Only the crypto API's DRBG uses it,
	 * which seeds itself from get_random_bytes() without it; /dev/random
	 * and getrandom() never do.
	 */
	/* Without disks, ubd0 would default to a file "root_fs" (and say it
	 * cannot be opened). */
	argv[n++] = o->n_disks ? "initcall_blacklist=jent_mod_init" :
				 "initcall_blacklist=jent_mod_init,ubd0_init";
	if (u->net_fd >= 0) {
		argv[n++] = "vec0:transport=fd,fd=" STR(NET_GUEST_FD)
			    ",mtu=" STR(NET_MTU) ",mac=" NET_GUEST_MAC;
		argv[n++] = KCMD_NET "=1";
	}
	/* Not quiet (loglevel 4): a WARN and lockdep print at KERN_WARNING,
	 * and splats are results (splat.c). Boot prints three lines more. */
	if (!o->verbose && !o->log_file && !o->kunit)
		argv[n++] = "loglevel=5";
	/* The host-side write policy: without it nothing is writable. */
	argv[n] = mounts_hostfs_rw(o->mounts, o->n_mounts);
	/* --coverage: a directory for the guest's gcov data, and its name */
	if (o->coverage) {
		argv[n] = coverage_kernel_args(u->rundir, argv[n], &argv[n + 1]);
		n++;
	}
	if (argv[n])
		n++;
	n = disks_kernel_args(o->disks, o->n_disks, u->rundir, argv, n,
			      ARRAY_SIZE(argv) - 4);
	if (o->gdb)
		argv[n++] = KCMD_GDB "=1";
	if (u->load)
		argv[n++] = spawn_param(KCMD_LOAD, u->load, "the run directory");
	if (o->allow_modules)
		argv[n++] = KCMD_ALLOW_MODULES "=1";
	else if (o->drop_kernel)
		argv[n++] = KCMD_DROP_KERNEL "=1";
	if (o->hostname)
		argv[n++] = spawn_param(KCMD_HOSTNAME, o->hostname, "--hostname");
	/* The guest refuses a fork (EAGAIN) before the host bound does. */
	if (o->max_procs) {
		snprintf(procs, sizeof(procs), "%lu", o->max_procs);
		argv[n++] = spawn_param("sysctl.kernel.threads-max", procs, "--max-procs");
	}
	n = kmodes_args(o, u->kernel, argv, n, ARRAY_SIZE(argv) - 1);
	n = kunit_args(o, u->kernel, argv, n, ARRAY_SIZE(argv) - 1);
	n = kparams_append(argv, n, ARRAY_SIZE(argv) - 1, o->append,
			   o->n_append);
	n = spawn_extra_args(argv, n, ARRAY_SIZE(argv) - 1);
	argv[n] = NULL;
	for (i = 1, len = 0; i < n; i++)
		len += strlen(argv[i]) + 1;
	if (len > UML_CMDLINE_MAX)
		die("the kernel command line would be %zu bytes, more than UML takes (%d): use shorter paths for the init and the module",
		    len, UML_CMDLINE_MAX);
	return argv;
}

/* Landlock: the kernel may write only the run directory, rw binds and
 * rw disks, and read the host but its /dev, the binds and the disks. */
static int spawn_landlock(const struct uml *u, const struct options *o)
{
	const char **rw, **ro;
	size_t i, nw = 0, nr = 0, first_fd_path;
	char *fdpath;
	int ruleset;

	rw = calloc(o->n_mounts + o->n_disks + 1, sizeof(*rw));
	ro = calloc(o->n_mounts + o->n_disks + 1, sizeof(*ro));
	if (!rw || !ro)
		die("out of memory");
	rw[nw++] = u->rundir;
	first_fd_path = nw;
	/* Each bind as the directory opened (hostpath.c), not its name. */
	for (i = 0; i < o->n_mounts; i++) {
		if (o->mounts[i].fd < 0)
			continue;
		if (asprintf(&fdpath, "/proc/self/fd/%d", o->mounts[i].fd) < 0)
			die("out of memory");
		if (o->mounts[i].kind == MOUNT_BIND_RW)
			rw[nw++] = fdpath;
		else
			ro[nr++] = fdpath;
	}
	disks_landlock(o->disks, o->n_disks, ro, &nr, rw, &nw);
	ruleset = landlock_prepare(u->kernel, ro, nr, rw, nw);
	for (i = first_fd_path; i < nw; i++)
		free((char *)rw[i]);
	for (i = 0; i < nr; i++)
		free((char *)ro[i]);
	free(rw);
	free(ro);
	return ruleset;
}

/*
 * Keep the kernel and its processes on one CPU. UML runs every guest
 * process as a host process the kernel process ptraces, so each guest
 * system call is a round trip between the two; on a CPU of its own that
 * is a plain context switch, across CPUs it is a cross-CPU wake-up each
 * time (an IPI, and on a virtual machine a halted vCPU to wake). The guest
 * is uniprocessor anyway. The CPU is the one the scheduler runs us on now,
 * among those we may use, so concurrent runs spread as the scheduler
 * spreads their launchers. UMLRUN_NO_PIN=1 leaves it to the scheduler.
 */
static void spawn_pin_cpu(void)
{
	cpu_set_t allowed, one;
	int cpu;

	if (options_env_flag("UMLRUN_NO_PIN"))
		return;
	cpu = sched_getcpu();
	if (cpu < 0 || sched_getaffinity(0, sizeof(allowed), &allowed) < 0 ||
	    CPU_COUNT(&allowed) < 2 || !CPU_ISSET(cpu, &allowed))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	(void)sched_setaffinity(0, sizeof(one), &one);
}

static void spawn_child(const struct uml *u, const struct options *o,
			char **argv, int chan, int con, int conin, int report,
			pid_t parent, int ruleset)
{
	int net = u->net_fd, bell = u->ring.guest_bell, mem = u->ring.mem;
	char tmpdir[PATH_MAX + 8], home[PATH_MAX + 8];
	char *envp[] = { tmpdir, home, "PATH=/usr/local/bin:/usr/bin:/bin",
			 NULL };
	sigset_t none;
	int in0, err;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	/* Out of our process group: a terminal's Ctrl-C is ours to forward.
	 * gdb stays in it, on the terminal, and starts the kernel in a
	 * session of its own (gdb.c). */
	if (!o->gdb)
		setsid();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	personality(ADDR_NO_RANDOMIZE);
	spawn_pin_cpu();
	/* With --gdb the wrapper gdb starts enforces it, from fd 64 up. */
	if (o->gdb && ruleset >= 0)
		ruleset = fcntl(ruleset, F_DUPFD_CLOEXEC, SPAWN_FD_HIGH);
	err = bounds_child();
	if (!err && !o->gdb)
		err = landlock_enforce(ruleset);
	if (err) {
		errno = -err;
		goto fail;
	}
	snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", u->rundir);
	/* uml_dir=~ means this (spawn_args) */
	snprintf(home, sizeof(home), "HOME=%s", u->rundir);
	/* Move everything high first, so no dup2 clobbers another. */
	chan = fcntl(chan, F_DUPFD_CLOEXEC, SPAWN_FD_HIGH);
	con = fcntl(con, F_DUPFD_CLOEXEC, SPAWN_FD_HIGH);
	in0 = fcntl(conin, F_DUPFD_CLOEXEC, SPAWN_FD_HIGH);
	if (net >= 0)
		net = fcntl(net, F_DUPFD_CLOEXEC, SPAWN_FD_HIGH);
	if (u->ring.hdr) {
		bell = fcntl(bell, F_DUPFD_CLOEXEC, SPAWN_FD_HIGH);
		mem = fcntl(mem, F_DUPFD_CLOEXEC, SPAWN_FD_HIGH);
	}
	report = fcntl(report, F_DUPFD_CLOEXEC, SPAWN_FD_HIGH);
	if (report < 0)
		_exit(127);
	/* The disks' host files at DISKS_FD_BASE + i (ubdN=/proc/self/fd/M). */
	if (disks_child_fds(o->disks, o->n_disks))
		goto fail;
	if (chan < 0 || con < 0 || in0 < 0 || dup2(in0, 0) < 0 ||
	    dup2(con, 1) < 0 || dup2(con, 2) < 0 || dup2(chan, 3) < 0)
		goto fail;
	if (u->net_fd >= 0 && (net < 0 || dup2(net, NET_GUEST_FD) < 0))
		goto fail;
	if (u->ring.hdr && (bell < 0 || mem < 0 ||
			    dup2(bell, RING_GUEST_BELL_FD) < 0 ||
			    dup2(mem, RING_GUEST_MEM_FD) < 0))
		goto fail;
	/* Exactly the fds the kernel needs: whatever else the caller left
	 * open goes. The report pipe waits at 9, closed by the exec. */
	if (dup3(report, 9, O_CLOEXEC) < 0)
		goto fail;
	report = 9;
	if (o->gdb) {
		gdb_exec(u, argv, ruleset);
		goto fail;
	}
	_Static_assert(NET_GUEST_FD == 4 && RING_GUEST_BELL_FD == 5 &&
		       RING_GUEST_MEM_FD == 6, "the kernel's fds are 3 to 6");
	if (sandbox_close_range(7, 8) || sandbox_close_range(10, DISKS_FD_BASE - 1) ||
	    sandbox_close_range(DISKS_FD_BASE + (unsigned int)o->n_disks, ~0U) ||
	    (u->net_fd < 0 && sandbox_close_range(4, 4)) ||
	    (!u->ring.hdr && sandbox_close_range(5, 6)))
		goto fail;
	err = sandbox_enter(mounts_any_writable(o->mounts, o->n_mounts) ?
				    SANDBOX_METADATA : 0);
	if (err) {
		errno = -err;
		goto fail;
	}
	execve(u->kernel, argv, envp);
fail:
	err = errno;
	(void)write_all(report, &err, sizeof(err));
	_exit(127);
}

void spawn_start(struct uml *u, const struct options *o)
{
	int sv[2], con[2], rep[2], in[2], err, ruleset;
	pid_t self = getpid();
	char **argv;
	ssize_t n;
	int i;

	layers_require(o, u->kernel);
	spawn_rundir(u, plan_rundir_bytes(o));
	disks_create(o->disks, o->n_disks, u->rundir);
	u->load = modules_install(u->rundir);
	bounds_prepare(o->max_procs, u->rundir);
	/* Before we become the subreaper: the reaper is nobody's child. */
	reaper_start(u->rundir, bounds_cgroup_dir());
	/* The output ring; without it (a pty, or UMLRUN_NO_RING=1 to compare)
	 * umlinit relays output through pipes and the channel. */
	u->ring = (struct ring){ .mem = -1, .bell = -1, .guest_bell = -1 };
	if (!o->tty && !options_env_flag("UMLRUN_NO_RING")) {
		err = ring_create(&u->ring);
		if (err)
			info("no output ring: %s", strerror(-err));
	}
	argv = spawn_args(u, o);
	ruleset = o->drop_landlock ? -1 : spawn_landlock(u, o);
	if (o->gdb)
		gdb_prepare(u, o, ruleset >= 0);
	if (log_verbose) {
		fprintf(stderr, "umlrun: starting");
		for (i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "\n");
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno("socketpair");
	if (pipe2(con, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0 ||
	    pipe2(in, O_CLOEXEC) < 0)
		die_errno("pipe");
	/* Orphaned kernel helpers come back to us, so none can survive. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	u->pid = fork();
	if (u->pid < 0)
		die_errno("fork");
	if (u->pid == 0)
		spawn_child(u, o, argv, sv[1], con[1], in[0], rep[1], self, ruleset);
	if (ruleset >= 0)
		close(ruleset);
	/* gdb's terminal signals are gdb's; it may set the terminal's
	 * foreground group while we are in the background. */
	if (o->gdb) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGTTOU, SIG_IGN);
	}
	close(sv[1]);
	close(con[1]);
	close(rep[1]);
	close(in[0]);
	u->console_in = in[1];
	if (u->net_fd >= 0) {
		close(u->net_fd);
		u->net_fd = -1;
	}
	if (u->ring.guest_bell >= 0) {
		close(u->ring.guest_bell);
		u->ring.guest_bell = -1;
	}
	u->chan = sv[0];
	u->console = con[0];
	n = read_retry(rep[0], &err, sizeof(err));
	close(rep[0]);
	if (n == (ssize_t)sizeof(err)) {
		errno = err;
		spawn_kill(u);
		die_errno("cannot start kernel %s", u->kernel);
	}
	bounds_check_kernel(u->pid);
	fcntl(u->chan, F_SETFL, O_NONBLOCK);
	fcntl(u->console, F_SETFL, O_NONBLOCK);
}

/* SIGKILL every child we have: kernel helpers reparented to us included. */
static void spawn_kill_children(void)
{
	char path[64], buf[4096], *p, *end;
	long pid;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
		 (int)syscall(SYS_gettid));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read_retry(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (p = buf; *p; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (pid > 0)
			kill((pid_t)pid, SIGKILL);
	}
}

void spawn_kill(struct uml *u)
{
	int status;
	pid_t pid;

	if (u->pid > 0) {
		kill(-u->pid, SIGKILL);
		kill(u->pid, SIGKILL);
		while (waitpid(u->pid, &status, 0) < 0 && errno == EINTR)
			;
		u->pid = 0;
	}
	/* Reap every helper the kernel left behind (we are their subreaper). */
	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0 || (pid < 0 && errno == EINTR))
			continue;
		if (pid < 0)
			break;
		spawn_kill_children();
		usleep(1000);
	}
}

void spawn_cleanup(struct uml *u)
{
	if (u->ring.hdr)
		ring_destroy(&u->ring);
	bounds_cleanup();
	if (u->console_in >= 0) {
		close(u->console_in);
		u->console_in = -1;
	}
	if (u->rundir[0]) {
		reaper_rm_tree(AT_FDCWD, u->rundir);
		u->rundir[0] = 0;
	}
	reaper_done();
}
