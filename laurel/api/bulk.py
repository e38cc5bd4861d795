"""Many awards in one request: every one of them, or none."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from laurel.achievements.models import Achievement
from laurel.api.auth import org_access
from laurel.api.awards import FIELDS, AwardIn, AwardOut, dump, find_achievements, unknown_achievement
from laurel.api.errors import django_errors, validation_problem
from laurel.api.idempotency import IdempotencyKey, Outcome, run_once
from laurel.api.schemas import In, Problem
from laurel.awards.bulk import Wanted, award_many
from laurel.awards.checks import achievement_errors, clean_award_input, duplicate_message
from laurel.awards.models import Award, local_today
from laurel.core.text import canonical_email
from laurel.orgs.models import Organization

router = Router(tags=["awards"])

MAX_BULK = 1000


class BulkIn(In):
    awards: list[AwardIn] = Field(min_length=1, max_length=MAX_BULK)


class BulkOut(Schema):
    count: int
    awards: list[AwardOut]


@router.post(
    "/orgs/{slug}/awards/bulk",
    response={201: BulkOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Award up to 1000 achievements at once: all of them, or none when any item is invalid",
)
def create_awards(
    request: HttpRequest, slug: str, payload: BulkIn, idempotency_key: IdempotencyKey = None
) -> JsonResponse:
    access = org_access(request, slug, "award")

    def create() -> Outcome:
        achievements = find_achievements(access.org, {item.achievement for item in payload.awards})
        # Input that is wrong on its face is reported before anything is written.
        errors = _precheck(access.org, achievements, payload.awards)
        if errors:
            raise validation_problem(errors)
        wanted = [_wanted(achievements[item.achievement], item) for item in payload.awards]
        with transaction.atomic():
            # What the database refuses now (a student id taken meanwhile) rolls all back.
            outcome = award_many(access.actor, access.org, wanted, source=Award.Source.API)
            for refusal in outcome.refused:
                found = ValidationError({refusal.field: [refusal.message]})
                errors.extend(django_errors(found, FIELDS, f"/awards/{refusal.index}"))
            if errors:
                raise validation_problem(errors)
        return 201, {"count": len(outcome.awards), "awards": [dump(a) for a in outcome.awards]}

    return run_once(request, access.org, idempotency_key, create)


def _wanted(achievement: Achievement, item: AwardIn) -> Wanted:
    data, _errors = clean_award_input(
        email=item.recipient.email,
        name=item.recipient.name,
        student_id=item.recipient.student_id,
        evidence_url=item.evidence_url,
        evidence_narrative=item.evidence_narrative,
        issued_on=item.issued_on or local_today(),
        language=item.recipient.language,
    )
    return Wanted(achievement, data, allow_duplicate=item.allow_duplicate)


def _precheck(
    org: Organization, achievements: dict[uuid.UUID, Achievement], items: list[AwardIn]
) -> list[dict[str, str]]:
    """The award action's own field checks, for every item, without touching the database."""
    today = local_today()
    errors: list[dict[str, str]] = []
    for index, item in enumerate(items):
        prefix = f"/awards/{index}"
        achievement = achievements.get(item.achievement)
        if achievement is None:
            errors.append(unknown_achievement(prefix))
        elif problems := achievement_errors(org, achievement):
            errors.extend({"pointer": f"{prefix}/achievement", "message": str(m)} for m in problems)
        _data, found = clean_award_input(
            email=item.recipient.email,
            name=item.recipient.name,
            student_id=item.recipient.student_id,
            evidence_url=item.evidence_url,
            evidence_narrative=item.evidence_narrative,
            issued_on=item.issued_on or today,
            language=item.recipient.language,
            today=today,
        )
        if found:
            errors.extend(django_errors(ValidationError(found), FIELDS, prefix))
    errors += _duplicates(org, achievements, items)
    return sorted(errors, key=lambda error: int(error["pointer"].split("/")[2]))


def _duplicates(
    org: Organization, achievements: dict[uuid.UUID, Achievement], items: list[AwardIn]
) -> list[dict[str, str]]:
    """Items that would award a badge its recipient already holds, or gets earlier in this request."""
    wanted = {(item.achievement, canonical_email(item.recipient.email)) for item in items}
    held = {
        (a.achievement.public_id, a.recipient.email): a
        for a in Award.objects.filter(
            org=org,
            achievement__public_id__in={pair[0] for pair in wanted},
            recipient__email__in={pair[1] for pair in wanted},
            revoked_at__isnull=True,
        ).select_related("achievement", "recipient")
    }
    errors: list[dict[str, str]] = []
    first_index: dict[tuple[uuid.UUID, str], int] = {}
    for index, item in enumerate(items):
        pair = (item.achievement, canonical_email(item.recipient.email))
        earlier = first_index.setdefault(pair, index)
        if item.allow_duplicate or item.achievement not in achievements:
            continue
        where = f"/awards/{index}/recipient/email"
        if pair in held:
            errors.append({"pointer": where, "message": duplicate_message(held[pair])})
        elif earlier != index:
            message = _("%(email)s already gets this badge at /awards/%(index)s in this request.")
            errors.append({"pointer": where, "message": message % {"email": pair[1], "index": earlier}})
    return errors
