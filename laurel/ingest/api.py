"""Sources and facts in the JSON API: list and create sources, rotate or deactivate them, read facts.

Credentials appear once, in the answer that creates or rotates them.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from laurel.api.auth import org_access
from laurel.api.errors import ApiProblem, django_errors, not_found, validation_problem
from laurel.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, encode_cursor
from laurel.api.schemas import In, Problem, uuid_or_none
from laurel.ingest import sources as actions
from laurel.ingest.facts import current_facts
from laurel.ingest.models import Fact, Source
from laurel.orgs.models import Organization, Recipient

router = Router(tags=["sources"])

Kind = Literal["xapi", "caliper", "webhook", "lti", "csv"]
FactType = Literal["attendance", "submission", "grade", "completion", "quiz", "mission", "badge", "approval"]
VIEW = "award"  # seeing sources and learners' facts
MANAGE = "manage_org"  # creating sources and handling their credentials


class SourceIn(In):
    kind: Kind
    name: str = Field("", max_length=200, description="Defaults to the kind's name")


class SourceOut(Schema):
    public_id: str
    kind: Kind
    name: str
    is_active: bool
    key: str | None = Field(description="The public part of the credentials: xAPI username, token prefix")
    endpoint: str
    created_at: datetime
    last_seen_at: datetime | None
    deactivated_at: datetime | None


class SourceCredentials(Schema):
    source: SourceOut
    credentials: dict[str, str] = Field(description="Shown this once: endpoint and secrets as `key: value`")


class LearnerOut(Schema):
    kind: str
    value: str
    name: str
    recipient: str | None = Field(description="The recipient's public id; null while parked")


class FactOut(Schema):
    id: int
    source: str
    event_key: str
    type: FactType
    learner: LearnerOut
    object_id: str
    object_name: str
    course: str
    value: str | None = Field(description="A decimal, as text so that no digit is lost")
    max_value: str | None
    status: str
    occurred_at: datetime
    received_at: datetime
    voided_at: datetime | None


class FactPage(Schema):
    items: list[FactOut]
    next_cursor: str | None


class FactFilters(Schema):
    type: FactType | None = None
    course: str | None = Field(None, max_length=500)
    recipient: str | None = Field(None, description="A recipient's public id")
    parked: bool | None = Field(None, description="Only facts of people nobody has linked yet")
    include_voided: bool = False
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class CurrentFilters(Schema):
    type: list[FactType] | None = None
    course: str | None = Field(None, max_length=500)


def decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def source_out(source: Source) -> SourceOut:
    return SourceOut(
        public_id=source.public_id,
        kind=source.kind,  # type: ignore[arg-type]
        name=source.name,
        is_active=source.is_active,
        key=source.key,
        endpoint=actions.endpoint(source),
        created_at=source.created_at,
        last_seen_at=source.last_seen_at,
        deactivated_at=source.deactivated_at,
    )


def fact_out(fact: Fact) -> FactOut:
    identity = fact.identity
    return FactOut(
        id=fact.pk,
        source=fact.source.public_id,
        event_key=fact.event_key,
        type=fact.type,  # type: ignore[arg-type]
        learner=LearnerOut(
            kind=identity.kind,
            value=identity.value,
            name=identity.name,
            recipient=str(fact.recipient.public_id) if fact.recipient else None,
        ),
        object_id=fact.object_id,
        object_name=fact.object_name,
        course=fact.course,
        value=decimal_text(fact.value),
        max_value=decimal_text(fact.max_value),
        status=fact.status,
        occurred_at=fact.occurred_at,
        received_at=fact.received_at,
        voided_at=fact.voided_at,
    )


def _source(org: Organization, public_id: str) -> Source:
    source = Source.objects.select_related("org").filter(org=org, public_id=public_id).first()
    if source is None:
        raise not_found()
    return source


def _created(source: Source, lines: dict[str, str], status: int) -> JsonResponse:
    body = SourceCredentials(source=source_out(source), credentials=lines).model_dump(mode="json")
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"  # the only copy of the secret
    return response


@router.get("/orgs/{slug}/sources", response={200: list[SourceOut], 404: Problem})
def list_sources(request: HttpRequest, slug: str) -> list[SourceOut]:
    org = org_access(request, slug, VIEW).org
    return [source_out(source) for source in actions.sources_of(org)]


@router.post(
    "/orgs/{slug}/sources",
    response={201: SourceCredentials, 403: Problem, 404: Problem, 422: Problem},
    summary="Create a source; the answer holds its credentials, shown this once",
)
def create_source(request: HttpRequest, slug: str, payload: SourceIn) -> JsonResponse:
    access = org_access(request, slug, MANAGE)
    try:
        source, lines = actions.create_source(access.actor, access.org, payload.kind, payload.name)
    except ValidationError as error:
        raise validation_problem(django_errors(error, {})) from None
    return _created(source, lines, 201)


@router.get("/orgs/{slug}/sources/{public_id}", response={200: SourceOut, 404: Problem})
def get_source(request: HttpRequest, slug: str, public_id: str) -> SourceOut:
    return source_out(_source(org_access(request, slug, VIEW).org, public_id))


@router.post(
    "/orgs/{slug}/sources/{public_id}/rotate",
    response={200: SourceCredentials, 403: Problem, 404: Problem, 409: Problem},
    summary="New credentials for the source; the old ones stop working at once",
)
def rotate_source(request: HttpRequest, slug: str, public_id: str) -> JsonResponse:
    access = org_access(request, slug, MANAGE)
    source = _source(access.org, public_id)
    try:
        lines = actions.rotate_secret(access.actor, source)
    except ValidationError as error:
        raise ApiProblem(409, _("Cannot rotate"), " ".join(error.messages)) from None
    return _created(source, lines, 200)


@router.post(
    "/orgs/{slug}/sources/{public_id}/deactivate",
    response={200: SourceOut, 403: Problem, 404: Problem},
    summary="Refuse the source's deliveries from now on; its facts stay",
)
def deactivate_source(request: HttpRequest, slug: str, public_id: str) -> SourceOut:
    access = org_access(request, slug, MANAGE)
    source = _source(access.org, public_id)
    actions.deactivate_source(access.actor, source)
    return source_out(source)


def _facts_page(facts: QuerySet[Fact], filters: FactFilters) -> FactPage:
    facts = facts.select_related("source", "identity", "recipient").order_by("-id")
    if filters.cursor:
        _when, last_id = decode_cursor("facts", filters.cursor)
        facts = facts.filter(id__lt=int(last_id))
    rows = list(facts[: filters.limit + 1])
    next_cursor = None
    if len(rows) > filters.limit:
        rows = rows[: filters.limit]
        next_cursor = encode_cursor("facts", rows[-1].received_at, rows[-1].pk)
    return FactPage(items=[fact_out(f) for f in rows], next_cursor=next_cursor)


def _filtered(org: Organization, filters: FactFilters) -> QuerySet[Fact]:
    facts = Fact.objects.filter(org=org)
    if filters.type:
        facts = facts.filter(type=filters.type)
    if filters.course is not None:
        facts = facts.filter(course=filters.course)
    if filters.recipient:
        facts = facts.filter(recipient__public_id=uuid_or_none(filters.recipient))
    if filters.parked is not None:
        facts = facts.filter(recipient__isnull=filters.parked)
    if not filters.include_voided:
        facts = facts.filter(voided_at=None)
    return facts


@router.get("/orgs/{slug}/sources/{public_id}/facts", response={200: FactPage, 400: Problem, 404: Problem})
def source_facts(request: HttpRequest, slug: str, public_id: str, filters: Query[FactFilters]) -> FactPage:
    org = org_access(request, slug, VIEW).org
    source = _source(org, public_id)
    return _facts_page(_filtered(org, filters).filter(source=source), filters)


@router.get("/orgs/{slug}/facts", response={200: FactPage, 400: Problem, 404: Problem})
def org_facts(request: HttpRequest, slug: str, filters: Query[FactFilters]) -> FactPage:
    org = org_access(request, slug, VIEW).org
    return _facts_page(_filtered(org, filters), filters)


@router.get(
    "/orgs/{slug}/recipients/{public_id}/current-facts",
    response={200: list[FactOut], 404: Problem},
    summary="The latest fact per type, course and object for one learner, as criteria see them",
)
def recipient_current_facts(
    request: HttpRequest, slug: str, public_id: str, filters: Query[CurrentFilters]
) -> list[FactOut]:
    org = org_access(request, slug, VIEW).org
    recipient = Recipient.objects.filter(org=org, public_id=uuid_or_none(public_id)).first()
    if recipient is None:
        raise not_found()
    facts = current_facts(recipient, types=filters.type, course=filters.course)
    loaded = Fact.objects.select_related("source", "identity", "recipient").in_bulk([f.pk for f in facts])
    return [fact_out(loaded[f.pk]) for f in facts]
