#!/usr/bin/env bash
# Sets up, builds and runs TOM Workbench on an embedded SQLite database (./tom.db) with demo data.
# Until the web server lands this runs the CLI demo: the demo assessments, then what one of them still needs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh tom
db="${TOM_DB:-$PWD/tom.db}"
if [ ! -f "$db" ]; then
  ./build/tom --db "$db" init --demo
else
  ./build/tom --db "$db" init
fi
echo
echo "== Assessments in $db"
./build/tom --db "$db" assessment list
echo
echo "== What the e-RS assessment still needs (tom check 3 --party end-user --phase 2)"
./build/tom --db "$db" check 3 --party end-user --phase 2 | head -40 || true
echo
echo "== Audit trail"
./build/tom --db "$db" audit verify
echo
echo "Try: ./build/tom --db $db --help"
