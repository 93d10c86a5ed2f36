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
PORT=${PORT:-18082}
source "$(dirname "$0")/lib.sh"
serve --demo

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
report_script "$worker" "$grid"

echo "first sync pages (limit 200): worker $(sizes "$worker"); office $(sizes "$zone")"
ratio_header
ratio_row "GET /me (worker)" 64 -H "Authorization: Bearer $worker" "$base/me"
ratio_row "GET /sync full, first page (worker)" 64 -H "Authorization: Bearer $worker" "$base/sync?types=$types"
ratio_row "GET /sync full, first page (office)" 64 -H "Authorization: Bearer $zone" "$base/sync?types=$types"
ratio_row "GET /sync delta, nothing new (worker)" 64 -H "Authorization: Bearer $worker" "$base/sync?types=$types&since=$cursor"
ratio_row "POST /cases (16 connections)" 16 -s "$work/report.lua" "$base/cases"
peak_memory
