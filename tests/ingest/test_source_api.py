"""Sources and facts through the JSON API: bearer tokens, problem documents, unknown fields refused."""

from typing import Any

from django.test import override_settings

from laurel.accounts.tokens import create_api_token
from laurel.ingest.facts import record_facts, void_facts
from laurel.ingest.models import Source
from laurel.ingest.sources import authenticate_bearer, create_source
from tests.ingest.helpers import IngestTestCase, at, grade

BASE = "/api/v1/orgs/hanbit"


@override_settings(ROOT_URLCONF="tests.ingest.api_urls")
class SourceApiTests(IngestTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.owner_token = create_api_token(cls.actor, cls.owner, cls.org, "owner")[1]
        cls.issuer_token = create_api_token(cls.actor, cls.teammate, cls.org, "issuer")[1]
        cls.viewer_token = create_api_token(cls.actor, cls.viewer, cls.org, "viewer")[1]

    def call(self, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or self.owner_token}"}
        if body is None:
            return getattr(self.client, method)(BASE + path, **headers)
        return getattr(self.client, method)(BASE + path, body, content_type="application/json", **headers)

    def test_listing_sources(self) -> None:
        response = self.call("get", "/sources", self.issuer_token)
        self.assertEqual(response.status_code, 200)
        [source] = response.json()
        self.assertEqual(
            (source["public_id"], source["kind"], source["name"]), (self.source.public_id, "xapi", "Moodle")
        )
        self.assertEqual(source["endpoint"], "http://127.0.0.1:8000/xapi/")
        self.assertNotIn("secret_hash", source)

    def test_creating_a_source_returns_its_credentials_once(self) -> None:
        response = self.call("post", "/sources", body={"kind": "caliper", "name": "Canvas"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response["Cache-Control"], "no-store")
        body = response.json()
        self.assertEqual(
            authenticate_bearer(body["credentials"]["token"]).public_id, body["source"]["public_id"]
        )
        again = self.call("get", f"/sources/{body['source']['public_id']}")
        self.assertNotIn(body["credentials"]["token"], again.content.decode())

    def test_unknown_fields_and_kinds_are_refused_with_a_problem(self) -> None:
        response = self.call("post", "/sources", body={"kind": "xapi", "nmae": "typo"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertIn("nmae", response.json()["errors"][0]["message"])
        self.assertEqual(self.call("post", "/sources", body={"kind": "ftp"}).status_code, 422)
        self.assertEqual(Source.objects.count(), 1)

    def test_only_owners_manage_sources(self) -> None:
        response = self.call("post", "/sources", self.issuer_token, body={"kind": "xapi"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.call("get", "/sources", self.viewer_token).status_code, 403)

    def test_a_missing_or_wrong_token_is_401_with_a_challenge(self) -> None:
        response = self.client.get(f"{BASE}/sources")
        self.assertEqual(response.status_code, 401)
        self.assertIn("Bearer", response["WWW-Authenticate"])
        self.assertEqual(self.call("get", "/sources", "lrl_nope").status_code, 401)

    def test_another_organization_is_not_found(self) -> None:
        response = self.client.get(
            "/api/v1/orgs/other/sources", HTTP_AUTHORIZATION=f"Bearer {self.owner_token}"
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.call("get", "/sources/nope").status_code, 404)

    def test_rotating_and_deactivating(self) -> None:
        source, lines = create_source(self.actor, self.org, "caliper", "Canvas")
        rotated = self.call("post", f"/sources/{source.public_id}/rotate")
        self.assertEqual(rotated.status_code, 200)
        self.assertIsNone(authenticate_bearer(lines["token"]))
        self.assertIsNotNone(authenticate_bearer(rotated.json()["credentials"]["token"]))
        off = self.call("post", f"/sources/{source.public_id}/deactivate")
        self.assertFalse(off.json()["is_active"])
        self.assertEqual(self.call("post", f"/sources/{source.public_id}/rotate").status_code, 409)

    def test_reading_a_sources_facts_page_by_page(self) -> None:
        record_facts(self.source, [grade(f"k{n}", obj=f"q{n}", value=f"{n}.5") for n in range(5)])
        first = self.call("get", f"/sources/{self.source.public_id}/facts?limit=2").json()
        self.assertEqual([f["event_key"] for f in first["items"]], ["k4", "k3"])
        self.assertEqual(first["items"][0]["value"], "4.5")
        self.assertEqual(first["items"][0]["max_value"], "100")
        self.assertEqual(first["items"][0]["learner"]["recipient"], str(self.hong.public_id))
        second = self.call(
            "get", f"/sources/{self.source.public_id}/facts?limit=2&cursor={first['next_cursor']}"
        ).json()
        self.assertEqual([f["event_key"] for f in second["items"]], ["k2", "k1"])
        self.assertEqual(
            self.call("get", f"/sources/{self.source.public_id}/facts?cursor=forged").status_code, 400
        )

    def test_voided_and_parked_filters(self) -> None:
        record_facts(self.source, [grade("a"), grade("b", "stray@elsewhere.example", obj="q2")])
        void_facts(self.source, ["a"], voided_at=at(5))
        self.assertEqual(self.call("get", "/facts").json()["items"][0]["event_key"], "b")
        everything = self.call("get", "/facts?include_voided=true").json()["items"]
        self.assertEqual(len(everything), 2)
        parked = self.call("get", "/facts?parked=true").json()["items"]
        self.assertEqual([f["learner"]["value"] for f in parked], ["stray@elsewhere.example"])

    def test_a_recipients_current_facts(self) -> None:
        record_facts(self.source, [grade("old", value="90", minutes=0), grade("new", value="60", minutes=10)])
        response = self.call("get", f"/recipients/{self.hong.public_id}/current-facts")
        self.assertEqual([f["event_key"] for f in response.json()], ["new"])
        self.assertEqual(self.call("get", "/recipients/not-a-uuid/current-facts").status_code, 404)
