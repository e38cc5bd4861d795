from typing import Any

from django.apps import AppConfig


class HooksConfig(AppConfig):
    """Outgoing webhooks: listens to awards and the criteria engine, sends through the outbox."""

    name = "laurel.hooks"
    label = "hooks"

    def ready(self) -> None:
        from laurel.awards.signals import award_revoked, awards_created
        from laurel.hooks.delivery import send
        from laurel.outbox.delivery import SENDERS
        from laurel.outbox.models import OutboxMessage
        from laurel.rules.signals import progress_changed

        SENDERS[OutboxMessage.Kind.WEBHOOK] = send
        awards_created.connect(_on_awards_created, dispatch_uid="hooks.award_issued")
        award_revoked.connect(_on_award_revoked, dispatch_uid="hooks.award_revoked")
        progress_changed.connect(_on_progress_changed, dispatch_uid="hooks.progress_changed")


def _on_awards_created(sender: object, org: Any, awards: list[Any], **kwargs: Any) -> None:
    from laurel.hooks import listeners

    listeners.awards_issued(org, awards)


def _on_award_revoked(sender: object, award: Any, **kwargs: Any) -> None:
    from laurel.hooks import listeners

    listeners.award_revoked(award)


def _on_progress_changed(sender: object, states: Any, **kwargs: Any) -> None:
    from laurel.hooks import listeners

    listeners.progress_changed(states)
