import uuid
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from laurel.achievements.models import Achievement
from laurel.api.auth import Access, org_access
from laurel.api.errors import ApiProblem, django_errors, not_found, validation_problem
from laurel.api.idempotency import IdempotencyKey, Outcome, run_once
from laurel.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from laurel.api.schemas import In, Problem, RecipientIn
from laurel.awards.actions import DuplicateAward
from laurel.awards.actions import award as award_action
from laurel.awards.models import Award
from laurel.awards.queries import filter_awards
from laurel.core.problems import PROBLEM_TYPE_BASE
from laurel.core.text import canonical_email
from laurel.credentials import actions as status_actions
from laurel.credentials.status import MAX_REASON
from laurel.orgs.models import Organization

router = Router(tags=["awards"])

# Where the award action's field names live in the request body.
FIELDS = {
    "email": "/recipient/email",
    "name": "/recipient/name",
    "student_id": "/recipient/student_id",
    "language": "/recipient/language",
}


class AwardIn(In):
    achievement: uuid.UUID = Field(description="The achievement's public id")
    recipient: RecipientIn
    evidence_url: str = Field("", max_length=1000)
    evidence_narrative: str = Field("", max_length=20000)
    issued_on: date | None = Field(None, description="Defaults to today; never in the future")
    allow_duplicate: bool = False


class AchievementRef(Schema):
    public_id: str
    slug: str
    version: int
    name_ko: str
    name_en: str


class RecipientRef(Schema):
    public_id: str
    email: str
    name: str
    student_id: str


class AwardOut(Schema):
    public_id: str
    url: str = Field(description="The award's public page")
    status: Literal["active", "expired", "revoked"]
    achievement: AchievementRef
    recipient: RecipientRef
    issued_on: date
    expires_on: date | None
    evidence_url: str
    evidence_narrative: str
    source: str
    created_at: datetime
    revoked_at: datetime | None
    revocation_reason: str


class AwardPage(Schema):
    items: list[AwardOut]
    next_cursor: str | None


class AwardFilters(Schema):
    achievement: uuid.UUID | None = Field(None, description="An achievement's public id")
    recipient_email: str | None = None
    source: Literal["manual", "bulk", "api", "demo"] | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    status: Literal["active", "revoked", "expired"] | None = None
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def award_out(a: Award) -> AwardOut:
    return AwardOut(
        public_id=a.public_id,
        url=a.public_url,
        status=a.status,  # type: ignore[arg-type]
        achievement=AchievementRef(
            public_id=str(a.achievement.public_id),
            slug=a.achievement.slug,
            version=a.version.number,
            name_ko=a.version.name_ko,
            name_en=a.version.name_en,
        ),
        recipient=RecipientRef(
            public_id=str(a.recipient.public_id),
            email=a.recipient.email,
            name=a.recipient.name,
            student_id=a.recipient.student_id,
        ),
        issued_on=a.issued_on,
        expires_on=a.expires_on,
        evidence_url=a.evidence_url,
        evidence_narrative=a.evidence_narrative,
        source=a.source,
        created_at=a.created_at,
        revoked_at=a.revoked_at,
        revocation_reason=a.revocation_reason,
    )


def find_achievements(org: Organization, public_ids: set[uuid.UUID]) -> dict[uuid.UUID, Achievement]:
    found = Achievement.objects.filter(org=org, public_id__in=public_ids).select_related("current_version")
    return {a.public_id: a for a in found}


def unknown_achievement(prefix: str = "") -> dict[str, str]:
    return {
        "pointer": f"{prefix}/achievement",
        "message": _("This organization has no achievement with this id."),
    }


def award_via_api(access: Access, achievement: Achievement, item: AwardIn) -> Award:
    return award_action(
        access.actor,
        access.org,
        achievement,
        email=item.recipient.email,
        name=item.recipient.name,
        student_id=item.recipient.student_id,
        language=item.recipient.language,
        evidence_url=item.evidence_url,
        evidence_narrative=item.evidence_narrative,
        issued_on=item.issued_on,
        allow_duplicate=item.allow_duplicate,
        source=Award.Source.API,
    )


def dump(a: Award) -> dict[str, Any]:
    return award_out(a).model_dump(mode="json")


@router.post(
    "/orgs/{slug}/awards",
    response={201: AwardOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Award an achievement to one person",
)
def create_award(
    request: HttpRequest, slug: str, payload: AwardIn, idempotency_key: IdempotencyKey = None
) -> JsonResponse:
    access = org_access(request, slug, "award")

    def create() -> Outcome:
        achievement = find_achievements(access.org, {payload.achievement}).get(payload.achievement)
        if achievement is None:
            raise validation_problem([unknown_achievement()])
        try:
            return 201, dump(award_via_api(access, achievement, payload))
        except DuplicateAward as duplicate:
            raise ApiProblem(
                409,
                _("Already awarded"),
                duplicate.messages[0],
                type=PROBLEM_TYPE_BASE + "duplicate-award",
                existing_award=duplicate.existing.public_id,
                errors=django_errors(duplicate, FIELDS),
            ) from None
        except ValidationError as error:
            raise validation_problem(django_errors(error, FIELDS)) from None

    return run_once(request, access.org, idempotency_key, create)


@router.get("/orgs/{slug}/awards", response={200: AwardPage, 400: Problem, 404: Problem, 422: Problem})
def list_awards(request: HttpRequest, slug: str, filters: Query[AwardFilters]) -> AwardPage:
    org = org_access(request, slug, "view").org
    awards = Award.objects.filter(org=org).select_related("org", "recipient", "version", "achievement")
    if filters.achievement:
        awards = awards.filter(achievement__public_id=filters.achievement)
    if filters.recipient_email:
        awards = awards.filter(recipient__email=canonical_email(filters.recipient_email))
    awards = filter_awards(
        awards,
        {
            "source": filters.source,
            "date_from": filters.issued_from,
            "date_to": filters.issued_to,
            "status": filters.status,
        },
    )
    rows, next_cursor = paginate(awards, "awards", filters.cursor, filters.limit)
    return AwardPage(items=[award_out(a) for a in rows], next_cursor=next_cursor)


@router.get("/orgs/{slug}/awards/{public_id}", response={200: AwardOut, 404: Problem})
def get_award(request: HttpRequest, slug: str, public_id: str) -> AwardOut:
    org = org_access(request, slug, "view").org
    found = (
        Award.objects.filter(org=org, public_id=public_id)
        .select_related("org", "recipient", "version", "achievement")
        .first()
    )
    if found is None:
        raise not_found()
    return award_out(found)


class StatusChangeIn(In):
    reason: str = Field(
        "", max_length=MAX_REASON, description="Shown publicly on the award's page; not needed to reinstate"
    )


class StatusOut(Schema):
    public_id: str
    status: Literal["active", "expired", "revoked", "suspended"]
    reason: str = Field(description="The public reason for a revocation or suspension")
    since: datetime | None = Field(description="When it was revoked or suspended")


def _status_change(request: HttpRequest, slug: str, public_id: str, action: str, reason: str) -> StatusOut:
    access = org_access(request, slug, "award")
    found = Award.objects.filter(org=access.org, public_id=public_id).first()
    if found is None:
        raise not_found()
    try:
        if action == "revoke":
            status_actions.revoke(access.actor, found, reason)
        elif action == "suspend":
            status_actions.suspend(access.actor, found, reason)
        else:
            status_actions.reinstate(access.actor, found)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise validation_problem(django_errors(error, {"reason": "/reason"})) from None
        raise ApiProblem(
            409, _("Conflict"), error.messages[0], type=PROBLEM_TYPE_BASE + "award-status"
        ) from None
    state = status_actions.public_status(Award.objects.get(pk=found.pk))
    return StatusOut(public_id=found.public_id, **state)


_STATUS_RESPONSES = {200: StatusOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


@router.post(
    "/orgs/{slug}/awards/{public_id}/revoke",
    response=_STATUS_RESPONSES,
    summary="Revoke an award for good (idempotent); the reason is shown publicly",
)
def revoke_award(request: HttpRequest, slug: str, public_id: str, payload: StatusChangeIn) -> StatusOut:
    return _status_change(request, slug, public_id, "revoke", payload.reason)


@router.post(
    "/orgs/{slug}/awards/{public_id}/suspend",
    response=_STATUS_RESPONSES,
    summary="Suspend an award until it is reinstated (idempotent)",
)
def suspend_award(request: HttpRequest, slug: str, public_id: str, payload: StatusChangeIn) -> StatusOut:
    return _status_change(request, slug, public_id, "suspend", payload.reason)


@router.post(
    "/orgs/{slug}/awards/{public_id}/reinstate",
    response=_STATUS_RESPONSES,
    summary="Lift an award's suspension (idempotent); a revoked award cannot be reinstated",
)
def reinstate_award(request: HttpRequest, slug: str, public_id: str, payload: StatusChangeIn) -> StatusOut:
    return _status_change(request, slug, public_id, "reinstate", payload.reason)
