"""Saving a rule checks it against the organization: badges, cycles, items sources reported."""

from django.core.exceptions import ValidationError

from laurel.audit.models import AuditEvent
from laurel.ingest.facts import record_facts
from laurel.rules.actions import make_live, save_rule
from laurel.rules.models import Rule
from tests.rules.helpers import RulesTestCase, make_badge, sessions, submitted

ASSIGNMENTS = {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}}


def requires(*badges: object) -> dict[str, object]:
    return {"criteria": {"badges": {"achievements": [str(b.public_id) for b in badges]}}}  # type: ignore[attr-defined]


class SavingRulesTests(RulesTestCase):
    def errors(self, achievement: object, definition: object, **options: bool) -> list[str]:
        with self.assertRaises(ValidationError) as raised:
            save_rule(self.actor, achievement, definition, **options)  # type: ignore[arg-type]
        return raised.exception.messages

    def test_a_rule_is_saved_as_a_numbered_draft_of_the_current_version(self) -> None:
        first = save_rule(self.actor, self.badge, ASSIGNMENTS)
        second = save_rule(self.actor, self.badge, ASSIGNMENTS)
        self.assertEqual((first.number, second.number), (1, 2))
        self.assertEqual(first.state, Rule.State.DRAFT)
        self.assertEqual(first.version, self.badge.current_version)
        self.assertEqual(first.reads, [["submission", "CS101", "A1"], ["submission", "CS101", "A2"]])
        self.assertEqual(AuditEvent.objects.filter(action="rules.create").count(), 2)

    def test_going_live_retires_the_previous_live_rule(self) -> None:
        first = save_rule(self.actor, self.badge, ASSIGNMENTS, live=True)
        second = save_rule(self.actor, self.badge, ASSIGNMENTS)
        make_live(self.actor, second)
        first.refresh_from_db()
        self.assertEqual(first.state, Rule.State.RETIRED)
        self.assertEqual(
            list(Rule.objects.filter(state=Rule.State.LIVE).values_list("pk", flat=True)), [second.pk]
        )

    def test_a_structural_problem_is_reported_with_its_path(self) -> None:
        found = self.errors(self.badge, {"criteria": {"score": {"course": "CS101", "min_percent": 101}}})
        self.assertEqual(len(found), 1)
        self.assertTrue(found[0].startswith("criteria.score.min_percent: "))
        self.assertFalse(Rule.objects.exists())

    def test_a_badge_of_another_organization_is_unknown(self) -> None:
        elsewhere = make_badge(self.other_org, "elsewhere", "", "Elsewhere")
        found = self.errors(self.badge, requires(elsewhere))
        self.assertEqual(
            found, [f"criteria.badges.achievements: No badge “{elsewhere.public_id}” in this organization."]
        )

    def test_a_badge_cannot_require_itself(self) -> None:
        self.assertEqual(
            self.errors(self.badge, requires(self.badge)),
            ["criteria.badges.achievements: A badge cannot require itself."],
        )

    def test_a_cycle_through_live_rules_is_refused_and_named(self) -> None:
        third = make_badge(self.org, "capstone", "캡스톤", "Capstone")
        save_rule(self.actor, self.intro, requires(self.badge), live=True)  # intro needs data-analysis
        save_rule(self.actor, self.badge, requires(third), live=True)  # data-analysis needs capstone
        found = self.errors(third, requires(self.intro))  # capstone needs intro: a loop
        self.assertEqual(
            found,
            [
                "criteria.badges.achievements: "
                "Badges would require each other: capstone → intro → data-analysis → capstone."
            ],
        )

    def test_a_draft_that_would_close_a_cycle_cannot_go_live(self) -> None:
        draft = save_rule(self.actor, self.intro, requires(self.badge))
        save_rule(self.actor, self.badge, requires(self.intro), live=True)
        with self.assertRaises(ValidationError) as raised:
            make_live(self.actor, draft)
        self.assertIn("intro → data-analysis → intro", raised.exception.messages[0])

    def test_items_no_source_reported_are_unknown_once_the_course_has_activity(self) -> None:
        # Nothing reported yet: not knowable, so the rule is saved.
        save_rule(
            self.actor, self.badge, {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A9"]}}}
        )
        record_facts(self.source, [submitted("s1", "A1"), submitted("s2", "A2")])
        found = self.errors(
            self.badge, {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A9"]}}}
        )
        self.assertEqual(
            found, ["criteria.submissions.items: Never reported for CS101: A9 (reported: A1, A2)."]
        )
        # Saved on purpose: the item is still to come.
        rule = save_rule(
            self.actor,
            self.badge,
            {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A9"]}}},
            allow_unseen=True,
        )
        self.assertEqual(rule.number, 2)

    def test_fewer_scheduled_sessions_than_recorded_is_refused(self) -> None:
        from laurel.ingest.facts import FactInput, Identity

        record_facts(
            self.source,
            [
                FactInput(
                    f"a{f.object_id}",
                    "attendance",
                    Identity("email", "hong@example.com"),
                    f.object_id,
                    f.occurred_at,
                    course="CS101",
                    status=f.status,
                )
                for f in sessions("PPPP")
            ],
        )
        found = self.errors(
            self.badge, {"criteria": {"attendance": {"course": "CS101", "sessions": 3, "min_percent": 80}}}
        )
        self.assertEqual(
            found,
            [
                "criteria.attendance.sessions: "
                "4 sessions of CS101 are already recorded, more than the 3 scheduled."
            ],
        )
