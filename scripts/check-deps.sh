#!/usr/bin/env bash
# Would a fresh Debian 12 machine have everything this build and its tests used?
#
# Debian: every system header the build compiled against (ninja's dependency log), every shared library the
# built programs load (ldd), and every program the build and the test command run (compiler, ninja, ccache,
# node, Chromium, the PostgreSQL server, Debian's python3 and its openpyxl) must belong to a Debian package that
# a fresh machine has: one that the setup script installs, a dependency of one of those, or one of a minimal
# Debian system (priority required or important). A file that no Debian package owns (a hand install under
# /usr/local, say) fails too.
# npm: every package that the browser tests import, and every package the build reads from node_modules, is
# declared in package.json, pinned in package-lock.json, and installed (by `npm ci`) at the locked version.
#
# Usage: scripts/check-deps.sh [--build DIR] [--setup FILE] [--package-json FILE]
#   defaults: build, scripts/setup.sh, package.json (its package-lock.json beside it).
# Exit 0: nothing missing. Exit 1: names each missing package and one file that needed it. Exit 2: usage.
# The dpkg look-up is one pass over dpkg's file lists (/var/lib/dpkg/info/*.list), not one `dpkg -S` per file.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=build
setup=scripts/setup.sh
package_json=package.json
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --setup) setup=$2; shift 2 ;;
    --package-json) package_json=$2; shift 2 ;;
    *) echo "check-deps: unknown argument '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
[ -f "$build/build.ninja" ] || { echo "check-deps: no $build/build.ninja: build first (scripts/build.sh)" >&2; exit 2; }
[ -f "$setup" ] || { echo "check-deps: no setup script $setup" >&2; exit 2; }
[ -f "$package_json" ] || { echo "check-deps: no $package_json" >&2; exit 2; }

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
status=0

# --- Debian ---------------------------------------------------------------------------------------------------
# Files the build used. Headers: absolute paths outside the source tree.
ninja -C "$build" -t deps 2>/dev/null | awk '/^    \//{print $1}' | grep -v "^$root/" | sort -u >"$t/used-files"
# Libraries the built programs load.
find "$build" -maxdepth 3 -type f -perm -u+x ! -name '*.so*' ! -name '*.sh' 2>/dev/null | while read -r b; do
  ldd "$b" 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}'
done >>"$t/used-files"
# Programs the build and the tests run.
cache="$build/CMakeCache.txt"
for var in CMAKE_CXX_COMPILER CMAKE_MAKE_PROGRAM CCACHE_PROGRAM; do
  p=$(sed -n "s/^$var:[A-Z]*=//p" "$cache" 2>/dev/null | head -1)
  [ -n "$p" ] && echo "$p" >>"$t/used-files"
done
for cmd in cmake node npm chromium clang++ clang-format; do
  p=$(command -v "$cmd" 2>/dev/null) && echo "$p" >>"$t/used-files"
done
ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 >>"$t/used-files"
# The spreadsheet fixtures are written by Debian's python3 with Debian's openpyxl (tests call /usr/bin/python3).
echo /usr/bin/python3 >>"$t/used-files"
/usr/bin/python3 -c 'import openpyxl; print(openpyxl.__file__)' >>"$t/used-files" 2>/dev/null \
  || echo "/usr/lib/python3/dist-packages/openpyxl/__init__.py" >>"$t/used-files"
# Resolve links (merged /usr, alternatives) and keep each file once, with its original spelling for messages.
while read -r f; do
  [ -e "$f" ] || { echo "$f"; continue; }
  printf '%s\n' "$(readlink -f "$f")"
done <"$t/used-files" | sort -u >"$t/files"

# Their packages, in one pass over dpkg's file lists. dpkg may list a file as /lib/... that is /usr/lib/... on a
# merged-/usr system: both spellings are matched.
awk 'FNR==1 && NR!=FNR {p=FILENAME; sub(/.*\//,"",p); sub(/\.list$/,"",p); sub(/:.*/,"",p)}
     NR==FNR {want[$0]=1; next}
     ($0 in want) && !(($0) in seen) {seen[$0]=1; print p "\t" $0}
     (("/usr" $0) in want) && !(("/usr" $0) in seen) {seen["/usr" $0]=1; print p "\t/usr" $0}' \
  "$t/files" /var/lib/dpkg/info/*.list >"$t/owned"
cut -f2 "$t/owned" | sort -u >"$t/owned-files"
comm -23 "$t/files" "$t/owned-files" >"$t/unowned"

# What a fresh machine has: the minimal system, plus what the setup script installs and their dependencies.
dpkg-query -W -f='${Package}\t${Priority}\n' 2>/dev/null | awk -F'\t' '$2=="required"||$2=="important"{print $1}' \
  >"$t/have"
# The setup script's package lists: the words inside `packages=(...)` and `packages+=(...)`.
awk '{line=$0; sub(/#.*/, "", line)}
     !on && line ~ /packages\+?=\(/ {on=1; sub(/.*packages\+?=\(/, "", line)}
     on {if (line ~ /\)/) {sub(/\).*/, "", line); on=0}; print line}' "$setup" \
  | tr -s ' \t' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u >"$t/named"
if [ -s "$t/named" ]; then
  # Only names apt knows: a name the setup script lists but apt cannot find would fail the setup itself.
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances $(cat "$t/named") 2>/dev/null | grep -vE '^ |^<' | sed 's/:.*//' >>"$t/have"
  cat "$t/named" >>"$t/have"
fi
sort -u -o "$t/have" "$t/have"

cut -f1 "$t/owned" | sort -u | comm -23 - "$t/have" >"$t/missing"
if [ -s "$t/missing" ]; then
  echo "check-deps: the build used Debian packages that a fresh machine would not have ($setup installs none of them):"
  while read -r p; do
    printf '  %-32s e.g. %s\n' "$p" "$(awk -F'\t' -v p="$p" '$1==p{print $2; exit}' "$t/owned")"
  done <"$t/missing"
  status=1
fi
if [ -s "$t/unowned" ]; then
  echo "check-deps: the build used files that no Debian package owns (installed by hand?):"
  sed 's/^/  /' "$t/unowned"
  status=1
fi

# --- npm ------------------------------------------------------------------------------------------------------
pkg_dir=$(dirname "$package_json")
lock="$pkg_dir/package-lock.json"
# Bare imports of the browser tests (`from 'x'`, `import('x')`, `require('x')`, `.resolve('x/...')`), and what the
# build reads from node_modules (src/CMakeLists.txt).
{
  grep -rhoE "(from|import\(|require\(|resolve\() *['\"][^'\"./][^'\"]*['\"]" tests/web 2>/dev/null \
    | sed -E "s/.*['\"]([^'\"]+)['\"]/\1/"
  grep -rhoE 'node_modules/[@a-z0-9._-]+(/[a-z0-9._-]+)?' src/CMakeLists.txt 2>/dev/null | sed 's|node_modules/||'
} | grep -v '^node:' | awk -F/ '{ if ($1 ~ /^@/) print $1 "/" $2; else print $1 }' | sort -u >"$t/npm-used"
node - "$package_json" "$lock" "$pkg_dir/node_modules" "$t/npm-used" <<'JS' || status=1
const fs = require('fs');
const [pkgFile, lockFile, modules, usedFile] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
let lock = { packages: {} };
try { lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')); } catch (e) { console.log(`check-deps: ${lockFile}: ${e.message}`); process.exit(1); }
const declared = { ...(pkg.dependencies || {}), ...(pkg.devDependencies || {}) };
const problems = [];
for (const name of fs.readFileSync(usedFile, 'utf8').split('\n').filter(Boolean)) {
  if (!(name in declared)) { problems.push(`${name}: used by the tests or the build but not declared in ${pkgFile}`); continue; }
  const locked = lock.packages && lock.packages[`node_modules/${name}`];
  if (!locked) { problems.push(`${name}: declared but not pinned in ${lockFile} (run npm install and commit the lock)`); continue; }
  let installed;
  try { installed = JSON.parse(fs.readFileSync(`${modules}/${name}/package.json`, 'utf8')).version; } catch { installed = null; }
  if (installed !== locked.version)
    problems.push(`${name}: ${installed ? 'installed ' + installed : 'not installed'}, locked ${locked.version} (scripts/setup.sh runs npm ci)`);
}
if (problems.length) {
  console.log('check-deps: npm packages not installed from the lock file:');
  for (const p of problems) console.log('  ' + p);
  process.exit(1);
}
JS

if [ $status -eq 0 ]; then
  echo "check-deps: $(wc -l <"$t/files") files from $(cut -f1 "$t/owned" | sort -u | wc -l) Debian packages and" \
    "$(wc -l <"$t/npm-used") npm packages: each is on a fresh machine or installed by $setup"
fi
exit $status
