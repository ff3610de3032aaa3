// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the frame decoder as both ends use it: the input is
 * cut into chunks (sizes taken from the input itself) and fed to
 * proto_reader_feed; every frame it yields is checked with the validator
 * for its direction, and the payload of an accepted frame is read the way
 * the launcher and init read it. Any crash, sanitizer report or a frame
 * that breaks the decoder's promises is a bug.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_use(const struct proto_frame *f)
{
	volatile uint8_t sink = 0;
	uint32_t i;

	if (f->len > PROTO_MAX_PAYLOAD)
		abort();
	for (i = 0; i < f->len; i++)
		sink ^= f->payload[i];
	if (proto_check_from_guest(f) == 0 && f->type == PROTO_EXIT &&
	    proto_get_u32(f->payload) > PROTO_SIGNALED)
		abort();
	(void)proto_check_from_host(f);
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct proto_reader rd;
	struct proto_frame f;
	size_t off = 1, chunk, used;
	int r;

	if (size < 1)
		return 0;
	proto_reader_init(&rd);
	chunk = data[0] ? data[0] : 1;
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		size_t pos = 0;

		while (pos < n) {
			r = proto_reader_feed(&rd, data + off + pos, n - pos,
					      &used, &f);
			if (used > n - pos)
				abort();
			pos += used;
			if (r < 0) {
				if (r != -EBADMSG && r != -EMSGSIZE)
					abort();
				return 0;
			}
			if (r == 1)
				fuzz_use(&f);
			else if (pos != n)
				abort();
		}
		off += n;
	}
	return 0;
}
