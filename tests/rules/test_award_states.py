"""Learners move through the award states; an award is issued once, and regressions only flag."""

from laurel.audit.models import AuditEvent
from laurel.awards.models import Award
from laurel.credentials.status import revoke
from laurel.ingest.facts import record_facts, void_facts
from laurel.ingest.models import Fact, PendingEvaluation
from laurel.rules.actions import approve, award_revoked, evaluate_pair, save_rule
from laurel.rules.models import AwardState
from tests.awards.helpers import make_award
from tests.rules.helpers import NOW, RulesTestCase, submitted

RULE = {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}}
State = AwardState.State


class AwardStateTests(RulesTestCase):
    def meet(self, who: str = "hong@example.com") -> list[int]:
        return record_facts(
            self.source, [submitted(f"{who}-1", "A1", who), submitted(f"{who}-2", "A2", who)]
        ).fact_ids

    def evaluate(self) -> AwardState:
        state = evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        assert state is not None
        return state

    def test_without_a_live_rule_nothing_is_evaluated(self) -> None:
        save_rule(self.actor, self.badge, RULE)  # a draft
        self.meet()
        self.assertIsNone(evaluate_pair(self.hong.pk, self.badge.pk, NOW))
        self.assertFalse(AwardState.objects.exists())

    def test_a_learner_part_way_is_in_progress_with_progress_kept(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        ids = record_facts(self.source, [submitted("h1", "A1")]).fact_ids
        state = self.evaluate()
        self.assertEqual((state.state, state.cycle, state.met), (State.IN_PROGRESS, 0, False))
        self.assertEqual(state.progress["missing"], ["A2"])
        self.assertEqual(state.fact_ids, ids)
        self.assertFalse(Award.objects.exists())

    def test_meeting_the_rule_issues_one_award_with_its_provenance(self) -> None:
        rule = save_rule(self.actor, self.badge, RULE, live=True)
        ids = self.meet()
        state = self.evaluate()
        self.assertEqual(state.state, State.ISSUED)
        award = Award.objects.get()
        self.assertEqual((award.recipient, award.achievement, award.source), (self.hong, self.badge, "rule"))
        self.assertEqual(state.award, award)
        self.assertEqual(state.issued_rule, rule)
        self.assertEqual(state.issued_fact_ids, sorted(ids))
        event = AuditEvent.objects.get(action="rules.issue")
        self.assertEqual(event.after, {"award": award.public_id, "rule": 1, "facts": sorted(ids)})

    def test_evaluating_again_never_awards_twice(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        self.meet()
        for _n in range(3):
            self.evaluate()
        self.assertEqual(Award.objects.count(), 1)
        self.assertEqual(AwardState.objects.count(), 1)

    def test_a_badge_already_awarded_by_hand_is_linked_not_doubled(self) -> None:
        by_hand = make_award(self.badge, "hong@example.com", "홍길동")
        save_rule(self.actor, self.badge, RULE, live=True)
        self.meet()
        state = self.evaluate()
        self.assertEqual((state.state, state.award), (State.ISSUED, by_hand))
        self.assertEqual(Award.objects.count(), 1)

    def test_a_voided_fact_after_the_award_flags_it_and_revokes_nothing(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        self.meet()
        self.evaluate()
        void_facts(self.source, ["hong@example.com-2"], voided_at=NOW)
        state = self.evaluate()
        self.assertEqual(state.state, State.ISSUED)
        self.assertIsNotNone(state.flagged_at)
        self.assertEqual(state.flag_reason, "assignments 1/2 — missing A2")
        self.assertIsNone(Award.objects.get().revoked_at)
        self.assertEqual(AuditEvent.objects.filter(action="rules.regression").count(), 1)

    def test_evidence_required_waits_for_evidence(self) -> None:
        save_rule(
            self.actor, self.badge, {**RULE, "evidence_required": True, "mentor_approval": True}, live=True
        )
        self.meet()
        self.assertEqual(self.evaluate().state, State.AWAITING_EVIDENCE)
        self.assertFalse(Award.objects.exists())

    def test_mentor_approval_waits_then_issues_when_approved(self) -> None:
        save_rule(self.actor, self.badge, {**RULE, "mentor_approval": True}, live=True)
        self.meet()
        state = self.evaluate()
        self.assertEqual(state.state, State.AWAITING_APPROVAL)
        self.assertFalse(Award.objects.exists())
        from laurel.core.actor import Actor

        state = approve(Actor(self.mentor), state)
        self.assertEqual(state.state, State.ISSUED)
        self.assertEqual(state.approved_by, self.mentor)
        self.assertEqual(Award.objects.count(), 1)
        # Approving again (a second click, another mentor) changes nothing.
        again = approve(Actor(self.teammate), state)
        self.assertEqual((again.approved_by, Award.objects.count()), (self.mentor, 1))
        self.assertEqual(AuditEvent.objects.filter(action="rules.approve").count(), 1)

    def test_a_learner_who_falls_back_while_waiting_is_in_progress_again(self) -> None:
        save_rule(self.actor, self.badge, {**RULE, "mentor_approval": True}, live=True)
        self.meet()
        self.evaluate()
        void_facts(self.source, ["hong@example.com-1"], voided_at=NOW)
        self.assertEqual(self.evaluate().state, State.IN_PROGRESS)

    def test_a_revoked_award_is_mirrored_and_not_earned_again(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        self.meet()
        self.evaluate()
        Award.objects.update(revoked_at=NOW, revocation_reason="mistake")
        state = self.evaluate()
        self.assertEqual((state.state, state.revoked_at), (State.REVOKED, NOW))
        self.evaluate()
        self.assertEqual(Award.objects.count(), 1)

    def test_the_revoke_hook_mirrors_at_once(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        self.meet()
        self.evaluate()
        award = Award.objects.get()
        award.revoked_at = NOW
        award.save(update_fields=["revoked_at"])
        self.assertEqual(award_revoked(award), 1)
        self.assertEqual(AwardState.objects.get().state, State.REVOKED)

    def test_revoking_through_the_status_action_mirrors_at_once(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        self.meet()
        self.evaluate()
        revoke(self.actor, Award.objects.get(), "issued by mistake")
        self.assertEqual(AwardState.objects.get().state, State.REVOKED)

    def test_an_award_the_badge_refuses_is_noted_and_the_learner_stays_in_progress(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        self.badge.archived_at = NOW
        self.badge.save(update_fields=["archived_at"])
        self.meet()
        state = self.evaluate()
        self.assertEqual(state.state, State.IN_PROGRESS)
        self.assertTrue(state.met)
        self.assertNotEqual(state.issue_error, "")
        self.assertFalse(Award.objects.exists())

    def test_issuing_a_badge_queues_the_badges_that_require_it(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        save_rule(
            self.actor,
            self.intro,
            {"criteria": {"badges": {"achievements": [str(self.badge.public_id)]}}},
            live=True,
        )
        self.meet()
        PendingEvaluation.objects.all().delete()
        self.evaluate()
        self.assertEqual(
            list(PendingEvaluation.objects.values_list("recipient_id", "achievement_id")),
            [(self.hong.pk, self.intro.pk)],
        )
        state = evaluate_pair(self.hong.pk, self.intro.pk, NOW)
        assert state is not None
        self.assertEqual(state.state, State.ISSUED)
        self.assertEqual(Award.objects.filter(recipient=self.hong).count(), 2)

    def test_facts_are_read_only_for_their_own_learner(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        self.meet("lee@example.com")
        state = self.evaluate()
        self.assertEqual(state.state, State.IN_PROGRESS)
        self.assertEqual(state.fact_ids, [])
        self.assertEqual(Fact.objects.filter(recipient=self.lee).count(), 2)
