"""What the fault drills share: the server binary, fresh databases, servers
started and stopped on loopback ports, HTTP calls that never raise, and the
verdicts each drill prints. Standard library only; loopback only.

Each drill prints its figures and a line per check, and exits non-zero when
a check fails.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("DRILL_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_CLUSTER = os.environ.get("DRILL_PG_CLUSTER")  # "15 main"; found when unset
ADMIN_PASSWORD = "Drill-keeper-2025"


def binary():
    """The server: GRIDWORK_BIN, or the debug build `cargo test` leaves
    (under CARGO_TARGET_DIR when set; built if missing)."""
    path = os.environ.get("GRIDWORK_BIN")
    if path:
        return path
    path = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target") / "debug" / "gridwork"
    if not path.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "gridwork-api"], cwd=ROOT, check=True)
    return str(path)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    """Rows of `sql` as lists of strings."""
    out = subprocess.run(
        ["psql", url, "-qAt", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def fresh_pg(name):
    """A new empty database `name` on the loopback cluster; its URL."""
    psql(PG_ADMIN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(PG_ADMIN, f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}?sslmode=disable"


def cluster():
    """`version name` of the local PostgreSQL cluster, for pg_ctlcluster."""
    if PG_CLUSTER:
        return PG_CLUSTER.split()
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])
    return [versions[-1], "main"]


def pg_ctl(action):
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster(), action, *(["-m", "fast"] if action in ("stop", "restart") else [])],
        check=True, capture_output=True,
    )


def pg_ready():
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


class Server:
    """One `gridwork serve` on a loopback port, its log in a scratch folder."""

    def __init__(self, database_url, work, **settings):
        self.port = free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.work = Path(work)
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "GRIDWORK_BIND": f"127.0.0.1:{self.port}",
            "GRIDWORK_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "GRIDWORK_ATTACHMENT_STORE": str(self.work / "photos"),
            "GRIDWORK_LOG_FORMAT": "json",
            "RUST_LOG": "warn",
            "GRIDWORK_RATE_LIMIT_PER_MINUTE": "100000000",
            "GRIDWORK_RATE_LIMIT_ANON_PER_MINUTE": "100000000",
            "GRIDWORK_RATE_LIMIT_INTEGRATOR_PER_MINUTE": "100000000",
            "GRIDWORK_JWT_SECRET": "drill-secret-drill-secret-drill-secret-0123456789",
            **{k: str(v) for k, v in settings.items()},
        }
        self.proc = None

    def seed_demo(self):
        """Loads the demo zone; its accounts as {username: password}."""
        out = subprocess.run([binary(), "seed", "--demo"], env=self.env, check=True,
                             capture_output=True, text=True).stdout
        # "  username  role  name  password" under "accounts (shown once):"
        block = out.split("accounts (shown once):", 1)[-1].split("\n\n", 1)[0]
        return {line.split()[0]: line.split()[-1] for line in block.splitlines() if line.strip()}

    def start(self):
        log = open(self.work / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen([binary(), "serve"], env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if call("GET", self.root + "/healthz", timeout=1).status == 200:
                return self
            if self.proc.poll() is not None:
                sys.exit(f"the server exited at start (code {self.proc.returncode}); see {log.name}")
            time.sleep(0.1)
        sys.exit(f"the server did not answer /healthz within 30 s; see {log.name}")

    def stop(self, sig=signal.SIGTERM, wait=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def api(self, path):
        return f"{self.root}/api/v1{path}"

    def login(self, username, password):
        r = call("POST", self.api("/auth/login"), {"username": username, "password": password})
        if r.status != 200:
            sys.exit(f"login of {username} failed: {r.status} {r.body[:200]!r}")
        return r.json()["access_token"]


class Reply:
    def __init__(self, status, headers, body, elapsed, error=None):
        self.status, self.headers, self.body, self.elapsed, self.error = status, headers, body, elapsed, error

    def json(self):
        return json.loads(self.body)

    @property
    def problem(self):
        return self.headers.get("content-type", "").startswith("application/problem+json")


def call(method, url, body=None, token=None, headers=None, timeout=30, raw=None):
    """One request on a fresh connection, with a JSON `body` or `raw` bytes.
    Never raises: a failed connection is status 0 with the error; `elapsed`
    is in seconds."""
    host, _, path = url.removeprefix("http://").partition("/")
    h, port = host.split(":")
    assert h == "127.0.0.1", "drills talk to loopback only"
    sent = {"Accept": "application/json", **(headers or {})}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    if token:
        sent["Authorization"] = f"Bearer {token}"
    started = time.monotonic()
    conn = http.client.HTTPConnection(h, int(port), timeout=timeout)
    try:
        conn.request(method, "/" + path, body=data, headers=sent)
        res = conn.getresponse()
        payload = res.read()
        return Reply(res.status, {k.lower(): v for k, v in res.getheaders()}, payload,
                     time.monotonic() - started)
    except (OSError, http.client.HTTPException) as e:
        return Reply(0, {}, b"", time.monotonic() - started, error=f"{type(e).__name__}: {e}")
    finally:
        conn.close()


def first_grid(server, token):
    return call("GET", server.api("/grids?limit=1"), token=token).json()["items"][0]["id"]


def report(grid, tag):
    """A worker's report, its description tagged so it can be found again."""
    return {"category": "safety_hazard.flooding", "severity": "general", "source": "grid_worker",
            "description": f"车间屋顶漏雨 {tag}", "grid_id": grid}


class Demo:
    """A started server on a fresh database (`sqlite` or `postgres`) holding
    the demo zone, with the token and grid of its grid worker."""

    def __init__(self, backend, **settings):
        self.backend, work = backend, scratch()
        self.url = fresh_pg("gridwork_drill") if backend == "postgres" else str(Path(work) / "drill.db")
        self.server = Server(self.url, work, **settings)
        self.accounts = self.server.seed_demo()
        self.server.start()
        self.token = self.server.login("zhangyc", self.accounts["zhangyc"])
        self.grid = first_grid(self.server, self.token)

    def report(self, tag, key=None, server=None):
        """POSTs a tagged report with an Idempotency-Key (a fresh one unless
        given), to this server or another on the same database."""
        return call("POST", (server or self.server).api("/cases"), report(self.grid, tag), self.token,
                    {"Idempotency-Key": key or new_key()})

    def query(self, sql):
        """Rows of `sql` on the database, as lists of strings."""
        if self.backend == "postgres":
            return psql(self.url.split("?")[0], sql)
        import sqlite3
        with sqlite3.connect(self.url) as db:
            return [[str(c) for c in row] for row in db.execute(sql)]

    @staticmethod
    def tags(prefix, stop):
        """`prefix-0`, `prefix-1`, … until `stop` is set: one reporter's tags."""
        i = 0
        while not stop.is_set():
            yield f"{prefix}-{i}"
            i += 1

    def stored(self, prefix):
        """How many times each tag starting with `prefix` is stored."""
        rows = self.query(f"SELECT description FROM cases WHERE description LIKE '%{prefix}%'")
        return Counter(row[0].split()[-1] for row in rows)


def wait_for(what, timeout=30):
    """Polls `what` until it is true (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(0.2)
    return False


def new_key():
    return str(uuid.uuid4())


def scratch():
    return tempfile.mkdtemp(prefix="gridwork-drill-")


class Verdict:
    """Checks and figures, printed as they come; `done()` sums them up: 1 if any failed."""

    def __init__(self, name):
        self.name, self.failed = name, 0
        print(f"== drill: {name}", flush=True)

    def figure(self, label, value):
        print(f"   {label}: {value}", flush=True)

    def check(self, ok, what):
        print(f"   [{'ok' if ok else 'FAIL'}] {what}", flush=True)
        self.failed += 0 if ok else 1

    def done(self):
        print(f"== {self.name}: {'passed' if not self.failed else f'{self.failed} check(s) failed'}", flush=True)
        return 1 if self.failed else 0
