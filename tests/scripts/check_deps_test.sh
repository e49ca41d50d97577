#!/usr/bin/env bash
# Tests scripts/check-deps.sh on the real build: it passes with the real setup script and package.json, and fails,
# naming what is missing and a file that needed it, when a needed Debian package is left out of the setup script
# or a needed npm package out of package.json.
# Usage: check_deps_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$1; build=$2
check="$src/scripts/check-deps.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# 1. The real lists: nothing missing.
if ! out=$("$check" --build "$build" 2>&1); then fail "the real setup script was reported incomplete:"; echo "$out"; fi
echo "$out" | tail -1

# 2. A setup script without one package the build needs (the mustache headers every page is rendered with).
sed 's/ libkainjow-mustache-dev//' "$src/scripts/setup.sh" >"$work/setup.sh"
grep -q libkainjow-mustache-dev "$work/setup.sh" && fail "the test's copy of setup.sh still names the package"
out=$("$check" --build "$build" --setup "$work/setup.sh" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "without libkainjow-mustache-dev: exit $rc, expected 1"
echo "$out" | grep -qE '^  libkainjow-mustache-dev +e\.g\. /usr/include/kainjow/mustache\.hpp$' \
  || { fail "without libkainjow-mustache-dev: the package and its header were not named:"; echo "$out"; }

# 3. A setup script without a library the built binary loads (libsodium, for passwords), headers and all.
sed 's/ libsodium-dev//' "$src/scripts/setup.sh" >"$work/setup-sodium.sh"
out=$("$check" --build "$build" --setup "$work/setup-sodium.sh" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "without libsodium-dev: exit $rc, expected 1"
echo "$out" | grep -q '^  libsodium-dev ' || { fail "without libsodium-dev: not named:"; echo "$out"; }

# 4. A package.json that no longer declares a package the browser tests import.
mkdir "$work/npm"
node -e 'const p=require(process.argv[1]); delete p.devDependencies["axe-core"]; console.log(JSON.stringify(p))' \
  "$src/package.json" >"$work/npm/package.json"
ln -s "$src/package-lock.json" "$work/npm/package-lock.json"
ln -s "$src/node_modules" "$work/npm/node_modules"
out=$("$check" --build "$build" --package-json "$work/npm/package.json" 2>&1); rc=$?
[ $rc -eq 1 ] || fail "without axe-core in package.json: exit $rc, expected 1"
echo "$out" | grep -q 'axe-core: used by the tests or the build but not declared' \
  || { fail "without axe-core: not named:"; echo "$out"; }

# 5. Bad usage is a usage error, not a pass.
"$check" --build "$work/nowhere" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "a build directory without build.ninja: exit $rc, expected 2"

[ $failed -eq 0 ] && echo "check_deps_test: 5 passed, 0 failed"
exit $failed
