// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark helper: a static `true`, whose exec inside the guest costs
 * about 1.5 ms instead of the 10-20 ms of dynamic /bin/true, so that
 * umlrun's own overhead can be read off beside the bare boot.
 */
int main(void)
{
	return 0;
}
