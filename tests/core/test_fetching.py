from unittest import mock

from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.test import override_settings
from django.urls import include, path
from django.utils import translation

from laurel.core.fetching import local_fetcher, origin
from laurel.test import BaseTestCase
from laurel.vc.fetch import BlockedAddressError, HttpStatusError, TooLargeError


def status_list(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"host": request.get_host(), "secure": request.is_secure(), "q": request.GET.get("v")}
    )


def moved(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect("/status/1")


def big(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"x" * 2048, content_type="application/json")


# The site's own URLs too: its 404 page links to them.
urlpatterns = [
    path("status/1", status_list),
    path("old/1", moved),
    path("big", big),
    path("", include("laurel.urls")),
]

NO_NETWORK = mock.patch("socket.getaddrinfo", side_effect=AssertionError("no network expected"))


@override_settings(
    ROOT_URLCONF=__name__,
    SITE_URL="https://badges.example",
    ALLOWED_HOSTS=["testserver", "badges.example", "badges.hanbit.example"],
)
class LocalFetcherTests(BaseTestCase):
    def test_this_sites_urls_are_answered_in_process(self) -> None:
        with NO_NETWORK:
            document = local_fetcher().fetch_json("https://badges.example/status/1?v=2")
        self.assertEqual(document, {"host": "badges.example", "secure": True, "q": "2"})

    def test_an_organizations_public_base_url_is_local_too(self) -> None:
        self.org.public_base_url = "https://badges.hanbit.example/"
        self.org.save()
        with NO_NETWORK:
            document = local_fetcher().fetch_json("https://badges.hanbit.example/status/1")
        self.assertEqual(document["host"], "badges.hanbit.example")

    def test_local_redirects_are_followed(self) -> None:
        with NO_NETWORK:
            result = local_fetcher().fetch("https://badges.example/old/1")
        self.assertEqual(result.final_url, "https://badges.example/status/1")
        self.assertEqual(result.status, 200)

    def test_a_missing_local_document_is_an_http_error(self) -> None:
        with NO_NETWORK, self.assertRaises(HttpStatusError) as raised:
            local_fetcher().fetch("https://badges.example/nothing-here")
        self.assertEqual(raised.exception.status, 404)

    def test_the_size_limit_holds_for_local_documents(self) -> None:
        with NO_NETWORK, self.assertRaises(TooLargeError):
            local_fetcher(max_bytes=1024).fetch("https://badges.example/big")

    def test_the_callers_language_survives_a_local_fetch(self) -> None:
        with translation.override("ko"), NO_NETWORK:
            local_fetcher().fetch("https://badges.example/status/1", accept="application/json")
            self.assertEqual(translation.get_language(), "ko")

    def test_a_local_fetch_does_not_end_the_callers_request(self) -> None:
        # request_started/finished close old database connections: mid-request, that would
        # close the caller's connection and its transaction.
        sent: list[object] = []

        def receiver(sender: object, **kwargs: object) -> None:
            sent.append(sender)

        request_started.connect(receiver)
        request_finished.connect(receiver)
        try:
            local_fetcher().fetch("https://badges.example/status/1")
            with self.assertRaises(HttpStatusError):
                local_fetcher().fetch("https://badges.example/nothing-here")
        finally:
            request_started.disconnect(receiver)
            request_finished.disconnect(receiver)
        self.assertEqual(sent, [])

    def test_other_origins_go_through_the_ssrf_policy(self) -> None:
        loopback = [(2, 1, 6, "", ("127.0.0.1", 443))]
        with mock.patch("socket.getaddrinfo", return_value=loopback), self.assertRaises(BlockedAddressError):
            local_fetcher().fetch("https://badges.example.evil.test/status/1")

    def test_another_port_on_our_host_is_not_ours(self) -> None:
        self.assertNotEqual(origin("https://badges.example:8443/x"), origin("https://badges.example/x"))
        self.assertEqual(origin("HTTPS://Badges.Example:443/x"), origin("https://badges.example/y"))

    def test_private_targets_stay_refused_unless_the_setting_allows_them(self) -> None:
        self.assertIs(local_fetcher().allow_private, False)
        with override_settings(ALLOW_PRIVATE_FETCH=True):
            self.assertIs(local_fetcher().allow_private, True)
