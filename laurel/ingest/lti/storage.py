"""OIDC login without third-party cookies (1EdTech "LTI OIDC Login with LTI Client Side
postMessages" and "LTI postMessage Storage", both version 0.1).

A platform that offers a storage frame says so with ``lti_storage_target`` on the login
request. The tool then keeps state and nonce twice: in its usual state cookie, and in the
platform's frame, by ``lti.put_data`` messages sent from the tool's own page in the iframe.
When the launch arrives without the cookie (the browser blocks cookies in cross-site
frames), the tool's page asks the frame for both values back (``lti.get_data``); only
when they match does that page re-post the launch to the tool, from the tool's own origin.

The server accepts a launch without its state cookie only on that re-post: a login made
with a storage target (recorded here under its state, used once), and a request that the
browser marks as coming from the tool's own pages (``Sec-Fetch-Site: same-origin``, or an
``Origin`` of this site). A page elsewhere cannot make a browser send either, so a launch
forced into someone's browser still needs the values that only their platform frame holds.
"""

import base64
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.request import DjangoRequest

from laurel.ingest.lti.config import DatabaseStorage
from laurel.ingest.lti.models import LaunchValue

# "_parent", or the name of a frame in the platform's window (Canvas: "post_message_forwarding").
_TARGET = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
LIFETIME_SECONDS = 600
CHECKED_FIELD = "lti_storage_checked"


def storage_target(request: HttpRequest) -> str:
    """The storage frame the platform offers on its login request, or "" for none (or a bad name)."""
    value = request.POST.get("lti_storage_target") or request.GET.get("lti_storage_target") or ""
    return value if _TARGET.match(value) else ""


def _key(state: str) -> str:
    return f"lti1p3-storage-{state}"[:255]


def auth_params(auth_url: str) -> tuple[str, str]:
    """The state and nonce the tool put in its authentication request."""
    query = parse_qs(urlsplit(auth_url).query)
    return query.get("state", [""])[0], query.get("nonce", [""])[0]


def remember_login(state: str, nonce: str, target: str) -> None:
    DatabaseStorage().set_value(_key(state), {"nonce": nonce, "target": target}, exp=LIFETIME_SECONDS)


def login_of(state: str) -> dict[str, str] | None:
    """The storage login a launch's state names, if it is one and has not expired."""
    if not state:
        return None
    value = DatabaseStorage().get_value(_key(state))
    return value if isinstance(value, dict) else None


def take_login(state: str) -> bool:
    """Use up a storage login: True once, for the launch that presents it first."""
    with transaction.atomic():
        return LaunchValue.objects.filter(key=_key(state)).delete()[0] > 0


def has_state_cookie(request: HttpRequest, state: str) -> bool:
    return bool(state) and request.COOKIES.get(f"lti1p3-{state}") == state


def from_own_page(request: HttpRequest) -> bool:
    """Whether the browser says the request comes from a page of this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin", "")
    own = {_origin(settings.SITE_URL), f"{request.scheme}://{request.get_host()}"}
    return bool(origin) and origin in own


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def unverified_nonce(id_token: str) -> str:
    """The nonce claim, read before the signature is checked: only to ask the platform's frame
    for it. The launch itself is then validated in full."""
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return ""
    nonce = claims.get("nonce") if isinstance(claims, dict) else None
    return nonce if isinstance(nonce, str) else ""


class VouchedState(DjangoCookieService):  # type: ignore[misc]
    """The library's cookie reader, told that the state was confirmed by the platform's frame."""

    def __init__(self, request: DjangoRequest, state: str) -> None:
        super().__init__(request)
        self._state = state

    def get_cookie(self, name: str) -> Any:
        return self._state if name == self._state else super().get_cookie(name)
