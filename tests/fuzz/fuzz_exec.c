// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the exec description decoder the guest init runs
 * on what the host sends: every accepted blob must give NUL-terminated
 * argv and envp vectors of the announced lengths, all inside the blob.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_str(const char *str, const uint8_t *blob, size_t size)
{
	const uint8_t *s = (const uint8_t *)str;

	if (!s || s < blob || s >= blob + size ||
	    !memchr(s, 0, size - (size_t)(s - blob)))
		abort();
}

static void fuzz_check_vec(char **v, uint32_t n, const uint8_t *blob,
			   size_t size)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		fuzz_check_str(v[i], blob, size);
	if (v[n])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_exec e;
	uint8_t *blob = malloc(size ? size : 1);

	if (!blob)
		return 0;
	memcpy(blob, data, size);
	if (proto_exec_decode(blob, size, &e) == 0) {
		if (e.argc < 1)
			abort();
		fuzz_check_vec(e.argv, e.argc, blob, size);
		fuzz_check_vec(e.envp, e.envc, blob, size);
		fuzz_check_str(e.cwd, blob, size);
		proto_exec_free(&e);
	}
	free(blob);
	return 0;
}
