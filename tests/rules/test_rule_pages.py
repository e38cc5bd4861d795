"""Staff write rules, try them and put them live from the badge's rule page; learners see their progress."""

import json

from laurel.awards.models import Award
from laurel.ingest.facts import record_facts
from laurel.orgs.models import Recipient
from laurel.rules.actions import evaluate_pair, save_rule
from laurel.rules.models import Rule
from tests.rules.helpers import NOW, RulesTestCase, submitted

RULE = {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}}


class RulePageTests(RulesTestCase):
    def url(self, suffix: str = "") -> str:
        return f"/orgs/{self.org.slug}/rules/{self.badge.public_id}/{suffix}"

    def test_an_issuer_saves_a_revision_and_sees_it(self) -> None:
        self.login(self.teammate)
        response = self.client.post(self.url(), {"definition": json.dumps(RULE), "live": "on"})
        self.assertEqual(response.status_code, 302)
        rule = Rule.objects.get()
        self.assertEqual((rule.number, rule.state, rule.created_by), (1, "live", self.teammate))
        page = self.client.get(self.url())
        self.assertContains(page, "Revision 1, live since")
        self.assertContains(page, "&quot;submissions&quot;")

    def test_a_bad_rule_is_shown_back_with_the_precise_problem(self) -> None:
        self.login(self.teammate)
        bad = {"criteria": {"score": {"course": "CS101", "min_percent": 150}}}
        response = self.client.post(self.url(), {"definition": json.dumps(bad)})
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "criteria.score.min_percent: A percentage above 0 and at most 100 is needed, not 150.",
            status_code=400,
        )
        self.assertFalse(Rule.objects.exists())

    def test_text_that_is_not_json_is_refused(self) -> None:
        self.login(self.teammate)
        response = self.client.post(self.url(), {"definition": "{criteria"})
        self.assertContains(response, "Not JSON", status_code=400)

    def test_a_viewer_reads_but_cannot_write(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.assertEqual(self.client.post(self.url(), {"definition": json.dumps(RULE)}).status_code, 403)
        self.assertFalse(Rule.objects.exists())

    def test_an_outsider_sees_nothing(self) -> None:
        self.login(self.outsider)
        self.assertIn(self.client.get(self.url()).status_code, (403, 404))

    def test_a_dry_run_lists_who_would_earn_it_and_awards_nothing(self) -> None:
        rule = save_rule(self.actor, self.badge, RULE)
        record_facts(
            self.source,
            [submitted("h1", "A1"), submitted("h2", "A2"), submitted("l1", "A1", "lee@example.com")],
        )
        self.login(self.teammate)
        response = self.client.get(self.url(f"{rule.number}/dry-run/"))
        self.assertContains(
            response, "Of 2 learners with activity this rule reads, 1 meet it now; 1 do not hold"
        )
        self.assertContains(response, "hong@example.com")
        self.assertNotContains(response, "lee@example.com")
        self.assertFalse(Award.objects.exists())

    def test_making_a_draft_live_from_the_page(self) -> None:
        rule = save_rule(self.actor, self.badge, RULE)
        self.login(self.teammate)
        response = self.client.post(self.url(f"{rule.number}/live/"))
        self.assertEqual(response.status_code, 302)
        rule.refresh_from_db()
        self.assertEqual(rule.state, "live")

    def test_the_back_fill_still_waiting_is_shown(self) -> None:
        record_facts(self.source, [submitted("h1", "A1"), submitted("l1", "A1", "lee@example.com")])
        # A2 is not due yet, so no source has reported it.
        save_rule(self.actor, self.badge, RULE, live=True, allow_unseen=True)
        self.login(self.viewer)
        self.assertContains(self.client.get(self.url()), "2 learners are waiting to be evaluated.")

    def test_a_learner_sees_what_is_still_missing(self) -> None:
        Recipient.objects.filter(pk=self.hong.pk).update(user=self.learner)
        save_rule(self.actor, self.badge, RULE, live=True)
        record_facts(self.source, [submitted("h1", "A1")])
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        self.login(self.learner)
        response = self.client.get("/progress/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Data Analysis")
        self.assertContains(response, "assignments 1/2 — missing A2")
