#!/usr/bin/env bash
# Sets up, builds and runs every test: unit tests, data-driven rule tests, the store suite on SQLite and on a
# real throwaway PostgreSQL cluster, black-box CLI and HTTP tests against the built binary (and again against an
# ASan + UBSan build of it), browser tests of the web pages, and a short fuzzing run of each parser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
scripts/build.sh
# Would a fresh machine have had every package this build used? (Also tested in ctest: check_deps.)
scripts/check-deps.sh
TOM_TEST_PG=$(scripts/pg-throwaway.sh start)
export TOM_TEST_PG
trap 'scripts/pg-throwaway.sh stop' EXIT
echo "test: PostgreSQL for the store suite at $TOM_TEST_PG"
ctest --test-dir build --output-on-failure -j2 "$@"
# The web pages in Debian's Chromium (playwright-core), with axe-core on every page; screenshots in
# build/web-artifacts.
TOM_BINARY="$PWD/build/tom" node --test tests/web/
# The black-box HTTP suites again, against a server built with ASan and UBSan (build-asan).
scripts/sanitize.sh
# Each parser (xlsx, xls, template file) under libFuzzer with ASan and UBSan, for a short bounded time.
scripts/fuzz.sh "${TOM_FUZZ_SECONDS:-20}"
