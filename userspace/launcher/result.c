// SPDX-License-Identifier: GPL-2.0
/*
 * --result-json: the outcome of a run for machines. The schema
 * ("umlrun-result/1") is documented in docs/results.md; fields are only
 * added, never changed, within one schema version.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "hostpath.h"
#include "result.h"
#include "splat.h"
#include "util.h"

static FILE *junit_file;

/* --result-json's file, opened before the launcher is confined. */
static FILE *result_file;
static char result_release[128];

long long result_now_ms(void)
{
	return (long long)(mono_ns() / 1000000);
}

/* A JSON string (quoted, escaped) of s into out. */
void result_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* The kernel's release, as `linux --version` prints it. */
static void result_kernel_release(const char *kernel, char *out, size_t len)
{
	int pfd[2], status;
	ssize_t n = 0;
	pid_t pid;

	snprintf(out, len, "unknown");
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		execl(kernel, kernel, "--version", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	if (pid > 0)
		n = read_retry(pfd[0], out, len - 1);
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (n > 0) {
		out[n] = 0;
		out[strcspn(out, "\n")] = 0;
	} else {
		snprintf(out, len, "unknown");
	}
}

void result_tests_start(struct result *r, const char *path, const char *name,
			int follow)
{
	const char *slash = strrchr(name, '/');

	char why[4096 + 256];
	int fd = hostpath_create(path, follow, why, sizeof(why));

	junit_file = fd < 0 ? NULL : fdopen(fd, "w");
	if (!junit_file)
		die("cannot write %s: %s", path, fd < 0 ? why : strerror(errno));
	r->tap = tap_new(slash ? slash + 1 : name);
	if (!r->tap)
		die("out of memory");
}

int result_tests_end(struct result *r)
{
	char why[sizeof(r->error) + 64];
	int err;

	if (!r->tap)
		return 0;
	if (r->exited)
		tap_end(r->tap, NULL, result_now_ms());
	else {
		if (r->signal)
			snprintf(why, sizeof(why), "the command was killed by signal %d",
				 r->signal);
		else if (r->timed_out)
			snprintf(why, sizeof(why), "timed out");
		else if (r->error[0])
			snprintf(why, sizeof(why), "%s", r->error);
		else
			snprintf(why, sizeof(why), "the run was stopped (exit status %d)",
				 r->status);
		tap_end(r->tap, why, result_now_ms());
	}
	if (!junit_file)
		return 0;	/* --kunit's counts, without --junit */
	err = tap_write_junit(r->tap, junit_file);
	if (fclose(junit_file) < 0 && !err)
		err = -errno;
	junit_file = NULL;
	return err;
}

/* --junit's counts, or null without it. */
static void result_tests_json(const struct result *r, FILE *f)
{
	struct tap_counts c;

	if (!r->tap) {
		fprintf(f, "  \"tests\": null,\n");
		return;
	}
	tap_get_counts(r->tap, &c);
	fprintf(f, "  \"tests\": {\"passed\": %llu, \"failed\": %llu, \"skipped\": %llu, \"errors\": %llu},\n",
		c.passed, c.failed, c.skipped, c.errors);
}

int result_open(const char *path, const char *kernel, int follow)
{
	char why[4096 + 256];
	int fd = hostpath_create(path, follow, why, sizeof(why));

	result_file = fd < 0 ? NULL : fdopen(fd, "w");
	if (!result_file) {
		warn("cannot write %s: %s", path, fd < 0 ? why : strerror(errno));
		return fd < 0 ? fd : -errno;
	}
	result_kernel_release(kernel, result_release, sizeof(result_release));
	return 0;
}

int result_write(const struct result *r, const char *kernel)
{
	const char *release = result_release;
	long long boot = r->hello_ms ? r->hello_ms - r->start_ms : -1;
	long long run = r->hello_ms ? r->end_ms - r->hello_ms : -1;
	FILE *f = result_file;

	if (!f)
		return 0;
	result_file = NULL;
	fprintf(f, "{\n  \"schema\": \"umlrun-result/1\",\n");
	fprintf(f, "  \"exit_status\": %d,\n", r->status);
	fprintf(f, "  \"exited\": %s,\n", r->exited ? "true" : "false");
	if (r->exited)
		fprintf(f, "  \"exit_code\": %d,\n", r->exit_code);
	else
		fprintf(f, "  \"exit_code\": null,\n");
	if (r->signal)
		fprintf(f, "  \"signal\": %d,\n", r->signal);
	else
		fprintf(f, "  \"signal\": null,\n");
	fprintf(f, "  \"timed_out\": %s,\n", r->timed_out ? "true" : "false");
	fprintf(f, "  \"panic\": %s,\n", r->panic ? "true" : "false");
	fprintf(f, "  \"error\": ");
	if (r->error[0])
		result_json_str(f, r->error);
	else
		fprintf(f, "null");
	fprintf(f, ",\n  \"kernel\": {\"path\": ");
	result_json_str(f, kernel);
	fprintf(f, ", \"release\": ");
	result_json_str(f, release);
	fprintf(f, ", ");
	splat_json(&r->splats, f, result_json_str);
	fprintf(f, "},\n");
	fprintf(f, "  \"boot_ms\": %lld,\n  \"run_ms\": %lld,\n  \"total_ms\": %lld,\n",
		boot, run, r->end_ms - r->start_ms);
	result_tests_json(r, f);
	fprintf(f, "  \"bytes\": {\"stdin\": %llu, \"stdout\": %llu, \"stderr\": %llu}\n}\n",
		r->bytes_stdin, r->bytes_stdout, r->bytes_stderr);
	if (fclose(f) < 0)
		return -errno;
	return 0;
}
