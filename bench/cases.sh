#!/usr/bin/env bash
# Case load figures on the demo zone: reporting (POST /cases), a grid
# worker's scoped list and the zone's list (GET /cases), and the KPIs —
# first on the fresh demo, then after filling the worker's grid with
# ${CASES:-100000} cases through the API. Loopback only; every run is bounded
# by wrk's duration.
#   bash bench/cases.sh                      # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/cases.sh   (an empty database)
# Needs: wrk, a release build (cargo build --release -p gridwork-api).
PORT=${PORT:-18080}
CASES=${CASES:-100000}
source "$(dirname "$0")/lib.sh"
serve --demo

worker=$(token_of zhangyc)
zone=$(token_of zhengh)
report_script "$worker" "$(first_grid "$worker")" '"lat":33.79,"lng":114.52'

measure() {
    row "POST /cases (worker)" 16 "$DURATION" -s "$work/report.lua" "$base/cases"
    row "GET /cases (worker, scoped)" 64 "$DURATION" -H "Authorization: Bearer $worker" "$base/cases?limit=50"
    row "GET /cases?overdue=true (zone)" 64 "$DURATION" -H "Authorization: Bearer $zone" "$base/cases?limit=50&overdue=true"
    row "GET /stats/cases (zone)" 2 "$DURATION" -H "Authorization: Bearer $zone" "$base/stats/cases"
}

echo "-- the demo zone"
measure
echo "-- filling the worker's grid to $CASES cases"
fill_cases "$zone" "$CASES"
echo "cases: $(case_count "$zone")"
measure
peak_memory
