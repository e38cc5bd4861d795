"""(Learner, badge) pairs waiting to be evaluated again after their facts changed.

Ingestion does not know which badges a fact matters to; the criteria engine does. It
registers a finder, ``finder(org, facts) -> iterable of (recipient_id, achievement_id)``,
and drains the queue. Without finders nothing is queued.
"""

from collections.abc import Callable, Iterable, Sequence

from django.db import connection, transaction
from django.utils import timezone

from laurel.ingest.models import Fact, PendingEvaluation
from laurel.orgs.models import Organization

Pair = tuple[int, int]
Finder = Callable[[Organization, Sequence[Fact]], Iterable[Pair]]

_finders: list[Finder] = []


def register(finder: Finder) -> Finder:
    """Add a finder (usable as a decorator); registering the same one twice keeps one."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def unregister(finder: Finder) -> None:
    if finder in _finders:
        _finders.remove(finder)


def has_finders() -> bool:
    return bool(_finders)


def affected_achievements(org: Organization, facts: Sequence[Fact]) -> set[Pair]:
    """Every pair some finder says these facts may change."""
    pairs: set[Pair] = set()
    for finder in _finders:
        pairs.update(finder(org, facts))
    return pairs


def enqueue(org: Organization, pairs: Iterable[Pair]) -> int:
    """Queue pairs; a pair already waiting stays one row. Returns how many pairs were given."""
    rows = [
        PendingEvaluation(org=org, recipient_id=recipient_id, achievement_id=achievement_id)
        for recipient_id, achievement_id in sorted(set(pairs))
    ]
    PendingEvaluation.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def enqueue_for(org: Organization, facts: Sequence[Fact]) -> int:
    """Queue the pairs of the facts that belong to somebody (parked facts wait for their link)."""
    linked = [fact for fact in facts if fact.recipient_id is not None]
    if not linked or not _finders:
        return 0
    return enqueue(org, affected_achievements(org, linked))


def drain(limit: int = 100) -> list[PendingEvaluation]:
    """Claim up to `limit` pairs, oldest first, removing them from the queue.

    Call it inside the transaction that evaluates them: if the evaluation fails, the rollback
    puts the pairs back. On PostgreSQL, concurrent drainers skip each other's rows; a fact
    arriving for a pair being evaluated queues the pair again once the claim commits.
    """
    with transaction.atomic():
        rows = PendingEvaluation.objects.order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows[:limit])
        if claimed:
            PendingEvaluation.objects.filter(pk__in=[row.pk for row in claimed]).delete()
        return claimed


def waiting(org: Organization) -> int:
    return PendingEvaluation.objects.filter(org=org).count()


def oldest_wait(org: Organization) -> float | None:
    """Seconds the oldest pair has waited, for the operations page."""
    row = PendingEvaluation.objects.filter(org=org).order_by("created_at").first()
    return None if row is None else (timezone.now() - row.created_at).total_seconds()
