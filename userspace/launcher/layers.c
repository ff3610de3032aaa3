// SPDX-License-Identifier: GPL-2.0
/*
 * The two isolation layers of a run and the refusal of a run that would
 * proceed without one. The kernel layer is umlrun's patches to the kernel:
 * the hostfs write policy (hostfs_rw=), hostfs refusing set-id bits and
 * device nodes, and a panic on a failed stub call; each leaves a mark in
 * the binary (a string), found here, so a kernel one of them did not go
 * into (a stock kernel, a --kernel-tree of a version no variant of it
 * applies to) is refused naming it. umlinit checks the rest of the layer
 * in the guest (module loading closed, lockdown raised) before the command
 * runs. The host layer is Landlock on the kernel process (the seccomp
 * filter goes with it and needs nothing from the host).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmodes.h"
#include "landlock.h"
#include "layers.h"
#include "log.h"
#include "marks.h"
#include "util.h"

/* The patches of patches/SERIES/ (and patches/variants/) the kernel layer
 * rests on, and the mark each leaves in the binary. */
static const struct {
	const char *what;	/* for the refusal: "umlrun's WHAT" */
	const char *risk;	/* what a guest root could do without it */
	const char *mark;
} layers_patches[] = {
	{ "hostfs write policy (patch 0002)",
	  "guest root could write every file you can",
	  MARK_HOSTFS_POLICY },
	{ "hostfs refusal of set-id bits and device nodes (patch 0003)",
	  "guest root could leave set-id programs and device nodes in writable binds",
	  MARK_HOSTFS_SETID },
	{ "panic on a failed stub call (patch 0004)",
	  "a failed stub call could leave freed memory mapped into a guest process",
	  MARK_STUB_PANIC },
};

/*
 * The sections a mark lies in: the patches' strings in .rodata, 0002's
 * help text in the init data. Searching these (1.5 MB of a 10 MB kernel)
 * instead of the whole file saves a run some 3 ms; a mark not found there
 * is searched for in the whole file, so a kernel laid out otherwise only
 * costs more. *n gets how many were found (at most max).
 */
static void layers_sections(const unsigned char *map, size_t size,
			    const unsigned char **start, size_t *len,
			    size_t max, size_t *n)
{
	static const char *const names[] = { ".rodata", "init.data",
					     ".init.data", ".init.rodata" };
	const Elf64_Ehdr *eh = (const void *)map;
	const Elf64_Shdr *sh, *str;
	size_t i, j;

	*n = 0;
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(*sh) || eh->e_shoff > size ||
	    (size - eh->e_shoff) / sizeof(*sh) < eh->e_shnum ||
	    eh->e_shstrndx >= eh->e_shnum)
		return;
	sh = (const void *)(map + eh->e_shoff);
	str = &sh[eh->e_shstrndx];
	if (str->sh_offset > size || str->sh_size > size - str->sh_offset)
		return;
	for (i = 0; i < eh->e_shnum && *n < max; i++) {
		if (sh[i].sh_type != SHT_PROGBITS ||
		    sh[i].sh_offset > size ||
		    sh[i].sh_size > size - sh[i].sh_offset ||
		    sh[i].sh_name >= str->sh_size)
			continue;
		for (j = 0; j < ARRAY_SIZE(names); j++) {
			if (strnlen((const char *)map + str->sh_offset +
				    sh[i].sh_name,
				    str->sh_size - sh[i].sh_name) ==
				    strlen(names[j]) &&
			    !strcmp((const char *)map + str->sh_offset +
				    sh[i].sh_name, names[j])) {
				start[*n] = map + sh[i].sh_offset;
				len[*n] = sh[i].sh_size;
				(*n)++;
				break;
			}
		}
	}
}

static int layers_has(const unsigned char *map, size_t size,
		      const unsigned char *const *start, const size_t *len,
		      size_t n, const char *mark)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (memmem(start[i], len[i], mark, strlen(mark)))
			return 1;
	return memmem(map, size, mark, strlen(mark)) != NULL;
}

int layers_kernel_missing(const char *kernel, char *what, size_t what_len,
			  char *risk, size_t risk_len)
{
	const unsigned char *start[4];
	size_t len[4], n;
	size_t i, w = 0, r = 0;
	int err, missing = 0;
	size_t size;
	void *map;

	if (what_len)
		what[0] = 0;
	if (risk_len)
		risk[0] = 0;
	map = kmodes_map(kernel, &size, &err);
	if (!map)
		return err;
	layers_sections(map, size, start, len, ARRAY_SIZE(start),
			&n);
	for (i = 0; i < ARRAY_SIZE(layers_patches); i++) {
		if (layers_has(map, size, start, len, n,
			       layers_patches[i].mark))
			continue;
		if (w < what_len)
			w += (size_t)snprintf(what + w, what_len - w, "%s%s",
					      missing ? ", " : "",
					      layers_patches[i].what);
		if (r < risk_len)
			r += (size_t)snprintf(risk + r, risk_len - r, "%s%s",
					      missing ? "; " : "",
					      layers_patches[i].risk);
		missing++;
	}
	munmap(map, size);
	return missing;
}

void layers_require(const struct options *o, const char *kernel)
{
	char what[256], risk[512];
	int missing;

	if (o->drop_landlock)
		info("--drop-layer landlock: only the kernel's hostfs write policy guards the host");
	else if (!landlock_abi())
		die("this host offers no Landlock (Linux 5.13 or later, lsm=...,landlock), so only the kernel's write policy would guard it; --drop-layer landlock runs anyway");
	if (o->drop_kernel)
		return;
	missing = layers_kernel_missing(kernel, what, sizeof(what), risk,
					sizeof(risk));
	if (missing < 0)
		die("cannot read kernel %s: %s", kernel, strerror(-missing));
	if (!missing)
		info("kernel layer: the kernel has umlrun's patches 0002 (hostfs write policy), 0003 (no set-id bits or device nodes) and 0004 (panic on a failed stub call)");
	else
		die("kernel %s lacks umlrun's %s (a stock kernel, or a tree %s did not apply to): %s; --drop-layer kernel runs it with Landlock alone",
		    kernel, what, missing > 1 ? "these patches" : "the patch",
		    risk);
}
