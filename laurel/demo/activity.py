"""The demo's automatic badge: a course whose LMS reports attendance, assignments and grades.

The LMS's records are stored as the facts of an xAPI source, as its statements would be, and
the badge's live rule turns them into awards and progress explanations without anyone
pressing "award". Dates are fixed so every seed is alike. Two learners meet the rule; two
with accounts (one reading Korean, one English) are still short of it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

COURSE = "RISE-PY101"
SESSIONS = 10
ASSIGNMENTS = ("A1", "A2", "A3", "A4")
SOURCE_NAME = "한빛 LMS (xAPI)"
UTC = datetime.UTC
HUNDRED = Decimal(100)
FIRST_CLASS = datetime.datetime(2026, 9, 7, 0, 30, tzinfo=UTC)  # 09:30 in Seoul

RULE = {
    "criteria": {
        "all": [
            {"attendance": {"course": COURSE, "sessions": SESSIONS, "min_percent": 80, "late_weight": 0.5}},
            {"submissions": {"course": COURSE, "items": list(ASSIGNMENTS)}},
            {"score": {"course": COURSE, "item": "final", "min_percent": 60}},
        ]
    }
}


@dataclass(frozen=True)
class Record:
    """What one learner did in the course; attendance as P present, L late, A absent, E excused."""

    learner: int  # people.Learner.number
    attendance: str
    submitted: tuple[str, ...]
    final: int | None  # out of 100; None while the exam is not graded


RECORDS = [
    Record(9, "PPPPPPPPLP", ASSIGNMENTS, 92),  # meets every clause
    Record(10, "PPPLPPEPPP", ASSIGNMENTS, 71),  # one late, one excused: 8.5 of 9 sessions (94 %)
    Record(2, "PPAPPLPPP", ("A1", "A2", "A4"), 64),  # 7.5 of 10 (the last unrecorded), no A3
    Record(5, "PPPPPPPPPP", ASSIGNMENTS, None),  # everything but the final exam
]


@dataclass(frozen=True)
class Event:
    key: str
    type: str
    object_id: str
    occurred_at: datetime.datetime
    status: str = ""
    value: Decimal | None = None


def events(record: Record) -> list[Event]:
    """The record as the LMS's events, each with a stable key."""
    statuses = {"P": "present", "L": "late", "A": "absent", "E": "excused"}
    week = datetime.timedelta(days=7)
    made = [
        Event(
            f"py101-{record.learner}-s{n}",
            "attendance",
            f"s{n}",
            FIRST_CLASS + (n - 1) * week,
            statuses[mark],
        )
        for n, mark in enumerate(record.attendance, start=1)
    ]
    for item in record.submitted:
        due = FIRST_CLASS + int(item[1:]) * 2 * week
        made.append(Event(f"py101-{record.learner}-{item}", "submission", item, due, "submitted"))
    if record.final is not None:
        graded = FIRST_CLASS + (SESSIONS + 1) * week
        made.append(
            Event(f"py101-{record.learner}-final", "grade", "final", graded, value=Decimal(record.final))
        )
    return made
