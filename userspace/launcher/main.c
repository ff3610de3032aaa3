// SPDX-License-Identifier: GPL-2.0
/*
 * umlrun: run one command in a freshly booted User Mode Linux kernel and
 * behave like the command run locally (stdout, stderr, stdin, exit status).
 * This file glues the parts together: options, the exec description sent
 * to the guest, starting the kernel, the event loop and the teardown.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commits.h"
#include "config.h"
#include "confine.h"
#include "console.h"
#include "coverage.h"
#include "kernels.h"
#include "log.h"
#include "disks.h"
#include "doctor.h"
#include "gdb.h"
#include "kunit.h"
#include "loop.h"
#include "modules.h"
#include "mounts.h"
#include "net.h"
#include "options.h"
#include "plan.h"
#include "proto.h"
#include "root.h"
#include "result.h"
#include "spawn.h"
#include "splat.h"
#include "tty.h"
#include "util.h"

extern char **environ;

static struct uml uml = { .pid = 0, .chan = -1, .console = -1, .console_in = -1,
			  .net_fd = -1 };

static void main_cleanup(void)
{
	tty_restore();
	spawn_kill(&uml);
	gdb_restore_tty();
	net_cleanup();
	spawn_cleanup(&uml);
}

/* Make sure fds 0-2 exist, so nothing we open lands on them. */
static void main_std_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			exit(EXIT_UMLRUN);
	}
}

/* Set NAME=VALUE in a NULL-terminated vector, replacing any NAME. */
static char **main_env_set(char **env, size_t *n, const char *kv)
{
	size_t klen = strcspn(kv, "="), i;

	for (i = 0; i < *n; i++) {
		if (!strncmp(env[i], kv, klen) && env[i][klen] == '=') {
			env[i] = (char *)kv;
			return env;
		}
	}
	env = realloc(env, (*n + 2) * sizeof(char *));
	if (!env)
		die("out of memory");
	env[(*n)++] = (char *)kv;
	env[*n] = NULL;
	return env;
}

/* "NAME=value" strings made for -e NAME, freed once the blob is encoded. */
static char *env_owned[4096];
static size_t n_env_owned;

/*
 * The command runs as root: the sbin directories a user's PATH lacks
 * (Debian gives users none) are added at its end, as sudo's secure_path
 * has them, so iptables, nft or mkfs.ext4 are found in the guest.
 */
static char **main_env_sbin(char **env, size_t *n)
{
	static const char *const sbin[] = { "/usr/local/sbin", "/usr/sbin", "/sbin" };
	const char *path = NULL;
	char *kv;
	size_t i, len;

	for (i = 0; i < *n; i++)
		if (!strncmp(env[i], "PATH=", 5))
			path = env[i] + 5;
	if (!path || n_env_owned == ARRAY_SIZE(env_owned))
		return env;
	len = strlen(path);
	kv = malloc(len + 64);
	if (!kv)
		die("out of memory");
	len = (size_t)sprintf(kv, "PATH=%s", path);
	for (i = 0; i < ARRAY_SIZE(sbin); i++) {
		size_t l = strlen(sbin[i]);
		const char *p = path;
		int has = 0;

		while (!has && (p = strstr(p, sbin[i]))) {
			has = (p == path || p[-1] == ':') && (!p[l] || p[l] == ':');
			p += l;
		}
		if (!has)
			len += (size_t)sprintf(kv + len, "%s%s", len > 5 ? ":" : "", sbin[i]);
	}
	env_owned[n_env_owned++] = kv;
	return main_env_set(env, n, kv);
}


static char **main_env(const struct options *o, size_t *n)
{
	char **env = calloc(1, sizeof(char *));
	const char *val;
	size_t i;

	*n = 0;
	if (!env)
		die("out of memory");
	for (i = 0; !o->clean_env && environ[i]; i++)
		if (strchr(environ[i], '='))
			env = main_env_set(env, n, environ[i]);
	for (i = 0; i < o->n_env_add; i++) {
		if (strchr(o->env_add[i], '=')) {
			env = main_env_set(env, n, o->env_add[i]);
			continue;
		}
		/* -e NAME: copy the caller's value, if it has one. */
		val = getenv(o->env_add[i]);
		if (val) {
			char *kv;

			if (n_env_owned == sizeof(env_owned) / sizeof(env_owned[0]) ||
			    asprintf(&kv, "%s=%s", o->env_add[i], val) < 0)
				die("too many -e options");
			env_owned[n_env_owned++] = kv;
			env = main_env_set(env, n, kv);
		}
	}
	/* --disk, --disk-size: UMLRUN_DISK0=/dev/ubda, ... */
	for (i = 0; n_env_owned < ARRAY_SIZE(env_owned) &&
		    (env_owned[n_env_owned] = disks_env(o->disks, o->n_disks, i));
	     i++)
		env = main_env_set(env, n, env_owned[n_env_owned++]);
	if (!o->user)
		env = main_env_sbin(env, n);
	return env;
}

/* -u: the command runs with the caller's uid, gid and groups. */
static void main_user_ids(struct proto_exec *e)
{
	static uint32_t groups[PROTO_MAX_GROUPS];
	static gid_t gids[PROTO_MAX_GROUPS];
	int i, n;

	n = getgroups(PROTO_MAX_GROUPS, gids);
	if (n < 0)
		die_errno("getgroups");
	for (i = 0; i < n; i++)
		groups[i] = (uint32_t)gids[i];
	e->flags |= PROTO_EXEC_SET_IDS;
	e->uid = (uint32_t)getuid();
	e->gid = (uint32_t)getgid();
	e->ngroups = (uint32_t)n;
	e->groups = groups;
}

static void main_exec_blob(const struct plan *p, uint8_t **blob, size_t *len)
{
	const struct options *o = &p->o;
	struct proto_exec e = { 0 };
	size_t nenv;
	int err;

	for (e.argc = 0; o->argv[e.argc]; e.argc++)
		;
	e.argv = o->argv;
	e.envp = main_env(o, &nenv);
	e.envc = (uint32_t)nenv;
	e.cwd = o->cwd;
	if (o->tty)
		e.flags |= PROTO_EXEC_PTY;
	if (o->user)
		main_user_ids(&e);
	e.mounts = mounts_table(o->mounts, o->n_mounts, o->overlay,
				p->root.kind ? &p->root : NULL, &e.nmounts);
	err = proto_exec_encode(&e, blob, len);
	if (err == -E2BIG)
		die("arguments and environment are too large");
	if (err)
		die("cannot encode the command: %s", strerror(-err));
	free(e.envp);
	while (n_env_owned)
		free(env_owned[--n_env_owned]);
	free(e.mounts);
}

/*
 * From here on the launcher reads what the guest sends: open the files it
 * will still write, then give up opening others, executing and the rest.
 */
static void main_confine(const struct options *o)
{
	int err;

	if (o->result_json)
		(void)result_open(o->result_json, uml.kernel, o->follow_links);
	console_open_log(o);
	err = confine_launcher(uml.rundir, o->net);
	if (err) {
		errno = -err;
		die_errno("cannot confine the launcher");
	}
}

/*
 * One run of the plan: locate (or build) the kernel, boot it, run the
 * command, and fill result; returns umlrun's exit status. --commits runs
 * it once per commit, in a child each (commits.c).
 */
static int main_run(struct plan *plan, struct result *result)
{
	struct options *o = &plan->o;
	uint8_t *blob;
	size_t len;
	int status, err;

	/* --coverage DIR first: a bad DIR stops the run before a kernel build */
	coverage_prepare(o);
	kunit_prepare(plan);
	spawn_locate(&uml, o);
	if (o->print_build_dir)
		return modules_print_build_dir(uml.kernel);
	modules_prepare(o, uml.kernel, uml.module);
	plan_prepare(plan);
	main_exec_blob(plan, &blob, &len);
	if (o->junit)
		result_tests_start(result, o->junit, o->kunit ? "kunit" : o->argv[0],
				   o->follow_links);
	kunit_new(o, result);
	loop_signals_init();
	log_set_cleanup(main_cleanup);
	uml.net_fd = net_init(o);
	spawn_start(&uml, o);
	main_confine(o);
	status = loop_run(&uml, o, blob, len, result);
	if (status != EXIT_UMLRUN && status != EXIT_TIMEOUT)
		net_drain(NET_DRAIN_MS);
	/* before the run directory, which holds the guest's data, goes */
	coverage_finish(uml.rundir);
	main_cleanup();
	splat_report(&result->splats);
	/* --kunit: a test that failed or crashed is "bad" */
	status = kunit_end(result->kunit, result, status);
	/* --splat-is-failure: a splat is "bad" for git bisect run. */
	if (o->splat_is_failure && result->splats.count)
		status = 1;
	result->end_ms = result_now_ms();
	result->status = status;
	err = result_tests_end(result);
	if (err < 0)
		warn("cannot write %s: %s", o->junit, strerror(-err));
	if (o->result_json && result_write(result, uml.kernel) < 0)
		warn("cannot write %s: %s", o->result_json, strerror(errno));
	free(blob);
	return status;
}

int main(int argc, char **argv)
{
	struct result result = { 0 };
	struct options user;
	struct plan plan;
	struct options *o = &plan.o;
	int status;

	if (argc > 1 && !strcmp(argv[1], GDB_WRAPPER_ARG))
		return gdb_wrapper_main(argc, argv);
	result.start_ms = result_now_ms();
	main_std_fds();
	config_apply(&argc, &argv);
	options_parse(&user, argc, argv);
	if (user.dump)
		return options_dump(user.dump);
	if (user.print_config)
		return config_print();
	if (user.kernels_action)
		kernels_exec_script(user.kernels_action);
	/* What the options amount to, once: from here on, the plan. */
	plan_derive(&user, &plan);
	options_free(&user);
	if (o->version)
		return doctor_version(o);
	if (o->check)
		return doctor_check(o);
	if (o->commits)
		status = commits_run(&plan, main_run);
	else
		status = main_run(&plan, &result);
	plan_free(&plan);
	return status;
}
