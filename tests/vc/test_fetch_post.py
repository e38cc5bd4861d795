"""Fetcher.post and Fetcher.vet: the same SSRF policy for sending as for fetching."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from laurel.vc.fetch import (
    BlockedAddressError,
    Fetcher,
    FetchTimeoutError,
    InvalidUrlError,
    SchemeNotAllowedError,
)

seen: list[tuple[str, dict[str, str], bytes]] = []


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        answers = {
            "/ok": (200, b'{"received":true}'),
            "/fail": (503, b"down for maintenance"),
            "/moved": (308, b""),
            "/huge": (200, b"y" * 300_000),
        }
        if self.path == "/slow":
            time.sleep(1.0)
        status, reply = answers.get(self.path, (200, b""))
        self.send_response(status)
        if status == 308:
            self.send_header("Location", "http://169.254.169.254/latest/")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        try:
            self.wfile.write(reply)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL = Fetcher(allow_private=True, timeout=0.5, max_bytes=1000)


def test_post_sends_the_body_and_headers_and_answers_status_and_body(server: str) -> None:
    result = LOCAL.post(f"{server}/ok", b'{"a":1}', {"Content-Type": "application/json", "X-Test": "yes"})
    assert (result.status, result.body) == (200, b'{"received":true}')
    path, headers, body = seen[-1]
    assert (path, body) == ("/ok", b'{"a":1}')
    assert (headers["x-test"], headers["content-type"], headers["content-length"]) == (
        "yes",
        "application/json",
        "7",
    )


def test_post_answers_an_error_status_rather_than_raising(server: str) -> None:
    result = LOCAL.post(f"{server}/fail", b"x", {})
    assert (result.status, result.body) == (503, b"down for maintenance")


def test_post_follows_no_redirect(server: str) -> None:
    result = LOCAL.post(f"{server}/moved", b"x", {})
    assert (result.status, result.final_url) == (308, f"{server}/moved")


def test_post_reads_at_most_max_bytes_of_the_answer(server: str) -> None:
    assert LOCAL.post(f"{server}/huge", b"x", {}).body == b"y" * 1000


def test_post_times_out(server: str) -> None:
    with pytest.raises(FetchTimeoutError):
        LOCAL.post(f"{server}/slow", b"x", {})


def test_post_refuses_loopback_by_default_without_connecting(server: str) -> None:
    before = len(seen)
    with pytest.raises(SchemeNotAllowedError):
        Fetcher().post(f"{server}/ok", b"x", {})
    with pytest.raises(BlockedAddressError):
        Fetcher(allowed_schemes=("http",)).post(f"{server}/ok", b"x", {})
    assert len(seen) == before


def test_a_trusted_network_opens_only_that_network(server: str) -> None:
    loopback_only = Fetcher(allowed_schemes=("http",), trusted_networks=("127.0.0.0/8",))
    assert loopback_only.post(f"{server}/ok", b"x", {}).status == 200
    with pytest.raises(BlockedAddressError):
        loopback_only.vet("http://10.0.0.1/")


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://169.254.169.254/", BlockedAddressError),
        ("https://[::1]/", BlockedAddressError),
        ("ftp://example.com/", SchemeNotAllowedError),
        ("https:///nohost", InvalidUrlError),
        ("https://user:pw@example.com/", InvalidUrlError),
    ],
)
def test_vet_raises_what_a_fetch_would_meet(url: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        Fetcher().vet(url)


def test_vet_checks_every_resolved_address() -> None:
    sneaky = Fetcher(resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(BlockedAddressError):
        sneaky.vet("https://hooks.example.com/")
    Fetcher(resolver=lambda host, port: ["93.184.216.34"]).vet("https://hooks.example.com/")
