/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host end of the rings (layout in hostexec-driver/hostexec_ring.h):
 * a sealed memfd the kernel maps as io memory and a doorbell socket. The
 * guest's stdout and stderr writes arrive here as records, in the order
 * they were written, and our stdin goes out as plain bytes, without
 * passing through init.
 */
#ifndef UMLRUN_RING_H
#define UMLRUN_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "../../hostexec-driver/hostexec_ring.h"

/* The kernel's fds for the doorbell and the ring memory. */
#define RING_GUEST_BELL_FD 5
#define RING_GUEST_MEM_FD 6
#define RING_SIZE (1u << 20)
#define RING_IN_SIZE (1u << 20)

struct ring {
	int mem;		/* the memfd, -1 without a ring */
	int bell;		/* our end of the doorbell */
	int guest_bell;		/* the kernel's end, until it was started */
	struct hostexec_ring_hdr *hdr;
	uint8_t *data;
	uint32_t size;
	uint64_t tail;		/* our own copy: the shared one is only written */
	uint64_t end;		/* after ring_freeze: the head we drain to */
	int frozen;
	uint8_t *in_data;	/* the input ring */
	uint64_t in_head;	/* our own copy */
};

struct ring_rec {
	unsigned int stream;	/* 1 or 2 */
	uint32_t len;
	uint64_t span;		/* ring bytes the record takes */
	struct iovec iov[2];	/* the payload, in two parts when it wraps */
};

/* Set up a ring of RING_SIZE; returns 0 or -errno (r->mem stays -1). */
int ring_create(struct ring *r);
/* Unmap and close everything; idempotent. */
void ring_destroy(struct ring *r);
/*
 * The next record, checked: 1 with *rec filled, 0 when the ring is empty
 * (with arm set, the guest rings the doorbell when that changes), -EPROTO
 * when the guest broke the ring.
 */
int ring_next(struct ring *r, struct ring_rec *rec, int arm);
/* Done with the record ring_next returned: free its space for the guest. */
void ring_consume(struct ring *r, const struct ring_rec *rec);
/* Our stdout (1) or stderr (2) is gone: the guest's writers get EPIPE. */
void ring_close_stream(struct ring *r, unsigned int stream);
/* Empty the doorbell socket. */
void ring_bell_drain(struct ring *r);
/* Did the guest open its stdin device (so stdin goes through the ring)? */
int ring_in_attached(const struct ring *r);
/*
 * Where stdin may go now: sets *p and returns how many contiguous bytes
 * fit, 0 when the input ring is full (with arm set, the guest rings when
 * it took some), -EPROTO when the guest broke the ring.
 */
long ring_in_room(struct ring *r, uint8_t **p, int arm);
/* n bytes were put where ring_in_room said: hand them to the guest. */
void ring_in_put(struct ring *r, size_t n);
/* No more stdin. */
void ring_in_eof(struct ring *r);
/*
 * The command has exited: read the guest's head once and from now on
 * return only the records before it (at most one ring of data, checked
 * as any head), whatever the guest writes to its head later.
 */
void ring_freeze(struct ring *r);

#endif
