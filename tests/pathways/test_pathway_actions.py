"""Designing and publishing a pathway; the engine awards its milestone from the learner's facts."""

from django.core.exceptions import ValidationError

from laurel.awards.models import Award
from laurel.ingest.facts import record_facts
from laurel.pathways.actions import GroupSpec, create, publish
from laurel.rules.actions import save_rule
from laurel.rules.models import Rule
from laurel.rules.tasks import work
from tests.rules.helpers import RulesTestCase, make_badge, submitted


class PathwayTests(RulesTestCase):
    def setUp(self) -> None:
        self.a = make_badge(self.org, "a", "가", "A")
        self.b = make_badge(self.org, "b", "나", "B")
        self.milestone = make_badge(self.org, "milestone", "이정표", "Milestone")

    def design(self, *groups: GroupSpec) -> object:
        return create(
            self.actor, self.org, slug="data", milestone=self.milestone, groups=list(groups), name_en="Data"
        )

    def ids(self, *badges: object) -> tuple[str, ...]:
        return tuple(str(b.public_id) for b in badges)  # type: ignore[attr-defined]

    def test_bad_designs_are_refused_with_every_problem(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.design(
                GroupSpec(self.ids(self.a, self.milestone)),
                GroupSpec(self.ids(self.a), n=2),
            )
        self.assertEqual(
            raised.exception.messages,
            [
                "Level 1: the milestone badge cannot be part of its own pathway.",
                "Level 2: a badge is already in level 1.",
                "Level 2: 2 of 1 badges is not possible.",
            ],
        )

    def test_a_milestone_with_criteria_of_its_own_is_refused(self) -> None:
        save_rule(self.actor, self.milestone, {"criteria": {"quiz": {"item": "Q1"}}}, allow_unseen=True)
        pathway = self.design(GroupSpec(self.ids(self.a)))
        with self.assertRaises(ValidationError):
            publish(self.actor, pathway)  # type: ignore[arg-type]

    def test_publishing_writes_a_live_rule_of_badges_and_n_of_clauses(self) -> None:
        pathway = self.design(GroupSpec(self.ids(self.intro)), GroupSpec(self.ids(self.a, self.b), n=1))
        publish(self.actor, pathway)  # type: ignore[arg-type]
        rule = Rule.objects.get(achievement=self.milestone, state=Rule.State.LIVE)
        a, b = sorted(self.ids(self.a, self.b))
        self.assertEqual(
            rule.definition,
            {
                "criteria": {
                    "all": [
                        {"badges": {"achievements": [str(self.intro.public_id)]}},
                        {
                            "n_of": {
                                "n": 1,
                                "of": [{"badges": {"achievements": [a]}}, {"badges": {"achievements": [b]}}],
                            }
                        },
                    ]
                }
            },
        )

    def test_facts_earn_the_badges_and_the_engine_awards_the_milestone(self) -> None:
        save_rule(
            self.actor,
            self.intro,
            {"criteria": {"submissions": {"course": "CS101", "items": ["A1"]}}},
            live=True,
        )
        pathway = self.design(GroupSpec(self.ids(self.intro)))
        publish(self.actor, pathway)  # type: ignore[arg-type]
        record_facts(self.source, [submitted("h1", "A1")])
        for _ in range(3):
            work()
        held = set(Award.objects.filter(recipient=self.hong).values_list("achievement__slug", flat=True))
        self.assertEqual(held, {"intro", "milestone"})
