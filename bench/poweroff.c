// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark helper: the smallest possible guest init. It powers the machine
 * off at once, so booting a kernel with it measures the bare tuned boot
 * that umlrun's own overhead is compared against.
 */
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	reboot(RB_POWER_OFF);
	return 0;
}
