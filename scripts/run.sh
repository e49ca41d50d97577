#!/usr/bin/env bash
# Sets up, builds and starts TOM Workbench on an embedded SQLite database (./tom.db) with demo data.
# The server listens on ${TOM_LISTEN:-127.0.0.1:8080}; stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh tom
db="${TOM_DB:-$PWD/tom.db}"
listen="${TOM_LISTEN:-127.0.0.1:8080}"
if [ ! -f "$db" ]; then
  ./build/tom --db "$db" init --demo
else
  ./build/tom --db "$db" init
  if ./build/tom --db "$db" user list | grep -q "@lakeside.example"; then
    echo "Demo sign-in: e.g. alex.morgan@lakeside.example / demo-password-2026 (tom user list shows everyone)"
  fi
fi
echo
./build/tom --db "$db" assessment list
echo
echo "Open:  http://$listen/   and sign in as one of the demo people above (password demo-password-2026)"
echo "API:   http://$listen/api/v1   (OpenAPI: http://$listen/api/v1/openapi.json)"
echo "Try:   curl -s -c jar -H 'Content-Type: application/json' \\"
echo "         -d '{\"email\":\"alex.morgan@lakeside.example\",\"password\":\"demo-password-2026\"}' http://$listen/api/v1/session"
echo "       curl -s -b jar http://$listen/api/v1/assessments"
echo
exec ./build/tom --db "$db" serve --listen "$listen"
