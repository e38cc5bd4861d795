"""Sending what the outbox holds: atomic claims, retries with backoff, a dead letter."""

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from laurel.outbox.actions import send_email
from laurel.outbox.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 h."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def claim(message_id: int, now: datetime) -> bool:
    """Take the lease on one due message; False when another worker holds it."""
    claimed = (
        OutboxMessage.objects.filter(
            id=message_id, status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + LEASE)
    )
    return claimed == 1


def deliver(message: OutboxMessage) -> None:
    if message.kind == OutboxMessage.Kind.EMAIL:
        send_email(message.payload)
    else:
        raise ValueError(f"no sender for {message.kind} messages yet")


def deliver_due(now: datetime | None = None, limit: int = 100) -> int:
    """Send up to `limit` due messages; returns how many were sent."""
    now = now or timezone.now()
    due = (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for message_id in list(due):
        if not claim(message_id, now):
            continue
        message = OutboxMessage.objects.get(id=message_id)
        attempts = message.attempts + 1
        try:
            deliver(message)
        except Exception as exc:
            log.warning("outbox message %s failed: %s", message_id, exc)
            dead = attempts >= MAX_ATTEMPTS
            OutboxMessage.objects.filter(id=message_id).update(
                attempts=attempts,
                last_error=str(exc)[:2000],
                locked_until=None,
                next_attempt_at=now + backoff(attempts),
                status=OutboxMessage.Status.DEAD if dead else OutboxMessage.Status.PENDING,
            )
            continue
        OutboxMessage.objects.filter(id=message_id).update(
            attempts=attempts, status=OutboxMessage.Status.SENT, sent_at=timezone.now(), locked_until=None
        )
        sent += 1
    return sent
