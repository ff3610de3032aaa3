/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel command line between the launcher and umlinit, declared once
 * (as proto.h is for the channel): the names of the parameters umlrun
 * sets and what each means. The launcher writes them (spawn.c and its
 * helpers), umlinit reads its own (init/main.c), and --append's protected
 * list is this table (kparams.c): a user parameter may not name one,
 * unless the row says it only tunes.
 */
#ifndef UMLRUN_KCMDLINE_H
#define UMLRUN_KCMDLINE_H

/* umlinit's own parameters: set by the launcher, read by umlinit. */
#define KCMD_MODULE "umlrun.module"		/* the hostexec.ko to load */
#define KCMD_CHAN_FD "hostexec.fd"		/* the channel's fd */
#define KCMD_RING_FD "hostexec.ring"		/* the output ring's bell fd */
#define KCMD_NET "umlrun.net"			/* set up eth0 */
#define KCMD_SWAP "umlrun.swap"			/* the swap device */
#define KCMD_GDB "umlrun.gdb"			/* print the module's sections */
#define KCMD_ALLOW_MODULES "umlrun.allow_modules" /* leave module loading on */
#define KCMD_DROP_KERNEL "umlrun.drop_kernel"	/* the kernel layer is given up */
#define KCMD_COVERAGE "umlrun.coverage"		/* gcov data goes here */
#define KCMD_HOSTNAME "umlrun.hostname"		/* the guest's host name */
#define KCMD_LOAD "umlrun.load"			/* N:DIR, the user's modules */

/* KUnit's own, which the launcher sets for --kunit. */
#define KCMD_KUNIT_ENABLE "kunit.enable"		/* run the built-in suites */
#define KCMD_KUNIT_GLOB "kunit.filter_glob"	/* which suites and tests */
#define KCMD_KUNIT_FILTER "kunit.filter"		/* by attributes (6.6 on) */
#define KCMD_KUNIT_FILTER_ACTION "kunit.filter_action"

/* Flags of a row. */
#define KCMD_PREFIX 0x1	/* protects every parameter starting with name */
#define KCMD_TUNE 0x2	/* umlrun sets it, but --append may change it */
#define KCMD_INIT 0x4	/* read by umlinit */
#define KCMD_LAYER 0x8	/* the kernel layer's: --append may set it once
			 * that layer is given up (--drop-layer kernel) */

struct kcmd_param {
	const char *name;
	unsigned int flags;
	const char *what;
	const char *instead;	/* the option to use instead, or NULL */
};

/*
 * Every parameter umlrun sets or keeps to itself. UML applies its setup
 * parameters in order and by prefix, the last one winning, so a later one
 * of these would change the memory, the guest init, the host-side write
 * policy or the kernel layer.
 */
static const struct kcmd_param kcmd_params[] = {
	{ KCMD_MODULE, KCMD_INIT, "the hostexec.ko umlinit loads", "--module" },
	{ KCMD_CHAN_FD, KCMD_INIT, "the channel's inherited fd", NULL },
	{ KCMD_RING_FD, KCMD_INIT, "the output ring's inherited bell fd", NULL },
	{ KCMD_NET, KCMD_INIT, "eth0 for the network", "-n" },
	{ KCMD_SWAP, KCMD_INIT, "the device umlinit makes swap of", "--swap" },
	{ KCMD_GDB, KCMD_INIT, "say where the module's sections are", "--gdb" },
	{ KCMD_ALLOW_MODULES, KCMD_INIT, "leave module loading on", "--allow-modules" },
	{ KCMD_DROP_KERNEL, KCMD_INIT, "the kernel layer is given up", "--drop-layer kernel" },
	{ KCMD_COVERAGE, KCMD_INIT, "where umlinit puts the gcov data", "--coverage" },
	{ KCMD_HOSTNAME, KCMD_INIT, "the guest's host name", "--hostname" },
	{ KCMD_LOAD, KCMD_INIT, "the modules umlinit loads before it locks the kernel", "--load-module" },
	{ "umlrun.", KCMD_PREFIX, "umlinit's namespace", NULL },
	{ "hostexec.", KCMD_PREFIX, "the module's parameters", NULL },
	{ "mem", 0, "the guest's memory", "-m" },
	{ "iomem", KCMD_PREFIX, "the output ring's shared memory", NULL },
	{ "root", KCMD_PREFIX, "the host's / over hostfs", "--root" },
	{ "ro", 0, "the root read-only", NULL },
	{ "rw", 0, "the root writable", NULL },
	/* init= only: initcall_debug and init_on_alloc= are the user's */
	{ "init", 0, "umlinit", "--init" },
	{ "rdinit", KCMD_PREFIX, "an initramfs init", NULL },
	{ "uml_dir", KCMD_PREFIX, "the run directory", NULL },
	{ "umid", KCMD_PREFIX, "the run's name in it", NULL },
	{ "con", KCMD_PREFIX, "the consoles", "-v or --log" },
	{ "ssl", KCMD_PREFIX, "the serial lines", NULL },
	{ "xterm", KCMD_PREFIX, "the terminal program", NULL },
	{ "mconsole", KCMD_PREFIX, "the management console", NULL },
	{ "vec", KCMD_PREFIX, "the network", "-n or -p" },
	{ "eth", KCMD_PREFIX, "other network transports", "-n or -p" },
	{ "ubd", KCMD_PREFIX, "the disks", "--disk" },
	{ "hostfs", KCMD_PREFIX | KCMD_LAYER, "the host-side write policy", "--bind" },
	{ "lockdown", KCMD_PREFIX | KCMD_LAYER, "the kernel's lockdown", "--drop-layer kernel" },
	/*
	 * lsm= is the user's: it picks the security modules that are active
	 * (AppArmor, SELinux, ...), which only ever refuse more. Lockdown,
	 * which the kernel layer rests on, is an early LSM (isolation.config's
	 * SECURITY_LOCKDOWN_LSM_EARLY), started before and whatever the list
	 * says (tests/kconfig.t, tests/debian.t). security= stays ours.
	 */
	{ "security", KCMD_PREFIX | KCMD_LAYER, "the security modules", "lsm=" },
	{ "module", KCMD_PREFIX | KCMD_LAYER, "the module policy", "--allow-modules" },
	{ "time_travel", KCMD_PREFIX, "virtual time", "--time-travel" },
	{ "panic", KCMD_PREFIX, "what a panic does", NULL },
	{ "oops", KCMD_PREFIX, "what an oops does", NULL },
	{ "seccomp", KCMD_PREFIX, "the process mode: only seccomp=off, which umlrun keeps", NULL },
	{ "sysctl.kernel.threads_max", KCMD_PREFIX, "the guest's process bound", "--max-procs" },
	{ "initcall_blacklist", KCMD_PREFIX, "initcalls umlrun leaves out", NULL },
	{ "kunit", KCMD_PREFIX, "KUnit's parameters (kunit_shutdown would stop the boot)", "--kunit and --kunit-filter" },
	{ "lpj", KCMD_TUNE, "the delay-loop calibration", NULL },
	{ "loglevel", KCMD_TUNE, "the console's log level", NULL },
	{ "dummy.numdummies", KCMD_TUNE, "dummy devices at boot", NULL },
};

#endif
