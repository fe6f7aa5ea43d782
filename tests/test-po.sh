#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test-po.sh SRCDIR
#
# Fails when po/POTFILES.in misses a file with translatable strings, or when a
# language in po/LINGUAS has untranslated or fuzzy messages against the
# current sources. Works on copies in a temporary directory; the source tree
# is never modified. To fix a failure: add the file to po/POTFILES.in, run
# `meson compile -C BUILD weft-update-po`, translate, and remove fuzzy flags.
set -eu

srcdir=${1:?usage: test-po.sh SRCDIR}
cd "$srcdir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-po-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

status=0

# 1. Every file with translatable strings is listed in POTFILES.in.
grep -v -e '^#' -e '^[[:space:]]*$' po/POTFILES.in | sort -u > "$tmp/listed"
{
  grep -rlE --include='*.c' --include='*.h' \
    '(^|[^A-Za-z0-9_])(N?C?_|g_dgettext|g_dpgettext2|g_dngettext) ?\(' src || true
  grep -rl --include='*.ui' 'translatable="yes"' ui src || true
  ls data/*.desktop.in data/*.metainfo.xml.in 2>/dev/null || true
} | sort -u > "$tmp/found"
missing=$(comm -13 "$tmp/listed" "$tmp/found")
if [ -n "$missing" ]; then
  echo "po/POTFILES.in misses files with translatable strings:"
  echo "$missing" | sed 's/^/  /'
  status=1
fi
for f in $(cat "$tmp/listed"); do
  [ -e "$f" ] || { echo "po/POTFILES.in lists a missing file: $f"; status=1; }
done
[ $status -eq 0 ] || exit $status

# 2. A fresh template from the current sources. The options mirror meson's
#    i18n.gettext(preset: 'glib').
xgettext --package-name=weft --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format \
  --files-from=po/POTFILES.in --directory=. --output="$tmp/weft.pot"

# 3. Every language is complete against it.
langs=$(grep -v -e '^#' -e '^[[:space:]]*$' po/LINGUAS)
[ -n "$langs" ] || { echo "po/LINGUAS lists no language"; exit 1; }
for lang in $langs; do
  if [ ! -f "po/$lang.po" ]; then
    echo "$lang: po/$lang.po does not exist"; status=1; continue
  fi
  msgmerge --quiet --previous --output-file="$tmp/$lang.po" "po/$lang.po" "$tmp/weft.pot"
  if ! stats=$(msgfmt --check --statistics --output-file=/dev/null "$tmp/$lang.po" 2>&1); then
    echo "$lang: msgfmt --check failed:"; echo "$stats"; status=1; continue
  fi
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "$lang: $stats"
      msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | sed -n 's/^msgid /  untranslated: /p' | grep -v '^  untranslated: ""$' || true
      msgattrib --only-fuzzy --no-obsolete "$tmp/$lang.po" | sed -n 's/^msgid /  fuzzy: /p' | grep -v '^  fuzzy: ""$' || true
      status=1;;
    *)
      echo "$lang: $stats";;
  esac
done
exit $status
