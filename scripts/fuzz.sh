#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in ./build-fuzz and runs each for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOM_FUZZ=ON \
    -DTOM_WERROR=OFF >/dev/null
fi
ninja -C build-fuzz -j"${TOM_JOBS:-2}" xlsx_fuzz xls_fuzz template_fuzz > build-fuzz/build.log 2>&1 \
  || { echo "fuzz: building the fuzz targets failed:"; tail -40 build-fuzz/build.log; exit 1; }
status=0
for target in xlsx xls template; do
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$target/." "$work/" 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  if ! ./build-fuzz/fuzz/${target}_fuzz "$work" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 \
      -timeout=10 -print_final_stats=1 >"$work.log" 2>&1; then
    echo "fuzz: $target FAILED"; tail -40 "$work.log"; status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" | sed "s/^/fuzz: $target /"
  fi
  rm -rf "$work" "$work.log"
done
exit $status
