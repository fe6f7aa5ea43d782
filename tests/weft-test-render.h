/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing a widget to pixels in a display test (run under xvfb-run). */
#pragma once

#include <gtk/gtk.h>

#include "weft-test-util.h"

G_BEGIN_DECLS

/* The label under @widget (itself included, depth first) that reads @text,
 * or %NULL */
static inline GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
weft_test_widget_is_ready (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) &&
         gtk_widget_get_width (widget) > 0 &&
         gtk_widget_get_height (widget) > 0;
}

static inline void
weft_test_on_after_paint (GdkFrameClock *clock, gpointer data)
{
  (*(guint *) data)++;
}

static inline gboolean
weft_test_count_positive (gpointer data)
{
  return *(guint *) data > 0;
}

/* Waits until @widget's surface painted a frame since now. */
static inline void
weft_test_wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  guint painted = 0;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (weft_test_on_after_paint), &painted);
  gtk_widget_queue_draw (widget);
  g_assert_true (wait_for (weft_test_count_positive, &painted, 5000));
  g_signal_handler_disconnect (clock, id);
}

/* Renders @widget as GTK draws it: ARGB32 pixels, native endian, freed
 * with g_free(); saved to $WEFT_TEST_DUMP_DIR/@name.png when that is set. */
static inline guchar *
weft_test_render (GtkWidget *widget, const char *name, int *width, int *height, gsize *stride)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  guchar *pixels;

  weft_test_wait_painted (widget);
  paintable = gtk_widget_paintable_new (widget);
  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, *width, *height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  g_assert_nonnull (renderer);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, *width, *height));
  if (g_getenv ("WEFT_TEST_DUMP_DIR") != NULL)
    {
      g_autofree char *file = g_strdup_printf ("%s.png", name);
      g_autofree char *path = g_build_filename (g_getenv ("WEFT_TEST_DUMP_DIR"), file, NULL);

      gdk_texture_save_to_png (texture, path);
    }
  *stride = (gsize) *width * 4;
  pixels = g_malloc (*stride * *height);
  gdk_texture_download (texture, pixels, *stride);
  return pixels;
}

/* The largest channel difference between the pixel at (@x, @y) and @want, 0–255 */
static inline double
weft_test_colour_distance (const guchar *pixels, gsize stride, int x, int y, const GdkRGBA *want)
{
  const guchar *p = pixels + (gsize) y * stride + (gsize) x * 4;
  double db = ABS (p[0] - want->blue * 255);
  double dg = ABS (p[1] - want->green * 255);
  double dr = ABS (p[2] - want->red * 255);

  return MAX (MAX (db, dg), dr);
}

G_END_DECLS
