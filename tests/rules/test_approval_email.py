"""Reviewers are emailed, in their own language, when a learner first awaits their approval."""

from laurel.ingest.facts import record_facts
from laurel.outbox.models import OutboxMessage
from laurel.rules.actions import evaluate_pair, save_rule
from tests.rules.helpers import NOW, RulesTestCase, submitted

RULE = {"criteria": {"submissions": {"course": "CS101", "items": ["A1"]}}, "mentor_approval": True}


class ApprovalEmailTests(RulesTestCase):
    def emails(self) -> list[dict]:
        return [m.payload for m in OutboxMessage.objects.filter(kind="email").order_by("id")]

    def test_reviewers_are_emailed_once_when_a_learner_awaits_approval(self) -> None:
        self.mentor.language = "ko"
        self.mentor.save(update_fields=["language"])
        self.teammate.language = "en"
        self.teammate.save(update_fields=["language"])
        save_rule(self.actor, self.badge, RULE, live=True)
        OutboxMessage.objects.all().delete()
        record_facts(self.source, [submitted("h1", "A1")])
        state = evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        assert state is not None
        self.assertEqual(state.state, "awaiting_approval")
        emails = {str(e.get("to")): e for e in self.emails()}
        self.assertIn(self.mentor.email, emails)
        self.assertIn(self.teammate.email, emails)
        self.assertNotIn(self.viewer.email, emails)
        self.assertIn("승인을 기다리고 있습니다", str(emails[self.mentor.email]))
        self.assertIn("waiting for your approval", str(emails[self.teammate.email]))
        self.assertIn(f"/rules/reviews/{state.public_id}/", str(emails[self.mentor.email]))
        count = len(self.emails())
        record_facts(self.source, [submitted("h1b", "A1", days=1)])
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        self.assertEqual(len(self.emails()), count)
