/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>

#include "weft-json-text.h"

/* Numbers of every form come out as valid JSON and read back the same,
 * and a string that looks like a mended number is left as it is. */
static void
test_numbers (void)
{
  static const double values[] = { 2e-08, -3e-07, 1e+300, 5e-324, 0.5, 12.0, 0.0, 8.68e-05, 123456789.25 };
  const char *text_member = "x 2e-08.0 \"q\" \\ e5.0";

  for (int pretty = 0; pretty < 2; pretty++)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonNode) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      JsonObject *obj;
      JsonArray *array;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        json_builder_add_double_value (b, values[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text_member);
      json_builder_end_object (b);
      root = json_builder_get_root (b);

      text = weft_json_to_text (root, pretty);
      g_test_message ("%s", text);
      back = json_from_string (text, &error);
      g_assert_no_error (error);
      obj = json_node_get_object (back);
      array = json_object_get_array_member (obj, "values");
      g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (values));
      for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        g_assert_cmpfloat (json_array_get_double_element (array, i), ==, values[i]);
      g_assert_cmpstr (json_object_get_string_member (obj, "text"), ==, text_member);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/weft/json-text/numbers", test_numbers);
  return g_test_run ();
}
