"""The verifier's fetcher as this site configures it, resolving our own URLs in-process.

Credentials issued here name status lists and DID documents under this site's own origin
(SITE_URL, or an organization's public base URL). Fetching those over HTTP would fail in
development (loopback is refused as SSRF) and, in production, tie up a second web worker
while the first waits for it. So such URLs are answered by running the request through
Django's own handler and middleware, in this thread, exactly as if it had arrived over
HTTP but without any network. Every other URL goes through the SSRF-safe policy.
"""

import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponseBase
from django.urls import get_urlconf, set_urlconf
from django.utils import translation

from laurel.orgs.models import Organization
from laurel.vc.fetch import REDIRECT_STATUSES, USER_AGENT, Fetcher, TooLargeError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_handler: BaseHandler | None = None


def origin(url: str) -> str | None:
    """scheme://host:port of an http(s) URL, normalized; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return f"{scheme}://{parts.hostname.lower()}:{port or _DEFAULT_PORTS[scheme]}"


def site_origins() -> frozenset[str]:
    """The origins this site answers for: SITE_URL and every organization's public base URL."""
    bases = [settings.SITE_URL]
    bases += Organization.objects.exclude(public_base_url="").values_list("public_base_url", flat=True)
    return frozenset(o for o in map(origin, bases) if o is not None)


def _get_handler() -> BaseHandler:
    global _handler
    if _handler is None:
        handler = BaseHandler()
        handler.load_middleware()
        _handler = handler
    return _handler


def _environ(url: str, accept: str) -> dict[str, Any]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        # WSGI carries the raw path bytes as a latin-1 string; Django decodes them as UTF-8.
        "PATH_INFO": unquote_to_bytes(parts.path or "/").decode("iso-8859-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "",
        "SERVER_PORT": str(parts.port or _DEFAULT_PORTS[scheme]),
        "HTTP_HOST": parts.netloc,
        "HTTP_ACCEPT": accept,
        "HTTP_USER_AGENT": USER_AGENT,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }


def _body(response: HttpResponseBase, url: str, max_bytes: int) -> bytes:
    chunks = response.streaming_content if response.streaming else [response.content]  # type: ignore[attr-defined]
    size = 0
    parts: list[bytes] = []
    for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            raise TooLargeError(f"{url} is larger than {max_bytes} bytes")
        parts.append(bytes(chunk))
    return b"".join(parts)


def dispatch(url: str, accept: str, max_bytes: int) -> tuple[int, str | None, str | None, bytes]:
    """GET `url` from this site in-process: (status, content type, redirect location, body).

    No request_started/finished signals are sent (those would close the caller's database
    connection mid-request); the active URLconf and language of the
    calling request are put back afterwards, since middleware changes both.
    """
    urlconf = get_urlconf()
    with translation.override(translation.get_language()):
        try:
            response = _get_handler().get_response(WSGIRequest(_environ(url, accept)))
        finally:
            set_urlconf(urlconf)
    try:
        status = response.status_code
        if status in REDIRECT_STATUSES or not 200 <= status < 300:
            return status, None, response.get("Location"), b""
        return status, response.get("Content-Type"), None, _body(response, url, max_bytes)
    finally:
        _release(response)


def _release(response: HttpResponseBase) -> None:
    # response.close() would also send request_finished, which closes the caller's
    # database connection; run only its resource closers (open files, the request).
    closers = response._resource_closers  # type: ignore[attr-defined]
    for closer in closers:
        closer()
    closers.clear()


@dataclass(frozen=True)
class LocalFetcher(Fetcher):
    """A Fetcher that answers URLs of `local_origins` from this site, without any network."""

    local_origins: frozenset[str] = frozenset()

    def _request(self, url: str, accept: str, deadline: float) -> tuple[int, str | None, str | None, bytes]:
        # Each hop of the base class's redirect loop lands here, so a chain may pass between
        # this site and others; overrides are consulted before this, as for any Fetcher.
        if origin(url) in self.local_origins:
            return dispatch(url, accept, self.max_bytes)
        return super()._request(url, accept, deadline)


def local_fetcher(**options: Any) -> LocalFetcher:
    """The fetcher for verifying on this site: settings' SSRF policy plus our own URLs in-process.

    LAUREL_ALLOW_PRIVATE_FETCH (development only) lets it reach private and loopback hosts.
    """
    options.setdefault("allow_private", settings.ALLOW_PRIVATE_FETCH)
    return LocalFetcher(local_origins=site_origins(), **options)
