"""Which (learner, badge) pairs a batch of new facts may change: the live rules that read them.

Registered with ``laurel.ingest.pending`` when the app is ready. Each live rule keeps the
(fact type, course, object) triples it reads (``Rule.reads``, "" for any), so finding the
pairs is one query for the organization's live rules and a loop over the facts.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from laurel.ingest.models import Fact
from laurel.orgs.models import Organization
from laurel.rules.definition import (
    Approval,
    Attendance,
    Badges,
    Clause,
    Completion,
    Criteria,
    Missions,
    Quiz,
    Score,
    Submissions,
)

Read = tuple[str, str, str]


def _reads(clause: Clause) -> list[Read]:
    if isinstance(clause, Attendance):
        return [("attendance", clause.course, "")]
    if isinstance(clause, Submissions):
        return [("submission", clause.course, item) for item in clause.items]
    if isinstance(clause, Score):
        # The course's own grade may come with any course context (see evaluate).
        return [("grade", clause.course, clause.item)] if clause.item else [("grade", "", clause.course)]
    if isinstance(clause, Quiz):
        return [("quiz", clause.course, clause.item)]
    if isinstance(clause, Missions):
        return [("mission", clause.course, item) for item in clause.items] or [("mission", clause.course, "")]
    if isinstance(clause, Completion):
        return [("completion", "", clause.course)]
    if isinstance(clause, Approval):
        return [("approval", clause.course, clause.item)]
    assert isinstance(clause, Badges)
    return []  # awards are not facts; each new award queues its dependents (actions.queue_dependents_of)


def reads(criteria: Criteria) -> list[list[str]]:
    """The sorted, distinct triples a rule reads, as stored in ``Rule.reads``."""
    return [list(r) for r in sorted({r for clause in criteria.clauses() for r in _reads(clause)})]


def matches(read: Sequence[str], fact: Any) -> bool:
    kind, course, item = read
    if fact.type != kind:
        return False
    if not fact.object_id:
        # Every stored fact names its object; one without is a partial copy (the facts an
        # identity had before it was linked elsewhere): its type is all that is known.
        return True
    return (not course or fact.course == course) and (not item or fact.object_id == item)


def find_pairs(org: Organization, facts: Sequence[Fact]) -> Iterable[tuple[int, int]]:
    from laurel.rules.models import Rule

    live = list(Rule.objects.filter(org=org, state=Rule.State.LIVE).values_list("achievement_id", "reads"))
    pairs: set[tuple[int, int]] = set()
    for achievement_id, rule_reads in live:
        for fact in facts:
            if fact.recipient_id is not None and any(matches(r, fact) for r in rule_reads):
                pairs.add((fact.recipient_id, achievement_id))
    if pairs:
        hold_queued(pairs)
        nudge_after_commit()
    return pairs


def hold_queued(pairs: Iterable[tuple[int, int]]) -> None:
    """Lock the pairs already waiting in the queue until the facts that queue them commit.

    A pair already queued is not queued again, and a drain could otherwise claim and evaluate
    it before these facts are visible, leaving them unevaluated. Locked, it is skipped by
    drains (SKIP LOCKED) until this transaction ends; one being drained now is waited for, and
    queued again since it is then gone. SQLite runs one writer at a time: nothing to lock.
    """
    from laurel.ingest.models import PendingEvaluation

    if not connection.features.has_select_for_update_skip_locked:
        return
    by_badge: dict[int, list[int]] = {}
    for recipient_id, achievement_id in sorted(pairs):
        by_badge.setdefault(achievement_id, []).append(recipient_id)
    wanted = Q()
    for achievement_id, recipient_ids in by_badge.items():
        wanted |= Q(achievement_id=achievement_id, recipient_id__in=recipient_ids)
    queued = PendingEvaluation.objects.select_for_update().filter(wanted).order_by("created_at", "id")
    list(queued.values_list("pk", flat=True))


def nudge_after_commit() -> None:
    """Queue one drain task when the transaction that queued pairs commits."""
    from laurel.rules.tasks import nudge

    if not any(entry[1] is nudge for entry in connection.run_on_commit):
        transaction.on_commit(nudge)
