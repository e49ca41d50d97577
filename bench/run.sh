#!/usr/bin/env bash
# Builds and runs the benchmarks, printing figures. Starts a throwaway PostgreSQL for the store figures.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
scripts/build.sh tom core_bench web_bench bare_server >/dev/null
pg=$(scripts/pg-throwaway.sh start)
trap 'scripts/pg-throwaway.sh stop' EXIT
echo "== core (issue 2)"
./build/bench/core_bench --pg "$pg" "$@"
echo "== spreadsheets (issue 3), median of 10 whole-process runs"
/usr/bin/python3 bench/io_bench.py ./build/tom "$(cd .. && pwd)/shared" 10
echo "== server (issues 4 and 15)"
/usr/bin/python3 bench/http_bench.py ./build/tom "" 10
/usr/bin/python3 bench/http_bench.py ./build/tom "$pg" 10
echo "== web pages (issue 5)"
./build/bench/web_bench
echo "== scale (issue 15): 1,000 / 10,000 / 30,000 TOMs; TOM_BENCH_SIZES=1000,10000 for a shorter run"
# Builds each database through `tom import` (about 15 minutes on SQLite and 20 on PostgreSQL for 30,000).
sizes="${TOM_BENCH_SIZES:-1000,10000,30000}"
/usr/bin/python3 bench/scale.py ./build/tom "" --sizes "$sizes"
scale_db="${pg%/*}/scale_bench_$$"
psql "$pg" -qc "CREATE DATABASE scale_bench_$$" >/dev/null
/usr/bin/python3 bench/scale.py ./build/tom "$scale_db" --sizes "$sizes"
