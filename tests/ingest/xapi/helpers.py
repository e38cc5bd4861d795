"""An xAPI source with its credentials, and statements to send to it."""

import base64
import copy
import json
import uuid
from typing import Any

from django.test import Client

from laurel.core.actor import Actor
from laurel.ingest.models import Source
from laurel.ingest.sources import create_source
from laurel.test import BaseTestCase

URL = "/xapi/statements"
ADL = "http://adlnet.gov/expapi/verbs/"

# The conformance suite's default statement (templates/statements/default.json), in spirit.
DEFAULT: dict[str, Any] = {
    "actor": {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"},
    "verb": {"id": ADL + "attended", "display": {"en-GB": "attended", "en-US": "attended"}},
    "object": {
        "objectType": "Activity",
        "id": "http://www.example.com/meetings/occurances/34534",
        "definition": {
            "name": {"en-US": "example meeting"},
            "description": {"en-US": "An example meeting."},
            "type": "http://adlnet.gov/expapi/activities/meeting",
        },
    },
}


def statement(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the default statement; a value of None removes the property."""
    data = copy.deepcopy(DEFAULT)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def new_id() -> str:
    return str(uuid.uuid4())


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class XapiTestCase(BaseTestCase):
    source: Source
    username: str
    password: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        actor = Actor(user=cls.owner, via="web")
        cls.source, lines = create_source(actor, cls.org, "xapi", "Moodle")
        cls.username, cls.password = lines["username"], lines["password"]

    def headers(self, version: str | None = "2.0.0", **extra: str) -> dict[str, str]:
        headers = {"HTTP_AUTHORIZATION": basic(self.username, self.password), **extra}
        if version is not None:
            headers["HTTP_X_EXPERIENCE_API_VERSION"] = version
        return headers

    def post(self, body: Any, version: str | None = "2.0.0", client: Client | None = None, **extra: str):  # type: ignore[no-untyped-def]
        return (client or self.client).post(
            URL, json.dumps(body), content_type="application/json", **self.headers(version, **extra)
        )

    def put(self, body: Any, statement_id: str, version: str | None = "2.0.0", **extra: str):  # type: ignore[no-untyped-def]
        return self.client.put(
            f"{URL}?statementId={statement_id}",
            json.dumps(body),
            content_type="application/json",
            **self.headers(version, **extra),
        )

    def get(self, query: str = "", version: str | None = "2.0.0", **extra: str):  # type: ignore[no-untyped-def]
        return self.client.get(f"{URL}?{query}" if query else URL, **self.headers(version, **extra))

    def fetch(self, statement_id: str) -> dict[str, Any]:
        response = self.get(f"statementId={statement_id}")
        assert response.status_code == 200, response.content
        return json.loads(response.content)

    def assert_rejected(self, body: Any, status: int = 400, version: str = "2.0.0") -> dict[str, Any]:
        response = self.post(body, version)
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        return json.loads(response.content)

    def assert_accepted(self, body: Any, version: str = "2.0.0") -> list[str]:
        response = self.post(body, version)
        self.assertEqual(response.status_code, 200, response.content)
        return json.loads(response.content)
