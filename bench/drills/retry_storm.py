#!/usr/bin/env python3
"""Retry storm: each of 1000 reports sent 3 times at once with its
Idempotency-Key, the copies spread over two instances on one PostgreSQL.

A copy that finds its key still in use (409) retries, as a field app does,
until it gets the stored answer. Passes when exactly 1000 cases exist, every
copy of a report got the same case, and no answer was other than 201, a
replay or 409 along the way.

    DRILL_STORM_KEYS=1000 bench/drills/retry_storm.py
"""

import os
import random
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

from drill import Demo, Server, Verdict, new_key

KEYS = int(os.environ.get("DRILL_STORM_KEYS", "1000"))
COPIES = 3


def main():
    v = Verdict(f"retry storm ({KEYS} reports x {COPIES}, two instances)")
    demo = Demo("postgres")
    first = demo.server
    second = Server(demo.url, first.work).start()
    jobs = [(f"storm-{n}", new_key()) for n in range(KEYS)]
    answers = defaultdict(list)  # tag -> case ids
    seen = Counter()

    def send(job):
        tag, key = job
        deadline = time.monotonic() + 30
        while True:
            r = demo.report(tag, key, random.choice((first, second)))
            replayed = r.headers.get("idempotent-replayed") == "true"
            seen[f"{r.status}{' replayed' if replayed else ''}"] += 1
            if r.status == 409 and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            answers[tag].append(r.json().get("id") if r.status == 201 else f"status {r.status}")
            return

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=COPIES * 8) as pool:
        list(pool.map(send, [job for job in jobs for _ in range(COPIES)]))
    took = time.monotonic() - started
    first.stop()
    second.stop()

    v.figure("answers", dict(seen))
    v.figure("took", f"{took:.1f} s for {KEYS * COPIES} sends")
    v.check(set(seen) <= {"201", "201 replayed", "409"}, "every answer was 201, a replay of it, or 409 while the first ran")
    same = all(len(set(ids)) == 1 and len(ids) == COPIES and not ids[0].startswith("status")
               for ids in answers.values())
    v.check(len(answers) == KEYS and same, "the copies of each report all got the same case")
    stored = demo.stored("storm-")
    v.figure("cases stored", sum(stored.values()))
    v.check(sum(stored.values()) == KEYS and set(stored.values()) == {1}, f"exactly {KEYS} cases, one per report")
    return v.done()


if __name__ == "__main__":
    sys.exit(main())
