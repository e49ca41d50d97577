#!/usr/bin/env bash
# Tests scripts/check_layers.py: the real tree passes; a copy of it with a front door that includes a store
# header, a folder that includes one above it (making a circle), and a spreadsheet reader that includes the
# domain each fails, naming the file and line.
# Usage: check_layers_test.sh SOURCE_DIR
set -uo pipefail
src=$1
check="$src/scripts/check_layers.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

/usr/bin/python3 "$check" "$src/src" || fail "the real tree was reported against the layering"

cp -r "$src/src" "$work/src"
echo '#include "store/store.hpp"' >>"$work/src/web/words.cpp"
line_web=$(wc -l <"$work/src/web/words.cpp")
echo '#include "app/workbench.hpp"' >>"$work/src/store/records.cpp"
line_store=$(wc -l <"$work/src/store/records.cpp")
echo '#include "domain/template.hpp"' >>"$work/src/io/xlsx/zip.cpp"
out=$(/usr/bin/python3 "$check" "$work/src" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1"
echo "$out" | grep -q "^src/web/words.cpp:$line_web: includes \"store/store.hpp\": a front door reaches the store only through src/app" \
  || { fail "the front door's store include was not named:"; echo "$out"; }
echo "$out" | grep -q "^src/store/records.cpp:$line_store: includes \"app/workbench.hpp\": app is not below store" \
  || { fail "the upward include was not named:"; echo "$out"; }
echo "$out" | grep -q "folders include each other in a circle: .*store -> app (store/records.cpp:$line_store)" \
  || { fail "the circle was not named:"; echo "$out"; }
echo "$out" | grep -q "^src/io/xlsx/zip.cpp:.*the readers in io/xlsx/ know only core" \
  || { fail "the reader's include was not named:"; echo "$out"; }
[ $failed -eq 0 ] && echo "check_layers: the real tree passes; 4 kinds of breach are each named"
exit $failed
