import re
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from pydantic import Field

from laurel.achievements.actions import (
    archive_achievement,
    create_achievement,
    unarchive_achievement,
    update_achievement,
)
from laurel.achievements.forms import VERSION_FIELDS, AchievementInvalid, validate_achievement
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.api.auth import org_access
from laurel.api.errors import not_found, pointer, validation_problem
from laurel.api.idempotency import IdempotencyKey, Outcome, run_once
from laurel.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from laurel.api.schemas import In, Problem, uuid_or_none
from laurel.orgs.models import Organization

router = Router(tags=["achievements"])


class AlignmentIn(In):
    targetName: str = ""
    targetUrl: str = ""
    targetFramework: str = ""
    targetCode: str = ""
    targetType: str = ""
    targetDescription: str = ""


class DesignIn(In):
    shape: str | None = None
    primary: str | None = Field(None, description="#rrggbb")
    secondary: str | None = Field(None, description="#rrggbb")
    icon: str | None = None
    title: str | None = None
    subtitle: str | None = None


class AchievementIn(In):
    """A badge definition. Give a name and a description in at least one language."""

    slug: str = Field("", description="Made from the English name when empty")
    name_ko: str = ""
    name_en: str = ""
    description_ko: str = ""
    description_en: str = ""
    criteria_ko: str = Field("", description="Markdown")
    criteria_en: str = Field("", description="Markdown")
    achievement_type: str = Field("Badge", description="An Open Badges AchievementType, or ext:Name")
    tags: list[str] = []
    skills: list[str] = []
    alignments: list[AlignmentIn] = []
    validity_days: int | None = Field(None, description="Empty: the badge does not expire")
    evidence_required: bool = False
    evidence_description_ko: str = ""
    evidence_description_en: str = ""
    alt_text_ko: str = Field("", description="Image description, needed with a Korean name")
    alt_text_en: str = Field("", description="Image description, needed with an English name")
    design: DesignIn | None = Field(None, description="The generated image; defaults apply")


class AchievementPatch(AchievementIn):
    """Only the fields sent change. Editing an awarded badge creates a new version."""

    archived: bool | None = None


class AchievementOut(Schema):
    public_id: str
    slug: str
    version: int = Field(description="The current version's number; awards keep the version they got")
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    criteria_ko: str
    criteria_en: str
    achievement_type: str
    tags: list[str]
    skills: list[str]
    alignments: list[dict[str, str]]
    validity_days: int | None
    evidence_required: bool
    evidence_description_ko: str
    evidence_description_en: str
    alt_text_ko: str
    alt_text_en: str
    design: dict[str, Any]


class AchievementPage(Schema):
    items: list[AchievementOut]
    next_cursor: str | None


class AchievementFilters(Schema):
    archived: bool | None = Field(None, description="true: only archived; false: only in use; absent: all")
    q: str | None = Field(None, max_length=200, description="Part of the slug or a name")
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def achievement_out(achievement: Achievement, version: AchievementVersion | None = None) -> AchievementOut:
    version = version or achievement.current_version
    assert version is not None  # every achievement is created with its first version
    return AchievementOut(
        public_id=str(achievement.public_id),
        slug=achievement.slug,
        version=version.number,
        archived=achievement.archived_at is not None,
        archived_at=achievement.archived_at,
        created_at=achievement.created_at,
        design=version.design or {},
        **{name: getattr(version, name) for name in VERSION_FIELDS},
    )


def _field_pointer(key: str) -> str:
    """A form error key (alignments[0].targetUrl, design.primary) as a body pointer."""
    if key in ("__all__", "non_field_errors"):
        return ""
    if key in ("image_file", "image_sha256"):
        return "/design"
    return pointer(p for p in re.split(r"[.\[\]]+", key) if p)


def _validated(org: Organization, data: dict[str, Any], achievement: Achievement | None = None) -> Any:
    try:
        return validate_achievement(data, org=org, achievement=achievement)
    except AchievementInvalid as error:
        raise validation_problem(
            [
                {"pointer": _field_pointer(key), "message": str(message)}
                for key, messages in error.message_dict.items()
                for message in messages
            ]
        ) from None


def _current_content(achievement: Achievement) -> dict[str, Any]:
    version = achievement.current_version
    assert version is not None
    return {"slug": achievement.slug, **{name: getattr(version, name) for name in VERSION_FIELDS}}


def _get(org: Organization, public_id: str) -> Achievement:
    found = (
        Achievement.objects.filter(org=org, public_id=uuid_or_none(public_id))
        .select_related("current_version", "current_version__image", "org")
        .first()
    )
    if found is None:
        raise not_found()
    return found


@router.get("/orgs/{slug}/achievements", response={200: AchievementPage, 400: Problem, 404: Problem})
def list_achievements(request: HttpRequest, slug: str, filters: Query[AchievementFilters]) -> AchievementPage:
    org = org_access(request, slug, "view").org
    achievements = Achievement.objects.filter(org=org, current_version__isnull=False).select_related(
        "current_version"
    )
    if filters.archived is not None:
        achievements = achievements.filter(archived_at__isnull=not filters.archived)
    if filters.q:
        q = filters.q.strip()
        achievements = achievements.filter(
            Q(slug__icontains=q)
            | Q(current_version__name_ko__icontains=q)
            | Q(current_version__name_en__icontains=q)
        )
    rows, next_cursor = paginate(achievements, "achievements", filters.cursor, filters.limit)
    return AchievementPage(items=[achievement_out(a) for a in rows], next_cursor=next_cursor)


@router.get("/orgs/{slug}/achievements/{public_id}", response={200: AchievementOut, 404: Problem})
def get_achievement(request: HttpRequest, slug: str, public_id: str) -> AchievementOut:
    org = org_access(request, slug, "view").org
    return achievement_out(_get(org, public_id))


@router.post(
    "/orgs/{slug}/achievements",
    response={201: AchievementOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Define a new achievement (badge)",
)
def post_achievement(
    request: HttpRequest, slug: str, payload: AchievementIn, idempotency_key: IdempotencyKey = None
) -> JsonResponse:
    access = org_access(request, slug, "define")

    def create() -> Outcome:
        data = _validated(access.org, payload.model_dump(exclude_none=True))
        achievement = create_achievement(access.actor, access.org, data)
        return 201, achievement_out(achievement).model_dump(mode="json")

    return run_once(request, access.org, idempotency_key, create)


@router.patch(
    "/orgs/{slug}/achievements/{public_id}",
    response={200: AchievementOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Change an achievement; once awarded, changes make a new version",
)
def patch_achievement(
    request: HttpRequest, slug: str, public_id: str, payload: AchievementPatch
) -> AchievementOut:
    access = org_access(request, slug, "define")
    achievement = _get(access.org, public_id)
    changes = payload.model_dump(exclude_unset=True)
    archived = changes.pop("archived", None)
    if changes.get("design") is not None:
        # Design fields not sent keep their current values, like every other field.
        sent = {key: value for key, value in changes["design"].items() if value is not None}
        changes["design"] = {**(achievement.current_version.design or {}), **sent}  # type: ignore[union-attr]
    if changes:
        data = _validated(access.org, {**_current_content(achievement), **changes}, achievement)
        update_achievement(access.actor, achievement, data)
    if archived is True:
        archive_achievement(access.actor, achievement)
    elif archived is False:
        unarchive_achievement(access.actor, achievement)
    return achievement_out(_get(access.org, str(achievement.public_id)))
