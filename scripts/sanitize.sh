#!/usr/bin/env bash
# Builds the server and the black-box HTTP suites with AddressSanitizer and UndefinedBehaviorSanitizer in
# ./build-asan and runs the suites against that server: a use-after-free, overflow or undefined behaviour in
# any request the suites make fails the run (tests/support/http_client.cpp reads the server's reports).
# Usage: scripts/sanitize.sh [GTEST_FILTER]   (TOM_TEST_PG as for scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
if [ ! -f build-asan/build.ninja ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOM_SANITIZE=ON >/dev/null
fi
ninja -C build-asan -j"${TOM_JOBS:-2}" tom http_test >build-asan/build.log 2>&1 \
  || { echo "sanitize: building with ASan and UBSan failed:"; tail -40 build-asan/build.log; exit 1; }
# Leaks at exit are not what this run looks for (the server is stopped by a signal); memory errors are.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
echo "sanitize: the HTTP suites against build-asan/tom (ASan + UBSan)"
./build-asan/tests/http_test --gtest_filter="${1:-*}" --gtest_brief=1
