#!/usr/bin/env python3
"""Pool exhaustion: more slow concurrent requests than connections.

The server runs with a pool of 2 and a checkout timeout of 2 s. A session
outside it holds a lock on the cases (PostgreSQL: `LOCK TABLE cases`;
SQLite: `BEGIN IMMEDIATE`) for a few seconds, so the requests that reach the
cases hold their connections, and 12 concurrent ones are more than the pool.
Passes when the ones that find no connection get 503 problem+json with
`Retry-After` (never 500, no dropped connection), `/healthz` answers at once
throughout, and once the lock is gone everything is served again.

    bench/drills/pool_exhaustion.py [sqlite|postgres]...
"""

import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter

from drill import Demo, Verdict, call

HOLD = 6
CHECKOUT_TIMEOUT = 2
# a SQLite writer that got a connection waits at most this long for the
# write lock (the writers' queue, then busy_timeout) before its 503
SQLITE_WRITE_WAIT = 5


def hold_lock(backend, url, ready, release):
    """Holds the cases' lock until `release` is set."""
    if backend == "postgres":
        p = subprocess.Popen(["psql", url.split("?")[0], "-q"], stdin=subprocess.PIPE, text=True)
        p.stdin.write("BEGIN; LOCK TABLE cases IN ACCESS EXCLUSIVE MODE;\n")
        p.stdin.flush()
        time.sleep(0.5)
        ready.set()
        release.wait()
        p.stdin.write("ROLLBACK;\n\\q\n")
        p.stdin.close()
        p.wait()
    else:
        db = sqlite3.connect(url, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        ready.set()
        release.wait()
        db.execute("ROLLBACK")
        db.close()


def drill(backend):
    v = Verdict(f"pool exhaustion ({backend})")
    demo = Demo(backend, GRIDWORK_DB_POOL_SIZE=2, GRIDWORK_DB_TIMEOUT_SECS=CHECKOUT_TIMEOUT)
    server, token, url = demo.server, demo.token, demo.url

    ready, release = threading.Event(), threading.Event()
    locker = threading.Thread(target=hold_lock, args=(backend, url, ready, release))
    locker.start()
    ready.wait()
    replies, health = [], []

    def slow(n):
        if n % 2:
            r = demo.report(f"pool-{n}")
        else:
            r = call("GET", server.api("/cases?limit=5"), token=token)
        replies.append(r)

    started = time.monotonic()
    crowd = [threading.Thread(target=slow, args=(n,)) for n in range(12)]
    for t in crowd:
        t.start()
    while time.monotonic() - started < HOLD:
        health.append(call("GET", server.root + "/healthz", timeout=5))
        time.sleep(0.2)
    release.set()
    locker.join()
    for t in crowd:
        t.join()
    after = [call("GET", server.api("/cases?limit=5"), token=token) for _ in range(5)]
    server.stop()

    statuses = Counter(r.status for r in replies)
    refused = [r for r in replies if r.status == 503]
    v.figure("12 concurrent requests against a pool of 2", dict(statuses))
    v.check(len(refused) > 0, "some found no connection")
    v.check(all(r.status in (200, 201, 503) for r in replies), "no other answer than served or 503 (no 500, no dropped connection)")
    v.check(all(r.problem and r.headers.get("retry-after") for r in refused), "every 503 is problem+json with Retry-After")
    slowest = max(r.elapsed for r in refused) if refused else 0
    bound = CHECKOUT_TIMEOUT + (SQLITE_WRITE_WAIT if backend == "sqlite" else 0)
    v.figure("slowest 503", f"{slowest:.2f} s (checkout timeout {CHECKOUT_TIMEOUT} s"
             + (f", then at most {SQLITE_WRITE_WAIT} s for SQLite's write lock)" if backend == "sqlite" else ")"))
    v.check(slowest <= bound + 1, "no 503 waited past its bound")
    worst_health = max(r.elapsed for r in health)
    v.figure("/healthz meanwhile", f"{len(health)} calls, slowest {worst_health * 1000:.0f} ms")
    v.check(all(r.status == 200 for r in health) and worst_health < 0.5, "/healthz answered at once throughout")
    v.check(all(r.status == 200 for r in after), "served again once the lock was gone")
    return v.done()


if __name__ == "__main__":
    sys.exit(max(drill(b) for b in (sys.argv[1:] or ["sqlite", "postgres"])))
