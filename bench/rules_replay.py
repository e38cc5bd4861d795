"""A term of learning activity replayed through the criteria engine, checked against awards computed here.

Usage: ``python -m bench.rules_replay [--learners 20000] [--facts 1000000] [--workers 2]
[--batch 2000] [--database-url URL]``; ``--latency`` measures how soon awards follow the
statement that earns them instead (see ``bench/rules_latency.py``).

A fresh Laurel (a new database on the PostgreSQL server ``--database-url`` names, dropped
afterwards; SQLite in a temporary folder without it) gets an organization, ``--learners``
recipients, one activity source and ten badges whose live rules read attendance rates (late
counting half, excused sessions left out), assignments (on time or not), course and item
scores, quiz attempts, missions, course completion, two of three parts, a term window with a
grace period, and one badge that requires two others. ``--workers`` ``laurel worker``
processes run from the start. This process generates ``--facts`` facts from a fixed seed and
records them in time order in batches of ``--batch``, each in one transaction, through the
ingestion store's bulk insert (``ingest.store.insert_facts``) and ``ingest.pending.enqueue_for``,
which queues the (learner, badge) pairs the live rules read, as ``record_facts`` does:

1. the term: every learner's attendance, submissions, grades, quiz attempts, missions and
   completions, at most one record per learner and object except quiz attempts;
2. once the queue is empty, corrections after the term: for three learners in ten, grades
   that fall, withdrawn completions, late marks and voided statements; for three others,
   regrades upwards, late submissions and corrected absences. Some land after the window.

Awards are never revoked, so a learner who only loses keeps what the term earned (and is
flagged where the rule no longer holds) and one who only gains holds what the end state
earns. The expected awards and flags are computed by the small evaluator below, written for
these ten rules, which does not use ``laurel.rules``. The run ends when the queue is empty
after the corrections; the benchmark then compares every award and flag with the expected
ones, and, as a baseline measured in the same run, re-evaluates a sample of pairs one at a
time (``evaluate_pair``, the engine's earlier drain) and as one batch.
"""

import argparse
import datetime
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter
from typing import Any

from bench.issue_csv import machine, site

UTC = datetime.UTC
TERM = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW_START = datetime.datetime(2026, 3, 1, tzinfo=UTC)
WINDOW_END = datetime.datetime(2026, 6, 20, tzinfo=UTC)
GRACE = datetime.timedelta(days=7)
TARGET_SECONDS = 600.0
SEED = 20260302
CS, MATH, ENG, DATA, GAME, CLUB = "CS101", "MATH201", "ENG110", "DATA300", "GAME", "CLUB"
CS_SESSIONS, ENG_SESSIONS = 14, 10
ASSIGNMENTS = ("A1", "A2", "A3", "A4", "A5")
PARTS = ("P1", "P2", "P3")
MISSIONS = tuple(f"M{n}" for n in range(1, 9))
HUNDRED = Decimal(100)


def window(**kw: Any) -> dict[str, Any]:
    return {
        "window": {"start": WINDOW_START.isoformat(), "end": WINDOW_END.isoformat(), "grace_days": 7},
        **kw,
    }


# slug, Korean name, English name, definition ("@slug" names another badge's public id)
BADGES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("cs101-attendance", "CS101 출석", "CS101 attendance",
     {"attendance": {"course": CS, "sessions": CS_SESSIONS, "min_percent": 80, "late_weight": 0.5}}),
    ("cs101-assignments", "CS101 과제", "CS101 assignments",
     {"submissions": {"course": CS, "items": list(ASSIGNMENTS)}}),
    ("cs101-pass", "CS101 이수", "CS101 pass", {"score": {"course": CS, "min_percent": 70}}),
    ("cs101-honours", "CS101 우수", "CS101 honours", {"all": [
        {"attendance": {"course": CS, "sessions": CS_SESSIONS, "min_percent": 90, "late_weight": 0.5}},
        {"score": {"course": CS, "item": "final", "min_percent": 85}},
        {"submissions": {"course": CS, "items": list(ASSIGNMENTS), "on_time": True}},
    ]}),
    ("math201-quiz", "MATH201 퀴즈", "MATH201 quiz",
     {"quiz": {"course": MATH, "item": "Q1", "min_percent": 60}}),
    ("math201-complete", "MATH201 수료", "MATH201 completed", {"completion": {"course": MATH}}),
    ("eng110", "ENG110 두 가지", "ENG110 two of three", {"n_of": {"n": 2, "of": [
        {"attendance": {"course": ENG, "sessions": ENG_SESSIONS, "min_percent": 75}},
        {"score": {"course": ENG, "item": "essay", "min_percent": 80}},
        {"completion": {"course": ENG}},
    ]}}),
    ("game-missions", "미션 다섯", "Five missions",
     {"missions": {"course": GAME, "count": 5, "items": list(MISSIONS)}}),
    ("data300-project", "DATA300 프로젝트", "DATA300 project", {"all": [
        {"submissions": {"course": DATA, "items": list(PARTS)}},
        {"score": {"course": DATA, "item": "project", "min_percent": 75}},
    ]}),
    ("cs-math-stack", "CS·MATH 연계", "CS and MATH pathway",
     {"badges": {"achievements": ["@cs101-assignments", "@math201-complete"]}}),
]  # fmt: skip
WINDOWED = {"data300-project"}
STACK = ("cs-math-stack", ("cs101-assignments", "math201-complete"))


def definition(slug: str, criteria: dict[str, Any], public_ids: dict[str, str]) -> dict[str, Any]:
    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return public_ids[node[1:]] if isinstance(node, str) and node.startswith("@") else node

    body = {"criteria": resolve(criteria)}
    return window(**body) if slug in WINDOWED else body


# --- the generated term ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    learner: int
    type: str
    object_id: str
    course: str
    at: datetime.datetime
    status: str = ""
    value: Decimal | None = None
    max_value: Decimal | None = None


@dataclass
class Learner:
    term: list[Fact] = field(default_factory=list)
    corrections: list[Fact] = field(default_factory=list)
    voids: list[tuple[datetime.datetime, str]] = field(default_factory=list)  # (when, event key)


def email(n: int) -> str:
    return f"learner{n}@student.example"


def generate(n: int, quota: int) -> Learner:
    """One learner's term and corrections: ``quota`` facts in all, from a seed of their own."""
    rng = random.Random(SEED * 1_000_003 + n)  # noqa: S311 (test data)
    ability = rng.random()
    me = Learner()
    minute = datetime.timedelta(minutes=n % 720, seconds=n % 53)

    def add(kind: str, obj: str, course: str, day: float, status: str = "", value: int | None = None) -> Fact:
        fact = Fact(
            f"{n}-{len(me.term) + len(me.corrections)}",
            n,
            kind,
            obj,
            course,
            TERM + datetime.timedelta(days=day) + minute,
            status,
            None if value is None else Decimal(value),
            None if value is None else HUNDRED,
        )
        return fact

    def term(*args: Any, **kw: Any) -> None:
        me.term.append(add(*args, **kw))

    def score(shift: float = 0.0) -> int:
        return max(0, min(100, round(100 * (0.35 + 0.6 * ability + shift + rng.gauss(0, 0.12)))))

    def sessions(course: str, count: int, first_day: int) -> None:
        excused = 0
        for s in range(count):
            roll = rng.random()
            if roll < 0.04:
                continue  # nobody recorded it
            if roll < 0.07 and excused < 2:
                status, excused = "excused", excused + 1
            elif roll < 0.55 + 0.45 * ability:
                status = "present"
            elif roll < 0.7 + 0.45 * ability:
                status = "late"
            else:
                status = "absent"
            term("attendance", f"{course}-s{s + 1}", course, first_day + s * 7 + (s % 2) * 3.5, status)

    if rng.random() < 0.8:
        sessions(CS, CS_SESSIONS, 0)
        for a, item in enumerate(ASSIGNMENTS):
            roll = rng.random()
            if roll < 0.45 + 0.55 * ability:
                term("submission", item, CS, 14 * (a + 1), "submitted")
            elif roll < 0.75 + 0.3 * ability:
                term("submission", item, CS, 14 * (a + 1) + 2, "late")
        term("grade", "final", CS, 98, value=score())
        term("grade", CS, CS, 100, value=score(-0.05))
    if rng.random() < 0.6:
        for attempt in range(rng.randint(1, 3)):
            mark = score(attempt * 0.08 - 0.15)
            status = "" if rng.random() < 0.5 else ("passed" if mark >= 60 else "failed")
            term("quiz", "Q1", MATH, 30 + attempt * 9, status, value=mark)
        term(
            "completion", MATH, MATH, 101, "completed" if rng.random() < 0.3 + 0.6 * ability else "incomplete"
        )
    if rng.random() < 0.5:
        sessions(ENG, ENG_SESSIONS, 1)
        term("grade", "essay", ENG, 95, value=score())
        term("completion", ENG, ENG, 102, "completed" if rng.random() < 0.5 + 0.4 * ability else "incomplete")
    if rng.random() < 0.4:
        for p, item in enumerate(PARTS):
            if rng.random() < 0.6 + 0.4 * ability:
                term("submission", item, DATA, 20 + 25 * p, "submitted")
        term("grade", "project", DATA, rng.uniform(96, 124), value=score())  # some after the window
    if rng.random() < 0.5:
        for m, item in enumerate(MISSIONS):
            if rng.random() < 0.3 + 0.5 * ability:
                term("mission", item, GAME, 5 + 11 * m, "completed")
    group = n % 10
    if group < 3:
        _lose(me, rng, add)
    elif group < 6:
        _gain(me, rng, add)
    # The rest of the quota: club attendance and practice grades, which no rule reads.
    while len(me.term) + len(me.corrections) < quota:
        k = len(me.term)
        if k % 2:
            term("attendance", f"club-{k}", CLUB, k % 110, "present")
        else:
            term("grade", f"practice-{k}", CS, k % 110, value=score())
    del me.corrections[max(0, quota - len(me.term)) :]
    return me


# A change after the term: a fact voided, or a new fact (type, object, course, status, value).
Change = tuple[str, Any]


def _apply(me: Learner, rng: random.Random, add: Callable[..., Fact], options: list[Change]) -> None:
    """Up to three of the changes, each on its own object, some days after the term."""
    later = 130 + rng.random() * 10
    for what, change in rng.sample(options, min(3, len(options))):
        if what == "void":
            me.voids.append((TERM + datetime.timedelta(days=later), change.key))
        else:
            kind, obj, course, status, value = change
            me.corrections.append(add(kind, obj, course, later, status, value=value))


def _lose(me: Learner, rng: random.Random, add: Callable[..., Fact]) -> None:
    """Changes that can only lower this learner's standing."""
    options: list[Change] = []
    for fact in me.term:
        kind, course, obj = fact.type, fact.course, fact.object_id
        if kind == "grade" and fact.value is not None:
            drop = max(int(fact.value) - rng.randint(10, 40), 0)
            options.append(("fact", ("grade", obj, course, "", drop)))
        elif kind == "attendance" and fact.status in ("present", "late", "excused"):
            options.append(("void", fact))
        elif kind == "submission":
            status = rng.choice(["missing", "late"]) if fact.status == "submitted" else "missing"
            options.append(("fact", ("submission", obj, course, status, None)))
        elif kind == "completion" and fact.status == "completed":
            options.append(("fact", ("completion", obj, course, "withdrawn", None)))
        elif kind == "mission":
            options.append(("void", fact))
    quizzes = [f for f in me.term if f.type == "quiz"]
    if quizzes:
        options.append(("void", quizzes[-1]))
    _apply(me, rng, add, options)


def _gain(me: Learner, rng: random.Random, add: Callable[..., Fact]) -> None:
    """Changes that can only raise this learner's standing."""
    options: list[Change] = []
    seen = {(f.type, f.course, f.object_id) for f in me.term}
    for fact in me.term:
        kind, course, obj = fact.type, fact.course, fact.object_id
        if kind == "grade" and fact.value is not None:
            options.append(
                ("fact", ("grade", obj, course, "", min(100, int(fact.value) + rng.randint(5, 30))))
            )
        elif kind == "attendance" and fact.status in ("absent", "late"):
            options.append(("fact", ("attendance", obj, course, "present", None)))
        elif kind == "completion" and fact.status == "incomplete":
            options.append(("fact", ("completion", obj, course, "completed", None)))
    courses = {f.course for f in me.term}
    for course, items in ((CS, ASSIGNMENTS), (DATA, PARTS)):
        for item in items:
            if course in courses and ("submission", course, item) not in seen:
                options.append(("fact", ("submission", item, course, "late", None)))
    if GAME in courses:
        for item in MISSIONS:
            if ("mission", GAME, item) not in seen:
                options.append(("fact", ("mission", item, GAME, "completed", None)))
    if MATH in courses:
        options.append(("fact", ("quiz", "Q1", MATH, "passed", 90)))
    _apply(me, rng, add, options)


def generate_all(learners: int, facts: int) -> list[Learner]:
    quota, extra = divmod(facts, learners)
    return [generate(n, quota + (1 if n < extra else 0)) for n in range(learners)]


# --- the expected awards, computed without laurel.rules ---------------------------------------------


class Standing:
    """One learner's facts at one moment (voided ones gone), with the few reads the ten rules need."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.facts = facts

    def of(self, kind: str, course: str = "", windowed: bool = False) -> list[Fact]:
        return [
            f
            for f in self.facts
            if f.type == kind
            and (not course or f.course == course)
            and (not windowed or WINDOW_START <= f.at < WINDOW_END + GRACE)
        ]

    def latest(self, kind: str, obj: str, course: str = "", windowed: bool = False) -> Fact | None:
        found = [f for f in self.of(kind, course, windowed) if f.object_id == obj]
        return max(found, key=lambda f: (f.at, f.key)) if found else None

    def attendance(self, course: str, scheduled: int, percent: int, late: Fraction = Fraction(1)) -> bool:
        by_session: dict[str, Fact] = {}
        for f in sorted(self.of("attendance", course), key=lambda f: (f.at, f.key)):
            by_session[f.object_id] = f
        statuses = Counter(f.status for f in by_session.values())
        sessions = scheduled - statuses["excused"]
        attended = min(statuses["present"] + late * statuses["late"], Fraction(sessions))
        return sessions > 0 and attended * 100 >= percent * sessions

    def submitted(
        self, course: str, items: Sequence[str], on_time: bool = False, windowed: bool = False
    ) -> bool:
        counted = {"submitted"} if on_time else {"submitted", "late"}
        for item in items:
            fact = self.latest("submission", item, course, windowed)
            if fact is None or fact.status not in counted:
                return False
        return True

    def scored(self, course: str, item: str, percent: int, windowed: bool = False) -> bool:
        fact = self.latest("grade", item, course, windowed) if item else self.latest("grade", course)
        return fact is not None and fact.value is not None and fact.value * 100 / fact.max_value >= percent

    def completed(self, course: str) -> bool:
        fact = self.latest("completion", course)
        return fact is not None and fact.status == "completed"

    def quiz(self, course: str, item: str, percent: int) -> bool:
        for f in self.of("quiz", course):
            if f.object_id != item:
                continue
            scored = f.value is not None and f.max_value and f.value * 100 / f.max_value >= percent
            if f.status == "passed" or (not f.status and scored):
                return True
        return False

    def missions(self, course: str, count: int, items: Sequence[str]) -> bool:
        done = {
            f.object_id
            for f in self.of("mission", course)
            if f.status == "completed" and f.object_id in items
        }
        return len(done) >= count

    def meets(self) -> dict[str, bool]:
        half = Fraction(1, 2)
        eng = [self.attendance(ENG, ENG_SESSIONS, 75), self.scored(ENG, "essay", 80), self.completed(ENG)]
        return {
            "cs101-attendance": self.attendance(CS, CS_SESSIONS, 80, half),
            "cs101-assignments": self.submitted(CS, ASSIGNMENTS),
            "cs101-pass": self.scored(CS, "", 70),
            "cs101-honours": self.attendance(CS, CS_SESSIONS, 90, half)
            and self.scored(CS, "final", 85)
            and self.submitted(CS, ASSIGNMENTS, on_time=True),
            "math201-quiz": self.quiz(MATH, "Q1", 60),
            "math201-complete": self.completed(MATH),
            "eng110": sum(eng) >= 2,
            "game-missions": self.missions(GAME, 5, MISSIONS),
            "data300-project": self.submitted(DATA, PARTS, windowed=True)
            and self.scored(DATA, "project", 75, windowed=True),
        }


def expected(learners: Sequence[Learner]) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(awards, flagged): every (learner, badge slug) that must end awarded, and flagged.

    Each learner's corrections either only lower or only raise their standing and awards are
    never taken back, so a badge is held when the term or the end state earned it, and flagged
    when the term earned it and the end state no longer does.
    """
    awards: set[tuple[int, str]] = set()
    flagged: set[tuple[int, str]] = set()
    for n, me in enumerate(learners):
        voided = {key for _when, key in me.voids}
        first = Standing(me.term).meets()
        last = Standing([f for f in [*me.term, *me.corrections] if f.key not in voided]).meets()
        for slug in first:
            if first[slug] or last[slug]:
                awards.add((n, slug))
            if first[slug] and not last[slug]:
                flagged.add((n, slug))
        stack, needs = STACK
        if all((n, slug) in awards for slug in needs):
            awards.add((n, stack))
    return awards, flagged


# --- running it ------------------------------------------------------------------------------------


def fact_input(fact: Fact) -> Any:
    from laurel.ingest.facts import FactInput, Identity

    return FactInput(
        event_key=fact.key,
        type=fact.type,
        actor=Identity("email", email(fact.learner)),
        object_id=fact.object_id,
        occurred_at=fact.at,
        course=fact.course,
        value=fact.value,
        max_value=fact.max_value,
        status=fact.status,
    )


def setup(learners: int) -> dict[str, Any]:
    """The organization, its source, the learners and the ten badges with live rules."""
    from laurel.accounts.models import User
    from laurel.achievements.models import Achievement, AchievementVersion
    from laurel.core.actor import Actor
    from laurel.ingest.sources import create_source
    from laurel.orgs.models import Membership, Organization, Recipient, Role
    from laurel.rules.actions import save_rule

    org = Organization.objects.create(slug="bench", name_ko="벤치대학교", name_en="Bench University")
    user = User.objects.create_user(email="owner@bench.example", password="x" * 20, name="소유자")
    Membership.objects.create(org=org, user=user, role=Role.OWNER)
    actor = Actor(user=user, via="cli")
    source, _lines = create_source(actor, org, "xapi", "LMS")
    Recipient.objects.bulk_create(
        (
            Recipient(org=org, email=email(n), name=f"학생{n}", language="ko" if n % 2 else "en")
            for n in range(learners)
        ),
        batch_size=2000,
    )
    public_ids: dict[str, str] = {}
    badges: dict[int, str] = {}
    for slug, name_ko, name_en, criteria in BADGES:
        badge = Achievement.objects.create(org=org, slug=slug)
        version = AchievementVersion.objects.create(
            achievement=badge, number=1, name_ko=name_ko, name_en=name_en
        )
        badge.current_version = version
        badge.save(update_fields=["current_version"])
        save_rule(actor, badge, definition(slug, criteria, public_ids), allow_unseen=True, live=True)
        public_ids[slug] = str(badge.public_id)
        badges[badge.pk] = slug
    return {"source": source, "badges": badges}


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


RETRIES: Counter[str] = Counter()


def again(call: Callable[[], Any]) -> Any:
    """Call, and call again after a deadlock, as a source would resend a refused batch."""
    from django.db import OperationalError

    for attempt in range(10):
        try:
            return call()
        except OperationalError as error:
            RETRIES[type(error.__cause__).__name__] += 1
            time.sleep(0.1 * (attempt + 1))
    raise SystemExit("a batch failed ten times")


def identities(source: Any, learners: int) -> dict[str, tuple[int, int]]:
    """Each learner's email identity at the source, linked to their recipient: (identity, recipient)."""
    from laurel.ingest.facts import resolve_identities

    rows, _linked = resolve_identities(source.org, {("email", email(n)): f"학생{n}" for n in range(learners)})
    return {value: (row.pk, row.recipient_id) for (_kind, value), row in rows.items()}


def record(source: Any, facts: Sequence[Fact], size: int, people: dict[str, tuple[int, int]]) -> float:
    """Insert through the store's bulk path and queue the pairs, one transaction per batch.

    What ``record_facts`` does for new facts of known people, without looking for existing
    keys and identities first: the replayed facts are new and their people known.
    """
    from django.db import router, transaction
    from django.utils import timezone

    from laurel.ingest import pending
    from laurel.ingest.facts import normalize
    from laurel.ingest.models import Fact as Row
    from laurel.ingest.store import COLUMNS, insert_facts

    org = source.org
    alias = router.db_for_write(Row)
    names = [f.attname for f in Row._meta.concrete_fields]
    # A fact's values in the model's field order, from (id, the inserted row, no void, no batch).
    order = itemgetter(*(["id", *COLUMNS, "voided_at", "import_batch_id"].index(name) for name in names))
    started = time.perf_counter()

    def one(part: Sequence[Fact]) -> None:
        now = timezone.now()
        normals = [normalize(fact_input(f)) for f in part]
        rows = [
            (
                org.pk, source.pk, n.event_key, *people[n.identity[1]], n.type, n.object_id, n.object_name,
                n.course, n.value, n.max_value, n.status, n.occurred_at, now, n.content_hash,
            )
            for n in normals
        ]  # fmt: skip
        with transaction.atomic():
            ids = insert_facts(rows)
            # Built as ``record_facts`` builds the facts it queues: from the row, as the ORM
            # loads one, rather than by keywords.
            made = [
                Row.from_db(alias, names, order((pk, *row, None, None)))
                for pk, row in zip(ids, rows, strict=True)
            ]
            pending.enqueue_for(org, made)

    for part in chunks(sorted(facts, key=lambda f: (f.at, f.key)), size):
        again(lambda part=part: one(part))
    return time.perf_counter() - started


def void(source: Any, voids: Sequence[tuple[datetime.datetime, str]], size: int) -> float:
    from laurel.ingest.facts import void_facts

    started = time.perf_counter()
    for part in chunks(sorted(voids), size):
        keys = [key for _when, key in part]
        again(lambda keys=keys, when=part[-1][0]: void_facts(source, keys, voided_at=when))
    return time.perf_counter() - started


def drained(timeout: float) -> float:
    """Wait until no pair is queued or being evaluated; returns the moment (perf_counter)."""
    from laurel.ingest.models import PendingEvaluation

    deadline = time.perf_counter() + timeout
    while PendingEvaluation.objects.exists():
        if time.perf_counter() > deadline:
            raise SystemExit(f"the queue did not empty within {timeout:.0f} s")
        time.sleep(0.2)
    return time.perf_counter()


def outcome(badges: dict[int, str]) -> tuple[Counter[tuple[int, str]], set[tuple[int, str]], Counter[str]]:
    from laurel.awards.models import Award
    from laurel.rules.models import AwardState

    def learner(address: str) -> int:
        return int(address.removeprefix("learner").split("@")[0])

    awards: Counter[tuple[int, str]] = Counter(
        (learner(e), badges[a]) for e, a in Award.objects.values_list("recipient__email", "achievement_id")
    )
    flagged = {
        (learner(e), badges[a])
        for e, a in AwardState.objects.filter(flagged_at__isnull=False).values_list(
            "recipient__email", "achievement_id"
        )
    }
    states = Counter(AwardState.objects.values_list("state", flat=True))
    return awards, flagged, states


def drains() -> tuple[int, int]:
    """(drain tasks run, pairs they evaluated), from the task results the workers stored."""
    from django_tasks_db.models import DBTaskResult

    from laurel.rules.tasks import drain_pending

    done = DBTaskResult.objects.filter(task_path=drain_pending.module_path, status="SUCCESSFUL")
    counts = list(done.values_list("return_value", flat=True))
    return len(counts), sum(int(n or 0) for n in counts)


def baseline(sample: int) -> tuple[float, float, int]:
    """Pairs per second re-evaluated one at a time and as one batch, on the same pairs; rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from laurel.rules.actions import evaluate_pair
    from laurel.rules.batch import evaluate_many
    from laurel.rules.models import AwardState

    pairs = list(
        AwardState.objects.order_by("recipient_id", "achievement_id").values_list(
            "recipient_id", "achievement_id"
        )[:sample]
    )
    now = timezone.now()
    rates = []
    for together in (False, True):
        with transaction.atomic():
            point = transaction.savepoint()
            started = time.perf_counter()
            if together:
                evaluate_many(pairs, now)
            else:
                for recipient_id, achievement_id in pairs:
                    evaluate_pair(recipient_id, achievement_id, now)
            rates.append(len(pairs) / (time.perf_counter() - started))
            transaction.savepoint_rollback(point)
    return rates[0], rates[1], len(pairs)


def progress(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {line}", file=sys.stderr, flush=True)


def cpu_seconds(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def replay(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    learners = generate_all(args.learners, args.facts)
    term = [f for me in learners for f in me.term]
    corrections = [f for me in learners for f in me.corrections]
    voids = [v for me in learners for v in me.voids]
    want, want_flagged = expected(learners)
    generated = time.perf_counter() - started
    with site(args.database_url) as laurel:
        laurel.laurel("manage", "migrate", "-v", "0")
        os.environ.update(laurel.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "laurel.settings"
        import django

        django.setup()
        world = setup(args.learners)
        people = identities(world["source"], args.learners)
        for n in range(args.workers):
            laurel.start(f"worker{n}", "worker")
        time.sleep(3)  # let the workers start before the clock does
        pids = [p.pid for p in laurel.processes]
        cpu_before = cpu_seconds(pids)
        own_before = time.process_time()
        t0 = time.perf_counter()
        term_seconds = record(world["source"], term, args.batch, people)
        t_term = time.perf_counter()
        progress(f"term recorded in {term_seconds:.1f} s")
        t_term_drained = drained(args.timeout)
        progress(f"queue empty {t_term_drained - t_term:.1f} s later")
        fix_seconds = record(world["source"], corrections, args.batch, people)
        void_seconds = void(world["source"], voids, args.batch)
        t_fixed = time.perf_counter()
        progress("corrections recorded")
        t_end = drained(args.timeout)
        progress(f"queue empty after the corrections, {t_end - t0:.1f} s in all; checking")
        worker_cpu = cpu_seconds(pids) - cpu_before
        recorder_cpu = time.process_time() - own_before
        tasks, evaluated = drains()
        awards, flagged, states = outcome(world["badges"])
        one, together, sampled = baseline(args.sample)
        load_average = os.getloadavg()
    total = t_end - t0
    facts = len(term) + len(corrections)
    made = sum(awards.values())
    database = "PostgreSQL" if args.database_url else "SQLite (temporary folder)"
    print(f"machine: {machine()}")
    print(f"database: {database}; laurel worker processes: {args.workers}; batches of {args.batch} facts")
    print(
        f"learners: {args.learners:,}; badges: {len(BADGES)}; facts: {facts:,} "
        f"({len(term):,} in the term, {len(corrections):,} corrections) and {len(voids):,} voided; "
        f"generated and expected computed in {generated:.1f} s"
    )
    rate = len(term) / term_seconds
    print(f"{'term recorded':<40}{term_seconds:>9.1f} s  ({rate:,.0f} facts/s, workers draining)")
    print(f"{'queue empty after the term':<40}{t_term_drained - t_term:>9.1f} s later")
    print(f"{'corrections recorded and voids':<40}{fix_seconds + void_seconds:>9.1f} s")
    print(f"{'queue empty after the corrections':<40}{t_end - t_fixed:>9.1f} s later")
    print(f"{'total (first fact → queue empty)':<40}{total:>9.1f} s")
    print(
        f"throughput: {facts / total:,.0f} facts/s and {made / total:,.0f} awards/s overall; "
        f"{made:,} awards, {sum(states.values()):,} learner states ({dict(sorted(states.items()))})"
    )
    print(
        f"CPU: this process (recording, waiting) {recorder_cpu:.1f} s, "
        f"{1000 * recorder_cpu / (facts + len(voids)):.3f} ms per fact; workers {worker_cpu:.1f} s over "
        f"{args.workers}, {tasks:,} drain tasks evaluating {evaluated:,} pairs "
        f"({1000 * worker_cpu / max(evaluated, 1):.2f} ms CPU per pair)"
    )
    refused = ", ".join(f"{count} {name}" for name, count in RETRIES.items()) or "none"
    print(f"batches sent again after a database conflict: {refused}")
    print(
        f"baseline, the same {sampled} pairs re-evaluated in this run: one at a time {one:,.0f} pairs/s, "
        f"as one batch {together:,.0f} pairs/s (×{together / one:.1f})"
    )
    print("load average after the run (1, 5, 15 min): " + " ".join(f"{n:.2f}" for n in load_average))
    doubled = [pair for pair, count in awards.items() if count > 1]
    missing, extra = want - set(awards), set(awards) - want
    flags_ok = flagged == want_flagged
    ok = not doubled and not missing and not extra and flags_ok
    print(
        f"check: {len(want):,} awards expected, {len(set(awards)):,} made, {len(missing)} missing, "
        f"{len(extra)} unexpected, {len(doubled)} doubled; {len(want_flagged):,} flags expected, "
        f"{len(flagged):,} found ({'same' if flags_ok else 'DIFFERENT'}): {'ok' if ok else 'WRONG'}"
    )
    for pair in sorted(missing)[:5]:
        print(f"  missing {pair}")
    for pair in sorted(extra)[:5]:
        print(f"  unexpected {pair}")
    for pair in sorted(flagged ^ want_flagged)[:5]:
        print(f"  flag differs {pair}")
    if args.learners == 20_000 and facts == 1_000_000 and args.database_url and args.workers == 2:
        verdict = "met" if total < TARGET_SECONDS else "NOT met"
        print(
            f"target: 1,000,000 facts, 20,000 learners, two workers, under {TARGET_SECONDS:.0f} s: {verdict}"
        )
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--facts", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=2000, help="facts per transaction")
    parser.add_argument("--sample", type=int, default=300, help="pairs in the baseline measurement")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for a drain")
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to create a fresh database on"
    )
    args = parser.parse_args(argv)
    if args.learners < 1 or args.facts < args.learners or args.workers < 1:
        parser.error("--learners and --workers must be positive and --facts at least --learners")
    return replay(args)


if __name__ == "__main__":
    sys.exit(main())
