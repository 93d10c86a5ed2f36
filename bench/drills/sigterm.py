#!/usr/bin/env python3
"""SIGTERM under load.

Eight workers report cases and read lists; the server gets SIGTERM in the
middle. Passes when every request the server took before the signal is
answered (2xx), later connections are refused, the process exits 0 within
its grace period (10 s), and nothing is half-written: every accepted report
is stored once, no other one is, and no Idempotency-Key claim is left
unfinished. A connection still waiting in the kernel's listen backlog when
the listener closes is reset unread; the drill counts those apart, and the
stored reports show they were never taken (a client retries them with
their Idempotency-Key).

    bench/drills/sigterm.py [sqlite|postgres]...
"""

import signal
import sys
import threading
import time
from collections import Counter

from drill import Demo, Verdict, call

GRACE = 10


def drill(backend):
    v = Verdict(f"SIGTERM under load ({backend})")
    demo = Demo(backend)
    server, token = demo.server, demo.token

    posts, reads = [], []
    stop = threading.Event()

    def worker(n):
        for tag in demo.tags(f"drill-{n}", stop):
            r = demo.report(tag)
            posts.append((tag, r))
            reads.append(call("GET", server.api("/cases?limit=20"), token=token))
            if r.status == 0 and "Refused" in (r.error or ""):
                time.sleep(0.05)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    time.sleep(3)
    signalled = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    try:
        code = server.proc.wait(GRACE + 5)
    except Exception:
        code = None
    exited = time.monotonic() - signalled
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    server.stop(signal.SIGKILL)

    def kind(r):
        if 200 <= r.status < 300:
            return "2xx"
        if "Refused" in (r.error or ""):
            return "refused"
        # a connection still in the kernel's listen backlog when the listener
        # closed is reset without being read (seen by the client as a reset,
        # a closed connection, or a broken pipe while it was still sending):
        # never taken, like a refusal; the stored reports check it
        if any(e in (r.error or "") for e in ("Reset", "RemoteDisconnected", "BrokenPipe", "Aborted")):
            return "reset unread"
        return r.status or r.error

    replies = [r for _, r in posts] + reads
    outcome = Counter(kind(r) for r in replies)
    v.figure("requests", dict(outcome))
    v.figure("exit", f"code {code} after {exited:.2f} s")
    v.check(code == 0 and exited <= GRACE + 1, f"exited 0 within the grace period ({GRACE} s)")
    v.check(set(outcome) <= {"2xx", "refused", "reset unread"},
            "every request taken was answered 2xx; the rest were refused or reset unread (no 5xx)")
    v.check(outcome["refused"] > 0, "new connections were refused after the signal")

    found = demo.stored("drill-")
    accepted = {tag for tag, r in posts if 200 <= r.status < 300}
    v.figure("reports", f"{len(accepted)} accepted, {sum(found.values())} stored")
    v.check(all(found[t] == 1 for t in accepted) and set(found) <= accepted,
            "every accepted report is stored once, and nothing else")
    open_claims = demo.query("SELECT count(*) FROM idempotency_keys WHERE completed_at IS NULL")[0][0]
    v.check(open_claims == "0", f"no unfinished Idempotency-Key claim ({open_claims})")
    return v.done()


if __name__ == "__main__":
    sys.exit(max(drill(b) for b in (sys.argv[1:] or ["sqlite", "postgres"])))
