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
PORT=${PORT:-18081}
CASES=${CASES:-100000}
source "$(dirname "$0")/lib.sh"
serve --demo

worker=$(token_of zhangyc)
leader=$(token_of wangyx)
zone=$(token_of zhengh)
report_script "$worker" "$(first_grid "$worker")"

items() { # token
    curl -fs "$base/me/tasks?limit=200" -H "Authorization: Bearer $1" |
        python3 -c 'import sys, json; d = json.load(sys.stdin); print(len(d["items"]), "+" if d.get("next_cursor") else "")'
}
measure() {
    echo "first page sizes: worker $(items "$worker"), leader $(items "$leader"), office $(items "$zone")"
    ratio_header
    ratio_row "GET /me/tasks?limit=50 (worker)" 64 -H "Authorization: Bearer $worker" "$base/me/tasks?limit=50"
    ratio_row "GET /me/tasks?limit=50 (leader)" 64 -H "Authorization: Bearer $leader" "$base/me/tasks?limit=50"
    ratio_row "GET /me/tasks?limit=50 (office)" 64 -H "Authorization: Bearer $zone" "$base/me/tasks?limit=50"
}

echo "-- the demo zone: $(case_count "$zone") cases"
measure
echo "-- filling the worker's grid to $CASES cases"
fill_cases "$zone" "$CASES"
# what autovacuum would do in time (it had not on this machine when we measured)
case "$DATABASE_URL" in postgres*) psql -q "$DATABASE_URL" -c ANALYZE ;; esac
echo "-- $(case_count "$zone") cases"
measure
peak_memory
