from unittest import mock

from laurel.api.api import api
from laurel.awards.models import Award
from tests.api.helpers import ApiTestCase


class ProblemDetailsTests(ApiTestCase):
    def award_body(self, **changes: object) -> dict:
        body: dict = {
            "achievement": str(self.achievement.public_id),
            "recipient": {"email": "minji@student.example", "name": "김민지"},
        }
        body.update(changes)
        return body

    def test_an_unknown_body_field_is_422_naming_the_field(self) -> None:
        response = self.api("post", "/orgs/hanbit/awards", self.teammate_token, self.award_body(colour="red"))
        problem = self.assertProblem(response, 422)
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/colour"])
        self.assertIn("colour", problem["errors"][0]["message"])
        self.assertFalse(Award.objects.exists())

    def test_an_unknown_nested_field_is_named_by_its_full_pointer(self) -> None:
        body = self.award_body(recipient={"email": "minji@student.example", "name": "김민지", "phone": "010"})
        problem = self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.teammate_token, body), 422)
        self.assertEqual(problem["errors"][0]["pointer"], "/recipient/phone")

    def test_a_wrongly_typed_value_is_422_with_its_pointer(self) -> None:
        body = self.award_body(issued_on="next tuesday", allow_duplicate="maybe")
        problem = self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.teammate_token, body), 422)
        self.assertEqual(sorted(e["pointer"] for e in problem["errors"]), ["/allow_duplicate", "/issued_on"])

    def test_a_missing_required_field_is_422(self) -> None:
        body = {"recipient": {"email": "minji@student.example"}}
        problem = self.assertProblem(self.api("post", "/orgs/hanbit/awards", self.teammate_token, body), 422)
        self.assertEqual([e["pointer"] for e in problem["errors"]], ["/achievement"])

    def test_malformed_json_is_400(self) -> None:
        response = self.api("post", "/orgs/hanbit/awards", self.teammate_token, '{"achievement": ')
        problem = self.assertProblem(response, 400)
        self.assertIn("JSON", problem["detail"])

    def test_a_bad_query_parameter_is_422_naming_it(self) -> None:
        response = self.api("get", "/orgs/hanbit/awards", self.teammate_token, {"limit": 500})
        problem = self.assertProblem(response, 422)
        self.assertEqual(problem["errors"][0]["field"], "limit")

    def test_a_wrong_method_is_405_with_allow(self) -> None:
        response = self.api("delete", "/orgs/hanbit", self.teammate_token)
        self.assertProblem(response, 405)
        self.assertIn("GET", response["Allow"])

    def test_an_unknown_api_path_is_404(self) -> None:
        self.assertProblem(self.api("get", "/nothing/here", self.teammate_token), 404)

    def test_an_unknown_award_is_404(self) -> None:
        self.assertProblem(self.api("get", "/orgs/hanbit/awards/nope", self.teammate_token), 404)

    def test_too_many_requests_are_429_with_retry_after(self) -> None:
        throttle = api.throttle[0]  # type: ignore[index]
        with mock.patch.multiple(throttle, num_requests=2, duration=60):
            for _ in range(2):
                self.assertEqual(self.api("get", "/orgs/hanbit", self.viewer_token).status_code, 200)
            response = self.api("get", "/orgs/hanbit", self.viewer_token)
            # Another token has its own allowance.
            self.assertEqual(self.api("get", "/orgs/hanbit", self.teammate_token).status_code, 200)
        self.assertProblem(response, 429)
        self.assertGreater(int(response["Retry-After"]), 0)
