"""Staff design and publish pathways over HTTP; the public page and the learner's standing."""

from laurel.awards.models import Award
from laurel.ingest.facts import record_facts
from laurel.pathways.actions import GroupSpec, create, publish
from laurel.pathways.models import Pathway
from laurel.rules.actions import save_rule
from laurel.rules.models import Rule
from laurel.rules.tasks import work
from tests.rules.helpers import RulesTestCase, make_badge, submitted


class PathwayPageTests(RulesTestCase):
    def setUp(self) -> None:
        self.a = make_badge(self.org, "a", "가", "Alpha")
        self.b = make_badge(self.org, "b", "나", "Beta")
        self.milestone = make_badge(self.org, "milestone", "이정표", "Milestone")

    def url(self, suffix: str = "") -> str:
        return f"/orgs/{self.org.slug}/pathways/{suffix}"

    def form(self, **extra: object) -> dict[str, object]:
        return {
            "slug": "data",
            "name_en": "Data path",
            "name_ko": "데이터 경로",
            "milestone": str(self.milestone.public_id),
            "level1_badges": [str(self.intro.public_id)],
            "level2_badges": [str(self.a.public_id), str(self.b.public_id)],
            "level2_n": "1",
            "level2_after": "on",
            **extra,
        }

    def test_staff_design_a_pathway_with_the_form(self) -> None:
        self.login(self.teammate)
        response = self.client.post(self.url(), self.form())
        self.assertEqual(response.status_code, 302)
        pathway = Pathway.objects.get()
        groups = list(pathway.groups.all())
        self.assertEqual([g.n for g in groups], [None, 1])
        self.assertEqual([list(g.requires.all()) for g in groups], [[], [groups[0]]])

    def test_a_design_with_the_milestone_inside_and_too_large_n_is_refused(self) -> None:
        self.login(self.teammate)
        response = self.client.post(
            self.url(), self.form(level1_badges=[str(self.milestone.public_id)], level2_n="3")
        )
        self.assertContains(
            response, "Level 1: the milestone badge cannot be part of its own pathway.", status_code=400
        )
        self.assertContains(response, "Level 2: 3 of 2 badges is not possible.", status_code=400)
        self.assertFalse(Pathway.objects.exists())

    def test_publishing_over_http_makes_the_milestone_rule_live(self) -> None:
        self.login(self.teammate)
        self.client.post(self.url(), self.form())
        response = self.client.post(self.url("data/publish/"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Rule.objects.filter(achievement=self.milestone, state="live").exists())

    def test_the_public_page_shows_levels_in_both_languages_without_login(self) -> None:
        pathway = create(
            self.actor,
            self.org,
            slug="data",
            milestone=self.milestone,
            groups=[GroupSpec((str(self.a.public_id), str(self.b.public_id)), n=1)],
            name_en="Data path",
            name_ko="데이터 경로",
        )
        self.assertEqual(self.client.get(f"/p/{self.org.slug}/data/").status_code, 404)  # not published
        publish(self.actor, pathway)
        en = self.client.get(f"/p/{self.org.slug}/data/?lang=en")
        self.assertContains(en, '<meta property="og:title" content="Data path">', html=False)
        self.assertContains(en, "Earn 1 of these 2 badges.")
        self.assertContains(en, "Alpha")
        ko = self.client.get(f"/p/{self.org.slug}/data/?lang=ko")
        self.assertContains(ko, "데이터 경로")
        self.assertContains(ko, "이정표")

    def test_a_learner_sees_held_badges_and_the_next_level_then_the_milestone(self) -> None:
        save_rule(
            self.actor,
            self.intro,
            {"criteria": {"submissions": {"course": "CS101", "items": ["A1"]}}},
            live=True,
        )
        save_rule(
            self.actor, self.a, {"criteria": {"submissions": {"course": "CS101", "items": ["A2"]}}}, live=True
        )
        pathway = create(
            self.actor,
            self.org,
            slug="data",
            milestone=self.milestone,
            groups=[
                GroupSpec((str(self.intro.public_id),)),
                GroupSpec((str(self.a.public_id), str(self.b.public_id)), n=1),
            ],
            name_en="Data path",
        )
        publish(self.actor, pathway)
        self.hong.user = self.teammate
        self.hong.save(update_fields=["user"])
        self.login(self.teammate)
        record_facts(self.source, [submitted("h1", "A1")])
        work()
        page = self.client.get("/pathways/")
        self.assertContains(page, "Next: level 2.")
        self.assertContains(page, 'href="/progress/"')
        record_facts(self.source, [submitted("h2", "A2")])
        for _ in range(3):
            work()
        self.assertTrue(Award.objects.filter(recipient=self.hong, achievement=self.milestone).exists())
        self.assertContains(
            self.client.get("/pathways/"), "Completed: you hold the milestone badge Milestone."
        )
