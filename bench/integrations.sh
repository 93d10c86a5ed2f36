#!/usr/bin/env bash
# Issue 15's integrator paths on the demo zone, each as a ratio to GET /readyz
# measured in the same run: a platform's list of its 300 enrolled riders, the
# office's pending enrolments, a rider-token exchange, and Open311 — the
# services, an integrator's and the public request search over 300 reports,
# and reporting (form-encoded, 16 connections).
# Loopback only; every run is bounded by wrk's duration.
#   bash bench/integrations.sh                              # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/integrations.sh    (an empty database)
# Needs: wrk (apt-get install wrk), a release build.
PORT=${PORT:-18083}
source "$(dirname "$0")/lib.sh"
serve --demo

# the platform, 300 riders in a worker's grid (one approved) and 300 Open311 reports
read -r key office enrolment < <(python3 - "$PORT" "$work/seed.txt" <<'PY'
import json, re, sys, urllib.parse, urllib.request
port, seed = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
base = f"http://127.0.0.1:{port}"
def call(path, body=None, token=None, form=None):
    data, headers = None, {}
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, headers=headers)) as r:
        return json.loads(r.read())
password = dict(re.findall(r"^  (\S+)\s+\S+\s+\S+\s+(\S+)$", seed, re.M))
login = lambda u, p: call("/api/v1/auth/login", {"username": u, "password": p})["access_token"]
admin = login("admin", "Bench-keeper-2025")
office = login("zhengh", password["zhengh"])
worker = login("zhangyc", password["zhangyc"])
grid = call("/api/v1/me", token=worker)["assignments"][0]["grid_id"]
key = call("/api/v1/integrators", {"name": "bench platform", "scopes": ["enrol_riders", "report_cases", "read_own_cases"]}, admin)["key"]
first = None
for n in range(300):
    e = call("/api/v1/integrations/mobile-workers", {"grid_id": grid, "platform_rider_id": f"bench-{n}", "name": f"骑手{n}",
             "mobile": "13700001111", "location_consent": True, "location_consent_at": "2026-12-01T00:00:00Z"}, key)
    first = first or e["id"]
call(f"/api/v1/enrolments/{first}/approve", {}, office)
for n in range(300):
    call(f"/open311/v2/requests.json?api_key={key}", form={"service_code": "safety_hazard.flooding",
         "address_string": f"人和路{n}号", "description": "路口积水"})
print(key, office, first)
PY
)

cat >"$work/token.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $key"
LUA
cat >"$work/open311.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "api_key=$key&jurisdiction_id=&service_code=safety_hazard.flooding&address_string=%E4%BA%BA%E5%92%8C%E8%B7%AF&description=bench"
LUA

ratio_header
ratio_row "GET /integrations/mobile-workers (50 of 300)" 64 -H "Authorization: Bearer $key" "$base/integrations/mobile-workers"
ratio_row "GET /enrolments?state=pending (office)" 64 -H "Authorization: Bearer $office" "$base/enrolments?state=pending"
ratio_row "POST …/mobile-workers/{id}/token" 64 -s "$work/token.lua" "$base/integrations/mobile-workers/$enrolment/token"
ratio_row "GET /open311/v2/services.json" 64 "$root/open311/v2/services.json"
ratio_row "GET /open311/v2/requests.json (own, 300)" 64 "$root/open311/v2/requests.json?api_key=$key"
ratio_row "GET /open311/v2/requests.json (public, 300)" 64 "$root/open311/v2/requests.json"
ratio_row "POST /open311/v2/requests.json (16 conns)" 16 -s "$work/open311.lua" "$root/open311/v2/requests.json"
peak_memory
