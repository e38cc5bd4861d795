"""Which (learner, badge) pairs a batch of new facts may change: the live rules that read them.

Registered with ``laurel.ingest.pending`` when the app is ready. Each live rule keeps the
(fact type, course, object) triples it reads (``Rule.reads``, "" for any), so finding the
pairs is one query for the organization's live rules and a loop over the facts.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction

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

    live = Rule.objects.filter(org=org, state=Rule.State.LIVE).values_list("achievement_id", "reads")
    readers = _Readers(live)
    pairs: set[tuple[int, int]] = set()
    for fact in facts:
        if fact.recipient_id is not None:
            for achievement_id in readers.of(fact):
                pairs.add((fact.recipient_id, achievement_id))
    if pairs:
        hold_queued(pairs)
        nudge_after_commit()
    return pairs


class _Readers:
    """Which live rules read a fact, as ``matches`` says, by dictionary look-ups.

    A batch holds thousands of facts but few distinct (type, course, object) triples, and a
    rule's triple matches a fact's exactly or with "" for its course, its object or both; so
    each distinct triple is answered once from the four keys it can match.
    """

    def __init__(self, live: Iterable[tuple[int, Sequence[Sequence[str]]]]) -> None:
        self.by_read: dict[tuple[str, str, str], set[int]] = {}
        self.by_type: dict[str, set[int]] = {}
        for achievement_id, rule_reads in live:
            for kind, course, item in rule_reads:
                self.by_read.setdefault((kind, course, item), set()).add(achievement_id)
                self.by_type.setdefault(kind, set()).add(achievement_id)
        self.seen: dict[tuple[str, str, str], tuple[int, ...]] = {}

    def of(self, fact: Any) -> tuple[int, ...]:
        key = (fact.type, fact.course, fact.object_id)
        found = self.seen.get(key)
        if found is None:
            found = self.seen[key] = self._find(*key)
        return found

    def _find(self, kind: str, course: str, item: str) -> tuple[int, ...]:
        if kind not in self.by_type:
            return ()
        if not item:
            return tuple(sorted(self.by_type[kind]))  # a partial copy: see ``matches``
        found: set[int] = set()
        for key in {(kind, course, item), (kind, "", item), (kind, course, ""), (kind, "", "")}:
            found |= self.by_read.get(key, set())
        return tuple(sorted(found))


def hold_queued(pairs: Iterable[tuple[int, int]]) -> None:
    """Share-lock the pairs already waiting in the queue until the facts that queue them commit.

    A pair already queued is not queued again, and a drain could otherwise claim and evaluate
    it before these facts are visible, leaving them unevaluated. Share-locked, it is skipped by
    drains (FOR UPDATE SKIP LOCKED) until this transaction ends, while other transactions
    recording facts share the lock. A pair a drain holds now is skipped here (waiting for it
    would let the drains take the others meanwhile): queueing it waits for that drain and
    queues it again, since it is then gone. Only PostgreSQL needs this: SQLite runs one writer
    at a time.

    The pairs go as two arrays joined with the queue: a statement with a placeholder per pair
    is parsed anew by the driver on every call, which cost more than the lock.
    """
    from laurel.ingest.models import PendingEvaluation

    if connection.vendor != "postgresql":
        return
    ordered = sorted(pairs)
    table = connection.ops.quote_name(PendingEvaluation._meta.db_table)
    with connection.cursor() as cursor:
        # Only the table's quoted name goes into the text.
        cursor.execute(
            f"SELECT p.id FROM {table} AS p JOIN unnest(%s::bigint[], %s::bigint[]) AS v(r, a) "  # noqa: S608
            "ON p.recipient_id = v.r AND p.achievement_id = v.a FOR SHARE OF p SKIP LOCKED",
            [[r for r, _a in ordered], [a for _r, a in ordered]],
        )


def nudge_after_commit() -> None:
    """Queue one drain task when the transaction that queued pairs commits."""
    from laurel.rules.tasks import nudge

    if not any(entry[1] is nudge for entry in connection.run_on_commit):
        transaction.on_commit(nudge)
