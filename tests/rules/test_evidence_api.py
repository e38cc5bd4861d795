"""Reviewing evidence through the JSON API: the queue, a state's evidence, and decisions."""

from typing import Any

from laurel.accounts.tokens import create_api_token
from laurel.awards.models import Award
from tests.rules.evidence_helpers import EvidenceTestCase, State, Status


class EvidenceApiTests(EvidenceTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.mentor_token = create_api_token(cls.actor, cls.mentor, cls.org, "mentor")[1]
        cls.viewer_token = create_api_token(cls.actor, cls.viewer, cls.org, "viewer")[1]
        cls.outsider_token = create_api_token(cls.actor, cls.outsider, cls.other_org, "other")[1]

    def call(
        self, method: str, path: str, body: Any = None, token: str | None = None, slug: str = "hanbit"
    ) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.mentor_token}"}
        url = f"/api/v1/orgs/{slug}{path}"
        if body is None:
            return getattr(self.client, method)(url, **headers)
        return getattr(self.client, method)(url, body, content_type="application/json", **headers)

    def decisions(self) -> str:
        return f"/award-states/{self.state.public_id}/decisions"

    def test_the_queue_lists_states_with_evidence_waiting(self) -> None:
        submission = self.send()
        body = self.call("get", "/reviews").json()
        self.assertEqual([s["id"] for s in body["evidence"]], [self.state.public_id])
        [listed] = body["evidence"][0]["submissions"]
        self.assertEqual(
            (listed["id"], listed["status"], listed["url"]), (submission.public_id, "pending", submission.url)
        )
        self.assertEqual(body["approval"], [])

    def test_accepting_issues_and_answers_the_new_state(self) -> None:
        submission = self.send()
        response = self.call(
            "post", self.decisions(), {"decision": "accept", "submission": submission.public_id}
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["state"], State.ISSUED)
        self.assertEqual(body["award"], Award.objects.get().public_id)
        self.assertEqual(body["submissions"][0]["reviewed_by"], self.mentor.email)

    def test_a_repeated_decision_answers_the_same_state(self) -> None:
        self.send()
        first = self.call("post", self.decisions(), {"decision": "return", "comment": "More, please."})
        again = self.call("post", self.decisions(), {"decision": "return", "comment": "More, please."})
        self.assertEqual((first.status_code, again.status_code), (200, 200))
        self.assertEqual(first.json(), again.json())

    def test_a_contradicting_decision_is_a_conflict(self) -> None:
        self.send()
        self.call("post", self.decisions(), {"decision": "reject", "comment": "No."})
        response = self.call("post", self.decisions(), {"decision": "accept"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertFalse(Award.objects.exists())

    def test_returning_without_a_comment_points_at_the_comment(self) -> None:
        self.send()
        response = self.call("post", self.decisions(), {"decision": "return"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual([e["pointer"] for e in response.json()["errors"]], ["/comment"])
        self.assertEqual(self.state.submissions.get().status, Status.PENDING)

    def test_bad_bodies_are_refused(self) -> None:
        self.send()
        for body in ({"decision": "delete"}, {"decision": "return", "comment": "x" * 5001}, {}):
            self.assertEqual(self.call("post", self.decisions(), body).status_code, 422, body)
        self.assertEqual(self.state.submissions.get().status, Status.PENDING)

    def test_a_viewer_reads_but_may_not_decide(self) -> None:
        self.send()
        self.assertEqual(
            self.call(
                "get", f"/award-states/{self.state.public_id}/evidence", token=self.viewer_token
            ).status_code,
            200,
        )
        self.assertEqual(self.call("get", "/reviews", token=self.viewer_token).status_code, 403)
        response = self.call("post", self.decisions(), {"decision": "accept"}, token=self.viewer_token)
        self.assertEqual(response.status_code, 403)

    def test_another_organizations_token_finds_nothing(self) -> None:
        self.send()
        self.assertEqual(
            self.call(
                "post", self.decisions(), {"decision": "accept"}, token=self.outsider_token
            ).status_code,
            404,
        )
        self.assertEqual(
            self.call(
                "post", self.decisions(), {"decision": "accept"}, token=self.outsider_token, slug="other"
            ).status_code,
            404,
        )
        self.assertEqual(self.state.submissions.get().status, Status.PENDING)
