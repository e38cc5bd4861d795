"""Arrival order and duplicates never change a decision: shuffled, repeated and renumbered streams.

Attendance and submissions are also checked against a separate, plain computation.
"""

import datetime
import random
from fractions import Fraction
from typing import Any

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from laurel.rules.evaluate import FactView, as_json, evaluate
from tests.rules.helpers import NOW, T0, rule

STATUSES = {
    "attendance": ["present", "late", "absent", "excused"],
    "submission": ["submitted", "late", "missing"],
    "grade": [""],
    "quiz": ["", "passed", "failed"],
    "mission": ["completed"],
    "completion": ["completed", "incomplete", "withdrawn"],
    "approval": ["approved", "rejected"],
}
OBJECTS = {
    "attendance": ["s1", "s2", "s3", "s4", "s5", "s6"],
    "submission": ["A1", "A2", "A3"],
    "grade": ["final", "CS101"],
    "quiz": ["Q1", "Q2"],
    "mission": ["m1", "m2", "m3", "m4"],
    "completion": ["CS101"],
    "approval": ["portfolio"],
}
RULE = rule(
    {
        "all": [
            {"attendance": {"course": "CS101", "sessions": 6, "min_percent": 75, "late_weight": 0.5}},
            {"submissions": {"course": "CS101", "items": ["A1", "A2", "A3"]}},
            {
                "n_of": {
                    "n": 2,
                    "of": [
                        {"score": {"course": "CS101", "item": "final", "min_percent": 60}},
                        {"score": {"course": "CS101", "min_percent": 70}},
                        {"quiz": {"item": "Q1", "min_percent": 50}},
                        {"missions": {"count": 2}},
                    ],
                }
            },
            {"any": [{"completion": {"course": "CS101"}}, {"approval": {"item": "portfolio"}}]},
            {"badges": {"achievements": ["intro"]}},
        ]
    },
    window={"start": "2026-03-02", "end": "2026-03-04", "grace_days": 1},
)


@st.composite
def facts(draw: st.DrawFn) -> list[FactView]:
    count = draw(st.integers(0, 40))
    made = []
    for n in range(count):
        kind = draw(st.sampled_from(sorted(STATUSES)))
        value = draw(st.none() | st.integers(0, 10))
        made.append(
            FactView(
                id=n + 1,
                type=kind,
                object_id=draw(st.sampled_from(OBJECTS[kind])),
                # Few distinct times, so ties are common; some fall outside the window.
                occurred_at=T0 + datetime.timedelta(days=draw(st.integers(-1, 5))),
                course=draw(st.sampled_from(["CS101", "CS101", "", "CS102"])),
                status=draw(st.sampled_from(STATUSES[kind])),
                value=None if value is None else value,  # type: ignore[arg-type]
                max_value=None if value is None else 10,  # type: ignore[arg-type]
                event_key=f"k{draw(st.integers(0, 10**6))}-{n}",
            )
        )
    return made


def stripped(progress: dict[str, Any]) -> dict[str, Any]:
    return {k: [stripped(p) for p in v] if k == "parts" else v for k, v in progress.items() if k != "facts"}


def window_ok(f: FactView) -> bool:
    return T0 <= f.occurred_at < T0 + datetime.timedelta(days=4)


def latest(found: list[FactView]) -> dict[str, FactView]:
    best: dict[str, FactView] = {}
    for f in found:
        key = (f.occurred_at, f.event_key)
        if f.object_id not in best or key > (best[f.object_id].occurred_at, best[f.object_id].event_key):
            best[f.object_id] = f
    return best


def attendance_rate(stream: list[FactView]) -> Fraction | None:
    mine = [f for f in stream if f.type == "attendance" and f.course == "CS101" and window_ok(f)]
    last = latest(mine)
    statuses = [f.status for f in last.values()]
    denominator = 6 - statuses.count("excused")
    if denominator <= 0:
        return None
    attended = statuses.count("present") + Fraction(1, 2) * statuses.count("late")
    return min(Fraction(attended), Fraction(denominator)) / denominator


def missing_submissions(stream: list[FactView]) -> tuple[str, ...]:
    mine = [f for f in stream if f.type == "submission" and f.course == "CS101" and window_ok(f)]
    last = latest(mine)
    return tuple(a for a in ("A1", "A2", "A3") if a not in last or last[a].status == "missing")


class OrderIndependenceTests(SimpleTestCase):
    @settings(max_examples=120, deadline=None)
    @given(facts(), st.randoms(use_true_random=False), st.booleans())
    def test_shuffling_and_duplicating_facts_changes_nothing(
        self, stream: list[FactView], rng: random.Random, holds: bool
    ) -> None:
        held = {"intro": T0} if holds else {}
        first = evaluate(RULE, stream, held, NOW)
        again = stream + rng.choices(stream, k=len(stream)) if stream else []
        rng.shuffle(again)
        second = evaluate(RULE, again, held, NOW)
        self.assertEqual(first, second)

    @settings(max_examples=120, deadline=None)
    @given(facts(), st.randoms(use_true_random=False))
    def test_facts_stored_in_another_order_decide_the_same(
        self, stream: list[FactView], rng: random.Random
    ) -> None:
        # Stored in another order, the same facts get other ids: ids must not decide anything.
        ids = [f.id for f in stream]
        rng.shuffle(ids)
        renumber = dict(zip([f.id for f in stream], ids, strict=True))
        moved = [FactView(**{**f.__dict__, "id": renumber[f.id]}) for f in stream]
        first = evaluate(RULE, stream, {"intro": T0}, NOW)
        second = evaluate(RULE, moved, {"intro": T0}, NOW)
        self.assertEqual(first.met, second.met)
        self.assertEqual(stripped(as_json(first.progress)), stripped(as_json(second.progress)))
        self.assertEqual(tuple(sorted(renumber[i] for i in first.fact_ids)), second.fact_ids)

    @settings(max_examples=120, deadline=None)
    @given(facts())
    def test_attendance_and_submissions_agree_with_a_plain_computation(self, stream: list[FactView]) -> None:
        decision = evaluate(RULE, stream, {}, NOW)
        attendance, submissions = decision.progress.parts[0], decision.progress.parts[1]
        rate = attendance_rate(stream)
        self.assertEqual(attendance.met, rate is not None and rate >= Fraction(3, 4))
        if rate is not None:
            assert attendance.percent is not None
            self.assertEqual(Fraction(attendance.percent).limit_denominator(10**6), rate * 100)
        self.assertEqual(submissions.missing, missing_submissions(stream))
