import base64
import hashlib
import hmac
import json

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from laurel.hooks.models import Attempt, Delivery
from tests.hooks.helpers import HooksTestCase


class SignedDeliveryTests(HooksTestCase):
    def test_an_award_reaches_the_receiver_signed_as_standard_webhooks_checks_it(self) -> None:
        made = self.award()
        self.assertEqual(self.receiver.received, [])  # nothing leaves before the worker sends it
        self.deliver()
        [received] = self.receiver.received
        # The library checks the three headers, the timestamp window and the HMAC on its own.
        document = Webhook(self.secret).verify(received.body, received.headers)
        self.assertEqual(document["type"], "award.issued")
        self.assertRegex(document["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        data = document["data"]
        self.assertEqual(data["award"]["id"], made.public_id)
        self.assertTrue(data["award"]["url"].endswith(f"/a/{made.public_id}/"))
        self.assertEqual(data["badge"]["id"], str(self.badge.public_id))
        self.assertEqual(data["badge"]["name"], {"ko": "데이터 분석", "en": "Data Analysis"})
        self.assertEqual(data["recipient"]["email"], "hong@student.example")
        self.assertEqual(data["organization"], "hanbit")
        self.assertEqual(received.headers["content-type"], "application/json")
        self.assertTrue(received.headers["webhook-id"].startswith("msg_"))

    def test_the_signature_is_hmac_sha256_over_id_timestamp_and_body(self) -> None:
        self.award()
        self.deliver()
        [received] = self.receiver.received
        key = base64.b64decode(self.secret.removeprefix("whsec_"))
        signed = f"{received.headers['webhook-id']}.{received.headers['webhook-timestamp']}.".encode()
        expected = base64.b64encode(hmac.new(key, signed + received.body, hashlib.sha256).digest()).decode()
        self.assertEqual(received.headers["webhook-signature"], f"v1,{expected}")

    def test_another_secret_does_not_verify(self) -> None:
        self.award()
        self.deliver()
        [received] = self.receiver.received
        other = "whsec_" + base64.b64encode(b"x" * 32).decode()
        with self.assertRaises(WebhookVerificationError):
            Webhook(other).verify(received.body, received.headers)

    def test_the_delivery_log_records_the_attempt_with_status_timing_and_answer(self) -> None:
        self.award()
        self.deliver()
        delivery = Delivery.objects.get(endpoint=self.endpoint)
        [attempt] = Attempt.objects.filter(delivery=delivery)
        self.assertTrue(attempt.succeeded)
        self.assertEqual((attempt.status_code, attempt.response_excerpt, attempt.error), (200, "ok", ""))
        self.assertGreaterEqual(attempt.duration_ms, 0)
        self.assertLess(attempt.duration_ms, 1000)
        assert delivery.message is not None
        delivery.message.refresh_from_db()
        self.assertEqual(delivery.message.status, "sent")
        self.assertEqual(json.loads(delivery.body)["type"], "award.issued")

    def test_an_endpoint_gets_only_the_events_it_chose(self) -> None:
        self.endpoint.event_types = ["award.revoked"]
        self.endpoint.save()
        self.award()
        self.assertFalse(Delivery.objects.exists())
