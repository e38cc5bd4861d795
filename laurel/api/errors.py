"""Every API error as RFC 9457 problem details, including ninja's own."""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from laurel.core.problems import PROBLEM_TYPE_BASE, problem

logger = logging.getLogger(__name__)

VALIDATION_TYPE = PROBLEM_TYPE_BASE + "validation"


class ApiProblem(Exception):
    """Raised anywhere below a view to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str = "", **extra: Any) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.extra = extra

    def response(self) -> HttpResponse:
        return problem(self.status, self.title, self.detail, **self.extra)


def not_found() -> ApiProblem:
    # One answer for "no such thing" and "not yours", so outsiders learn nothing.
    return ApiProblem(404, _("Not found"), _("There is nothing at this address for this token."))


def forbidden(capability: str) -> ApiProblem:
    return ApiProblem(
        403,
        _("Forbidden"),
        _("This token's user may not do this here (needs the “%(capability)s” permission).")
        % {"capability": capability},
    )


def unauthorized() -> HttpResponse:
    response = problem(
        401,
        _("Unauthorized"),
        _("Send a live API token as “Authorization: Bearer <token>”."),
    )
    response["WWW-Authenticate"] = 'Bearer realm="laurel"'
    return response


def validation_problem(errors: list[dict[str, str]], status: int = 422) -> ApiProblem:
    return ApiProblem(
        status,
        _("Invalid request"),
        _("%(count)s value(s) in the request are invalid; nothing was changed.") % {"count": len(errors)},
        type=VALIDATION_TYPE,
        errors=errors,
    )


def pointer(parts: Iterable[object]) -> str:
    """A JSON Pointer (RFC 6901) to a place in the request body."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def django_errors(error: DjangoValidationError, fields: Mapping[str, str], prefix: str = "") -> list[dict]:
    """A Django ValidationError as problem `errors`, its field names mapped to body pointers."""
    if not hasattr(error, "error_dict"):
        return [{"pointer": prefix, "message": str(m)} for m in error.messages]
    items: list[dict[str, str]] = []
    for field, messages in error.message_dict.items():
        where = fields.get(field, "" if field == "__all__" else "/" + field)
        items.extend({"pointer": prefix + where, "message": str(m)} for m in messages)
    return items


def _schema_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    items: list[dict[str, str]] = []
    for error in errors:
        loc = list(error.get("loc", ()))
        source = loc[0] if loc else "body"
        if error.get("type") == "extra_forbidden":
            message = _("Unknown field “%(name)s”.") % {"name": loc[-1]}
        else:
            message = str(error.get("msg", ""))
        if source == "body":
            # loc is ("body", <parameter name>, ...); the parameter is the whole body.
            items.append({"pointer": pointer(loc[2:]), "message": message})
        else:
            items.append({"field": ".".join(str(p) for p in loc[1:]), "in": str(source), "message": message})
    return items


def _on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return validation_problem(_schema_errors(list(exc.errors))).response()


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return unauthorized()
    if isinstance(exc, Throttled):
        response = problem(
            429,
            _("Too many requests"),
            _("This token made too many requests; wait and try again."),
            type=PROBLEM_TYPE_BASE + "rate-limited",
        )
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response
    if exc.status_code == 400 and "parse request body" in str(exc):
        return problem(400, _("Malformed request"), _("The request body is not valid JSON."))
    return problem(exc.status_code, _("Request failed"), str(exc))


def _on_api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return exc.response()


def _on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return not_found().response()


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request failed: %s %s", request.method, request.path)
    return problem(
        500, _("Server error"), _("Something went wrong on our side; nothing may have been saved.")
    )


def install(api: NinjaAPI) -> None:
    # Ninja's stubs type a handler as taking the exception or its class; it only ever gets the instance.
    api.add_exception_handler(Exception, _on_unexpected)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, _on_404)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, _on_http_error)  # type: ignore[arg-type]
    api.add_exception_handler(NinjaValidationError, _on_validation)  # type: ignore[arg-type]
    api.add_exception_handler(ApiProblem, _on_api_problem)  # type: ignore[arg-type]


def method_not_allowed(response: HttpResponseNotAllowed) -> HttpResponse:
    """Ninja answers a wrong method in plain text; keep its Allow header, say it as a problem."""
    replaced = problem(
        405, _("Method not allowed"), _("Allowed: %(methods)s.") % {"methods": response["Allow"]}
    )
    replaced["Allow"] = response["Allow"]
    return replaced
