/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * CPython's GIL, found without symbols or root.
 *
 * In CPython 3.9–3.13 the GIL is a struct (ceval_gil.c's _gil_runtime_state:
 * interval, last holder, locked, switch number, then a condition `cond`, its
 * mutex `mutex`, and, for forced switching, `switch_cond` and `switch_mutex`)
 * that lives inside the interpreter's _PyRuntime object. take_gil() locks
 * `mutex`, waits on `cond` with a timeout of the switch interval while
 * another thread holds the GIL, marks it held and unlocks `mutex`; drop_gil()
 * locks `mutex`, marks it free, signals `cond` and unlocks. So, per thread:
 *
 *   lock(mutex) … timedwait(cond) … unlock(mutex)   took the GIL (waited)
 *   lock(mutex) … unlock(mutex)                     took it at once
 *   lock(mutex) … signal(cond) … unlock(mutex)      dropped it
 *
 * The GIL is found at the first timed wait on a condition inside _PyRuntime:
 * only the GIL's waits are timed. (Not at a signal: take_gil() signals
 * `switch_cond` under `switch_mutex` just as drop_gil() signals `cond` under
 * `mutex`, and the two look alike.) Before that, the GIL was never contended;
 * the thread that holds it then is drawn holding it from that moment.
 * A wait on `switch_cond` (after a forced drop, the dropper waits until
 * another thread took the GIL) is drawn as waiting for the GIL when the
 * thread's next step is to take it again, as a CPU-bound thread's is; a
 * thread that goes on to something else was not waiting for the GIL.
 */

#include "config.h"

#include <dlfcn.h>
#include <link.h>

#include "weft-preload-private.h"

static void
lookup_runtime (void)
{
  Dl_info info;
  const ElfW(Sym) *sym = NULL;
  void *p;

  if (__atomic_load_n (&_weft_preload.py_looked_up, __ATOMIC_ACQUIRE))
    return;
  p = dlsym (RTLD_DEFAULT, "_PyRuntime");
  if (p != NULL && dladdr1 (p, &info, (void **) &sym, RTLD_DL_SYMENT) && sym != NULL && sym->st_size > 0)
    {
      _weft_preload.py_runtime_size = sym->st_size;
      _weft_preload.py_runtime = p;
    }
  __atomic_store_n (&_weft_preload.py_looked_up, 1, __ATOMIC_RELEASE);
}

static gboolean
in_runtime (const void *p)
{
  lookup_runtime ();
  return _weft_preload.py_runtime != NULL &&
         (const char *) p >= _weft_preload.py_runtime &&
         (const char *) p < _weft_preload.py_runtime + _weft_preload.py_runtime_size;
}

static gboolean
in_gil (const void *p)
{
  return (const char *) p >= _weft_preload.gil_begin && (const char *) p < _weft_preload.gil_end;
}

static guint32
gil_object (void)
{
  if (_weft_preload.gil_object == 0)
    _weft_preload.gil_object = _weft_preload_object (_weft_preload.gil_cond, WEFT_OBJECT_GIL, "GIL", NULL);
  return _weft_preload.gil_object;
}

static void
gil_found (WeftPreloadThread *t,
           void              *cond,
           void              *mutex)
{
  const char *end = (const char *) mutex + sizeof (pthread_mutex_t) +
                    sizeof (pthread_cond_t) + sizeof (pthread_mutex_t);

  _weft_preload.gil_begin = cond;
  _weft_preload.gil_end = MIN (end, _weft_preload.py_runtime + _weft_preload.py_runtime_size);
  _weft_preload.gil_found_ns = weft_wire_writer_now (t->writer);
  __atomic_store_n (&_weft_preload.gil_cond, cond, __ATOMIC_RELEASE);
  __atomic_store_n (&_weft_preload.gil_mutex, mutex, __ATOMIC_RELEASE);
  __atomic_fetch_add (&_weft_preload.control->n_gil_found, 1, __ATOMIC_RELAXED);
  /* the thread is inside the GIL's mutex now */
  t->gil_section = 1;
  t->gil_dropped = 0;
  t->gil_lock_ns = _weft_preload.gil_found_ns;
}

gboolean
_weft_preload_is_gil_lock (const void *mutex)
{
  return _weft_preload.gil_mutex != NULL && in_gil (mutex);
}

/* Returns whether @cond is the GIL's; then the caller records nothing else. */
gboolean
_weft_gil_cond_wait_begin (WeftPreloadThread *t,
                           void              *cond,
                           void              *mutex,
                           gboolean           timed)
{
  if (_weft_preload.gil_cond == NULL)
    {
      if (!timed || !in_runtime (cond))
        return FALSE;
      gil_found (t, cond, mutex);
    }
  if (!in_gil (cond))
    return FALSE;
  if (cond != _weft_preload.gil_cond)
    {
      /* switch_cond: see above */
      t->gil_switch_ns = weft_wire_writer_now (t->writer);
      return TRUE;
    }
  if (!t->gil_waiting && !t->gil_held)
    {
      guint64 start = t->gil_section ? t->gil_lock_ns : weft_wire_writer_now (t->writer);

      _weft_preload_record_at (t, start, WEFT_EVENT_GIL_WAIT, gil_object (), 0, 0);
      _weft_preload_before_block (t);
      t->gil_waiting = 1;
    }
  return TRUE;
}

void
_weft_gil_mutex_locked (WeftPreloadThread *t)
{
  t->gil_section = 1;
  t->gil_dropped = 0;
  /* straight from a forced drop's wait, with nothing recorded in between */
  t->gil_from_switch = t->gil_switch_ns != 0 && t->last_ns <= t->gil_switch_ns && !t->gil_held;
  t->gil_lock_ns = t->gil_from_switch ? t->gil_switch_ns : weft_wire_writer_now (t->writer);
  t->gil_switch_ns = 0;
}

/* The end of a section that did not drop the GIL: it was taken. */
void
_weft_gil_mutex_unlocking (WeftPreloadThread *t)
{
  if (t->gil_section && !t->gil_dropped && !t->gil_held)
    {
      if (t->gil_from_switch && !t->gil_waiting)
        _weft_preload_record_at (t, t->gil_lock_ns, WEFT_EVENT_GIL_WAIT, gil_object (), 0, 0);
      _weft_preload_record (t, WEFT_EVENT_GIL_ACQUIRED, gil_object (), 0, 0);
      t->gil_held = 1;
      t->gil_waiting = 0;
    }
  t->gil_section = 0;
}

gboolean
_weft_gil_cond_signal (WeftPreloadThread *t,
                       void              *cond)
{
  if (_weft_preload.gil_cond == NULL || !in_gil (cond))
    return FALSE;
  if (cond != _weft_preload.gil_cond || !t->gil_section)
    return TRUE;

  if (!t->gil_held)
    {
      /* held since before the GIL was found: drawn from then */
      _weft_preload_record_at (t, _weft_preload.gil_found_ns, WEFT_EVENT_GIL_ACQUIRED, gil_object (), 0, 0);
    }
  _weft_preload_record (t, WEFT_EVENT_GIL_RELEASED, gil_object (), 0, 0);
  t->gil_held = 0;
  t->gil_waiting = 0;
  t->gil_dropped = 1;
  return TRUE;
}
