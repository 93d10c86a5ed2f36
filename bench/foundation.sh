#!/usr/bin/env bash
# Foundation load figures: liveness, an authenticated read (JWT check + one
# primary-key select; with a personal access token: tag check + token and
# account selects), and login (argon2id). Loopback only; every run is
# bounded by wrk's duration.
#   bash bench/foundation.sh                      # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/foundation.sh
# Needs: wrk (apt-get install wrk), a release build (cargo build --release).
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
export GRIDWORK_LOCKOUT_THRESHOLD=1000000
"$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

login='{"username":"admin","password":"Bench-keeper-2025"}'
token=$(curl -fs "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'Content-Type: application/json' -d "$login" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')

pat=$(curl -fs "http://127.0.0.1:$PORT/api/v1/me/tokens" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"name":"bench","expires_in_days":1}' |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')

cat >"$work/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$login'
LUA

run() { # name, connections, extra wrk args…
    local name=$1 conns=$2; shift 2
    printf '%-22s ' "$name"
    wrk -t2 -c"$conns" -d"$DURATION" --latency "$@" |
        awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2} /Non-2xx/ {bad=$NF}
             END {printf "%10s req/s  p50 %8s  p99 %8s  non-2xx %s\n", rps, p50, p99, (bad == "" ? 0 : bad)}'
}

echo "backend: $(curl -fs "http://127.0.0.1:$PORT/readyz")"
run "GET /healthz" 64 "http://127.0.0.1:$PORT/healthz"
run "GET /api/v1/me" 64 -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/me"
run "GET /me (gw_pat_)" 64 -H "Authorization: Bearer $pat" "http://127.0.0.1:$PORT/api/v1/me"
run "POST /auth/login" 8 -s "$work/login.lua" "http://127.0.0.1:$PORT/api/v1/auth/login"
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
