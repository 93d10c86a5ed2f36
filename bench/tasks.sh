#!/usr/bin/env bash
# "My tasks" on the demo zone and at ${CASES:-100000} cases: GET /me/tasks
# for a grid worker (张亚超), the article's grid leader (王勇翔) and the zone
# office (郑昊, committee leader and zone officer: every case reported in the
# zone waits on him), each as a ratio to GET /readyz measured in the same
# run. The filler cases are reported in the worker's grid and stay
# `reported`, so the leader's and the office's lists grow with them.
# Loopback only; every run is bounded by wrk's duration.
#   bash bench/tasks.sh                              # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/tasks.sh    (an empty database)
# Needs: wrk (apt-get install wrk), a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/gridwork
DURATION=${DURATION:-10s}
PORT=${PORT:-18081}
CASES=${CASES:-100000}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
[ -x "$BIN" ] || cargo build --release -p gridwork-api
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

export DATABASE_URL=${DATABASE_URL:-$work/bench.db}
export GRIDWORK_ATTACHMENT_STORE=$work/photos
export GRIDWORK_BIND=127.0.0.1:$PORT GRIDWORK_ADMIN_PASSWORD=Bench-keeper-2025 GRIDWORK_LOG_FORMAT=json RUST_LOG=warn
export GRIDWORK_RATE_LIMIT_PER_MINUTE=100000000 GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE=100000000
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
leader=$(token_of wangyx)
zone=$(token_of zhengh)
grid=$(curl -fs "$base/grids?limit=1" -H "Authorization: Bearer $worker" | python3 -c 'import sys, json; print(json.load(sys.stdin)["items"][0]["id"])')

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
         END {printf "| %-34s | %9s | %6.3f | %8s | %8s | %s |\n", name, rps, rps / ceiling, p50, p99, (bad == "" ? 0 : bad)}' <<<"$out"
}
items() { # token
    curl -fs "$base/me/tasks?limit=200" -H "Authorization: Bearer $1" |
        python3 -c 'import sys, json; d = json.load(sys.stdin); print(len(d["items"]), "+" if d.get("next_cursor") else "")'
}
count() {
    curl -fs "$base/stats/cases" -H "Authorization: Bearer $zone" |
        python3 -c 'import sys, json; print(sum(s["count"] for s in json.load(sys.stdin)["by_state"]))'
}
measure() {
    echo "first page sizes: worker $(items "$worker"), leader $(items "$leader"), office $(items "$zone")"
    echo "| request | req/s | ÷ readyz | p50 | p99 | non-2xx |"
    echo "|---|---|---|---|---|---|"
    run "GET /readyz" 64 "http://127.0.0.1:$PORT/readyz"
    run "GET /me/tasks?limit=50 (worker)" 64 -H "Authorization: Bearer $worker" "$base/me/tasks?limit=50"
    run "GET /me/tasks?limit=50 (leader)" 64 -H "Authorization: Bearer $leader" "$base/me/tasks?limit=50"
    run "GET /me/tasks?limit=50 (office)" 64 -H "Authorization: Bearer $zone" "$base/me/tasks?limit=50"
}

echo "backend: $(curl -fs "http://127.0.0.1:$PORT/readyz")"
echo "-- the demo zone: $(count) cases"
measure
echo "-- filling the worker's grid to $CASES cases"
while [ "$(count)" -lt "$CASES" ]; do
    wrk -t2 -c16 -d30s -s "$work/report.lua" "$base/cases" >/dev/null
done
# what autovacuum would do in time (it had not on this machine when we measured)
case "$DATABASE_URL" in postgres*) psql -q "$DATABASE_URL" -c ANALYZE ;; esac
echo "-- $(count) cases"
measure
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
