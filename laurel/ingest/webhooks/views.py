"""``POST /hooks/<source>/``: signed deliveries from class apps and mission tools."""

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from laurel.api.errors import validation_problem
from laurel.core.problems import problem
from laurel.ingest.facts import FactConflict, record_facts
from laurel.ingest.models import Source
from laurel.ingest.sources import touch, webhook_secret
from laurel.ingest.webhooks.schema import SchemaError, read_body
from laurel.ingest.webhooks.signature import SignatureError, verify

MAX_BODY = 1_000_000  # bytes


def _too_large() -> HttpResponse:
    return problem(
        413,
        _("Payload too large"),
        _("A delivery may have at most %(max)s bytes; split the events over several deliveries.")
        % {"max": MAX_BODY},
    )


def _unauthorized(detail: str) -> HttpResponse:
    response = problem(401, _("Signature not accepted"), detail)
    # No registered scheme exists for Standard Webhooks; this names the one that applies.
    response["WWW-Authenticate"] = 'Standard-Webhooks realm="laurel"'
    return response


@csrf_exempt
@require_POST
def receive(request: HttpRequest, public_id: str) -> HttpResponse:
    source = (
        Source.objects.select_related("org").filter(public_id=public_id, kind=Source.Kind.WEBHOOK).first()
    )
    if source is None or not source.is_active:
        return problem(404, _("Not found"), _("No active webhook source has this address."))
    if request.content_type.lower() != "application/json":
        return problem(
            415,
            _("Unsupported media type"),
            _("Send the events as “Content-Type: application/json”, not “%(type)s”.")
            % {"type": request.content_type or _("nothing")},
        )
    try:
        if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
            return _too_large()
    except ValueError:
        pass
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return _too_large()
    now = timezone.now()
    try:
        text = body.decode("utf-8")
        headers = {
            name: request.headers.get(name, "")
            for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
        }
        message_id = verify(webhook_secret(source), body, headers, now)
    except UnicodeDecodeError:
        return problem(400, _("Malformed request"), _("The body is not UTF-8 text."))
    except SignatureError as error:
        return _unauthorized(str(error))
    touch(source)
    try:
        facts = read_body(json.loads(text), source, message_id, now)
        result = record_facts(source, facts, received_at=now)
    except json.JSONDecodeError as error:
        return problem(
            400, _("Malformed request"), _("The body is not valid JSON: %(error)s.") % {"error": error}
        )
    except SchemaError as error:
        return validation_problem(error.errors).response()
    except FactConflict as error:
        return problem(
            409,
            _("Conflict"),
            _("These events were already received with different content: %(keys)s.")
            % {"keys": ", ".join(error.keys[:5])},
            keys=error.keys,
        )
    except ValidationError as error:
        return validation_problem([{"pointer": "", "message": " ".join(error.messages)}]).response()
    return JsonResponse(
        {
            "events": len(facts),
            "created": result.created,
            "unchanged": result.unchanged,
            "parked": result.parked,
        }
    )
