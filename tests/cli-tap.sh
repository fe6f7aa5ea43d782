# TAP helpers for the weft-cli tests, sourced after $cli is set:
# ok NAME; not_ok NAME [LINE…]; expect STATUS "EXPECTED STDERR" -- ARGS…
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

expect() {
  want_status=$1 want_err=$2
  shift 3
  err=$("$cli" "$@" 2>&1 >/dev/null)
  status=$?
  if [ "$status" -eq "$want_status" ] && [ "$err" = "$want_err" ]; then
    ok "weft-cli $*"
  else
    not_ok "weft-cli $*" "status $status (want $want_status)" "got:  $err" "want: $want_err"
  fi
}
