// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the 9P wire codec (net/9p/wire.c, net/9p/error.c), built
 * in user space.  Output is TAP; the exit status is nonzero on failure.
 */
#include "unit.h"

int main(void)
{
	tap_start();
	p9t_encode_tests();
	p9t_decode_tests();
	p9t_golden_tests();
	p9t_malformed_tests();
	p9t_misc_tests();
	return tap_finish("unit");
}
