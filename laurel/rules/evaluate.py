"""Whether a learner meets a rule: a pure function of the rule, their facts, their badges and now.

No database, no clock, no randomness. The facts are read as a set: duplicates (the same
fact id) count once, and for each (type, course, object) the latest fact by occurrence wins,
ties settled by the fact's content and only then its id, so the order facts arrived in never
changes a decision. ``now`` only tells whether a window has closed: a fact timestamped a
little ahead (a source's clock) still counts, since nothing would evaluate it again later.

Per kind:
- attendance: the latest record per session; present counts 1, late ``late_weight``,
  excused leaves the denominator (scheduled sessions minus excused), anything else or no
  record at all counts 0;
- submissions: the latest record per item; "submitted" counts, "late" too unless on time
  is required;
- score: the latest grade of the item (or of the course itself), value / maximum;
- quiz: passed on any attempt (status "passed", or a score reaching the clause's percentage
  when the source reports no outcome);
- missions: distinct missions completed;
- completion: the latest completion record of the course says "completed";
- badges: the learner holds every badge named;
- approval: the latest approval fact about the item says "approved".
A clause with a window only sees facts (and badges) from inside it.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from laurel.rules.definition import (
    HUNDRED,
    Approval,
    Attendance,
    Badges,
    Completion,
    Criteria,
    Group,
    Missions,
    Node,
    Quiz,
    Score,
    Submissions,
    Window,
    kind_of,
)

ZERO = Decimal(0)


@dataclass(frozen=True)
class FactView:
    """What evaluation reads of a fact (``laurel.ingest.models.Fact`` has these attributes)."""

    id: int
    type: str
    object_id: str
    occurred_at: datetime.datetime
    course: str = ""
    status: str = ""
    value: Decimal | None = None
    max_value: Decimal | None = None
    event_key: str = ""

    @classmethod
    def of(cls, fact: Any) -> "FactView":
        return cls(
            id=fact.id,
            type=fact.type,
            object_id=fact.object_id,
            occurred_at=fact.occurred_at,
            course=fact.course,
            status=fact.status,
            value=fact.value,
            max_value=fact.max_value,
            event_key=fact.event_key,
        )

    def order(self) -> tuple[Any, ...]:
        """A total order where the greatest is the fact that stands (see the module docstring)."""
        return (
            self.occurred_at,
            self.event_key,
            self.status,
            self.value is not None,
            self.value or ZERO,
            self.max_value is not None,
            self.max_value or ZERO,
            self.id,
        )

    def percent(self) -> Decimal | None:
        if self.value is None or self.max_value is None or self.max_value <= 0:
            return None
        return self.value * HUNDRED / self.max_value


@dataclass(frozen=True)
class Progress:
    """How far a learner is on one clause or group; numbers for explanations, ids for provenance."""

    node: Node
    met: bool
    fact_ids: tuple[int, ...] = ()
    done: Decimal = ZERO  # sessions attended, items submitted, missions done, parts met, badges held
    total: Decimal = ZERO  # what ``done`` is counted against
    percent: Decimal | None = None  # attendance rate, score, best quiz score
    late: int = 0
    excused: int = 0
    missing: tuple[str, ...] = ()  # items, missions or badges still missing
    status: str = ""  # completion or approval status as last reported
    closed: bool = False  # not met and its window has ended: it cannot be met any more
    parts: tuple["Progress", ...] = ()


@dataclass(frozen=True)
class Decision:
    met: bool
    progress: Progress
    fact_ids: tuple[int, ...]  # every fact the decision rests on, ascending


def evaluate(
    criteria: Criteria,
    facts: Iterable[FactView],
    held_badges: Mapping[str, datetime.datetime],
    now: datetime.datetime,
) -> Decision:
    """Evaluate ``criteria`` for one learner.

    ``held_badges`` maps the public ids of the badges the learner holds at ``now`` (not
    revoked, not expired) to when each was issued.
    """
    unique: dict[int, FactView] = {}
    for fact in facts:
        unique[fact.id] = fact
    # Sorted once, so every clause below meets the facts in the same order whatever the input's.
    ordered = sorted(unique.values(), key=FactView.order)
    progress = _node(criteria.root, ordered, held_badges, now)
    return Decision(met=progress.met, progress=progress, fact_ids=progress.fact_ids)


def _node(
    node: Node, facts: list[FactView], held: Mapping[str, datetime.datetime], now: datetime.datetime
) -> Progress:
    if isinstance(node, Group):
        return _group(node, facts, held, now)
    seen = [f for f in facts if node.window is None or node.window.contains(f.occurred_at)]
    progress = CLAUSES[type(node)](node, seen, held)
    if not progress.met and node.window is not None and node.window.closed(now):
        return _replace(progress, closed=True)
    return progress


def _replace(progress: Progress, **changes: Any) -> Progress:
    return Progress(**{**progress.__dict__, **changes})


def _ids(facts: Iterable[FactView]) -> tuple[int, ...]:
    return tuple(sorted({f.id for f in facts}))


def _latest(facts: Iterable[FactView]) -> dict[tuple[str, str], FactView]:
    """The standing fact per (course, object) of facts already sorted by ``FactView.order``."""
    latest: dict[tuple[str, str], FactView] = {}
    for fact in facts:
        latest[(fact.course, fact.object_id)] = fact
    return latest


def _of(facts: list[FactView], kind: str, course: str = "") -> list[FactView]:
    return [f for f in facts if f.type == kind and (not course or f.course == course)]


def _standing(facts: list[FactView], kind: str, item: str, course: str) -> FactView | None:
    """The latest fact about one object; without a course, the latest in any course."""
    matching = [f for f in _of(facts, kind, course) if f.object_id == item]
    return matching[-1] if matching else None


def _group(
    group: Group, facts: list[FactView], held: Mapping[str, datetime.datetime], now: datetime.datetime
) -> Progress:
    parts = tuple(_node(part, facts, held, now) for part in group.parts)
    met_parts = [p for p in parts if p.met]
    met = len(met_parts) >= group.n
    open_parts = [p for p in parts if p.met or not p.closed]
    used = met_parts if met else parts
    return Progress(
        node=group,
        met=met,
        fact_ids=tuple(sorted({i for p in used for i in p.fact_ids})),
        done=Decimal(len(met_parts)),
        total=Decimal(group.n),
        closed=not met and len(open_parts) < group.n,
        parts=parts,
    )


def _attendance(clause: Attendance, facts: list[FactView], held: Mapping[str, datetime.datetime]) -> Progress:
    sessions = list(_latest(_of(facts, "attendance", clause.course)).values())
    present = sum(1 for f in sessions if f.status == "present")
    late = sum(1 for f in sessions if f.status == "late")
    excused = sum(1 for f in sessions if f.status == "excused")
    scheduled = Decimal(max(clause.sessions - excused, 0))
    # More sessions recorded than scheduled cannot raise the rate above 100 %.
    attended = min(present + late * clause.late_weight, scheduled)
    met = scheduled > 0 and attended * HUNDRED >= clause.min_percent * scheduled
    return Progress(
        node=clause,
        met=met,
        fact_ids=_ids(sessions),
        done=attended,
        total=scheduled,
        percent=attended * HUNDRED / scheduled if scheduled else None,
        late=late,
        excused=excused,
    )


def _submissions(
    clause: Submissions, facts: list[FactView], held: Mapping[str, datetime.datetime]
) -> Progress:
    counted = {"submitted"} if clause.on_time else {"submitted", "late"}
    standing = {item: _standing(facts, "submission", item, clause.course) for item in clause.items}
    missing = tuple(item for item, f in standing.items() if f is None or f.status not in counted)
    return Progress(
        node=clause,
        met=not missing,
        fact_ids=_ids(f for f in standing.values() if f is not None),
        done=Decimal(len(clause.items) - len(missing)),
        total=Decimal(len(clause.items)),
        missing=missing,
    )


def _score(clause: Score, facts: list[FactView], held: Mapping[str, datetime.datetime]) -> Progress:
    # The course's own grade is about the course, whatever course context its source gave.
    if clause.item:
        grade = _standing(facts, "grade", clause.item, clause.course)
    else:
        grade = _standing(facts, "grade", clause.course, "")
    percent = grade.percent() if grade is not None else None
    return Progress(
        node=clause,
        met=percent is not None and percent >= clause.min_percent,
        fact_ids=_ids([grade] if grade is not None else []),
        percent=percent,
    )


def _quiz(clause: Quiz, facts: list[FactView], held: Mapping[str, datetime.datetime]) -> Progress:
    attempts = [f for f in _of(facts, "quiz", clause.course) if f.object_id == clause.item]

    def passed(f: FactView) -> bool:
        if f.status:
            return f.status == "passed"
        score = f.percent()
        return clause.min_percent is not None and score is not None and score >= clause.min_percent

    passing = [f for f in attempts if passed(f)]
    scores = [s for s in (f.percent() for f in attempts) if s is not None]
    return Progress(
        node=clause,
        met=bool(passing),
        fact_ids=_ids(passing or attempts),
        done=Decimal(len(attempts)),
        percent=max(scores) if scores else None,
        status="passed" if passing else (attempts[-1].status if attempts else ""),
    )


def _missions(clause: Missions, facts: list[FactView], held: Mapping[str, datetime.datetime]) -> Progress:
    done = [
        f
        for f in _of(facts, "mission", clause.course)
        if f.status == "completed" and (not clause.items or f.object_id in clause.items)
    ]
    names = {f.object_id for f in done}
    return Progress(
        node=clause,
        met=len(names) >= clause.count,
        fact_ids=_ids(done),
        done=Decimal(len(names)),
        total=Decimal(clause.count),
        missing=tuple(item for item in clause.items if item not in names),
    )


def _completion(clause: Completion, facts: list[FactView], held: Mapping[str, datetime.datetime]) -> Progress:
    record = _standing(facts, "completion", clause.course, "")
    return Progress(
        node=clause,
        met=record is not None and record.status == "completed",
        fact_ids=_ids([record] if record is not None else []),
        status=record.status if record is not None else "",
    )


def _badges(clause: Badges, facts: list[FactView], held: Mapping[str, datetime.datetime]) -> Progress:
    window: Window | None = clause.window

    def counts(achievement: str) -> bool:
        issued = held.get(achievement)
        return issued is not None and (window is None or window.contains(issued))

    missing = tuple(a for a in clause.achievements if not counts(a))
    return Progress(
        node=clause,
        met=not missing,
        done=Decimal(len(clause.achievements) - len(missing)),
        total=Decimal(len(clause.achievements)),
        missing=missing,
    )


def _approval(clause: Approval, facts: list[FactView], held: Mapping[str, datetime.datetime]) -> Progress:
    record = _standing(facts, "approval", clause.item, clause.course)
    return Progress(
        node=clause,
        met=record is not None and record.status == "approved",
        fact_ids=_ids([record] if record is not None else []),
        status=record.status if record is not None else "",
    )


CLAUSES: dict[type, Any] = {
    Attendance: _attendance,
    Submissions: _submissions,
    Score: _score,
    Quiz: _quiz,
    Missions: _missions,
    Completion: _completion,
    Badges: _badges,
    Approval: _approval,
}


def as_json(progress: Progress) -> dict[str, Any]:
    """The progress tree as JSON, kept with the learner's state for staff and history."""
    data: dict[str, Any] = {"kind": kind_of(progress.node), "met": progress.met}
    for name in ("done", "total"):
        value = getattr(progress, name)
        if value:
            data[name] = str(value)
    if progress.percent is not None:
        data["percent"] = str(round(progress.percent, 2))
    for name in ("late", "excused", "status", "closed"):
        if getattr(progress, name):
            data[name] = getattr(progress, name)
    if progress.missing:
        data["missing"] = list(progress.missing)
    if progress.fact_ids:
        data["facts"] = list(progress.fact_ids)
    if progress.parts:
        data["parts"] = [as_json(part) for part in progress.parts]
    return data


def from_json(data: dict[str, Any], node: Node) -> Progress:
    """The progress tree back from ``as_json``, against the rule's nodes it was evaluated on."""
    children = node.parts if isinstance(node, Group) else ()
    parts = data.get("parts", [])
    return Progress(
        node=node,
        met=bool(data.get("met")),
        fact_ids=tuple(data.get("facts", ())),
        done=Decimal(data.get("done", ZERO)),
        total=Decimal(data.get("total", ZERO)),
        percent=Decimal(data["percent"]) if "percent" in data else None,
        late=int(data.get("late", 0)),
        excused=int(data.get("excused", 0)),
        missing=tuple(data.get("missing", ())),
        status=str(data.get("status", "")),
        closed=bool(data.get("closed", False)),
        parts=tuple(from_json(part, child) for part, child in zip(parts, children, strict=False)),
    )
