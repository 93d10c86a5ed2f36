#!/usr/bin/env bash
# Issue 15's field paths on the demo zone, each as a ratio to GET /readyz
# measured in the same run: GET /me (now with the person and assignments),
# GET /sync — a worker's and the office's first full page, and a worker's
# delta with nothing new — and POST /cases, whose writes now append to the
# sync log through triggers (numbered at commit on PostgreSQL).
# Loopback only; every run is bounded by wrk's duration.
#   bash bench/sync.sh                              # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/sync.sh    (an empty database)
# Needs: wrk (apt-get install wrk), a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/gridwork
DURATION=${DURATION:-10s}
PORT=${PORT:-18082}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
[ -x "$BIN" ] || cargo build --release -p gridwork-api
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

export DATABASE_URL=${DATABASE_URL:-$work/bench.db}
export GRIDWORK_ATTACHMENT_STORE=$work/photos
export GRIDWORK_BIND=127.0.0.1:$PORT GRIDWORK_ADMIN_PASSWORD=Bench-keeper-2025 GRIDWORK_LOG_FORMAT=json RUST_LOG=warn
export GRIDWORK_RATE_LIMIT_PER_MINUTE=100000000 GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE=100000000
export GRIDWORK_SWEEP_INTERVAL_SECS=86400
"$BIN" seed --demo >"$work/seed.txt"
"$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

base="http://127.0.0.1:$PORT/api/v1"
token_of() { # username
    local pw
    pw=$(awk -v u="$1" '$1 == u {print $4}' "$work/seed.txt")
    curl -fs "$base/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$pw\"}" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])'
}
worker=$(token_of zhangyc)
zone=$(token_of zhengh)
grid=$(curl -fs "$base/me" -H "Authorization: Bearer $worker" | python3 -c 'import sys, json; print(json.load(sys.stdin)["assignments"][0]["grid_id"])')
types="cases,hazards,occurrences,disputes,policies,grids,enterprises,people"
# the cursor after a worker's full sync: a delta with nothing new
cursor=""
while :; do
    page=$(curl -fs "$base/sync?types=$types&limit=500${cursor:+&since=$cursor}" -H "Authorization: Bearer $worker")
    cursor=$(python3 -c 'import sys, json; print(json.load(sys.stdin)["next_cursor"])' <<<"$page")
    [ "$(python3 -c 'import sys, json; print(json.load(sys.stdin)["has_more"])' <<<"$page")" = "False" ] && break
done
sizes() { # token
    curl -fs "$base/sync?types=$types" -H "Authorization: Bearer $1" |
        python3 -c 'import sys, json; d = json.load(sys.stdin); print(len(d["items"]), "items,", "more" if d["has_more"] else "last page")'
}

cat >"$work/report.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $worker"
wrk.body = '{"category":"safety_hazard.flooding","severity":"general","source":"grid_worker","description":"车间屋顶漏雨","grid_id":"$grid"}'
LUA

ceiling=0
run() { # name, connections, wrk args…
    local name=$1 conns=$2; shift 2
    local out rps
    out=$(wrk -t2 -c"$conns" -d"$DURATION" --latency "$@")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    [ "$name" = "GET /readyz" ] && ceiling=$rps
    awk -v name="$name" -v ceiling="$ceiling" '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2} /Non-2xx/ {bad=$NF}
         END {printf "| %-38s | %9s | %6.3f | %8s | %8s | %s |\n", name, rps, rps / ceiling, p50, p99, (bad == "" ? 0 : bad)}' <<<"$out"
}
echo "first sync pages (limit 200): worker $(sizes "$worker"); office $(sizes "$zone")"
echo "| request | req/s | ÷ readyz | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
run "GET /readyz" 64 "http://127.0.0.1:$PORT/readyz"
run "GET /me (worker)" 64 -H "Authorization: Bearer $worker" "$base/me"
run "GET /sync full, first page (worker)" 64 -H "Authorization: Bearer $worker" "$base/sync?types=$types"
run "GET /sync full, first page (office)" 64 -H "Authorization: Bearer $zone" "$base/sync?types=$types"
run "GET /sync delta, nothing new (worker)" 64 -H "Authorization: Bearer $worker" "$base/sync?types=$types&since=$cursor"
run "POST /cases (16 connections)" 16 -s "$work/report.lua" "$base/cases"
echo "peak server memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
