"""Each kind of clause decides as the criteria say; expected numbers are worked out by hand."""

from decimal import Decimal

from django.test import SimpleTestCase

from laurel.rules.evaluate import evaluate
from tests.rules.helpers import NOW, at, fact, rule, sessions

ATTENDANCE = {"attendance": {"course": "CS101", "sessions": 14, "min_percent": 80, "late_weight": 0.5}}


class AttendanceTests(SimpleTestCase):
    def test_eleven_of_fourteen_is_not_eighty_percent(self) -> None:
        # 11 present, 3 absent: 11 / 14 = 78.57 % < 80 %.
        decision = evaluate(rule(ATTENDANCE), sessions("P" * 11 + "AAA"), {}, NOW)
        self.assertFalse(decision.met)
        self.assertEqual(decision.progress.done, 11)
        self.assertEqual(decision.progress.total, 14)

    def test_twelve_of_fourteen_meets_eighty_percent(self) -> None:
        # 12 / 14 = 85.7 %; the two unrecorded sessions count as missed.
        decision = evaluate(rule(ATTENDANCE), sessions("P" * 12), {}, NOW)
        self.assertTrue(decision.met)

    def test_late_counts_as_the_configured_fraction(self) -> None:
        # 10 present + 3 late × 0.5 = 11.5 of 14 = 82.1 %: met; with late at 0.25, 10.75 / 14 = 76.8 %.
        facts = sessions("P" * 10 + "LLL" + "A")
        self.assertTrue(evaluate(rule(ATTENDANCE), facts, {}, NOW).met)
        stricter = {"attendance": {**ATTENDANCE["attendance"], "late_weight": 0.25}}
        decision = evaluate(rule(stricter), facts, {}, NOW)
        self.assertFalse(decision.met)
        self.assertEqual(decision.progress.done, Decimal("10.75"))
        self.assertEqual(decision.progress.late, 3)

    def test_excused_sessions_leave_the_denominator(self) -> None:
        # 10 present, 2 excused, 2 absent: 10 / 12 = 83.3 % (10 / 14 would be 71.4 %).
        decision = evaluate(rule(ATTENDANCE), sessions("P" * 10 + "EEAA"), {}, NOW)
        self.assertTrue(decision.met)
        self.assertEqual(decision.progress.total, 12)
        self.assertEqual(decision.progress.excused, 2)

    def test_a_corrected_record_replaces_the_earlier_one(self) -> None:
        facts = sessions("P" * 11 + "AAA")
        # Session 12 was marked absent, then corrected to present a day later: 12 / 14.
        facts.append(fact("attendance", "s12", "present", days=20))
        self.assertTrue(evaluate(rule(ATTENDANCE), facts, {}, NOW).met)

    def test_other_courses_do_not_count(self) -> None:
        decision = evaluate(rule(ATTENDANCE), sessions("P" * 14, course="CS102"), {}, NOW)
        self.assertFalse(decision.met)
        self.assertEqual(decision.fact_ids, ())


class SubmissionTests(SimpleTestCase):
    RULE = {"submissions": {"course": "CS101", "items": ["A1", "A2", "A3", "A4", "A5"]}}

    def test_a_missing_assignment_is_named(self) -> None:
        facts = [fact("submission", f"A{n}", "submitted") for n in (1, 2, 4, 5)]
        decision = evaluate(rule(self.RULE), facts, {}, NOW)
        self.assertFalse(decision.met)
        self.assertEqual(decision.progress.missing, ("A3",))
        self.assertEqual(decision.progress.done, 4)
        self.assertEqual(decision.fact_ids, tuple(sorted(f.id for f in facts)))

    def test_late_submissions_count_unless_on_time_is_required(self) -> None:
        facts = [fact("submission", f"A{n}", "late" if n == 3 else "submitted") for n in range(1, 6)]
        self.assertTrue(evaluate(rule(self.RULE), facts, {}, NOW).met)
        on_time = {"submissions": {**self.RULE["submissions"], "on_time": True}}
        self.assertEqual(evaluate(rule(on_time), facts, {}, NOW).progress.missing, ("A3",))

    def test_a_submission_marked_missing_later_no_longer_counts(self) -> None:
        facts = [fact("submission", f"A{n}", "submitted", days=1) for n in range(1, 6)]
        facts.append(fact("submission", "A2", "missing", days=2))
        self.assertEqual(evaluate(rule(self.RULE), facts, {}, NOW).progress.missing, ("A2",))


class ScoreQuizMissionTests(SimpleTestCase):
    def test_a_score_is_value_over_maximum(self) -> None:
        clause = {"score": {"course": "CS101", "item": "final", "min_percent": 70}}
        # 35 of 50 is exactly 70 %.
        self.assertTrue(
            evaluate(rule(clause), [fact("grade", "final", value="35", max_value="50")], {}, NOW).met
        )
        self.assertFalse(
            evaluate(rule(clause), [fact("grade", "final", value="34.9", max_value="50")], {}, NOW).met
        )

    def test_a_score_without_a_maximum_is_not_a_percentage(self) -> None:
        clause = {"score": {"course": "CS101", "item": "final", "min_percent": 70}}
        decision = evaluate(rule(clause), [fact("grade", "final", value="90")], {}, NOW)
        self.assertFalse(decision.met)
        self.assertIsNone(decision.progress.percent)

    def test_the_course_grade_is_the_grade_about_the_course(self) -> None:
        clause = {"score": {"course": "CS101", "min_percent": 80}}
        facts = [
            fact("grade", "quiz-1", value="100", max_value="100"),
            fact("grade", "CS101", course="", value="0.82", max_value="1"),
        ]
        decision = evaluate(rule(clause), facts, {}, NOW)
        self.assertTrue(decision.met)
        self.assertEqual(decision.fact_ids, (facts[1].id,))

    def test_a_lowered_grade_stops_meeting_the_rule(self) -> None:
        clause = {"score": {"course": "CS101", "item": "final", "min_percent": 70}}
        facts = [fact("grade", "final", value="80", max_value="100", days=1)]
        facts.append(fact("grade", "final", value="60", max_value="100", days=3))
        self.assertFalse(evaluate(rule(clause), facts, {}, NOW).met)

    def test_a_quiz_passed_once_stays_passed(self) -> None:
        clause = {"quiz": {"course": "CS101", "item": "Q1"}}
        facts = [fact("quiz", "Q1", "passed", days=1), fact("quiz", "Q1", "failed", days=2)]
        self.assertTrue(evaluate(rule(clause), facts, {}, NOW).met)
        self.assertFalse(evaluate(rule(clause), facts[1:], {}, NOW).met)

    def test_a_quiz_without_an_outcome_passes_on_its_score(self) -> None:
        clause = {"quiz": {"item": "Q1", "min_percent": 60}}
        self.assertTrue(evaluate(rule(clause), [fact("quiz", "Q1", value="6", max_value="10")], {}, NOW).met)
        self.assertFalse(evaluate(rule(clause), [fact("quiz", "Q1", value="5", max_value="10")], {}, NOW).met)

    def test_missions_count_distinct_missions(self) -> None:
        clause = {"missions": {"count": 3}}
        twice = [
            fact("mission", "m1", "completed"),
            fact("mission", "m1", "completed"),
            fact("mission", "m2", "completed"),
        ]
        self.assertFalse(evaluate(rule(clause), twice, {}, NOW).met)
        self.assertEqual(evaluate(rule(clause), twice, {}, NOW).progress.done, 2)
        self.assertTrue(evaluate(rule(clause), [*twice, fact("mission", "m9", "completed")], {}, NOW).met)

    def test_only_named_missions_count_when_missions_are_named(self) -> None:
        clause = {"missions": {"count": 2, "items": ["m1", "m2", "m3"]}}
        facts = [fact("mission", "m1", "completed"), fact("mission", "m9", "completed")]
        decision = evaluate(rule(clause), facts, {}, NOW)
        self.assertFalse(decision.met)
        self.assertEqual(decision.progress.missing, ("m2", "m3"))


class CompletionBadgeApprovalTests(SimpleTestCase):
    def test_a_withdrawal_after_completion_undoes_it(self) -> None:
        clause = {"completion": {"course": "CS101"}}
        done = fact("completion", "CS101", "completed", course="", days=1)
        self.assertTrue(evaluate(rule(clause), [done], {}, NOW).met)
        withdrawn = fact("completion", "CS101", "withdrawn", course="", days=2)
        self.assertFalse(evaluate(rule(clause), [done, withdrawn], {}, NOW).met)

    def test_badges_must_all_be_held(self) -> None:
        clause = {"badges": {"achievements": ["x", "y"]}}
        self.assertFalse(evaluate(rule(clause), [], {"x": at(1)}, NOW).met)
        self.assertTrue(evaluate(rule(clause), [], {"x": at(1), "y": at(2)}, NOW).met)
        self.assertEqual(evaluate(rule(clause), [], {"y": at(2)}, NOW).progress.missing, ("x",))

    def test_an_approval_is_the_latest_word(self) -> None:
        clause = {"approval": {"item": "portfolio"}}
        yes = fact("approval", "portfolio", "approved", days=1)
        no = fact("approval", "portfolio", "rejected", days=2)
        self.assertTrue(evaluate(rule(clause), [yes], {}, NOW).met)
        self.assertFalse(evaluate(rule(clause), [yes, no], {}, NOW).met)


class GroupAndWindowTests(SimpleTestCase):
    def test_n_of_needs_n_parts(self) -> None:
        clause = {"n_of": {"n": 2, "of": [{"quiz": {"item": q}} for q in ("Q1", "Q2", "Q3")]}}
        one = [fact("quiz", "Q1", "passed")]
        self.assertFalse(evaluate(rule(clause), one, {}, NOW).met)
        self.assertTrue(evaluate(rule(clause), [*one, fact("quiz", "Q3", "passed")], {}, NOW).met)

    def test_any_uses_the_facts_of_the_parts_that_are_met(self) -> None:
        q1, q2 = fact("quiz", "Q1", "passed"), fact("quiz", "Q2", "failed")
        decision = evaluate(
            rule({"any": [{"quiz": {"item": "Q1"}}, {"quiz": {"item": "Q2"}}]}), [q1, q2], {}, NOW
        )
        self.assertTrue(decision.met)
        self.assertEqual(decision.fact_ids, (q1.id,))

    def test_facts_after_the_window_and_grace_do_not_count(self) -> None:
        # The term ends on day 10 (end of 2026-03-11) with 3 days of grace.
        window = {"start": "2026-03-02", "end": "2026-03-11", "grace_days": 3}
        clause = {"completion": {"course": "CS101", "window": window}}
        inside_grace = fact("completion", "CS101", "completed", course="", days=12)
        too_late = fact("completion", "CS101", "completed", course="", days=13)
        self.assertTrue(evaluate(rule(clause), [inside_grace], {}, NOW).met)
        decision = evaluate(rule(clause), [too_late], {}, NOW)
        self.assertFalse(decision.met)
        self.assertTrue(decision.progress.closed)

    def test_a_window_is_closed_only_once_its_grace_has_passed(self) -> None:
        window = {"start": "2026-03-02", "end": "2026-03-11", "grace_days": 3}
        clause = {"completion": {"course": "CS101", "window": window}}
        # The window ends at the end of day 9 (2026-03-11), grace until the end of day 12.
        self.assertFalse(evaluate(rule(clause), [], {}, at(12)).progress.closed)
        self.assertTrue(evaluate(rule(clause), [], {}, at(13)).progress.closed)

    def test_a_fact_timestamped_ahead_of_now_still_counts(self) -> None:
        # A source's clock a little ahead: nothing would evaluate the fact again later.
        done = fact("completion", "CS101", "completed", course="", days=5)
        self.assertTrue(evaluate(rule({"completion": {"course": "CS101"}}), [done], {}, at(4)).met)
