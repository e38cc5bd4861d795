"""Every call the tool makes to a platform goes through the SSRF-safe fetcher.

pylti1p3 fetches the platform's keyset, asks its token endpoint for access tokens and calls
NRPS and AGS with a ``requests.Session``. The session given to it here never opens a socket
itself: its adapter hands each prepared request to ``laurel.vc.fetch.Fetcher.send``, so every
address a platform URL resolves to is vetted (private, loopback and link-local refused unless
LAUREL_ALLOW_PRIVATE_FETCH, which still refuses link-local), the connection is pinned to the
vetted address, each redirect hop is checked again, and bodies and time are bounded.
"""

import http.client
from collections.abc import Mapping
from typing import Any

import requests
from django.conf import settings
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from laurel.vc.fetch import Fetcher, FetchError

USER_AGENT = "Laurel LTI tool"
# A whole call, connection to last byte: a hung LMS must not hold a web worker or task for long.
TIMEOUT = 20.0
# Roster pages of a few hundred members with names and emails stay far below this.
MAX_BYTES = 4 * 1024 * 1024


class PlatformFetchError(requests.exceptions.ConnectionError):
    """A call to the platform was refused or failed before it answered (address policy, DNS,
    TLS, timeout, size). pylti1p3 turns a ``RequestException`` during a launch into an
    ``LtiException``; elsewhere it is an ``OSError`` like any network failure."""


def platform_fetcher() -> Fetcher:
    return Fetcher(allow_private=settings.ALLOW_PRIVATE_FETCH, timeout=TIMEOUT, max_bytes=MAX_BYTES)


def _joined(headers: tuple[tuple[str, str], ...]) -> Mapping[str, str]:
    # Repeated headers become one comma-separated value, as in requests' own responses.
    merged: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in headers:
        merged[name] = f"{merged[name]}, {value}" if name in merged else value
    return merged


class FetcherAdapter(BaseAdapter):
    """A requests transport adapter backed by the SSRF-safe fetcher (which follows redirects)."""

    def __init__(self, fetcher: Fetcher) -> None:
        super().__init__()
        self.fetcher = fetcher

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif body is not None and not isinstance(body, bytes):
            raise PlatformFetchError("a streamed request body is not supported", request=request)
        url = request.url or ""
        try:
            result = self.fetcher.send(request.method or "GET", url, headers=dict(request.headers), body=body)
        except FetchError as error:
            raise PlatformFetchError(str(error), request=request) from error
        response = requests.Response()
        response.status_code = result.status
        response.reason = http.client.responses.get(result.status, "")
        response.headers = CaseInsensitiveDict(_joined(result.headers))
        response._content = result.body
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = result.final_url
        response.request = request
        response.connection = self
        return response

    def close(self) -> None:
        pass


def http_session(fetcher: Fetcher | None = None) -> requests.Session:
    """A session for pylti1p3 whose every request, http or https, goes through the fetcher."""
    session = requests.Session()
    # No proxies, CA bundles or .netrc credentials from the environment: the fetcher decides.
    session.trust_env = False
    adapter = FetcherAdapter(fetcher or platform_fetcher())
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session
