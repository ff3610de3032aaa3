// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded fork bomb for tests/limits.t, run in the guest: fork children
 * that wait on a pipe until fork fails or MAX of them run, print how many
 * and why it stopped, hold them for HOLD seconds (so the host can count
 * its processes), then let them go and reap them. Exits 0 when a fork
 * failed, 2 when MAX were forked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long max = argc > 1 ? atol(argv[1]) : 10000, n = 0;
	int hold = argc > 2 ? atoi(argv[2]) : 0;
	int p[2], err = 0;
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		return 1;
	while (n < max) {
		pid = fork();
		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0) {
			close(p[1]);
			if (read(p[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		n++;
	}
	printf("forked %ld: %s\n", n, err ? strerror(err) : "no failure");
	fflush(stdout);
	if (hold)
		sleep((unsigned int)hold);
	close(p[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return err ? 0 : 2;
}
