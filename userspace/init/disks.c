// SPDX-License-Identifier: GPL-2.0
/*
 * umlinit's part of --swap: the launcher attaches a sparse scratch file
 * as a ubd device and names it with umlrun.swap=; here it gets a swap
 * signature (what mkswap writes: the version 1 header of the kernel's
 * union swap_header, include/linux/swap.h, in the first page, and
 * "SWAPSPACE2" in that page's last 10 bytes) and is switched on with
 * swapon(2) before the command runs. No helper program, no exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/swap.h>
#include <unistd.h>

#include "init.h"
#include "log.h"
#include "util.h"

/* The info half of union swap_header, after 1024 bytes of boot bits. */
struct swap_info_v1 {
	uint32_t version;
	uint32_t last_page;
	uint32_t nr_badpages;
	unsigned char uuid[16];
	char volume[16];
	uint32_t padding[117];
	uint32_t badpages[1];
};

#define SWAP_INFO_OFFSET 1024
#define SWAP_MAGIC "SWAPSPACE2"

void init_swap(const char *dev)
{
	long page = sysconf(_SC_PAGESIZE);
	struct swap_info_v1 info = { .version = 1 };
	unsigned long long size;
	unsigned char *hdr;
	off_t end;
	int fd;

	if (!dev)
		return;
	fd = open(dev, O_RDWR | O_CLOEXEC);
	end = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	if (end < 0)
		init_fatal(125, "swap %s: %s", dev, strerror(errno));
	size = (unsigned long long)end;
	if (size / (unsigned long long)page < 10)
		init_fatal(125, "swap %s: too small", dev);
	info.last_page = (uint32_t)(size / (unsigned long long)page - 1);
	memcpy(info.volume, "umlrun-swap", 11);
	hdr = calloc(1, (size_t)page);
	if (!hdr)
		init_fatal(125, "swap: out of memory");
	memcpy(hdr + SWAP_INFO_OFFSET, &info, sizeof(info));
	memcpy(hdr + page - strlen(SWAP_MAGIC), SWAP_MAGIC, strlen(SWAP_MAGIC));
	if (pwrite(fd, hdr, (size_t)page, 0) != (ssize_t)page || fsync(fd) < 0)
		init_fatal(125, "swap %s: writing the header: %s", dev,
			   strerror(errno));
	free(hdr);
	close(fd);
	if (swapon(dev, 0) < 0)
		init_fatal(125, "swapon %s: %s", dev, strerror(errno));
}
