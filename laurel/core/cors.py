"""CORS for public machine endpoints: anyone's verifier, on any site, may read them.

Credentials, status lists and DID documents are public by design, and verifiers running
in a browser on another origin must be able to fetch them. The answer never depends on
cookies, so `*` is safe and no Allow-Credentials header is sent (browsers then also send
no cookies). Because the origin is not echoed back, responses need no `Vary: Origin`.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseBase

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# If-None-Match lets a browser verifier revalidate with the ETag it was shown.
ALLOWED_HEADERS = "Accept, If-None-Match"
# Not a CORS-safelisted response header, so scripts cannot read it unless exposed.
EXPOSED_HEADERS = "ETag"
# Browsers cap this (Chromium at two hours); the preflight answer never changes anyway.
PREFLIGHT_MAX_AGE = 86400

View = Callable[..., HttpResponseBase]


def preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ALLOWED_METHODS
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def public_cors(view: View) -> View:
    """Let any origin read this GET/HEAD view's answers, errors included, and preflight it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = preflight() if request.method == "OPTIONS" else view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response

    return wrapper
