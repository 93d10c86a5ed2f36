#!/usr/bin/env bash
# Registry load figures on the demo zone (45 enterprises, 62 grids): the live
# coverage rates, locate by GPS, a scoped grid list, and the public placard.
# Loopback only; every run is bounded by wrk's duration.
#   bash bench/registry.sh                      # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/registry.sh   (an empty database)
# Needs: wrk, a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/gridwork
DURATION=${DURATION:-10s}
PORT=${PORT:-18080}
[ -x "$BIN" ] || cargo build --release -p gridwork-api
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

export DATABASE_URL=${DATABASE_URL:-$work/bench.db}
export GRIDWORK_BIND=127.0.0.1:$PORT GRIDWORK_ADMIN_PASSWORD=Bench-keeper-2025 GRIDWORK_LOG_FORMAT=json RUST_LOG=warn
# the load comes from one client: quotas high enough to measure the server, not the limiter
export GRIDWORK_RATE_LIMIT_PER_MINUTE=${GRIDWORK_RATE_LIMIT_PER_MINUTE:-100000000} GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE=${GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE:-100000000}
"$BIN" seed --demo >"$work/seed.txt"
"$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

token_of() { # username
    local pw
    pw=$(awk -v u="$1" '$1 == u {print $4}' "$work/seed.txt")
    curl -fs "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$pw\"}" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])'
}
officer=$(token_of zhengh)
leader=$(token_of wangyx)
placard=$(grep -o 'placards/[A-Za-z0-9_-]*' "$work/seed.txt" | head -n 1)

run() { # name, wrk args…
    local name=$1; shift
    printf '%-34s ' "$name"
    wrk -t2 -c64 -d"$DURATION" --latency "$@" |
        awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2} /Non-2xx/ {bad=$NF}
             END {printf "%10s req/s  p50 %8s  p99 %8s  non-2xx %s\n", rps, p50, p99, (bad == "" ? 0 : bad)}'
}

base="http://127.0.0.1:$PORT/api/v1"
echo "backend: $(curl -fs "http://127.0.0.1:$PORT/readyz")"
run "GET /stats/coverage (zone)" -H "Authorization: Bearer $officer" "$base/stats/coverage"
run "GET /grids/locate (zone)" -H "Authorization: Bearer $officer" "$base/grids/locate?lat=33.770&lng=114.520"
run "GET /grids (leader, scoped)" -H "Authorization: Bearer $leader" "$base/grids?limit=50"
run "GET /public/placards/{token}" "$base/public/$placard"
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
