/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A statically linked program for test-record: LD_PRELOAD cannot reach it. */

#include <stdio.h>

int
main (void)
{
  puts ("static");
  return 3;
}
