#!/usr/bin/env python3
"""PostgreSQL restarted under load.

Workers report cases (each with a fresh Idempotency-Key and a tag in its
description) and read their list while the local cluster is stopped for a
few seconds and started again. Passes when:
- during the outage every refusal is 503 problem+json (never 500, never a
  dropped connection), `/readyz` included, and none waits past the pool's
  checkout timeout;
- the server serves again within 30 s of PostgreSQL being back;
- every case whose POST got a 2xx exists exactly once, and none whose POST
  got a 5xx exists.

It stops and starts the whole local cluster: run it alone.
"""

import sys
import threading
import time
from collections import Counter

from drill import Demo, Verdict, call, pg_ctl, pg_ready

CHECKOUT_TIMEOUT = 3
OUTAGE = 6


def main():
    v = Verdict("PostgreSQL restarted under load")
    demo = Demo("postgres", GRIDWORK_DB_TIMEOUT_SECS=CHECKOUT_TIMEOUT, GRIDWORK_DB_POOL_SIZE=8)
    server, token = demo.server, demo.token

    posts, reads = [], []  # (finished at, tag or path, reply)
    stop = threading.Event()

    def writer(n):
        for tag in demo.tags(f"drill-{n}", stop):
            posts.append((time.monotonic(), tag, demo.report(tag)))

    def reader():
        while not stop.is_set():
            for path in ("/readyz", "/api/v1/cases?limit=5"):
                r = call("GET", server.root + path, token=token)
                reads.append((time.monotonic(), path, r))
            time.sleep(0.05)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(3)
    down = time.monotonic()
    pg_ctl("stop")
    time.sleep(OUTAGE)
    pg_ctl("start")
    while not pg_ready():
        time.sleep(0.1)
    up = time.monotonic()
    time.sleep(30)
    stop.set()
    for t in threads:
        t.join()
    server.stop()

    replies = [r for _, _, r in posts + reads]
    failed = [(at, what, r) for at, what, r in posts + reads if not 200 <= r.status < 300]
    statuses = Counter(r.status for _, _, r in failed)
    v.figure("requests", f"{len(replies)} ({len(posts)} reports, {len(reads)} reads)")
    v.figure("PostgreSQL down", f"{up - down:.1f} s")
    v.figure("refused", dict(statuses))
    v.check(len(failed) > 0, "the outage was seen (some requests refused)")
    v.check(all(r.status == 503 and r.problem for _, _, r in failed),
            "every refusal was 503 problem+json (no 500, no dropped connection)")
    v.check(all(r.headers.get("retry-after") for _, _, r in failed if r.status == 503),
            "every 503 carried Retry-After")
    readyz = [r for _, p, r in reads if p == "/readyz" and r.status != 200]
    v.check(len(readyz) > 0 and all(r.status == 503 for r in readyz), "/readyz answered 503 while it could not serve")
    slowest = max(r.elapsed for r in replies)
    v.figure("slowest request", f"{slowest:.2f} s (checkout timeout {CHECKOUT_TIMEOUT} s)")
    v.check(slowest <= CHECKOUT_TIMEOUT + 1.5, "no request waited past the checkout timeout")
    last_failure = max(at for at, _, _ in failed) if failed else up
    recovery = max(0.0, last_failure - up)
    v.figure("served again", f"{recovery:.1f} s after PostgreSQL was back")
    v.check(recovery < 30 - 5, "recovered within 30 s, and stayed up to the end")

    stored = demo.stored("drill-")
    ok_tags = {tag for _, tag, r in posts if 200 <= r.status < 300}
    refused_tags = {tag for _, tag, r in posts if r.status >= 500}
    v.figure("reports", f"{len(ok_tags)} accepted, {len(refused_tags)} refused, {sum(stored.values())} stored")
    v.check(all(stored[t] == 1 for t in ok_tags), "every accepted report is stored exactly once")
    v.check(not (refused_tags & stored.keys()), "no refused report is stored")
    v.check(set(stored) <= ok_tags | refused_tags, "nothing stored that was not sent")
    return v.done()


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        if not pg_ready():
            pg_ctl("start")
