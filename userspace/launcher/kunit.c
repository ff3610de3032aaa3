// SPDX-License-Identifier: GPL-2.0
/*
 * --kunit [GLOB]: what kunit.py run --arch=um does, as a umlrun run. The
 * kernel is a variant of the run's series (or tree) with CONFIG_KUNIT and
 * the suites of the --kunitconfig files built in, merged as kunit.py
 * merges them and checked line by line as --kconfig's are; it boots with
 * kunit.filter_glob (and kunit.filter where the kernel has it), so the
 * suites run at boot, before umlinit, and print KTAP on the console. This
 * file takes that KTAP out of the console (kunit.py's rule: from the
 * "KTAP version" line, its printk prefix stripped, until the top-level
 * plan is done; then again for each module with suites, which prints a
 * document of its own when it loads), writes it to stdout (or, with --kunit-summary, a summary
 * as kunit.py prints it) and feeds the --junit reader (tap.c), whose
 * counts are the run's: --result-json's tests, JUnit, and the exit status
 * (1 when a test failed or crashed). The console is the guest's: lines,
 * names and diagnostics are bounded as tap.c bounds them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts.h"
#include "hostpath.h"
#include "kcmdline.h"
#include "kernels.h"
#include "kmodes.h"
#include "kunit.h"
#include "log.h"
#include "options.h"
#include "tap.h"
#include "util.h"

/* kunit.py's default kunitconfig (tools/testing/kunit/configs/default.config) */
static const char *const kunit_default[] = {
	"CONFIG_KUNIT=y",
	"CONFIG_KUNIT_EXAMPLE_TEST=y",
	"CONFIG_KUNIT_ALL_TESTS=y",
};

/* kunit.py's divider width (kunit_parser.py) */
#define KUNIT_DIVIDER 60
#define KUNIT_DIAG_MAX 4096

/* --- the kunitconfig files ---------------------------------------------- */

/* One option a kunitconfig sets: its name and value ("n" for not set). */
struct kunit_entry {
	char *name, *value;
	const char *file;
};

/* The source tree of the kernel o boots: --kernel-tree, or the series'
 * (its cached kernel names it), into out; 0 or -ENOENT. */
static int kunit_source_tree(const struct options *o, char *out, size_t len)
{
	char dir[PATH_MAX], src[PATH_MAX], obj[PATH_MAX];
	struct options series = *o;

	if (o->kernel_tree) {
		snprintf(out, len, "%s", o->kernel_tree);
		return 0;
	}
	series.n_kconfig = 0;
	series.n_flavour = 0;
	series.drop_kernel = 0;
	if (kernels_where(&series, dir, sizeof(dir)) ||
	    kernels_build_tree(dir, src, obj) || strlen(src) >= len)
		return -ENOENT;
	memcpy(out, src, strlen(src) + 1);
	return 0;
}

/*
 * A --kunitconfig argument, opened: a directory means its .kunitconfig; a
 * relative path not found here is the kernel's source tree's. What you
 * name is opened without following a link (it may lie where a guest
 * wrote, as every path umlrun opens; --follow-links follows them); the
 * source tree is the kernel cache's, or the --kernel-tree you build.
 */
static int kunit_open(const struct options *o, const char *arg, char **opened)
{
	char src[PATH_MAX], path[2 * PATH_MAX], why[PATH_MAX + 256];
	int have_src = -1, follow = o->follow_links, fd;
	struct stat st;

	snprintf(path, sizeof(path), "%s", arg);
	if (stat(path, &st) < 0 && errno == ENOENT && arg[0] != '/') {
		have_src = kunit_source_tree(o, src, sizeof(src));
		if (!have_src) {
			snprintf(path, sizeof(path), "%s/%s", src, arg);
			follow = 1;
		}
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    strlen(path) + sizeof("/.kunitconfig") < sizeof(path))
		strcat(path, "/.kunitconfig");
	fd = hostpath_open(path, O_RDONLY, follow, why, sizeof(why));
	if (fd < 0)
		die("--kunitconfig %s: %s%s%s%s", arg, why,
		    have_src == 0 ? " (here, nor in the kernel's source tree " : "",
		    have_src == 0 ? src : "", have_src == 0 ? ")" : "");
	*opened = strdup(path);
	if (!*opened)
		die("out of memory");
	return fd;
}

/* The options read so far, from all kunitconfigs. */
struct kunit_entries {
	const char *file;
	struct kunit_entry *e;
	size_t n;
};

/* One kunitconfig line: checked as a --kconfig fragment's, the option
 * merged (a second value for one is refused, as kunit.py refuses it). */
static void kunit_config_line(void *ctx, int lineno, char *l)
{
	struct kunit_entries *ke = ctx;
	const char *why = options_check_kconfig_line(l, 0);
	char *name, *value;
	size_t i;

	if (why)
		die("--kunitconfig %s:%d: '%s': %s", ke->file, lineno, l, why);
	if (*l == '#') {
		name = strndup(l + 2, strcspn(l + 2, " "));
		value = strdup("n");
	} else {
		name = strndup(l, strcspn(l, "="));
		value = strdup(strchr(l, '=') + 1);
	}
	if (!name || !value)
		die("out of memory");
	for (i = 0; i < ke->n; i++) {
		if (strcmp(ke->e[i].name, name))
			continue;
		if (strcmp(ke->e[i].value, value))
			die("--kunitconfig: %s=%s in %s and %s=%s in %s: one option, two values (kunit.py refuses it too)",
			    name, ke->e[i].value, ke->e[i].file, name, value,
			    ke->file);
		free(name);
		free(value);
		return;
	}
	ke->e = realloc(ke->e, (ke->n + 1) * sizeof(*ke->e));
	if (!ke->e)
		die("out of memory");
	ke->e[ke->n++] = (struct kunit_entry){ name, value, ke->file };
}

void kunit_prepare(struct plan *p)
{
	struct options *o = &p->o;
	struct kunit_entries ke = { 0 };
	struct kunit_entry *e;
	struct kconfig_opt *k;
	size_t n, nk = 0, i;
	char *line, *file;
	int fd;

	if (!o->kunit)
		return;
	for (i = 0; i < o->n_kunitconfig; i++) {
		fd = kunit_open(o, o->kunitconfig[i], &file);
		ke.file = file;
		options_each_fragment_line(fd, file, kunit_config_line, &ke);
	}
	e = ke.e;
	n = ke.n;
	k = calloc(n + ARRAY_SIZE(kunit_default) + o->n_kconfig + 1, sizeof(*k));
	if (!k)
		die("out of memory");
	/* KUnit itself first, then the suites, then the user's own lines
	 * (kunit.py's --kconfig_add comes after its kunitconfig too). The
	 * kunitconfigs' options go to the build as the lines read here: no
	 * file is read twice. */
	k[nk++] = (struct kconfig_opt){ 0, "CONFIG_KUNIT=y" };
	if (!o->n_kunitconfig)
		for (i = 1; i < ARRAY_SIZE(kunit_default); i++)
			k[nk++] = (struct kconfig_opt){ 0, kunit_default[i] };
	for (i = 0; i < n; i++) {
		if (asprintf(&line, "%s=%s", e[i].name, e[i].value) < 0)
			die("out of memory");
		k[nk++] = (struct kconfig_opt){ 0, line };
	}
	for (i = 0; i < o->n_kconfig; i++)
		k[nk++] = o->kconfig[i];
	free(o->kconfig);
	o->kconfig = k;
	o->n_kconfig = nk;
	/* the entries and lines live as long as the run */
	info("kunit: %zu option%s from %zu kunitconfig%s", n, n == 1 ? "" : "s",
	     o->n_kunitconfig, o->n_kunitconfig == 1 ? "" : "s");
}

/* --- the kernel command line -------------------------------------------- */

static char *kunit_param(const char *name, const char *val)
{
	char *s;

	for (const char *c = val; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '"')
			die("--kunit '%s': a control character or a double quote cannot go on the kernel command line",
			    val);
	if (asprintf(&s, strchr(val, ' ') ? "%s=\"%s\"" : "%s=%s", name, val) < 0)
		die("out of memory");
	return s;
}

int kunit_args(const struct options *o, const char *kernel, char **argv,
	       int n, int max)
{
	if (!o->kunit)
		return n;
	if (n + 4 > max)
		die("too many kernel parameters");
	argv[n++] = KCMD_KUNIT_ENABLE "=1";
	if (strcmp(o->kunit, "*"))
		argv[n++] = kunit_param(KCMD_KUNIT_GLOB, o->kunit);
	if (o->kunit_filter) {
		/* built-in module parameters are named "kunit.NAME\0" */
		if (kmodes_binary_has(kernel, KCMD_KUNIT_FILTER_ACTION) != 1)
			die("--kunit-filter: this kernel's KUnit has no attribute filters (they came in 6.6); use the glob");
		argv[n++] = kunit_param(KCMD_KUNIT_FILTER, o->kunit_filter);
		if (o->kunit_filter_action)
			argv[n++] = kunit_param(KCMD_KUNIT_FILTER_ACTION,
						o->kunit_filter_action);
	}
	return n;
}

/* --- the console's KTAP --------------------------------------------------- */

enum kunit_state { KUNIT_BEFORE, KUNIT_IN, KUNIT_DONE };

struct kunit_level {
	char subname[TAP_NAME_MAX + 1];	/* "# Subtest:" at this depth */
	int header;			/* its header was printed */
};

struct kunit {
	struct tap *tap;
	int summary;
	enum kunit_state state;
	size_t base;			/* the version line's indentation */
	long long top_plan, top_seen;
	char line[TAP_LINE_MAX];
	size_t len;
	int overlong;
	char executor[256];		/* "kunit executor: ..." seen before */
	struct kunit_level lv[TAP_MAX_DEPTH];
	char diag[KUNIT_DIAG_MAX];	/* lines since the last result */
	size_t diag_len;
	FILE *out;
};

void kunit_output(struct kunit *k, FILE *f)
{
	k->out = f;
}

struct kunit *kunit_new(const struct options *o, struct result *r)
{
	struct kunit *k;

	if (!o->kunit)
		return NULL;
	k = calloc(1, sizeof(*k));
	if (!k)
		die("out of memory");
	if (!r->tap) {
		r->tap = tap_new("kunit");
		if (!r->tap)
			die("out of memory");
	}
	k->tap = r->tap;
	k->summary = o->kunit_summary;
	k->top_plan = -1;
	k->out = stdout;
	/* before the command's own output, which is written with write(2) */
	setvbuf(stdout, NULL, _IOLBF, 0);
	r->kunit = k;
	return k;
}

/* Skip the printk prefixes ("[    0.123456] ", "[    T1] ") and the one
 * space after each. */
static const char *kunit_unprefix(const char *l)
{
	const char *end;
	int i;

	for (i = 0; i < 2 && *l == '['; i++) {
		end = strchr(l, ']');
		if (!end || end - l > 32 ||
		    strspn(l + 1, " 0123456789.TC") != (size_t)(end - l - 1))
			break;
		l = end + 1;
		if (*l == ' ')
			l++;
	}
	return l;
}

/* kunit.py's divider: message centred in '=' to KUNIT_DIVIDER. */
static void kunit_divider(struct kunit *k, const char *msg)
{
	int len = (int)strlen(msg), d = KUNIT_DIVIDER - len - 2, l1 = 3, l2 = 3;

	if (d > 0) {
		l1 = d / 2;
		l2 = d - l1;
	}
	fprintf(k->out, "%.*s %s %.*s\n", l1, "========================================",
		msg, l2, "========================================");
}

/* A result line: "ok N name # SKIP why" or "not ok N name"; its name and
 * status ("PASSED", "FAILED", "SKIPPED"), or 0 when it is none. */
static int kunit_result(const char *s, char *name, size_t len,
			const char **status)
{
	const char *p = s, *hash;
	int bad = 0;

	if (!strncmp(p, "not ok", 6)) {
		bad = 1;
		p += 6;
	} else if (!strncmp(p, "ok", 2)) {
		p += 2;
	} else {
		return 0;
	}
	if (*p != ' ' && *p)
		return 0;
	p += strspn(p, " ");
	p += strspn(p, "0123456789");
	p += strspn(p, " -");
	hash = strstr(p, " # ");
	snprintf(name, len, "%.*s", (int)(hash ? (size_t)(hash - p) : strlen(p)), p);
	*status = bad ? "FAILED" : "PASSED";
	if (hash && !strncasecmp(hash + 3, "SKIP", 4))
		*status = "SKIPPED";
	return 1;
}

/* --kunit-summary: one KTAP line (depth d, text s, the line l) as
 * kunit.py shows it. */
static void kunit_summarise(struct kunit *k, int d, const char *s, const char *l)
{
	struct kunit_level *lv = &k->lv[d];
	char name[TAP_NAME_MAX + 1], msg[TAP_NAME_MAX + 64];
	const char *status;
	size_t n;

	if (!strncmp(s, "# Subtest: ", 11)) {
		snprintf(lv->subname, sizeof(lv->subname), "%s", s + 11);
		return;
	}
	if (!strncmp(s, "KTAP version", 12) || !strncmp(s, "TAP version", 11))
		return;
	if (d > 0 && !strncmp(s, "1..", 3)) {
		/* kunit.py's print_test_header */
		if (!strtoll(s + 3, NULL, 10))
			snprintf(msg, sizeof(msg), "%s ", lv->subname);
		else
			snprintf(msg, sizeof(msg), "%s%s(%s subtest%s)", lv->subname,
				 lv->subname[0] ? " " : "", s + 3,
				 strcmp(s + 3, "1") ? "s" : "");
		kunit_divider(k, msg);
		lv->header = 1;
		return;
	}
	if (kunit_result(s, name, sizeof(name), &status)) {
		/* parameters have no plan: their header comes with the first */
		if (d > 0 && lv->subname[0] && !lv->header) {
			snprintf(msg, sizeof(msg), "%s ", lv->subname);
			kunit_divider(k, msg);
			lv->header = 1;
		}
		if (d + 1 < TAP_MAX_DEPTH && k->lv[d + 1].header) {
			k->lv[d + 1].header = 0;
			k->lv[d + 1].subname[0] = 0;
			snprintf(msg, sizeof(msg), "[%s] %s", status, name);
			kunit_divider(k, msg);
		} else {
			/* a failure's log: the lines since the last result */
			if (!strcmp(status, "FAILED") && k->diag_len)
				fwrite(k->diag, 1, k->diag_len, k->out);
			fprintf(k->out, "[%s] %s\n", status, name);
		}
		k->diag_len = 0;
		return;
	}
	if (d == 0 && *s == '#')
		return;	/* a suite's totals */
	n = strlen(l) + 5;
	if (k->diag_len + n < sizeof(k->diag))
		k->diag_len += (size_t)snprintf(k->diag + k->diag_len,
						sizeof(k->diag) - k->diag_len,
						"    %s\n", l + strspn(l, " "));
}

/* One line of the console (escaped, no newline). */
static void kunit_line(struct kunit *k, const char *raw)
{
	const char *l = kunit_unprefix(raw), *s;
	size_t ind;
	int d;

	s = l + strspn(l, " \t");
	if (k->state != KUNIT_IN) {
		/* the built-in suites' document, then one per module with
		 * suites (--load-module's, or one the command loads) */
		if (!strcmp(s, "KTAP version 1") || !strcmp(s, "TAP version 14") ||
		    !strcmp(s, "TAP version 13")) {
			k->state = KUNIT_IN;
			k->base = (size_t)(s - l);
			k->top_plan = -1;
			k->top_seen = 0;
			/* a module's suite before 6.3 (6.1) comes without the
			 * document around it: give it the one 6.3 on print */
			if (k->base >= 4) {
				k->base = 0;
				kunit_line(k, "KTAP version 1");
				kunit_line(k, "1..1");
			}
		} else if (!strncmp(s, "kunit executor: ", 16)) {
			snprintf(k->executor, sizeof(k->executor), "%s", s);
			return;
		} else {
			return;
		}
	}
	ind = strspn(l, " ");
	l += ind < k->base ? ind : k->base;
	ind = ind < k->base ? 0 : ind - k->base;
	if (!k->summary)
		fprintf(k->out, "%s\n", l);
	tap_feed(k->tap, l, strlen(l), result_now_ms());
	tap_feed(k->tap, "\n", 1, result_now_ms());
	d = (int)(ind / 4);
	if (k->summary && d < TAP_MAX_DEPTH)
		kunit_summarise(k, d, s, l);
	/* the top level: its plan, then as many results */
	if (ind == 0 && !strncmp(s, "1..", 3) && k->top_plan < 0)
		k->top_plan = strtoll(s + 3, NULL, 10);
	else if (ind == 0 && (!strncmp(s, "ok ", 3) || !strncmp(s, "not ok ", 7)))
		k->top_seen++;
	if (k->top_plan >= 0 && k->top_seen >= k->top_plan) {
		k->state = KUNIT_DONE;
		fflush(k->out);
	}
}

void kunit_feed(struct kunit *k, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			k->line[k->len] = 0;
			kunit_line(k, k->line);
			k->len = 0;
			k->overlong = 0;
		} else if (k->len < sizeof(k->line) - 1) {
			k->line[k->len++] = buf[i];
		} else {
			k->overlong = 1;	/* the rest of it is dropped */
		}
	}
}

/* "what: v" after the others, as kunit.py lists its counts (only those
 * that are not 0) */
static void kunit_count(char *buf, size_t len, size_t *n, unsigned long long v,
			const char *what)
{
	if (v && *n < len)
		*n += (size_t)snprintf(buf + *n, len - *n, "%s%s: %llu",
				       *n ? ", " : "", what, v);
}

int kunit_end(struct kunit *k, struct result *r, int status)
{
	struct tap_counts c;
	unsigned long long total;
	char counts[256];
	size_t n = 0;

	if (!k)
		return status;
	fflush(k->out);
	if (k->state == KUNIT_BEFORE) {
		if (status == EXIT_UMLRUN || status == EXIT_TIMEOUT)
			return status;
		warn("kunit: no KTAP on the console%s%s (is KUnit built in, and the suites' options?)",
		     k->executor[0] ? ": " : "", k->executor);
		if (!r->error[0])
			snprintf(r->error, sizeof(r->error), "kunit: no KTAP on the console");
		return EXIT_UMLRUN;
	}
	/* a kernel that died in the suites: what is left are errors */
	if (k->state == KUNIT_IN)
		tap_end(k->tap, r->error[0] ? r->error : "the KTAP stopped", result_now_ms());
	tap_get_counts(k->tap, &c);
	total = c.passed + c.failed + c.skipped + c.errors;
	if (k->summary) {
		fprintf(k->out, "%.*s\n", KUNIT_DIVIDER,
			"============================================================");
		kunit_count(counts, sizeof(counts), &n, c.passed, "passed");
		kunit_count(counts, sizeof(counts), &n, c.failed, "failed");
		kunit_count(counts, sizeof(counts), &n, c.errors, "crashed");
		kunit_count(counts, sizeof(counts), &n, c.skipped, "skipped");
		fprintf(k->out, "Testing complete. Ran %llu tests%s%s\n", total,
			n ? ": " : "", counts);
		fflush(k->out);
	}
	info("kunit: %llu tests: %llu passed, %llu failed, %llu crashed, %llu skipped",
	     total, c.passed, c.failed, c.errors, c.skipped);
	if (status == EXIT_UMLRUN || status == EXIT_TIMEOUT)
		return status;
	if (c.failed || c.errors)
		return 1;
	return status;
}
