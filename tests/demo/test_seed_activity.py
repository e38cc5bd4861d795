"""The demo's automatic badge: LMS facts and a live rule that award it without anyone clicking."""

import json
from decimal import Decimal

from django.test import TestCase

from laurel.awards.models import Award
from laurel.core.fetching import local_fetcher
from laurel.credentials.signing import sign_award
from laurel.ingest.models import Fact, PendingEvaluation, Source
from laurel.rules.models import AwardState, Rule
from laurel.vc.verify import verify
from tests.demo.helpers import seed_demo

# What the demo's course records say, read here by hand: (present, late, excused, absent,
# scheduled, assignments handed in, final score) per learner number.
SCHEDULED = 10
RECORDS = {
    9: ("PPPPPPPPLP", {"A1", "A2", "A3", "A4"}, 92),
    10: ("PPPLPPEPPP", {"A1", "A2", "A3", "A4"}, 71),
    2: ("PPAPPLPPP", {"A1", "A2", "A4"}, 64),
    5: ("PPPPPPPPPP", {"A1", "A2", "A3", "A4"}, None),
}


def meets(marks: str, handed_in: set[str], final: int | None) -> bool:
    counted = SCHEDULED - marks.count("E")  # excused sessions leave the denominator
    attended = marks.count("P") + Decimal("0.5") * marks.count("L")
    return attended * 100 >= 80 * counted and handed_in >= {"A1", "A2", "A3", "A4"} and (final or 0) >= 60


class SeedActivityTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed_demo()

    def email(self, number: int) -> str:
        return f"student{number:02d}@hanbit.example"

    def test_the_lms_source_holds_every_record_of_the_course(self) -> None:
        source = Source.objects.get(org__slug="hanbit", kind="xapi")
        facts = Fact.objects.filter(source=source)
        expected = sum(
            len(marks) + len(handed) + (final is not None) for marks, handed, final in RECORDS.values()
        )
        self.assertEqual(facts.count(), expected)
        self.assertFalse(facts.filter(recipient__isnull=True).exists())  # every learner is known

    def test_the_badge_has_a_live_rule_and_the_queue_is_empty_after_seeding(self) -> None:
        rule = Rule.objects.get(achievement__slug="python-programming-basics", state=Rule.State.LIVE)
        self.assertEqual(rule.number, 1)
        self.assertFalse(PendingEvaluation.objects.exists())

    def test_exactly_the_learners_who_meet_the_rule_hold_the_badge(self) -> None:
        want = {self.email(n) for n, record in RECORDS.items() if meets(*record)}
        self.assertEqual(want, {self.email(9), self.email(10)})
        awards = Award.objects.filter(achievement__slug="python-programming-basics")
        self.assertEqual({a.recipient.email for a in awards}, want)
        self.assertEqual({a.source for a in awards}, {Award.Source.RULE})

    def test_the_others_are_in_progress_with_what_is_missing(self) -> None:
        states = AwardState.objects.filter(achievement__slug="python-programming-basics")
        by_email = {s.recipient.email: s for s in states}
        self.assertEqual(set(by_email), {self.email(n) for n in RECORDS})
        for number in (2, 5):
            self.assertEqual(by_email[self.email(number)].state, AwardState.State.IN_PROGRESS)
            self.assertIsNone(by_email[self.email(number)].award_id)

    def test_the_progress_page_explains_it_in_each_learners_language(self) -> None:
        learner = Award.objects.filter(recipient__email=self.email(2)).first().recipient.user
        self.client.force_login(learner)
        korean = self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        # 6 present and 1 late of 10 scheduled: 7.5 sessions, 75 %, and A3 not handed in.
        self.assertIn("7.5/10", korean)
        self.assertIn("75%", korean)
        self.assertIn("A3", korean)
        english = self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        self.assertIn("missing A3", english)

    def test_the_automatic_awards_carry_credentials_that_verify(self) -> None:
        for award in Award.objects.filter(achievement__slug="python-programming-basics"):
            for credential in sign_award(award):
                report = verify(json.dumps(credential.json), fetcher=local_fetcher())
                self.assertTrue(report.valid, [c.to_dict() for c in report.checks if c.status == "fail"])
