// SPDX-License-Identifier: GPL-2.0
/*
 * The run's plan, made once from the user's options (plan.h): every
 * implication of one option for another lives here, so the options stay
 * as said (what --print-config and the config files' judge compare) and
 * the parts that start the run read one description of it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "mounts.h"
#include "plan.h"
#include "root.h"

/* Copy n elements of size sz (NULL for none); dies out of memory. */
static void *plan_copy(const void *v, size_t n, size_t sz)
{
	void *c;

	if (!n)
		return NULL;
	c = malloc(n * sz);
	if (!c)
		die("out of memory");
	memcpy(c, v, n * sz);
	return c;
}

static char *plan_strdup(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		die("out of memory");
	return d;
}

/* An fd of the plan's own (the user's options close theirs). */
static int plan_dup(int fd)
{
	int d;

	if (fd < 0)
		return -1;
	d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (d < 0)
		die_errno("dup");
	return d;
}

void plan_derive(const struct options *user, struct plan *p)
{
	struct options *o = &p->o;
	size_t i;

	memset(p, 0, sizeof(*p));
	*o = *user;
	if (user->argv == user->shell)
		o->argv = o->shell;
	o->env_add = plan_copy(user->env_add, user->n_env_add, sizeof(char *));
	o->publish = plan_copy(user->publish, user->n_publish, sizeof(*o->publish));
	o->kconfig = plan_copy(user->kconfig, user->n_kconfig, sizeof(*o->kconfig));
	o->flavour = plan_copy(user->flavour, user->n_flavour, sizeof(char *));
	o->append = plan_copy(user->append, user->n_append, sizeof(char *));
	o->load_module = plan_copy(user->load_module, user->n_load_module,
				   sizeof(char *));
	o->module_src = plan_copy(user->module_src, user->n_module_src,
				  sizeof(char *));
	o->kunitconfig = plan_copy(user->kunitconfig, user->n_kunitconfig,
				   sizeof(char *));
	o->mounts = plan_copy(user->mounts, user->n_mounts, sizeof(*o->mounts));
	for (i = 0; i < o->n_mounts; i++) {
		o->mounts[i].src = plan_strdup(user->mounts[i].src);
		o->mounts[i].dst = plan_strdup(user->mounts[i].dst);
		o->mounts[i].fd = plan_dup(user->mounts[i].fd);
	}
	o->disks = plan_copy(user->disks, user->n_disks, sizeof(*o->disks));
	for (i = 0; i < o->n_disks; i++) {
		o->disks[i].file = plan_strdup(user->disks[i].file);
		o->disks[i].fd = plan_dup(user->disks[i].fd);
	}

	if (o->n_publish || o->host_loopback)
		o->net = 1;
	/* A guest that may load modules owns its kernel: that layer is gone. */
	if (o->allow_modules)
		o->drop_kernel = 1;
	/* --coverage: the coverage flavour, whose debugfs and lack of
	 * lockdown give the kernel layer up (as --allow-modules does). */
	if (o->coverage) {
		for (i = 0; i < o->n_flavour; i++)
			if (!strcmp(o->flavour[i], "coverage"))
				break;
		if (i == o->n_flavour) {
			o->flavour = realloc(o->flavour,
					     (o->n_flavour + 1) * sizeof(char *));
			if (!o->flavour)
				die("out of memory");
			o->flavour[o->n_flavour++] = "coverage";
		}
		o->drop_kernel = 1;
	}
	if (o->swap_bytes) {
		struct disk_opt *d = disks_add(&o->disks, &o->n_disks);

		d->mode = DISK_SWAP;
		d->size = o->swap_bytes;
	}
	/* gdb reads the terminal: the command cannot too. */
	if (o->gdb && isatty(0))
		o->no_stdin = 1;
}

/*
 * The guest has its own tmpfs on /tmp and /var/tmp. When the working
 * directory lies below one of them, show the host's directory there
 * read-only, as `--bind DIR:ro` would: the top one below /tmp, so a
 * checkout's other files come too. An explicit bind covering it wins.
 */
static void plan_scratch_cwd(struct options *o)
{
	static const char *const scratch[] = { "/tmp/", "/var/tmp/" };
	char top[PATH_MAX], arg[PATH_MAX + 8];
	const char *cwd = o->cwd;
	struct mount_opt m;
	size_t i, len, k;

	for (i = 0; i < 2; i++) {
		len = strlen(scratch[i]);
		if (strncmp(cwd, scratch[i], len) || !cwd[len])
			continue;
		snprintf(top, sizeof(top), "%.*s", (int)(len + strcspn(cwd + len, "/")),
			 cwd);
		for (k = 0; k < o->n_mounts; k++) {
			size_t dl = strlen(o->mounts[k].dst);

			if (!strncmp(top, o->mounts[k].dst, dl) &&
			    (top[dl] == '/' || !top[dl]))
				return;
		}
		snprintf(arg, sizeof(arg), "%s:ro", top);
		memset(&m, 0, sizeof(m));
		if (mounts_parse_bind(arg, &m, 0)) {
			free(m.src);
			free(m.dst);
			return; /* not a host directory: nothing to show */
		}
		*options_add_mount(o) = m;
		info("showing the host's %s read-only in the guest", top);
		return;
	}
}

void plan_prepare(struct plan *p)
{
	static char cwd[PATH_MAX];
	struct options *o = &p->o;

	root_prepare(p);
	if (!o->cwd) {
		if (!getcwd(cwd, sizeof(cwd)))
			strcpy(cwd, "/");
		o->cwd = cwd;
	}
	if (!o->root)
		plan_scratch_cwd(o);
}

unsigned long long plan_rundir_bytes(const struct options *o)
{
	/* the memory file is mem plus UML's reserved pages: 16 MiB headroom */
	return (((unsigned long long)o->mem_mb + 16) << 20) +
	       disks_rundir_bytes(o->disks, o->n_disks);
}

void plan_free(struct plan *p)
{
	/* the plan's arrays are its own, as options_free expects */
	options_free(&p->o);
	memset(p, 0, sizeof(*p));
}
