#!/usr/bin/env bash
# Case load figures on the demo zone: reporting (POST /cases), a grid
# worker's scoped list and the zone's list (GET /cases), and the KPIs —
# first on the fresh demo, then after filling the worker's grid with
# ${CASES:-100000} cases through the API. Loopback only; every run is bounded
# by wrk's duration.
#   bash bench/cases.sh                      # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/cases.sh   (an empty database)
# Needs: wrk, a release build (cargo build --release -p gridwork-api).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/gridwork
DURATION=${DURATION:-10s}
PORT=${PORT:-18080}
CASES=${CASES:-100000}
[ -x "$BIN" ] || cargo build --release -p gridwork-api
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

export DATABASE_URL=${DATABASE_URL:-$work/bench.db}
export GRIDWORK_BIND=127.0.0.1:$PORT GRIDWORK_ADMIN_PASSWORD=Bench-keeper-2025 GRIDWORK_LOG_FORMAT=json RUST_LOG=warn
export GRIDWORK_RATE_LIMIT_PER_MINUTE=${GRIDWORK_RATE_LIMIT_PER_MINUTE:-100000000} GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE=${GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE:-100000000}
# the sweeper would escalate the filler cases while we measure
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
# the worker's own grid: the one their list is scoped to
grid=$(curl -fs "$base/grids?limit=1" -H "Authorization: Bearer $worker" | python3 -c 'import sys, json; print(json.load(sys.stdin)["items"][0]["id"])')

cat >"$work/report.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $worker"
wrk.body = '{"category":"safety_hazard.flooding","severity":"general","source":"grid_worker","description":"车间屋顶漏雨","grid_id":"$grid","lat":33.79,"lng":114.52}'
LUA

run() { # name, connections, duration, wrk args…
    local name=$1 conns=$2 duration=$3; shift 3
    printf '%-34s ' "$name"
    wrk -t2 -c"$conns" -d"$duration" --latency "$@" |
        awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2} /Non-2xx/ {bad=$NF}
             END {printf "%10s req/s  p50 %8s  p99 %8s  non-2xx %s\n", rps, p50, p99, (bad == "" ? 0 : bad)}'
}
count() {
    curl -fs "$base/stats/cases" -H "Authorization: Bearer $zone" |
        python3 -c 'import sys, json; print(sum(s["count"] for s in json.load(sys.stdin)["by_state"]))'
}
measure() {
    run "POST /cases (worker)" 16 "$DURATION" -s "$work/report.lua" "$base/cases"
    run "GET /cases (worker, scoped)" 64 "$DURATION" -H "Authorization: Bearer $worker" "$base/cases?limit=50"
    run "GET /cases?overdue=true (zone)" 64 "$DURATION" -H "Authorization: Bearer $zone" "$base/cases?limit=50&overdue=true"
    run "GET /stats/cases (zone)" 2 "$DURATION" -H "Authorization: Bearer $zone" "$base/stats/cases"
}

echo "backend: $(curl -fs "http://127.0.0.1:$PORT/readyz")"
echo "-- the demo zone"
measure
echo "-- filling the worker's grid to $CASES cases"
while [ "$(count)" -lt "$CASES" ]; do
    wrk -t2 -c16 -d30s -s "$work/report.lua" "$base/cases" >/dev/null
done
echo "cases: $(count)"
measure
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
