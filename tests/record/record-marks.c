/* SPDX-License-Identifier: GPL-3.0-or-later */

/* A program for test-record that marks its own work with weft-record.h. */

#include <stdio.h>

#include "weft-record.h"

int
main (void)
{
  volatile unsigned long sum = 0;
  uint32_t id;

  weft_mark_thread_name ("marked main");
  id = weft_mark_begin ("summing");
  for (unsigned long i = 0; i < 1000000; i++)
    sum += i;
  weft_mark_end (id);
  weft_mark_instant ("summed");
  weft_mark_counter ("sum", (int64_t) (sum & 0xffff));
  printf ("%d\n", weft_mark_active ());
  return 0;
}
