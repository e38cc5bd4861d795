from typing import Any

from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "laurel.rules"
    label = "rules"

    def ready(self) -> None:
        from laurel.awards.signals import award_revoked, awards_created
        from laurel.ingest import pending
        from laurel.rules.evidence_actions import tell_reviewers_approval_awaited
        from laurel.rules.finder import find_pairs
        from laurel.rules.signals import approval_awaited

        pending.register(find_pairs)
        awards_created.connect(_on_awards_created, dispatch_uid="rules.dependents")
        award_revoked.connect(_on_award_revoked, dispatch_uid="rules.revocations")
        approval_awaited.connect(tell_reviewers_approval_awaited, dispatch_uid="rules.approval_email")


def _on_awards_created(sender: object, org: Any, awards: list[Any], **kwargs: Any) -> None:
    """Badges whose live rules require the ones just awarded are evaluated again for those learners."""
    from laurel.rules.actions import queue_dependents_of

    queue_dependents_of(org, awards)


def _on_award_revoked(sender: object, award: Any, **kwargs: Any) -> None:
    """The engine's record of a revoked award shows it revoked at once, not at the next evaluation."""
    from laurel.rules.actions import award_revoked

    award_revoked(award)
