"""A Caliper source of the test organization and a sensor that posts to it."""

import json
from typing import Any

from django.http import HttpResponse

from laurel.core.actor import Actor
from laurel.ingest.models import Source
from laurel.ingest.sources import create_source
from laurel.test import BaseTestCase


class CaliperTestCase(BaseTestCase):
    source: Source
    token: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.source, lines = create_source(Actor(user=cls.owner), cls.org, "caliper", "Learning analytics")
        cls.token = lines["token"]

    def send(
        self, body: Any, *, token: str | None = None, content_type: str = "application/json"
    ) -> HttpResponse:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return self.client.post("/caliper/events", data, content_type=content_type, headers=headers)

    def assertProblem(self, response: HttpResponse, status: int) -> dict[str, Any]:
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], status)
        self.assertTrue(body.get("detail"))
        return body
