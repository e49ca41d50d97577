#!/usr/bin/env bash
# Installs every Debian package and npm package TOM Workbench needs to build and run; with --test, also what the
# tests need (Debian's Chromium for the browser tests). Idempotent: what is present is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
for_tests=false
[ "${1:-}" = "--test" ] && for_tests=true

# Each package a word inside `packages=(...)` or `packages+=(...)`: scripts/check-deps.sh reads these lists to
# check that they name every package the build and the tests used.
packages=(
  # the build: compiler, build tools, and the libraries cmake/deps.cmake looks for (GoogleTest too: the tests
  # are part of every configure)
  build-essential cmake ninja-build ccache pkg-config clang-format libgtest-dev
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev libpq-dev
  libyaml-cpp-dev libsodium-dev zlib1g-dev libexpat1-dev libxlsxwriter-dev libkainjow-mustache-dev
  # the server's PostgreSQL store (the tests start a throwaway cluster); the front-end assets come through npm
  postgresql nodejs
)
# The tests: the fuzzers (clang with its sanitizer runtimes), the spreadsheet fixtures (Debian's
# python3 with openpyxl; xlrd for the .xls cross-checks) and the browser tests (Debian's Chromium).
$for_tests && packages+=(
  libgmock-dev clang libclang-rt-14-dev python3 python3-openpyxl python3-xlrd chromium wrk
)
# Debian's own nodejs comes without npm; NodeSource's provides it.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all Debian packages present"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js 20 or later is needed (the browser tests' playwright-core); this machine has $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi

# Front-end assets and browser-test tools, pinned by package-lock.json.
if [ ! -d node_modules/nhsuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
