/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rings shared by the hostexec module (in the guest kernel) and
 * umlrun's launcher (on the host): output from the guest, stdin to it.
 *
 * The launcher creates a sealed memfd of HOSTEXEC_RING_HDR + size +
 * in_size bytes,
 * fills in the header and hands it to the kernel as the UML io-memory region
 * "hostexec" (iomem=hostexec,FILE); both sides map it shared. Guest writes
 * to /dev/hostexec-stdout and /dev/hostexec-stderr become records in the
 * ring, in the order they were written:
 *
 *   struct hostexec_rec { __u32 stream; __u32 len; } then len bytes, the
 *   whole record padded to 8 bytes; records may wrap around the end.
 *
 * head and tail count bytes since the start and only grow; the ring offset
 * is the count modulo size (a power of two). The guest advances head after
 * a record is complete, the host advances tail after it wrote one out.
 * Each side sleeps on a doorbell socket after setting its *_wait flag and
 * re-checking the indices (with a full barrier in between); the other side
 * rings the doorbell (one byte) when it finds the flag set, so neither can
 * miss a wake-up. The host sets a stream's bit in 'closed' when its own
 * stdout/stderr went away; writers then get EPIPE and SIGPIPE.
 *
 * Stdin comes the other way through the input ring, right after the output
 * ring's data: plain bytes, no records. The host advances in_head after
 * reading its stdin into the ring, the guest advances in_tail after
 * /dev/hostexec-stdin handed bytes to a reader, with the same wait flags
 * and doorbell; in_eof says no more will come. The module sets
 * in_attached when the device is first opened (umlinit opens it before
 * HELLO): until then the host sends stdin as frames over the channel.
 *
 * The launcher trusts nothing in the ring: indices and records are checked
 * against its own copies before use.
 */
#ifndef HOSTEXEC_RING_H
#define HOSTEXEC_RING_H

#include <linux/types.h>

#include "hostexec_msg.h"

#define HOSTEXEC_RING_MAGIC	0x52657868u	/* "hxeR" */
#define HOSTEXEC_RING_VERSION	2
#define HOSTEXEC_RING_HDR	4096u
/* the largest record payload: bounds the launcher's work per record */
#define HOSTEXEC_RING_MAX_REC	(128u << 10)

struct hostexec_ring_hdr {
	__u32 magic;
	__u32 version;
	__u32 size;		/* data bytes after the header page */
	__u32 reserved;
	/* written by the guest (own cache line) */
	__u64 head __attribute__((aligned(64)));
	__u32 guest_wait;	/* guest sleeps until tail moves */
	/* written by the host */
	__u64 tail __attribute__((aligned(64)));
	__u32 host_wait;	/* host sleeps until head moves */
	__u32 closed;		/* bit 1: stdout gone, bit 2: stderr gone */
	/* the input ring: in_size bytes after the output ring's data */
	__u32 in_size __attribute__((aligned(64)));
	__u32 in_eof;		/* host: nothing after in_head */
	__u64 in_head;		/* host: bytes put in */
	__u32 in_host_wait;	/* host sleeps until in_tail moves */
	__u64 in_tail __attribute__((aligned(64)));	/* guest: taken out */
	__u32 in_guest_wait;	/* guest sleeps until in_head moves */
	__u32 in_attached;	/* guest: /dev/hostexec-stdin was opened */
};

struct hostexec_rec {
	__u32 stream;		/* 1 stdout, 2 stderr */
	__u32 len;
};

#define HOSTEXEC_REC_SPAN(len)	(((__u64)(len) + sizeof(struct hostexec_rec) + 7) & ~7ull)

#endif
