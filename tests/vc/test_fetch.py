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
        elif path.startswith("/echo"):
            self.echo()
        elif path.startswith("/to-other-host"):
            port = self.server.server_address[1]
            self.redirect(f"http://other.test:{port}/echo")
        else:
            self.send_error(404)

    def echo(self) -> None:
        """What arrived: method, path, headers and body, as JSON."""
        length = int(self.headers.get("Content-Length") or 0)
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": self.rfile.read(length).decode(),
        }
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Link", '<https://lms.example/next?Page=2>; rel="next"')
        body = json.dumps(seen).encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        path = self.path
        if path.startswith("/echo"):
            self.echo()
        elif path == "/see-other":
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(303)
            self.send_header("Location", "/echo?after=303")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/temporary":
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(307)
            self.send_header("Location", "/echo?after=307")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/to-private":
            self.redirect("http://10.0.0.1/token")
        elif path == "/refuse":
            body = b'{"error": "invalid_client"}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
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


# --- send: any method, with headers and a body --------------------------------------------------


def test_send_posts_the_body_and_headers_and_returns_the_response_headers(server: str) -> None:
    result = Fetcher(allow_private=True).send(
        "POST",
        f"{server}/echo",
        headers={"Content-Type": "application/x-www-form-urlencoded", "accept": "application/json"},
        body=b"grant_type=client_credentials",
    )
    seen = json.loads(result.body)
    assert (result.status, seen["method"], seen["body"]) == (200, "POST", "grant_type=client_credentials")
    assert seen["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert seen["headers"]["content-length"] == str(len("grant_type=client_credentials"))
    # The caller's lower-case "accept" replaced the default rather than adding a second one.
    assert seen["headers"]["accept"] == "application/json"
    assert result.header("link") == '<https://lms.example/next?Page=2>; rel="next"'


def test_send_cannot_override_the_host_the_fetcher_connects_to(server: str) -> None:
    result = Fetcher(allow_private=True).send("GET", f"{server}/echo", headers={"Host": "internal.test"})
    assert json.loads(result.body)["headers"]["host"] == server.removeprefix("http://")


def test_send_returns_an_error_status_with_its_body(server: str) -> None:
    result = Fetcher(allow_private=True).send("POST", f"{server}/refuse", body=b"x")
    assert (result.status, json.loads(result.body)) == (401, {"error": "invalid_client"})


def test_send_turns_a_post_into_a_get_after_303_and_repeats_it_after_307(server: str) -> None:
    fetcher = Fetcher(allow_private=True)
    after_303 = json.loads(fetcher.send("POST", f"{server}/see-other", body=b"a=1").body)
    after_307 = json.loads(fetcher.send("POST", f"{server}/temporary", body=b"a=1").body)
    assert (after_303["method"], after_303["path"], after_303["body"]) == ("GET", "/echo?after=303", "")
    assert (after_307["method"], after_307["path"], after_307["body"]) == ("POST", "/echo?after=307", "a=1")


def test_send_drops_the_authorization_header_when_a_redirect_leaves_the_origin(server: str) -> None:
    fetcher = Fetcher(allow_private=True, resolver=lambda host, port: ["127.0.0.1"])
    same = json.loads(fetcher.send("GET", f"{server}/echo", headers={"Authorization": "Bearer t"}).body)
    moved = json.loads(
        fetcher.send("GET", f"{server}/to-other-host", headers={"Authorization": "Bearer t"}).body
    )
    assert same["headers"]["authorization"] == "Bearer t"
    assert moved["headers"]["host"].startswith("other.test:")
    assert "authorization" not in moved["headers"]


def test_send_checks_every_redirect_hop(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    fetcher = Fetcher(allow_private=False, allowed_schemes=HTTP_ONLY, trusted_networks=("127.0.0.1/32",))
    assert fetcher.send("POST", f"{server}/echo", body=b"").status == 200
    with pytest.raises(BlockedAddressError, match=r"10\.0\.0\.1"):
        fetcher.send("POST", f"http://127.0.0.1:{port}/to-private", body=b"")


def test_send_refuses_loopback_before_connecting(server: str) -> None:
    with pytest.raises(BlockedAddressError, match="loopback"):
        Fetcher(allowed_schemes=HTTP_ONLY).send("POST", f"{server}/echo", body=b"x")
