"""xAPI ingestion throughput: batches of distinct statements POSTed over HTTP to a running Laurel.

Usage: ``python -m bench.xapi_load [--statements 30000] [--batch 100] [--clients N]
[--servers 1] [--database-url URL]``

A fresh Laurel in a temporary data folder (SQLite in WAL mode there, as laurel/settings.py
configures it, or a new database on the PostgreSQL server ``--database-url`` names, dropped
afterwards) runs ``laurel serve``: one process by default; two with ``--database-url`` unless
``--servers`` says otherwise, since ``laurel serve`` is one process and the PostgreSQL target is
measured with two, each on its own port. This process is the separate load generator: it makes
every statement distinct beforehand (ids, learners, activities, times, scores), then
``--clients`` threads (two per server process by default) POST the batches with HTTP Basic over
keep-alive connections spread over the server processes, and it reports statements per second,
the servers' own CPU time, and the load average (the machine may be shared). Afterwards it
checks that every statement was stored and made its fact.
"""

import argparse
import base64
import http.client
import json
import os
import queue
import random
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.issue_csv import machine, site

TARGET = 3000.0
# Learners in the generated statements: a few courses' worth, each sending many statements.
LEARNERS = 2000
SETUP = """
import json
from laurel.accounts.models import User
from laurel.core.actor import Actor
from laurel.ingest.sources import create_source
from laurel.orgs.models import Organization
org = Organization.objects.create(slug="bench", name_ko="벤치대학교", name_en="Bench University")
user = User.objects.create_user(email="owner@bench.example", password="x" * 20, name="Owner")
source, lines = create_source(Actor(user=user, via="cli"), org, "xapi", "Moodle")
print(json.dumps({"username": lines["username"], "password": lines["password"]}))
"""
REPORT = """
import json
from laurel.ingest.models import Fact, SourceIdentity
from laurel.ingest.xapi.models import Statement
print(json.dumps({"statements": Statement.objects.count(), "facts": Fact.objects.count(),
                  "identities": SourceIdentity.objects.count()}))
"""
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
VERBS = [
    ("http://adlnet.gov/expapi/verbs/completed", "completed", "assessment"),
    ("http://adlnet.gov/expapi/verbs/attended", "attended", "meeting"),
    ("http://adlnet.gov/expapi/verbs/scored", "attained grade for", "assessment"),
    ("http://activitystrea.ms/schema/1.0/submit", "submitted", "assessment"),
]


def statement(n: int, rng: random.Random) -> dict[str, Any]:
    """One Moodle-shaped statement, distinct in id, learner, activity, time and score."""
    verb, display, kind = VERBS[n % len(VERBS)]
    course = n % 40
    raw = rng.randint(0, 100)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {
            "objectType": "Agent",
            "name": f"학생 {n % LEARNERS}",
            "account": {"homePage": "https://moodle.bench.example", "name": str(n % LEARNERS)},
        },
        "verb": {"id": verb, "display": {"en": display}},
        "object": {
            "objectType": "Activity",
            "id": f"https://moodle.bench.example/mod/quiz/view.php?id={n}",
            "definition": {
                "type": f"http://adlnet.gov/expapi/activities/{kind}",
                "name": {"en": f"Activity {n}", "ko": f"활동 {n}"},
            },
        },
        "result": {"score": {"raw": raw, "min": 0, "max": 100, "scaled": raw / 100}, "completion": True},
        "timestamp": (START + timedelta(seconds=n)).isoformat(),
        "context": {
            "platform": "Moodle",
            "language": "ko",
            "contextActivities": {
                "grouping": [
                    {
                        "id": "https://moodle.bench.example",
                        "definition": {"type": "http://id.tincanapi.com/activitytype/lms"},
                    },
                    {
                        "id": f"https://moodle.bench.example/course/view.php?id={course}",
                        "definition": {"type": "http://id.tincanapi.com/activitytype/lms/course"},
                    },
                ],
                "category": [
                    {
                        "id": "http://moodle.org",
                        "definition": {"type": "http://id.tincanapi.com/activitytype/source"},
                    }
                ],
            },
            "extensions": {"http://lrs.learninglocker.net/define/extensions/info": {"event_name": "bench"}},
        },
    }


def batches(total: int, size: int, first: int = 0, seed: int = 20250303) -> list[bytes]:
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    bodies = []
    for start in range(first, first + total, size):
        chunk = [statement(n, rng) for n in range(start, min(start + size, first + total))]
        bodies.append(json.dumps(chunk).encode())
    return bodies


def wait_until_serving(ports: Sequence[int], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/xapi/about")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU time the processes have used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float | None:
    try:
        return cpu_seconds([pid])
    except OSError:  # gone, or not on this machine
        return None


def backends(site_: Any) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend serving the bench database.

    Only when PostgreSQL runs on this machine (its backends' /proc entries are then readable):
    on a two-core machine its work competes with the servers', so it is part of a batch's cost.
    """
    if not site_.database:
        return {}
    import psycopg

    with psycopg.connect(site_.admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [site_.database],
        ).fetchall()
    found = {pid: process_cpu(pid) for (pid,) in rows}
    return {pid: cpu for pid, cpu in found.items() if cpu is not None}


def load(ports: Sequence[int], bodies: list[bytes], clients: int, auth: str) -> tuple[float, list[str]]:
    """POST every body; returns the wall-clock seconds and any failures."""
    work: queue.Queue[tuple[int, bytes]] = queue.Queue()
    for n, body in enumerate(bodies):
        work.put((n, body))
    failures: list[str] = []
    headers = {
        "Authorization": auth,
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }

    def client(index: int) -> None:
        port = ports[index % len(ports)]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            try:
                _n, body = work.get_nowait()
            except queue.Empty:
                return
            connection.request("POST", "/xapi/statements", body, headers)
            response = connection.getresponse()
            text = response.read()
            if response.status != 200:
                failures.append(f"{response.status} {text[:200]!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--statements", type=int, default=30_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument(
        "--clients", type=int, default=0, help="concurrent connections (default two per server process)"
    )
    parser.add_argument(
        "--servers", type=int, default=0, help="laurel serve processes (default 1; 2 on PostgreSQL)"
    )
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to create a fresh database on"
    )
    args = parser.parse_args(argv)
    servers = args.servers or (2 if args.database_url else 1)
    # Two connections per server keep it busy (one request parsed while the other commits).
    clients = args.clients or 2 * servers
    bodies = batches(args.statements, args.batch)
    with site(args.database_url) as laurel:
        laurel.laurel("manage", "migrate", "-v", "0")
        credentials = laurel.query(SETUP)
        auth = (
            "Basic "
            + base64.b64encode(f"{credentials['username']}:{credentials['password']}".encode()).decode()
        )
        ports = [laurel.port] + [laurel_port() for _ in range(servers - 1)]
        for n, port in enumerate(ports):
            laurel.start(f"server{n}", "serve", "--port", str(port))
        wait_until_serving(ports)
        # One warm-up batch per server, outside the measurement (imports, first queries).
        warm = batches(args.batch * len(ports), args.batch, first=10**9, seed=1)
        load(ports, warm, len(ports), auth)
        before = laurel.query(REPORT)
        pids = [process.pid for process in laurel.processes]
        cpu_before = cpu_seconds(pids)
        database_before = backends(laurel)
        seconds, failures = load(ports, bodies, clients, auth)
        cpu = cpu_seconds(pids) - cpu_before
        database_after = backends(laurel)
        after = laurel.query(REPORT)
        load_average = os.getloadavg()
    stored = after["statements"] - before["statements"]
    facts = after["facts"] - before["facts"]
    rate = args.statements / seconds
    database = "PostgreSQL" if args.database_url else "SQLite (WAL, temporary folder)"
    print(f"machine: {machine()}")
    print(f"database: {database}; laurel serve processes: {servers}; client connections: {clients}")
    print(f"statements: {args.statements:,} distinct, {len(bodies):,} batches of {args.batch}")
    requests = len(bodies) / seconds
    print(f"time: {seconds:.2f} s; throughput: {rate:,.0f} statements/s ({requests:,.1f} requests/s)")
    # The servers' own CPU time tells what they cost, whatever else the machine was doing.
    print(
        f"server CPU: {cpu:.2f} s in total, {cpu / len(bodies) * 1000:.1f} ms per batch; "
        f"{args.statements / cpu:,.0f} statements per server CPU-second"
    )
    if database_after:
        # Backends opened during the run count from zero: their start-up is part of the cost.
        database_cpu = sum(used - database_before.get(pid, 0.0) for pid, used in database_after.items())
        print(
            f"PostgreSQL backends' CPU: {database_cpu:.2f} s in total, "
            f"{database_cpu / len(bodies) * 1000:.1f} ms per batch ({len(database_after)} backends)"
        )
    print("load average after the run (1, 5, 15 min): " + " ".join(f"{n:.2f}" for n in load_average))
    ok = not failures and stored == args.statements and facts == args.statements
    verdict_check = "ok" if ok else "WRONG"
    print(
        f"check: {stored:,} statements stored, {facts:,} facts, "
        f"{len(failures)} failed requests: {verdict_check}"
    )
    for failure in failures[:5]:
        print(f"  {failure}")
    verdict = "met" if rate >= TARGET else "NOT met"
    print(f"target: {TARGET:,.0f} statements/s: {verdict}")
    return 0 if ok else 1


def laurel_port() -> int:
    from bench.issue_csv import free_port

    return free_port()


if __name__ == "__main__":
    sys.exit(main())
