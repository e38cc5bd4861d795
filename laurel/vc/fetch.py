"""The one way the verifier fetches remote documents (DID documents, status list credentials).

A verifier fetches URLs named by strangers, so every fetch is treated as hostile (SSRF):

- ``overrides`` (``laurel verify --map URL=PATH``) are served first, without any network;
- only allowed schemes (``https``; ``http`` too when ``allow_private`` is set);
- the host must resolve only to public addresses; we then connect to the vetted address itself
  rather than resolving the name again (no DNS rebinding), while still sending the original
  ``Host`` header and checking the TLS certificate against the host name;
- redirects are followed by hand, each hop checked again, up to ``max_redirects``;
- bodies are read in chunks and refused beyond ``max_bytes``, and the whole fetch has a deadline.

``fetch`` GETs a document and treats any other status than 2xx as an error; ``send`` makes any
request (a POST with a body and headers, to an OAuth2 token endpoint say) under the same policy
and returns whatever status the server finally answers, with its headers and (bounded) body.

Every failure is a ``FetchError``; socket, TLS and HTTP library errors never escape bare.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urljoin, urlsplit

from laurel.vc import strict_json

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_MAX_BYTES = 1024 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "Laurel-verifier/1"
_CHUNK = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}
# RFC 6598 shared address space: carrier NAT, never a public server.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class FetchError(Exception):
    """Base class for every failure to fetch a remote document."""


class InvalidUrlError(FetchError):
    """The URL cannot be fetched as written (no host, credentials in it, bad port)."""


class SchemeNotAllowedError(FetchError):
    """The URL's scheme is not in the fetcher's allow-list."""


class BlockedAddressError(FetchError):
    """The host resolves to an address the fetcher must not contact (private, loopback, ...)."""


class TooLargeError(FetchError):
    """The response body is, or claims to be, larger than ``max_bytes``."""


class TooManyRedirectsError(FetchError):
    """The server redirected more than ``max_redirects`` times."""


class HttpStatusError(FetchError):
    """The server answered with a status other than 2xx (or a usable redirect)."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.status = status
        self.url = url


class FetchTimeoutError(FetchError):
    """The server did not answer within the fetcher's timeout."""


class InvalidJsonError(FetchError):
    """The body is not strict JSON (bad UTF-8, syntax, duplicate keys, NaN or Infinity)."""


@dataclass(frozen=True)
class FetchResult:
    """A fetched document: the URL asked for, where it ended up, and what came back."""

    url: str
    final_url: str
    status: int
    # None when the body came from an override, which has no headers.
    content_type: str | None
    body: bytes
    # The final response's headers in the order sent (empty for an override).
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def address_block_reason(address: IPAddress | str, *, allow_private: bool = False) -> str | None:
    """Why the fetcher must not connect to ``address``, or None when it may.

    ``allow_private`` (local development) permits loopback, private, CGNAT and other
    non-global unicast addresses; link-local (cloud metadata at 169.254.169.254), multicast,
    unspecified and reserved addresses stay blocked whatever the setting.
    """
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return "not an IP address"
    # ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address it carries.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for blocked, reason in (
        (ip.is_unspecified, "unspecified"),
        (ip.is_multicast, "multicast"),
        (ip.is_link_local, "link-local"),
        # ::1 sits inside the reserved ::/8; it is loopback, judged below.
        (ip.is_reserved and not ip.is_loopback, "reserved"),
    ):
        if blocked:
            return reason
    if allow_private:
        return None
    if ip.is_loopback:
        return "loopback"
    if ip.is_private:
        return "private"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "shared (CGNAT)"
    if not ip.is_global:
        return "not globally routable"
    return None


def _host_header(scheme: str, host: str, port: int) -> str:
    header = f"[{host}]" if ":" in host else host
    return header if port == _DEFAULT_PORTS[scheme] else f"{header}:{port}"


# Set by the fetcher itself, whatever the caller passes.
_OWN_HEADERS = frozenset({"host", "accept-encoding", "connection", "content-length", "transfer-encoding"})


def _first(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _origin_of(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_json(body: bytes) -> Any:
    """Parse ``body`` as strict JSON: UTF-8, no duplicate keys, no NaN or Infinity."""
    try:
        return strict_json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidJsonError(f"body is not UTF-8: {exc}") from exc
    except strict_json.StrictJsonError as exc:
        raise InvalidJsonError(f"body {exc}") from exc


@dataclass(frozen=True)
class Fetcher:
    """Fetches remote documents under an SSRF-safe policy; see the module docstring."""

    allow_private: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 5.0
    max_redirects: int = 3
    # None means ("https",), plus "http" when allow_private is set.
    allowed_schemes: tuple[str, ...] | None = None
    overrides: Mapping[str, bytes | Path] = field(default_factory=dict)
    # Networks trusted despite being non-public (an intranet DID host), e.g. ("10.20.0.0/16",).
    trusted_networks: tuple[str, ...] = ()
    # Host name -> addresses; replaceable so tests can point a name anywhere without DNS.
    resolver: Callable[[str, int], list[str]] = _resolve
    _networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        # Copy so that the caller mutating their dict cannot change a frozen fetcher.
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))
        networks = tuple(ipaddress.ip_network(n) for n in self.trusted_networks)
        object.__setattr__(self, "_networks", networks)

    @property
    def schemes(self) -> tuple[str, ...]:
        """The schemes this fetcher will fetch."""
        if self.allowed_schemes is not None:
            return self.allowed_schemes
        return ("https", "http") if self.allow_private else ("https",)

    def fetch(self, url: str, *, accept: str = "application/json") -> FetchResult:
        """Fetch ``url`` following checked redirects; raise a ``FetchError`` on any failure."""
        deadline = time.monotonic() + self.timeout
        current = url
        for _hop in range(self.max_redirects + 1):
            if current in self.overrides:
                body = self._read_override(self.overrides[current])
                return FetchResult(url, current, 200, None, body)
            status, content_type, location, body = self._request(current, accept, deadline)
            if status in REDIRECT_STATUSES and location:
                current = urljoin(current, location)
                continue
            if not 200 <= status < 300:
                raise HttpStatusError(status, current)
            return FetchResult(url, current, status, content_type, body)
        raise TooManyRedirectsError(f"more than {self.max_redirects} redirects from {url}")

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> FetchResult:
        """Make one request under this fetcher's policy and return the final answer, any status.

        Redirects are followed as browsers do, each hop checked again: 307 and 308 repeat the
        method and body, the others turn into a GET without a body. An ``Authorization`` header
        is dropped when a redirect leaves the first URL's origin. Overrides are not consulted.
        """
        deadline = time.monotonic() + self.timeout
        method = method.upper()
        sent = {k: v for k, v in (headers or {}).items() if k.lower() not in _OWN_HEADERS}
        first = _origin_of(url)
        current = url
        for _hop in range(self.max_redirects + 1):
            if _origin_of(current) != first:
                sent = {k: v for k, v in sent.items() if k.lower() != "authorization"}
            status, answer, data = self._exchange(method, current, sent, body, deadline, read_errors=True)
            location = _first(answer, "location")
            if status in REDIRECT_STATUSES and location:
                current = urljoin(current, location)
                if status not in (307, 308) and method != "HEAD":
                    method, body = "GET", None
                    sent = {k: v for k, v in sent.items() if k.lower() != "content-type"}
                continue
            return FetchResult(url, current, status, _first(answer, "content-type"), data, answer)
        raise TooManyRedirectsError(f"more than {self.max_redirects} redirects from {url}")

    def fetch_json(self, url: str, *, accept: str = "application/json") -> Any:
        """Fetch ``url`` and parse it as strict JSON (see ``parse_json``)."""
        return parse_json(self.fetch(url, accept=accept).body)

    def check_address(self, address: str) -> None:
        """Raise ``BlockedAddressError`` unless this fetcher may connect to ``address``."""
        reason = address_block_reason(address, allow_private=self.allow_private)
        if reason is None:
            return
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            ip = None
        if ip is not None and any(ip in n for n in self._networks):
            return
        raise BlockedAddressError(f"refusing to connect to {address}: {reason} address")

    def _read_override(self, source: bytes | Path) -> bytes:
        if isinstance(source, bytes):
            body = source
        else:
            try:
                with Path(source).open("rb") as f:
                    body = f.read(self.max_bytes + 1)
            except OSError as exc:
                raise FetchError(f"cannot read override {source}: {exc}") from exc
        if len(body) > self.max_bytes:
            raise TooLargeError(f"override {source!r:.80} is larger than {self.max_bytes} bytes")
        return body

    def _target(self, url: str) -> tuple[str, str, int, str]:
        """Check ``url`` and split it into scheme, host, port and request target."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise InvalidUrlError(f"invalid URL {url!r}: {exc}") from exc
        scheme = parts.scheme.lower()
        # Only http and https can be fetched, whatever the allow-list says.
        if scheme not in self.schemes or scheme not in _DEFAULT_PORTS:
            raise SchemeNotAllowedError(f"scheme {scheme!r} is not allowed: {url}")
        if not parts.hostname:
            raise InvalidUrlError(f"URL has no host: {url}")
        if parts.username is not None or parts.password is not None:
            raise InvalidUrlError(f"URL must not carry credentials: {url}")
        path = parts.path or "/"
        target = f"{path}?{parts.query}" if parts.query else path
        return scheme, parts.hostname, port or _DEFAULT_PORTS[scheme], target

    def _vetted_addresses(self, host: str, port: int) -> list[str]:
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise FetchError(f"{host} resolves to no address")
        # Every address must pass: otherwise the attacker picks which one we connect to.
        for address in addresses:
            self.check_address(address)
        return addresses

    def vet(self, url: str) -> None:
        """Raise the ``FetchError`` a fetch of ``url`` would meet before connecting, if any.

        Checks the scheme, the host and every address the host resolves to, as ``fetch`` and
        ``post`` do; for refusing a URL when it is saved rather than when it is first used.
        """
        _scheme, host, port, _target = self._target(url)
        self._vetted_addresses(host, port)

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> FetchResult:
        """POST ``body`` to ``url`` under the same policy, following no redirect.

        Any status comes back as it is (the caller decides what counts as success); at most
        ``max_bytes`` of the answer are read and the rest is left unread, since the answer is
        only logged. Time-outs are ``FetchTimeoutError``, other failures ``FetchError``.
        """
        deadline = time.monotonic() + self.timeout
        status, answer, excerpt = self._exchange("POST", url, headers, body, deadline, excerpt=True)
        return FetchResult(url, url, status, _first(answer, "content-type"), excerpt, answer)

    def _read_excerpt(self, response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while size < self.max_bytes and (chunk := response.read(min(_CHUNK, self.max_bytes - size))):
            size += len(chunk)
            if time.monotonic() > deadline:
                raise FetchTimeoutError(f"timed out reading the answer of {url}")
            chunks.append(chunk)
        return b"".join(chunks)

    def _request(self, url: str, accept: str, deadline: float) -> tuple[int, str | None, str | None, bytes]:
        status, headers, body = self._exchange("GET", url, {"Accept": accept}, None, deadline)
        if status in REDIRECT_STATUSES or not 200 <= status < 300:
            return status, None, _first(headers, "location"), b""
        return status, _first(headers, "content-type"), None, body

    def _exchange(
        self,
        method: str,
        url: str,
        extra_headers: Mapping[str, str],
        body: bytes | None,
        deadline: float,
        *,
        read_errors: bool = False,
        excerpt: bool = False,
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        """One request to a vetted address: (status, response headers, body).

        Redirect bodies are never read, nor error bodies unless ``read_errors``. With
        ``excerpt`` any answer's first ``max_bytes`` are read and the rest left unread.
        """
        scheme, host, port, target = self._target(url)
        addresses = self._vetted_addresses(host, port)
        conn = self._connection(scheme, host, port, addresses, deadline)
        host_header = _host_header(scheme, host, port)
        # Keyed by lower-case name so that a caller's "accept" replaces our "Accept".
        named = {"accept": ("Accept", "*/*"), "user-agent": ("User-Agent", USER_AGENT)}
        named.update({k.lower(): (k, v) for k, v in extra_headers.items() if k.lower() not in _OWN_HEADERS})
        headers = dict(named.values())
        headers.update({"Host": host_header, "Accept-Encoding": "identity", "Connection": "close"})
        if body is not None:
            headers["Content-Length"] = str(len(body))
        try:
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            status = response.status
            answer = tuple(response.getheaders())
            if excerpt:
                return status, answer, self._read_excerpt(response, url, deadline)
            if status in REDIRECT_STATUSES or (not 200 <= status < 300 and not read_errors):
                return status, answer, b""
            return status, answer, self._read_body(response, url, deadline)
        except TimeoutError as exc:
            raise FetchTimeoutError(f"timed out fetching {url}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from exc
        finally:
            conn.close()

    def _connection(
        self, scheme: str, host: str, port: int, addresses: list[str], deadline: float
    ) -> http.client.HTTPConnection:
        remaining = max(deadline - time.monotonic(), 0.001)
        conn: http.client.HTTPConnection
        if scheme == "https":
            # The host name (not the IP) drives SNI and certificate checking.
            conn = http.client.HTTPSConnection(
                host, port, timeout=remaining, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=remaining)

        def connect_vetted(
            _address: tuple[str, int], timeout: float | None = None, source: Any = None
        ) -> socket.socket:
            # Connect to the addresses we checked, never to a fresh resolution of the name.
            last = OSError(f"no address to connect to for {host}")
            for address in addresses:
                try:
                    return socket.create_connection((address, port), timeout, source)
                except OSError as exc:
                    last = exc
            raise last

        conn._create_connection = connect_vetted  # type: ignore[attr-defined]
        return conn

    def _read_body(self, response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
        length = response.getheader("Content-Length")
        if length is not None and length.strip().isdigit() and int(length) > self.max_bytes:
            raise TooLargeError(f"{url} declares {length} bytes, more than {self.max_bytes}")
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise TooLargeError(f"{url} sent more than {self.max_bytes} bytes")
            # A server dripping bytes just inside the socket timeout still hits the deadline.
            if time.monotonic() > deadline:
                raise FetchTimeoutError(f"timed out reading {url}")
            chunks.append(chunk)
        return b"".join(chunks)
