"""Draining the queue of (learner, badge) pairs: the engine's background work.

A pair leaves the queue in the transaction that evaluates it, so a worker killed mid-drain
puts its pairs back by rolling back. Before draining, a task makes sure another one is
queued for after a while (``DrainWatch``), so those pairs are drained again even when no
new activity arrives to queue a task.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from laurel.ingest import pending
from laurel.ingest.models import PendingEvaluation
from laurel.outbox.delivery import shutting_down
from laurel.rules import batch
from laurel.rules.actions import evaluate_pair
from laurel.rules.models import DrainWatch

log = logging.getLogger(__name__)


def batch_size() -> int:
    return int(getattr(settings, "RULES_DRAIN_BATCH", 500))


def watch_delay() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "RULES_WATCH_SECONDS", 60)))


def retry_delay() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "RULES_RETRY_SECONDS", 5)))


@task()
def drain_pending() -> int:
    """Evaluate queued pairs until none is left; returns how many were evaluated."""
    return work()


def nudge(run_after: datetime | None = None) -> None:
    queued = drain_pending
    if run_after is not None:
        if not drain_pending.get_backend().supports_defer:
            return  # a backend that runs tasks at once has no worker to lose
        queued = drain_pending.using(run_after=run_after)
    queued.enqueue()


def watch(now: datetime) -> None:
    """Make sure a drain runs after a worker that starts draining now could have died."""
    later = now + watch_delay() * 1.5
    with transaction.atomic():
        DrainWatch.objects.get_or_create(pk=1)
        due = Q(until__isnull=True) | Q(until__lt=now + watch_delay())
        if DrainWatch.objects.filter(due, pk=1).update(until=later):
            nudge(run_after=later)


def work(should_stop: Callable[[], bool] = shutting_down.is_set) -> int:
    """Drain in batches; a worker asked to stop finishes its batch and queues the rest."""
    done = 0
    failed_before: set[tuple[int, int]] = set()
    while True:
        if not PendingEvaluation.objects.exists():
            return done
        if should_stop():
            nudge()
            return done
        watch(timezone.now())
        evaluated, failed = drain_once(batch_size())
        done += evaluated
        if failed and not evaluated and failed <= failed_before:
            # Only pairs that failed already in this run are left (drain_once puts them back):
            # try them later rather than in a tight loop. A pair that failed once (a deadlock,
            # say) is simply met again at the end of the queue.
            nudge(run_after=timezone.now() + retry_delay())
            return done
        failed_before |= failed


def drain_once(limit: int) -> tuple[int, set[tuple[int, int]]]:
    """Claim and evaluate up to ``limit`` pairs in one transaction; (evaluated, failed pairs).

    Together (``batch``) when that works, else one by one, each pair in its own savepoint.
    """
    now = timezone.now()
    evaluated = 0
    failed: set[tuple[int, int]] = set()
    with transaction.atomic():
        # One order for every worker: awards lock their badge, so badges are taken in turn.
        claimed = sorted(pending.drain(limit), key=lambda row: (row.achievement_id, row.recipient_id))
        if batch.enabled() and batch.evaluate_together(
            [(r.recipient_id, r.achievement_id) for r in claimed], now
        ):
            return len(claimed), failed
        for row in claimed:
            try:
                with transaction.atomic():
                    evaluate_pair(row.recipient_id, row.achievement_id, now)
                evaluated += 1
            except Exception:
                log.exception(
                    "evaluating recipient %s for badge %s failed", row.recipient_id, row.achievement_id
                )
                pending.enqueue(row.org, [(row.recipient_id, row.achievement_id)])
                failed.add((row.recipient_id, row.achievement_id))
    return evaluated, failed
