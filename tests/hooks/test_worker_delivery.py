"""A real `laurel worker` process delivers webhooks over real HTTP; killed while a receiver is
still answering, it is replaced and the delivery arrives again with the same webhook-id."""

import shutil
import signal
import subprocess
import tempfile
import unittest
from pathlib import Path

from standardwebhooks.webhooks import Webhook

from tests.hooks.helpers import Answer, Receiver
from tests.worker.harness import Site, stop, wait_for

SETUP = """
import json
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.core.actor import Actor
from laurel.hooks.actions import create_endpoint
from laurel.orgs.models import Organization
org = Organization.objects.create(slug="hanbit", name_ko="한빛대학교", name_en="Hanbit University")
badge = Achievement.objects.create(org=org, slug="data-analysis")
badge.current_version = AchievementVersion.objects.create(achievement=badge, number=1, name_ko="데이터 분석")
badge.save()
_endpoint, secret = create_endpoint(Actor(None, via="cli"), org, url="{url}", event_types=["award.issued"])
print(json.dumps(secret))
"""
AWARD = """
import json
from laurel.achievements.models import Achievement
from laurel.awards.actions import award
from laurel.core.actor import Actor
badge = Achievement.objects.select_related("org").get(slug="data-analysis")
made = award(Actor(None, via="cli"), badge.org, badge, email="{email}", name="홍길동")
print(json.dumps(made.public_id))
"""
ATTEMPTS = """
import json
from laurel.hooks.models import Attempt
print(json.dumps([[a.status_code, a.succeeded] for a in Attempt.objects.order_by("id")]))
"""


class WorkerDeliveryTests(unittest.TestCase):
    site: Site
    receiver: Receiver
    secret: str

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix="laurel-hooks-worker-"))
        cls.site = Site(cls.tmp)
        cls.site.env["LAUREL_WEBHOOK_ALLOW_LOOPBACK"] = "1"
        cls.site.laurel("manage", "migrate", "-v", "0")
        cls.receiver = Receiver().start()
        cls.secret = cls.site.query(SETUP.format(url=cls.receiver.url))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.receiver.stop()
        cls.site.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self) -> None:
        self.workers: list[subprocess.Popen[bytes]] = []
        self.receiver.received.clear()

    def tearDown(self) -> None:
        for process in self.workers:
            stop(process)

    def start(self, name: str) -> subprocess.Popen[bytes]:
        process = self.site.start_worker(name)
        self.workers.append(process)
        return process

    def test_a_killed_worker_is_replaced_and_the_webhook_arrives_again_with_its_id(self) -> None:
        # The receiver takes 4 s to answer the first time: long enough to kill the worker waiting.
        self.receiver.answers.append(Answer(200, b"slow", delay=4.0))
        award_id = self.site.query(AWARD.format(email="first@student.example"))
        first = self.start("first")
        wait_for(lambda: len(self.receiver.received) >= 1, 30, "the first worker to post the webhook")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        self.start("second")  # waits out the dead worker's lease (2 s), then sends again
        wait_for(lambda: len(self.receiver.received) >= 2, 30, "the second worker to post it again")
        wait_for(lambda: self.site.query(ATTEMPTS) == [[200, True]], 15, "the attempt to be logged")
        one, two = self.receiver.received[:2]
        self.assertEqual(one.headers["webhook-id"], two.headers["webhook-id"])
        self.assertEqual(one.body, two.body)
        document = Webhook(self.secret).verify(two.body, two.headers)
        self.assertEqual((document["type"], document["data"]["award"]["id"]), ("award.issued", award_id))
