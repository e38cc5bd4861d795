"""New facts queue the pairs of the live rules that read them; draining evaluates and empties the queue."""

from datetime import date

from laurel.awards.actions import award
from laurel.awards.bulk import Wanted, award_many
from laurel.awards.checks import AwardInput
from laurel.awards.models import Award
from laurel.ingest.facts import FactInput, Identity, link_identity, record_facts
from laurel.ingest.models import PendingEvaluation, SourceIdentity
from laurel.rules.actions import save_rule
from laurel.rules.models import AwardState, Rule
from laurel.rules.tasks import drain_once, work
from tests.rules.helpers import RulesTestCase, at, submitted

RULE = {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}}


def queued() -> list[tuple[int, int]]:
    return sorted(PendingEvaluation.objects.values_list("recipient_id", "achievement_id"))


class PendingPairTests(RulesTestCase):
    def test_a_fact_a_live_rule_reads_queues_its_learner(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        record_facts(self.source, [submitted("h1", "A1")])
        self.assertEqual(queued(), [(self.hong.pk, self.badge.pk)])

    def test_facts_no_live_rule_reads_queue_nothing(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        save_rule(self.actor, self.intro, {"criteria": {"quiz": {"item": "Q1"}}})  # a draft
        other = FactInput(
            "x",
            "submission",
            Identity("email", "hong@example.com"),
            "A1",
            at(0),
            course="CS102",
            status="submitted",
        )
        quiz = FactInput("q", "quiz", Identity("email", "hong@example.com"), "Q1", at(0), status="passed")
        record_facts(self.source, [other, quiz, submitted("h3", "A3")])
        self.assertEqual(queued(), [])

    def test_parked_facts_queue_their_learner_once_linked(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        record_facts(self.source, [submitted("n1", "A1", "new@example.com")])
        self.assertEqual(queued(), [])

    def test_facts_moved_to_another_learner_queue_both(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        record_facts(self.source, [submitted("h1", "A1")])
        PendingEvaluation.objects.all().delete()
        identity = SourceIdentity.objects.get(value="hong@example.com")
        link_identity(self.actor, identity, self.lee)
        self.assertEqual(queued(), sorted([(self.hong.pk, self.badge.pk), (self.lee.pk, self.badge.pk)]))

    def test_going_live_queues_learners_who_already_have_facts(self) -> None:
        record_facts(self.source, [submitted("h1", "A1"), submitted("l1", "A2", "lee@example.com")])
        save_rule(self.actor, self.badge, RULE, live=True)
        self.assertEqual(queued(), sorted([(self.hong.pk, self.badge.pk), (self.lee.pk, self.badge.pk)]))

    def test_draining_evaluates_every_pair_and_empties_the_queue(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        record_facts(
            self.source,
            [submitted("h1", "A1"), submitted("h2", "A2"), submitted("l1", "A1", "lee@example.com")],
        )
        self.assertEqual(work(), 2)
        self.assertEqual(queued(), [])
        states = dict(AwardState.objects.values_list("recipient_id", "state"))
        self.assertEqual(states, {self.hong.pk: "issued", self.lee.pk: "in_progress"})
        self.assertEqual(list(Award.objects.values_list("recipient_id", flat=True)), [self.hong.pk])

    def test_a_pair_that_fails_goes_back_to_the_queue_and_the_others_are_evaluated(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        broken = save_rule(self.actor, self.intro, {"criteria": {"quiz": {"item": "Q1"}}}, live=True)
        # A rule row changed behind the engine's back no longer reads.
        Rule.objects.filter(pk=broken.pk).update(definition={"criteria": {"quiz": {}}})
        record_facts(self.source, [submitted("h1", "A1"), submitted("h2", "A2")])
        PendingEvaluation.objects.create(org=self.org, recipient=self.lee, achievement=self.intro)
        with self.assertLogs("laurel.rules.tasks", "ERROR"):
            evaluated, failed = drain_once(10)
        self.assertEqual((evaluated, failed), (1, {(self.lee.pk, self.intro.pk)}))
        self.assertEqual(queued(), [(self.lee.pk, self.intro.pk)])
        self.assertEqual(AwardState.objects.get(recipient=self.hong).state, "issued")

    def test_work_stops_when_only_failing_pairs_are_left(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        broken = save_rule(self.actor, self.intro, {"criteria": {"quiz": {"item": "Q1"}}}, live=True)
        Rule.objects.filter(pk=broken.pk).update(definition={"criteria": {"quiz": {}}})
        PendingEvaluation.objects.create(org=self.org, recipient=self.lee, achievement=self.intro)
        record_facts(self.source, [submitted("h1", "A1"), submitted("h2", "A2")])
        with self.settings(RULES_DRAIN_BATCH=1), self.assertLogs("laurel.rules.tasks", "ERROR") as logs:
            self.assertEqual(work(), 1)
        # Tried once in the first batch, once more alone; then left for a later run.
        self.assertEqual(len(logs.records), 2)
        self.assertEqual(queued(), [(self.lee.pk, self.intro.pk)])


class BadgesAwardedOutsideTheEngineTests(RulesTestCase):
    def setUp(self) -> None:
        # The intro badge's live rule requires the data-analysis badge.
        requires = {"criteria": {"badges": {"achievements": [str(self.badge.public_id)]}}}
        save_rule(self.actor, self.intro, requires, live=True)
        PendingEvaluation.objects.all().delete()

    def test_a_badge_awarded_by_hand_queues_the_badges_that_require_it(self) -> None:
        award(self.actor, self.org, self.badge, email="hong@example.com", name="홍길동")
        self.assertEqual(queued(), [(self.hong.pk, self.intro.pk)])

    def test_badges_awarded_in_bulk_queue_the_badges_that_require_them(self) -> None:
        people = [("hong@example.com", "홍길동"), ("lee@example.com", "이영희")]
        wanted = [
            Wanted(achievement=self.badge, data=AwardInput(email=e, name=n, issued_on=date(2026, 3, 2)))
            for e, n in people
        ]
        outcome = award_many(self.actor, self.org, wanted, source=Award.Source.API)
        self.assertEqual(len(outcome.awards), 2)
        expected = sorted((a.recipient_id, self.intro.pk) for a in outcome.awards)
        self.assertEqual(queued(), expected)

    def test_a_badge_no_rule_requires_queues_nothing(self) -> None:
        award(self.actor, self.org, self.intro, email="hong@example.com", name="홍길동")
        self.assertEqual(queued(), [])
