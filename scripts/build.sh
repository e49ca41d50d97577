#!/usr/bin/env bash
# Configures and builds into ./build (one build directory, at most two jobs: the machines have two cores).
# Usage: scripts/build.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${TOM_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
fi
ninja -C build -j"${TOM_JOBS:-2}" "$@"
