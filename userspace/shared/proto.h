/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The umlrun wire protocol, shared by the host launcher and the guest init.
 *
 * Both ends exchange frames over the hostexec channel: an 8-byte header
 * (magic, type, flags, payload length) followed by at most
 * PROTO_MAX_PAYLOAD bytes. The channel keeps message boundaries, but the
 * decoder does not rely on it: it accepts any split of the byte stream.
 * Everything the launcher decodes comes from an untrusted guest, so every
 * length and field is checked before use.
 */
#ifndef UMLRUN_PROTO_H
#define UMLRUN_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "../../hostexec-driver/hostexec_msg.h"

#define PROTO_VERSION 1
#define PROTO_MAGIC 0x5545u /* "EU" in memory on little-endian hosts */
#define PROTO_HDR_SIZE 8
#define PROTO_MAX_PAYLOAD (HOSTEXEC_MAX_MSG - PROTO_HDR_SIZE)
#define PROTO_MAX_FRAME (PROTO_HDR_SIZE + PROTO_MAX_PAYLOAD)
/* The whole EXEC description (argv, env, cwd, groups) at most. */
#define PROTO_MAX_EXEC (32u << 20)
#define PROTO_MAX_ERRMSG 1024
#define PROTO_MAX_GROUPS 65536
#define PROTO_MAX_MOUNTS 256
/* Bytes of stdin the launcher may send before the guest grants more. */
#define PROTO_STDIN_WINDOW (1u << 20)

enum proto_type {
	/* guest -> host */
	PROTO_HELLO = 1,	/* u32 version, u32 max payload */
	PROTO_STDOUT = 2,	/* data */
	PROTO_STDERR = 3,	/* data */
	PROTO_EXIT = 4,		/* u32 kind (enum proto_exit_kind), u32 value */
	PROTO_ERROR = 5,	/* u32 exit status, then text (not terminated) */
	PROTO_CREDIT = 6,	/* u32 stdin bytes the guest consumed */
	/* host -> guest */
	PROTO_EXEC = 16,	/* a chunk of the exec blob; PROTO_F_LAST ends it */
	PROTO_STDIN = 17,	/* data */
	PROTO_STDIN_EOF = 18,	/* no payload */
	PROTO_OUT_CLOSED = 19,	/* u32 stream (1 stdout, 2 stderr) host can't take */
	PROTO_SIGNAL = 20,	/* u32 signal number for the command */
	PROTO_WINSIZE = 21,	/* u32 rows, u32 columns of the host terminal */
};

#define PROTO_F_LAST 0x01

enum proto_exit_kind {
	PROTO_EXITED = 0,
	PROTO_SIGNALED = 1,
};

struct proto_frame {
	unsigned int type;
	unsigned int flags;
	uint32_t len;
	const uint8_t *payload;
};

/* Incremental decoder: feed it bytes in any split, it yields whole frames. */
struct proto_reader {
	size_t have;
	int done;
	uint8_t buf[PROTO_MAX_FRAME];
};

/* Flags of the exec description. */
#define PROTO_EXEC_SET_IDS 0x01	/* run with uid/gid/groups, not as root */
/* Run on a pseudo-terminal; a WINSIZE frame follows the exec description. */
#define PROTO_EXEC_PTY 0x04
#define PROTO_EXEC_MOUNTS 0x02	/* the blob ends with the mount table */

/*
 * One entry of the mount table: kind "ro" or "rw" (a hostfs of host
 * directory src at dst), "tmpfs" (at dst), or "overlay" (the root becomes
 * a copy-on-write overlay; src and dst empty). The guest applies them in
 * order.
 */
struct proto_mount {
	const char *kind;
	const char *src;
	const char *dst;
};

struct proto_exec {
	uint32_t flags;
	uint32_t uid;
	uint32_t gid;
	uint32_t ngroups;
	uint32_t argc;
	uint32_t envc;
	const uint32_t *groups;	/* decode: points into the blob (aligned copy) */
	const char *cwd;
	char **argv;		/* argc entries plus a NULL */
	char **envp;		/* envc entries plus a NULL */
	uint32_t nmounts;	/* with PROTO_EXEC_MOUNTS */
	struct proto_mount *mounts;
};

void proto_reader_init(struct proto_reader *r);
/*
 * Consume bytes from data[0..len). Returns 1 with *f set when a frame is
 * complete (f->payload valid until the next call), 0 when all input was
 * consumed without completing a frame, or a negative errno on a malformed
 * stream (-EBADMSG bad magic, -EMSGSIZE oversized). *used is how much of
 * data was consumed in every case.
 */
int proto_reader_feed(struct proto_reader *r, const void *data, size_t len,
		      size_t *used, struct proto_frame *f);

/* Fill a frame header in buf (PROTO_HDR_SIZE bytes). */
void proto_put_hdr(void *buf, unsigned int type, unsigned int flags,
		   uint32_t len);
/* Encode a whole frame into buf; returns its size, or 0 if it doesn't fit. */
size_t proto_encode(void *buf, size_t cap, unsigned int type,
		    unsigned int flags, const void *payload, size_t len);
/* Encode frames carrying up to two u32 values. */
size_t proto_encode_u32(void *buf, unsigned int type, uint32_t a);
size_t proto_encode_u32x2(void *buf, unsigned int type, uint32_t a,
			  uint32_t b);

/*
 * Check a frame the guest sent to the host: known type, exact payload size,
 * values in range. Returns 0 or -EPROTO.
 */
int proto_check_from_guest(const struct proto_frame *f);
/* The same for frames the host sent to the guest. */
int proto_check_from_host(const struct proto_frame *f);
uint32_t proto_get_u32(const uint8_t *p);

/*
 * The exec blob. Encoding allocates *blob (free() it); decoding fills e with
 * pointers into blob (which must stay alive) and allocates e->argv and
 * e->envp (proto_exec_free). Both return 0 or a negative errno.
 */
int proto_exec_encode(const struct proto_exec *e, uint8_t **blob,
		      size_t *len);
int proto_exec_decode(uint8_t *blob, size_t len, struct proto_exec *e);
void proto_exec_free(struct proto_exec *e);

#endif
