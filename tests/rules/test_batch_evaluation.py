"""Pairs evaluated together end as they would one by one, in a number of queries that does not grow."""

from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from laurel.audit.models import AuditEvent
from laurel.awards.models import Award
from laurel.credentials.models import AwardStatus, Credential
from laurel.credentials.tasks import sign_unsigned
from laurel.ingest.facts import FactInput, Identity, record_facts, void_facts
from laurel.ingest.models import Fact, PendingEvaluation
from laurel.orgs.models import Recipient
from laurel.rules.actions import evaluate_pair, save_rule
from laurel.rules.batch import evaluate_many
from laurel.rules.models import AwardState
from laurel.rules.tasks import work
from tests.awards.helpers import make_award
from tests.rules import test_award_states as one_by_one
from tests.rules.helpers import NOW, RulesTestCase, at, make_badge, submitted

SUBMISSIONS = {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}}
SCORE = {"criteria": {"score": {"course": "CS101", "item": "final", "min_percent": 70}}}
State = AwardState.State


class BatchedAwardStateTests(one_by_one.AwardStateTests):
    """Every award-state test of the pair-by-pair path, with the pair evaluated as a batch of one."""

    def evaluate(self) -> AwardState:
        evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        return AwardState.objects.filter(recipient=self.hong, achievement=self.badge).latest("cycle")


def graded(key: str, who: str, value: str, *, days: int = 0) -> FactInput:
    return FactInput(
        event_key=key,
        type="grade",
        actor=Identity("email", who),
        object_id="final",
        course="CS101",
        occurred_at=at(days),
        value=Decimal(value),
        max_value=Decimal(100),
    )


def by_key(value: Any, keys: dict[int, str]) -> Any:
    """Fact ids named by event key: the two runs' facts have the same keys, not the same ids."""
    if isinstance(value, dict):
        return {k: [keys[i] for i in v] if k == "facts" else by_key(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [by_key(v, keys) for v in value]
    return value


def outcome() -> list[Any]:
    """Every state and award, without the random ids and times either path makes."""
    keys = dict(Fact.objects.values_list("pk", "event_key"))
    states = AwardState.objects.order_by("achievement_id", "recipient_id", "cycle").values_list(
        "achievement_id",
        "recipient_id",
        "cycle",
        "state",
        "met",
        "progress",
        "fact_ids",
        "issued_fact_ids",
        "award__recipient_id",
        "flag_reason",
        "issue_error",
    )
    awards = Award.objects.order_by("achievement_id", "recipient_id").values_list(
        "achievement_id", "recipient_id", "source", "revoked_at"
    )
    events = AuditEvent.objects.filter(action__startswith="rules.").order_by("action", "object_id")
    states = [
        (*row[:5], by_key(row[5], keys), [keys[i] for i in row[6]], [keys[i] for i in row[7]], *row[8:])
        for row in states
    ]
    return [*states, *awards, sorted((e.action, e.summary) for e in events)]


class BatchTests(RulesTestCase):
    def setUp(self) -> None:
        self.score = make_badge(self.org, "final-score", "기말 성적", "Final score")
        self.learners = [self.hong, self.lee] + [
            Recipient.objects.create(org=self.org, email=f"s{n}@example.com", name=f"학생{n}")
            for n in range(6)
        ]

    def emails(self) -> list[str]:
        return [r.email for r in self.learners]

    def pairs(self) -> list[tuple[int, int]]:
        return [(r.pk, b.pk) for r in self.learners for b in (self.badge, self.score, self.intro)]

    def mixed_facts(self, *, by_hand: bool = True) -> None:
        """Some learners meet each rule, some part way, one is awarded by hand, one falls back."""
        save_rule(self.actor, self.badge, SUBMISSIONS, live=True)
        save_rule(self.actor, self.score, SCORE, live=True)
        facts = []
        for n, email in enumerate(self.emails()):
            facts.append(submitted(f"{email}-a1", "A1", email))
            if n % 2 == 0:
                facts.append(submitted(f"{email}-a2", "A2", email, status="late" if n % 4 else "submitted"))
            facts.append(graded(f"{email}-g1", email, str(50 + 7 * n)))
        record_facts(self.source, facts)
        if by_hand:
            make_award(self.score, self.emails()[7], "학생5")

    def test_a_batch_ends_exactly_as_one_pair_at_a_time_does(self) -> None:
        self.mixed_facts()
        found = []
        for together in (True, False):
            with transaction.atomic():
                first = transaction.savepoint()
                if together:
                    evaluate_many(self.pairs(), NOW)
                else:
                    for recipient_id, achievement_id in self.pairs():
                        evaluate_pair(recipient_id, achievement_id, NOW)
                # The first grades fall: the awards already made are only flagged.
                record_facts(self.source, [graded(f"{e}-g2", e, "10", days=1) for e in self.emails()[:5]])
                void_facts(self.source, ["hong@example.com-a2"], voided_at=NOW)
                if together:
                    evaluate_many(self.pairs(), NOW)
                else:
                    for recipient_id, achievement_id in self.pairs():
                        evaluate_pair(recipient_id, achievement_id, NOW)
                found.append(outcome())
                transaction.savepoint_rollback(first)
        together, alone = found
        self.assertEqual(together, alone)
        states = [row for row in together if len(row) == 11]
        self.assertIn(State.ISSUED, {row[3] for row in states})
        self.assertIn(State.IN_PROGRESS, {row[3] for row in states})
        self.assertTrue(any(row[9] for row in states), "a regression was flagged")

    def test_met_pairs_are_awarded_once_each_with_provenance_status_slots_and_an_event(self) -> None:
        rule = save_rule(self.actor, self.badge, SUBMISSIONS, live=True)
        ids = {}
        for email in self.emails():
            ids[email] = record_facts(
                self.source, [submitted(f"{email}-1", "A1", email), submitted(f"{email}-2", "A2", email)]
            ).fact_ids
        pairs = [(r.pk, self.badge.pk) for r in self.learners]
        evaluate_many(pairs, NOW)
        evaluate_many(pairs, NOW)
        awards = Award.objects.filter(achievement=self.badge)
        self.assertEqual(
            sorted(awards.values_list("recipient_id", flat=True)), sorted(r.pk for r in self.learners)
        )
        self.assertEqual(set(awards.values_list("source", flat=True)), {"rule"})
        self.assertEqual(AwardStatus.objects.filter(award__in=awards).count(), len(self.learners))
        for state in AwardState.objects.select_related("award", "recipient"):
            self.assertEqual(state.state, State.ISSUED)
            self.assertEqual(state.issued_rule, rule)
            self.assertEqual(state.issued_fact_ids, sorted(ids[state.recipient.email]))
            self.assertEqual(state.award.recipient_id, state.recipient_id)
        events = AuditEvent.objects.filter(action="rules.issue")
        self.assertEqual(events.count(), len(self.learners))
        event = events.get(object_id=AwardState.objects.get(recipient=self.hong).public_id)
        self.assertEqual(event.after["facts"], sorted(ids["hong@example.com"]))
        self.assertEqual(event.after["rule"], rule.number)
        self.assertEqual(event.via, "worker")

    def test_the_awards_of_a_batch_are_signed_in_the_background(self) -> None:
        save_rule(self.actor, self.badge, SUBMISSIONS, live=True)
        facts = [submitted(f"{e}-{i}", i, e) for e in self.emails()[:3] for i in ("A1", "A2")]
        record_facts(self.source, facts)
        with self.captureOnCommitCallbacks(execute=True):
            with transaction.atomic():
                evaluate_many([(r.pk, self.badge.pk) for r in self.learners[:3]], NOW)
        # One signing task for the whole batch, which signs its awards together.
        queued = DBTaskResult.objects.filter(task_path="laurel.credentials.tasks.sign_unsigned_awards")
        self.assertEqual(queued.count(), 1)
        self.assertEqual(sign_unsigned(), 3)
        languages = 2  # the badge is named in Korean and English
        self.assertEqual(Credential.objects.count(), 3 * languages)

    def test_a_badge_earned_in_a_batch_queues_and_then_earns_the_badge_that_requires_it(self) -> None:
        save_rule(self.actor, self.badge, SUBMISSIONS, live=True)
        requires = {"criteria": {"badges": {"achievements": [str(self.badge.public_id)]}}}
        save_rule(self.actor, self.intro, requires, live=True)
        record_facts(self.source, [submitted("h1", "A1"), submitted("h2", "A2")])
        PendingEvaluation.objects.all().delete()  # as a drain claims them
        # The stackable badge is evaluated in the same batch, before the badge it needs exists.
        evaluate_many([(self.hong.pk, self.badge.pk), (self.hong.pk, self.intro.pk)], NOW)
        self.assertEqual(AwardState.objects.get(achievement=self.intro).state, State.IN_PROGRESS)
        self.assertEqual(
            list(PendingEvaluation.objects.values_list("recipient_id", "achievement_id")),
            [(self.hong.pk, self.intro.pk)],
        )
        work()
        self.assertEqual(AwardState.objects.get(achievement=self.intro).state, State.ISSUED)
        self.assertEqual(Award.objects.filter(recipient=self.hong).count(), 2)
        self.assertFalse(PendingEvaluation.objects.exists())

    def test_the_number_of_queries_does_not_grow_with_the_batch(self) -> None:
        self.mixed_facts(by_hand=False)
        counts = []
        # The first batch also makes what every later one shares (status lists, say).
        for learners in (self.learners[:2], self.learners[2:4], self.learners[4:]):
            pairs = [(r.pk, b.pk) for r in learners for b in (self.badge, self.score)]
            with CaptureQueriesContext(connection) as queries:
                evaluate_many(pairs, NOW)
            counts.append(len(queries))
        for learners in (self.learners[2:4], self.learners[4:]):
            # Both compared batches award both badges and leave someone in progress.
            for badge in (self.badge, self.score):
                self.assertTrue(Award.objects.filter(recipient__in=learners, achievement=badge).exists())
            self.assertTrue(
                AwardState.objects.filter(recipient__in=learners, state=State.IN_PROGRESS).exists()
            )
        _first, small, large = counts
        self.assertEqual(small, large, f"2 learners took {small} queries, 4 learners {large}")

    def test_pairs_of_badges_without_a_live_rule_are_left_alone(self) -> None:
        save_rule(self.actor, self.badge, SUBMISSIONS)  # a draft
        record_facts(self.source, [submitted("h1", "A1"), submitted("h2", "A2")])
        self.assertEqual(evaluate_many([(self.hong.pk, self.badge.pk)], NOW), [])
        self.assertFalse(AwardState.objects.exists())
