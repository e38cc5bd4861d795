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
    ordered = sorted(set(pairs))
    if not ordered:
        return 0
    if connection.vendor != "postgresql":
        rows = [PendingEvaluation(org=org, recipient_id=r, achievement_id=a) for r, a in ordered]
        PendingEvaluation.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        return len(rows)
    # Recording queues thousands of pairs a second: two arrays make one short statement the
    # driver parses once, where model instances and a placeholder per value cost more than
    # the insert. Rows go in (learner, badge) order, as concurrent recordings lock them.
    table = connection.ops.quote_name(PendingEvaluation._meta.db_table)
    with connection.cursor() as cursor:
        # Only the table's quoted name goes into the text.
        cursor.execute(
            f"INSERT INTO {table} (org_id, recipient_id, achievement_id, created_at) "  # noqa: S608
            "SELECT %s, v.r, v.a, %s FROM unnest(%s::bigint[], %s::bigint[]) AS v(r, a) "
            "ORDER BY v.r, v.a ON CONFLICT DO NOTHING",
            [org.pk, timezone.now(), [r for r, _a in ordered], [a for _r, a in ordered]],
        )
    return len(ordered)


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
        if connection.vendor == "postgresql":
            return _claim(limit)
        rows = PendingEvaluation.objects.order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows[:limit])
        if claimed:
            PendingEvaluation.objects.filter(pk__in=[row.pk for row in claimed]).delete()
        return claimed


_CLAIMED = ["id", "org_id", "recipient_id", "achievement_id", "created_at"]


def _claim(limit: int) -> list[PendingEvaluation]:
    """The claim as one statement: the oldest unlocked rows, deleted and returned."""
    quote = connection.ops.quote_name
    table = quote(PendingEvaluation._meta.db_table)
    names = ", ".join(quote(name) for name in _CLAIMED)
    with connection.cursor() as cursor:
        # Only the table's quoted name and column names go into the text.
        cursor.execute(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "  # noqa: S608
            "ORDER BY created_at, id LIMIT %s FOR UPDATE SKIP LOCKED) "
            f"RETURNING {names}",
            [limit],
        )
        found = cursor.fetchall()
    alias = connection.alias
    rows = [PendingEvaluation.from_db(alias, _CLAIMED, row) for row in found]
    return sorted(rows, key=lambda row: (row.created_at, row.pk))


def waiting(org: Organization) -> int:
    return PendingEvaluation.objects.filter(org=org).count()


def oldest_wait(org: Organization) -> float | None:
    """Seconds the oldest pair has waited, for the operations page."""
    row = PendingEvaluation.objects.filter(org=org).order_by("created_at").first()
    return None if row is None else (timezone.now() - row.created_at).total_seconds()
