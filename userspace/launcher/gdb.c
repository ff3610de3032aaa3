// SPDX-License-Identifier: GPL-2.0
/*
 * --gdb: the kernel under gdb on the caller's terminal. The kernel's child
 * (spawn.c) sets up the kernel's fds 3-6 as usual, parks its stdin and
 * console at 7 and 8 and the Landlock ruleset at 10, puts the terminal on
 * 0-2 and executes gdb, unsandboxed: it is the caller's own debugger,
 * acting on the caller's commands. gdb starts the kernel through its
 * exec-wrapper, `umlrun --gdb-wrapper`, which restores the kernel's stdio,
 * closes every other fd, enforces Landlock, enters the seccomp filter and
 * executes the kernel: the kernel keeps both layers (the filter's ptrace
 * rule only stops the kernel attaching to others; being traced by its
 * parent is what PTRACE_TRACEME allows). The script written to the run
 * directory sets the signals UML lives on to pass silently, loads the
 * kernel's symbols from the unstripped build with the same build id, and
 * loads hostexec.ko's symbols where umlinit says its sections are.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "gdb.h"
#include "landlock.h"
#include "log.h"
#include "mounts.h"
#include "sandbox.h"
#include "util.h"

#define GDB_FLAG_NET 2
#define GDB_FLAG_RING 4

static struct termios gdb_tty_saved;
static int gdb_tty_fd = -1;
static char gdb_script[PATH_MAX + 16];
static int gdb_report_fd = GDB_CONSOLE_FD;	/* the wrapper's console */

/* The GNU build id of an ELF file (0 or its length) and if it has symbols. */
static size_t gdb_elf_id(const char *path, unsigned char *id, size_t max,
			 int *symtab)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	unsigned char note[256];
	size_t len = 0, off;
	Elf64_Nhdr nh;
	ssize_t n;
	int fd, i;

	*symtab = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(sh))
		goto out;
	for (i = 0; i < eh.e_shnum; i++) {
		if (pread(fd, &sh, sizeof(sh), (off_t)(eh.e_shoff + i * sizeof(sh))) !=
		    sizeof(sh))
			break;
		if (sh.sh_type == SHT_SYMTAB)
			*symtab = 1;
		if (sh.sh_type != SHT_NOTE || len)
			continue;
		n = pread(fd, note, sh.sh_size < sizeof(note) ? sh.sh_size :
						sizeof(note), (off_t)sh.sh_offset);
		for (off = 0; n > 0 && off + sizeof(nh) <= (size_t)n;) {
			memcpy(&nh, note + off, sizeof(nh));
			off += sizeof(nh);
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    off + 4 + nh.n_descsz <= (size_t)n &&
			    !memcmp(note + off, "GNU", 4) && nh.n_descsz <= max) {
				memcpy(id, note + off + 4, nh.n_descsz);
				len = nh.n_descsz;
				break;
			}
			off += ((nh.n_namesz + 3) & ~3u) + ((nh.n_descsz + 3) & ~3u);
		}
	}
out:
	close(fd);
	return len;
}

/*
 * The kernel with its symbols: itself if not stripped, else the build
 * tree's unstripped linux with the same build id (a cached kernel
 * CACHE/kernels/NAME/linux was built in one of CACHE/trees/ * /obj, or
 * a variant's CACHE/trees/ * /kKEY/obj).
 */
static int gdb_symbols(const char *kernel, char *out, size_t len)
{
	unsigned char id[64], other[64];
	char pat[PATH_MAX], *p;
	size_t idlen, olen, i;
	int symtab, osym, found = 0;
	glob_t g;

	idlen = gdb_elf_id(kernel, id, sizeof(id), &symtab);
	if (symtab) {
		snprintf(out, len, "%s", kernel);
		return 1;
	}
	snprintf(pat, sizeof(pat), "%s", kernel);
	for (i = 0; i < 3 && (p = strrchr(pat, '/')); i++)
		*p = 0;	/* CACHE/kernels/NAME/linux -> CACHE */
	if (!idlen || i < 3 || strlen(pat) + 30 >= sizeof(pat))
		return 0;
	strcat(pat, "/trees/{*,*/k*}/obj/linux");
	if (glob(pat, GLOB_BRACE, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc && !found; i++) {
		olen = gdb_elf_id(g.gl_pathv[i], other, sizeof(other), &osym);
		if (osym && olen == idlen && !memcmp(id, other, idlen)) {
			snprintf(out, len, "%s", g.gl_pathv[i]);
			found = 1;
		}
	}
	globfree(&g);
	return found;
}

/* s in single quotes for the shell gdb starts the wrapper with. */
static void gdb_shell_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/*
 * hostexec.ko's symbols: umlinit writes "umlinit: gdb: hostexec .text=A
 * .data=B .bss=C" to /dev/kmsg once the module is in. A silent breakpoint
 * on devkmsg_emit (or the compiler's clone of it)
 * stops umlinit's write there, finds the line in whichever argument
 * register points to it (only hex numbers are taken from it), loads the
 * symbols and goes on, before umlinit opens the device.
 */
static const char gdb_hook[] =
	"python\n"
	"import re\n"
	"class UmlrunHostexec(gdb.Breakpoint):\n"
	"    def __init__(self, ko):\n"
	"        for fn in ('devkmsg_emit', 'devkmsg_emit.constprop.0',\n"
	"                   'devkmsg_emit.isra.0', 'devkmsg_emit.part.0'):\n"
	"            try:\n"
	"                a = gdb.execute('info address ' + fn, to_string=True)\n"
	"            except gdb.error:\n"
	"                continue\n"
	"            m = re.search(r' is at (0x[0-9a-f]+)', a)\n"
	"            if m:\n"
	"                break\n"
	"        super().__init__('*' + m.group(1), internal=True)\n"
"        self.ko = ko\n"
	"        self.silent = True\n"
	"        self.commands = 'python umlrun_hostexec.load()\\ncontinue'\n"
	"    def stop(self):\n"
	"        for r in ('$rdi', '$rsi', '$rdx', '$rcx', '$r8', '$r9'):\n"
	"            try:\n"
	"                p = int(gdb.parse_and_eval(r))\n"
	"                s = bytes(gdb.selected_inferior().read_memory(p, 160))\n"
	"            except gdb.error:\n"
	"                continue\n"
	"            m = re.match(rb'umlinit: gdb: hostexec \\.text=(0x[0-9a-f]{1,16}) '\n"
	"                         rb'\\.data=(0x[0-9a-f]{1,16}) \\.bss=(0x[0-9a-f]{1,16})', s)\n"
	"            if m:\n"
	"                self.sect = [int(x, 16) for x in m.groups()]\n"
	"                return True\n"
	"        return False\n"
	"    def load(self):\n"
	"        self.enabled = False\n"
	"        t, d, b = self.sect\n"
	"        if not t:\n"
	"            print('umlrun: hostexec.ko: the guest hid its address')\n"
	"            return\n"
	"        gdb.execute('add-symbol-file %s 0x%x -s .data 0x%x -s .bss 0x%x'\n"
	"                    % (self.ko, t, d, b), to_string=True)\n"
	"        print('umlrun: hostexec.ko symbols loaded (.text at 0x%x)' % t)\n";

void gdb_prepare(const struct uml *u, const struct options *o, int landlock)
{
	char syms[PATH_MAX], self[PATH_MAX];
	ssize_t n;
	FILE *f;
	int fd;
	int flags = 0;

	gdb_tty_fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (gdb_tty_fd < 0)
		die("--gdb needs a terminal (/dev/tty: %s)", strerror(errno));
	if (tcgetattr(gdb_tty_fd, &gdb_tty_saved) < 0)
		die_errno("--gdb: /dev/tty");
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		die_errno("readlink /proc/self/exe");
	self[n] = 0;
	if (mounts_any_writable(o->mounts, o->n_mounts))
		flags |= SANDBOX_METADATA;
	if (u->net_fd >= 0)
		flags |= GDB_FLAG_NET;
	if (u->ring.hdr)
		flags |= GDB_FLAG_RING;
	snprintf(gdb_script, sizeof(gdb_script), "%s/umlrun.gdb", u->rundir);
	/* in the run directory, new: nothing else can be there */
	fd = open(gdb_script, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f)
		die_errno("%s", gdb_script);
	fprintf(f, "set pagination off\nset confirm off\n"
		   "set print thread-events off\nset print inferior-events off\n"
		   "set startup-with-shell on\nset inferior-tty /dev/null\n"
		   "handle SIGSEGV SIGUSR1 SIGIO SIGALRM SIGVTALRM SIGWINCH SIGCHLD SIGPIPE pass nostop noprint\n"
		   "set breakpoint pending on\n"
		   "set exec-wrapper ");
	gdb_shell_quote(f, self);
	fprintf(f, " " GDB_WRAPPER_ARG " %d %d ", landlock ? GDB_RULESET_FD : -1,
		flags);
	gdb_shell_quote(f, u->rundir);
	fputc('\n', f);
	if (gdb_symbols(u->kernel, syms, sizeof(syms)))
		fprintf(f, "symbol-file \"%s\"\n", syms);
	else
		fprintf(f, "echo umlrun: no symbols found for %s (a stripped kernel and no build tree with its build id)\\n\n",
			u->kernel);
	fprintf(f, "%stry:\n    umlrun_hostexec = UmlrunHostexec(\"%s\")\n"
		   "except Exception as e:\n"
		   "    print('umlrun: no hostexec.ko symbols: %%s' %% e)\nend\n",
		gdb_hook, u->module);
	fprintf(f, "echo umlrun: the kernel is ready to start: set breakpoints, then 'run' (once; the command's exit ends gdb)\\n\n");
	if (fclose(f))
		die_errno("%s", gdb_script);
}

void gdb_exec(const struct uml *u, char **argv, int ruleset)
{
	static char *gargv[80];
	int n = 0, i, tty;

	if (dup2(0, GDB_STDIN_FD) < 0 || dup2(1, GDB_CONSOLE_FD) < 0)
		return;
	if (ruleset >= 0 && ruleset != GDB_RULESET_FD &&
	    dup2(ruleset, GDB_RULESET_FD) < 0)
		return;
	if (ruleset == GDB_RULESET_FD && fcntl(ruleset, F_SETFD, 0) < 0)
		return;
	tty = open("/dev/tty", O_RDWR);
	if (tty < 0 || dup2(tty, 0) < 0 || dup2(tty, 1) < 0 || dup2(tty, 2) < 0)
		return;
	if (sandbox_close_range(ruleset >= 0 ? GDB_RULESET_FD + 1 :
					       GDB_RULESET_FD, ~0U) ||
	    (u->net_fd < 0 && sandbox_close_range(4, 4)) ||
	    (!u->ring.hdr && sandbox_close_range(5, 6)))
		return;
	setenv("SHELL", "/bin/sh", 1);
	gargv[n++] = "gdb";
	gargv[n++] = "-q";
	gargv[n++] = "-nx";
	gargv[n++] = "-x";
	gargv[n++] = gdb_script;
	gargv[n++] = "--args";
	for (i = 0; argv[i] && n < (int)ARRAY_SIZE(gargv) - 1; i++)
		gargv[n++] = argv[i];
	gargv[n] = NULL;
	execvp("gdb", gargv);
}

/* The wrapper's complaint goes to the console: umlrun shows its tail. */
static void gdb_wrapper_fail(const char *what)
{
	char line[256];
	int len;

	len = snprintf(line, sizeof(line), "umlrun --gdb-wrapper: %s: %s\n",
		       what, strerror(errno));
	(void)write_all(gdb_report_fd, line, (size_t)len);
	_exit(127);
}

int gdb_wrapper_main(int argc, char **argv)
{
	char tmpdir[PATH_MAX + 8];
	char *envp[] = { tmpdir, "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
	static const int dfl[] = { SIGINT, SIGQUIT, SIGPIPE, SIGTTOU, SIGTSTP };
	int ruleset, flags, err;
	sigset_t none;
	size_t i;

	if (argc < 6) {
		errno = EINVAL;
		gdb_wrapper_fail("usage: RULESET FLAGS RUNDIR KERNEL ARGS...");
	}
	ruleset = atoi(argv[2]);
	flags = atoi(argv[3]);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < ARRAY_SIZE(dfl); i++)
		signal(dfl[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s", argv[4]);
	if (dup2(GDB_STDIN_FD, 0) < 0 || dup2(GDB_CONSOLE_FD, 1) < 0 ||
	    dup2(GDB_CONSOLE_FD, 2) < 0)
		gdb_wrapper_fail("fds");
	gdb_report_fd = 2;
	err = landlock_enforce(ruleset == GDB_RULESET_FD ? ruleset : -1);
	if (err) {
		errno = -err;
		gdb_wrapper_fail("Landlock");
	}
	/* Exactly the kernel's fds, whatever gdb and the shell left open. */
	if (sandbox_close_range(7, ~0U) ||
	    (!(flags & GDB_FLAG_NET) && sandbox_close_range(4, 4)) ||
	    (!(flags & GDB_FLAG_RING) && sandbox_close_range(5, 6)))
		gdb_wrapper_fail("close_range");
	err = sandbox_enter(flags & SANDBOX_METADATA);
	if (err) {
		errno = -err;
		gdb_wrapper_fail("seccomp");
	}
	execve(argv[5], argv + 5, envp);
	gdb_wrapper_fail(argv[5]);
	return 127;
}

void gdb_restore_tty(void)
{
	if (gdb_tty_fd < 0)
		return;
	tcsetattr(gdb_tty_fd, TCSADRAIN, &gdb_tty_saved);
	tcsetpgrp(gdb_tty_fd, getpgrp());
	close(gdb_tty_fd);
	gdb_tty_fd = -1;
}
