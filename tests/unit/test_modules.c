// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for modules_vermagic(), which reads a file the user names
 * before boot: a module made here (an ELF64 relocatable with .shstrtab
 * and .modinfo) gives its vermagic; the same file cut at every length,
 * with its section table pointing outside, or without the key gives an
 * error, never a crash (the tests run under ASan and UBSan).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "modules.h"
#include "tap.h"

static const char strtab[] = "\0.shstrtab\0.modinfo";
static const char modinfo[] = "license=GPL\0vermagic=6.12.118-umlrun mod_unload \0name=x";

/* A module into buf; its length. */
static size_t make_module(unsigned char *buf, const char *info, size_t ilen)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Shdr sh[3] = { { 0 } };
	size_t off = sizeof(eh);

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_REL;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 3;
	eh.e_shstrndx = 1;
	memcpy(buf + off, strtab, sizeof(strtab));
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB,
			      .sh_offset = off, .sh_size = sizeof(strtab) };
	off += sizeof(strtab);
	memcpy(buf + off, info, ilen);
	sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_PROGBITS,
			      .sh_offset = off, .sh_size = ilen };
	off += ilen;
	eh.e_shoff = off;
	memcpy(buf + off, sh, sizeof(sh));
	off += sizeof(sh);
	memcpy(buf, &eh, sizeof(eh));
	return off;
}

/* modules_vermagic of the first len bytes of buf. */
static int vermagic_of(const unsigned char *buf, size_t len, char *out, size_t olen)
{
	int fd = memfd_create("ko", 0), err;

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return -999;
	err = modules_vermagic(fd, out, olen);
	close(fd);
	return err;
}

int main(void)
{
	unsigned char buf[4096], bad[4096];
	char out[256];
	size_t len, i;
	Elf64_Ehdr eh;
	int fails = 0;

	len = make_module(buf, modinfo, sizeof(modinfo));
	is_int(vermagic_of(buf, len, out, sizeof(out)), 0, "a module's vermagic is read");
	ok(!strcmp(out, "6.12.118-umlrun mod_unload "), "it is the .modinfo's vermagic= value");

	for (i = 0; i < len; i++)
		if (vermagic_of(buf, i, out, sizeof(out)) != -ENOEXEC)
			fails++;
	is_int(fails, 0, "the module cut at every length: -ENOEXEC each time");

	memcpy(bad, buf, len);
	memcpy(&eh, bad, sizeof(eh));
	eh.e_shoff = ~0ULL >> 1;
	memcpy(bad, &eh, sizeof(eh));
	is_int(vermagic_of(bad, len, out, sizeof(out)), -ENOEXEC, "a section table outside the file");

	memcpy(bad, buf, len);
	memcpy(&eh, bad, sizeof(eh));
	eh.e_shstrndx = 7;
	memcpy(bad, &eh, sizeof(eh));
	is_int(vermagic_of(bad, len, out, sizeof(out)), -ENOEXEC, "a name table index past the sections");

	memcpy(bad, buf, len);
	memcpy(&eh, bad, sizeof(eh));
	eh.e_type = ET_EXEC;
	memcpy(bad, &eh, sizeof(eh));
	is_int(vermagic_of(bad, len, out, sizeof(out)), -ENOEXEC, "an executable is not a module");

	len = make_module(buf, "license=GPL", sizeof("license=GPL"));
	is_int(vermagic_of(buf, len, out, sizeof(out)), -ENOEXEC, "a .modinfo without vermagic");

	/* a value without its terminating NUL: read within the section */
	len = make_module(buf, "vermagic=6.1", 12);
	is_int(vermagic_of(buf, len, out, sizeof(out)), 0, "a last value without a NUL");
	ok(!strcmp(out, "6.1"), "is cut at the section's end");
	return done_testing();
}
