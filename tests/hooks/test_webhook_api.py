"""Webhook endpoints, the delivery log and replays through the JSON API."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from laurel.accounts.tokens import create_api_token
from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.hooks.models import Endpoint
from tests.hooks.helpers import Answer, HooksTestCase

BASE = "/api/v1/orgs/hanbit"


class WebhookApiTests(HooksTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        actor = Actor(cls.owner)
        cls.owner_token = create_api_token(actor, cls.owner, cls.org, "owner")[1]
        cls.issuer_token = create_api_token(actor, cls.teammate, cls.org, "issuer")[1]
        cls.outsider_token = create_api_token(Actor(cls.outsider), cls.outsider, cls.other_org, "theirs")[1]

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.owner_token}"}
        if body is None:
            return getattr(self.client, method)(BASE + path, **headers)
        return getattr(self.client, method)(BASE + path, body, content_type="application/json", **headers)

    def test_creating_an_endpoint_answers_its_secret_once_and_it_signs_deliveries(self) -> None:
        Endpoint.objects.filter(pk=self.endpoint.pk).update(is_active=False)  # only the new one listens
        response = self.call("post", "/webhooks", {"url": self.receiver.url, "event_types": ["award.issued"]})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response["Cache-Control"], "no-store")
        body = response.json()
        secret = body["secret"]
        self.assertTrue(secret.startswith("whsec_"))
        self.assertEqual(body["endpoint"]["event_types"], ["award.issued"])
        self.assertNotIn(secret, self.call("get", "/webhooks").content.decode())
        self.award()
        self.deliver()
        [received] = self.receiver.received
        self.assertEqual(Webhook(secret).verify(received.body, received.headers)["type"], "award.issued")
        self.assertTrue(
            AuditEvent.objects.filter(action="webhooks.create", object_id=body["endpoint"]["public_id"])
        )

    def test_a_private_url_is_a_422_naming_the_field(self) -> None:
        before = Endpoint.objects.count()
        response = self.call(
            "post", "/webhooks", {"url": "http://10.0.0.5/x", "event_types": ["award.issued"]}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        [error] = response.json()["errors"]
        self.assertEqual(error["pointer"], "/url")
        self.assertIn("private, loopback or link-local", error["message"])
        self.assertEqual(Endpoint.objects.count(), before)

    def test_an_unknown_event_type_is_a_422(self) -> None:
        response = self.call(
            "post", "/webhooks", {"url": self.receiver.url, "event_types": ["award.deleted"]}
        )
        self.assertEqual(response.status_code, 422)

    def test_rotating_signs_with_both_secrets_during_the_overlap(self) -> None:
        response = self.call("post", f"/webhooks/{self.endpoint.public_id}/rotate")
        self.assertEqual(response.status_code, 200)
        new = response.json()["secret"]
        self.assertNotEqual(new, self.secret)
        self.award()
        self.deliver()
        [received] = self.receiver.received
        self.assertEqual(received.headers["webhook-signature"].count("v1,"), 2)
        Webhook(new).verify(received.body, received.headers)
        Webhook(self.secret).verify(received.body, received.headers)

    def test_the_log_lists_attempts_and_a_replay_resends_the_same_webhook_id(self) -> None:
        self.award()
        self.receiver.answers.append(Answer(500, b"nope"))
        self.deliver()
        [entry] = self.call("get", f"/webhooks/{self.endpoint.public_id}/deliveries").json()
        self.assertEqual(entry["status"], "pending")
        self.assertEqual(
            [(a["status_code"], a["response_excerpt"]) for a in entry["attempts"]], [(500, "nope")]
        )
        self.assertIsNotNone(entry["next_attempt_at"])
        path = f"/webhooks/{self.endpoint.public_id}/deliveries/{entry['webhook_id']}/replay"
        self.assertEqual(self.call("post", path).status_code, 200)
        self.deliver()
        [entry] = self.call("get", f"/webhooks/{self.endpoint.public_id}/deliveries").json()
        self.assertEqual(entry["status"], "sent")
        self.assertEqual([a["status_code"] for a in entry["attempts"]], [500, 200])
        self.assertEqual({r.headers["webhook-id"] for r in self.receiver.received}, {entry["webhook_id"]})

    def test_a_range_replay_answers_the_count(self) -> None:
        self.award()
        self.deliver()
        now = timezone.now()
        body = {
            "since": (now - timedelta(hours=1)).isoformat(),
            "until": (now + timedelta(hours=1)).isoformat(),
        }
        response = self.call("post", f"/webhooks/{self.endpoint.public_id}/replay", body)
        self.assertEqual(response.json(), {"count": 1})

    def test_disabling_then_replaying_is_a_409(self) -> None:
        response = self.call("post", f"/webhooks/{self.endpoint.public_id}/disable")
        self.assertEqual(response.json()["is_active"], False)
        now = timezone.now()
        body = {"since": (now - timedelta(hours=1)).isoformat(), "until": now.isoformat()}
        self.assertEqual(
            self.call("post", f"/webhooks/{self.endpoint.public_id}/replay", body).status_code, 409
        )

    def test_an_issuer_is_forbidden_and_another_organizations_token_sees_nothing(self) -> None:
        self.assertEqual(self.call("get", "/webhooks", token=self.issuer_token).status_code, 403)
        self.assertEqual(self.call("get", "/webhooks", token=self.outsider_token).status_code, 404)
        theirs = f"/api/v1/orgs/other/webhooks/{self.endpoint.public_id}"
        response = self.client.get(theirs, HTTP_AUTHORIZATION=f"Bearer {self.outsider_token}")
        self.assertEqual(response.status_code, 404)

    def test_an_lrs_is_added_without_echoing_its_password(self) -> None:
        body = {"url": self.receiver.url, "username": "laurel", "password": "p4ss-word-long"}
        response = self.call("post", "/webhooks/lrs", body)
        self.assertEqual(response.status_code, 201)
        self.assertEqual((response.json()["kind"], response.json()["username"]), ("xapi", "laurel"))
        self.assertNotIn("p4ss-word-long", response.content.decode())
        self.assertNotIn("p4ss-word-long", self.call("get", "/webhooks").content.decode())
        bad = self.call("post", "/webhooks/lrs", {**body, "url": "https://192.168.1.1/xapi/"})
        self.assertEqual(bad.status_code, 422)
