"""Sending what the outbox holds: leased claims, retries with backoff, a dead letter.

Delivery is at least once. A message recorded as sent is never sent again; a
worker that dies between sending and recording leaves the message leased, and
when the lease runs out (OUTBOX_LEASE_SECONDS) another worker sends it again.
Each claim counts as an attempt, so a message that keeps killing its worker is
given up after MAX_ATTEMPTS like one that keeps failing.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from laurel.outbox.actions import send_email
from laurel.outbox.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Set when the worker process is asked to stop: deliveries in progress finish
# the message at hand and take no new one.
shutting_down = threading.Event()

Sender = Callable[[dict[str, str]], None]
SENDERS: dict[str, Sender] = {OutboxMessage.Kind.EMAIL: send_email}


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "OUTBOX_LEASE_SECONDS", 120)))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 h."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


def due(now: datetime) -> Q:
    return Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now) & (
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    )


def claim(message_id: int, now: datetime) -> datetime | None:
    """Lease one due message and count the attempt; its lease end, or None if taken."""
    until = now + lease()
    claimed = OutboxMessage.objects.filter(due(now), id=message_id).update(
        locked_until=until, attempts=F("attempts") + 1
    )
    return until if claimed == 1 else None


def deliver(message: OutboxMessage) -> None:
    sender = SENDERS.get(message.kind)
    if sender is None:
        raise ValueError(f"no sender for {message.kind} messages")
    sender(message.payload)


def record_failure(message: OutboxMessage, until: datetime, now: datetime, error: str) -> None:
    dead = message.attempts >= MAX_ATTEMPTS
    if dead:
        log.error("outbox message %s is dead after %s attempts: %s", message.id, message.attempts, error)
    else:
        log.warning("outbox message %s failed (attempt %s): %s", message.id, message.attempts, error)
    # Only while we still hold the lease: after it, another worker owns the outcome.
    OutboxMessage.objects.filter(
        id=message.id, status=OutboxMessage.Status.PENDING, locked_until=until
    ).update(
        last_error=error[:2000],
        locked_until=None,
        next_attempt_at=now + backoff(message.attempts),
        status=OutboxMessage.Status.DEAD if dead else OutboxMessage.Status.PENDING,
    )


def deliver_one(message_id: int, now: datetime) -> bool:
    """Claim, send and record one message; True when this call sent it."""
    until = claim(message_id, now)
    if until is None:
        return False
    message = OutboxMessage.objects.get(id=message_id)
    if message.attempts > MAX_ATTEMPTS:
        # Every earlier claim ended without an outcome: the worker died sending it.
        record_failure(message, until, now, message.last_error or "the worker stopped while sending")
        return False
    try:
        deliver(message)
    except Exception as exc:
        record_failure(message, until, now, f"{type(exc).__name__}: {exc}")
        return False
    OutboxMessage.objects.filter(id=message_id, status=OutboxMessage.Status.PENDING).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), locked_until=None
    )
    return True


def deliver_due(
    now: datetime | None = None, limit: int = 100, should_stop: Callable[[], bool] = shutting_down.is_set
) -> int:
    """Send up to `limit` due messages, oldest first; returns how many were sent.

    `now` fixes the clock (for tests); otherwise each claim reads the time afresh,
    so a slow batch does not hand out leases that are already partly spent.
    """
    first = now or timezone.now()
    ids = list(
        OutboxMessage.objects.filter(due(first))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for message_id in ids:
        if should_stop():
            break
        sent += deliver_one(message_id, now or timezone.now())
    return sent
