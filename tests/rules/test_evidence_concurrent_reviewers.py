"""Reviewers deciding on the same evidence at the same moment: one decision wins, once."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TransactionTestCase

from laurel.audit.models import AuditEvent
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.ingest.facts import record_facts
from laurel.ingest.sources import create_source
from laurel.orgs.models import Membership, Organization, Recipient, Role
from laurel.rules.actions import evaluate_pair, save_rule
from laurel.rules.evidence_actions import decide, submit_evidence
from laurel.rules.models import AwardState
from laurel.test import make_user
from tests.rules.evidence_helpers import RULE
from tests.rules.helpers import NOW, make_badge, submitted

# Row locks are what this exercises, and only PostgreSQL has them; SQLite serializes
# writers on its own, so there the reviewers take turns from one thread.
THREADS = 6 if connection.vendor == "postgresql" else 1


class ConcurrentReviewerTests(TransactionTestCase):
    def setUp(self) -> None:
        org = Organization.objects.create(slug="race", name_en="Race College")
        self.mentors = [make_user(f"m{i}@race.example", f"Mentor {i}") for i in range(max(THREADS, 2))]
        for mentor in self.mentors:
            Membership.objects.create(org=org, user=mentor, role=Role.MENTOR)
        learner = make_user("learner@race.example")
        hong = Recipient.objects.create(org=org, email="hong@example.com", name="홍길동", user=learner)
        badge = make_badge(org, "race", "경주", "Race", evidence_required=True)
        actor = Actor(self.mentors[0])
        save_rule(actor, badge, {**RULE, "evidence_required": True}, live=True, allow_unseen=True)
        source, _lines = create_source(actor, org, "xapi", "LMS")
        record_facts(source, [submitted("h1", "A1"), submitted("h2", "A2")])
        state = evaluate_pair(hong.pk, badge.pk, NOW)
        assert state is not None
        submit_evidence(Actor(learner), state, url="https://example.org/work")
        self.state = state

    def race(self, decisions: list[str]) -> list[BaseException]:
        errors: list[BaseException] = []
        barrier = threading.Barrier(len(decisions))

        def work(mentor, decision: str) -> None:  # type: ignore[no-untyped-def]
            try:
                barrier.wait()
                decide(Actor(mentor), self.state, decision, comment="Not this one.")
            except BaseException as error:  # reported in the test's thread
                errors.append(error)
            finally:
                connection.close()

        if len(decisions) == 1 or connection.vendor != "postgresql":
            for mentor, decision in zip(self.mentors, decisions, strict=False):
                try:
                    decide(Actor(mentor), self.state, decision, comment="Not this one.")
                except ValidationError as error:
                    errors.append(error)
            return errors
        threads = [
            threading.Thread(target=work, args=pair) for pair in zip(self.mentors, decisions, strict=False)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors

    def test_reviewers_accepting_together_award_once(self) -> None:
        errors = self.race(["accept"] * THREADS)
        self.assertEqual(errors, [])
        self.assertEqual(Award.objects.count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="rules.evidence_accept").count(), 1)
        self.assertEqual(AwardState.objects.get().state, AwardState.State.ISSUED)

    def test_an_accept_and_a_reject_at_once_leave_exactly_one_decision(self) -> None:
        decisions = ["accept", "reject"] * max(THREADS // 2, 1)
        errors = self.race(decisions)
        self.assertTrue(all(getattr(e, "code", None) == "conflict" for e in errors), errors)
        accepted = AuditEvent.objects.filter(action="rules.evidence_accept").count()
        rejected = AuditEvent.objects.filter(action="rules.reject").count()
        self.assertEqual(accepted + rejected, 1)
        state = AwardState.objects.get()
        self.assertEqual(Award.objects.count(), accepted)
        self.assertEqual(state.rejected_at is not None, bool(rejected))
