"""Public verification: POST any Open Badges 3.0 credential, get every check back.

No token is needed: verifying a credential is something anyone may do. The endpoint is
limited per client address instead, since each call may fetch DID documents and status
lists on the caller's behalf.
"""

import re
from datetime import timedelta
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema

from laurel.accounts.limits import allow, client_ip, refill_seconds
from laurel.api.errors import ApiProblem
from laurel.api.schemas import Problem
from laurel.awards.models import Award
from laurel.core.fetching import local_fetcher, origin, site_origins
from laurel.core.problems import PROBLEM_TYPE_BASE
from laurel.events.actions import record_event
from laurel.events.models import Kind
from laurel.vc.verify import verify
from laurel.vc.verify_input import InputError, parse_json_text
from laurel.vc.verify_report import Report

router = Router(tags=["verify"])

# JSON and JWT credentials are a few kilobytes; a megabyte is far beyond any real one.
MAX_BODY_BYTES = 1024 * 1024
# A baked image also carries the badge picture, which may itself be up to a megabyte.
MAX_IMAGE_BODY_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = frozenset({"image/png", "image/svg+xml"})
PER_IP = (30, timedelta(minutes=1))
_AWARD_PATH = re.compile(r"/a/(?P<public_id>[A-Za-z0-9_-]+)(?:/|$)")

DESCRIPTION = """
Verifies any Open Badges 3.0 credential, issued here or anywhere else. No token is needed;
calls are limited per client address (30 a minute).

Send the credential as the request body, in any of these forms:

- `application/json` (or `application/ld+json`, `application/vc`): the credential itself,
  or `{"credential": <credential object or compact VC-JWT string>}`;
- `application/jwt` or `text/plain`: a compact VC-JWT;
- `image/png` or `image/svg+xml`: a baked badge image.

The answer is 200 with a report whether or not the credential is valid: `valid` is false
when any check failed; each check has a status (pass, fail, warning, skipped) and a reason
in English and Korean. `fetch_failed` is true when a DID document or status list needed for
a check could not be fetched. A body that cannot be read as a credential at all is a 400;
a body over 1 MB (2 MB for images) is a 413.
""".strip()

_JSON_BODY = {"schema": {"type": "object", "description": "A credential or {credential: ...}"}}
_TEXT_BODY = {"schema": {"type": "string", "description": "A compact VC-JWT"}}
_IMAGE_BODY = {"schema": {"type": "string", "format": "binary", "description": "A baked badge image"}}
REQUEST_BODY = {
    "required": True,
    "description": "The credential: JSON, a compact VC-JWT, or a baked PNG or SVG image.",
    "content": {
        "application/json": _JSON_BODY,
        "application/ld+json": _JSON_BODY,
        "application/jwt": _TEXT_BODY,
        "text/plain": _TEXT_BODY,
        "image/png": _IMAGE_BODY,
        "image/svg+xml": _IMAGE_BODY,
    },
}


class CheckOut(Schema):
    id: str
    status: Literal["pass", "fail", "warning", "skipped"]
    message_en: str
    message_ko: str
    details: dict[str, Any]


class ReportOut(Schema):
    valid: bool
    fetch_failed: bool
    format: Literal["json", "jwt", "png", "svg"] | None
    checks: list[CheckOut]
    credential: dict[str, Any] | None


def _is_json(content_type: str) -> bool:
    return content_type in ("application/json", "application/vc") or content_type.endswith("+json")


class RateLimited(ApiProblem):
    def __init__(self) -> None:
        super().__init__(
            429,
            _("Too many requests"),
            _("Too many verifications from this address; wait and try again."),
            type=PROBLEM_TYPE_BASE + "rate-limited",
        )

    def response(self) -> HttpResponse:
        response = super().response()
        response["Retry-After"] = str(refill_seconds(PER_IP))
        return response


def _rate_limit(request: HttpRequest) -> None:
    if not allow("api-verify", client_ip(request), PER_IP):
        raise RateLimited()


def _read_body(request: HttpRequest) -> bytes:
    limit = MAX_IMAGE_BODY_BYTES if request.content_type in IMAGE_TYPES else MAX_BODY_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    # Refuse on the declared length, before Django reads the body into memory.
    if not declared.isdigit() or int(declared) > limit:
        raise too_large(limit)
    body = request.body
    if len(body) > limit:
        raise too_large(limit)
    if not body.strip():
        raise unreadable(_("The request body is empty; send the credential as the body."))
    return body


def too_large(limit: int) -> ApiProblem:
    return ApiProblem(
        413,
        _("Request too large"),
        _("The body is larger than %(size)s bytes; no real credential is this big.") % {"size": limit},
    )


def unreadable(detail: str, report: Report | None = None) -> ApiProblem:
    extra = {"report": report.to_dict()} if report is not None else {}
    return ApiProblem(400, _("Unreadable credential"), detail, type=PROBLEM_TYPE_BASE + "unreadable", **extra)


def _credential(request: HttpRequest, body: bytes) -> bytes | str | dict[str, Any]:
    """What to verify: the body as is, or the credential inside a JSON wrapper."""
    if not _is_json(request.content_type or ""):
        return body
    try:
        document = parse_json_text(body.decode("utf-8"))
    except (UnicodeDecodeError, InputError) as error:
        raise unreadable(_("The body is not a JSON object: %(reason)s") % {"reason": error}) from None
    if "credential" not in document or "@context" in document:
        return document
    inner = document["credential"]
    if not isinstance(inner, dict | str):
        raise unreadable(_("“credential” must be a credential object or a compact VC-JWT string."))
    return inner


def _our_award(report: Report) -> Award | None:
    """The award of this site the verified credential claims to be, if any."""
    credential_id = (report.credential or {}).get("id")
    if not isinstance(credential_id, str) or origin(credential_id) not in site_origins():
        return None
    match = _AWARD_PATH.search(credential_id)
    if match is None:
        return None
    award = Award.objects.filter(public_id=match["public_id"]).select_related("org").first()
    if award is None or not credential_id.startswith(award.public_url.rstrip("/")):
        return None
    return award


def _count(request: HttpRequest, report: Report) -> None:
    # Tampered copies count too (as invalid): an issuer wants to know they circulate.
    award = _our_award(report)
    if award is not None:
        result = "valid" if report.valid else "invalid"
        record_event(Kind.VERIFICATION, org=award.org, award=award, detail=result, request=request)


@router.post(
    "/verify",
    auth=None,
    response={200: ReportOut, 400: Problem, 413: Problem, 429: Problem},
    summary="Verify any Open Badges 3.0 credential",
    description=DESCRIPTION,
    openapi_extra={"requestBody": REQUEST_BODY, "security": []},
)
def verify_credential(request: HttpRequest) -> HttpResponse:
    _rate_limit(request)
    body = _read_body(request)
    report = verify(_credential(request, body), fetcher=local_fetcher())
    if report.unreadable:
        check = report.checks[0]
        raise unreadable(check.message((get_language() or "en")[:2]), report)
    _count(request, report)
    return JsonResponse(report.to_dict(), json_dumps_params={"ensure_ascii": False})
