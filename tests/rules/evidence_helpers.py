"""A badge whose live rule asks for evidence (and optionally approval), and hong waiting at it."""

from typing import Any

from laurel.core.actor import Actor
from laurel.ingest.facts import record_facts
from laurel.orgs.models import Recipient
from laurel.outbox.models import OutboxMessage
from laurel.rules.actions import evaluate_pair, save_rule
from laurel.rules.evidence_actions import submit_evidence
from laurel.rules.models import AwardState, EvidenceSubmission
from tests.rules.helpers import NOW, RulesTestCase, submitted

RULE: dict[str, Any] = {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}}
ASKED_KO = "최종 보고서 링크와 맡은 역할에 대한 짧은 서술."
ASKED_EN = "A link to the final report and a short account of your role."
State = AwardState.State
Status = EvidenceSubmission.Status


class EvidenceTestCase(RulesTestCase):
    """hong (signed in as ``learner``) has met a rule that asks for evidence; lee has not started."""

    approval = False

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        version = cls.badge.current_version
        version.evidence_required = True
        version.evidence_description_ko = ASKED_KO
        version.evidence_description_en = ASKED_EN
        version.save()
        Recipient.objects.filter(pk=cls.hong.pk).update(user=cls.learner, language="en")
        cls.hong.refresh_from_db()
        definition = {**RULE, "evidence_required": True, "mentor_approval": cls.approval}
        save_rule(cls.actor, cls.badge, definition, live=True)
        record_facts(cls.source, [submitted("h1", "A1"), submitted("h2", "A2")])
        state = evaluate_pair(cls.hong.pk, cls.badge.pk, NOW)
        assert state is not None and state.state == State.AWAITING_EVIDENCE
        cls.state = state

    def fresh(self) -> AwardState:
        return AwardState.objects.get(pk=self.state.pk)

    def send(
        self, url: str = "https://example.org/report", narrative: str = "I wrote **the** report."
    ) -> EvidenceSubmission:
        return submit_evidence(Actor(self.learner), self.state, url=url, narrative=narrative)

    def emails_to(self, address: str) -> list[dict[str, str]]:
        return [m.payload for m in OutboxMessage.objects.order_by("pk") if m.payload.get("to") == address]
