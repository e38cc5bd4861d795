from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from laurel.core.inserts import insert
from laurel.orgs.models import Organization
from laurel.outbox.models import OutboxMessage


def email_payload(*, to: str, subject: str, text: str, html: str = "") -> dict[str, str]:
    """What an email message in the outbox holds; the subject is folded onto one line."""
    return {
        "to": to,
        "subject": " ".join(subject.split()),
        "text": text,
        "html": html,
        "from": settings.DEFAULT_FROM_EMAIL,
    }


def enqueue_email(
    *, to: str, template: str, context: dict[str, object], language: str, org: Organization | None = None
) -> OutboxMessage:
    """Render an email now, in the recipient's language, and queue it for the worker.

    `template` names a pair: `<template>_subject.txt` and `<template>.txt`
    (and `<template>.html` when it exists). Must run inside the caller's transaction.
    """
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except Exception:
            html = ""
    message = OutboxMessage.objects.create(
        org=org,
        kind=OutboxMessage.Kind.EMAIL,
        payload=email_payload(to=to, subject=subject, text=text, html=html),
    )
    nudge_after_commit()
    return message


def enqueue_emails(org: Organization | None, payloads: Iterable[dict[str, str]]) -> int:
    """Queue already rendered emails (from :func:`email_payload`) in a few statements; how many.

    For changes made in bulk: call inside their transaction, as :func:`enqueue_email`.
    """
    now = timezone.now()
    org_id = org.pk if org is not None else None
    rows = [(org_id, OutboxMessage.Kind.EMAIL, payload, now, now) for payload in payloads]
    insert(OutboxMessage, ("org_id", "kind", "payload", "next_attempt_at", "created_at"), rows)
    if rows:
        nudge_after_commit()
    return len(rows)


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
