"""The batched evaluator keeps the review steps of the pair-by-pair path: reviewers are told once
when approval is awaited, a rejected cycle stays closed, and accepted evidence reaches the award."""

from laurel.core.actor import Actor
from laurel.ingest.facts import record_facts, void_facts
from laurel.outbox.models import OutboxMessage
from laurel.rules.actions import save_rule
from laurel.rules.batch import evaluate_many
from laurel.rules.evidence_actions import decide
from laurel.rules.models import AwardState
from laurel.rules.signals import progress_changed
from tests.rules.evidence_helpers import EvidenceTestCase
from tests.rules.helpers import NOW, RulesTestCase, submitted

APPROVAL = {"criteria": {"submissions": {"course": "CS101", "items": ["A1"]}}, "mentor_approval": True}
State = AwardState.State


class BatchedApprovalTests(RulesTestCase):
    def to_mentor(self) -> int:
        return sum(
            1 for m in OutboxMessage.objects.filter(kind="email") if m.payload["to"] == self.mentor.email
        )

    def test_reviewers_are_emailed_once_when_a_batch_moves_a_learner_to_awaiting_approval(self) -> None:
        save_rule(self.actor, self.badge, APPROVAL, live=True)
        OutboxMessage.objects.all().delete()
        record_facts(self.source, [submitted("h1", "A1")])
        [state] = evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        self.assertEqual(state.state, State.AWAITING_APPROVAL)
        self.assertEqual(self.to_mentor(), 1)
        record_facts(self.source, [submitted("h1b", "A1", days=1)])
        evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        self.assertEqual(self.to_mentor(), 1)

    def test_a_rejected_cycle_is_not_moved_forward_by_a_batch(self) -> None:
        save_rule(self.actor, self.badge, APPROVAL, live=True)
        record_facts(self.source, [submitted("h1", "A1")])
        [state] = evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        decide(Actor(self.mentor), state, "reject", comment="Not this term.")
        record_facts(self.source, [submitted("h1b", "A1", days=1)])
        [again] = evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        self.assertEqual(again.state, State.AWAITING_APPROVAL)
        self.assertIsNotNone(again.rejected_at)
        self.assertIsNone(again.award_id)


class BatchedProgressTests(RulesTestCase):
    def test_a_batch_announces_progress_only_when_it_changes(self) -> None:
        seen: list[str] = []

        def heard(sender: object, states: list[AwardState], **kwargs: object) -> None:
            seen.extend(state.state for state in states)

        progress_changed.connect(heard)
        self.addCleanup(progress_changed.disconnect, heard)
        save_rule(
            self.actor,
            self.badge,
            {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}},
            live=True,
        )
        record_facts(self.source, [submitted("h1", "A1")])
        evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        self.assertEqual(seen, [State.IN_PROGRESS])
        record_facts(self.source, [submitted("h2", "A2")])
        evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        self.assertEqual(seen, [State.IN_PROGRESS, State.ISSUED])


class BatchedEvidenceTests(EvidenceTestCase):
    def test_evidence_accepted_before_the_rule_is_met_again_goes_into_the_award_a_batch_makes(self) -> None:
        self.send(url="https://example.org/reports/hong", narrative="I led the analysis.")
        void_facts(self.source, ["h2"], voided_at=NOW)
        state = decide(Actor(self.mentor), self.state, "accept")
        self.assertIsNone(state.award_id)
        record_facts(self.source, [submitted("h3", "A2", days=1)])
        [issued] = evaluate_many([(self.hong.pk, self.badge.pk)], NOW)
        self.assertEqual(issued.state, State.ISSUED)
        assert issued.award is not None
        self.assertEqual(issued.award.evidence_url, "https://example.org/reports/hong")
        self.assertEqual(issued.award.evidence_narrative, "I led the analysis.")
