"""Real `laurel worker` processes issue a confirmed CSV batch; killing one loses and doubles nothing.

Each test confirms a batch in the site's own database, starts workers, and SIGKILLs one
while some chunks are committed and others are not. Whatever a killed worker held is taken
up again once its lease ends, and at the end every CSV line has exactly one award, every
award one credential per language, its own status slots, one audit event and one email.
Runs on SQLite, and on PostgreSQL when DATABASE_URL points at it.
"""

import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from tests.worker.harness import Site, stop, wait_for

ROWS = 240  # 12 chunks of 20 (tests/worker/bulk_settings.py)
CHUNKS = ROWS // 20
CONFIRM = """
import json
from laurel.accounts.models import User
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.actions import confirm_batch, upload_batch
from laurel.core.actor import Actor
from laurel.orgs.models import Membership, Organization, Role
names = {{"name_ko": "충돌대학교", "name_en": "Crash University"}}
org, _made = Organization.objects.get_or_create(slug="crash", defaults=names)
user = User.objects.filter(email="issuer@crash.example").first() or User.objects.create_user(
    email="issuer@crash.example", password="unused", name="이발급"
)
Membership.objects.get_or_create(org=org, user=user, defaults={{"role": Role.ISSUER}})
badge = Achievement.objects.create(org=org, slug={slug!r})
version = AchievementVersion.objects.create(
    achievement=badge, number=1, name_ko="데이터 분석 {slug}", name_en="Data Analysis {slug}"
)
badge.current_version = version
badge.save()
rows = "email,name,language\\n" + "".join(
    f"{slug}{{n}}@student.example,학생{{n}},{{'ko' if n % 2 else 'en'}}\\n" for n in range({rows})
)
batch = upload_batch(Actor(user), org, badge, data=rows.encode(), filename="{slug}.csv")
print(json.dumps(confirm_batch(Actor(user), batch).public_id))
"""
CHECK = """
import json
from collections import Counter
from laurel.audit.models import AuditEvent
from laurel.awards.models import Award, AwardBatch
from laurel.credentials.models import AwardStatus, Credential
from laurel.outbox.models import OutboxMessage
batch = AwardBatch.objects.get(public_id={batch!r})
awards = Award.objects.filter(batch=batch)
ids = set(awards.values_list("public_id", flat=True))
emails = set(awards.values_list("recipient__email", flat=True))
pairs = Counter(Credential.objects.filter(award__in=awards).values_list("award_id", "language"))
slots = list(AwardStatus.objects.filter(award__in=awards).values_list(
    "revocation_list_id", "revocation_index", "suspension_list_id", "suspension_index"
))
events = Counter(
    AuditEvent.objects.filter(action="awards.create", object_id__in=ids).values_list("object_id", flat=True)
)
sent = Counter(m.payload["to"] for m in OutboxMessage.objects.all() if m.payload.get("to") in emails)
print(json.dumps({{
    "status": batch.status,
    "lines": sorted(awards.values_list("batch_line", flat=True)),
    "credentials": [len(pairs), sorted(set(pairs.values()))],
    "slots": [len(slots), len({{(s[0], s[1]) for s in slots}}), len({{(s[2], s[3]) for s in slots}})],
    "events": [len(events), sorted(set(events.values()))],
    "emails": [len(sent), sorted(set(sent.values()))],
}}))
"""


class Chunks:
    """The site's chunk rows read straight from its database: fast enough to poll."""

    def __init__(self, site: Site) -> None:
        url = site.env.get("DATABASE_URL", "")
        if url:
            self.conn: Any = psycopg.connect(url, autocommit=True)
        else:
            path = site.data_dir / "laurel.sqlite3"
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=20)

    def close(self) -> None:
        self.conn.close()

    def of(self, batch: str) -> list[tuple[int, str, str]]:
        """(number, state, lease) of each chunk of the batch."""
        placeholder = "%s" if isinstance(self.conn, psycopg.Connection) else "?"
        cursor = self.conn.execute(
            "SELECT c.number, c.state, c.lease FROM awards_awardchunk c "
            "JOIN awards_awardbatch b ON b.id = c.batch_id "
            f"WHERE b.public_id = {placeholder} ORDER BY c.number",
            (batch,),
        )
        return [tuple(row) for row in cursor.fetchall()]

    def signed(self, batch: str) -> int:
        return sum(1 for _n, state, _lease in self.of(batch) if state == "signed")

    def held_by(self, batch: str, pid: int) -> list[int]:
        """Chunks with work left whose lease the process ``pid`` holds."""
        mine = f"{pid:x}."
        return [
            n
            for n, state, lease in self.of(batch)
            if state in ("pending", "awarded") and lease.startswith(mine)
        ]


def poll(condition: Callable[[], bool], timeout: float, what: str) -> None:
    # The harness's wait_for sleeps 50 ms; a chunk can finish faster than that.
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.005)


class BulkCrashRecoveryTests(unittest.TestCase):
    """Subprocesses with a database of their own; no test database is used here."""

    site: Site
    workers: list[subprocess.Popen[bytes]]

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix="laurel-bulk-worker-"))
        cls.site = Site(cls.tmp)
        cls.site.env["DJANGO_SETTINGS_MODULE"] = "tests.worker.bulk_settings"
        # The outbox's delivery is tested elsewhere; here only what is queued is counted.
        cls.site.env["LAUREL_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
        cls.site.laurel("manage", "migrate", "-v", "0")
        cls.chunks = Chunks(cls.site)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.chunks.close()
        cls.site.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self) -> None:
        self.workers = []

    def tearDown(self) -> None:
        for process in self.workers:
            stop(process)

    def start(self, name: str) -> subprocess.Popen[bytes]:
        process = self.site.start_worker(name)
        self.workers.append(process)
        return process

    def confirm(self, slug: str) -> str:
        batch: str = self.site.query(CONFIRM.format(slug=slug, rows=ROWS))
        return batch

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def wait_until_issued(self, batch: str) -> None:
        wait_for(lambda: self.chunks.signed(batch) == CHUNKS, 90, "every chunk to be signed")

    def assert_issued_once(self, batch: str) -> None:
        found = self.site.query(CHECK.format(batch=batch))
        self.assertEqual(found["status"], "issued")
        self.assertEqual(found["lines"], list(range(2, ROWS + 2)), "one award per CSV line")
        self.assertEqual(found["credentials"], [ROWS * 2, [1]], "one credential per award and language")
        self.assertEqual(found["slots"], [ROWS, ROWS, ROWS], "status indexes unique per list")
        self.assertEqual(found["events"], [ROWS, [1]], "one audit event per award")
        self.assertEqual(found["emails"], [ROWS, [1]], "one email per award")

    def test_a_worker_killed_mid_batch_is_replaced_and_every_row_is_issued_once(self) -> None:
        batch = self.confirm("solo")
        first = self.start("solo-first")
        poll(lambda: self.chunks.signed(batch) >= 2, 60, "the first worker to finish a few chunks")
        self.kill(first)
        at_kill = self.chunks.signed(batch)
        self.assertGreaterEqual(at_kill, 2)
        self.assertLess(at_kill, CHUNKS, "the worker was killed before it finished")

        self.start("solo-second")
        self.wait_until_issued(batch)
        self.assert_issued_once(batch)

    def test_the_chunk_a_killed_worker_held_is_finished_by_the_worker_still_running(self) -> None:
        batch = self.confirm("pair")
        doomed = self.start("pair-doomed")
        self.start("pair-survivor")
        # Kill it while it holds a chunk with work left, after some chunks are done.
        poll(
            lambda: self.chunks.signed(batch) >= 2 and bool(self.chunks.held_by(batch, doomed.pid)),
            60,
            "the doomed worker to hold a chunk",
        )
        self.kill(doomed)
        orphans = self.chunks.held_by(batch, doomed.pid)
        self.assertLess(self.chunks.signed(batch), CHUNKS)
        self.assertTrue(orphans, "the killed worker held a chunk")

        # No new worker: the survivor's queued watch task takes the chunk when the lease ends.
        self.wait_until_issued(batch)
        self.assert_issued_once(batch)

    def test_two_workers_share_a_batch_without_doubling_anything(self) -> None:
        # On PostgreSQL the claims skip each other's locked rows; SQLite serializes them.
        batch = self.confirm("shared")
        one, two = self.start("shared-one"), self.start("shared-two")
        holders: set[int] = set()

        def note_holders() -> bool:
            for pid in (one.pid, two.pid):
                if self.chunks.held_by(batch, pid):
                    holders.add(pid)
            return self.chunks.signed(batch) == CHUNKS

        poll(note_holders, 90, "both workers to issue the batch")
        self.assertEqual(holders, {one.pid, two.pid}, "both workers held chunks")
        self.assert_issued_once(batch)

    def test_sigterm_finishes_the_chunk_at_hand_and_the_next_worker_carries_on_at_once(self) -> None:
        batch = self.confirm("term")
        worker = self.start("term")
        poll(lambda: self.chunks.signed(batch) >= 2, 60, "the worker to finish a few chunks")
        worker.send_signal(signal.SIGTERM)
        self.assertEqual(worker.wait(timeout=30), 0, self.site.log("term"))
        left = [(n, state, lease) for n, state, lease in self.chunks.of(batch) if state != "signed"]
        self.assertTrue(left, "the worker stopped before the end of the batch")
        self.assertEqual([c for c in left if c[2]], [], "no chunk is left under a lease")

        self.start("term-next")
        self.wait_until_issued(batch)
        self.assert_issued_once(batch)
