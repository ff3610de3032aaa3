// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the wire protocol (userspace/shared/proto.c), run under ASan
 * and UBSan: every frame type round-trips, the incremental decoder yields the
 * same frames whatever the split of the byte stream, malformed headers are
 * refused, each direction's validator accepts exactly the legal frames,
 * and the exec blob survives encode/decode while every malformed blob is
 * rejected. A fixed-seed fuzz loop ends it. Payloads handed to the
 * validators and blobs handed to the decoder sit in buffers of their exact
 * size, so any over-read is an ASan report.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "util.h"
#include "tap.h"

/* --- helpers --------------------------------------------------------- */

static uint64_t rng_state = 0x5eed5eed12345678ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t rng_below(uint32_t n)
{
	return n ? rng() % n : 0;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		printf("Bail out! out of memory\n");
		exit(255);
	}
	return p;
}

/* A copy of n bytes in a buffer of exactly n bytes. */
static uint8_t *exact_copy(const void *p, size_t n)
{
	uint8_t *q = xmalloc(n);

	if (n)
		memcpy(q, p, n);
	return q;
}

struct frame {
	unsigned int type;
	unsigned int flags;
	uint32_t len;
	uint8_t *payload;	/* our own copy */
};

struct frames {
	struct frame *f;
	size_t n, cap;
	int err;		/* first error from the decoder, or 0 */
	int bad;		/* an invariant of proto_reader_feed broke */
};

static void frames_add(struct frames *fs, unsigned int type,
		       unsigned int flags, const void *payload, uint32_t len)
{
	struct frame *f;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 16;
		fs->f = realloc(fs->f, fs->cap * sizeof(*fs->f));
		if (!fs->f) {
			printf("Bail out! out of memory\n");
			exit(255);
		}
	}
	f = &fs->f[fs->n++];
	f->type = type;
	f->flags = flags;
	f->len = len;
	f->payload = exact_copy(payload, len);
}

static void frames_free(struct frames *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		free(fs->f[i].payload);
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}

static int frames_equal(const struct frames *a, const struct frames *b)
{
	size_t i;

	if (a->n != b->n || a->err != b->err)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->f[i].type != b->f[i].type ||
		    a->f[i].flags != b->f[i].flags ||
		    a->f[i].len != b->f[i].len ||
		    (a->f[i].len && memcmp(a->f[i].payload, b->f[i].payload,
					   a->f[i].len)))
			return 0;
	}
	return 1;
}

/*
 * Feed one chunk to the reader, recording every frame, and check the
 * contract of proto_reader_feed on every call.
 */
static void feed_chunk(struct proto_reader *r, const uint8_t *p, size_t len,
		       struct frames *fs)
{
	struct proto_frame f;
	size_t off = 0, used, calls = 0;
	int ret;

	while (!fs->err) {
		used = (size_t)-1;
		ret = proto_reader_feed(r, p ? p + off : p, len - off, &used,
					&f);
		if (used > len - off || ++calls > len + 2) {
			fs->bad = 1;
			fs->err = -EFAULT;
			return;
		}
		off += used;
		if (ret < 0) {
			if (ret != -EBADMSG && ret != -EMSGSIZE)
				fs->bad = 1;
			fs->err = ret;
			return;
		}
		if (ret == 0) {
			if (off != len)
				fs->bad = 1;
			return;
		}
		if (ret != 1 || f.len > PROTO_MAX_PAYLOAD ||
		    f.payload != r->buf + PROTO_HDR_SIZE || f.type > 255 ||
		    f.flags > 255) {
			fs->bad = 1;
			fs->err = -EFAULT;
			return;
		}
		frames_add(fs, f.type, f.flags, f.payload, f.len);
		if (off == len)
			return;
	}
}

/* Decode a whole stream cut at the given offsets (sorted). */
static void decode_split(const uint8_t *p, size_t len, const size_t *cuts,
			 size_t ncuts, struct frames *fs)
{
	static struct proto_reader r;
	size_t i, start = 0;

	proto_reader_init(&r);
	for (i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;

		feed_chunk(&r, p + start, end - start, fs);
		start = end;
	}
}

/* An encoded stream and the frames it holds. */
struct stream {
	uint8_t *buf;
	size_t len, cap;
	struct frames want;
};

static void stream_add(struct stream *s, unsigned int type,
		       unsigned int flags, const void *payload, uint32_t len)
{
	size_t n;

	if (s->len + PROTO_MAX_FRAME > s->cap) {
		s->cap = (s->cap + PROTO_MAX_FRAME) * 2;
		s->buf = realloc(s->buf, s->cap);
		if (!s->buf) {
			printf("Bail out! out of memory\n");
			exit(255);
		}
	}
	n = proto_encode(s->buf + s->len, s->cap - s->len, type, flags,
			 payload, len);
	s->len += n;
	frames_add(&s->want, type, flags, payload, len);
}

static void stream_free(struct stream *s)
{
	free(s->buf);
	frames_free(&s->want);
	memset(s, 0, sizeof(*s));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* One valid frame of every type, and a few empty ones. */
static void stream_every_type(struct stream *s)
{
	uint8_t v[8], err[4 + 9];

	put32(v, PROTO_VERSION);
	put32(v + 4, PROTO_MAX_PAYLOAD);
	stream_add(s, PROTO_HELLO, 0, v, 8);
	stream_add(s, PROTO_STDOUT, 0, "hello\n", 6);
	stream_add(s, PROTO_STDOUT, 0, NULL, 0);
	stream_add(s, PROTO_STDERR, 0, "oops\n", 5);
	put32(v, 2);
	stream_add(s, PROTO_CREDIT, 0, v, 4);
	put32(err, 127);
	memcpy(err + 4, "not found", 9);
	stream_add(s, PROTO_ERROR, 0, err, sizeof(err));
	put32(v, PROTO_SIGNALED);
	put32(v + 4, 9);
	stream_add(s, PROTO_EXIT, 0, v, 8);
	stream_add(s, PROTO_EXEC, 0, "\0\1\2\3\4", 5);
	stream_add(s, PROTO_EXEC, PROTO_F_LAST, "\xff", 1);
	stream_add(s, PROTO_EXEC, PROTO_F_LAST, NULL, 0);
	stream_add(s, PROTO_STDIN, 0, "input", 5);
	stream_add(s, PROTO_STDIN_EOF, 0, NULL, 0);
	put32(v, 2);
	stream_add(s, PROTO_OUT_CLOSED, 0, v, 4);
	put32(v, 15);
	stream_add(s, PROTO_SIGNAL, 0, v, 4);
	put32(v, 24);
	put32(v + 4, 80);
	stream_add(s, PROTO_WINSIZE, 0, v, 8);
	stream_add(s, 0xff, 0xff, "\0", 1);
}

/* --- encoding ---------------------------------------------------------- */

static void test_encode(void)
{
	uint8_t buf[PROTO_MAX_FRAME + 16], pay[PROTO_MAX_PAYLOAD + 1];
	uint8_t want[PROTO_HDR_SIZE] = { 0x45, 0x55, 17, 0x01, 3, 0, 0, 0 };

	memset(pay, 'p', sizeof(pay));
	is_int(proto_encode(buf, sizeof(buf), PROTO_STDIN, PROTO_F_LAST,
			    "abc", 3), 11, "encode returns header + payload");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	is_mem(buf, PROTO_HDR_SIZE, want, sizeof(want),
	       "header: magic \"EU\", type, flags, little-endian length");
#else
	ok(1, "header layout checked on little-endian hosts only # SKIP");
#endif
	is_mem(buf + PROTO_HDR_SIZE, 3, "abc", 3, "payload follows the header");
	is_int(proto_encode(buf, 10, PROTO_STDIN, 0, "abc", 3), 0,
	       "encode refuses a buffer one byte short");
	is_int(proto_encode(buf, 11, PROTO_STDIN, 0, "abc", 3), 11,
	       "encode fits a buffer of the exact size");
	is_int(proto_encode(buf, 7, PROTO_STDIN_EOF, 0, NULL, 0), 0,
	       "encode refuses a buffer smaller than the header");
	is_int(proto_encode(buf, 8, PROTO_STDIN_EOF, 0, NULL, 0), 8,
	       "empty payload encodes to the bare header");
	is_int(proto_encode(buf, sizeof(buf), PROTO_STDOUT, 0, pay,
			    PROTO_MAX_PAYLOAD), PROTO_MAX_FRAME,
	       "encode takes the maximum payload");
	is_int(proto_encode(buf, sizeof(buf), PROTO_STDOUT, 0, pay,
			    PROTO_MAX_PAYLOAD + 1), 0,
	       "encode refuses a payload over the maximum");
	is_int(proto_encode_u32(buf, PROTO_CREDIT, 0x01020304), 12,
	       "encode_u32 is 12 bytes");
	is_int(proto_get_u32(buf + 4), 4, "encode_u32 length field is 4");
	is_int(proto_get_u32(buf + 8), 0x01020304, "encode_u32 value");
	is_int(proto_encode_u32x2(buf, PROTO_EXIT, 1, 0xfffffffe), 16,
	       "encode_u32x2 is 16 bytes");
	ok(proto_get_u32(buf + 8) == 1 && proto_get_u32(buf + 12) == 0xfffffffe,
	   "encode_u32x2 values in order");
	put32(buf + 1, 0xdeadbeef);
	is_int(proto_get_u32(buf + 1), 0xdeadbeef,
	       "get_u32 reads an unaligned word");
	proto_put_hdr(buf, 0x1ff, 0x2fe, 5);
	ok(buf[2] == 0xff && buf[3] == 0xfe,
	   "put_hdr keeps the low byte of type and flags");
}

/* --- decoding ---------------------------------------------------------- */

static void test_roundtrip(void)
{
	struct stream s = { 0 };
	struct frames got = { 0 };
	size_t i;

	stream_every_type(&s);
	for (i = 0; i < s.want.n; i++) {
		struct stream one = { 0 };
		const struct frame *w = &s.want.f[i];

		stream_add(&one, w->type, w->flags, w->payload, w->len);
		decode_split(one.buf, one.len, NULL, 0, &got);
		ok(got.n == 1 && !got.err && !got.bad &&
		   frames_equal(&got, &one.want),
		   "type %u, flags %#x, %u bytes round-trips", w->type,
		   w->flags, w->len);
		frames_free(&got);
		stream_free(&one);
	}
	stream_free(&s);
}

/* Whether off is within 40 bytes of the start or end of a frame. */
static int near_boundary(const struct stream *s, size_t off)
{
	size_t i, at = 0;

	for (i = 0; i <= s->want.n; i++) {
		if (off + 40 > at && off < at + 40)
			return 1;
		if (i < s->want.n)
			at += PROTO_HDR_SIZE + s->want.f[i].len;
	}
	return 0;
}

static void test_max_frame(void)
{
	static uint8_t pay[PROTO_MAX_PAYLOAD];
	struct stream s = { 0 };
	struct frames got = { 0 };
	size_t i, cut, bad = 0;

	for (i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)(i * 7 + i / 251);
	stream_add(&s, PROTO_STDOUT, 0, "a", 1);
	stream_add(&s, PROTO_STDOUT, 0, pay, PROTO_MAX_PAYLOAD);
	stream_add(&s, PROTO_STDERR, 0, pay, PROTO_MAX_PAYLOAD);
	stream_add(&s, PROTO_EXIT, 0, "\0\0\0\0\0\0\0\0", 8);

	decode_split(s.buf, s.len, NULL, 0, &got);
	ok(!got.bad && frames_equal(&got, &s.want),
	   "maximum-size frames decode in one piece");
	frames_free(&got);

	{
		static struct proto_reader r;

		proto_reader_init(&r);
		for (i = 0; i < s.len; i++)
			feed_chunk(&r, s.buf + i, 1, &got);
	}
	ok(!got.bad && frames_equal(&got, &s.want),
	   "maximum-size frames decode one byte at a time");
	frames_free(&got);

	/* Cuts at every offset near a frame boundary, sampled in between. */
	for (cut = 0; cut <= s.len; cut += near_boundary(&s, cut) ? 1 : 997) {
		decode_split(s.buf, s.len, &cut, 1, &got);
		if (got.bad || !frames_equal(&got, &s.want))
			bad++;
		frames_free(&got);
	}
	is_int(bad, 0, "maximum-size frames decode whatever the cut");
	stream_free(&s);
}

static void test_splits(void)
{
	struct stream s = { 0 };
	struct frames got = { 0 };
	size_t i, j, cuts[2], bad = 0, n = 0;

	stream_every_type(&s);

	decode_split(s.buf, s.len, NULL, 0, &got);
	ok(!got.bad && frames_equal(&got, &s.want),
	   "a stream of %zu frames (%zu bytes) decodes in one piece", s.want.n,
	   s.len);
	frames_free(&got);

	{
		static struct proto_reader r;

		proto_reader_init(&r);
		for (i = 0; i < s.len; i++)
			feed_chunk(&r, s.buf + i, 1, &got);
	}
	ok(!got.bad && frames_equal(&got, &s.want),
	   "the same stream decodes one byte at a time");
	frames_free(&got);

	for (i = 0; i <= s.len; i++) {
		decode_split(s.buf, s.len, &i, 1, &got);
		if (got.bad || !frames_equal(&got, &s.want))
			bad++;
		frames_free(&got);
	}
	is_int(bad, 0, "split in two at each of the %zu offsets", s.len + 1);

	bad = 0;
	for (i = 0; i <= s.len; i++) {
		for (j = i; j <= s.len; j++) {
			cuts[0] = i;
			cuts[1] = j;
			decode_split(s.buf, s.len, cuts, 2, &got);
			if (got.bad || !frames_equal(&got, &s.want))
				bad++;
			frames_free(&got);
			n++;
		}
	}
	is_int(bad, 0, "split in three at each of the %zu pairs of offsets",
	       n);
	stream_free(&s);
}

static void test_empty_frames(void)
{
	static struct proto_reader r;
	struct proto_frame f;
	uint8_t buf[3 * PROTO_HDR_SIZE];
	size_t used = 99;
	int ret;

	proto_reader_init(&r);
	ret = proto_reader_feed(&r, NULL, 0, &used, &f);
	ok(ret == 0 && used == 0, "feeding nothing yields nothing");

	proto_put_hdr(buf, PROTO_STDOUT, 0, 0);
	proto_put_hdr(buf + 8, PROTO_STDIN_EOF, 0, 0);
	proto_put_hdr(buf + 16, PROTO_EXEC, PROTO_F_LAST, 0);
	ret = proto_reader_feed(&r, buf, sizeof(buf), &used, &f);
	ok(ret == 1 && used == 8 && f.type == PROTO_STDOUT && f.len == 0,
	   "empty STDOUT completes with its header");
	ret = proto_reader_feed(&r, buf + 8, 16, &used, &f);
	ok(ret == 1 && used == 8 && f.type == PROTO_STDIN_EOF && f.len == 0,
	   "empty STDIN_EOF follows");
	ret = proto_reader_feed(&r, buf + 16, 8, &used, &f);
	ok(ret == 1 && used == 8 && f.type == PROTO_EXEC &&
	   f.flags == PROTO_F_LAST && f.len == 0,
	   "empty last EXEC chunk follows");
	ret = proto_reader_feed(&r, buf, 0, &used, &f);
	ok(ret == 0 && used == 0, "and then the reader wants more");
	ret = proto_reader_feed(&r, buf, 7, &used, &f);
	ok(ret == 0 && used == 7, "seven header bytes are not a frame");
	ret = proto_reader_feed(&r, buf + 7, 1, &used, &f);
	ok(ret == 1 && used == 1 && f.len == 0 && f.type == PROTO_STDOUT,
	   "the eighth completes it");
}

static void test_bad_headers(void)
{
	static struct proto_reader r;
	struct proto_frame f;
	struct frames got = { 0 };
	uint8_t buf[64];
	size_t used, i;
	int ret;

	for (i = 0; i < 3; i++) {
		proto_put_hdr(buf, PROTO_STDOUT, 0, 1);
		if (i != 1)
			buf[0] ^= 0x20;
		if (i != 0)
			buf[1] ^= 0x01;
		buf[8] = 'x';
		proto_reader_init(&r);
		ret = proto_reader_feed(&r, buf, 9, &used, &f);
		ok(ret == -EBADMSG && used <= 9,
		   "bad magic (%s) is -EBADMSG",
		   i == 0 ? "first byte" : i == 1 ? "second byte" : "both");
	}
	ret = proto_reader_feed(&r, buf, 9, &used, &f);
	is_int(ret, -EBADMSG, "the error sticks on the next call");
	proto_reader_init(&r);
	proto_put_hdr(buf, PROTO_STDOUT, 0, 1);
	ret = proto_reader_feed(&r, buf, 9, &used, &f);
	ok(ret == 1 && f.len == 1 && f.payload[0] == 'x',
	   "proto_reader_init recovers the reader");

	/* A good frame, then garbage: the good one comes out first. */
	proto_put_hdr(buf, PROTO_STDERR, 0, 2);
	memcpy(buf + 8, "ok", 2);
	memcpy(buf + 10, "GARBAGE!", 8);
	proto_reader_init(&r);
	feed_chunk(&r, buf, 18, &got);
	ok(got.n == 1 && got.err == -EBADMSG && !got.bad,
	   "a good frame before garbage is delivered, then -EBADMSG");
	frames_free(&got);

	for (i = 0; i < 5; i++) {
		static const uint32_t lens[] = {
			PROTO_MAX_PAYLOAD + 1, PROTO_MAX_PAYLOAD + 8,
			1u << 30, 0x80000000u, 0xffffffffu,
		};

		proto_put_hdr(buf, PROTO_STDOUT, 0, lens[i]);
		proto_reader_init(&r);
		ret = proto_reader_feed(&r, buf, sizeof(buf), &used, &f);
		ok(ret == -EMSGSIZE && used <= sizeof(buf),
		   "length %u is -EMSGSIZE", lens[i]);
	}
	proto_put_hdr(buf, PROTO_STDOUT, 0, PROTO_MAX_PAYLOAD);
	proto_reader_init(&r);
	ret = proto_reader_feed(&r, buf, sizeof(buf), &used, &f);
	ok(ret == 0 && used == sizeof(buf),
	   "length PROTO_MAX_PAYLOAD is accepted and waits for its payload");

	/* The oversized header is refused before its payload arrives. */
	proto_put_hdr(buf, PROTO_STDOUT, 0, 1u << 30);
	proto_reader_init(&r);
	for (i = 0, ret = 0; i < 8 && ret == 0; i++)
		ret = proto_reader_feed(&r, buf + i, 1, &used, &f);
	ok(ret == -EMSGSIZE && i == 8,
	   "oversized length refused as soon as the header is complete");
}

/* --- validation ------------------------------------------------------ */

struct check_case {
	unsigned int type;
	uint32_t len;
	uint32_t a, b;
	int want;
};

static const char *type_name(unsigned int t)
{
	switch (t) {
	case PROTO_HELLO: return "HELLO";
	case PROTO_STDOUT: return "STDOUT";
	case PROTO_STDERR: return "STDERR";
	case PROTO_EXIT: return "EXIT";
	case PROTO_ERROR: return "ERROR";
	case PROTO_CREDIT: return "CREDIT";
	case PROTO_EXEC: return "EXEC";
	case PROTO_STDIN: return "STDIN";
	case PROTO_STDIN_EOF: return "STDIN_EOF";
	case PROTO_OUT_CLOSED: return "OUT_CLOSED";
	case PROTO_SIGNAL: return "SIGNAL";
	case PROTO_WINSIZE: return "WINSIZE";
	}
	return "unknown";
}

static void run_checks(const struct check_case *c, size_t n, int from_guest)
{
	struct proto_frame f;
	uint8_t *p;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		p = xmalloc(c[i].len);
		memset(p, 'x', c[i].len);
		if (c[i].len >= 4)
			put32(p, c[i].a);
		if (c[i].len >= 8)
			put32(p + 4, c[i].b);
		f.type = c[i].type;
		f.flags = 0;
		f.len = c[i].len;
		f.payload = p;
		ret = from_guest ? proto_check_from_guest(&f) :
				   proto_check_from_host(&f);
		is_int(ret, c[i].want, "%s %s (type %u), %u bytes, (%u, %u): %s",
		       from_guest ? "guest" : "host", type_name(c[i].type),
		       c[i].type, c[i].len, c[i].len >= 4 ? c[i].a : 0,
		       c[i].len >= 8 ? c[i].b : 0,
		       c[i].want ? "rejected" : "accepted");
		free(p);
	}
}

#define ACC 0
#define REJ (-EPROTO)
#define WIN PROTO_STDIN_WINDOW

static void test_check_from_guest(void)
{
	static const struct check_case c[] = {
		{ PROTO_HELLO, 8, PROTO_VERSION, PROTO_MAX_PAYLOAD, ACC },
		{ PROTO_HELLO, 0, 0, 0, REJ },
		{ PROTO_HELLO, 4, 1, 0, REJ },
		{ PROTO_HELLO, 7, 1, 0, REJ },
		{ PROTO_HELLO, 9, 1, 1, REJ },
		{ PROTO_HELLO, 16, 1, 1, REJ },
		{ PROTO_STDOUT, 0, 0, 0, ACC },
		{ PROTO_STDOUT, 1, 0, 0, ACC },
		{ PROTO_STDOUT, PROTO_MAX_PAYLOAD, 0, 0, ACC },
		{ PROTO_STDERR, 0, 0, 0, ACC },
		{ PROTO_STDERR, PROTO_MAX_PAYLOAD, 0, 0, ACC },
		{ PROTO_EXIT, 8, PROTO_EXITED, 0, ACC },
		{ PROTO_EXIT, 8, PROTO_EXITED, 1, ACC },
		{ PROTO_EXIT, 8, PROTO_EXITED, 255, ACC },
		{ PROTO_EXIT, 8, PROTO_EXITED, 256, REJ },
		{ PROTO_EXIT, 8, PROTO_EXITED, 0xffffffff, REJ },
		{ PROTO_EXIT, 8, PROTO_SIGNALED, 0, REJ },
		{ PROTO_EXIT, 8, PROTO_SIGNALED, 1, ACC },
		{ PROTO_EXIT, 8, PROTO_SIGNALED, 9, ACC },
		{ PROTO_EXIT, 8, PROTO_SIGNALED, 64, ACC },
		{ PROTO_EXIT, 8, PROTO_SIGNALED, 127, ACC },
		{ PROTO_EXIT, 8, PROTO_SIGNALED, 128, REJ },
		{ PROTO_EXIT, 8, PROTO_SIGNALED, 0xffffffff, REJ },
		{ PROTO_EXIT, 8, 2, 0, REJ },
		{ PROTO_EXIT, 8, 0xffffffff, 0, REJ },
		{ PROTO_EXIT, 0, 0, 0, REJ },
		{ PROTO_EXIT, 4, PROTO_EXITED, 0, REJ },
		{ PROTO_EXIT, 7, PROTO_EXITED, 0, REJ },
		{ PROTO_EXIT, 9, PROTO_EXITED, 0, REJ },
		{ PROTO_EXIT, 12, PROTO_EXITED, 0, REJ },
		{ PROTO_ERROR, 0, 0, 0, REJ },
		{ PROTO_ERROR, 3, 0, 0, REJ },
		{ PROTO_ERROR, 4, 1, 0, ACC },
		{ PROTO_ERROR, 4, 125, 0, ACC },
		{ PROTO_ERROR, 4, 255, 0, ACC },
		{ PROTO_ERROR, 4, 0, 0, REJ },
		{ PROTO_ERROR, 4, 256, 0, REJ },
		{ PROTO_ERROR, 4, 0xffffffff, 0, REJ },
		{ PROTO_ERROR, 20, 127, 0x78787878, ACC },
		{ PROTO_ERROR, 20, 0, 0x78787878, REJ },
		{ PROTO_ERROR, 4 + PROTO_MAX_ERRMSG, 125, 0x78787878, ACC },
		{ PROTO_ERROR, 5 + PROTO_MAX_ERRMSG, 125, 0x78787878, REJ },
		{ PROTO_ERROR, PROTO_MAX_PAYLOAD, 125, 0x78787878, REJ },
		{ PROTO_CREDIT, 4, 0, 0, REJ },
		{ PROTO_CREDIT, 4, 1, 0, ACC },
		{ PROTO_CREDIT, 4, 65536, 0, ACC },
		{ PROTO_CREDIT, 4, WIN, 0, ACC },
		{ PROTO_CREDIT, 4, WIN + 1, 0, REJ },
		{ PROTO_CREDIT, 4, 0x80000000, 0, REJ },
		{ PROTO_CREDIT, 4, 0xffffffff, 0, REJ },
		{ PROTO_CREDIT, 0, 0, 0, REJ },
		{ PROTO_CREDIT, 3, 0, 0, REJ },
		{ PROTO_CREDIT, 5, 1, 0, REJ },
		{ PROTO_CREDIT, 8, 1, 0, REJ },
		/* Host-to-guest types and unknown ones. */
		{ PROTO_EXEC, 0, 0, 0, REJ },
		{ PROTO_EXEC, 8, 0, 0, REJ },
		{ PROTO_STDIN, 4, 0, 0, REJ },
		{ PROTO_STDIN_EOF, 0, 0, 0, REJ },
		{ PROTO_OUT_CLOSED, 4, 1, 0, REJ },
		{ PROTO_SIGNAL, 4, 15, 0, REJ },
		{ PROTO_WINSIZE, 8, 24, 80, REJ },
		{ 0, 0, 0, 0, REJ },
		{ 0, 8, 0, 0, REJ },
		{ 7, 0, 0, 0, REJ },
		{ 7, 8, 0, 0, REJ },
		{ 15, 4, 1, 0, REJ },
		{ 22, 4, 1, 0, REJ },
		{ 128, 0, 0, 0, REJ },
		{ 255, 8, 0, 0, REJ },
		{ 256 + PROTO_STDOUT, 1, 0, 0, REJ },
	};

	run_checks(c, ARRAY_SIZE(c), 1);
}

static void test_check_from_host(void)
{
	static const struct check_case c[] = {
		{ PROTO_EXEC, 0, 0, 0, ACC },
		{ PROTO_EXEC, 1, 0, 0, ACC },
		{ PROTO_EXEC, PROTO_MAX_PAYLOAD, 0, 0, ACC },
		{ PROTO_STDIN, 1, 0, 0, ACC },
		{ PROTO_STDIN, PROTO_MAX_PAYLOAD, 0, 0, ACC },
		{ PROTO_STDIN_EOF, 0, 0, 0, ACC },
		{ PROTO_STDIN_EOF, 1, 0, 0, REJ },
		{ PROTO_STDIN_EOF, 4, 0, 0, REJ },
		{ PROTO_OUT_CLOSED, 4, 1, 0, ACC },
		{ PROTO_OUT_CLOSED, 4, 2, 0, ACC },
		{ PROTO_OUT_CLOSED, 4, 0, 0, REJ },
		{ PROTO_OUT_CLOSED, 4, 3, 0, REJ },
		{ PROTO_OUT_CLOSED, 4, 0xffffffff, 0, REJ },
		{ PROTO_OUT_CLOSED, 0, 0, 0, REJ },
		{ PROTO_OUT_CLOSED, 3, 0, 0, REJ },
		{ PROTO_OUT_CLOSED, 8, 1, 0, REJ },
		{ PROTO_SIGNAL, 4, 1, 0, ACC },
		{ PROTO_SIGNAL, 4, 9, 0, ACC },
		{ PROTO_SIGNAL, 4, 15, 0, ACC },
		{ PROTO_SIGNAL, 4, 64, 0, ACC },
		{ PROTO_SIGNAL, 4, 0, 0, REJ },
		{ PROTO_SIGNAL, 4, 65, 0, REJ },
		{ PROTO_SIGNAL, 4, 0xffffffff, 0, REJ },
		{ PROTO_SIGNAL, 0, 0, 0, REJ },
		{ PROTO_SIGNAL, 5, 15, 0, REJ },
		{ PROTO_SIGNAL, 8, 15, 0, REJ },
		{ PROTO_WINSIZE, 8, 24, 80, ACC },
		{ PROTO_WINSIZE, 8, 0, 0, ACC },
		{ PROTO_WINSIZE, 8, 0xffff, 0xffff, ACC },
		{ PROTO_WINSIZE, 8, 0x10000, 80, REJ },
		{ PROTO_WINSIZE, 8, 24, 0x10000, REJ },
		{ PROTO_WINSIZE, 8, 0xffffffff, 0xffffffff, REJ },
		{ PROTO_WINSIZE, 0, 0, 0, REJ },
		{ PROTO_WINSIZE, 4, 24, 0, REJ },
		{ PROTO_WINSIZE, 7, 24, 0, REJ },
		{ PROTO_WINSIZE, 9, 24, 80, REJ },
		{ PROTO_WINSIZE, 12, 24, 80, REJ },
		/* Guest-to-host types and unknown ones. */
		{ PROTO_HELLO, 8, PROTO_VERSION, PROTO_MAX_PAYLOAD, REJ },
		{ PROTO_STDOUT, 1, 0, 0, REJ },
		{ PROTO_STDERR, 1, 0, 0, REJ },
		{ PROTO_EXIT, 8, 0, 0, REJ },
		{ PROTO_ERROR, 4, 1, 0, REJ },
		{ PROTO_CREDIT, 4, 1, 0, REJ },
		{ 0, 0, 0, 0, REJ },
		{ 8, 4, 1, 0, REJ },
		{ 15, 0, 0, 0, REJ },
		{ 22, 4, 1, 0, REJ },
		{ 22, 8, 24, 80, REJ },
		{ 255, 0, 0, 0, REJ },
		{ 256 + PROTO_EXEC, 1, 0, 0, REJ },
	};

	run_checks(c, ARRAY_SIZE(c), 0);
}

/* --- the exec blob --------------------------------------------------- */

/* Decode a copy of blob in an exact-size buffer; 0 or the error. */
static int decode_copy(const uint8_t *blob, size_t len, struct proto_exec *e,
		       uint8_t **copy)
{
	int ret;

	*copy = exact_copy(blob, len);
	ret = proto_exec_decode(*copy, len, e);
	if (ret && (e->argv || e->envp))
		ret = -EFAULT; /* a failed decode must not leave allocations */
	return ret;
}

static int strvec_same(char *const *a, char *const *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (strcmp(a[i], b[i]))
			return 0;
	return b[n] == NULL;
}

static int exec_same(const struct proto_exec *a, const struct proto_exec *b)
{
	return a->flags == b->flags && a->uid == b->uid && a->gid == b->gid &&
	       a->ngroups == b->ngroups && a->argc == b->argc &&
	       a->envc == b->envc &&
	       (!a->ngroups ||
		!memcmp(a->groups, b->groups, (size_t)a->ngroups * 4)) &&
	       !strcmp(a->cwd, b->cwd) && strvec_same(a->argv, b->argv, a->argc) &&
	       strvec_same(a->envp, b->envp, a->envc);
}

/* Encode, decode, compare, re-encode: the blob is canonical. */
static void exec_roundtrip(const struct proto_exec *e, const char *what)
{
	struct proto_exec d;
	uint8_t *blob = NULL, *copy, *again = NULL;
	size_t len = 0, len2 = 0;
	int ret;

	ret = proto_exec_encode(e, &blob, &len);
	if (!is_int(ret, 0, "%s: encodes", what))
		return;
	ret = decode_copy(blob, len, &d, &copy);
	if (is_int(ret, 0, "%s: decodes (%zu bytes)", what, len)) {
		ok(exec_same(e, &d), "%s: decodes to the same fields", what);
		ret = proto_exec_encode(&d, &again, &len2);
		ok(!ret && len2 == len && !memcmp(blob, again, len),
		   "%s: re-encodes to the same bytes", what);
		free(again);
		proto_exec_free(&d);
		ok(!d.argv && !d.envp, "%s: proto_exec_free clears", what);
	}
	free(copy);
	free(blob);
}

static void test_exec_roundtrip(void)
{
	static char *argv1[] = { "true", NULL };
	static char *argv2[] = { "printf", "", "a b", "\xff\xfe\x80 not utf-8",
				 "tab\there", "new\nline", "$HOME*", "",
				 NULL };
	static char *env2[] = { "A=1", "EMPTY=", "B=x y", "=odd", "\x80=\xff",
				NULL };
	static const uint32_t groups2[] = { 1000, 27, 0, 0xffffffff };
	struct proto_exec e = { 0 };
	uint32_t *groups;
	char **env, *big;
	uint32_t i;

	e.cwd = "/";
	e.argv = argv1;
	e.argc = 1;
	exec_roundtrip(&e, "one argument, no env, no groups");

	e.flags = PROTO_EXEC_SET_IDS;
	e.uid = 1000;
	e.gid = 0xfffffffe;
	e.ngroups = 4;
	e.groups = groups2;
	e.argc = 8;
	e.argv = argv2;
	e.envc = 5;
	e.envp = env2;
	e.cwd = "/tmp/dir with space/\xc3\xa9";
	exec_roundtrip(&e, "empty, spaced, non-UTF-8 arguments, ids, groups");

	e.cwd = "";
	exec_roundtrip(&e, "empty cwd");

	/* A big environment: 20000 variables and one of 1 MiB. */
	env = xmalloc(20001 * sizeof(char *));
	for (i = 0; i < 20000; i++) {
		env[i] = xmalloc(32);
		snprintf(env[i], 32, "VAR%05u=value %u", i, i * 7);
	}
	big = xmalloc(1u << 20);
	memset(big, 'v', (1u << 20) - 1);
	memcpy(big, "BIG=", 4);
	big[(1u << 20) - 1] = 0;
	free(env[19999]);
	env[19999] = big;
	env[20000] = NULL;
	e.envp = env;
	e.envc = 20000;
	e.cwd = "/";
	exec_roundtrip(&e, "20000 variables, one of 1 MiB");

	/* The most groups. */
	groups = xmalloc((size_t)PROTO_MAX_GROUPS * 4);
	for (i = 0; i < PROTO_MAX_GROUPS; i++)
		groups[i] = i * 3;
	e.groups = groups;
	e.ngroups = PROTO_MAX_GROUPS;
	exec_roundtrip(&e, "PROTO_MAX_GROUPS groups");

	for (i = 0; i < 20000; i++)
		free(env[i]);
	free(env);
	free(groups);
}

static void test_exec_limits(void)
{
	static char *argv1[] = { "x", NULL };
	struct proto_exec e = { 0 }, d;
	uint8_t *blob = NULL, *copy;
	char *env[2] = { NULL, NULL };
	size_t len, fixed;
	char *big;
	int ret;

	e.cwd = "/";
	e.argv = argv1;
	e.argc = 0;
	is_int(proto_exec_encode(&e, &blob, &len), -EINVAL,
	       "encode refuses argc 0");
	e.argc = 1;
	e.ngroups = PROTO_MAX_GROUPS + 1;
	e.groups = NULL;
	is_int(proto_exec_encode(&e, &blob, &len), -EINVAL,
	       "encode refuses more than PROTO_MAX_GROUPS groups");
	e.ngroups = 0;

	/* One variable that makes the blob exactly PROTO_MAX_EXEC bytes. */
	fixed = 6 * 4 + 2 + 2;
	big = xmalloc(PROTO_MAX_EXEC);
	memset(big, 'b', PROTO_MAX_EXEC - 1);
	memcpy(big, "B=", 2);
	big[PROTO_MAX_EXEC - fixed - 1] = 0;
	env[0] = big;
	e.envp = env;
	e.envc = 1;
	blob = NULL;
	ret = proto_exec_encode(&e, &blob, &len);
	ok(ret == 0 && len == PROTO_MAX_EXEC,
	   "a blob of exactly PROTO_MAX_EXEC bytes encodes");
	if (!ret) {
		ret = decode_copy(blob, len, &d, &copy);
		ok(!ret && d.envc == 1 &&
		   strlen(d.envp[0]) == PROTO_MAX_EXEC - fixed - 1,
		   "and decodes");
		if (!ret)
			proto_exec_free(&d);
		free(copy);
		free(blob);
	}
	big[PROTO_MAX_EXEC - fixed - 1] = 'b';
	big[PROTO_MAX_EXEC - fixed] = 0;
	blob = NULL;
	is_int(proto_exec_encode(&e, &blob, &len), -E2BIG,
	       "one byte more is -E2BIG");
	ok(blob == NULL, "and allocates nothing");
	free(big);

	/* Decoding refuses a longer buffer without reading it. */
	copy = calloc(1, PROTO_MAX_EXEC + 1);
	if (copy) {
		put32(copy + 16, 1);
		is_int(proto_exec_decode(copy, PROTO_MAX_EXEC + 1, &d),
		       -EBADMSG, "decode refuses more than PROTO_MAX_EXEC bytes");
		free(copy);
	}
}

/* Set word i of the blob header. */
static void set_word(uint8_t *blob, int i, uint32_t v)
{
	put32(blob + 4 * i, v);
}

static void expect_bad(const uint8_t *blob, size_t len, const char *what)
{
	struct proto_exec d;
	uint8_t *copy;
	int ret;

	ret = decode_copy(blob, len, &d, &copy);
	is_int(ret, -EBADMSG, "decode rejects %s", what);
	if (!ret)
		proto_exec_free(&d);
	proto_exec_free(&d); /* harmless after a failure */
	free(copy);
}

static void test_exec_malformed(void)
{
	static char *argv[] = { "sh", "-c", "", "echo hi", NULL };
	static char *env[] = { "A=1", "B=", NULL };
	static const uint32_t groups[] = { 5, 6 };
	struct proto_exec e = { 0 }, d;
	uint8_t *blob, *copy, *m;
	size_t len, k, bad = 0;
	int ret;

	e.cwd = "/work";
	e.argv = argv;
	e.argc = 4;
	e.envp = env;
	e.envc = 2;
	e.groups = groups;
	e.ngroups = 2;
	if (proto_exec_encode(&e, &blob, &len)) {
		ok(0, "encode the sample blob");
		return;
	}
	m = xmalloc(len + 2);

	for (k = 0; k < len; k++) {
		ret = decode_copy(blob, k, &d, &copy);
		if (ret != -EBADMSG) {
			bad++;
			diag("length %zu of %zu: %d", k, len, ret);
			if (!ret)
				proto_exec_free(&d);
		}
		free(copy);
	}
	is_int(bad, 0, "every truncation (0 to %zu of %zu bytes) is rejected",
	       len - 1, len);

	memcpy(m, blob, len);
	m[len - 1] = 'x';
	expect_bad(m, len, "a last string without its NUL");
	memcpy(m, blob, len);
	for (k = 24 + 8; k < len; k++)
		if (!m[k])
			m[k] = '/';
	expect_bad(m, len, "strings without any NUL");
	memcpy(m, blob, len);
	memset(m + 24 + 8, 0, len - 24 - 8);
	expect_bad(m, len, "a string area of only NULs (more strings than counted)");

	memcpy(m, blob, len);
	m[len] = 'x';
	expect_bad(m, len + 1, "one byte of trailing garbage");
	m[len] = 0;
	expect_bad(m, len + 1, "a trailing NUL (an extra string)");

	memcpy(m, blob, len);
	set_word(m, 4, 0);
	expect_bad(m, len, "argc 0");
	set_word(m, 4, 5);
	expect_bad(m, len, "argc one too many");
	set_word(m, 4, 3);
	expect_bad(m, len, "argc one too few");
	set_word(m, 4, 0xffffffff);
	expect_bad(m, len, "argc 0xffffffff");
	set_word(m, 4, 0x80000000);
	set_word(m, 5, 0x80000000);
	expect_bad(m, len, "argc and envc of 2^31 (sum overflows 32 bits)");
	set_word(m, 4, 4);
	set_word(m, 5, 3);
	expect_bad(m, len, "envc one too many");
	set_word(m, 5, 1);
	expect_bad(m, len, "envc one too few");
	set_word(m, 5, 0xffffffff);
	expect_bad(m, len, "envc 0xffffffff");
	set_word(m, 5, 2);

	set_word(m, 3, 0xffffffff);
	expect_bad(m, len, "ngroups 0xffffffff");
	set_word(m, 3, PROTO_MAX_GROUPS + 1);
	expect_bad(m, len, "ngroups PROTO_MAX_GROUPS + 1");
	set_word(m, 3, PROTO_MAX_GROUPS);
	expect_bad(m, len, "ngroups PROTO_MAX_GROUPS in a short blob");
	set_word(m, 3, (uint32_t)(len - 24) / 4);
	expect_bad(m, len, "groups that fill the whole blob");
	set_word(m, 3, 4);
	expect_bad(m, len, "ngroups two too many (eats the cwd)");
	set_word(m, 3, 1);
	expect_bad(m, len, "ngroups one too few");
	set_word(m, 3, 2);

	ret = decode_copy(m, len, &d, &copy);
	ok(!ret, "the repaired blob decodes again");
	if (!ret)
		proto_exec_free(&d);
	free(copy);

	/* The decoder reads the header with memcpy: any alignment works. */
	memcpy(m + 1, blob, len);
	ret = proto_exec_decode(m + 1, len, &d);
	ok(!ret && d.argc == 4 && !strcmp(d.argv[3], "echo hi") &&
	   !strcmp(d.cwd, "/work"), "a blob at an odd address decodes");
	if (!ret)
		proto_exec_free(&d);

	free(m);
	free(blob);
}

/* --- fuzzing ------------------------------------------------------------ */

static const uint32_t interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 9, 127, 128, 255, 256, 65535, 65536, 65537,
	PROTO_STDIN_WINDOW, PROTO_STDIN_WINDOW + 1, PROTO_MAX_GROUPS,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};

static uint32_t rng_word(void)
{
	if (rng_below(2))
		return interesting[rng_below(ARRAY_SIZE(interesting))];
	return rng();
}

/*
 * Random streams of mostly valid frames, sometimes corrupted, fed in
 * random pieces. Uncorrupted streams must decode to exactly the frames
 * they were made of; every stream must keep the feed contract.
 */
static void fuzz_reader(void)
{
	static uint8_t pay[PROTO_MAX_PAYLOAD + 64];
	size_t iter, i, ncuts, cuts[16], bad = 0, mismatch = 0, frames = 0;
	size_t errors = 0;

	for (i = 0; i < sizeof(pay); i++)
		pay[i] = (uint8_t)rng();
	for (iter = 0; iter < 3000; iter++) {
		struct stream s = { 0 };
		struct frames got = { 0 };
		size_t nframes = 1 + rng_below(12), corrupt = 0;
		struct proto_frame f;

		for (i = 0; i < nframes; i++) {
			uint32_t len, r = rng_below(100);

			len = r < 60 ? rng_below(16) :
			      r < 95 ? rng_below(4096) :
				       rng_below(PROTO_MAX_PAYLOAD + 1);
			stream_add(&s, rng_below(256), rng_below(256),
				   pay + rng_below(64), len);
		}
		if (rng_below(4) == 0) {
			/* Flip, overwrite or drop bytes. */
			corrupt = 1 + rng_below(4);
			for (i = 0; i < corrupt && s.len; i++) {
				size_t at = rng_below((uint32_t)s.len);

				if (rng_below(2))
					s.buf[at] ^= (uint8_t)(1u << rng_below(8));
				else if (at + 4 <= s.len)
					put32(s.buf + at, rng_word());
				else
					s.len = at;
			}
		}
		ncuts = rng_below(16);
		for (i = 0; i < ncuts; i++)
			cuts[i] = rng_below((uint32_t)s.len + 1);
		/* Sort the cuts (insertion sort, they are few). */
		for (i = 1; i < ncuts; i++) {
			size_t v = cuts[i], j = i;

			while (j > 0 && cuts[j - 1] > v) {
				cuts[j] = cuts[j - 1];
				j--;
			}
			cuts[j] = v;
		}
		decode_split(s.buf, s.len, cuts, ncuts, &got);
		if (got.bad)
			bad++;
		if (got.err)
			errors++;
		if (!corrupt && !frames_equal(&got, &s.want))
			mismatch++;
		for (i = 0; i < got.n; i++) {
			int g, h;

			f.type = got.f[i].type;
			f.flags = got.f[i].flags;
			f.len = got.f[i].len;
			f.payload = got.f[i].payload;
			g = proto_check_from_guest(&f);
			h = proto_check_from_host(&f);
			if ((g && g != -EPROTO) || (h && h != -EPROTO) ||
			    (!g && !h))
				bad++;
		}
		frames += got.n;
		frames_free(&got);
		stream_free(&s);
	}
	is_int(bad, 0, "reader fuzz: the feed contract held (%zu frames, %zu streams ended in an error)",
	       frames, errors);
	is_int(mismatch, 0, "reader fuzz: intact streams decode to their frames");

	/* Pure noise, with the magic planted now and then. */
	bad = 0;
	for (iter = 0; iter < 3000; iter++) {
		static struct proto_reader r;
		struct frames got = { 0 };
		uint8_t noise[512];
		size_t n = rng_below(sizeof(noise) + 1), off = 0;

		for (i = 0; i < n; i++)
			noise[i] = (uint8_t)rng();
		for (i = 0; i + 8 <= n; i += 1 + rng_below(64)) {
			noise[i] = 0x45;
			noise[i + 1] = 0x55;
			if (rng_below(2))
				put32(noise + i + 4, rng_below(600));
		}
		proto_reader_init(&r);
		while (off < n && !got.err) {
			size_t piece = 1 + rng_below((uint32_t)(n - off));

			feed_chunk(&r, noise + off, piece, &got);
			off += piece;
		}
		if (got.bad)
			bad++;
		frames_free(&got);
	}
	is_int(bad, 0, "reader fuzz: random bytes never break the contract");
}

/* A random small but valid exec description, encoded. */
static int fuzz_exec_blob(uint8_t **blob, size_t *len)
{
	static char strs[8][16];
	char *argv[5], *envp[5];
	uint32_t groups[4];
	struct proto_exec e = { 0 };
	uint32_t i, j, n;

	for (i = 0; i < 8; i++) {
		n = rng_below(15);
		for (j = 0; j < n; j++)
			strs[i][j] = (char)(1 + rng_below(255));
		strs[i][n] = 0;
	}
	e.argc = 1 + rng_below(4);
	e.envc = rng_below(5);
	e.ngroups = rng_below(5);
	for (i = 0; i < e.argc; i++)
		argv[i] = strs[rng_below(8)];
	argv[e.argc] = NULL;
	for (i = 0; i < e.envc; i++)
		envp[i] = strs[rng_below(8)];
	envp[e.envc] = NULL;
	for (i = 0; i < e.ngroups; i++)
		groups[i] = rng();
	e.argv = argv;
	e.envp = envp;
	e.groups = groups;
	e.cwd = strs[rng_below(8)];
	e.flags = rng_below(2);
	e.uid = rng_word();
	e.gid = rng_word();
	return proto_exec_encode(&e, blob, len);
}

/* Every string the decoder hands out lies inside the blob. */
static int in_blob(const uint8_t *blob, size_t len, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;

	return p >= blob && p < blob + len &&
	       memchr(p, 0, len - (size_t)(p - blob));
}

static int decoded_sane(const uint8_t *blob, size_t len,
			const struct proto_exec *d)
{
	uint32_t i;

	if (!in_blob(blob, len, d->cwd) || d->argc < 1 ||
	    d->argv[d->argc] || d->envp[d->envc] ||
	    (const uint8_t *)d->groups != blob + 24)
		return 0;
	for (i = 0; i < d->argc; i++)
		if (!in_blob(blob, len, d->argv[i]))
			return 0;
	for (i = 0; i < d->envc; i++)
		if (!in_blob(blob, len, d->envp[i]))
			return 0;
	return 1;
}

static void fuzz_exec(void)
{
	size_t iter, i, bad = 0, accepted = 0, noncanon = 0;

	for (iter = 0; iter < 20000; iter++) {
		struct proto_exec d;
		uint8_t *blob, *m, *again;
		size_t len, mlen, len2;
		int ret;

		if (fuzz_exec_blob(&blob, &len)) {
			bad++;
			continue;
		}
		mlen = len;
		if (rng_below(8) == 0)
			mlen = rng_below((uint32_t)len + 1);
		else if (rng_below(8) == 0)
			mlen = len + 1 + rng_below(8);
		m = xmalloc(mlen);
		memcpy(m, blob, mlen < len ? mlen : len);
		for (i = len; i < mlen; i++)
			m[i] = (uint8_t)(rng_below(2) ? 0 : rng());
		switch (rng_below(4)) {
		case 0:
			break;
		case 1:
			if (mlen >= 24)
				put32(m + 4 * rng_below(6), rng_word());
			break;
		case 2:
			for (i = rng_below(4); i > 0 && mlen; i--)
				m[rng_below((uint32_t)mlen)] =
					(uint8_t)(rng_below(2) ? 0 : rng());
			break;
		default:
			if (mlen >= 24) {
				put32(m + 12, rng_below(6));
				put32(m + 16, rng_below(8));
				put32(m + 20, rng_below(8));
			}
			break;
		}
		ret = proto_exec_decode(m, mlen, &d);
		if (ret == 0) {
			accepted++;
			if (!decoded_sane(m, mlen, &d))
				bad++;
			/* Anything accepted is canonical: it re-encodes. */
			again = NULL;
			if (proto_exec_encode(&d, &again, &len2) ||
			    len2 != mlen || memcmp(again, m, mlen))
				noncanon++;
			free(again);
			proto_exec_free(&d);
		} else if (ret != -EBADMSG || d.argv || d.envp) {
			bad++;
		}
		free(m);
		free(blob);
	}
	is_int(bad, 0, "exec fuzz: 20000 mutated blobs give 0 or -EBADMSG, sane results (%zu accepted)",
	       accepted);
	is_int(noncanon, 0, "exec fuzz: every accepted blob re-encodes to itself");
}

int main(void)
{
	test_encode();
	test_roundtrip();
	test_splits();
	test_max_frame();
	test_empty_frames();
	test_bad_headers();
	test_check_from_guest();
	test_check_from_host();
	test_exec_roundtrip();
	test_exec_limits();
	test_exec_malformed();
	fuzz_reader();
	fuzz_exec();
	return done_testing();
}
