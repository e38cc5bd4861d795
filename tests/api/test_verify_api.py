import copy
import io
import json
from functools import cache
from typing import Any
from unittest import mock

from django.http import HttpRequest, JsonResponse
from django.test import override_settings
from django.urls import path
from ninja import NinjaAPI
from PIL import Image

from laurel.api import errors, verify
from laurel.api.auth import RATE, BearerToken, TokenThrottle
from laurel.events.models import DailyCount
from laurel.test import BaseTestCase
from laurel.vc import baking
from laurel.vc.data_integrity import sign_jcs
from laurel.vc.did_web import build_did_document
from laurel.vc.jwt import sign_vc_jwt
from laurel.vc.keys import KeyPair
from tests.events.helpers import make_award

SITE = "https://badges.example"
SITE_DID = "did:web:badges.example"

# Configured like the site's API (bearer auth and token throttle by default), so the test
# shows the endpoint opting out of both.
api = NinjaAPI(urls_namespace="verify-test", auth=BearerToken(), throttle=[TokenThrottle(RATE)])
errors.install(api)
api.add_router("", verify.router)


def did_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(build_did_document(SITE_DID, [("key-1", site_key().public_key)]))


urlpatterns = [path("api/v1/", api.urls), path(".well-known/did.json", did_document)]


@cache
def site_key() -> KeyPair:
    return KeyPair.generate()


@cache
def outside_key() -> KeyPair:
    return KeyPair.generate()


def credential(
    issuer: str, credential_id: str = "urn:uuid:6f1c2b1e-6a51-4f55-9a0e-1f8f4b3c2d10"
) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Hanbit University"},
        "validFrom": "2025-03-02T00:00:00Z",
        "name": "Python basics",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://badges.example/i/python-basics",
                "type": ["Achievement"],
                "name": "Python basics",
                "description": "Completed the Python basics course.",
                "criteria": {"narrative": "Pass every exercise."},
            },
        },
    }


def signed(document: dict[str, Any], key: KeyPair, method: str) -> dict[str, Any]:
    result = sign_jcs(document, key, verification_method=method, created="2025-03-02T00:00:00Z")
    # The OB 3.0 JSON schema wants proof as an array.
    result["proof"] = [result["proof"]]
    return result


def did_key_credential(**fields: str) -> dict[str, Any]:
    key = outside_key().public_key
    return signed(credential(key.did_key(), **fields), outside_key(), key.verification_method_id())


def did_key_jwt() -> str:
    key = outside_key().public_key
    return sign_vc_jwt(credential(key.did_key()), outside_key(), kid=key.verification_method_id())


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "gold").save(out, format="PNG")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle cx="4" cy="4" r="4"/></svg>'


@override_settings(ROOT_URLCONF=__name__, SITE_URL=SITE, ALLOWED_HOSTS=["testserver", "badges.example"])
class VerifyApiTestCase(BaseTestCase):
    url = "/api/v1/verify"

    def post(self, body: bytes | str, content_type: str, **extra: str) -> Any:
        return self.client.post(self.url, body, content_type=content_type, **extra)

    def post_json(self, document: object) -> Any:
        return self.post(json.dumps(document), "application/json")

    def statuses(self, response: Any) -> dict[str, str]:
        return {check["id"]: check["status"] for check in response.json()["checks"]}


class VerifyFormatsTests(VerifyApiTestCase):
    def test_a_valid_credential_gets_a_valid_report(self) -> None:
        response = self.post_json(did_key_credential())
        self.assertEqual(response.status_code, 200)
        report = response.json()
        self.assertIs(report["valid"], True)
        self.assertEqual(report["format"], "json")
        self.assertEqual(self.statuses(response)["proof"], "pass")
        self.assertEqual(report["credential"]["name"], "Python basics")

    def test_a_tampered_credential_is_answered_with_an_invalid_report(self) -> None:
        tampered = copy.deepcopy(did_key_credential())
        tampered["name"] = "Python mastery"
        response = self.post_json(tampered)
        self.assertEqual(response.status_code, 200)
        self.assertIs(response.json()["valid"], False)
        self.assertEqual(self.statuses(response)["proof"], "fail")
        for check in response.json()["checks"]:
            self.assertTrue(check["message_en"] and check["message_ko"], check)

    def test_the_credential_may_be_wrapped_in_an_object(self) -> None:
        response = self.post_json({"credential": did_key_credential()})
        self.assertEqual(response.status_code, 200)
        self.assertIs(response.json()["valid"], True)

    def test_a_wrapped_jwt_is_read_as_a_jwt(self) -> None:
        response = self.post_json({"credential": did_key_jwt()})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["format"], "jwt")
        self.assertIs(response.json()["valid"], True)

    def test_a_compact_jwt_body_is_verified(self) -> None:
        for content_type in ("application/jwt", "text/plain"):
            with self.subTest(content_type=content_type):
                response = self.post(did_key_jwt(), content_type)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["format"], "jwt")
                self.assertIs(response.json()["valid"], True)

    def test_a_baked_png_is_verified(self) -> None:
        baked = baking.bake(png(), did_key_credential())
        response = self.post(baked, "image/png")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["format"], "png")
        self.assertIs(response.json()["valid"], True)

    def test_a_baked_svg_is_verified(self) -> None:
        baked = baking.bake(SVG, did_key_credential())
        response = self.post(baked, "image/svg+xml")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["format"], "svg")
        self.assertIs(response.json()["valid"], True)

    def test_no_token_is_needed(self) -> None:
        response = self.post_json(did_key_credential())
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("WWW-Authenticate", response)


class VerifyRefusalTests(VerifyApiTestCase):
    def assert_problem(self, response: Any, status: int) -> dict[str, Any]:
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        problem = response.json()
        self.assertEqual(problem["status"], status)
        return problem

    def test_an_empty_body_is_a_bad_request(self) -> None:
        for content_type in ("application/json", "text/plain", "image/png"):
            with self.subTest(content_type=content_type):
                problem = self.assert_problem(self.post(b"", content_type), 400)
                self.assertIn("empty", problem["detail"])

    def test_malformed_json_is_a_bad_request(self) -> None:
        problem = self.assert_problem(self.post('{"@context": [', "application/json"), 400)
        self.assertIn("not a JSON object", problem["detail"])

    def test_a_wrapper_holding_neither_object_nor_jwt_is_a_bad_request(self) -> None:
        self.assert_problem(self.post_json({"credential": 42}), 400)

    def test_a_body_that_is_no_credential_format_is_a_bad_request_with_the_report(self) -> None:
        problem = self.assert_problem(self.post("hello, verifier", "text/plain"), 400)
        self.assertEqual(problem["report"]["checks"][0]["id"], "input")
        self.assertEqual(problem["report"]["checks"][0]["status"], "fail")
        self.assertIs(problem["report"]["valid"], False)

    def test_a_body_over_one_megabyte_is_refused_unread(self) -> None:
        body = json.dumps({"padding": "x" * (1024 * 1024)})
        problem = self.assert_problem(self.post(body, "application/json"), 413)
        self.assertIn(str(1024 * 1024), problem["detail"])

    def test_an_image_over_two_megabytes_is_refused(self) -> None:
        self.assert_problem(self.post(b"\x89PNG" + b"\0" * (2 * 1024 * 1024), "image/png"), 413)

    def test_the_31st_request_in_a_minute_is_rate_limited(self) -> None:
        for _ in range(30):
            self.assertEqual(self.post(b"", "text/plain").status_code, 400)
        response = self.post(b"", "text/plain")
        problem = self.assert_problem(response, 429)
        self.assertTrue(problem["type"].endswith("/rate-limited"))
        self.assertGreaterEqual(int(response["Retry-After"]), 1)
        # The limit is per client address: someone else is still served.
        other = self.post(b"", "text/plain", REMOTE_ADDR="198.51.100.20")
        self.assertEqual(other.status_code, 400)


class LocalResolutionTests(VerifyApiTestCase):
    def test_a_did_web_issuer_of_this_site_is_resolved_without_the_network(self) -> None:
        document = signed(credential(SITE_DID), site_key(), f"{SITE_DID}#key-1")
        with mock.patch("socket.getaddrinfo", side_effect=AssertionError("no network expected")):
            response = self.post_json(document)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.statuses(response)["proof"], "pass")
        self.assertEqual(self.statuses(response)["issuer"], "pass")
        self.assertIs(response.json()["valid"], True)

    def test_a_did_web_issuer_elsewhere_is_never_fetched_from_a_private_address(self) -> None:
        did = "did:web:intranet.example"
        document = signed(credential(did), site_key(), f"{did}#key-1")
        local = [(2, 1, 6, "", ("10.0.0.7", 443))]
        with (
            mock.patch("socket.getaddrinfo", return_value=local),
            mock.patch("socket.create_connection") as connect,
        ):
            response = self.post_json(document)
        connect.assert_not_called()
        self.assertIs(response.json()["valid"], False)
        self.assertIs(response.json()["fetch_failed"], True)


class VerificationEventTests(VerifyApiTestCase):
    def test_verifying_one_of_our_awards_is_counted(self) -> None:
        award = make_award(self.org)
        self.post_json(did_key_credential(credential_id=award.public_url))
        tampered = did_key_credential(credential_id=award.public_url)
        tampered["name"] = "Something else"
        self.post_json(tampered)
        counts = DailyCount.objects.filter(award=award, kind="verification").order_by("detail")
        self.assertEqual([(c.detail, c.count) for c in counts], [("invalid", 1), ("valid", 1)])

    def test_other_issuers_credentials_are_not_counted(self) -> None:
        make_award(self.org)
        self.post_json(did_key_credential(credential_id="https://elsewhere.example/a/abc/"))
        self.assertEqual(DailyCount.objects.count(), 0)


class VerifyOpenApiTests(VerifyApiTestCase):
    def test_the_endpoint_is_documented_as_public_with_every_body_type(self) -> None:
        document = self.client.get("/api/v1/openapi.json").json()
        operation = document["paths"]["/api/v1/verify"]["post"]
        self.assertEqual(operation.get("security"), [])
        self.assertEqual(
            set(operation["requestBody"]["content"]),
            {
                "application/json",
                "application/ld+json",
                "application/jwt",
                "text/plain",
                "image/png",
                "image/svg+xml",
            },
        )
        self.assertTrue(operation["requestBody"]["description"])
        self.assertEqual(set(operation["responses"]), {"200", "400", "413", "429"})
