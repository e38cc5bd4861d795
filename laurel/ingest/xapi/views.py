"""/xapi/statements, /xapi/about and the resources Laurel does not offer, as senders expect them.

Scope: statements are stored (PUT, POST) and read back one at a time (GET or HEAD with
statementId or voidedStatementId). Filtered queries, attachment data and the document
resources (state, activity and agent profiles, activities, agents) are refused with a
problem document saying so; docs/xapi-conformance.md explains each status code.
"""

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from laurel.ingest.models import Source
from laurel.ingest.xapi import actions, formats, validation
from laurel.ingest.xapi.http import (
    MAX_STATEMENTS,
    BadRequest,
    authenticate,
    finish,
    statements_body,
    unauthorized,
    xapi_problem,
)
from laurel.ingest.xapi.models import Statement
from laurel.ingest.xapi.reading import as_format
from laurel.ingest.xapi.versions import HEADER, SUPPORTED, Version, negotiate

# The Statement resource's query parameters (xAPI 2.0, 4.1.6.1), recognized in their exact case.
QUERY_PARAMETERS = frozenset(
    {
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "ascending",
    }
)
SINGLE_PARAMETERS = frozenset({"statementId", "voidedStatementId", "format", "attachments"})
logger = logging.getLogger(__name__)
Handler = Callable[[HttpRequest, Source, Version], HttpResponse]


def _guarded(handler: Handler, *, statements: bool = True) -> Callable[[HttpRequest], HttpResponse]:
    """Authenticate, check the version header, run the handler, and answer problems uniformly."""

    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        version = negotiate(request.headers.get(HEADER))
        source = authenticate(request)
        if source is None:
            return unauthorized(version)
        if version is None:
            error = BadRequest(
                400,
                _("Unsupported xAPI version"),
                _("Send the header X-Experience-API-Version: 2.0.0 or 1.0.3 (got “%(value)s”).")
                % {"value": request.headers.get(HEADER, "")},
                kind="version",
            )
            return xapi_problem(error, None)
        try:
            response = finish(handler(request, source, version), version, statements=statements)
        except BadRequest as error:
            response = xapi_problem(error, version)
        except Exception:
            # The transaction was rolled back; the sender gets a problem it can read and retry.
            logger.exception("xAPI request failed: %s %s", request.method, request.path)
            error = BadRequest(
                500,
                _("Server error"),
                _("Something went wrong on our side; nothing was stored."),
                kind="server",
            )
            response = xapi_problem(error, version)
        if request.method == "HEAD" and response.content:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    return view


def _statements(request: HttpRequest, source: Source, version: Version) -> HttpResponse:
    if "method" in request.GET:
        raise BadRequest(
            400,
            _("Alternate request syntax not supported"),
            _("Send the request with its own HTTP method and headers instead of a “method” parameter."),
        )
    if request.method == "POST":
        return _post(request, source, version)
    if request.method == "PUT":
        return _put(request, source, version)
    if request.method in ("GET", "HEAD"):
        return _get(request, source)
    response = HttpResponse(status=405)
    response["Allow"] = "GET, HEAD, POST, PUT"
    return response


def _unknown_parameters(request: HttpRequest, allowed: frozenset[str]) -> None:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise BadRequest(
            400,
            _("Unknown parameter"),
            _("This request does not take the parameter(s): %(names)s (names are case-sensitive).")
            % {"names": ", ".join(unknown)},
        )


def _post(request: HttpRequest, source: Source, version: Version) -> HttpResponse:
    _unknown_parameters(request, frozenset())
    body = statements_body(request)
    raws = body if isinstance(body, list) else [body]
    if not raws:
        raise BadRequest(400, _("Empty batch"), _("The request carries no statements."))
    if len(raws) > MAX_STATEMENTS:
        raise BadRequest(
            413,
            _("Batch too large"),
            _("A request may carry at most %(max)s statements; this one has %(n)s.")
            % {"max": MAX_STATEMENTS, "n": len(raws)},
            kind="too-large",
        )
    receipt = actions.Receipt(source, version, timezone.now())
    many = isinstance(body, list)
    batch = [_prepare(raw, n if many else None, receipt) for n, raw in enumerate(raws)]
    _store(source, batch, receipt.now)
    ids = json.dumps([item.statement["id"] for item in batch])
    return HttpResponse(ids, content_type="application/json")


def _put(request: HttpRequest, source: Source, version: Version) -> HttpResponse:
    _unknown_parameters(request, frozenset({"statementId"}))
    statement_id = request.GET.get("statementId")
    if statement_id is None or not formats.is_uuid(statement_id):
        raise BadRequest(
            400,
            _("Missing statementId"),
            _("PUT needs a statementId parameter holding the statement's UUID."),
        )
    raw = statements_body(request)
    if isinstance(raw, dict):
        if "id" not in raw:
            raw = {"id": statement_id, **raw}
        elif not isinstance(raw["id"], str) or raw["id"].lower() != statement_id.lower():
            raise BadRequest(400, _("Invalid statement"), _("The statement's id differs from statementId."))
    receipt = actions.Receipt(source, version, timezone.now())
    _store(source, [_prepare(raw, None, receipt)], receipt.now)
    return HttpResponse(status=204)


def _prepare(raw: Any, index: int | None, receipt: actions.Receipt) -> actions.Incoming:
    try:
        item = actions.prepare(raw, index, receipt)
    except validation.Invalid as error:
        raise BadRequest(400, _("Invalid statement"), str(error), property=error.where) from None
    _refuse_attachment_data(item.statement)
    return item


def _refuse_attachment_data(statement: dict[str, Any]) -> None:
    target = statement["object"]
    inner = target.get("attachments", []) if target.get("objectType") == "SubStatement" else []
    for attachment in [*statement.get("attachments", []), *inner]:
        if "fileUrl" not in attachment or attachment["usageType"] == SIGNATURE:
            raise BadRequest(
                400,
                _("Attachment data not accepted"),
                _(
                    "Every attachment needs a fileUrl: this LRS keeps no attachment data, so it "
                    "cannot accept signed statements or attachments sent as multipart parts."
                ),
            )


SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def _store(source: Source, batch: list[actions.Incoming], now: Any) -> None:
    try:
        actions.store(source, batch, now)
    except actions.Refused as refused:
        title = _("Conflict") if refused.status == 409 else _("Invalid batch")
        raise BadRequest(
            refused.status,
            title,
            refused.message,
            kind="conflict" if refused.status == 409 else "invalid",
            statement_ids=refused.ids,
        ) from None


def _get(request: HttpRequest, source: Source) -> HttpResponse:
    params = set(request.GET)
    queries = sorted(params & QUERY_PARAMETERS)
    _unknown_parameters(request, SINGLE_PARAMETERS | QUERY_PARAMETERS)
    wanted_id = request.GET.get("statementId")
    voided_id = request.GET.get("voidedStatementId")
    if wanted_id is not None and voided_id is not None:
        raise BadRequest(400, _("Invalid query"), _("Use statementId or voidedStatementId, not both."))
    single = wanted_id if wanted_id is not None else voided_id
    if single is None:
        raise BadRequest(
            403,
            _("Statement queries not offered"),
            _(
                "This LRS receives statements for Laurel and returns them one at a time by "
                "statementId or voidedStatementId; filtered queries are not offered to any credential."
            ),
            kind="not-offered",
        )
    if queries:
        raise BadRequest(
            400,
            _("Invalid query"),
            _("statementId and voidedStatementId take only format and attachments besides: not %(names)s.")
            % {"names": ", ".join(queries)},
        )
    fmt = request.GET.get("format", "exact")
    attachments = request.GET.get("attachments", "false")
    if fmt not in ("exact", "ids", "canonical") or attachments not in ("true", "false"):
        raise BadRequest(
            400, _("Invalid query"), _("format is exact, ids or canonical; attachments is true or false.")
        )
    if not formats.is_uuid(single):
        raise BadRequest(400, _("Invalid query"), _("The statement id must be a UUID."))
    row = (
        Statement.objects.filter(org_id=source.org_id, statement_id=uuid.UUID(single))
        .only("body", "stored", "voided")
        .first()
    )
    if row is None or row.voided != (voided_id is not None):
        raise BadRequest(
            404, _("Not found"), _("No statement with this id is available here."), kind="not-found"
        )
    body = as_format(row.body, fmt, request.headers.get("Accept-Language", ""))
    response = _statement_response(body, attachments == "true")
    response["Last-Modified"] = http_date(row.stored.timestamp())
    return response


def _statement_response(body: str, multipart: bool) -> HttpResponse:
    if not multipart:
        return HttpResponse(body, content_type="application/json")
    # No attachment data is ever stored, so the multipart form has the statement part alone.
    boundary = uuid.uuid4().hex
    text = f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{body}\r\n--{boundary}--\r\n"
    return HttpResponse(text, content_type=f"multipart/mixed; boundary={boundary}")


def _not_offered(request: HttpRequest, source: Source, version: Version) -> HttpResponse:
    raise BadRequest(
        403,
        _("Resource not offered"),
        _(
            "This LRS only receives statements for Laurel: the state, activity profile, agent "
            "profile, activities and agents resources are not offered to any credential."
        ),
        kind="not-offered",
    )


statements = _guarded(_statements)
documents = _guarded(_not_offered, statements=False)


@csrf_exempt
def about(request: HttpRequest) -> HttpResponse:
    version = negotiate(request.headers.get(HEADER))
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return finish(response, version, statements=False)
    body = json.dumps({"version": SUPPORTED})
    response = HttpResponse("" if request.method == "HEAD" else body, content_type="application/json")
    if request.method == "HEAD":
        response["Content-Length"] = str(len(body))
    return finish(response, version, statements=False)
