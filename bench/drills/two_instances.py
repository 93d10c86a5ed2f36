#!/usr/bin/env python3
"""Two instances on one PostgreSQL: they start together, and the sweeper and
webhooks act once.

First two instances start at the same moment on an empty database: both
must come up (they take turns migrating it). Then both instances sweep every second and poll for webhooks every 100 ms. An
integrator subscribes a receiver on loopback to its cases' events and
reports 30 cases through Open311; their acceptance deadlines are then moved
into the past. Passes when each case was escalated exactly once (one
timeline entry, its level raised by one) and the receiver got every
delivery exactly once.
"""

import sys
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from drill import ADMIN_PASSWORD, Server, Verdict, call, fresh_pg, psql, scratch, wait_for

CASES = 30


class Receiver(BaseHTTPRequestHandler):
    got = Counter()
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        with Receiver.lock:
            Receiver.got[self.headers.get("webhook-id")] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def start_together(v, work):
    """Two instances started at once on an empty database both serve."""
    url = fresh_pg("gridwork_drill_race")
    pair = [Server(url, work) for _ in range(2)]
    starting = [threading.Thread(target=s.start) for s in pair]
    for t in starting:
        t.start()
    for t in starting:
        t.join()
    ready = [call("GET", s.root + "/readyz").status for s in pair]
    for s in pair:
        s.stop()
    v.check(ready == [200, 200], f"two instances started at once on an empty database both serve ({ready})")


def main():
    v = Verdict("two instances: they start together, the sweeper and webhooks act once")
    work = scratch()
    start_together(v, work)
    url = fresh_pg("gridwork_drill")
    db = url.split("?")[0]
    settings = dict(GRIDWORK_SWEEP_INTERVAL_SECS=1, GRIDWORK_WEBHOOK_POLL_MS=100,
                    GRIDWORK_WEBHOOK_ALLOW_PRIVATE="true", GRIDWORK_WEBHOOK_RETRY_BASE_MS=100)
    first = Server(url, work, **settings)
    first.seed_demo()
    first.start()
    second = Server(url, work, **settings).start()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()

    admin = first.login("admin", ADMIN_PASSWORD)
    r = call("POST", first.api("/integrators"), {"name": "drill platform",
             "scopes": ["report_cases", "read_own_cases", "receive_webhooks"]}, admin)
    key = r.json()["key"]
    r = call("POST", second.api("/webhooks"), {"url": f"http://127.0.0.1:{receiver.server_port}/hook",
             "event_types": ["case.created", "case.escalated", "case.overdue"]}, key)
    v.check(r.status == 201, f"subscribed the receiver ({r.status})")
    for n in range(CASES):
        form = urllib.parse.urlencode({"service_code": "safety_hazard.flooding", "address_string": f"人和路{n}号",
                                       "description": f"路口积水 two-{n}"})
        call("POST", (first, second)[n % 2].root + f"/open311/v2/requests.json?api_key={key}", headers={
            "Content-Type": "application/x-www-form-urlencoded"}, raw=form.encode())
    reported = psql(db, "SELECT count(*) FROM cases WHERE description LIKE '%two-%'")[0][0]
    v.check(reported == str(CASES), f"{CASES} cases reported through both instances ({reported})")
    levels = dict(psql(db, "SELECT id, level FROM cases WHERE description LIKE '%two-%'"))
    psql(db, "UPDATE cases SET accept_due_at = (now() AT TIME ZONE 'utc') - interval '1 minute' "
             "WHERE description LIKE '%two-%' AND state = 'reported'")
    escalated_all = wait_for(lambda: psql(db, "SELECT count(*) FROM cases WHERE description LIKE '%two-%' "
                                              "AND overdue_escalated LIKE '%accept%'")[0][0] == str(CASES))
    v.check(escalated_all, "the sweepers escalated every overdue case")
    time.sleep(3)  # more sweeps of both instances, which must find nothing left to do
    entries = Counter(row[0] for row in psql(
        db, "SELECT t.case_id FROM case_timeline t JOIN cases c ON c.id = t.case_id "
            "WHERE c.description LIKE '%two-%' AND t.note LIKE '%系统自动上报%'"))
    v.figure("escalation entries per case", dict(Counter(entries.values())))
    v.check(len(entries) == CASES and set(entries.values()) == {1}, "each case escalated exactly once")
    after = dict(psql(db, "SELECT id, level FROM cases WHERE description LIKE '%two-%'"))
    raised = sum(1 for case, level in after.items() if level != levels[case])
    v.figure("levels raised", f"{raised} of {CASES}")

    delivered = lambda: psql(db, "SELECT count(*) FROM webhook_deliveries WHERE state <> 'delivered'")[0][0] == "0"
    v.check(wait_for(delivered), "every delivery was made")
    total = int(psql(db, "SELECT count(*) FROM webhook_deliveries")[0][0])
    v.figure("deliveries", f"{total} in the database, {len(Receiver.got)} distinct received, "
             f"{sum(Receiver.got.values())} requests")
    v.check(total >= 2 * CASES and len(Receiver.got) == total and set(Receiver.got.values()) == {1},
            "the receiver got each delivery exactly once")
    first.stop()
    second.stop()
    receiver.shutdown()
    return v.done()


if __name__ == "__main__":
    sys.exit(main())
