#!/usr/bin/env bash
# Foundation load figures: liveness, an authenticated read (JWT check + one
# primary-key select; with a personal access token: tag check + token and
# account selects), and login (argon2id). Loopback only; every run is
# bounded by wrk's duration.
#   bash bench/foundation.sh                      # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/foundation.sh
# Needs: wrk (apt-get install wrk), a release build (cargo build --release).
PORT=${PORT:-18080}
source "$(dirname "$0")/lib.sh"
export GRIDWORK_LOCKOUT_THRESHOLD=1000000
serve

login='{"username":"admin","password":"Bench-keeper-2025"}'
token=$(token_of admin Bench-keeper-2025)
pat=$(curl -fs "$base/me/tokens" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -d '{"name":"bench","expires_in_days":1}' |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')

cat >"$work/login.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$login'
LUA

row "GET /healthz" 64 "$DURATION" "$root/healthz"
row "GET /api/v1/me" 64 "$DURATION" -H "Authorization: Bearer $token" "$base/me"
row "GET /me (gw_pat_)" 64 "$DURATION" -H "Authorization: Bearer $pat" "$base/me"
row "POST /auth/login" 8 "$DURATION" -s "$work/login.lua" "$base/auth/login"
peak_memory
