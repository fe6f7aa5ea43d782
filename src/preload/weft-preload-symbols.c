/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Names of locks from a file's full symbol table.
 *
 * dladdr() knows only the dynamic symbols, which an executable rarely
 * exports: a program's `static pthread_mutex_t queue_lock` and its
 * `worker_main` have no dynamic symbol, so a lock would be named by a file
 * offset. A file that is not stripped still has them in its .symtab: the
 * file is mapped (read-only, once, kept) and its symbols searched. Used only
 * when a lock is named, the first time this process records it.
 */

#include "config.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft-preload-private.h"

#define MAX_FILES 16

typedef struct
{
  char              *path;
  const ElfW(Sym)   *syms;     /* NULL: no symbol table (stripped, unreadable) */
  gsize              n_syms;
  const char        *strs;
  gsize              strs_size;
  gboolean           absolute; /* ET_EXEC: symbol values are addresses */
} SymFile;

static SymFile files[MAX_FILES];
static guint n_files;
static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;

/* The .symtab and its strings in the mapped file, if they lie inside it */
static void
find_symtab (SymFile    *f,
             const char *data,
             gsize       size)
{
  const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *) data;
  const ElfW(Shdr) *sh;

  if (size < sizeof *eh || memcmp (eh->e_ident, ELFMAG, SELFMAG) != 0 ||
      eh->e_ident[EI_CLASS] != (sizeof (void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
      eh->e_shentsize != sizeof *sh || eh->e_shoff > size ||
      (gsize) eh->e_shnum * sizeof *sh > size - eh->e_shoff)
    return;
  sh = (const ElfW(Shdr) *) (data + eh->e_shoff);
  for (guint i = 0; i < eh->e_shnum; i++)
    {
      const ElfW(Shdr) *strtab;

      if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
        continue;
      strtab = &sh[sh[i].sh_link];
      if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset ||
          strtab->sh_offset > size || strtab->sh_size > size - strtab->sh_offset)
        return;
      f->syms = (const ElfW(Sym) *) (data + sh[i].sh_offset);
      f->n_syms = sh[i].sh_size / sizeof (ElfW(Sym));
      f->strs = data + strtab->sh_offset;
      f->strs_size = strtab->sh_size;
      f->absolute = eh->e_type == ET_EXEC;
      return;
    }
}

static SymFile *
open_file (const char *path)
{
  SymFile *f;
  struct stat st;
  void *data;
  int fd;

  for (guint i = 0; i < n_files; i++)
    if (strcmp (files[i].path, path) == 0)
      return &files[i];
  if (n_files == MAX_FILES)
    return NULL;
  f = &files[n_files++];
  f->path = g_strdup (path);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return f;
  if (fstat (fd, &st) == 0 && st.st_size > 0 &&
      (data = mmap (NULL, (gsize) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED)
    find_symtab (f, data, (gsize) st.st_size);
  _weft_real.close (fd);
  return f;
}

/* The symbol of @type in @f that holds @value, or NULL */
static const char *
lookup (const SymFile *f,
        guintptr       value,
        int            type)
{
  for (gsize i = 0; i < f->n_syms; i++)
    {
      const ElfW(Sym) *s = &f->syms[i];

      if (ELF64_ST_TYPE (s->st_info) == type && s->st_shndx != SHN_UNDEF && s->st_name < f->strs_size &&
          value >= s->st_value && value < s->st_value + MAX (s->st_size, 1))
        {
          const char *name = f->strs + s->st_name;

          /* a name that runs past the table is no name */
          return memchr (name, '\0', f->strs_size - s->st_name) != NULL && *name != '\0' ? name : NULL;
        }
    }
  return NULL;
}

/*
 * Copies into @buf the name of the symbol that holds @address (a data
 * object if @object, else a function) in the file @info describes, from
 * its .symtab. Returns whether there was one.
 */
gboolean
_weft_preload_symtab_name (const void    *address,
                           const Dl_info *info,
                           gboolean       object,
                           char          *buf,
                           gsize          len)
{
  static char exe[4096];
  const char *path = info->dli_fname;
  const char *name = NULL;
  SymFile *f;

  if (path == NULL || path[0] != '/')
    {
      /* the main program: dladdr gives its argv[0], maybe relative */
      ssize_t n;

      if (exe[0] == '\0' && (n = readlink ("/proc/self/exe", exe, sizeof exe - 1)) > 0)
        exe[n] = '\0';
      if (exe[0] == '\0')
        return FALSE;
      path = exe;
    }
  _weft_real.pthread_mutex_lock (&files_lock);
  f = open_file (path);
  if (f != NULL && f->syms != NULL)
    {
      guintptr value = (guintptr) address - (f->absolute ? 0 : (guintptr) info->dli_fbase);

      name = lookup (f, value, object ? STT_OBJECT : STT_FUNC);
      if (name != NULL)
        g_strlcpy (buf, name, len);
    }
  _weft_real.pthread_mutex_unlock (&files_lock);
  return name != NULL;
}
