"""The Caliper endpoint (Caliper 1.1 §6, 1.2 §5): POST an envelope, GET to ping."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from laurel.core.problems import problem
from laurel.ingest.caliper.actions import record_envelope
from laurel.ingest.caliper.envelope import SUPPORTED_VERSIONS, EnvelopeError, parse_envelope
from laurel.ingest.facts import FactConflict
from laurel.ingest.models import Source
from laurel.ingest.sources import authenticate_bearer

MAX_BODY = 2_000_000  # bytes; announced by the ping as maxPayloadSize


def _bearer_source(request: HttpRequest) -> Source | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return authenticate_bearer(token)


def _unauthorized() -> HttpResponse:
    response = problem(
        401,
        _("Unauthorized"),
        _("Send this source's Caliper token as “Authorization: Bearer <token>”."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="laurel caliper"'
    return response


def _is_json(request: HttpRequest) -> bool:
    return request.content_type.lower() == "application/json"


def _read_body(request: HttpRequest) -> bytes | HttpResponse:
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    too_large = problem(
        413,
        _("Payload too large"),
        _("An envelope may have at most %(max)s bytes; send the events in several envelopes.")
        % {"max": MAX_BODY},
    )
    if declared > MAX_BODY:
        return too_large
    body = request.read(MAX_BODY + 1)
    return too_large if len(body) > MAX_BODY else body


@csrf_exempt
@require_http_methods(["GET", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    source = _bearer_source(request)
    if source is None:
        return _unauthorized()
    if request.method == "GET":
        return JsonResponse({"versions": list(SUPPORTED_VERSIONS), "maxPayloadSize": MAX_BODY})
    if not _is_json(request):
        return problem(
            415,
            _("Unsupported media type"),
            _("Send the envelope as “Content-Type: application/json”, not “%(type)s”.")
            % {"type": request.content_type or _("nothing")},
        )
    body = _read_body(request)
    if isinstance(body, HttpResponse):
        return body
    try:
        envelope = parse_envelope(json.loads(body))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        detail = _("The body is not valid JSON: %(error)s.") % {"error": error}
        return problem(400, _("Malformed request"), detail)
    except EnvelopeError as error:
        title = _("Unsupported Caliper version") if error.status == 422 else _("Invalid envelope")
        return problem(error.status, title, error.detail, pointer=error.pointer)
    try:
        record_envelope(source, envelope, now=timezone.now())
    except FactConflict as error:
        return problem(
            409,
            _("Conflict"),
            _("These event ids were already received with different content: %(ids)s.")
            % {"ids": ", ".join(error.keys[:5])},
            ids=error.keys,
        )
    # §6.1.1: the Endpoint SHOULD reply 200 OK with an empty body.
    return HttpResponse(status=200)
