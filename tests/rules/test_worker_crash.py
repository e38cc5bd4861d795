"""A real `laurel worker` killed while it evaluates queued pairs: nothing pending is lost, nothing doubled.

The facts are recorded first (queueing one pair per learner), then a worker drains them in
small transactions and is SIGKILLed part way. Whatever it had claimed but not committed is
back in the queue; a new worker drains the rest. Every learner ends with exactly one award.
Runs on SQLite, and on PostgreSQL when DATABASE_URL points at it.
"""

import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest
from pathlib import Path
from typing import Any

import psycopg

from tests.worker.harness import Site, stop

LEARNERS = 150
SETUP = """
import json
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.accounts.models import User
from laurel.core.actor import Actor
from laurel.ingest.sources import create_source
from laurel.orgs.models import Membership, Organization, Recipient, Role
from laurel.rules.actions import save_rule
org = Organization.objects.create(slug="crash", name_ko="충돌대학교", name_en="Crash University")
user = User.objects.create_user(email="owner@crash.example", password="unused", name="김소유")
Membership.objects.create(org=org, user=user, role=Role.OWNER)
actor = Actor(user)
source, _lines = create_source(actor, org, "xapi", "LMS")
Recipient.objects.bulk_create(
    Recipient(org=org, email=f"learner{{n}}@student.example", name=f"학생{{n}}") for n in range({learners})
)
badge = Achievement.objects.create(org=org, slug="finisher")
version = AchievementVersion.objects.create(achievement=badge, number=1, name_ko="완주", name_en="Finisher")
badge.current_version = version
badge.save()
rule = {{"criteria": {{"submissions": {{"course": "C1", "items": ["A1", "A2"]}}}}}}
save_rule(actor, badge, rule, live=True)
print(json.dumps(source.pk))
"""
RECORD = """
import datetime, json
from laurel.ingest.facts import FactInput, Identity, record_facts
from laurel.ingest.models import Source
source = Source.objects.get(pk={source})
when = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
facts = [
    FactInput(f"{{n}}-{{item}}", "submission", Identity("email", f"learner{{n}}@student.example"), item, when,
              course="C1", status="submitted")
    for n in range({learners}) for item in ("A1", "A2")
]
print(json.dumps(record_facts(source, facts).created))
"""
CHECK = """
import json
from collections import Counter
from laurel.awards.models import Award
from laurel.ingest.models import PendingEvaluation
from laurel.rules.models import AwardState
per_learner = Counter(Award.objects.values_list("recipient_id", flat=True))
print(json.dumps({{
    "awards": len(per_learner),
    "most": max(per_learner.values(), default=0),
    "states": sorted(Counter(AwardState.objects.values_list("state", flat=True)).items()),
    "linked": AwardState.objects.filter(award__isnull=False).values("award").distinct().count(),
    "pending": PendingEvaluation.objects.count(),
}}))
"""


class Tables:
    """The site's counts straight from its database: fast enough to poll while a worker runs."""

    def __init__(self, site: Site) -> None:
        url = site.env.get("DATABASE_URL", "")
        if url:
            self.conn: Any = psycopg.connect(url, autocommit=True)
        else:
            self.conn = sqlite3.connect(
                f"file:{site.data_dir / 'laurel.sqlite3'}?mode=ro", uri=True, timeout=20
            )

    def close(self) -> None:
        self.conn.close()

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def poll(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.005)


class WorkerSiteTestCase(unittest.TestCase):
    """Subprocesses with a database of their own; no test database is used here."""

    settings_module = "tests.rules.worker_settings"
    prefix = "laurel-rules-worker-"

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix=self.prefix))
        self.site = Site(self.tmp)
        self.site.env["DJANGO_SETTINGS_MODULE"] = self.settings_module
        self.site.env["LAUREL_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
        self.site.laurel("manage", "migrate", "-v", "0")
        self.tables = Tables(self.site)
        self.workers: list[subprocess.Popen[bytes]] = []

    def tearDown(self) -> None:
        for process in self.workers:
            stop(process)
        self.tables.close()
        self.site.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, name: str) -> subprocess.Popen[bytes]:
        process = self.site.start_worker(name)
        self.workers.append(process)
        return process


class WorkerCrashTests(WorkerSiteTestCase):
    def test_a_worker_killed_mid_evaluation_loses_no_pair_and_doubles_no_award(self) -> None:
        source = self.site.query(SETUP.format(learners=LEARNERS))
        self.assertEqual(self.site.query(RECORD.format(source=source, learners=LEARNERS)), LEARNERS * 2)
        self.assertEqual(self.tables.count("ingest_pendingevaluation"), LEARNERS)

        first = self.start("first")
        poll(lambda: self.tables.count("awards_award") >= 10, 90, "the first worker to issue a few awards")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        issued = self.tables.count("awards_award")
        waiting = self.tables.count("ingest_pendingevaluation")
        self.assertLess(issued, LEARNERS, "the worker was killed before it finished")
        # Every learner is either awarded or still queued: the killed transaction gave its pairs back.
        self.assertEqual(issued + waiting, LEARNERS)

        self.start("second")
        poll(lambda: self.tables.count("awards_award") >= LEARNERS, 120, "the second worker to finish")
        poll(lambda: self.tables.count("ingest_pendingevaluation") == 0, 30, "the queue to empty")
        found = self.site.query(CHECK.format())
        self.assertEqual(found["awards"], LEARNERS)
        self.assertEqual(found["most"], 1, "no learner has two awards")
        self.assertEqual(found["states"], [["issued", LEARNERS]])
        self.assertEqual(found["linked"], LEARNERS)
        self.assertEqual(found["pending"], 0)
