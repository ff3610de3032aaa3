// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's time and process modes. --time-travel boots the kernel with
 * time-travel (UML's basic virtual-time mode: when every guest task waits,
 * the clock jumps to the next timer instead of the host sleeping), which
 * needs CONFIG_UML_TIME_TRAVEL_SUPPORT; kernels from 6.16 on also offer a
 * seccomp-based process mode (seccomp=on|auto) whose filter upstream says
 * does not yet keep guest processes from the kernel's memory, so umlrun
 * pins such a kernel to ptrace mode and says so with -v.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmodes.h"
#include "options.h"
#include "log.h"

/* The __uml_help texts of arch/um/kernel/time.c (with time travel support)
 * and of arch/um/os-Linux/start_up.c from 6.16 on. */
#define KMODES_TIME_TRAVEL_MARK "time-travel-start=<nanoseconds>"
#define KMODES_SECCOMP_MARK "seccomp=<on/auto/off>"

void *kmodes_map(const char *kernel, size_t *len, int *err)
{
	struct stat st;
	void *map;
	int fd;

	fd = open(kernel, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		*err = -EINVAL;
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	*err = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return map;
}

int kmodes_binary_has(const char *kernel, const char *mark)
{
	size_t len;
	void *map;
	int err, found;

	map = kmodes_map(kernel, &len, &err);
	if (!map)
		return err;
	found = memmem(map, len, mark, strlen(mark)) != NULL;
	munmap(map, len);
	return found;
}

/*
 * Can this kernel offer the seccomp mode? The config next to every kernel
 * umlrun builds names its version in its third line; only one from 6.16 on
 * (or one without that file) is worth scanning for the mark, a 10 MB
 * search that would cost every run 0.6 ms.
 */
static int kmodes_maybe_seccomp(const char *kernel)
{
	char path[4096], buf[256];
	const char *slash = strrchr(kernel, '/'), *v;
	unsigned int major, minor;
	ssize_t len;
	int fd;

	if (!slash || snprintf(path, sizeof(path), "%.*s/config",
			       (int)(slash - kernel), kernel) >=
			      (int)sizeof(path))
		return 1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 1;
	buf[len] = '\0';
	v = strstr(buf, "# Linux/um ");
	if (!v || sscanf(v + 11, "%u.%u", &major, &minor) != 2)
		return 1;
	return major > 6 || (major == 6 && minor >= 16);
}

/* A debugging UMLRUN_KERNEL_ARGS must not switch the process mode. */
static void kmodes_refuse_seccomp(void)
{
	const char *extra = options_env("UMLRUN_KERNEL_ARGS");
	const char *p = extra;

	while (p && (p = strstr(p, "seccomp="))) {
		if ((p == extra || p[-1] == ' ') && strncmp(p + 8, "off", 3))
			die("UMLRUN_KERNEL_ARGS asks for the seccomp process mode, which umlrun does not use: its filter does not yet keep guest processes from the kernel's memory");
		p += 8;
	}
}

int kmodes_args(const struct options *o, const char *kernel, char **argv,
		int n, int max)
{
	int has;

	if (n + 2 > max)
		die("too many kernel parameters");
	kmodes_refuse_seccomp();
	if (kmodes_maybe_seccomp(kernel) &&
	    kmodes_binary_has(kernel, KMODES_SECCOMP_MARK) > 0) {
		/* Off is the upstream default; say it, should that change. */
		argv[n++] = "seccomp=off";
		info("the kernel offers the seccomp process mode; umlrun keeps ptrace mode (seccomp=off): that mode's filter does not yet keep guest processes from the kernel's memory");
	}
	if (!o->time_travel)
		return n;
	has = kmodes_binary_has(kernel, KMODES_TIME_TRAVEL_MARK);
	if (has < 0)
		die("cannot read kernel %s: %s", kernel, strerror(-has));
	if (!has)
		die("--time-travel: kernel %s has no virtual time (CONFIG_UML_TIME_TRAVEL_SUPPORT)",
		    kernel);
	/* With jitterentropy left out (spawn_args): its self-test times its
	 * own loops on a clock that here only moves when read, and retries
	 * for seconds. */
	argv[n++] = "time-travel";
	info("virtual time: the guest's clock jumps to its next timer whenever it waits");
	return n;
}
