/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <json-glib/json-glib.h>

#include "weft-json-text.h"
#include "weft-calibration.h"

G_DEFINE_QUARK (weft-calibration-error-quark, weft_calibration_error)

/* Measured on the machine Weft was developed on (2 cores, loaded by other
 * builds) with /usr/bin/python3 3.11.2, by `weft-cli calibrate` (the
 * median of 9 repeats of each program in data/calibrate/, run three times;
 * docs/profiles.md gives the spread). */
static const WeftCalibration defaults = {
  .python = (char *) "/usr/bin/python3 3.11.2 (shipped defaults)",
  .spawn_start_ms = 95,
  .fork_start_ms = 2.2,
  .dispatch_us = 26,          /* these three measured on a quiet machine */
  .dispatch_parent_us = 200,
  .pickle_ms_per_mb = 29,
  .unpickle_share = 0.76,
  .pickle_object_us = 2.0,
  .pipe_message_us = 19,
  .manager_call_us = 45,      /* measured on a quiet machine (the others under load) */
};

/* The figures in the file, their names and the ranges a measurement can
 * have: a figure outside them is a mistake, not a slow machine. */
static const struct
{
  const char *key;
  gsize       offset;
  double      max;
  gboolean    optional;   /* newer than some calibration files: then the default */
} figures[] = {
  { "spawn_start_ms", G_STRUCT_OFFSET (WeftCalibration, spawn_start_ms), 60000 },
  { "fork_start_ms", G_STRUCT_OFFSET (WeftCalibration, fork_start_ms), 60000 },
  { "dispatch_us", G_STRUCT_OFFSET (WeftCalibration, dispatch_us), 1e6 },
  { "dispatch_parent_us", G_STRUCT_OFFSET (WeftCalibration, dispatch_parent_us), 1e6, TRUE },
  { "pickle_ms_per_mb", G_STRUCT_OFFSET (WeftCalibration, pickle_ms_per_mb), 1e5 },
  { "unpickle_share", G_STRUCT_OFFSET (WeftCalibration, unpickle_share), 1, TRUE },
  { "pickle_object_us", G_STRUCT_OFFSET (WeftCalibration, pickle_object_us), 1e6 },
  { "pipe_message_us", G_STRUCT_OFFSET (WeftCalibration, pipe_message_us), 1e6 },
  { "manager_call_us", G_STRUCT_OFFSET (WeftCalibration, manager_call_us), 1e6, TRUE },
};

#define FIGURE(cal, i) (*(double *) (gpointer) ((guint8 *) (cal) + figures[i].offset))

/* Returns: (transfer none): the shipped figures */
const WeftCalibration *
weft_calibration_get_defaults (void)
{
  return &defaults;
}

/* Returns: (transfer full): $XDG_CONFIG_HOME/weft/calibration.json */
char *
weft_calibration_get_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "weft", "calibration.json", NULL);
}

void
weft_calibration_free (WeftCalibration *self)
{
  if (self == NULL)
    return;
  g_free (self->python);
  g_free (self);
}

static gboolean
invalid (GError    **error,
         const char *path,
         const char *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError    **error,
         const char *path,
         const char *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, WEFT_CALIBRATION_ERROR, WEFT_CALIBRATION_ERROR_INVALID, "%s: %s", path, what);
  return FALSE;
}

static gboolean
read_figures (JsonObject      *obj,
              const char      *path,
              WeftCalibration *cal,
              GError         **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      JsonNode *node = json_object_get_member (obj, figures[i].key);
      double v;

      if (node == NULL && figures[i].optional)
        {
          FIGURE (cal, i) = FIGURE (&defaults, i);
          continue;
        }
      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
          (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
           json_node_get_value_type (node) != G_TYPE_INT64))
        return invalid (error, path, "\"%s\": expected a number", figures[i].key);
      v = json_node_get_double (node);
      if (!(v > 0 && v <= figures[i].max))
        return invalid (error, path, "\"%s\": expected a number above 0 and at most %g, got %g",
                        figures[i].key, figures[i].max, v);
      FIGURE (cal, i) = v;
    }
  return TRUE;
}

static WeftCalibration *
from_parser (JsonParser  *parser,
             const char  *path,
             GError     **error)
{
  g_autoptr(WeftCalibration) cal = g_new0 (WeftCalibration, 1);
  JsonNode *root;
  JsonObject *obj;
  JsonNode *python;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, path, "expected an object of figures, as `weft-cli calibrate` writes");
      return NULL;
    }
  obj = json_node_get_object (root);
  if (!read_figures (obj, path, cal, error))
    return NULL;
  python = json_object_get_member (obj, "python");
  cal->python = g_strdup (python != NULL && JSON_NODE_HOLDS_VALUE (python) &&
                          json_node_get_value_type (python) == G_TYPE_STRING
                          ? json_node_get_string (python) : "?");
  return g_steal_pointer (&cal);
}

/**
 * weft_calibration_load:
 *
 * Returns: (transfer full): the figures in @path; %NULL with @error set if
 *   it cannot be read or holds something else (every figure is required
 *   but those newer than the file's Weft, which take the shipped default)
 */
WeftCalibration *
weft_calibration_load (const char  *path,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;

  if (!json_parser_load_from_file (parser, path, &local))
    {
      invalid (error, path, "%s", local->message);
      return NULL;
    }
  return from_parser (parser, path, error);
}

/**
 * weft_calibration_new_from_data:
 * @data: JSON as weft_calibration_to_json() writes it
 * @name: what to call it in messages
 *
 * Returns: (transfer full): the figures; %NULL with @error set if @data
 *   holds something else or a figure out of its range
 */
WeftCalibration *
weft_calibration_new_from_data (const char  *data,
                                const char  *name,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;

  if (!json_parser_load_from_data (parser, data, -1, &local))
    {
      invalid (error, name, "%s", local->message);
      return NULL;
    }
  return from_parser (parser, name, error);
}

/* The user's calibration, NULL without one; FALSE with @error if it is bad. */
static gboolean
load_user (WeftCalibration **out,
           GError          **error)
{
  g_autofree char *path = weft_calibration_get_path ();

  *out = NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  *out = weft_calibration_load (path, error);
  return *out != NULL;
}

/* Quietly: every worker process would say it again; the run checks the file
 * once (weft_calibration_check()). */
static gpointer
load_once (gpointer data)
{
  (void) data;
  return weft_calibration_new_current ();
}

/**
 * weft_calibration_check:
 *
 * Reads the user's calibration file, if there is one, as the workers will.
 *
 * Returns: %FALSE with @error set if the file exists but cannot be used
 *   (runs then charge the shipped defaults)
 */
gboolean
weft_calibration_check (GError **error)
{
  g_autoptr(WeftCalibration) cal = NULL;

  return load_user (&cal, error);
}

/**
 * weft_calibration_get:
 *
 * The figures runs charge: the user's calibration file if there is one, else
 * the shipped defaults. Read once per process.
 *
 * Returns: (transfer none): the figures
 */
const WeftCalibration *
weft_calibration_get (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_once, NULL);
}

/**
 * weft_calibration_new_current:
 *
 * Reads the figures afresh, for a process that outlives calibrations (the
 * app, a test): the user's calibration file if there is one that can be
 * used, else the shipped defaults.
 *
 * Returns: (transfer full): the figures
 */
WeftCalibration *
weft_calibration_new_current (void)
{
  WeftCalibration *cal = NULL;

  if (!load_user (&cal, NULL) || cal == NULL)
    {
      cal = g_memdup2 (&defaults, sizeof defaults);
      cal->python = g_strdup (defaults.python);
    }
  return cal;
}

/**
 * weft_calibration_get_manager_side_ns:
 *
 * Returns: what one side of a manager's proxy call, the caller or the
 *   manager, is charged for it, in ns: half of the call's cost
 */
double
weft_calibration_get_manager_side_ns (const WeftCalibration *self)
{
  return self->manager_call_us * 1e3 / 2;
}

/**
 * weft_calibration_get_pickle_side_ns:
 * @bytes: the payload's size
 * @unpickling: the receiver's side (`loads`), else the sender's (`dumps`)
 *
 * Returns: what one side of moving @bytes of a list of ints is charged, in
 *   ns: its share of pickling and unpickling them
 */
double
weft_calibration_get_pickle_side_ns (const WeftCalibration *self,
                                     gsize                  bytes,
                                     gboolean               unpickling)
{
  double share = unpickling ? self->unpickle_share : 1 - self->unpickle_share;

  return share * self->pickle_ms_per_mb /* ms per MB = ns per byte */ * (double) bytes;
}

/* Returns: (transfer full): the figures as the calibration file holds them */
char *
weft_calibration_to_json (const WeftCalibration *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "python");
  json_builder_add_string_value (b, self->python != NULL ? self->python : "?");
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      json_builder_set_member_name (b, figures[i].key);
      json_builder_add_double_value (b, FIGURE (self, i));
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return weft_json_to_text (root, TRUE);
}
