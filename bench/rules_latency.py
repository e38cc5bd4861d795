"""How soon an award follows the xAPI statement that earns it, while the ingestion benchmark's load runs.

Usage: ``python -m bench.rules_latency [--statements 60000] [--probes 40] [--workers 2]
[--servers 2] [--database-url URL]``

A fresh Laurel (as ``bench/xapi_load.py`` makes it: ``--servers`` ``laurel serve`` processes,
two on PostgreSQL) with ``--workers`` ``laurel worker`` processes. The load is the ingestion
benchmark's own: its distinct Moodle-shaped statements POSTed in batches of 100 by two
connections per server. To keep the engine busy as well, the load's learners are linked to
recipients and ten badges have live rules reading attendance in ten of its forty courses,
so about one statement in sixteen queues a (learner, badge) pair that is evaluated and not met.

While the load runs, a probe is sent every ``--interval`` seconds: one statement, alone in its
request, completing the course of a probe learner who handed in the course's assignment before
the load began; that completes the probe badge's rule. The latency of a probe is from just
before its POST to the ``created_at`` of its award row, written by the worker that issued it
(one machine, one clock). Awards still missing when the load ends are waited for ``--grace`` s.
"""

import argparse
import base64
import http.client
import json
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bench.issue_csv import machine, site
from bench.xapi_load import LEARNERS, batches, laurel_port, load, wait_until_serving

TARGET_SECONDS = 5.0
COURSE = "https://probe.bench.example/course/1"
ASSIGNMENT = "https://probe.bench.example/course/1/assignment"
LOAD_COURSES = 10  # of the load's forty, whose attendance rules read
SETUP = """
import json
from django.utils import timezone
from laurel.accounts.models import User
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.core.actor import Actor
from laurel.ingest.facts import resolve_identities
from laurel.ingest.models import SourceIdentity
from laurel.ingest.sources import create_source
from laurel.orgs.models import Organization, Recipient
from laurel.rules.actions import save_rule
org = Organization.objects.create(slug="bench", name_ko="벤치대학교", name_en="Bench University")
user = User.objects.create_user(email="owner@bench.example", password="x" * 20, name="Owner")
actor = Actor(user=user, via="cli")
source, lines = create_source(actor, org, "xapi", "Moodle")
def badge(slug, definition):
    made = Achievement.objects.create(org=org, slug=slug)
    version = AchievementVersion.objects.create(achievement=made, number=1, name_ko=slug, name_en=slug)
    made.current_version = version
    made.save(update_fields=["current_version"])
    save_rule(actor, made, definition, allow_unseen=True, live=True)
badge("probe", {{"criteria": {{"all": [
    {{"submissions": {{"course": {course!r}, "items": [{assignment!r}]}}}},
    {{"completion": {{"course": {course!r}}}}},
]}}}})
for k in range({courses}):
    course = f"https://moodle.bench.example/course/view.php?id={{k}}"
    rule = {{"attendance": {{"course": course, "sessions": 1000, "min_percent": 90}}}}
    badge(f"attendance-{{k}}", {{"criteria": rule}})
Recipient.objects.bulk_create(
    [Recipient(org=org, email=f"probe{{n}}@bench.example", name=f"탐침{{n}}") for n in range({probes})]
    + [Recipient(org=org, email=f"moodle{{n}}@bench.example", name=f"학생 {{n}}") for n in range({learners})]
)
# The load names its learners by Moodle account; link those accounts to the recipients.
kind = SourceIdentity.Kind.ACCOUNT
names = {{(kind, f"https://moodle.bench.example|{{n}}"): "" for n in range({learners})}}
rows, _linked = resolve_identities(org, names)
people = dict(Recipient.objects.filter(org=org, email__startswith="moodle").values_list("email", "pk"))
for (kind, value), row in rows.items():
    n = value.rsplit("|", 1)[1]
    person = people[f"moodle{{n}}@bench.example"]
    SourceIdentity.objects.filter(pk=row.pk).update(recipient_id=person, linked_at=timezone.now())
print(json.dumps({{"username": lines["username"], "password": lines["password"]}}))
"""
AWARDS = """
SELECT r.email, a.created_at FROM awards_award a JOIN orgs_recipient r ON r.id = a.recipient_id
WHERE r.email LIKE 'probe%%'
"""


def statement(n: int, verb: str, target: str, kind: str) -> dict[str, Any]:
    return {
        "actor": {"objectType": "Agent", "mbox": f"mailto:probe{n}@bench.example", "name": f"탐침{n}"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en": verb}},
        "object": {"objectType": "Activity", "id": target, "definition": {"type": kind}},
        "result": {"completion": True},
        "timestamp": datetime.now(UTC).isoformat(),
        "context": {
            "contextActivities": {
                "parent": [
                    {"id": COURSE, "definition": {"type": "http://adlnet.gov/expapi/activities/course"}}
                ]
            }
        },
    }


def post(port: int, auth: str, body: list[dict[str, Any]]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    connection.request("POST", "/xapi/statements", json.dumps(body).encode(), headers)
    response = connection.getresponse()
    text = response.read()
    if response.status != 200:
        raise Refused(f"a probe statement was refused: {response.status} {text[:200]!r}")


class Refused(Exception):
    pass


def awarded(database_url: str, data_dir: Any) -> dict[int, float]:
    """Probe learners' awards: when each was created (epoch seconds)."""
    if database_url:
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            rows = conn.execute(AWARDS).fetchall()
    else:
        import sqlite3

        with sqlite3.connect(f"file:{data_dir / 'laurel.sqlite3'}?mode=ro", uri=True, timeout=20) as conn:
            rows = conn.execute(AWARDS.replace("%%", "%")).fetchall()
    found = {}
    for email, created in rows:
        when = created if isinstance(created, datetime) else datetime.fromisoformat(created)
        found[int(email.removeprefix("probe").split("@")[0])] = (
            when.replace(tzinfo=when.tzinfo or UTC)
        ).timestamp()
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--statements", type=int, default=60_000, help="statements in the load")
    parser.add_argument("--probes", type=int, default=40)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between probes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--servers", type=int, default=0, help="laurel serve processes (default 1; 2 on PostgreSQL)"
    )
    parser.add_argument("--grace", type=float, default=60.0)
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to create a fresh database on"
    )
    args = parser.parse_args(argv)
    servers = args.servers or (2 if args.database_url else 1)
    with site(args.database_url) as laurel:
        laurel.laurel("manage", "migrate", "-v", "0")
        code = SETUP.format(
            course=COURSE, assignment=ASSIGNMENT, courses=LOAD_COURSES, probes=args.probes, learners=LEARNERS
        )
        credentials = laurel.query(code)
        secret = f"{credentials['username']}:{credentials['password']}".encode()
        auth = "Basic " + base64.b64encode(secret).decode()
        ports = [laurel.port] + [laurel_port() for _ in range(servers - 1)]
        for n, port in enumerate(ports):
            laurel.start(f"server{n}", "serve", "--port", str(port))
        for n in range(args.workers):
            laurel.start(f"worker{n}", "worker")
        wait_until_serving(ports)
        try:
            sent, found, seconds, failures = measure(args, laurel, ports, auth, 2 * servers)
        except Refused as error:
            for n in range(servers):
                tail = (laurel.dir / f"server{n}.log").read_text(errors="replace")[-3000:]
                print(f"--- server{n}.log\n{tail}")
            raise SystemExit(str(error)) from None
    return report(args, servers, sent, found, seconds, failures)


def measure(
    args: argparse.Namespace, laurel: Any, ports: list[int], auth: str, clients: int
) -> tuple[dict[int, float], dict[int, float], float, list[str]]:
    """Run the load with probes among it; (probe sent at, award made at, load seconds, failures)."""
    submissions = [
        statement(n, "submitted", ASSIGNMENT, "http://adlnet.gov/expapi/activities/assessment")
        for n in range(args.probes)
    ]
    post(ports[0], auth, submissions)
    time.sleep(5)  # the submissions are evaluated before the load starts
    bodies = batches(args.statements, 100)
    sent: dict[int, float] = {}
    outcome: dict[str, Any] = {}

    def run_load() -> None:
        outcome["seconds"], outcome["failures"] = load(ports, bodies, clients, auth)

    loader = threading.Thread(target=run_load)
    loader.start()
    time.sleep(2 * args.interval)  # the load is under way
    for n in range(args.probes):
        if not loader.is_alive():
            break
        sent[n] = time.time()
        probe = statement(n, "completed", COURSE, "http://adlnet.gov/expapi/activities/course")
        post(ports[n % len(ports)], auth, [probe])
        time.sleep(args.interval)
    loader.join()
    load_ended = time.time()
    database_url = laurel.env.get("DATABASE_URL", "")
    found = awarded(database_url, laurel.dir)
    while any(n not in found for n in sent) and time.time() < load_ended + args.grace:
        time.sleep(0.5)
        found = awarded(database_url, laurel.dir)
    return sent, found, outcome["seconds"], outcome["failures"]


def report(
    args: argparse.Namespace,
    servers: int,
    sent: dict[int, float],
    found: dict[int, float],
    seconds: float,
    failures: list[str],
) -> int:
    latencies = sorted(found[n] - sent[n] for n in sent if n in found)
    missing = [n for n in sent if n not in found]
    print(f"machine: {machine()}")
    database = "PostgreSQL" if args.database_url else "SQLite (WAL, temporary folder)"
    print(f"database: {database}; laurel serve processes: {servers}; laurel worker processes: {args.workers}")
    print(
        f"load: {args.statements:,} statements in {seconds:.1f} s ({args.statements / seconds:,.0f}/s), "
        f"{len(failures)} failed requests; engine: {LOAD_COURSES} attendance rules read the load"
    )
    print(f"probes: {len(sent)} sent during the load, {len(latencies)} awarded, {len(missing)} missing")
    if latencies:
        p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
        print(
            f"POST → award row: median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, "
            f"max {latencies[-1]:.2f} s, min {latencies[0]:.2f} s"
        )
    within = sum(1 for s in latencies if s <= TARGET_SECONDS)
    ok = bool(sent) and not missing and not failures
    verdict = "met" if ok and within == len(sent) else "NOT met"
    print(
        f"target: every award within {TARGET_SECONDS:.0f} s of its statement: {within}/{len(sent)}, {verdict}"
    )
    for failure in failures[:3]:
        print(f"  {failure}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
