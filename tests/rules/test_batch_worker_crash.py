"""Two real `laurel worker`s drain batches side by side; one is SIGKILLed mid-batch.

Every learner meets a badge's rule, and a stackable badge requires that one, so each learner
must end with exactly two awards: the first from the facts, the second queued by the first
award. Batches claimed by the killed worker go back to the queue with their awards and states
rolled back; the worker left running and a fresh one finish, and nobody is awarded twice.
Runs on SQLite, and on PostgreSQL (where the workers really claim side by side, skipping each
other's locked pairs) when DATABASE_URL points at it.
"""

import signal

from tests.rules.test_worker_crash import RECORD, WorkerSiteTestCase, poll

LEARNERS = 300
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
badges = []
for slug in ("finisher", "stacked"):
    badge = Achievement.objects.create(org=org, slug=slug)
    version = AchievementVersion.objects.create(achievement=badge, number=1, name_ko=slug, name_en=slug)
    badge.current_version = version
    badge.save()
    badges.append(badge)
finisher = {{"criteria": {{"submissions": {{"course": "C1", "items": ["A1", "A2"]}}}}}}
stacked = {{"criteria": {{"badges": {{"achievements": [str(badges[0].public_id)]}}}}}}
save_rule(actor, badges[0], finisher, live=True)
save_rule(actor, badges[1], stacked, live=True)
print(json.dumps(source.pk))
"""
CHECK = """
import json
from collections import Counter
from laurel.awards.models import Award
from laurel.ingest.models import PendingEvaluation
from laurel.rules.models import AwardState
pairs = Counter(Award.objects.values_list("recipient_id", "achievement_id"))
print(json.dumps({
    "learners": len({r for r, _a in pairs}),
    "pairs": len(pairs),
    "most": max(pairs.values(), default=0),
    "states": sorted(Counter(AwardState.objects.values_list("state", flat=True)).items()),
    "cycles": sorted(set(AwardState.objects.values_list("cycle", flat=True))),
    "linked": AwardState.objects.filter(award__isnull=False).values("award").distinct().count(),
    "pending": PendingEvaluation.objects.count(),
}))
"""


class BatchWorkerCrashTests(WorkerSiteTestCase):
    settings_module = "tests.rules.batch_worker_settings"
    prefix = "laurel-rules-batch-"

    def test_two_workers_one_killed_mid_batch_award_everyone_once_per_badge(self) -> None:
        source = self.site.query(SETUP.format(learners=LEARNERS))
        self.assertEqual(self.site.query(RECORD.format(source=source, learners=LEARNERS)), LEARNERS * 2)
        self.assertEqual(self.tables.count("ingest_pendingevaluation"), LEARNERS)

        doomed, survivor = self.start("doomed"), self.start("survivor")
        poll(lambda: self.tables.count("awards_award") >= 40, 120, "the workers to issue a few batches")
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        self.assertLess(self.tables.count("awards_award"), 2 * LEARNERS, "killed before the end")

        self.start("fresh")
        poll(lambda: self.tables.count("awards_award") >= 2 * LEARNERS, 180, "every award")
        poll(lambda: self.tables.count("ingest_pendingevaluation") == 0, 60, "the queue to empty")
        self.assertIsNone(survivor.poll(), "the surviving worker kept running")
        found = self.site.query(CHECK)
        self.assertEqual(found["learners"], LEARNERS)
        self.assertEqual(found["pairs"], 2 * LEARNERS)
        self.assertEqual(found["most"], 1, "no learner holds a badge twice")
        self.assertEqual(found["states"], [["issued", 2 * LEARNERS]])
        self.assertEqual(found["cycles"], [0])
        self.assertEqual(found["linked"], 2 * LEARNERS)
        self.assertEqual(found["pending"], 0)
