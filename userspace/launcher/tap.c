// SPDX-License-Identifier: GPL-2.0
/*
 * --junit: read the command's stdout as TAP or KTAP while it streams past
 * (the launcher writes it out unchanged) and turn it into JUnit XML, one
 * test case per result. Nesting is by indentation (KTAP and TAP 14
 * subtests, four spaces) and by kselftest's runner, which prefixes each
 * test binary's own TAP with "# ". Comment lines around a result become
 * the diagnostics of a failure. When the stream ends, tests planned but
 * not run are errors, saying why. The stream is the guest's, so untrusted:
 * lines, depth, names, diagnostics and test counts are all bounded (tap.h)
 * and everything is made valid XML on the way out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tap.h"

enum tap_kind { TAP_PASS, TAP_FAIL, TAP_SKIP, TAP_TODO, TAP_ERROR };

struct tap_case {
	int suite;
	int kind;
	uint32_t name, msg, diag;	/* offsets into the arena, 0 for none */
	long long ms;
};

struct tap_suite {
	uint32_t name;
	int parent;			/* -1 for a top-level one */
	int top;
};

/* A buffer of diagnostic lines, at most TAP_DIAG_MAX bytes. */
struct tap_diag {
	size_t len;
	char buf[TAP_DIAG_MAX];
};

struct tap_level {
	char prefix;			/* its lines start with 4 spaces (' ') or "# " */
	int suite;
	long long planned;		/* -1 until a plan line */
	long long seen;			/* results at this level */
	unsigned long long cases, bad;	/* cases at and below it, failed ones */
	int open_case;			/* its last failed case, taking diagnostics */
	struct tap_diag open_diag;
	struct tap_diag diag;		/* since its last result */
	char subname[TAP_NAME_MAX + 1];	/* "# Subtest:" for its next child */
};

struct tap {
	char name[TAP_NAME_MAX + 1];
	char line[TAP_LINE_MAX];
	size_t len;
	int overlong;
	struct tap_level lv[TAP_MAX_DEPTH];
	int depth;			/* deepest open level, -1 outside a document */
	int docs;
	int bailed;			/* after "Bail out!", only a version line */
	long long last_ms;
	struct tap_case *cases;
	size_t ncases, cap_cases;
	struct tap_suite *suites;
	size_t nsuites, cap_suites;
	char *arena;
	size_t arena_len, arena_cap;
	struct tap_counts c;
};

/* Room for one more element in a growing array, up to max; 0 or -1. */
static int tap_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t max)
{
	size_t want;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	want = *cap ? *cap * 2 : 64;
	if (want > max)
		want = max;
	p = realloc(*(void **)arr, want * elem);
	if (!p)
		return -1;
	*(void **)arr = p;
	*cap = want;
	return 0;
}

/* Keep n bytes (NUL made '?') in the arena: their offset, 0 if full. */
static uint32_t tap_store(struct tap *t, const char *s, size_t n)
{
	size_t want, i, off;
	char *p;

	if (!n)
		return 0;
	if (t->arena_len + n + 1 > TAP_ARENA_MAX)
		return 0;
	if (t->arena_len + n + 1 > t->arena_cap) {
		want = t->arena_cap ? t->arena_cap : 4096;
		while (want < t->arena_len + n + 1)
			want *= 2;
		if (want > TAP_ARENA_MAX)
			want = TAP_ARENA_MAX;
		p = realloc(t->arena, want);
		if (!p)
			return 0;
		t->arena = p;
		t->arena_cap = want;
	}
	off = t->arena_len;
	for (i = 0; i < n; i++)
		t->arena[off + i] = s[i] ? s[i] : '?';
	t->arena[off + n] = 0;
	t->arena_len += n + 1;
	return (uint32_t)off;
}

static const char *tap_str(const struct tap *t, uint32_t off)
{
	return off ? t->arena + off : "";
}

static void tap_diag_add(struct tap_diag *d, const char *s, size_t n)
{
	size_t room = sizeof(d->buf) - d->len;

	if (room < 2)
		return;
	if (n > room - 1)
		n = room - 1;
	memcpy(d->buf + d->len, s, n);
	d->len += n;
	d->buf[d->len++] = '\n';
}

static int tap_suite_new(struct tap *t, int parent, const char *name,
			 size_t n)
{
	struct tap_suite *s;

	if (tap_grow(&t->suites, &t->cap_suites, t->nsuites, sizeof(*s),
		     TAP_MAX_SUITES))
		return parent >= 0 ? parent : (int)t->nsuites - 1;
	s = &t->suites[t->nsuites];
	s->name = tap_store(t, name, n);
	s->parent = parent;
	s->top = parent >= 0 ? t->suites[parent].top : (int)t->nsuites;
	return (int)t->nsuites++;
}

/* A failed case stops taking diagnostics: they go into the arena. */
static void tap_commit_open(struct tap *t, struct tap_level *l)
{
	struct tap_case *c;

	if (l->open_case >= 0 && l->open_diag.len) {
		c = &t->cases[l->open_case];
		if (!c->diag)
			c->diag = tap_store(t, l->open_diag.buf,
					    l->open_diag.len);
	}
	l->open_case = -1;
	l->open_diag.len = 0;
}

/* One result at level k: counted, and listed while there is room. */
static void tap_add_case(struct tap *t, int k, int kind, const char *name,
			 size_t nlen, const char *msg, size_t mlen,
			 const struct tap_diag *diag, long long now)
{
	struct tap_level *l = &t->lv[k];
	struct tap_case *c;
	int i;

	switch (kind) {
	case TAP_PASS:
		t->c.passed++;
		break;
	case TAP_FAIL:
		t->c.failed++;
		break;
	case TAP_ERROR:
		t->c.errors++;
		break;
	default:
		t->c.skipped++;
	}
	for (i = 0; i <= k; i++) {
		t->lv[i].cases++;
		if (kind == TAP_FAIL || kind == TAP_ERROR)
			t->lv[i].bad++;
	}
	tap_commit_open(t, l);
	if (l->suite < 0 || tap_grow(&t->cases, &t->cap_cases, t->ncases,
				     sizeof(*c), TAP_MAX_CASES)) {
		t->c.omitted++;
		return;
	}
	c = &t->cases[t->ncases];
	c->suite = l->suite;
	c->kind = kind;
	c->name = tap_store(t, name, nlen > TAP_NAME_MAX ? TAP_NAME_MAX : nlen);
	c->msg = tap_store(t, msg, mlen > TAP_NAME_MAX ? TAP_NAME_MAX : mlen);
	c->diag = 0;
	if (diag && diag->len && (kind == TAP_FAIL || kind == TAP_ERROR))
		c->diag = tap_store(t, diag->buf, diag->len);
	c->ms = now > t->last_ms ? now - t->last_ms : 0;
	t->last_ms = now;
	if (kind == TAP_FAIL || kind == TAP_ERROR) {
		/* Test::More prints its diagnostics after the result. */
		l->open_case = (int)t->ncases;
		if (c->diag)
			l->open_case = -1;
	}
	t->ncases++;
}

static void tap_level_init(struct tap *t, int k, char prefix, int suite)
{
	struct tap_level *l = &t->lv[k];

	l->prefix = prefix;
	l->suite = suite;
	l->planned = -1;
	l->seen = 0;
	l->cases = 0;
	l->bad = 0;
	l->open_case = -1;
	l->open_diag.len = 0;
	l->diag.len = 0;
	l->subname[0] = 0;
}

/* Level k ends without a result line of its parent: the rest are errors. */
static void tap_level_finish(struct tap *t, int k, const char *why,
			     long long now)
{
	struct tap_level *l = &t->lv[k];
	char name[32];
	long long i;

	tap_commit_open(t, l);
	for (i = l->seen; i < l->planned; i++) {
		snprintf(name, sizeof(name), "test %lld", i + 1);
		/* the lines before the end are the one that was running's */
		tap_add_case(t, k, TAP_ERROR, name, strlen(name), why,
			     strlen(why), i == l->seen ? &l->diag : NULL, now);
	}
	if (l->seen < l->planned)
		l->seen = l->planned;
	tap_commit_open(t, l);
}

/*
 * Close the levels below keep (a document when keep is -1). A child that
 * ends here, not by its parent's result, still takes one of the parent's
 * planned places: an error when it listed nothing itself.
 */
static void tap_close(struct tap *t, int keep, const char *why, long long now)
{
	struct tap_level *p;
	char name[32];

	while (t->depth > keep) {
		tap_level_finish(t, t->depth, why, now);
		if (t->depth > 0) {
			p = &t->lv[t->depth - 1];
			if (!t->lv[t->depth].cases) {
				snprintf(name, sizeof(name), "test %lld",
					 p->seen + 1);
				tap_add_case(t, t->depth - 1, TAP_ERROR, name,
					     strlen(name), why, strlen(why),
					     &t->lv[t->depth].diag, now);
			}
			p->seen++;
		}
		t->depth--;
	}
}

static void tap_doc_open(struct tap *t, long long now)
{
	char name[TAP_NAME_MAX + 16];
	int n;

	t->docs++;
	if (t->docs > 1)
		n = snprintf(name, sizeof(name), "%s #%d", t->name, t->docs);
	else
		n = snprintf(name, sizeof(name), "%s", t->name);
	t->depth = 0;
	tap_level_init(t, 0, 0, tap_suite_new(t, -1, name, (size_t)n));
	t->last_ms = now;
}

static int tap_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && !memcmp(s, p, k);
}

enum tap_line_kind { L_OTHER, L_VERSION, L_PLAN, L_RESULT, L_BAIL,
		     L_SUBTEST, L_COMMENT, L_YAML };

/* A plan "1..N": N, or -1 when it is not one we take. */
static long long tap_plan(const char *s, size_t n)
{
	long long v = 0;
	size_t i;

	if (!tap_prefix(s, n, "1..") || n == 3)
		return -1;
	for (i = 3; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > TAP_MAX_PLAN)
			return -1;
	}
	if (i == 3 || (i < n && s[i] != ' ' && s[i] != '\t'))
		return -1;
	return v;
}

static int tap_classify(const char *s, size_t n)
{
	if (tap_prefix(s, n, "TAP version ") || tap_prefix(s, n, "KTAP version "))
		return L_VERSION;
	if (tap_plan(s, n) >= 0)
		return L_PLAN;
	if ((tap_prefix(s, n, "ok") && (n == 2 || s[2] == ' ' || s[2] == '\t')) ||
	    (tap_prefix(s, n, "not ok") &&
	     (n == 6 || s[6] == ' ' || s[6] == '\t')))
		return L_RESULT;
	if (tap_prefix(s, n, "Bail out!"))
		return L_BAIL;
	if (tap_prefix(s, n, "# Subtest:"))
		return L_SUBTEST;
	if (tap_prefix(s, n, "#"))
		return L_COMMENT;
	if (tap_prefix(s, n, "  "))
		return L_YAML;
	return L_OTHER;
}

/* Does s open a level: is it TAP once the prefix is gone? */
static int tap_opens(const char *s, size_t n)
{
	int k = tap_classify(s, n);

	return k == L_VERSION || k == L_PLAN || k == L_RESULT || k == L_SUBTEST;
}

static void tap_trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int tap_word(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && !strncasecmp(s, w, k) &&
	       (n == k || s[k] == ' ' || s[k] == '\t' || s[k] == ':');
}

/* "ok 3 - name # SKIP why" at level k; closing a child if one is open. */
static void tap_result(struct tap *t, int k, const char *s, size_t n,
		       long long now)
{
	struct tap_level *l = &t->lv[k], *child = NULL;
	const char *desc, *dir = NULL;
	size_t dlen, dirlen = 0, i;
	int kind = s[0] == 'n' ? TAP_FAIL : TAP_PASS;
	char num[32], name[TAP_NAME_MAX + 1], why[TAP_NAME_MAX + 32];
	unsigned long long children = 0, children_bad = 0;
	size_t nlen = 0;

	desc = s + (kind == TAP_FAIL ? 6 : 2);
	dlen = n - (size_t)(desc - s);
	tap_trim(&desc, &dlen);
	num[0] = 0;
	for (i = 0; i < dlen && i < sizeof(num) - 1 && desc[i] >= '0' &&
		    desc[i] <= '9'; i++)
		num[i] = desc[i];
	if (i && (i == dlen || desc[i] == ' ' || desc[i] == '\t')) {
		num[i] = 0;
		desc += i;
		dlen -= i;
	} else {
		num[0] = 0;
	}
	tap_trim(&desc, &dlen);
	if (dlen && desc[0] == '-' && (dlen == 1 || desc[1] == ' ')) {
		desc++;
		dlen--;
		tap_trim(&desc, &dlen);
	}
	/* The description ends at the first '#' not escaped as "\#". */
	for (i = 0; i < dlen; i++) {
		if (desc[i] == '\\' && i + 1 < dlen && desc[i + 1] == '#') {
			if (nlen < TAP_NAME_MAX)
				name[nlen++] = '#';
			i++;
			continue;
		}
		if (desc[i] == '#') {
			dir = desc + i + 1;
			dirlen = dlen - i - 1;
			tap_trim(&dir, &dirlen);
			break;
		}
		if (nlen < TAP_NAME_MAX)
			name[nlen++] = desc[i];
	}
	while (nlen && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
		nlen--;
	if (dir && tap_word(dir, dirlen, "SKIP"))
		kind = TAP_SKIP;
	else if (dir && (tap_word(dir, dirlen, "SKIPPED")))
		kind = TAP_SKIP;
	else if (dir && tap_word(dir, dirlen, "TODO"))
		kind = kind == TAP_FAIL ? TAP_TODO : TAP_PASS;
	if (!nlen) {
		nlen = (size_t)snprintf(name, sizeof(name), "test %s",
					num[0] ? num : "");
		if (!num[0])
			nlen = (size_t)snprintf(name, sizeof(name), "test %lld",
						l->seen + 1);
	}
	if (t->depth > k) {
		/* The result of the subtest that just ended, maybe saying why. */
		snprintf(why, sizeof(why), "planned but not run%s%.*s",
			 kind == TAP_FAIL && dir ? ": " : "",
			 kind == TAP_FAIL && dir ? (int)dirlen : 0, dir ? dir : "");
		tap_close(t, k + 1, why, now);
		child = &t->lv[k + 1];
		tap_level_finish(t, k + 1, why, now);
		children = child->cases;
		children_bad = child->bad;
		if (child->suite >= 0 && child->suite != l->suite &&
		    !t->suites[child->suite].name)
			t->suites[child->suite].name = tap_store(t, name, nlen);
		t->depth = k;
	}
	l->seen++;
	/* A subtest that listed its own results is not a case itself... */
	if (children && (kind != TAP_FAIL || children_bad))
		goto out;
	/* ...unless it failed with no failure inside. */
	tap_add_case(t, k, kind, name, nlen, dir ? dir : "", dir ? dirlen : 0,
		     child && child->diag.len ? &child->diag : &l->diag, now);
out:
	l->diag.len = 0;
}

static void tap_open_child(struct tap *t, char prefix)
{
	struct tap_level *p = &t->lv[t->depth];
	int suite;

	suite = tap_suite_new(t, p->suite, p->subname, strlen(p->subname));
	p->subname[0] = 0;
	t->depth++;
	tap_level_init(t, t->depth, prefix, suite);
}

/* The body of a line at level k (the level's prefix stripped). */
static void tap_body(struct tap *t, int k, const char *s, size_t n,
		     long long now)
{
	struct tap_level *l = &t->lv[k];
	char why[TAP_NAME_MAX + 1];
	const char *v;
	size_t vn;
	long long plan;

	switch (tap_classify(s, n)) {
	case L_VERSION:
		if (k == 0 && (l->seen || l->planned >= 0 || t->depth)) {
			tap_close(t, -1, "planned but not run", now);
			tap_doc_open(t, now);
		}
		return;
	case L_PLAN:
		plan = tap_plan(s, n);
		if (l->planned < 0) {
			tap_close(t, k, "planned but not run", now);
			l->planned = plan;
		}
		return;
	case L_RESULT:
		tap_result(t, k, s, n, now);
		return;
	case L_BAIL:
		vn = n < TAP_NAME_MAX ? n : TAP_NAME_MAX;
		memcpy(why, s, vn);
		why[vn] = 0;
		tap_close(t, -1, why, now);
		t->bailed = 1;
		return;
	case L_SUBTEST:
		v = s + 10;
		vn = n - 10;
		tap_trim(&v, &vn);
		if (vn > TAP_NAME_MAX)
			vn = TAP_NAME_MAX;
		if (k > 0 && k == t->depth && !l->seen && l->planned < 0 &&
		    l->suite >= 0 && !t->suites[l->suite].name) {
			t->suites[l->suite].name = tap_store(t, v, vn);
			return;
		}
		memcpy(l->subname, v, vn);
		l->subname[vn] = 0;
		return;
	case L_COMMENT:
		/* kselftest's runner: a test binary's TAP as comments */
		if (k == 0 && t->depth == 0 && TAP_MAX_DEPTH > 1 &&
		    tap_prefix(s, n, "# ") && tap_opens(s + 2, n - 2) &&
		    tap_classify(s + 2, n - 2) != L_SUBTEST) {
			tap_open_child(t, '#');
			tap_body(t, 1, s + 2, n - 2, now);
			return;
		}
		break;
	case L_YAML:
		/* KTAP and TAP 14 subtests: four spaces deeper */
		if (k == t->depth && k + 1 < TAP_MAX_DEPTH &&
		    tap_prefix(s, n, "    ") && tap_opens(s + 4, n - 4)) {
			tap_open_child(t, ' ');
			tap_body(t, k + 1, s + 4, n - 4, now);
			return;
		}
		break;
	default:
		return;
	}
	/* Diagnostics: for the next result, and the last failure's. */
	tap_diag_add(&l->diag, s, n);
	if (l->open_case >= 0)
		tap_diag_add(&l->open_diag, s, n);
}

static void tap_line(struct tap *t, const char *s, size_t n, long long now)
{
	int k;

	if (n && s[n - 1] == '\r')
		n--;
	if (t->depth < 0) {
		int kind = tap_classify(s, n);

		if (kind != L_VERSION &&
		    (t->bailed || (kind != L_PLAN && kind != L_RESULT)))
			return; /* not TAP: output before the first document */
		t->bailed = 0;
		tap_doc_open(t, now);
	}
	for (k = 0; k < t->depth; k++) {
		if (t->lv[k + 1].prefix == ' ' && tap_prefix(s, n, "    ")) {
			s += 4;
			n -= 4;
		} else if (t->lv[k + 1].prefix == '#' && tap_prefix(s, n, "# ")) {
			s += 2;
			n -= 2;
		} else if (t->lv[k + 1].prefix == '#' && n == 1 && s[0] == '#') {
			s++;
			n--;
		} else {
			break;
		}
	}
	tap_body(t, k, s, n, now);
}

void tap_feed(struct tap *t, const void *buf, size_t len, long long now_ms)
{
	const char *p = buf, *nl;
	size_t n, take;

	if (!t)
		return;
	while (len) {
		nl = memchr(p, '\n', len);
		n = nl ? (size_t)(nl - p) : len;
		if (!t->overlong) {
			take = n;
			if (take > sizeof(t->line) - t->len)
				take = sizeof(t->line) - t->len;
			memcpy(t->line + t->len, p, take);
			t->len += take;
			if (take < n)
				t->overlong = 1; /* the rest is dropped */
		}
		if (!nl)
			return;
		tap_line(t, t->line, t->len, now_ms);
		t->len = 0;
		t->overlong = 0;
		p = nl + 1;
		len -= n + 1;
	}
}

void tap_end(struct tap *t, const char *why, long long now_ms)
{
	unsigned long long errors;

	if (!t)
		return;
	if (t->len || t->overlong) {
		tap_line(t, t->line, t->len, now_ms);
		t->len = 0;
		t->overlong = 0;
	}
	if (t->depth < 0)
		return;
	errors = t->c.errors;
	tap_close(t, -1, why ? why : "planned but not run", now_ms);
	/* Cut short with no plan to say what is missing: say so once. */
	if (why && t->c.errors == errors && t->lv[0].planned < 0)
		tap_add_case(t, 0, TAP_ERROR, "the run ended early", 19, why,
			     strlen(why), &t->lv[0].diag, now_ms);
}

struct tap *tap_new(const char *name)
{
	struct tap *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	snprintf(t->name, sizeof(t->name), "%s", name && *name ? name : "tap");
	t->depth = -1;
	/* Offset 0 means "none": keep one byte there. */
	t->arena = malloc(4096);
	if (!t->arena) {
		free(t);
		return NULL;
	}
	t->arena_cap = 4096;
	t->arena[0] = 0;
	t->arena_len = 1;
	return t;
}

void tap_free(struct tap *t)
{
	if (!t)
		return;
	free(t->cases);
	free(t->suites);
	free(t->arena);
	free(t);
}

void tap_get_counts(const struct tap *t, struct tap_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (t)
		*c = t->c;
}

/* Length of the valid UTF-8 sequence XML allows at s, or 0. */
static size_t tap_utf8(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

/* s as XML text (attr: inside an attribute), whatever bytes it holds. */
static void tap_xml(FILE *f, const char *str, int attr)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	while (*s) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs(attr ? "&quot;" : "\"", f);
			break;
		case '\n':
			fputs(attr ? "&#10;" : "\n", f);
			break;
		case '\t':
			fputs(attr ? "&#9;" : "\t", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fputc('?', f);
				break;
			}
			n = tap_utf8(s);
			if (!n) {
				fputc('?', f);
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
}

/* The class of a case: its suites below the top one, joined by '.'. */
static void tap_xml_class(const struct tap *t, FILE *f, int suite)
{
	int path[TAP_MAX_DEPTH], n = 0;

	while (suite >= 0 && t->suites[suite].parent >= 0 && n < TAP_MAX_DEPTH) {
		path[n++] = suite;
		suite = t->suites[suite].parent;
	}
	if (!n)
		tap_xml(f, tap_str(t, t->suites[suite].name), 1);
	while (n--) {
		tap_xml(f, *tap_str(t, t->suites[path[n]].name) ?
				   tap_str(t, t->suites[path[n]].name) : "?", 1);
		if (n)
			fputc('.', f);
	}
}

static void tap_xml_case(const struct tap *t, FILE *f,
			 const struct tap_case *c)
{
	static const char *const tag[] = { "", "failure", "skipped", "skipped",
					   "error" };

	fputs("    <testcase classname=\"", f);
	tap_xml_class(t, f, c->suite);
	fputs("\" name=\"", f);
	tap_xml(f, tap_str(t, c->name), 1);
	fprintf(f, "\" time=\"%lld.%03lld\"", c->ms / 1000, c->ms % 1000);
	if (c->kind == TAP_PASS) {
		fputs("/>\n", f);
		return;
	}
	fprintf(f, ">\n      <%s message=\"", tag[c->kind]);
	/* a TODO is a skip with its reason: "TODO why" (the directive's
	 * own word, once) */
	if (c->kind == TAP_TODO &&
	    (!c->msg || strncasecmp(tap_str(t, c->msg), "TODO", 4)))
		fputs("TODO ", f);
	tap_xml(f, c->msg ? tap_str(t, c->msg) :
		c->kind == TAP_FAIL ? "not ok" : "", 1);
	if (c->diag) {
		fputs("\">", f);
		tap_xml(f, tap_str(t, c->diag), 0);
		fprintf(f, "</%s>\n", tag[c->kind]);
	} else {
		fputs("\"/>\n", f);
	}
	fputs("    </testcase>\n", f);
}

int tap_write_junit(const struct tap *t, FILE *f)
{
	unsigned long long k[5] = { 0 }, all[5] = { 0 };
	long long ms, all_ms = 0;
	size_t i, j, end;
	int top;

	for (i = 0; i < t->ncases; i++) {
		all[t->cases[i].kind]++;
		all_ms += t->cases[i].ms;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"umlrun\" tests=\"%zu\" failures=\"%llu\" errors=\"%llu\" skipped=\"%llu\" time=\"%lld.%03lld\">\n",
		t->ncases, all[TAP_FAIL], all[TAP_ERROR],
		all[TAP_SKIP] + all[TAP_TODO], all_ms / 1000, all_ms % 1000);
	/* A document's cases come together, in order: one suite each. */
	for (i = 0; i < t->ncases; i = end) {
		top = t->suites[t->cases[i].suite].top;
		memset(k, 0, sizeof(k));
		ms = 0;
		for (end = i; end < t->ncases &&
			      t->suites[t->cases[end].suite].top == top; end++) {
			k[t->cases[end].kind]++;
			ms += t->cases[end].ms;
		}
		fputs("  <testsuite name=\"", f);
		tap_xml(f, tap_str(t, t->suites[top].name), 1);
		fprintf(f, "\" tests=\"%zu\" failures=\"%llu\" errors=\"%llu\" skipped=\"%llu\" time=\"%lld.%03lld\">\n",
			end - i, k[TAP_FAIL], k[TAP_ERROR],
			k[TAP_SKIP] + k[TAP_TODO], ms / 1000, ms % 1000);
		if (t->c.omitted && end == t->ncases)
			fprintf(f, "    <properties><property name=\"umlrun.omitted\" value=\"%llu\"/></properties>\n",
				t->c.omitted);
		for (j = i; j < end; j++)
			tap_xml_case(t, f, &t->cases[j]);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return ferror(f) ? -EIO : 0;
}
