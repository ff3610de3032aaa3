// SPDX-License-Identifier: GPL-2.0
/*
 * The umlrun wire protocol: frame encoding, the incremental frame decoder,
 * per-direction frame validation and the exec blob. Linked into both the
 * host launcher and the static guest init, and unit-tested on the host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* Layout of the exec blob: six u32 words, the groups, then strings. */
#define EXEC_WORDS 6

uint32_t proto_get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void proto_put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

void proto_reader_init(struct proto_reader *r)
{
	r->have = 0;
	r->done = 0;
}

void proto_put_hdr(void *buf, unsigned int type, unsigned int flags,
		   uint32_t len)
{
	uint8_t *p = buf;
	uint16_t magic = PROTO_MAGIC;

	memcpy(p, &magic, sizeof(magic));
	p[2] = (uint8_t)type;
	p[3] = (uint8_t)flags;
	proto_put_u32(p + 4, len);
}

size_t proto_encode(void *buf, size_t cap, unsigned int type,
		    unsigned int flags, const void *payload, size_t len)
{
	if (len > PROTO_MAX_PAYLOAD || cap < PROTO_HDR_SIZE + len)
		return 0;
	proto_put_hdr(buf, type, flags, (uint32_t)len);
	if (len)
		memcpy((uint8_t *)buf + PROTO_HDR_SIZE, payload, len);
	return PROTO_HDR_SIZE + len;
}

size_t proto_encode_u32(void *buf, unsigned int type, uint32_t a)
{
	return proto_encode(buf, PROTO_HDR_SIZE + 4, type, 0, &a, 4);
}

size_t proto_encode_u32x2(void *buf, unsigned int type, uint32_t a,
			  uint32_t b)
{
	uint32_t v[2] = { a, b };

	return proto_encode(buf, PROTO_HDR_SIZE + 8, type, 0, v, 8);
}

static int proto_hdr_check(const uint8_t *p, uint32_t *len)
{
	uint16_t magic;

	memcpy(&magic, p, sizeof(magic));
	if (magic != PROTO_MAGIC)
		return -EBADMSG;
	*len = proto_get_u32(p + 4);
	if (*len > PROTO_MAX_PAYLOAD)
		return -EMSGSIZE;
	return 0;
}

int proto_reader_feed(struct proto_reader *r, const void *data, size_t len,
		      size_t *used, struct proto_frame *f)
{
	const uint8_t *in = data;
	uint32_t plen = 0;
	size_t want, n;
	int err;

	*used = 0;
	/* The frame handed out by the previous call is consumed now. */
	if (r->done) {
		r->done = 0;
		r->have = 0;
	}
	for (;;) {
		want = PROTO_HDR_SIZE;
		if (r->have >= PROTO_HDR_SIZE) {
			err = proto_hdr_check(r->buf, &plen);
			if (err)
				return err;
			want += plen;
			if (r->have == want)
				break;
		}
		if (*used == len)
			return 0;
		n = want - r->have;
		if (n > len - *used)
			n = len - *used;
		memcpy(r->buf + r->have, in + *used, n);
		r->have += n;
		*used += n;
	}
	r->done = 1;
	f->type = r->buf[2];
	f->flags = r->buf[3];
	f->len = plen;
	f->payload = r->buf + PROTO_HDR_SIZE;
	return 1;
}

int proto_check_from_guest(const struct proto_frame *f)
{
	uint32_t a, b;

	switch (f->type) {
	case PROTO_HELLO:
		return f->len == 8 ? 0 : -EPROTO;
	case PROTO_STDOUT:
	case PROTO_STDERR:
		return 0;
	case PROTO_EXIT:
		if (f->len != 8)
			return -EPROTO;
		a = proto_get_u32(f->payload);
		b = proto_get_u32(f->payload + 4);
		if (a == PROTO_EXITED && b <= 255)
			return 0;
		if (a == PROTO_SIGNALED && b >= 1 && b <= 127)
			return 0;
		return -EPROTO;
	case PROTO_ERROR:
		if (f->len < 4 || f->len > 4 + PROTO_MAX_ERRMSG)
			return -EPROTO;
		a = proto_get_u32(f->payload);
		return a >= 1 && a <= 255 ? 0 : -EPROTO;
	case PROTO_CREDIT:
		if (f->len != 4)
			return -EPROTO;
		a = proto_get_u32(f->payload);
		return a >= 1 && a <= PROTO_STDIN_WINDOW ? 0 : -EPROTO;
	}
	return -EPROTO;
}

int proto_check_from_host(const struct proto_frame *f)
{
	uint32_t a;

	switch (f->type) {
	case PROTO_EXEC:
	case PROTO_STDIN:
		return 0;
	case PROTO_STDIN_EOF:
		return f->len == 0 ? 0 : -EPROTO;
	case PROTO_OUT_CLOSED:
		if (f->len != 4)
			return -EPROTO;
		a = proto_get_u32(f->payload);
		return a == 1 || a == 2 ? 0 : -EPROTO;
	case PROTO_SIGNAL:
		if (f->len != 4)
			return -EPROTO;
		a = proto_get_u32(f->payload);
		return a >= 1 && a <= 64 ? 0 : -EPROTO;
	case PROTO_WINSIZE:
		if (f->len != 8)
			return -EPROTO;
		return proto_get_u32(f->payload) <= 0xffff &&
		       proto_get_u32(f->payload + 4) <= 0xffff ? 0 : -EPROTO;
	}
	return -EPROTO;
}

static size_t strvec_size(char *const *v, uint32_t n)
{
	size_t total = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		total += strlen(v[i]) + 1;
	return total;
}

static uint8_t *strvec_put(uint8_t *p, char *const *v, uint32_t n)
{
	size_t l;
	uint32_t i;

	for (i = 0; i < n; i++) {
		l = strlen(v[i]) + 1;
		memcpy(p, v[i], l);
		p += l;
	}
	return p;
}

/* The mount table: three strings (kind, src, dst) per entry. */
static size_t mounts_size(const struct proto_exec *e)
{
	size_t total = 0;
	uint32_t i;

	for (i = 0; i < e->nmounts; i++)
		total += strlen(e->mounts[i].kind) + strlen(e->mounts[i].src) +
			 strlen(e->mounts[i].dst) + 3;
	return total;
}

static void mounts_put(uint8_t *p, const struct proto_exec *e)
{
	char *s[3];
	uint32_t i;

	for (i = 0; i < e->nmounts; i++) {
		s[0] = (char *)e->mounts[i].kind;
		s[1] = (char *)e->mounts[i].src;
		s[2] = (char *)e->mounts[i].dst;
		p = strvec_put(p, s, 3);
	}
}

int proto_exec_encode(const struct proto_exec *e, uint8_t **blob,
		      size_t *len)
{
	uint32_t words[EXEC_WORDS] = { e->flags, e->uid, e->gid, e->ngroups,
				       e->argc, e->envc };
	size_t size;
	uint8_t *p;

	if (e->argc < 1 || e->ngroups > PROTO_MAX_GROUPS)
		return -EINVAL;
	if (e->nmounts)
		words[0] |= PROTO_EXEC_MOUNTS;
	else
		words[0] &= ~PROTO_EXEC_MOUNTS;
	size = sizeof(words) + (size_t)e->ngroups * 4 + strlen(e->cwd) + 1 +
	       strvec_size(e->argv, e->argc) + strvec_size(e->envp, e->envc) +
	       mounts_size(e);
	if (size > PROTO_MAX_EXEC)
		return -E2BIG;
	p = malloc(size);
	if (!p)
		return -ENOMEM;
	*blob = p;
	*len = size;
	memcpy(p, words, sizeof(words));
	p += sizeof(words);
	if (e->ngroups)
		memcpy(p, e->groups, (size_t)e->ngroups * 4);
	p += (size_t)e->ngroups * 4;
	memcpy(p, e->cwd, strlen(e->cwd) + 1);
	p += strlen(e->cwd) + 1;
	p = strvec_put(p, e->argv, e->argc);
	p = strvec_put(p, e->envp, e->envc);
	mounts_put(p, e);
	return 0;
}


/* Point v[0..n) at n NUL-terminated strings starting at *pos. */
static int strvec_take(uint8_t *blob, size_t len, size_t *pos, char **v,
		       uint32_t n)
{
	uint8_t *nul;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (*pos >= len)
			return -EBADMSG;
		nul = memchr(blob + *pos, 0, len - *pos);
		if (!nul)
			return -EBADMSG;
		v[i] = (char *)blob + *pos;
		*pos = (size_t)(nul - blob) + 1;
	}
	v[n] = NULL;
	return 0;
}

/* The rest of the blob from pos is the mount table: whole triples. */
static int mounts_take(uint8_t *blob, size_t len, size_t pos,
		       struct proto_exec *e)
{
	char *s[4];
	size_t n = 0, i;
	int err;

	for (i = pos; i < len; i++)
		n += blob[i] == 0;
	if (pos == len || blob[len - 1] || n % 3 || n / 3 > PROTO_MAX_MOUNTS)
		return -EBADMSG;
	e->nmounts = (uint32_t)(n / 3);
	e->mounts = calloc(e->nmounts, sizeof(*e->mounts));
	if (!e->mounts)
		return -ENOMEM;
	for (i = 0; i < e->nmounts; i++) {
		err = strvec_take(blob, len, &pos, s, 3);
		if (err)
			return err;
		e->mounts[i].kind = s[0];
		e->mounts[i].src = s[1];
		e->mounts[i].dst = s[2];
	}
	return 0;
}

int proto_exec_decode(uint8_t *blob, size_t len, struct proto_exec *e)
{
	uint32_t words[EXEC_WORDS];
	char *cwd[2] = { NULL, NULL };
	size_t pos, n;
	int err;

	memset(e, 0, sizeof(*e));
	if (len < sizeof(words) || len > PROTO_MAX_EXEC)
		return -EBADMSG;
	memcpy(words, blob, sizeof(words));
	e->flags = words[0];
	e->uid = words[1];
	e->gid = words[2];
	e->ngroups = words[3];
	e->argc = words[4];
	e->envc = words[5];
	pos = sizeof(words);
	if (e->ngroups > PROTO_MAX_GROUPS || e->argc < 1 ||
	    (size_t)e->ngroups * 4 > len - pos)
		return -EBADMSG;
	/* Every string takes at least one byte: bounds argc and envc. */
	n = len - pos - (size_t)e->ngroups * 4;
	if (e->argc > n || e->envc > n || (size_t)e->argc + e->envc + 1 > n)
		return -EBADMSG;
	e->groups = (const uint32_t *)(blob + pos);
	pos += (size_t)e->ngroups * 4;
	e->argv = calloc((size_t)e->argc + 1, sizeof(char *));
	e->envp = calloc((size_t)e->envc + 1, sizeof(char *));
	if (!e->argv || !e->envp) {
		proto_exec_free(e);
		return -ENOMEM;
	}
	err = strvec_take(blob, len, &pos, cwd, 1);
	e->cwd = cwd[0];
	if (!err)
		err = strvec_take(blob, len, &pos, e->argv, e->argc);
	if (!err)
		err = strvec_take(blob, len, &pos, e->envp, e->envc);
	if (!err && (e->flags & PROTO_EXEC_MOUNTS)) {
		err = mounts_take(blob, len, pos, e);
		pos = len;
	}
	if (!err && pos != len)
		err = -EBADMSG;
	if (err)
		proto_exec_free(e);
	return err;
}

void proto_exec_free(struct proto_exec *e)
{
	free(e->argv);
	free(e->envp);
	free(e->mounts);
	e->argv = NULL;
	e->envp = NULL;
	e->mounts = NULL;
	e->nmounts = 0;
}
