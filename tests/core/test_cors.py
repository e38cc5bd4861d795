from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import SimpleTestCase, override_settings
from django.urls import path
from django.views.decorators.http import require_safe

from laurel.core.cors import public_cors


@public_cors
@require_safe
def credential(request: HttpRequest) -> HttpResponse:
    response = JsonResponse({"type": ["VerifiableCredential"]})
    response["ETag"] = '"v1"'
    response["Vary"] = "Accept-Language"
    return response


@public_cors
def missing(request: HttpRequest) -> HttpResponse:
    return HttpResponse("gone", status=404)


urlpatterns = [path("credential.json", credential), path("missing.json", missing)]

ORIGIN = {"HTTP_ORIGIN": "https://verifier.example"}


@override_settings(ROOT_URLCONF=__name__)
class PublicCorsTests(SimpleTestCase):
    def test_any_origin_may_read_the_answer(self) -> None:
        response = self.client.get("/credential.json", **ORIGIN)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(response.json(), {"type": ["VerifiableCredential"]})

    def test_the_etag_is_exposed_to_scripts(self) -> None:
        response = self.client.get("/credential.json", **ORIGIN)
        self.assertEqual(response["Access-Control-Expose-Headers"], "ETag")

    def test_no_credentials_are_allowed(self) -> None:
        response = self.client.get("/credential.json", **ORIGIN)
        self.assertNotIn("Access-Control-Allow-Credentials", response)

    def test_the_views_own_vary_header_is_left_alone(self) -> None:
        response = self.client.get("/credential.json", **ORIGIN)
        self.assertEqual(response["Vary"], "Accept-Language")

    def test_head_requests_get_the_headers_too(self) -> None:
        response = self.client.head("/credential.json", **ORIGIN)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_a_preflight_is_answered_without_calling_the_view(self) -> None:
        response = self.client.options(
            "/credential.json",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
            **ORIGIN,
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.content, b"")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        methods = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
        self.assertEqual(methods, {"GET", "HEAD", "OPTIONS"})
        headers = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
        self.assertIn("accept", headers)
        self.assertGreater(int(response["Access-Control-Max-Age"]), 0)
        self.assertNotIn("ETag", response)

    def test_errors_are_readable_across_origins_too(self) -> None:
        # A browser verifier must see the 404 itself, not an opaque network error.
        response = self.client.get("/missing.json", **ORIGIN)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_other_methods_still_reach_the_view_and_are_refused(self) -> None:
        response = self.client.post("/credential.json", **ORIGIN)
        self.assertEqual(response.status_code, 405)
