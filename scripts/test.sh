#!/usr/bin/env bash
# Sets up, builds and runs every test: unit tests, data-driven rule tests, the store suite on SQLite and on a
# real throwaway PostgreSQL cluster, black-box CLI tests against the built binary, and a short fuzzing run of
# each parser.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
TOM_TEST_PG=$(scripts/pg-throwaway.sh start)
export TOM_TEST_PG
trap 'scripts/pg-throwaway.sh stop' EXIT
echo "test: PostgreSQL for the store suite at $TOM_TEST_PG"
ctest --test-dir build --output-on-failure -j2 "$@"
# Each parser (xlsx, xls, template file) under libFuzzer with ASan and UBSan, for a short bounded time.
scripts/fuzz.sh "${TOM_FUZZ_SECONDS:-20}"
