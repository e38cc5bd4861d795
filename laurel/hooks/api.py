"""Outgoing webhooks in the JSON API: endpoints, their delivery log, and replays.

The signing secret appears once, in the answer that creates or rotates it.
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from laurel.api.auth import org_access
from laurel.api.errors import ApiProblem, django_errors, not_found, validation_problem
from laurel.api.schemas import In, Problem
from laurel.hooks import actions, queries
from laurel.hooks.models import Attempt, Delivery, Endpoint
from laurel.orgs.models import Organization

router = Router(tags=["webhooks"])
MANAGE = "manage_org"
EventName = Literal["award.issued", "award.revoked", "progress.changed"]


class EndpointIn(In):
    url: str = Field(max_length=1000, description="A public https URL")
    event_types: list[EventName] = Field(min_length=1)
    description: str = Field("", max_length=200)


class LrsIn(In):
    url: str = Field(max_length=1000, description="The LRS's xAPI endpoint; statements go to its /statements")
    username: str = Field(max_length=200)
    password: str = Field(max_length=500, description="Kept encrypted; never shown again")
    description: str = Field("", max_length=200)


class EndpointOut(Schema):
    public_id: str
    kind: Literal["webhook", "xapi"]
    username: str = Field(description="The LRS username, for xapi endpoints")
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    created_at: datetime
    secret_rotated_at: datetime | None
    disabled_at: datetime | None


class EndpointSecret(Schema):
    endpoint: EndpointOut
    secret: str = Field(description="The whsec_ signing secret, shown this once")


class AttemptOut(Schema):
    attempted_at: datetime
    succeeded: bool
    status_code: int | None
    duration_ms: int
    response_excerpt: str
    error: str


class DeliveryOut(Schema):
    webhook_id: str
    event_type: str
    status: Literal["pending", "sent", "dead"]
    created_at: datetime
    replays: int
    next_attempt_at: datetime | None
    attempts: list[AttemptOut]


class LogFilters(Schema):
    limit: int = Field(50, ge=1, le=queries.LOG_LIMIT)
    before: datetime | None = Field(None, description="Only deliveries created before this time")


class ReplayIn(In):
    since: datetime
    until: datetime
    failed_only: bool = False


class ReplayOut(Schema):
    count: int


def endpoint_out(endpoint: Endpoint) -> EndpointOut:
    return EndpointOut(
        public_id=endpoint.public_id,
        kind=endpoint.kind,  # type: ignore[arg-type]
        username=endpoint.username,
        url=endpoint.url,
        description=endpoint.description,
        event_types=list(endpoint.event_types),
        is_active=endpoint.is_active,
        created_at=endpoint.created_at,
        secret_rotated_at=endpoint.secret_rotated_at,
        disabled_at=endpoint.disabled_at,
    )


def attempt_out(attempt: Attempt) -> AttemptOut:
    return AttemptOut(
        attempted_at=attempt.attempted_at,
        succeeded=attempt.succeeded,
        status_code=attempt.status_code,
        duration_ms=attempt.duration_ms,
        response_excerpt=attempt.response_excerpt,
        error=attempt.error,
    )


def delivery_out(delivery: Delivery, attempts: list[Attempt]) -> DeliveryOut:
    message = delivery.message
    pending = message is not None and message.status == "pending"
    return DeliveryOut(
        webhook_id=delivery.public_id,
        event_type=delivery.event_type,
        status=queries.status_of(delivery),  # type: ignore[arg-type]
        created_at=delivery.created_at,
        replays=delivery.replays,
        next_attempt_at=message.next_attempt_at if pending and message else None,
        attempts=[attempt_out(a) for a in attempts],
    )


def _endpoint(org: Organization, public_id: str) -> Endpoint:
    endpoint = Endpoint.objects.select_related("org").filter(org=org, public_id=public_id).first()
    if endpoint is None:
        raise not_found()
    return endpoint


def _with_secret(endpoint: Endpoint, secret: str, status: int) -> JsonResponse:
    body = EndpointSecret(endpoint=endpoint_out(endpoint), secret=secret).model_dump(mode="json")
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"  # the only copy of the secret
    return response


@router.get("/orgs/{slug}/webhooks", response={200: list[EndpointOut], 403: Problem, 404: Problem})
def list_endpoints(request: HttpRequest, slug: str) -> list[EndpointOut]:
    org = org_access(request, slug, MANAGE).org
    return [endpoint_out(e) for e in queries.endpoints_of(org)]


@router.post(
    "/orgs/{slug}/webhooks",
    response={201: EndpointSecret, 403: Problem, 404: Problem, 422: Problem},
    summary="Add an endpoint; the answer holds its signing secret, shown this once",
)
def create_endpoint(request: HttpRequest, slug: str, payload: EndpointIn) -> JsonResponse:
    access = org_access(request, slug, MANAGE)
    try:
        endpoint, secret = actions.create_endpoint(
            access.actor,
            access.org,
            url=payload.url,
            event_types=payload.event_types,
            description=payload.description,
        )
    except ValidationError as error:
        raise validation_problem(django_errors(error, {})) from None
    return _with_secret(endpoint, secret, 201)


@router.post(
    "/orgs/{slug}/webhooks/lrs",
    response={201: EndpointOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Add an external LRS that receives an xAPI “achieved” statement for every award",
)
def create_lrs(request: HttpRequest, slug: str, payload: LrsIn) -> JsonResponse:
    access = org_access(request, slug, MANAGE)
    try:
        endpoint = actions.create_lrs(
            access.actor,
            access.org,
            url=payload.url,
            username=payload.username,
            password=payload.password,
            description=payload.description,
        )
    except ValidationError as error:
        raise validation_problem(django_errors(error, {})) from None
    return JsonResponse(endpoint_out(endpoint).model_dump(mode="json"), status=201)


@router.get("/orgs/{slug}/webhooks/{public_id}", response={200: EndpointOut, 403: Problem, 404: Problem})
def get_endpoint(request: HttpRequest, slug: str, public_id: str) -> EndpointOut:
    return endpoint_out(_endpoint(org_access(request, slug, MANAGE).org, public_id))


@router.post(
    "/orgs/{slug}/webhooks/{public_id}/rotate",
    response={200: EndpointSecret, 403: Problem, 404: Problem, 409: Problem},
    summary="A new signing secret; the previous one signs beside it for 24 hours",
)
def rotate_endpoint(request: HttpRequest, slug: str, public_id: str) -> JsonResponse:
    access = org_access(request, slug, MANAGE)
    endpoint = _endpoint(access.org, public_id)
    try:
        secret = actions.rotate_secret(access.actor, endpoint)
    except ValidationError as error:
        raise ApiProblem(409, _("Cannot rotate"), " ".join(error.messages)) from None
    endpoint.refresh_from_db()
    return _with_secret(endpoint, secret, 200)


@router.post(
    "/orgs/{slug}/webhooks/{public_id}/disable",
    response={200: EndpointOut, 403: Problem, 404: Problem},
    summary="Send nothing more to the endpoint, not even deliveries still waiting",
)
def disable_endpoint(request: HttpRequest, slug: str, public_id: str) -> EndpointOut:
    access = org_access(request, slug, MANAGE)
    endpoint = _endpoint(access.org, public_id)
    actions.disable_endpoint(access.actor, endpoint)
    return endpoint_out(endpoint)


@router.get(
    "/orgs/{slug}/webhooks/{public_id}/deliveries",
    response={200: list[DeliveryOut], 403: Problem, 404: Problem},
    summary="The delivery log, newest first, with every attempt",
)
def list_deliveries(
    request: HttpRequest, slug: str, public_id: str, filters: Query[LogFilters]
) -> list[DeliveryOut]:
    endpoint = _endpoint(org_access(request, slug, MANAGE).org, public_id)
    log = Delivery.objects.filter(endpoint=endpoint).select_related("message").order_by("-created_at", "-id")
    if filters.before is not None:
        log = log.filter(created_at__lt=filters.before)
    deliveries = list(log[: filters.limit])
    attempts: dict[int, list[Attempt]] = {d.pk: [] for d in deliveries}
    for attempt in Attempt.objects.filter(delivery__in=deliveries).order_by("attempted_at", "id"):
        attempts[attempt.delivery_id].append(attempt)
    return [delivery_out(d, attempts[d.pk]) for d in deliveries]


@router.post(
    "/orgs/{slug}/webhooks/{public_id}/deliveries/{webhook_id}/replay",
    response={200: DeliveryOut, 403: Problem, 404: Problem, 409: Problem},
    summary="Send one delivery again, with the same webhook-id and body",
)
def replay_delivery(request: HttpRequest, slug: str, public_id: str, webhook_id: str) -> DeliveryOut:
    access = org_access(request, slug, MANAGE)
    endpoint = _endpoint(access.org, public_id)
    delivery = Delivery.objects.filter(endpoint=endpoint, public_id=webhook_id).first()
    if delivery is None:
        raise not_found()
    try:
        delivery = actions.replay_delivery(access.actor, delivery)
    except ValidationError as error:
        raise ApiProblem(409, _("Cannot send again"), " ".join(error.messages)) from None
    return delivery_out(delivery, list(delivery.attempts.order_by("attempted_at", "id")))


@router.post(
    "/orgs/{slug}/webhooks/{public_id}/replay",
    response={200: ReplayOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Send again every delivery made in [since, until)",
)
def replay_range(request: HttpRequest, slug: str, public_id: str, payload: ReplayIn) -> ReplayOut:
    access = org_access(request, slug, MANAGE)
    endpoint = _endpoint(access.org, public_id)
    if not endpoint.is_active:
        raise ApiProblem(
            409, _("Cannot send again"), _("The endpoint is disabled; nothing can be sent to it.")
        )
    try:
        count = actions.replay_range(
            access.actor, endpoint, payload.since, payload.until, failed_only=payload.failed_only
        )
    except ValidationError as error:
        raise validation_problem(django_errors(error, {})) from None
    return ReplayOut(count=count)
