// SPDX-License-Identifier: GPL-2.0
/*
 * The host end of the output ring. The memory is a memfd sealed against
 * shrinking, so nothing the guest does can make our mapping fault; every
 * index and record header is read once and checked against our own tail
 * before it is used. The wake-up protocol is in hostexec_ring.h: set our
 * wait flag, full barrier, look again; ring the guest's bell only when it
 * asked for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ring.h"

#define LOAD(p) __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)

int ring_create(struct ring *r)
{
	size_t len = HOSTEXEC_RING_HDR + RING_SIZE + RING_IN_SIZE;
	int sv[2], err;
	void *p;

	*r = (struct ring){ .mem = -1, .bell = -1, .guest_bell = -1 };
	r->mem = memfd_create("umlrun-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (r->mem < 0)
		return -errno;
	if (ftruncate(r->mem, (off_t)len) < 0 ||
	    fcntl(r->mem, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
						F_SEAL_SEAL) < 0)
		goto fail;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, r->mem, 0);
	if (p == MAP_FAILED)
		goto fail;
	r->hdr = p;
	r->data = (uint8_t *)p + HOSTEXEC_RING_HDR;
	r->size = RING_SIZE;
	r->hdr->magic = HOSTEXEC_RING_MAGIC;
	r->hdr->version = HOSTEXEC_RING_VERSION;
	r->hdr->size = RING_SIZE;
	r->hdr->in_size = RING_IN_SIZE;
	r->in_data = r->data + RING_SIZE;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       0, sv) < 0)
		goto fail;
	r->bell = sv[0];
	r->guest_bell = sv[1];
	return 0;
fail:
	err = -errno;
	ring_destroy(r);
	return err;
}

void ring_destroy(struct ring *r)
{
	if (r->hdr)
		munmap(r->hdr, HOSTEXEC_RING_HDR + RING_SIZE + RING_IN_SIZE);
	if (r->mem >= 0)
		close(r->mem);
	if (r->bell >= 0)
		close(r->bell);
	if (r->guest_bell >= 0)
		close(r->guest_bell);
	*r = (struct ring){ .mem = -1, .bell = -1, .guest_bell = -1 };
}

static void ring_bell(struct ring *r)
{
	char c = 0;

	/* a full socket already holds a wake-up for the guest */
	(void)send(r->bell, &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void ring_bell_drain(struct ring *r)
{
	char buf[64];

	while (recv(r->bell, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

void ring_freeze(struct ring *r)
{
	if (!r->hdr || r->frozen)
		return;
	r->end = LOAD(&r->hdr->head);
	r->frozen = 1;
}

int ring_next(struct ring *r, struct ring_rec *rec, int arm)
{
	struct hostexec_rec h;
	uint64_t head, used;
	uint32_t off, first;

	if (!r->hdr)
		return 0;
	if (r->frozen)
		head = r->end;
	else
		head = LOAD(&r->hdr->head);
	if (head == r->tail && arm && !r->frozen) {
		STORE(&r->hdr->host_wait, 1);
		FENCE();
		head = LOAD(&r->hdr->head);
		if (head != r->tail)
			STORE(&r->hdr->host_wait, 0);
	}
	if (head == r->tail)
		return 0;
	used = head - r->tail;
	if (used > r->size || used % 8)
		return -EPROTO;
	off = (uint32_t)(r->tail & (r->size - 1));
	memcpy(&h, r->data + off, sizeof(h));
	if ((h.stream != 1 && h.stream != 2) || !h.len ||
	    h.len > HOSTEXEC_RING_MAX_REC || HOSTEXEC_REC_SPAN(h.len) > used)
		return -EPROTO;
	rec->stream = h.stream;
	rec->len = h.len;
	rec->span = HOSTEXEC_REC_SPAN(h.len);
	off = (off + (uint32_t)sizeof(h)) & (r->size - 1);
	first = r->size - off < h.len ? r->size - off : h.len;
	rec->iov[0] = (struct iovec){ r->data + off, first };
	rec->iov[1] = (struct iovec){ r->data, h.len - first };
	return 1;
}

void ring_consume(struct ring *r, const struct ring_rec *rec)
{
	r->tail += rec->span;
	STORE(&r->hdr->tail, r->tail);
	FENCE();
	if (LOAD(&r->hdr->guest_wait)) {
		STORE(&r->hdr->guest_wait, 0);
		ring_bell(r);
	}
}

void ring_close_stream(struct ring *r, unsigned int stream)
{
	if (!r->hdr)
		return;
	__atomic_fetch_or(&r->hdr->closed, 1u << stream, __ATOMIC_SEQ_CST);
	ring_bell(r);
}

int ring_in_attached(const struct ring *r)
{
	return r->hdr && LOAD(&r->hdr->in_attached);
}

long ring_in_room(struct ring *r, uint8_t **p, int arm)
{
	uint64_t used = r->in_head - LOAD(&r->hdr->in_tail);
	uint32_t off = (uint32_t)(r->in_head & (RING_IN_SIZE - 1));

	if (used > RING_IN_SIZE)
		return -EPROTO;
	if (used == RING_IN_SIZE && arm) {
		STORE(&r->hdr->in_host_wait, 1);
		FENCE();
		used = r->in_head - LOAD(&r->hdr->in_tail);
		if (used > RING_IN_SIZE)
			return -EPROTO;
		if (used < RING_IN_SIZE)
			STORE(&r->hdr->in_host_wait, 0);
	}
	*p = r->in_data + off;
	used = RING_IN_SIZE - used;
	return (long)(used < RING_IN_SIZE - off ? used : RING_IN_SIZE - off);
}

void ring_in_put(struct ring *r, size_t n)
{
	r->in_head += n;
	STORE(&r->hdr->in_head, r->in_head);
	FENCE();
	if (LOAD(&r->hdr->in_guest_wait)) {
		STORE(&r->hdr->in_guest_wait, 0);
		ring_bell(r);
	}
}

void ring_in_eof(struct ring *r)
{
	STORE(&r->hdr->in_eof, 1);
	FENCE();
	ring_bell(r);
}
