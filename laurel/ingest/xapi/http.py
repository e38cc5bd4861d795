"""Request and response plumbing shared by the xAPI views: credentials, bodies, problems, headers."""

import base64
import binascii
import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core.problems import PROBLEM_TYPE_BASE, problem
from laurel.ingest.models import Source
from laurel.ingest.sources import authenticate_basic
from laurel.ingest.xapi import formats
from laurel.ingest.xapi.versions import HEADER, V2, Version

REALM = 'Basic realm="Laurel xAPI", charset="UTF-8"'
# Most statements a single request may carry; the body limit is Django's upload limit.
MAX_STATEMENTS = 1000


class BadRequest(Exception):
    """Answer with a problem: ``status`` (400, 403, 413 …), a title and a precise detail."""

    def __init__(self, status: int, title: str, detail: str, kind: str = "invalid", **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.extra = extra


def xapi_problem(error: BadRequest, version: Version | None) -> HttpResponse:
    response = problem(
        error.status, error.title, error.detail, type=PROBLEM_TYPE_BASE + "xapi-" + error.kind, **error.extra
    )
    return finish(response, version)


def finish(response: HttpResponse, version: Version | None, *, statements: bool = True) -> HttpResponse:
    """Headers every xAPI response carries."""
    response[HEADER] = (version or V2).response
    if statements:
        # Statements are readable once the request that stored them has answered.
        response["X-Experience-API-Consistent-Through"] = formats.format_timestamp(timezone.now())
    return response


def unauthorized(version: Version | None) -> HttpResponse:
    response = problem(
        401,
        _("Unauthorized"),
        _("Send this source's xAPI username and password with HTTP Basic authentication."),
    )
    response["WWW-Authenticate"] = REALM
    return finish(response, version)


def authenticate(request: HttpRequest) -> Source | None:
    scheme, _space, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    if not colon:
        return None
    return authenticate_basic(username, password)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise BadRequest(
                    400,
                    _("Invalid statement"),
                    _("A JSON object uses the property “%(key)s” more than once.") % {"key": key},
                )
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise BadRequest(400, _("Malformed request"), _("%(name)s is not a JSON number.") % {"name": name})


def parse_json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(400, _("Malformed request"), _("The body is not UTF-8 text.")) from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        raise BadRequest(
            400,
            _("Malformed request"),
            _("The body is not valid JSON (line %(line)s, column %(column)s).")
            % {"line": error.lineno, "column": error.colno},
        ) from None
    except (ValueError, RecursionError):
        # Python's parser refuses integers of more than 4,300 digits and very deep nesting.
        raise BadRequest(
            400,
            _("Malformed request"),
            _("The body nests arrays and objects too deeply or holds a number too long to read."),
        ) from None


def read_body(request: HttpRequest) -> bytes:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        raise BadRequest(
            413,
            _("Request too large"),
            _("A request to this endpoint may carry at most %(limit)s bytes; split the batch.")
            % {"limit": limit},
            kind="too-large",
        )
    return request.body


def statements_body(request: HttpRequest) -> Any:
    """The JSON a PUT or POST carries, as application/json or as the first part of multipart/mixed."""
    content_type = (request.content_type or "").lower()
    data = read_body(request)
    if content_type == "application/json":
        return parse_json(data)
    if content_type == "multipart/mixed":
        return parse_json(_first_part(request, data))
    raise BadRequest(
        400,
        _("Unsupported content type"),
        _("Send statements as application/json (or multipart/mixed); not “%(type)s”.")
        % {"type": content_type or _("none")},
    )


def _first_part(request: HttpRequest, data: bytes) -> bytes:
    header = request.META.get("CONTENT_TYPE", "")
    if "boundary=" not in header:
        raise BadRequest(400, _("Malformed request"), _("A multipart/mixed body needs a boundary."))
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + header.encode("latin-1") + b"\r\n\r\n" + data
    )
    parts = list(message.iter_parts()) if message.is_multipart() else []
    if not parts or parts[0].get_content_type() != "application/json":
        raise BadRequest(
            400,
            _("Malformed request"),
            _("The first part of a multipart/mixed body must be application/json."),
        )
    if len(parts) > 1:
        # The specification lets an LRS choose its attachment size limit; Laurel keeps no
        # attachment data, so its limit is zero bytes.
        raise BadRequest(
            413,
            _("Attachments not accepted"),
            _(
                "This LRS stores no attachment data (its attachment size limit is 0 bytes). "
                "Send attachments as metadata with a fileUrl instead."
            ),
            kind="too-large",
        )
    payload = parts[0].get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
