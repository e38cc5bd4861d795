from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from pydantic import Field

from laurel.api.auth import org_access
from laurel.api.errors import django_errors, not_found, validation_problem
from laurel.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from laurel.api.schemas import Language, Problem, RecipientIn, uuid_or_none
from laurel.awards.actions import get_or_create_recipient
from laurel.core.text import canonical_email, canonical_student_id
from laurel.orgs.models import Recipient

router = Router(tags=["recipients"])


class RecipientOut(Schema):
    public_id: str
    email: str
    name: str
    student_id: str
    language: Language
    has_account: bool
    created_at: datetime


class RecipientPage(Schema):
    items: list[RecipientOut]
    next_cursor: str | None


class RecipientFilters(Schema):
    email: str | None = None
    student_id: str | None = None
    q: str | None = Field(None, max_length=200, description="Part of a name, email address or student id")
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def recipient_out(recipient: Recipient) -> RecipientOut:
    return RecipientOut(
        public_id=str(recipient.public_id),
        email=recipient.email,
        name=recipient.name,
        student_id=recipient.student_id,
        language=recipient.language,  # type: ignore[arg-type]
        has_account=recipient.user_id is not None,
        created_at=recipient.created_at,
    )


@router.get("/orgs/{slug}/recipients", response={200: RecipientPage, 400: Problem, 404: Problem})
def list_recipients(request: HttpRequest, slug: str, filters: Query[RecipientFilters]) -> RecipientPage:
    org = org_access(request, slug, "view").org
    recipients = Recipient.objects.filter(org=org)
    if filters.email:
        recipients = recipients.filter(email=canonical_email(filters.email))
    if filters.student_id:
        recipients = recipients.filter(student_id=canonical_student_id(filters.student_id))
    if filters.q:
        q = filters.q.strip()
        recipients = recipients.filter(
            Q(name__icontains=q) | Q(email__icontains=q) | Q(student_id__icontains=q)
        )
    rows, next_cursor = paginate(recipients, "recipients", filters.cursor, filters.limit)
    return RecipientPage(items=[recipient_out(r) for r in rows], next_cursor=next_cursor)


@router.get("/orgs/{slug}/recipients/{public_id}", response={200: RecipientOut, 404: Problem})
def get_recipient(request: HttpRequest, slug: str, public_id: str) -> RecipientOut:
    org = org_access(request, slug, "view").org
    recipient = Recipient.objects.filter(org=org, public_id=uuid_or_none(public_id)).first()
    if recipient is None:
        raise not_found()
    return recipient_out(recipient)


@router.post(
    "/orgs/{slug}/recipients",
    response={200: RecipientOut, 201: RecipientOut, 404: Problem, 422: Problem},
    summary="Find the recipient with this email, creating or completing it (200 found, 201 created)",
)
def put_recipient(request: HttpRequest, slug: str, payload: RecipientIn) -> JsonResponse:
    access = org_access(request, slug, "award")
    existed = Recipient.objects.filter(org=access.org, email=canonical_email(payload.email)).exists()
    try:
        recipient = get_or_create_recipient(
            access.actor,
            access.org,
            email=payload.email,
            name=payload.name,
            student_id=payload.student_id,
            language=payload.language,
        )
    except ValidationError as error:
        raise validation_problem(django_errors(error, {})) from None
    return JsonResponse(
        recipient_out(recipient).model_dump(mode="json"),
        status=200 if existed else 201,
        json_dumps_params={"ensure_ascii": False},
    )
