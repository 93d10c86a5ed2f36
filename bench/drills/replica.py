#!/usr/bin/env python3
"""A read replica (GRIDWORK_DATABASE_READ_URL): stats and sync read from it,
callers read their own writes back, and a replica that falls behind or
stops sends reads back to the primary.

The drill makes its own pair on loopback ports, leaving the shared cluster
alone: a primary made with initdb, and a streaming replica of it made with
pg_basebackup. Two instances run on them. Replay is paused on the replica
to tell its answers from the primary's:
- a zone officer who never wrote reads stats that lack a new report (the
  replica answered);
- the worker who wrote it reads it back, from the other instance (the
  primary answered: the read fence is in the database);
- once the replica lags past GRIDWORK_DATABASE_READ_MAX_LAG_SECS, the officer
  reads the primary too.
Then, under readers and reporters, the replica is stopped hard: every read
still answers 200, and the officer's figures match the primary's. Started
again, the replica is read again.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from drill import (Demo, Server, Verdict, call, cluster, first_grid, free_port, new_key, psql, report, scratch,
                   wait_for)

MAX_LAG = 4


def as_postgres(*args):
    return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True,
                          capture_output=True, text=True)


class Pair:
    """A primary and its streaming replica, in a scratch folder."""

    def __init__(self):
        self.bin = Path(f"/usr/lib/postgresql/{cluster()[0]}/bin")
        self.dir = Path(tempfile.mkdtemp(prefix="gridwork-replica-"))
        os.chmod(self.dir, 0o755)
        shutil.chown(self.dir, "postgres", "postgres")
        self.primary, self.replica = self.dir / "primary", self.dir / "replica"
        self.primary_port, self.replica_port = free_port(), free_port()
        as_postgres(str(self.bin / "initdb"), "-D", str(self.primary), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.ctl(self.primary, self.primary_port, "start")
        as_postgres(str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary_port),
                    "-U", "postgres", "-D", str(self.replica), "-R", "-X", "stream")
        self.ctl(self.replica, self.replica_port, "start")

    def ctl(self, data, port, action, mode="fast"):
        options = f"-p {port} -k {self.dir} -c listen_addresses=127.0.0.1"
        as_postgres(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(data) + ".log", "-w",
                    "-m", mode, "-o", options, action)

    def url(self, port, db="postgres"):
        return f"postgres://postgres@127.0.0.1:{port}/{db}?sslmode=disable"

    def close(self):
        for data, port in [(self.replica, self.replica_port), (self.primary, self.primary_port)]:
            try:
                self.ctl(data, port, "stop", "immediate")
            except subprocess.CalledProcessError:
                pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)


def cases_seen(server, token):
    """Cases in the caller's scope by /stats/cases, or the failed reply."""
    r = call("GET", server.api("/stats/cases"), token=token)
    if r.status != 200:
        return r
    return sum(row["count"] for row in r.json()["by_state"])


def main():
    v = Verdict("read replica: stats and sync read from it, own writes from the primary, failover")
    pair = Pair()
    try:
        return drill(v, pair)
    finally:
        pair.close()


def drill(v, pair):
    psql(pair.url(pair.primary_port), "CREATE DATABASE gridwork")
    primary_db = pair.url(pair.primary_port, "gridwork")
    replica_db = pair.url(pair.replica_port, "gridwork")
    work = scratch()
    settings = dict(GRIDWORK_DATABASE_READ_URL=replica_db, GRIDWORK_DATABASE_READ_MAX_LAG_SECS=MAX_LAG)
    first = Server(primary_db, work, **settings)
    accounts = first.seed_demo()
    first.start()
    second = Server(primary_db, work, **settings).start()
    officer = first.login("zhangdl", accounts["zhangdl"])
    worker = first.login("zhangyc", accounts["zhangyc"])
    grid = first_grid(first, worker)
    reported = lambda tag: call("POST", first.api("/cases"), report(grid, tag), worker,
                                {"Idempotency-Key": new_key()})
    truth = lambda: int(psql(primary_db.split("?")[0], "SELECT count(*) FROM cases")[0][0])
    on_replica = lambda sql: psql(replica_db.split("?")[0], sql)

    v.check(wait_for(lambda: on_replica("SELECT count(*) FROM cases")[0][0] == str(truth())),
            "the replica made with pg_basebackup streams the demo zone")
    time.sleep(1)  # a few freshness samples
    before = cases_seen(second, officer)
    on_replica("SELECT pg_wal_replay_pause()")
    paused = time.monotonic()
    r = reported("replica-own")
    v.check(r.status == 201, f"the worker reported a case through one instance ({r.status})")
    stale = cases_seen(second, officer)
    own = cases_seen(second, worker)
    primary_now = truth()
    v.figure("cases: primary / the officer's stats with replay paused", f"{primary_now} / {stale}")
    v.check(stale == before == primary_now - 1,
            "a zone officer who never wrote read stats from the replica, without the new case")
    worker_truth = cases_seen(first, worker)  # the writer reads the primary on both instances
    v.check(own == worker_truth and isinstance(own, int),
            f"the worker read its own report back through the other instance ({own})")
    sync = call("GET", second.api("/sync?types=cases"), token=worker)
    v.check(sync.status == 200 and "replica-own" in sync.body.decode(),
            "the worker's sync holds its own report")
    time.sleep(max(0.0, MAX_LAG + 1 - (time.monotonic() - paused)))
    late = cases_seen(second, officer)
    v.check(late == primary_now,
            f"past {MAX_LAG} s behind, the replica is not read: the officer sees the primary ({late})")
    on_replica("SELECT pg_wal_replay_resume()")

    # readers and reporters while the replica is stopped hard
    stop = threading.Event()
    statuses, lock = Counter(), threading.Lock()

    def reader(server, token, path):
        while not stop.is_set():
            r = call("GET", server.api(path), token=token, timeout=10)
            with lock:
                statuses[(path.split("?")[0], r.status)] += 1

    def reporter():
        for tag in Demo.tags("replica-load", stop):
            r = reported(tag)
            with lock:
                statuses[("POST /cases", r.status)] += 1

    threads = [threading.Thread(target=reader, args=(s, t, p)) for s in (first, second)
               for t in (officer, worker) for p in ("/stats/cases", "/sync?types=cases", "/stats/coverage")]
    threads.append(threading.Thread(target=reporter))
    for t in threads:
        t.start()
    time.sleep(2)
    pair.ctl(pair.replica, pair.replica_port, "stop", "immediate")
    stopped = time.monotonic()
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join()
    v.figure("answers while the replica was stopped", dict(sorted(statuses.items())))
    failed = {k: n for k, n in statuses.items() if k[1] != 200 and k[1] != 201}
    v.check(not failed, f"every read and report answered 2xx while the replica stopped ({failed or 'none'})")
    after = cases_seen(second, officer)
    v.check(after == truth(), f"with the replica down the officer reads the primary ({after} of {truth()})")
    v.figure("replica down for", f"{time.monotonic() - stopped:.1f} s")

    pair.ctl(pair.replica, pair.replica_port, "start")
    v.check(wait_for(lambda: on_replica("SELECT count(*) FROM cases")[0][0] == str(truth())),
            "the replica started again and caught up")
    time.sleep(1)
    on_replica("SELECT pg_wal_replay_pause()")
    r = reported("replica-back")
    back = cases_seen(first, officer)
    v.check(r.status == 201 and back == truth() - 1,
            f"the replica is read again once it is back ({back} of {truth()})")
    on_replica("SELECT pg_wal_replay_resume()")
    first.stop()
    second.stop()
    return v.done()


if __name__ == "__main__":
    sys.exit(main())
