"""Criteria as data: the JSON a rule is stored as, read into typed, immutable clauses.

The stored form (``Rule.definition``) is plain JSON so the API, the form builder and the
database share one shape::

    {"criteria": {"all": [
        {"attendance": {"course": "CS101", "sessions": 14, "min_percent": 80, "late_weight": 0.5}},
        {"submissions": {"course": "CS101", "items": ["A1", "A2", "A3"]}},
        {"score": {"course": "CS101", "item": "final", "min_percent": 70}},
        {"n_of": {"n": 1, "of": [{"quiz": {"item": "Q1"}}, {"missions": {"count": 3}}]}}
     ]},
     "window": {"start": "2026-03-02", "end": "2026-06-19", "grace_days": 7},
     "evidence_required": false, "mentor_approval": false}

Each clause is a one-key object naming its kind. Reading checks everything that can be
checked without the database and reports every problem at once with its path
("criteria.all[2].score.min_percent: ..."); ``laurel.rules.checks`` adds what needs it
(unknown badges, items no source ever reported, cycles between badges).

The number of scheduled sessions of an attendance clause is part of the clause: the
institution knows it before the term starts, and it keeps a learner's rate a function of
that learner's own facts. A session nobody recorded for the learner counts as missed, so a
learner is never excused by a silent gradebook.
"""

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

MAX_CLAUSES = 50
MAX_DEPTH = 6
MAX_TEXT = 500  # the length of Fact.object_id and Fact.course
HUNDRED = Decimal(100)


class RuleError(ValueError):
    """A rule that cannot be saved; ``problems`` holds (path, message) pairs, every one found."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" if path else message for path, message in problems))

    @property
    def messages(self) -> list[str]:
        return [f"{path}: {message}" if path else message for path, message in self.problems]


@dataclass(frozen=True)
class Window:
    """Facts count when they occur from ``start`` until ``end`` plus the grace period."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    grace: datetime.timedelta = datetime.timedelta(0)

    def contains(self, when: datetime.datetime) -> bool:
        if self.start is not None and when < self.start:
            return False
        return self.end is None or when < self.end + self.grace

    def closed(self, now: datetime.datetime) -> bool:
        """Whether no fact can count any more."""
        return self.end is not None and now >= self.end + self.grace


@dataclass(frozen=True)
class Attendance:
    course: str
    sessions: int  # scheduled sessions of the course (see the module docstring)
    min_percent: Decimal
    late_weight: Decimal = Decimal(1)  # a late arrival counts as this fraction of a session
    window: Window | None = None


@dataclass(frozen=True)
class Submissions:
    items: tuple[str, ...]
    course: str = ""
    on_time: bool = False  # when set, a late submission does not count
    window: Window | None = None


@dataclass(frozen=True)
class Score:
    """A grade on an item, or on the course itself when no item is named.

    The course's own grade is the grade whose object is the course (an xAPI statement about
    the course activity); gradebooks that export a total column name it as the item.
    """

    course: str
    min_percent: Decimal
    item: str = ""
    window: Window | None = None


@dataclass(frozen=True)
class Quiz:
    """Passed on any attempt: a status of "passed", or a score reaching ``min_percent``."""

    item: str
    course: str = ""
    min_percent: Decimal | None = None
    window: Window | None = None


@dataclass(frozen=True)
class Missions:
    count: int
    course: str = ""
    items: tuple[str, ...] = ()  # when given, only these missions count
    window: Window | None = None


@dataclass(frozen=True)
class Completion:
    course: str
    window: Window | None = None


@dataclass(frozen=True)
class Badges:
    """Holds every one of these badges (achievement public ids) when evaluated."""

    achievements: tuple[str, ...]
    window: Window | None = None


@dataclass(frozen=True)
class Approval:
    """Approved by a person outside Laurel, reported as an approval fact about ``item``."""

    item: str
    course: str = ""
    window: Window | None = None


Clause = Attendance | Submissions | Score | Quiz | Missions | Completion | Badges | Approval


@dataclass(frozen=True)
class Group:
    """``n`` of the parts must be met: all (n = len), any (n = 1) or n_of."""

    kind: str  # "all", "any" or "n_of"
    n: int
    parts: tuple["Node", ...]


Node = Clause | Group


def kind_of(node: Node) -> str:
    """The key naming the node in the stored form: "all", "n_of", "attendance", ..."""
    return node.kind if isinstance(node, Group) else type(node).__name__.lower()


@dataclass(frozen=True)
class Criteria:
    root: Node
    evidence_required: bool = False
    mentor_approval: bool = False

    def clauses(self) -> list[Clause]:
        found: list[Clause] = []

        def walk(node: Node) -> None:
            if isinstance(node, Group):
                for part in node.parts:
                    walk(part)
            else:
                found.append(node)

        walk(self.root)
        return found

    def badges(self) -> set[str]:
        return {a for c in self.clauses() if isinstance(c, Badges) for a in c.achievements}


# --- reading -------------------------------------------------------------------------------------


class _Reader:
    """Reads one definition, collecting problems instead of stopping at the first."""

    def __init__(self, tz: datetime.tzinfo) -> None:
        self.tz = tz
        self.problems: list[tuple[str, str]] = []
        self.count = 0

    def fail(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    # scalars

    def text(self, data: dict[str, Any], key: str, path: str, *, required: bool) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", _("Must be text."))
            return ""
        value = value.strip()
        if required and not value:
            self.fail(f"{path}.{key}", _("Required."))
        elif len(value) > MAX_TEXT:
            self.fail(f"{path}.{key}", _("Longer than %(n)s characters.") % {"n": MAX_TEXT})
        return value

    def texts(self, data: dict[str, Any], key: str, path: str, *, required: bool) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{path}.{key}", _("Must be a list of texts."))
            return ()
        items = [v.strip() for v in value]
        if required and not items:
            self.fail(f"{path}.{key}", _("Name at least one."))
        if any(not v for v in items):
            self.fail(f"{path}.{key}", _("An entry is empty."))
        if any(len(v) > MAX_TEXT for v in items):
            self.fail(f"{path}.{key}", _("An entry is longer than %(n)s characters.") % {"n": MAX_TEXT})
        repeated = sorted({v for v in items if items.count(v) > 1})
        if repeated:
            self.fail(f"{path}.{key}", _("Named twice: %(items)s.") % {"items": ", ".join(repeated)})
        return tuple(items)

    def whole(
        self, data: dict[str, Any], key: str, path: str, *, minimum: int, default: int | None = None
    ) -> int:
        value = data.get(key, default)
        if value is None:
            self.fail(f"{path}.{key}", _("Required."))
            return minimum
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{path}.{key}", _("Must be a whole number."))
            return minimum
        if value < minimum:
            self.fail(
                f"{path}.{key}", _("Must be at least %(n)s, not %(value)s.") % {"n": minimum, "value": value}
            )
            return minimum
        return value

    def number(self, data: dict[str, Any], key: str, path: str) -> Decimal | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(f"{path}.{key}", _("Must be a number."))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{path}.{key}", _("Must be a number."))
            return None
        if not number.is_finite():
            self.fail(f"{path}.{key}", _("Must be a number."))
            return None
        return number

    def percent(self, data: dict[str, Any], key: str, path: str) -> Decimal:
        number = self.number(data, key, path) if key in data else None
        if key not in data:
            self.fail(f"{path}.{key}", _("Required."))
        if number is None:
            return HUNDRED
        if number <= 0 or number > HUNDRED:
            self.fail(
                f"{path}.{key}",
                _("A percentage above 0 and at most 100 is needed, not %(value)s.") % {"value": number},
            )
        return number

    def flag(self, data: dict[str, Any], key: str, path: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{path}.{key}", _("Must be true or false."))
            return False
        return value

    def moment(self, value: Any, path: str) -> datetime.datetime | None:
        if not isinstance(value, str):
            self.fail(path, _("Must be a date (YYYY-MM-DD) or a time with its offset."))
            return None
        try:
            if len(value) == 10:
                day = datetime.date.fromisoformat(value)
                return datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz)
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            self.fail(
                path,
                _("“%(value)s” is not a date (YYYY-MM-DD) or a time with its offset.") % {"value": value},
            )
            return None
        if moment.tzinfo is None:
            self.fail(path, _("The time “%(value)s” has no offset.") % {"value": value})
            return None
        return moment

    def window(self, data: dict[str, Any], path: str) -> Window | None:
        if "window" not in data:
            return None
        raw = data["window"]
        path = f"{path}.window"
        if not isinstance(raw, dict):
            self.fail(path, _("Must be an object with start, end and grace_days."))
            return None
        self.unknown(raw, {"start", "end", "grace_days"}, path)
        start = self.moment(raw["start"], f"{path}.start") if "start" in raw else None
        end = None
        if "end" in raw:
            end = self.moment(raw["end"], f"{path}.end")
            # A date as the end means the whole of that day.
            if end is not None and isinstance(raw["end"], str) and len(raw["end"]) == 10:
                end += datetime.timedelta(days=1)
        grace = self.whole(raw, "grace_days", path, minimum=0, default=0)
        if start is None and end is None and "start" not in raw and "end" not in raw:
            self.fail(path, _("Give a start, an end or both."))
        if start is not None and end is not None and end <= start:
            self.fail(path, _("The window ends before it starts."))
        if grace and end is None:
            self.fail(f"{path}.grace_days", _("A grace period needs an end."))
        return Window(start=start, end=end, grace=datetime.timedelta(days=grace))

    def unknown(self, data: dict[str, Any], allowed: set[str], path: str) -> None:
        for key in sorted(set(data) - allowed):
            self.fail(f"{path}.{key}", _("Unknown field."))

    # nodes

    def node(self, raw: Any, path: str, depth: int) -> Node | None:
        if not isinstance(raw, dict) or len(raw) != 1:
            self.fail(
                path, _('Each clause is an object with one key naming its kind, such as {"all": [...]}.')
            )
            return None
        ((kind, body),) = raw.items()
        path = f"{path}.{kind}"
        if kind in ("all", "any"):
            return self.group(kind, body, None, path, depth)
        if kind == "n_of":
            if not isinstance(body, dict):
                self.fail(path, _("Must be an object with n and of."))
                return None
            self.unknown(body, {"n", "of"}, path)
            return self.group(kind, body.get("of"), body, f"{path}.of", depth)
        reader = CLAUSES.get(kind)
        if reader is None:
            known = ", ".join(sorted([*CLAUSES, "all", "any", "n_of"]))
            self.fail(path, _("Unknown kind of clause; the kinds are: %(kinds)s.") % {"kinds": known})
            return None
        if not isinstance(body, dict):
            self.fail(path, _("Must be an object."))
            return None
        self.count += 1
        return reader(self, body, path)

    def group(self, kind: str, raw: Any, n_of: dict[str, Any] | None, path: str, depth: int) -> Group | None:
        if depth >= MAX_DEPTH:
            self.fail(path, _("Groups nest at most %(n)s deep.") % {"n": MAX_DEPTH})
            return None
        if not isinstance(raw, list) or not raw:
            self.fail(path, _("Must be a list of at least one clause."))
            return None
        parts = [self.node(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(raw)]
        kept = tuple(p for p in parts if p is not None)
        if kind == "all":
            n = len(raw)
        elif kind == "any":
            n = 1
        else:
            assert n_of is not None
            n = self.whole(n_of, "n", path.removesuffix(".of"), minimum=1)
            if n > len(raw):
                self.fail(
                    f"{path.removesuffix('.of')}.n",
                    _("%(n)s of %(count)s clauses can never be met.") % {"n": n, "count": len(raw)},
                )
        return Group(kind=kind, n=n, parts=kept) if len(kept) == len(raw) else None


def _attendance(r: _Reader, d: dict[str, Any], path: str) -> Attendance:
    r.unknown(d, {"course", "sessions", "min_percent", "late_weight", "window"}, path)
    late = r.number(d, "late_weight", path) if "late_weight" in d else Decimal(1)
    if late is not None and not 0 <= late <= 1:
        r.fail(
            f"{path}.late_weight",
            _("A late arrival counts between 0 and 1 of a session, not %(value)s.") % {"value": late},
        )
    return Attendance(
        course=r.text(d, "course", path, required=True),
        sessions=r.whole(d, "sessions", path, minimum=1),
        min_percent=r.percent(d, "min_percent", path),
        late_weight=late if late is not None else Decimal(1),
        window=r.window(d, path),
    )


def _submissions(r: _Reader, d: dict[str, Any], path: str) -> Submissions:
    r.unknown(d, {"course", "items", "on_time", "window"}, path)
    return Submissions(
        items=r.texts(d, "items", path, required=True),
        course=r.text(d, "course", path, required=False),
        on_time=r.flag(d, "on_time", path),
        window=r.window(d, path),
    )


def _score(r: _Reader, d: dict[str, Any], path: str) -> Score:
    r.unknown(d, {"course", "item", "min_percent", "window"}, path)
    return Score(
        course=r.text(d, "course", path, required=True),
        item=r.text(d, "item", path, required=False),
        min_percent=r.percent(d, "min_percent", path),
        window=r.window(d, path),
    )


def _quiz(r: _Reader, d: dict[str, Any], path: str) -> Quiz:
    r.unknown(d, {"course", "item", "min_percent", "window"}, path)
    return Quiz(
        item=r.text(d, "item", path, required=True),
        course=r.text(d, "course", path, required=False),
        min_percent=r.percent(d, "min_percent", path) if "min_percent" in d else None,
        window=r.window(d, path),
    )


def _missions(r: _Reader, d: dict[str, Any], path: str) -> Missions:
    r.unknown(d, {"course", "count", "items", "window"}, path)
    items = r.texts(d, "items", path, required=False)
    count = r.whole(d, "count", path, minimum=1)
    if items and count > len(items):
        r.fail(
            f"{path}.count",
            _("%(count)s missions are needed but only %(n)s are named.") % {"count": count, "n": len(items)},
        )
    return Missions(
        count=count, course=r.text(d, "course", path, required=False), items=items, window=r.window(d, path)
    )


def _completion(r: _Reader, d: dict[str, Any], path: str) -> Completion:
    r.unknown(d, {"course", "window"}, path)
    return Completion(course=r.text(d, "course", path, required=True), window=r.window(d, path))


def _badges(r: _Reader, d: dict[str, Any], path: str) -> Badges:
    r.unknown(d, {"achievements", "window"}, path)
    return Badges(achievements=r.texts(d, "achievements", path, required=True), window=r.window(d, path))


def _approval(r: _Reader, d: dict[str, Any], path: str) -> Approval:
    r.unknown(d, {"course", "item", "window"}, path)
    return Approval(
        item=r.text(d, "item", path, required=True),
        course=r.text(d, "course", path, required=False),
        window=r.window(d, path),
    )


CLAUSES: dict[str, Callable[[_Reader, dict[str, Any], str], Clause]] = {
    "attendance": _attendance,
    "submissions": _submissions,
    "score": _score,
    "quiz": _quiz,
    "missions": _missions,
    "completion": _completion,
    "badges": _badges,
    "approval": _approval,
}


def _with_window(node: Node, window: Window | None) -> Node:
    """Give clauses without a window of their own the rule's window."""
    if window is None:
        return node
    if isinstance(node, Group):
        return Group(kind=node.kind, n=node.n, parts=tuple(_with_window(p, window) for p in node.parts))
    if node.window is None:
        return type(node)(**{**node.__dict__, "window": window})
    return node


def parse(definition: Any, tz: datetime.tzinfo | None = None) -> Criteria:
    """Read a stored or submitted definition; raises RuleError listing every problem.

    Dates without a time are read in ``tz`` (the site's time zone; UTC when not given).
    """
    reader = _Reader(tz or zoneinfo.ZoneInfo("UTC"))
    if not isinstance(definition, dict):
        raise RuleError([("", _("A rule is a JSON object with a “criteria” field."))])
    reader.unknown(definition, {"criteria", "window", "evidence_required", "mentor_approval"}, "")
    root = None
    if "criteria" not in definition:
        reader.fail("criteria", _("Required."))
    else:
        root = reader.node(definition["criteria"], "criteria", 0)
    window = reader.window(definition, "") if "window" in definition else None
    evidence = reader.flag(definition, "evidence_required", "")
    mentor = reader.flag(definition, "mentor_approval", "")
    if reader.count > MAX_CLAUSES:
        reader.fail("criteria", _("A rule has at most %(n)s clauses.") % {"n": MAX_CLAUSES})
    if reader.problems or root is None:
        # Paths of top-level fields read ".window"; drop the leading dot.
        raise RuleError([(p.lstrip("."), m) for p, m in reader.problems])
    return Criteria(root=_with_window(root, window), evidence_required=evidence, mentor_approval=mentor)
