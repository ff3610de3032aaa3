// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the host end of the rings: the input is the guest's
 * side of the shared memory (input ring tails, the output ring's head, then
 * ring bytes) and, between records, new heads, as a guest changing the
 * ring under the launcher would write them. Room in the input ring must lie
 * inside it; every record ring_next accepts must lie inside the output ring
 * and be read whole; once the ring is frozen (the final drain) no record
 * may lie past the head read then, nor more than one ring of data come out,
 * whatever heads follow; any crash or sanitizer report is a bug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

#define FUZZ_RING_SIZE 4096u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t take_u64(const uint8_t **p, size_t *left)
{
	uint64_t v = 0;
	size_t n = *left < 8 ? *left : 8;

	memcpy(&v, *p, n);
	*p += n;
	*left -= n;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[HOSTEXEC_RING_HDR + FUZZ_RING_SIZE + RING_IN_SIZE]
		__attribute__((aligned(4096)));
	struct ring r = { .mem = -1, .bell = -1, .guest_bell = -1 };
	volatile uint8_t sink = 0;
	struct ring_rec rec;
	uint64_t mode, start;
	size_t n, i, j;
	int ret;

	memset(mem, 0, HOSTEXEC_RING_HDR + FUZZ_RING_SIZE);
	r.hdr = (struct hostexec_ring_hdr *)mem;
	r.data = mem + HOSTEXEC_RING_HDR;
	r.size = FUZZ_RING_SIZE;
	r.in_data = r.data + FUZZ_RING_SIZE;
	r.tail = take_u64(&data, &size) & ~7ull; /* ours: always 8-aligned */
	r.hdr->head = take_u64(&data, &size);
	mode = take_u64(&data, &size);
	n = size < FUZZ_RING_SIZE ? size : FUZZ_RING_SIZE;
	memcpy(r.data, data, n);
	data += n;
	size -= n;
	/* the input ring: whatever tail the guest claims, room stays inside */
	r.in_head = take_u64(&data, &size);
	for (i = 0; i < 4; i++) {
		uint8_t *p = NULL;
		long room;

		r.hdr->in_tail = take_u64(&data, &size);
		room = ring_in_room(&r, &p, (int)(i & 1));
		if (room < 0)
			continue;
		if (room > (long)RING_IN_SIZE || p < r.in_data ||
		    p + room > r.in_data + RING_IN_SIZE)
			abort();
		if (room) {
			memset(p, 0xa5, (size_t)room);
			ring_in_put(&r, (size_t)room);
		}
	}
	start = r.tail;
	for (i = 0; i < 64; i++) {
		/* the command exits after (mode >> 1) % 64 records */
		if ((mode & 1) && i == (mode >> 1) % 64) {
			ring_freeze(&r);
			start = r.tail;
		}
		ret = ring_next(&r, &rec, (int)(i & 1));
		if (ret <= 0)
			break;
		if (rec.stream != 1 && rec.stream != 2)
			abort();
		if (rec.iov[0].iov_len + rec.iov[1].iov_len != rec.len ||
		    rec.len > HOSTEXEC_RING_MAX_REC || rec.span > r.size)
			abort();
		for (j = 0; j < 2; j++) {
			const uint8_t *b = rec.iov[j].iov_base;
			size_t k;

			if (rec.iov[j].iov_len &&
			    (b < r.data || b + rec.iov[j].iov_len > r.data + r.size))
				abort();
			for (k = 0; k < rec.iov[j].iov_len; k++)
				sink ^= b[k];
		}
		ring_consume(&r, &rec);
		if (r.frozen && (r.tail - start > r.end - start ||
				 r.tail - start > r.size))
			abort();
		if (i % 3 == 2)
			ring_close_stream(&r, rec.stream);
		/* the guest moves head (or anything) while we work */
		if (size)
			r.hdr->head = r.tail + (take_u64(&data, &size) & 0x1fff);
	}
	(void)sink;
	return 0;
}
