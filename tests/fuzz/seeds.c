// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora for the fuzz harnesses: one valid stream of
 * every frame type for fuzz_frames, valid exec blobs for fuzz_exec.
 *
 * usage: seeds FRAMES_DIR EXEC_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static void seeds_write(const char *dir, const char *name, const void *buf,
			size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 16];
	char *args[] = { "printf", "%s|", "a b", "", "\xff", NULL };
	char *env[] = { "PATH=/bin", "X=", NULL };
	uint32_t groups[] = { 0, 100 };
	struct proto_exec e = { .flags = PROTO_EXEC_SET_IDS, .uid = 1000,
				.gid = 1000, .ngroups = 2, .argc = 5,
				.envc = 2, .groups = groups, .cwd = "/tmp",
				.argv = args, .envp = env };
	size_t n = 1, blob_len;
	uint8_t *blob;

	if (argc != 3)
		return 2;
	buf[0] = 7; /* chunk size for the harness */
	n += proto_encode_u32x2(buf + n, PROTO_HELLO, PROTO_VERSION,
				PROTO_MAX_PAYLOAD);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDOUT, 0, "out\n", 4);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDERR, 0, "err\n", 4);
	n += proto_encode_u32(buf + n, PROTO_CREDIT, 4096);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_ERROR, 0,
			  "\x7f\0\0\0oops", 8);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDIN, 0, "in", 2);
	n += proto_encode(buf + n, sizeof(buf) - n, PROTO_STDIN_EOF, 0, NULL, 0);
	n += proto_encode_u32(buf + n, PROTO_OUT_CLOSED, 1);
	n += proto_encode_u32(buf + n, PROTO_SIGNAL, 15);
	n += proto_encode_u32x2(buf + n, PROTO_EXIT, PROTO_EXITED, 42);
	seeds_write(argv[1], "all-types", buf, n);
	buf[0] = 1;
	seeds_write(argv[1], "all-types-bytewise", buf, n);
	if (proto_exec_encode(&e, &blob, &blob_len))
		return 1;
	seeds_write(argv[2], "full", blob, blob_len);
	free(blob);
	e.flags = 0;
	e.ngroups = 0;
	e.argc = 1;
	e.envc = 0;
	if (proto_exec_encode(&e, &blob, &blob_len))
		return 1;
	seeds_write(argv[2], "minimal", blob, blob_len);
	free(blob);
	return 0;
}
