"""A webhook source and a sender that signs as the Standard Webhooks specification describes.

The signature is computed here with hmac and base64 directly, not with the library the
endpoint uses, so the two implementations check each other.
"""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from django.http import HttpResponse

from laurel.core.actor import Actor
from laurel.ingest.models import Source
from laurel.ingest.sources import create_source
from laurel.orgs.models import Recipient
from laurel.test import BaseTestCase


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class WebhookTestCase(BaseTestCase):
    source: Source
    secret: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.source, lines = create_source(Actor(user=cls.owner), cls.org, "webhook", "Mission board")
        cls.secret = lines["secret"]
        cls.kim = Recipient.objects.create(
            org=cls.org, email="kim@school.kr", name="김민지", student_id="2025017"
        )

    @property
    def url(self) -> str:
        return f"/hooks/{self.source.public_id}/"

    def deliver(
        self,
        body: Any,
        *,
        message_id: str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> HttpResponse:
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        sent = {
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature or sign(self.secret, message_id, timestamp, raw),
        }
        sent.update(headers or {})
        return self.client.post(self.url, raw, content_type=content_type, headers=sent)

    def assertProblem(self, response: HttpResponse, status: int) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], status)
        self.assertTrue(body.get("detail"))
        return body


def mission(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "mission",
        "learner": {"email": "kim@school.kr", "name": "김민지"},
        "activity": {"id": "mission-recycling", "name": "분리수거 미션"},
        "course": "환경 동아리",
        "status": "completed",
        "time": "2025-03-10T09:00:00+09:00",
    }
    event.update(changes)
    return event
