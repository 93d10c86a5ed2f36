# Shared by the demo-zone scripts (bench/*.sh); source it after choosing PORT.
# It builds the release server if it is missing, makes a scratch folder
# (removed on exit, the server stopped), and sets the server up for load:
# quotas high enough to measure the server rather than the limiter, and the
# sweeper idle, so it does not escalate the load's cases while they are
# measured. Loopback only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=target/release/gridwork
DURATION=${DURATION:-10s}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
[ -x "$BIN" ] || cargo build --release -p gridwork-api
work=$(mktemp -d)
pid=
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

export DATABASE_URL=${DATABASE_URL:-$work/bench.db}
export GRIDWORK_ATTACHMENT_STORE=$work/photos
export GRIDWORK_BIND=127.0.0.1:$PORT GRIDWORK_ADMIN_PASSWORD=Bench-keeper-2025 GRIDWORK_LOG_FORMAT=json RUST_LOG=warn
export GRIDWORK_RATE_LIMIT_PER_MINUTE=${GRIDWORK_RATE_LIMIT_PER_MINUTE:-100000000}
export GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE=${GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE:-100000000}
export GRIDWORK_RATE_LIMIT_INTEGRATOR_PER_MINUTE=${GRIDWORK_RATE_LIMIT_INTEGRATOR_PER_MINUTE:-100000000}
export GRIDWORK_SWEEP_INTERVAL_SECS=${GRIDWORK_SWEEP_INTERVAL_SECS:-86400}
root="http://127.0.0.1:$PORT"
base="$root/api/v1"

serve() { # [--demo]: start the server, the demo zone loaded first (its accounts in $work/seed.txt)
    if [ "${1:-}" = --demo ]; then "$BIN" seed --demo >"$work/seed.txt"; fi
    "$BIN" serve >"$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 50); do curl -fs "$root/readyz" >/dev/null && break; sleep 0.2; done
    echo "backend: $(curl -fs "$root/readyz")"
}

token_of() { # username [password]: an access token (a demo account's password by default)
    local pw=${2:-}
    [ -n "$pw" ] || pw=$(awk -v u="$1" '$1 == u {print $4}' "$work/seed.txt")
    curl -fs "$base/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$pw\"}" | python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])'
}

first_grid() { # token: the first grid the caller sees (a worker's own)
    curl -fs "$base/grids?limit=1" -H "Authorization: Bearer $1" | python3 -c 'import sys, json; print(json.load(sys.stdin)["items"][0]["id"])'
}

case_count() { # token: the cases /stats/cases counts for the caller
    curl -fs "$base/stats/cases" -H "Authorization: Bearer $1" |
        python3 -c 'import sys, json; print(sum(s["count"] for s in json.load(sys.stdin)["by_state"]))'
}

report_script() { # token, grid id [extra JSON fields]: $work/report.lua, a worker's POST /cases
    cat >"$work/report.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $1"
wrk.body = '{"category":"safety_hazard.flooding","severity":"general","source":"grid_worker","description":"车间屋顶漏雨","grid_id":"$2"${3:+,$3}}'
LUA
}

fill_cases() { # token of the zone, target: report as the worker (report.lua) until the zone holds that many
    while [ "$(case_count "$1")" -lt "$2" ]; do
        wrk -t2 -c16 -d30s -s "$work/report.lua" "$base/cases" >/dev/null
    done
}

row() { # name, connections, duration, wrk args…: req/s, p50, p99, non-2xx
    local name=$1 conns=$2 duration=$3; shift 3
    printf '%-34s ' "$name"
    wrk -t2 -c"$conns" -d"$duration" --latency "$@" |
        awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2} /Non-2xx/ {bad=$NF}
             END {printf "%10s req/s  p50 %8s  p99 %8s  non-2xx %s\n", rps, p50, p99, (bad == "" ? 0 : bad)}'
}

ceiling=0
ratio_header() {
    echo "| request | req/s | ÷ readyz | p50 | p99 | non-2xx |"
    echo "|---|---|---|---|---|---|"
    ratio_row "GET /readyz" 64 "$root/readyz"
}

ratio_row() { # name, connections, wrk args…: a table row with its ratio to GET /readyz (ratio_header measures it)
    local name=$1 conns=$2; shift 2
    local out rps
    out=$(wrk -t2 -c"$conns" -d"$DURATION" --latency "$@")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    [ "$name" = "GET /readyz" ] && ceiling=$rps
    awk -v name="$name" -v ceiling="$ceiling" '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /^ +50%/ {p50=$2} /Non-2xx/ {bad=$NF}
         END {printf "| %-44s | %9s | %6.3f | %8s | %8s | %s |\n", name, rps, rps / ceiling, p50, p99, (bad == "" ? 0 : bad)}' <<<"$out"
}

peak_memory() {
    echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
}
