"""A real `laurel worker` process, killed mid-delivery and replaced, loses no email."""

import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from tests.worker.harness import Site, stop, wait_for

N = 20
ENQUEUE = """
import json
from laurel.outbox.models import OutboxMessage
from laurel.outbox.tasks import deliver_outbox
OutboxMessage.objects.bulk_create(
    OutboxMessage(kind="email", payload={{
        "to": f"learner{{n}}@student.example", "subject": f"{prefix}-{{n:02d}}",
        "text": "축하합니다", "html": "", "from": "Laurel <no-reply@localhost>",
    }})
    for n in range({count})
)
deliver_outbox.enqueue()  # a nudge, so the task loop delivers beside the sweeper
print(json.dumps("ok"))
"""
STATES = """
import json
from laurel.outbox.models import OutboxMessage
rows = OutboxMessage.objects.filter(payload__subject__startswith="{prefix}-")
print(json.dumps({{m.payload["subject"]: [m.status, m.attempts, m.locked_until is not None] for m in rows}}))
"""


class WorkerProcessTests(unittest.TestCase):
    """Subprocesses with a database of their own; no test database is used here."""

    site: Site
    workers: list[subprocess.Popen[bytes]]

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix="laurel-worker-"))
        cls.site = Site(cls.tmp)
        cls.site.laurel("manage", "migrate", "-v", "0")

    @classmethod
    def tearDownClass(cls) -> None:
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

    def enqueue(self, prefix: str, count: int) -> list[str]:
        self.site.query(ENQUEUE.format(prefix=prefix, count=count))
        return [f"{prefix}-{n:02d}" for n in range(count)]

    def states(self, prefix: str) -> dict[str, list[object]]:
        return self.site.query(STATES.format(prefix=prefix))

    def delivered(self, subjects: list[str]) -> dict[str, int]:
        counts = self.site.delivered()
        return {s: counts[s] for s in subjects}

    def test_a_killed_worker_is_replaced_and_every_email_goes_out(self) -> None:
        subjects = self.enqueue("crash", N)
        first = self.start("first")
        wait_for(lambda: sum(self.delivered(subjects).values()) >= 4, 20, "the first worker to send a few")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        at_kill = self.states("crash")
        committed = {s for s, (status, _, _) in at_kill.items() if status == "sent"}
        self.assertTrue(committed, "some messages were recorded as sent before the kill")
        self.assertLess(len(committed), N, "the worker was killed before it finished")

        second = self.start("second")
        wait_for(lambda: all(self.delivered(subjects).values()), 20, "every email to be delivered")
        # The last mail is written just before its status is recorded.
        wait_for(
            lambda: all(status == "sent" for status, _, _ in self.states("crash").values()),
            10,
            "all rows sent",
        )
        stop(second, signal.SIGTERM)

        counts = self.delivered(subjects)
        self.assertEqual([s for s, n in counts.items() if n < 1], [])
        self.assertEqual({s: counts[s] for s in committed}, dict.fromkeys(committed, 1))
        final = self.states("crash")
        self.assertEqual(len(final), N)
        self.assertEqual(
            {s: (status, leased) for s, (status, _, leased) in final.items()},
            dict.fromkeys(subjects, ("sent", False)),
        )
        self.assertEqual({s: final[s][1] for s in committed}, dict.fromkeys(committed, 1))

    def test_sigterm_finishes_the_message_at_hand_and_exits_cleanly(self) -> None:
        subjects = self.enqueue("term", N)
        worker = self.start("term")
        wait_for(lambda: sum(self.delivered(subjects).values()) >= 2, 20, "the worker to start sending")
        asked = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        self.assertEqual(worker.wait(timeout=10), 0, self.site.log("term"))
        self.assertLess(time.monotonic() - asked, 5)
        self.assertIn("worker stopped", self.site.log("term"))

        # Nothing was left half-done: what went out is recorded as sent, exactly once,
        # and nothing else holds a lease that a new worker would have to wait out.
        states = self.states("term")
        counts = self.delivered(subjects)
        sent = {s for s, (status, _, _) in states.items() if status == "sent"}
        self.assertEqual({s for s, n in counts.items() if n}, sent)
        self.assertEqual({counts[s] for s in sent}, {1})
        self.assertLess(len(sent), N, "the worker stopped before sending everything")
        self.assertEqual([s for s, (_, _, leased) in states.items() if leased], [])

    def test_an_idle_worker_stops_on_sigterm_with_status_zero(self) -> None:
        worker = self.start("idle")
        wait_for(lambda: "worker started" in self.site.log("idle"), 20, "the worker to start")
        worker.send_signal(signal.SIGTERM)
        self.assertEqual(worker.wait(timeout=5), 0, self.site.log("idle"))
