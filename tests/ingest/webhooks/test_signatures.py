import time

from laurel.core.actor import Actor
from laurel.ingest.models import Fact
from laurel.ingest.sources import deactivate_source, rotate_secret
from tests.ingest.webhooks.helpers import WebhookTestCase, mission, sign


class SignatureTests(WebhookTestCase):
    def test_a_correctly_signed_delivery_is_accepted(self) -> None:
        response = self.deliver(mission())
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"events": 1, "created": 1, "unchanged": 0, "parked": 0})

    def test_a_signature_made_with_another_secret_is_401(self) -> None:
        other = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        body = b'{"type": "mission"}'
        now = int(time.time())
        response = self.deliver(
            body, timestamp=now, signature=sign(other, "msg_1", now, body), message_id="msg_1"
        )
        problem = self.assertProblem(response, 401)
        self.assertIn("Standard-Webhooks", response["WWW-Authenticate"])
        self.assertIn("secret", problem["detail"])
        self.assertFalse(Fact.objects.exists())

    def test_a_changed_body_no_longer_matches_its_signature(self) -> None:
        now = int(time.time())
        signed = sign(self.secret, "msg_1", now, b'{"a": 1}')
        self.assertProblem(self.deliver(mission(), message_id="msg_1", timestamp=now, signature=signed), 401)

    def test_one_matching_signature_among_several_is_enough(self) -> None:
        import json

        body = json.dumps(mission(), ensure_ascii=False).encode()
        now = int(time.time())
        good = sign(self.secret, "msg_1", now, body)
        stale = sign("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", now, body)
        header = f"{stale} v2,ignored-version {good}"
        response = self.deliver(body, message_id="msg_1", timestamp=now, signature=header)
        self.assertEqual(response.status_code, 200, response.content)

    def test_a_signature_header_without_a_v1_entry_is_401_and_says_so(self) -> None:
        problem = self.assertProblem(self.deliver(mission(), signature="v2,abc nonsense"), 401)
        self.assertIn("v1", problem["detail"])

    def test_missing_headers_are_named(self) -> None:
        response = self.client.post(self.url, b"{}", content_type="application/json")
        problem = self.assertProblem(response, 401)
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
            self.assertIn(name, problem["detail"])

    def test_a_delivery_signed_six_minutes_ago_is_refused_as_a_replay(self) -> None:
        problem = self.assertProblem(self.deliver(mission(), timestamp=int(time.time()) - 360), 401)
        self.assertIn("5 minutes", problem["detail"])

    def test_a_timestamp_six_minutes_ahead_is_refused(self) -> None:
        self.assertProblem(self.deliver(mission(), timestamp=int(time.time()) + 360), 401)

    def test_a_timestamp_that_is_not_unix_seconds_is_refused(self) -> None:
        problem = self.assertProblem(
            self.deliver(mission(), headers={"webhook-timestamp": "2025-03-10T09:00"}), 401
        )
        self.assertIn("Unix", problem["detail"])

    def test_the_same_delivery_replayed_within_the_window_changes_nothing(self) -> None:
        first = self.deliver(mission())
        again = self.deliver(mission())
        self.assertEqual(first.json()["created"], 1)
        self.assertEqual(again.json(), {"events": 1, "created": 0, "unchanged": 1, "parked": 0})
        self.assertEqual(Fact.objects.count(), 1)

    def test_a_rotated_secret_stops_the_old_one(self) -> None:
        old = self.secret
        lines = rotate_secret(Actor(user=self.owner), self.source)
        self.assertProblem(self.deliver(mission()), 401)
        self.secret = lines["secret"]
        self.assertEqual(self.deliver(mission()).status_code, 200)
        self.assertNotEqual(old, self.secret)

    def test_an_unknown_or_deactivated_source_is_404(self) -> None:
        self.assertProblem(self.client.post("/hooks/nope/", b"{}", content_type="application/json"), 404)
        deactivate_source(Actor(user=self.owner), self.source)
        self.assertProblem(self.deliver(mission()), 404)

    def test_another_content_type_is_415(self) -> None:
        self.assertProblem(
            self.deliver(b"type=mission", content_type="application/x-www-form-urlencoded"), 415
        )

    def test_a_body_that_is_not_utf8_is_400(self) -> None:
        self.assertProblem(self.deliver(b'{"type": "\xff"}'), 400)

    def test_a_body_over_the_limit_is_413_and_names_it(self) -> None:
        problem = self.assertProblem(self.deliver(mission(course="x" * 1_000_001)), 413)
        self.assertIn("1000000", problem["detail"])
