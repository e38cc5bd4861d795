from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone

from laurel.awards.models import Award, IdempotencyKey
from tests.api.helpers import ApiTestCase, make_achievement


class IdempotencyKeyTests(ApiTestCase):
    def body(self, email: str = "minji@student.example") -> dict:
        return {
            "achievement": str(self.achievement.public_id),
            "recipient": {"email": email, "name": "김민지"},
        }

    def post(
        self, body: dict, key: str, token: str | None = None, path: str = "/orgs/hanbit/awards"
    ) -> HttpResponse:
        return self.api("post", path, token or self.teammate_token, body, HTTP_IDEMPOTENCY_KEY=key)

    def test_a_retry_with_the_same_key_and_body_returns_the_first_response(self) -> None:
        first = self.post(self.body(), "sync-7f3a")
        # Key order and spacing differ; the canonical JSON is the same.
        reordered = '{"recipient": {"name": "김민지", "email": "minji@student.example"}, "achievement": "%s"}'
        second = self.post(reordered % self.achievement.public_id, "sync-7f3a")  # type: ignore[arg-type]
        self.assertEqual(first.status_code, 201)
        self.assertEqual(second.status_code, 201)
        self.assertEqual(second.json(), first.json())
        self.assertEqual(second["Idempotent-Replayed"], "true")
        self.assertEqual(Award.objects.count(), 1)

    def test_the_same_key_with_a_different_body_is_409(self) -> None:
        self.post(self.body(), "sync-7f3a")
        response = self.post(self.body("jisoo@student.example"), "sync-7f3a")
        problem = self.assertProblem(response, 409)
        self.assertIn("Idempotency-Key", problem["detail"])
        self.assertEqual(Award.objects.count(), 1)

    def test_without_a_key_a_retry_is_a_duplicate(self) -> None:
        self.api("post", "/orgs/hanbit/awards", self.teammate_token, self.body())
        response = self.api("post", "/orgs/hanbit/awards", self.teammate_token, self.body())
        self.assertProblem(response, 409)

    def test_a_failed_request_stores_nothing_and_may_be_retried_with_its_key(self) -> None:
        bad = self.post({**self.body(), "recipient": {"email": "nope", "name": "김민지"}}, "k1")
        self.assertProblem(bad, 422)
        self.assertFalse(IdempotencyKey.objects.exists())
        self.assertEqual(self.post(self.body(), "k1").status_code, 201)

    def test_keys_are_scoped_to_the_organization(self) -> None:
        self.post(self.body(), "shared-key")
        self.assertEqual(IdempotencyKey.objects.get().org, self.org)
        other_badge = make_achievement(self.other_org, "welcome", "", "Welcome")
        body = {"achievement": str(other_badge.public_id), "recipient": {"email": "x@y.example", "name": "X"}}
        response = self.post(body, "shared-key", self.outsider_token, "/orgs/other/awards")
        self.assertEqual(response.status_code, 201)
        self.assertEqual(IdempotencyKey.objects.count(), 2)

    def test_an_expired_key_may_be_used_again(self) -> None:
        self.post(self.body(), "old")
        IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(days=2))
        response = self.post(self.body("jisoo@student.example"), "old")
        self.assertEqual(response.status_code, 201)
        self.assertEqual(Award.objects.count(), 2)

    def test_an_overlong_key_is_refused(self) -> None:
        problem = self.assertProblem(self.post(self.body(), "k" * 201), 422)
        self.assertEqual(problem["errors"][0]["field"], "Idempotency-Key")
        self.assertFalse(Award.objects.exists())

    def test_the_same_key_on_another_endpoint_is_a_different_request(self) -> None:
        self.post(self.body(), "k2")
        response = self.post(
            {"awards": [self.body("jisoo@student.example")]}, "k2", path="/orgs/hanbit/awards/bulk"
        )
        self.assertProblem(response, 409)
        self.assertEqual(Award.objects.count(), 1)
