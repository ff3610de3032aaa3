// SPDX-License-Identifier: GPL-2.0
/*
 * The user's kernel modules, loaded without giving up a layer: umlinit
 * loads them after hostexec and before it sets modules_disabled and
 * raises lockdown, so nothing of the guest's can load one after them.
 * --module-src DIR is built by scripts/build-module.sh against the build
 * tree of exactly the kernel the run boots (cached by DIR's content and
 * that kernel); --load-module FILE.ko is opened as every host path the
 * user names is (hostpath.c: no link followed unless --follow-links).
 * Each module's vermagic (its .modinfo section) is checked against the
 * kernel's (hostexec.ko's, built against the same tree) before boot, so a
 * module built for another kernel is one line and 125, not a failed boot.
 * What was checked is what is loaded: the open file is copied into the
 * run directory, which umlinit reads before anything of the user runs.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine.h"
#include "hostpath.h"
#include "kernels.h"
#include "log.h"
#include "modules.h"
#include "root.h"
#include "util.h"

/* At most this many modules (umlinit's table is the same size). */
#define MODULES_MAX 32
/* The most of a section read to find the vermagic. */
#define MODULES_MODINFO_MAX (1U << 20)

struct module {
	int fd;
	char name[NAME_MAX + 1];	/* its file name, for messages */
	const char *from;		/* the option that named it */
};

static struct module modules[MODULES_MAX];
static size_t n_modules;

/* Read exactly len bytes at off; 0 or -errno (-ENOEXEC when they are
 * not all in the file: offsets come from the file). */
static int modules_pread(int fd, void *buf, size_t len, unsigned long long off)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (off > (unsigned long long)st.st_size ||
	    len > (unsigned long long)st.st_size - off)
		return -ENOEXEC;
	n = pread(fd, buf, len, (off_t)off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -ENOEXEC;
}

int modules_vermagic(int fd, char *out, size_t len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strsh;
	char name[sizeof(".modinfo")], *info = NULL;
	size_t i, k;
	int err;

	err = modules_pread(fd, &eh, sizeof(eh), 0);
	if (err)
		return err;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_REL ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shstrndx >= eh.e_shnum)
		return -ENOEXEC;
	err = modules_pread(fd, &strsh, sizeof(strsh),
			    eh.e_shoff + eh.e_shstrndx * sizeof(sh));
	if (err)
		return err;
	for (i = 0; i < eh.e_shnum; i++) {
		err = modules_pread(fd, &sh, sizeof(sh),
				    eh.e_shoff + i * sizeof(sh));
		if (err)
			return err;
		if (sh.sh_name >= strsh.sh_size ||
		    strsh.sh_size - sh.sh_name < sizeof(name))
			continue;
		err = modules_pread(fd, name, sizeof(name),
				    strsh.sh_offset + sh.sh_name);
		if (err)
			return err;
		if (memcmp(name, ".modinfo", sizeof(name)))
			continue;
		if (!sh.sh_size || sh.sh_size > MODULES_MODINFO_MAX)
			return -ENOEXEC;
		info = malloc(sh.sh_size + 1);
		if (!info)
			die("out of memory");
		err = modules_pread(fd, info, sh.sh_size, sh.sh_offset);
		if (err) {
			free(info);
			return err;
		}
		info[sh.sh_size] = 0;
		/* NUL-separated "key=value" strings */
		for (k = 0; k < sh.sh_size; k += strlen(info + k) + 1) {
			if (strncmp(info + k, "vermagic=", 9))
				continue;
			snprintf(out, len, "%s", info + k + 9);
			free(info);
			return 0;
		}
		free(info);
		return -ENOEXEC;
	}
	return -ENOEXEC;
}

/* The release, the vermagic's first word. */
static void modules_release(const char *magic, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(magic, " "), magic);
}

/* One more module to load, open at fd; dies when it is not this
 * kernel's (want: hostexec's vermagic). */
static void modules_add(int fd, const char *path, const char *from,
			const char *want)
{
	char magic[256], have_rel[128], want_rel[128];
	const char *base = strrchr(path, '/');
	struct module *m;
	struct stat st;
	int err;

	if (n_modules == MODULES_MAX)
		die("%s %s: at most %d modules", from, path, MODULES_MAX);
	if (fstat(fd, &st) < 0)
		die_errno("%s %s", from, path);
	if (!S_ISREG(st.st_mode))
		die("%s %s: not a regular file", from, path);
	err = modules_vermagic(fd, magic, sizeof(magic));
	if (err == -ENOEXEC)
		die("%s %s: not a kernel module (no .modinfo with a vermagic)",
		    from, path);
	if (err)
		die("%s %s: %s", from, path, strerror(-err));
	modules_release(magic, have_rel, sizeof(have_rel));
	modules_release(want, want_rel, sizeof(want_rel));
	if (strcmp(have_rel, want_rel))
		die("%s %s: built for kernel %s, this run boots %s", from, path,
		    have_rel, want_rel);
	if (strcmp(magic, want))
		die("%s %s: built for %s with other options (vermagic '%s', this kernel's '%s')",
		    from, path, have_rel, magic, want);
	m = &modules[n_modules++];
	m->fd = fd;
	m->from = from;
	snprintf(m->name, sizeof(m->name), "%s", base ? base + 1 : path);
	/* a plain name in the run directory, whatever the file's */
	for (char *c = m->name; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    *c))
			*c = '_';
}

/* The kernel's vermagic, from the hostexec.ko built with it. */
static void modules_kernel_magic(const char *module, char *out, size_t len)
{
	int fd = open(module, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		die_errno("%s", module);
	err = modules_vermagic(fd, out, len);
	close(fd);
	if (err)
		die("%s: cannot read its vermagic: %s", module, strerror(-err));
}

/*
 * Where a --module-src build may reach: DIR's Makefile is code, and DIR
 * may lie where a guest wrote (a rw bind), so the build runs confined.
 * It reads and executes the system's directories, umlrun's own files and
 * the kernel's source and object trees (and the tree a link-farm source
 * points into); reads DIR and the kernel's
 * directory; writes only the
 * module cache (its copy of DIR and its temporary files are there); no
 * socket, no signal outside. The host's other files (a key, /etc) cannot
 * go into the module it builds, and nothing outside the cache changes.
 */
struct modules_reach {
	char lib[PATH_MAX], src[PATH_MAX], obj[PATH_MAX], dir[PATH_MAX];
	char kdir[PATH_MAX], cache[PATH_MAX];
	char farm[PATH_MAX];	/* where a link-farm src points, or "" */
};

static int modules_confine(void *arg)
{
	struct modules_reach *r = arg;
	const char *exec[] = { r->lib, r->src, r->obj, r->farm };
	const char *ro[] = { r->dir, r->kdir, "/etc/ld.so.cache" };
	const char *rw[] = { r->cache };

	return confine_build(exec, ARRAY_SIZE(exec) - !r->farm[0], ro,
			     ARRAY_SIZE(ro), rw, ARRAY_SIZE(rw));
}

/*
 * A --kernel-tree or --commit build's src is a farm of links into the
 * tree (or its export at that commit): its top Makefile's link names it.
 */
static void modules_farm(const char *src, char *farm, size_t len)
{
	char path[PATH_MAX + 16], *slash;
	ssize_t n;

	farm[0] = 0;
	snprintf(path, sizeof(path), "%s/Makefile", src);
	n = readlink(path, farm, len - 1);
	if (n <= 0 || farm[0] != '/') {
		farm[0] = 0;
		return;
	}
	farm[n] = 0;
	slash = strrchr(farm, '/');
	if (slash)
		*slash = 0;
}

/*
 * The reach of a build of dir against the kernel in kdir (its build-tree
 * file names the trees). DIR is opened as any path a guest could have
 * shaped (no link followed unless follow): a link planted for it would
 * otherwise name what the build may read (/, say). The build is given
 * the directory that was opened, by its canonical name.
 */
static void modules_reach(const char *kdir, const char *dir, int follow,
			  struct modules_reach *r)
{
	char why[PATH_MAX + 256];
	int fd;

	fd = hostpath_open(dir, O_PATH | O_DIRECTORY, follow, why, sizeof(why));
	if (fd < 0)
		die("--module-src %s: %s", dir, why);
	if (hostpath_real(fd, r->dir, sizeof(r->dir)))
		die("--module-src %s: cannot name the directory opened", dir);
	close(fd);
	if (kernels_lib_path(".", r->lib, sizeof(r->lib)))
		die("cannot find umlrun's own directory");
	snprintf(r->kdir, sizeof(r->kdir), "%s", kdir);
	if (kernels_build_tree(kdir, r->src, r->obj))
		die("the kernel in %s has no build tree beside it (only kernels umlrun built have one)",
		    kdir);
	modules_farm(r->src, r->farm, sizeof(r->farm));
	if (root_cache_sub("modules", r->cache, sizeof(r->cache)))
		die("--module-src: no cache directory to build in");
}

/* build-module.sh ARGS... : what it prints, in out; confined to r's
 * reach when given. */
static void modules_script(const char *a1, const char *a2, const char *what,
			   char *out, size_t len, struct modules_reach *r)
{
	char script[PATH_MAX + 64];
	char *argv[] = { script, (char *)a1, (char *)a2, NULL };

	if (kernels_lib_path("scripts/build-module.sh", script, sizeof(script)))
		die("cannot find scripts/build-module.sh next to the launcher");
	kernels_run(argv, what, out, len, 1, r ? modules_confine : NULL, r);
}

/* The directory of the kernel binary at kernel. */
static void modules_kernel_dir(const char *kernel, char *dir, size_t len)
{
	char *slash;

	snprintf(dir, len, "%s", kernel);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
}

void modules_prepare(const struct options *o, const char *kernel,
		     const char *module)
{
	char want[256], kdir[PATH_MAX], what[PATH_MAX + 64], why[PATH_MAX + 256];
	static char out[16384];
	struct modules_reach reach;
	char *line, *save = NULL;
	size_t i;
	int fd;

	if (!o->n_module_src && !o->n_load_module)
		return;
	modules_kernel_magic(module, want, sizeof(want));
	modules_kernel_dir(kernel, kdir, sizeof(kdir));
	for (i = 0; i < o->n_module_src; i++) {
		snprintf(what, sizeof(what), "the module of %s", o->module_src[i]);
		modules_reach(kdir, o->module_src[i], o->follow_links, &reach);
		modules_script(kdir, reach.dir, what, out, sizeof(out), &reach);
		for (line = strtok_r(out, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			/* our own cache: opened as any file of it is */
			fd = open(line, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				die_errno("--module-src %s: %s", o->module_src[i], line);
			modules_add(fd, line, "--module-src", want);
		}
	}
	for (i = 0; i < o->n_load_module; i++) {
		fd = hostpath_open(o->load_module[i], O_RDONLY, o->follow_links, why,
				   sizeof(why));
		if (fd < 0)
			die("--load-module %s: %s", o->load_module[i], why);
		modules_add(fd, o->load_module[i], "--load-module", want);
	}
}

/* Copy all of fd into a new file path. */
static int modules_copy(int fd, const char *path)
{
	int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
	off_t off = 0;
	ssize_t n;
	int err = 0;

	if (out < 0)
		return -errno;
	while ((n = sendfile(out, fd, &off, 1 << 20)) > 0)
		;
	if (n < 0)
		err = -errno;
	if (close(out) < 0 && !err)
		err = -errno;
	return err;
}

char *modules_install(const char *rundir)
{
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX + 8], *arg;
	size_t i;
	int err;

	if (!n_modules)
		return NULL;
	snprintf(dir, sizeof(dir), "%s/load", rundir);
	if (mkdir(dir, 0700) < 0)
		die_errno("mkdir %s", dir);
	for (i = 0; i < n_modules; i++) {
		/* umlinit loads them in the order of these names */
		snprintf(path, sizeof(path), "%s/%02zu-%s", dir, i, modules[i].name);
		err = modules_copy(modules[i].fd, path);
		if (err)
			die("%s %s: cannot copy it into the run directory: %s",
			    modules[i].from, modules[i].name, strerror(-err));
		close(modules[i].fd);
		modules[i].fd = -1;
	}
	if (asprintf(&arg, "%zu:%s", n_modules, dir) < 0)
		die("out of memory");
	return arg;
}

int modules_print_build_dir(const char *kernel)
{
	char kdir[PATH_MAX], out[PATH_MAX];

	modules_kernel_dir(kernel, kdir, sizeof(kdir));
	modules_script("--build-dir", kdir, "the build directory", out,
		       sizeof(out), NULL);
	printf("%s\n", out);
	return 0;
}
