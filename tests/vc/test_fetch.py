import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from laurel.vc.fetch import (
    BlockedAddressError,
    Fetcher,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    InvalidJsonError,
    SchemeNotAllowedError,
    TooLargeError,
    TooManyRedirectsError,
    address_block_reason,
)

DOCUMENT = {"id": "did:web:example.com", "verificationMethod": []}
HTTP_ONLY = ("http", "https")


class Handler(BaseHTTPRequestHandler):
    """A loopback server with one path per behaviour under test."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_body(self, body: bytes, *, length: int | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        path = self.path
        if path == "/doc.json":
            self.send_body(json.dumps(DOCUMENT).encode())
        elif path == "/host":
            self.send_body(json.dumps({"host": self.headers["Host"]}).encode())
        elif path.startswith("/chain/"):
            # /chain/3 -> /chain/2 -> /chain/1 -> /chain/0 -> the document.
            left = int(path.removeprefix("/chain/"))
            self.redirect("/doc.json" if left == 0 else f"/chain/{left - 1}")
        elif path == "/huge":
            # No Content-Length: the body ends when the connection closes.
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"[" + b"0," * 40_000 + b"0]")
            self.close_connection = True
        elif path == "/claims-huge":
            self.send_body(b"{}", length=10**9)
        elif path == "/slow":
            time.sleep(1.0)
            self.send_body(b"{}")
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-private":
            self.redirect("http://10.0.0.1/")
        elif path == "/duplicate":
            self.send_body(b'{"a": 1, "a": 2}')
        elif path == "/nan":
            self.send_body(b'{"a": NaN}')
        else:
            self.send_error(404)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # The fetcher hangs up on purpose (timeouts, size limits): not worth a traceback.
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
    ],
)
def test_it_blocks_non_public_addresses(address: str) -> None:
    assert address_block_reason(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "8.8.8.8", "::ffff:93.184.216.34"])
def test_it_allows_public_addresses(address: str) -> None:
    assert address_block_reason(address) is None


@pytest.mark.parametrize("address", ["169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1"])
def test_allow_private_never_opens_metadata_multicast_or_unspecified(address: str) -> None:
    assert address_block_reason(address, allow_private=True) is not None


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "100.64.0.1", "fc00::1", "::1"])
def test_allow_private_opens_loopback_and_private_networks(address: str) -> None:
    assert address_block_reason(address, allow_private=True) is None


def test_the_default_fetcher_refuses_plain_http(server: str) -> None:
    with pytest.raises(SchemeNotAllowedError):
        Fetcher().fetch(f"{server}/doc.json")


def test_it_refuses_loopback_even_when_http_is_allowed(server: str) -> None:
    with pytest.raises(BlockedAddressError):
        Fetcher(allowed_schemes=HTTP_ONLY).fetch(f"{server}/doc.json")


def test_it_refuses_a_name_resolving_to_any_private_address() -> None:
    # One public and one private answer: the private one could be the one we reach.
    fetcher = Fetcher(resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(BlockedAddressError):
        fetcher.fetch("https://did.example/.well-known/did.json")


def test_it_fetches_json_when_private_addresses_are_allowed(server: str) -> None:
    fetcher = Fetcher(allow_private=True)
    result = fetcher.fetch(f"{server}/doc.json")
    assert result.status == 200
    assert result.content_type == "application/json"
    assert json.loads(result.body) == DOCUMENT
    assert fetcher.fetch_json(f"{server}/doc.json") == DOCUMENT


def test_it_connects_to_the_vetted_address_and_sends_the_original_host(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    fetcher = Fetcher(allow_private=True, resolver=lambda host, p: ["127.0.0.1"])
    assert fetcher.fetch_json(f"http://did.example:{port}/host") == {"host": f"did.example:{port}"}


def test_it_wraps_tls_failures(server: str) -> None:
    # An https URL answered by a plain-HTTP server: the TLS error must not escape bare.
    port = server.rsplit(":", 1)[1]
    fetcher = Fetcher(allow_private=True, resolver=lambda host, p: ["127.0.0.1"])
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(f"https://did.example:{port}/doc.json")
    assert type(caught.value) is FetchError


def test_it_follows_redirects_up_to_the_limit(server: str) -> None:
    result = Fetcher(allow_private=True, max_redirects=3).fetch(f"{server}/chain/2")
    assert result.url == f"{server}/chain/2"
    assert result.final_url == f"{server}/doc.json"
    assert json.loads(result.body) == DOCUMENT


def test_it_refuses_too_many_redirects(server: str) -> None:
    with pytest.raises(TooManyRedirectsError):
        Fetcher(allow_private=True, max_redirects=3).fetch(f"{server}/chain/3")


def test_a_redirect_to_cloud_metadata_is_refused(server: str) -> None:
    with pytest.raises(BlockedAddressError):
        Fetcher(allow_private=True).fetch(f"{server}/to-metadata")


def test_each_redirect_hop_is_checked_again(server: str) -> None:
    # Trust only the test server's address: the hop to 10.0.0.1 must still be refused.
    fetcher = Fetcher(allowed_schemes=HTTP_ONLY, trusted_networks=("127.0.0.1/32",))
    assert fetcher.fetch_json(f"{server}/doc.json") == DOCUMENT
    with pytest.raises(BlockedAddressError):
        fetcher.fetch(f"{server}/to-private")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://did.example/x", "gopher://did.example/"])
def test_it_refuses_other_schemes(url: str) -> None:
    with pytest.raises(SchemeNotAllowedError):
        Fetcher(allow_private=True).fetch(url)


def test_it_refuses_a_body_larger_than_the_limit(server: str) -> None:
    with pytest.raises(TooLargeError):
        Fetcher(allow_private=True, max_bytes=10_000).fetch(f"{server}/huge")


def test_it_refuses_a_declared_length_larger_than_the_limit(server: str) -> None:
    with pytest.raises(TooLargeError):
        Fetcher(allow_private=True).fetch(f"{server}/claims-huge")


def test_it_times_out_on_a_slow_server(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        Fetcher(allow_private=True, timeout=0.3).fetch(f"{server}/slow")
    assert time.monotonic() - started < 0.9


def test_it_reports_the_status_of_an_error_response(server: str) -> None:
    with pytest.raises(HttpStatusError) as caught:
        Fetcher(allow_private=True).fetch(f"{server}/missing")
    assert caught.value.status == 404


def test_overrides_are_served_without_any_network(tmp_path: Path) -> None:
    file = tmp_path / "did.json"
    file.write_text(json.dumps(DOCUMENT))
    fetcher = Fetcher(
        overrides={"https://did.example/did.json": file, "https://status.example/1": b"[1]"},
        resolver=lambda host, port: pytest.fail("an override must not resolve anything"),
    )
    assert fetcher.fetch_json("https://did.example/did.json") == DOCUMENT
    result = fetcher.fetch("https://status.example/1")
    assert (result.status, result.body, result.content_type) == (200, b"[1]", None)


def test_overrides_respect_the_size_limit() -> None:
    fetcher = Fetcher(max_bytes=4, overrides={"https://did.example/x": b"[1,2,3]"})
    with pytest.raises(TooLargeError):
        fetcher.fetch("https://did.example/x")


@pytest.mark.parametrize("path", ["/duplicate", "/nan"])
def test_fetch_json_rejects_duplicate_keys_and_nan(server: str, path: str) -> None:
    with pytest.raises(InvalidJsonError):
        Fetcher(allow_private=True).fetch_json(f"{server}{path}")


@pytest.mark.parametrize("body", [b"[Infinity]", b"\xff", b"{", b"[" * 100_000])
def test_fetch_json_rejects_malformed_bodies(body: bytes) -> None:
    fetcher = Fetcher(overrides={"https://did.example/x": body})
    with pytest.raises(InvalidJsonError):
        fetcher.fetch_json("https://did.example/x")


def test_it_refuses_credentials_in_the_url() -> None:
    with pytest.raises(FetchError):
        Fetcher().fetch("https://user:secret@did.example/")
