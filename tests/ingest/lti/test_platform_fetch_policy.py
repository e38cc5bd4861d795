"""Every call to the platform goes through the SSRF-safe fetcher: refused addresses are never contacted."""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

from laurel.accounts.tokens import create_api_token
from laurel.core.actor import Actor
from laurel.ingest.lti.actions import post_badge_earned, sync_roster
from laurel.ingest.lti.models import Context, Platform
from laurel.ingest.lti.transport import PlatformFetchError
from laurel.test import BaseTestCase
from tests.ingest.lti.helpers import LtiTestCase, make_award

# A name that only the patched resolver below knows.
INTERNAL_HOST = "lms.internal.test"


class AcceptCounter:
    """A listening socket that counts the connections it accepts (and closes them at once)."""

    def __init__(self, family: socket.AddressFamily, address: str) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((address, 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.accepts = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                return
            self.accepts += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@contextmanager
def resolving(host: str, address: str) -> Iterator[list[tuple[Any, ...]]]:
    """``host`` resolves to ``address``; yields every socket.create_connection call made meanwhile."""
    real_getaddrinfo: Callable[..., Any] = socket.getaddrinfo
    real_connect = socket.create_connection
    attempts: list[tuple[Any, ...]] = []

    def getaddrinfo(name: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if name == host:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(name, port, *args, **kwargs)

    def create_connection(target: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(target)
        return real_connect(target, *args, **kwargs)

    with (
        mock.patch("socket.getaddrinfo", getaddrinfo),
        mock.patch("socket.create_connection", create_connection),
    ):
        yield attempts


class RedirectToMetadata(BaseHTTPRequestHandler):
    """An allowed (loopback) host whose every answer is a redirect to cloud metadata."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _redirect(self) -> None:
        self.server.hits += 1  # type: ignore[attr-defined]
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(307)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _redirect


class FetchPolicyTests(LtiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.counter = AcceptCounter(socket.AF_INET, "127.0.0.1")
        self.addCleanup(self.counter.close)

    def _point(self, **urls: str) -> None:
        Platform.objects.filter(source=self.source).update(**urls)

    def _redirector(self) -> tuple[ThreadingHTTPServer, str]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), RedirectToMetadata)
        server.hits = 0  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server, f"http://127.0.0.1:{server.server_address[1]}"

    # --- the keyset, during a launch ---

    def test_a_launch_checks_its_id_token_against_the_keyset_fetched_through_the_fetcher(self) -> None:
        response = self.launch()
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn("GET /jwks", self.platform.requests_seen)

    def test_a_keyset_on_loopback_is_refused_without_a_connection_when_private_fetches_are_off(self) -> None:
        self._point(jwks_url=f"https://127.0.0.1:{self.counter.port}/jwks")
        form = self.authenticate()  # the browser's part: the platform on loopback answers the login
        with self.settings(ALLOW_PRIVATE_FETCH=False), resolving(INTERNAL_HOST, "10.0.0.1") as attempts:
            response = self.client.post(self.path("launch"), form)
        self.assertEqual(response.status_code, 502)
        self.assertIn("refusing to connect to 127.0.0.1: loopback address", response.content.decode())
        self.assertEqual((self.counter.accepts, attempts), (0, []))

    def test_a_keyset_on_ipv6_loopback_is_refused_without_a_connection(self) -> None:
        try:
            counter6 = AcceptCounter(socket.AF_INET6, "::1")
        except OSError:
            self.skipTest("no IPv6 loopback here")
        self.addCleanup(counter6.close)
        self._point(jwks_url=f"https://[::1]:{counter6.port}/jwks")
        form = self.authenticate()
        with self.settings(ALLOW_PRIVATE_FETCH=False):
            response = self.client.post(self.path("launch"), form)
        self.assertEqual(response.status_code, 502)
        self.assertIn("refusing to connect to ::1: loopback address", response.content.decode())
        self.assertEqual(counter6.accepts, 0)

    def test_a_keyset_host_resolving_to_private_or_link_local_addresses_is_never_contacted(self) -> None:
        for address, reason in (("10.20.30.40", "private"), ("169.254.169.254", "link-local")):
            with self.subTest(address):
                self._point(jwks_url=f"https://{INTERNAL_HOST}/jwks")
                form = self.authenticate()
                with self.settings(ALLOW_PRIVATE_FETCH=False), resolving(INTERNAL_HOST, address) as attempts:
                    response = self.client.post(self.path("launch"), form)
                self.assertEqual(response.status_code, 502)
                self.assertIn(
                    f"refusing to connect to {address}: {reason} address", response.content.decode()
                )
                self.assertEqual(attempts, [])

    def test_a_keyset_redirecting_to_cloud_metadata_stops_the_launch(self) -> None:
        server, base = self._redirector()
        self._point(jwks_url=f"{base}/jwks")
        with resolving(INTERNAL_HOST, "10.0.0.1") as attempts:
            response = self.launch()
        self.assertEqual(response.status_code, 502)
        self.assertIn("169.254.169.254: link-local address", response.content.decode())
        self.assertEqual(server.hits, 1)  # type: ignore[attr-defined]
        self.assertNotIn("169.254.169.254", [host for host, _port in attempts])

    # --- the token endpoint, NRPS and AGS, in tasks ---

    def test_a_token_url_on_loopback_is_refused_and_the_roster_sync_failure_is_recorded(self) -> None:
        self.launch("teacher")
        context = Context.objects.get()
        self._point(auth_token_url=f"https://127.0.0.1:{self.counter.port}/token")
        with self.settings(ALLOW_PRIVATE_FETCH=False), self.assertRaises(PlatformFetchError):
            sync_roster(context)
        self.assertEqual(self.counter.accepts, 0)
        platform = Platform.objects.get(source=self.source)
        self.assertIn("Roster sync of", platform.service_error)
        self.assertIn("refusing to connect to 127.0.0.1: loopback address", platform.service_error)
        self.assertIsNotNone(platform.service_error_at)
        self.assertIsNone(Context.objects.get().roster_synced_at)  # so the next staff launch asks again

    def test_a_token_url_resolving_to_a_private_address_fails_the_grade_write_back_without_a_connection(
        self,
    ) -> None:
        self.launch()
        award = make_award(self.jane)
        self._point(auth_token_url=f"https://{INTERNAL_HOST}/token")
        with self.settings(ALLOW_PRIVATE_FETCH=False), resolving(INTERNAL_HOST, "10.1.2.3") as attempts:
            result = post_badge_earned(award)
        self.assertEqual(attempts, [])
        ((_context, reason),) = result.failed
        self.assertIn("refusing to connect to 10.1.2.3: private address", reason)
        error = Platform.objects.get(source=self.source).service_error
        self.assertIn("Grade write-back to", error)
        self.assertIn("10.1.2.3: private address", error)
        self.assertEqual(self.platform.scores, [])

    def test_a_token_endpoint_redirecting_to_metadata_is_refused(self) -> None:
        self.launch("teacher")
        server, base = self._redirector()
        self._point(auth_token_url=f"{base}/token")
        with (
            resolving(INTERNAL_HOST, "10.0.0.1") as attempts,
            self.assertRaises(PlatformFetchError) as caught,
        ):
            sync_roster(Context.objects.get())
        self.assertIn("169.254.169.254: link-local address", str(caught.exception))
        self.assertEqual(server.hits, 1)  # type: ignore[attr-defined]
        self.assertNotIn("169.254.169.254", [host for host, _port in attempts])

    def test_a_roster_url_on_link_local_is_refused_even_with_private_fetches_allowed(self) -> None:
        self.launch("teacher")
        Context.objects.update(memberships_url="http://169.254.169.254/latest/meta-data/")
        with self.assertRaises(PlatformFetchError):
            sync_roster(Context.objects.get())
        self.assertIn("link-local", Platform.objects.get(source=self.source).service_error)

    def test_the_recorded_failure_is_shown_on_the_source_page_and_in_the_api(self) -> None:
        self.launch("teacher")
        self._point(auth_token_url=f"https://127.0.0.1:{self.counter.port}/token")
        with self.settings(ALLOW_PRIVATE_FETCH=False), self.assertRaises(PlatformFetchError):
            sync_roster(Context.objects.get())
        token = create_api_token(Actor(user=self.owner), self.owner, self.org, "reader")[1]
        body = self.client.get(
            f"/api/v1/orgs/hanbit/sources/{self.source.public_id}/lti", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).json()
        self.assertIn("127.0.0.1: loopback address", body["platform"]["service_error"])
        self.assertIsNotNone(body["platform"]["service_error_at"])
        BaseTestCase.login(self, self.owner)
        page = self.client.get(f"/orgs/hanbit/sources/{self.source.public_id}/")
        self.assertContains(page, "Last failed call to the LMS")
        self.assertContains(page, "127.0.0.1: loopback address")

    def test_a_successful_roster_sync_clears_the_recorded_failure(self) -> None:
        self.launch("teacher")
        Platform.objects.filter(source=self.source).update(service_error="Roster sync failed: HTTP 500")
        sync_roster(Context.objects.get())
        self.assertEqual(Platform.objects.get(source=self.source).service_error, "")
