"""Rules through the JSON API: revisions, precise problems pointing into the body, dry runs, states."""

from typing import Any

from laurel.accounts.tokens import create_api_token
from laurel.ingest.facts import record_facts, void_facts
from laurel.rules.actions import evaluate_pair, save_rule
from laurel.rules.api import body_pointer
from laurel.rules.models import Rule
from tests.rules.helpers import NOW, RulesTestCase, submitted

RULE = {"criteria": {"submissions": {"course": "CS101", "items": ["A1", "A2"]}}}


class RuleApiTests(RulesTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.issuer_token = create_api_token(cls.actor, cls.teammate, cls.org, "issuer")[1]
        cls.viewer_token = create_api_token(cls.actor, cls.viewer, cls.org, "viewer")[1]

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        url = f"/api/v1/orgs/hanbit/achievements/{self.badge.public_id}{path}"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.issuer_token}"}
        if body is None:
            return getattr(self.client, method)(url, **headers)
        return getattr(self.client, method)(url, body, content_type="application/json", **headers)

    def test_a_revision_is_created_and_listed(self) -> None:
        response = self.call("post", "/rules", {"definition": RULE, "live": True})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            {k: response.json()[k] for k in ("number", "state", "version")},
            {"number": 1, "state": "live", "version": 1},
        )
        listed = self.call("get", "/rules", token=self.viewer_token).json()
        self.assertEqual([(r["number"], r["definition"]) for r in listed], [(1, RULE)])

    def test_every_problem_points_into_the_body(self) -> None:
        bad = {
            "criteria": {
                "all": [
                    {"score": {"course": "CS101", "min_percent": 0}},
                    {"n_of": {"n": 5, "of": [{"quiz": {"item": "Q"}}]}},
                ]
            }
        }
        response = self.call("post", "/rules", {"definition": bad})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        pointers = sorted(e["pointer"] for e in response.json()["errors"])
        self.assertEqual(
            pointers, ["/definition/criteria/all/0/score/min_percent", "/definition/criteria/all/1/n_of/n"]
        )
        self.assertFalse(Rule.objects.exists())

    def test_unknown_fields_of_the_request_are_refused(self) -> None:
        response = self.call("post", "/rules", {"definition": RULE, "liev": True})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Rule.objects.exists())

    def test_a_viewer_may_not_write_rules(self) -> None:
        self.assertEqual(
            self.call("post", "/rules", {"definition": RULE}, token=self.viewer_token).status_code, 403
        )

    def test_a_cycle_at_go_live_is_a_conflict(self) -> None:
        draft = save_rule(
            self.actor, self.badge, {"criteria": {"badges": {"achievements": [str(self.intro.public_id)]}}}
        )
        save_rule(
            self.actor,
            self.intro,
            {"criteria": {"badges": {"achievements": [str(self.badge.public_id)]}}},
            live=True,
        )
        response = self.call("post", f"/rules/{draft.number}/live")
        self.assertEqual(response.status_code, 409)
        self.assertIn("data-analysis → intro → data-analysis", response.json()["detail"])

    def test_a_dry_run_reports_who_would_earn_it(self) -> None:
        rule = save_rule(self.actor, self.badge, RULE)
        record_facts(
            self.source,
            [submitted("h1", "A1"), submitted("h2", "A2"), submitted("l1", "A1", "lee@example.com")],
        )
        body = self.call("get", f"/rules/{rule.number}/dry-run").json()
        self.assertEqual((body["looked_at"], body["met"], body["new"]), (2, 1, 1))
        self.assertEqual([(e["email"], e["holds"]) for e in body["earners"]], [("hong@example.com", False)])

    def test_flagged_states_show_their_provenance(self) -> None:
        save_rule(self.actor, self.badge, RULE, live=True)
        ids = record_facts(self.source, [submitted("h1", "A1"), submitted("h2", "A2")]).fact_ids
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        void_facts(self.source, ["h2"], voided_at=NOW)
        evaluate_pair(self.hong.pk, self.badge.pk, NOW)
        [state] = self.call("get", "/award-states?flagged=true", token=self.viewer_token).json()
        self.assertEqual((state["state"], state["issued_rule"]), ("issued", 1))
        self.assertEqual(state["issued_fact_ids"], sorted(ids))
        self.assertEqual(state["flag_reason"], "assignments 1/2 — missing A2")
        self.assertEqual(self.call("get", "/award-states?flagged=false").json(), [])

    def test_pointers_escape_nothing_they_need_not(self) -> None:
        self.assertEqual(
            body_pointer("criteria.n_of.of[3].quiz.item"), "/definition/criteria/n_of/of/3/quiz/item"
        )
        self.assertEqual(body_pointer("window.start"), "/definition/window/start")
