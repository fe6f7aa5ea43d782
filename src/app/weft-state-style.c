/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "weft-app"

#include "config.h"

#include <glib/gi18n.h>

#include "weft-state-style.h"

typedef struct
{
  guint32     light;
  guint32     dark;
  const char *label;
} StateStyle;

static const StateStyle styles[WEFT_N_STATES] = {
  [WEFT_STATE_IDLE]      = { 0x00000000, 0x00000000, N_("Idle") },
  [WEFT_STATE_RUNNING]   = { 0x7fb99a, 0x4e8f6d, N_("Running") },
  [WEFT_STATE_LOCK_WAIT] = { 0xe01b24, 0xff5257, N_("Waiting for a lock") },
  [WEFT_STATE_LOCK_HELD] = { 0x7fa3d1, 0x5379ad, N_("Holding a lock") },
  [WEFT_STATE_GIL_WAIT]  = { 0xf28500, 0xffa136, N_("Waiting for the GIL") },
  [WEFT_STATE_GIL_HELD]  = { 0x84bcb8, 0x4f8f8a, N_("Holding the GIL") },
  [WEFT_STATE_QUEUE_PUT] = { 0xa347ba, 0xc27de0, N_("Blocked on a queue put") },
  [WEFT_STATE_QUEUE_GET] = { 0x7b3fb3, 0xa070e0, N_("Blocked on a queue get") },
  [WEFT_STATE_IO]        = { 0x8d9db4, 0x6f8199, N_("I/O") },
  [WEFT_STATE_STARTING]  = { 0xb5b3ae, 0x77767b, N_("Starting") },
  /* a pale running: ready to run, but no core to run on */
  [WEFT_STATE_CORE_WAIT] = { 0xcde8d8, 0x2c4d3c, N_("Waiting for a core") },
  /* the charged costs of a modelled CPython: work, in warm browns, olive and rose,
   * apart from the tasks' own green */
  [WEFT_STATE_INTERPRETER_START] = { 0xc69c6d, 0x9c7447, N_("Starting the interpreter") },
  [WEFT_STATE_DISPATCH]  = { 0xd4c26a, 0xa89a3c, N_("Dispatching a task") },
  [WEFT_STATE_PICKLING]  = { 0xd9a5b3, 0xa86f7f, N_("Pickling") },
  /* a pale queue wait: the queue was ready, another worker took the turn */
  [WEFT_STATE_QUEUE_TURN] = { 0xd8c2e3, 0x5a4466, N_("Lost its turn at a queue") },
};

/* An opaque 0xRRGGBB */
static void
rgb_to_rgba (guint32  rgb,
             GdkRGBA *out_color)
{
  out_color->red = ((rgb >> 16) & 0xff) / 255.f;
  out_color->green = ((rgb >> 8) & 0xff) / 255.f;
  out_color->blue = (rgb & 0xff) / 255.f;
  out_color->alpha = 1.f;
}

/**
 * weft_state_style_get_color:
 * @state: a #WeftState
 * @dark: whether the surface is dark
 * @out_color: (out caller-allocates): the colour (transparent for idle)
 */
void
weft_state_style_get_color (WeftState  state,
                            gboolean   dark,
                            GdkRGBA   *out_color)
{
  guint32 rgb;

  g_return_if_fail (out_color != NULL);

  if ((guint) state >= WEFT_N_STATES || state == WEFT_STATE_IDLE)
    {
      *out_color = (GdkRGBA) { 0, 0, 0, 0 };
      return;
    }
  rgb = dark ? styles[state].dark : styles[state].light;
  rgb_to_rgba (rgb, out_color);
}

/* Another program's slices, told apart by name: muted hues, none of them
 * a wait's red or orange nor a failure's crimson */
static const guint32 slice_colors[][2] = {
  { 0x7fb99a, 0x4e8f6d }, { 0x7fa3d1, 0x5379ad }, { 0xc69c6d, 0x9c7447 },
  { 0xb39ddb, 0x7e6bb0 }, { 0x84bcb8, 0x4f8f8a }, { 0xd4c26a, 0xa89a3c },
  { 0xd9a5b3, 0xa86f7f }, { 0x9fc27a, 0x6f9448 }, { 0x8d9db4, 0x6f8199 },
  { 0xe0b07a, 0xb07f45 }, { 0x8fc3d9, 0x4f8fab }, { 0xc4a3c9, 0x946f99 },
};

/**
 * weft_state_style_get_n_slice_colors:
 *
 * Returns: how many colours another program's slices are drawn in
 */
guint
weft_state_style_get_n_slice_colors (void)
{
  return G_N_ELEMENTS (slice_colors);
}

/**
 * weft_state_style_get_slice_color_index:
 * @name: the slice's name, as an interned object id
 *
 * Returns: which of the slice colours a slice named @name is drawn in: the
 *   same for every slice of that name
 */
guint
weft_state_style_get_slice_color_index (guint32 name)
{
  /* Knuth's multiplicative hash spreads neighbouring ids apart */
  return (guint) (((guint64) name * 2654435761u) >> 16) % G_N_ELEMENTS (slice_colors);
}

/**
 * weft_state_style_get_slice_color:
 * @index: below weft_state_style_get_n_slice_colors()
 * @out_color: (out caller-allocates): the colour
 */
void
weft_state_style_get_slice_color (guint     index,
                                  gboolean  dark,
                                  GdkRGBA  *out_color)
{
  rgb_to_rgba (slice_colors[index % G_N_ELEMENTS (slice_colors)][dark ? 1 : 0], out_color);
}

/**
 * weft_state_style_get_failed_color:
 * @dark: whether the surface is dark
 * @out_color: (out caller-allocates): the colour of a task that failed (a
 *   dark crimson, apart from the waits' red and orange; the lane painter
 *   crosses it out)
 */
void
weft_state_style_get_failed_color (gboolean  dark,
                                   GdkRGBA  *out_color)
{
  g_return_if_fail (out_color != NULL);

  if (dark)
    *out_color = (GdkRGBA) { 0xc0 / 255.f, 0x1c / 255.f, 0x5a / 255.f, 1.f };
  else
    *out_color = (GdkRGBA) { 0x8f / 255.f, 0x10 / 255.f, 0x3f / 255.f, 1.f };
}

/**
 * weft_state_style_get_awaiting_color:
 * @dark: whether the surface is dark
 * @out_color: (out caller-allocates): the band behind a main loop's lane
 *   while its tasks await: the I/O colour, faint (a wait, not work)
 */
void
weft_state_style_get_awaiting_color (gboolean  dark,
                                     GdkRGBA  *out_color)
{
  g_return_if_fail (out_color != NULL);

  weft_state_style_get_color (WEFT_STATE_IO, dark, out_color);
  out_color->alpha = 0.3f;
}

/**
 * weft_state_style_get_label:
 *
 * Returns: (transfer none): the translated name of @state for legends and
 *   tooltips
 */
const char *
weft_state_style_get_label (WeftState state)
{
  if ((guint) state >= WEFT_N_STATES)
    return _("Unknown");
  return _(styles[state].label);
}

/* Starting up is drawn hatched: it is neither work nor a wait. */
gboolean
weft_state_style_is_hatched (WeftState state)
{
  return state == WEFT_STATE_STARTING;
}

gboolean
weft_state_style_is_waiting (WeftState state)
{
  return state == WEFT_STATE_LOCK_WAIT || state == WEFT_STATE_GIL_WAIT ||
         state == WEFT_STATE_QUEUE_PUT || state == WEFT_STATE_QUEUE_GET;
}

void
weft_state_style_get_background (gboolean  dark,
                                 GdkRGBA  *out_color)
{
  g_return_if_fail (out_color != NULL);

  if (dark)
    *out_color = (GdkRGBA) { 0x1e / 255.f, 0x1e / 255.f, 0x20 / 255.f, 1.f };
  else
    *out_color = (GdkRGBA) { 1.f, 1.f, 1.f, 1.f };
}

/**
 * weft_state_style_widget_is_dark:
 *
 * Returns: whether @widget draws light text, i.e. sits on a dark style
 */
gboolean
weft_state_style_widget_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  /* GTK 4.8 has no gtk_widget_get_color(); the style context is current here. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  return 0.299 * fg.red + 0.587 * fg.green + 0.114 * fg.blue > 0.5;
}
