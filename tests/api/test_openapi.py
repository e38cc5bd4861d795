import json
import re

from tests.api.helpers import ApiTestCase

EXPECTED = {
    "/api/v1/orgs/{slug}": {"get"},
    "/api/v1/orgs/{slug}/achievements": {"get", "post"},
    "/api/v1/orgs/{slug}/achievements/{public_id}": {"get", "patch"},
    "/api/v1/orgs/{slug}/recipients": {"get", "post"},
    "/api/v1/orgs/{slug}/recipients/{public_id}": {"get"},
    "/api/v1/orgs/{slug}/awards": {"get", "post"},
    "/api/v1/orgs/{slug}/awards/bulk": {"post"},
    "/api/v1/orgs/{slug}/awards/{public_id}": {"get"},
    "/api/v1/orgs/{slug}/awards/{public_id}/revoke": {"post"},
    "/api/v1/orgs/{slug}/awards/{public_id}/suspend": {"post"},
    "/api/v1/orgs/{slug}/awards/{public_id}/reinstate": {"post"},
    "/api/v1/orgs/{slug}/sources": {"get", "post"},
    "/api/v1/orgs/{slug}/sources/{public_id}": {"get"},
    "/api/v1/orgs/{slug}/sources/{public_id}/rotate": {"post"},
    "/api/v1/orgs/{slug}/sources/{public_id}/deactivate": {"post"},
    "/api/v1/orgs/{slug}/sources/{public_id}/facts": {"get"},
    "/api/v1/orgs/{slug}/sources/{public_id}/lti": {"get"},
    "/api/v1/orgs/{slug}/sources/{public_id}/lti/platform": {"put", "delete"},
    "/api/v1/orgs/{slug}/facts": {"get"},
    "/api/v1/orgs/{slug}/recipients/{public_id}/current-facts": {"get"},
    "/api/v1/orgs/{slug}/achievements/{public_id}/rules": {"get", "post"},
    "/api/v1/orgs/{slug}/achievements/{public_id}/rules/{number}/live": {"post"},
    "/api/v1/orgs/{slug}/achievements/{public_id}/rules/{number}/dry-run": {"get"},
    "/api/v1/orgs/{slug}/achievements/{public_id}/award-states": {"get"},
    "/api/v1/orgs/{slug}/reviews": {"get"},
    "/api/v1/orgs/{slug}/award-states/{public_id}/evidence": {"get"},
    "/api/v1/orgs/{slug}/award-states/{public_id}/decisions": {"post"},
    "/api/v1/orgs/{slug}/webhooks": {"get", "post"},
    "/api/v1/orgs/{slug}/webhooks/lrs": {"post"},
    "/api/v1/orgs/{slug}/webhooks/{public_id}": {"get"},
    "/api/v1/orgs/{slug}/webhooks/{public_id}/rotate": {"post"},
    "/api/v1/orgs/{slug}/webhooks/{public_id}/disable": {"post"},
    "/api/v1/orgs/{slug}/webhooks/{public_id}/deliveries": {"get"},
    "/api/v1/orgs/{slug}/webhooks/{public_id}/deliveries/{webhook_id}/replay": {"post"},
    "/api/v1/orgs/{slug}/webhooks/{public_id}/replay": {"post"},
    "/api/v1/verify": {"post"},
}
# Anyone may verify a credential; every other operation needs a token.
PUBLIC = {"/api/v1/verify"}


class OpenApiTests(ApiTestCase):
    def test_the_document_is_openapi_3_and_lists_every_endpoint(self) -> None:
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = json.loads(response.content)
        self.assertRegex(document["openapi"], r"^3\.\d+\.\d+$")
        self.assertEqual(set(document["paths"]), set(EXPECTED))
        for path, methods in EXPECTED.items():
            self.assertEqual(set(document["paths"][path]), methods, path)

    def test_every_operation_but_verify_requires_the_bearer_token(self) -> None:
        document = self.client.get("/api/v1/openapi.json").json()
        schemes = document["components"]["securitySchemes"]
        self.assertEqual([s["scheme"] for s in schemes.values()], ["bearer"])
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if path in PUBLIC:
                    self.assertEqual(operation.get("security"), [], f"{method} {path}")
                else:
                    self.assertTrue(operation.get("security"), f"{method} {path}")

    def test_the_idempotency_key_header_is_documented_on_creates(self) -> None:
        document = self.client.get("/api/v1/openapi.json").json()
        operation = document["paths"]["/api/v1/orgs/{slug}/awards"]["post"]
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        self.assertEqual(headers, ["Idempotency-Key"])

    def test_request_bodies_refuse_unknown_fields_in_the_schema(self) -> None:
        document = self.client.get("/api/v1/openapi.json").json()
        award_in = document["components"]["schemas"]["AwardIn"]
        self.assertIs(award_in["additionalProperties"], False)

    def test_the_docs_page_loads_only_local_assets_under_the_site_csp(self) -> None:
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        html = response.content.decode()
        scripts = re.findall(r'<script src="([^"]+)"', html)
        self.assertEqual(len(scripts), 2)
        for src in scripts:
            self.assertTrue(src.startswith("/api/v1/docs/assets/"), src)
            asset = self.client.get(src)
            self.assertEqual(asset.status_code, 200)
            self.assertEqual(asset["Content-Type"], "text/javascript")
            b"".join(asset.streaming_content)  # type: ignore[attr-defined]
        self.assertNotIn("<script>", html)  # no inline script; the settings are a JSON data block
        self.assertIn("/api/v1/openapi.json", html)

    def test_only_the_known_doc_assets_are_served(self) -> None:
        self.assertEqual(self.client.get("/api/v1/docs/assets/..%2F..%2Fmain.py").status_code, 404)
        self.assertEqual(self.client.get("/api/v1/docs/assets/favicon.png").status_code, 404)
