"""Reading a rule names every problem with its path; a good rule reads into typed clauses."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase

from laurel.rules.definition import Attendance, Group, RuleError, Submissions, parse

UTC = datetime.UTC


def problems(definition: object) -> list[str]:
    try:
        parse(definition, UTC)
    except RuleError as error:
        return error.messages
    raise AssertionError("the rule was accepted")


class RuleDefinitionTests(SimpleTestCase):
    def test_a_complete_rule_reads_into_typed_clauses(self) -> None:
        criteria = parse(
            {
                "criteria": {
                    "all": [
                        {
                            "attendance": {
                                "course": "CS101",
                                "sessions": 14,
                                "min_percent": 80,
                                "late_weight": 0.5,
                            }
                        },
                        {"submissions": {"course": "CS101", "items": ["A1", "A2"]}},
                    ]
                },
                "mentor_approval": True,
            },
            UTC,
        )
        self.assertIsInstance(criteria.root, Group)
        assert isinstance(criteria.root, Group)
        self.assertEqual(criteria.root.n, 2)
        self.assertEqual(
            criteria.root.parts[0],
            Attendance(course="CS101", sessions=14, min_percent=Decimal(80), late_weight=Decimal("0.5")),
        )
        self.assertEqual(criteria.root.parts[1], Submissions(items=("A1", "A2"), course="CS101"))
        self.assertTrue(criteria.mentor_approval)
        self.assertFalse(criteria.evidence_required)

    def test_a_threshold_above_100_percent_is_refused_with_its_path(self) -> None:
        found = problems({"criteria": {"all": [{"score": {"course": "CS101", "min_percent": 120}}]}})
        self.assertEqual(len(found), 1)
        self.assertTrue(found[0].startswith("criteria.all[0].score.min_percent: "), found)
        self.assertIn("120", found[0])

    def test_n_of_more_than_its_clauses_is_refused(self) -> None:
        found = problems(
            {"criteria": {"n_of": {"n": 3, "of": [{"quiz": {"item": "Q1"}}, {"quiz": {"item": "Q2"}}]}}}
        )
        self.assertEqual(len(found), 1)
        self.assertTrue(found[0].startswith("criteria.n_of.n: 3 of 2 clauses"), found)

    def test_every_problem_is_reported_at_once(self) -> None:
        found = problems(
            {
                "criteria": {
                    "any": [
                        {"attendance": {"course": "", "sessions": 0, "min_percent": 0, "late_weight": 2}},
                        {"missions": {"count": 4, "items": ["m1", "m1"]}},
                        {"teleport": {}},
                    ]
                },
                "colour": "red",
            }
        )
        paths = sorted(message.split(": ", 1)[0] for message in found)
        self.assertEqual(
            paths,
            [
                "colour",
                "criteria.any[0].attendance.course",
                "criteria.any[0].attendance.late_weight",
                "criteria.any[0].attendance.min_percent",
                "criteria.any[0].attendance.sessions",
                "criteria.any[1].missions.count",
                "criteria.any[1].missions.items",
                "criteria.any[2].teleport",
            ],
        )

    def test_a_window_that_ends_before_it_starts_is_refused(self) -> None:
        found = problems(
            {
                "criteria": {"completion": {"course": "CS101"}},
                "window": {"start": "2026-06-01", "end": "2026-03-01"},
            }
        )
        self.assertEqual(found, ["window: The window ends before it starts."])

    def test_a_grace_period_without_an_end_is_refused(self) -> None:
        found = problems(
            {
                "criteria": {
                    "completion": {"course": "CS101", "window": {"start": "2026-03-01", "grace_days": 3}}
                }
            }
        )
        self.assertEqual(found, ["criteria.completion.window.grace_days: A grace period needs an end."])

    def test_the_rule_window_applies_to_clauses_without_their_own(self) -> None:
        criteria = parse(
            {
                "criteria": {
                    "all": [
                        {"completion": {"course": "CS101"}},
                        {"completion": {"course": "CS102", "window": {"start": "2026-09-01"}}},
                    ]
                },
                "window": {"start": "2026-03-02", "end": "2026-06-19", "grace_days": 7},
            },
            UTC,
        )
        assert isinstance(criteria.root, Group)
        first, second = criteria.root.parts
        assert first.window is not None and second.window is not None
        # A date as the end means the end of that day.
        self.assertEqual(first.window.end, datetime.datetime(2026, 6, 20, tzinfo=UTC))
        self.assertEqual(first.window.grace, datetime.timedelta(days=7))
        self.assertEqual(second.window.start, datetime.datetime(2026, 9, 1, tzinfo=UTC))
        self.assertIsNone(second.window.end)

    def test_dates_are_read_in_the_given_time_zone(self) -> None:
        import zoneinfo

        seoul = zoneinfo.ZoneInfo("Asia/Seoul")
        criteria = parse(
            {"criteria": {"completion": {"course": "C", "window": {"start": "2026-03-02"}}}}, seoul
        )
        window = criteria.root.window  # type: ignore[union-attr]
        assert window is not None and window.start is not None
        self.assertEqual(window.start.astimezone(UTC), datetime.datetime(2026, 3, 1, 15, 0, tzinfo=UTC))

    def test_something_other_than_an_object_is_refused(self) -> None:
        self.assertEqual(len(problems([1, 2])), 1)
        self.assertEqual(problems({}), ["criteria: Required."])
