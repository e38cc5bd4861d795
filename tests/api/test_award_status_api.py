from laurel.audit.models import AuditEvent
from laurel.awards.models import Award
from laurel.credentials.actions import public_status
from tests.api.helpers import ApiTestCase, make_award


class AwardStatusApiTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.granted = make_award(self.achievement, "hong@example.com")
        self.base = f"/orgs/hanbit/awards/{self.granted.public_id}"

    def state(self) -> dict:
        return public_status(Award.objects.get(pk=self.granted.pk))

    def test_revoking_answers_with_the_public_status_and_reason(self) -> None:
        response = self.api("post", f"{self.base}/revoke", self.teammate_token, {"reason": "Plagiarism"})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["reason"]), ("revoked", "Plagiarism"))
        self.assertEqual(body["public_id"], self.granted.public_id)
        self.assertIsNotNone(body["since"])
        self.assertEqual(AuditEvent.objects.filter(action="awards.revoke").count(), 1)

    def test_revoking_twice_changes_nothing_the_second_time(self) -> None:
        first = self.api("post", f"{self.base}/revoke", self.teammate_token, {"reason": "Plagiarism"}).json()
        second = self.api("post", f"{self.base}/revoke", self.teammate_token, {"reason": "Other"})
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json(), first)
        self.assertEqual(AuditEvent.objects.filter(action="awards.revoke").count(), 1)

    def test_suspend_and_reinstate(self) -> None:
        suspended = self.api("post", f"{self.base}/suspend", self.teammate_token, {"reason": "Review"})
        self.assertEqual(suspended.json()["status"], "suspended")
        again = self.api("post", f"{self.base}/suspend", self.teammate_token, {"reason": "Review"})
        self.assertEqual(again.json()["since"], suspended.json()["since"])
        reinstated = self.api("post", f"{self.base}/reinstate", self.teammate_token, {})
        self.assertEqual(
            reinstated.json(), {**reinstated.json(), "status": "active", "reason": "", "since": None}
        )
        self.assertEqual(self.state()["status"], "active")

    def test_a_revoked_award_cannot_be_suspended_or_reinstated(self) -> None:
        self.api("post", f"{self.base}/revoke", self.teammate_token, {"reason": "Fraud"})
        for action in ("suspend", "reinstate"):
            with self.subTest(action=action):
                response = self.api("post", f"{self.base}/{action}", self.teammate_token, {"reason": "x"})
                self.assertProblem(response, 409)
        self.assertEqual(self.state()["status"], "revoked")

    def test_bad_input_is_a_problem_and_changes_nothing(self) -> None:
        cases = [
            {"reason": "x" * 1001},
            {"reason": 42},
            {"why": "typo"},
        ]
        for body in cases:
            with self.subTest(body=str(body)[:30]):
                self.assertProblem(self.api("post", f"{self.base}/revoke", self.teammate_token, body), 422)
        self.assertProblem(self.api("post", f"{self.base}/revoke", self.teammate_token, "{not json"), 400)
        self.assertEqual(self.state()["status"], "active")

    def test_viewers_are_forbidden_and_outsiders_find_nothing(self) -> None:
        self.assertProblem(self.api("post", f"{self.base}/revoke", self.viewer_token, {"reason": "x"}), 403)
        self.assertProblem(self.api("post", f"{self.base}/revoke", self.outsider_token, {"reason": "x"}), 404)
        foreign = f"/orgs/other/awards/{self.granted.public_id}/revoke"
        self.assertProblem(self.api("post", foreign, self.outsider_token, {"reason": "x"}), 404)
        self.assertEqual(self.api("post", f"{self.base}/revoke", None, {"reason": "x"}).status_code, 401)
        self.assertEqual(self.state()["status"], "active")

    def test_an_unknown_award_is_404(self) -> None:
        response = self.api("post", "/orgs/hanbit/awards/nope/revoke", self.teammate_token, {"reason": "x"})
        self.assertProblem(response, 404)
