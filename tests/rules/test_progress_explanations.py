"""Progress reads as the learner needs it: what is done, what is missing, what is still needed."""

from django.test import SimpleTestCase
from django.utils import translation

from laurel.rules.evaluate import evaluate
from laurel.rules.explain import lines, number, summary
from tests.rules.helpers import NOW, fact, rule, sessions

RULE = rule(
    {
        "all": [
            {"attendance": {"course": "CS101", "sessions": 14, "min_percent": 80}},
            {"submissions": {"course": "CS101", "items": ["A1", "A2", "A3", "A4", "A5"]}},
        ]
    }
)


class ExplanationTests(SimpleTestCase):
    def test_the_issue_example_reads_as_written(self) -> None:
        facts = sessions("P" * 11 + "AAA") + [fact("submission", f"A{n}", "submitted") for n in (1, 2, 4, 5)]
        with translation.override("en"):
            text = summary(evaluate(RULE, facts, {}, NOW).progress)
        # 11 / 14 = 78.571…, cut to one decimal.
        self.assertEqual(
            text, "attendance in CS101 11/14 sessions, 78.5 % — need 80 %; assignments 4/5 — missing A3"
        )

    def test_met_clauses_say_so_without_a_need(self) -> None:
        facts = sessions("P" * 14) + [fact("submission", f"A{n}", "submitted") for n in range(1, 6)]
        with translation.override("en"):
            found = lines(evaluate(RULE, facts, {}, NOW).progress)
        self.assertEqual(
            [(line.depth, line.text, line.met) for line in found],
            [
                (0, "All of these: 2 of 2 met", True),
                (1, "attendance in CS101 14/14 sessions, 100 %", True),
                (1, "assignments 5/5 submitted", True),
            ],
        )

    def test_badges_are_named_by_the_names_given(self) -> None:
        criteria = rule({"badges": {"achievements": ["u1", "u2"]}})
        with translation.override("en"):
            text = summary(evaluate(criteria, [], {"u1": NOW}, NOW).progress, {"u2": "Data Analysis"})
        self.assertEqual(text, "badges 1/2 — missing Data Analysis")

    def test_numbers_are_cut_not_rounded(self) -> None:
        from decimal import Decimal

        self.assertEqual(number(Decimal("79.96")), "79.9")
        self.assertEqual(number(Decimal("80.00")), "80")
        self.assertEqual(number(Decimal("10.5")), "10.5")
