"""An LTI source's registration through the JSON API."""

from typing import Any

from laurel.accounts.tokens import create_api_token
from laurel.audit.models import AuditEvent
from laurel.core.actor import Actor
from laurel.ingest.lti.models import Platform
from laurel.ingest.sources import create_source
from laurel.test import BaseTestCase

BASE = "/api/v1/orgs/hanbit/sources"
BLACKBOARD = {
    "issuer": "https://blackboard.com",
    "client_id": "7f0b5a57-1a3e-4b56-9a63-4c0a0f8f6c7e",
    "deployment_ids": ["0a3b6d5e-9c3f-4d2b-8d7e-2f5a1c9b0e4d"],
    "auth_login_url": "https://developer.blackboard.com/api/v1/gateway/oidcauth",
    "auth_token_url": "https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken",
    "jwks_url": "https://developer.blackboard.com/api/v1/management/applications/7f0b/jwks.json",
    "auth_audience": "https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken",
    "frame_origins": ["https://school.blackboard.com"],
}


class PlatformApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        actor = Actor(user=cls.owner)
        cls.source, _lines = create_source(actor, cls.org, "lti", "Blackboard")
        cls.xapi, _lines = create_source(actor, cls.org, "xapi", "LRS")
        cls.owner_token = create_api_token(actor, cls.owner, cls.org, "owner")[1]
        cls.issuer_token = create_api_token(actor, cls.teammate, cls.org, "issuer")[1]

    def call(self, method: str, tail: str = "/lti/platform", body: Any = None, token: str = "") -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.owner_token}"}
        path = f"{BASE}/{self.source.public_id}{tail}"
        if body is None:
            return getattr(self.client, method)(path, **headers)
        return getattr(self.client, method)(path, body, content_type="application/json", **headers)

    def test_the_tool_configuration_is_readable_before_any_registration(self) -> None:
        body = self.call("get", "/lti", token=self.issuer_token).json()
        base = f"http://127.0.0.1:8000/lti/{self.source.public_id}/"
        self.assertEqual(body["login_url"], base + "login")
        self.assertEqual(body["redirect_urls"], [base + "launch"])
        self.assertEqual(body["jwks_url"], base + "jwks")
        self.assertIsNone(body["platform"])

    def test_registering_answers_201_then_200_on_replacing(self) -> None:
        first = self.call("put", body=BLACKBOARD)
        self.assertEqual(first.status_code, 201, first.content)
        self.assertEqual(first.json()["platform"]["auth_audience"], BLACKBOARD["auth_audience"])
        self.assertEqual(first.json()["platform"]["frame_origins"], ["https://school.blackboard.com"])
        again = self.call("put", body={**BLACKBOARD, "deployment_ids": ["a", "b"]})
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["platform"]["deployment_ids"], ["a", "b"])
        self.assertEqual(Platform.objects.count(), 1)
        self.assertEqual(
            list(AuditEvent.objects.filter(action__startswith="lti.platform").values_list("via", flat=True)),
            ["api", "api"],
        )

    def test_bad_values_are_a_problem_naming_each_field(self) -> None:
        response = self.call("put", body={**BLACKBOARD, "jwks_url": "http://x.example/k", "client_id": " "})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        errors = {e["pointer"]: e["message"] for e in response.json()["errors"]}
        self.assertEqual(errors["/jwks_url"], "The address must start with https://.")
        self.assertEqual(errors["/client_id"], "This field is required.")
        self.assertFalse(Platform.objects.exists())

    def test_unknown_fields_are_refused(self) -> None:
        response = self.call("put", body={**BLACKBOARD, "issuser": "typo"})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Platform.objects.exists())

    def test_only_owners_register_or_remove(self) -> None:
        self.assertEqual(self.call("put", body=BLACKBOARD, token=self.issuer_token).status_code, 403)
        self.call("put", body=BLACKBOARD)
        self.assertEqual(self.call("delete", token=self.issuer_token).status_code, 403)
        self.assertTrue(Platform.objects.exists())

    def test_removing_answers_204_then_404(self) -> None:
        self.call("put", body=BLACKBOARD)
        self.assertEqual(self.call("delete").status_code, 204)
        self.assertFalse(Platform.objects.exists())
        self.assertEqual(self.call("delete").status_code, 404)

    def test_a_source_of_another_kind_or_organization_is_not_found(self) -> None:
        path = f"{BASE}/{self.xapi.public_id}/lti"
        self.assertEqual(
            self.client.get(path, HTTP_AUTHORIZATION=f"Bearer {self.owner_token}").status_code, 404
        )
        theirs, _lines = create_source(Actor(user=self.outsider), self.other_org, "lti", "Theirs")
        path = f"/api/v1/orgs/other/sources/{theirs.public_id}/lti"
        self.assertEqual(
            self.client.get(path, HTTP_AUTHORIZATION=f"Bearer {self.owner_token}").status_code, 404
        )
