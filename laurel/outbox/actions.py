from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from laurel.orgs.models import Organization
from laurel.outbox.models import OutboxMessage


def enqueue_email(
    *, to: str, template: str, context: dict[str, object], language: str, org: Organization | None = None
) -> OutboxMessage:
    """Render an email now, in the recipient's language, and queue it for the worker.

    `template` names a pair: `<template>_subject.txt` and `<template>.txt`
    (and `<template>.html` when it exists). Must run inside the caller's transaction.
    """
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except Exception:
            html = ""
    message = OutboxMessage.objects.create(
        org=org,
        kind=OutboxMessage.Kind.EMAIL,
        payload={
            "to": to,
            "subject": subject,
            "text": text,
            "html": html,
            "from": settings.DEFAULT_FROM_EMAIL,
        },
    )
    nudge_after_commit()
    return message


def nudge_after_commit() -> None:
    """Ask a worker to deliver once the current transaction commits; for every kind of message."""
    # One nudge per transaction is enough, however many messages it writes.
    connection = transaction.get_connection()
    if not any(entry[1] is _kick_worker for entry in connection.run_on_commit):
        transaction.on_commit(_kick_worker)


def _kick_worker() -> None:
    from laurel.outbox.tasks import deliver_outbox

    deliver_outbox.enqueue()


def send_email(payload: dict[str, str]) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"], body=payload["text"], from_email=payload["from"], to=[payload["to"]]
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    message.send()
