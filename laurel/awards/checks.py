"""Checks shared by the single award form, CSV rows and the actions themselves.

They return messages keyed by field instead of raising, so a CSV preview can
show every problem of every row at once.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from laurel.core.text import canonical_email, canonical_student_id
from laurel.orgs.models import LANGUAGES, Organization, Recipient

LANGUAGE_CODES = {code for code, _label in LANGUAGES}
# The column sizes of Recipient.email/name/student_id and Award.evidence_url.
MAX_EMAIL = 254
MAX_NAME = 200
MAX_STUDENT_ID = 100
MAX_URL = 1000

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class AwardInput:
    email: str
    name: str = ""
    student_id: str = ""
    evidence_url: str = ""
    evidence_narrative: str = ""
    issued_on: datetime.date | None = None
    language: str | None = None


def clean_award_input(
    *,
    email: str,
    name: str = "",
    student_id: str = "",
    evidence_url: str = "",
    evidence_narrative: str = "",
    issued_on: datetime.date | None = None,
    language: str | None = None,
    today: datetime.date | None = None,
    require_name: bool = True,
) -> tuple[AwardInput, Errors]:
    """Canonical values and the messages for whatever is wrong with them."""
    data = AwardInput(
        email=canonical_email(email),
        name=name.strip(),
        student_id=canonical_student_id(student_id),
        evidence_url=evidence_url.strip(),
        evidence_narrative=evidence_narrative.strip(),
        issued_on=issued_on,
        language=language or None,
    )
    errors: Errors = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not data.email:
        add("email", _("Enter the recipient's email address."))
    elif len(data.email) > MAX_EMAIL or not _is_email(data.email):
        add("email", _("“%(value)s” is not a valid email address.") % {"value": data.email})
    if require_name and not data.name:
        add("name", _("Enter the recipient's name."))
    if len(data.name) > MAX_NAME:
        add("name", _("The name is longer than %(limit)s characters.") % {"limit": MAX_NAME})
    if len(data.student_id) > MAX_STUDENT_ID:
        add(
            "student_id", _("The student id is longer than %(limit)s characters.") % {"limit": MAX_STUDENT_ID}
        )
    if data.evidence_url and not _is_web_url(data.evidence_url):
        add("evidence_url", _("The evidence URL must be a complete http:// or https:// address."))
    if data.language is not None and data.language not in LANGUAGE_CODES:
        add("language", _("The language must be “ko” or “en”, not “%(value)s”.") % {"value": data.language})
    if data.issued_on is not None and today is not None and data.issued_on > today:
        add(
            "issued_on",
            _("The issue date %(date)s is in the future; today is %(today)s.")
            % {"date": data.issued_on.isoformat(), "today": today.isoformat()},
        )
    return data, errors


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _is_web_url(value: str) -> bool:
    if len(value) > MAX_URL:
        return False
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def achievement_errors(org: Organization, achievement: Achievement) -> list[str]:
    if achievement.org_id != org.pk:
        return [_("This badge belongs to another organization.")]
    if achievement.archived_at is not None:
        return [_("This badge is archived and can no longer be awarded.")]
    if achievement.current_version_id is None:
        return [_("This badge has no published version yet; finish it before awarding it.")]
    return []


def student_id_conflict(org: Organization, email: str, student_id: str) -> str:
    """Why this student id cannot go with this email, or "" when it can."""
    if not student_id:
        return ""
    other = Recipient.objects.filter(org=org, student_id=student_id).exclude(email=email).first()
    on_file = Recipient.objects.filter(org=org, email=email).exclude(student_id="").first()
    return student_id_clash(
        email, student_id, owner=other.email if other else "", on_file=on_file.student_id if on_file else ""
    )


def student_id_clash(email: str, student_id: str, *, owner: str, on_file: str) -> str:
    """The conflict, given the email that owns the student id and the id on file for the email."""
    if not student_id:
        return ""
    if owner and owner != email:
        return _("Student id %(student_id)s already belongs to another recipient, %(email)s.") % {
            "student_id": student_id,
            "email": owner,
        }
    if on_file and on_file != student_id:
        return _("%(email)s is on file with student id %(student_id)s.") % {
            "email": email,
            "student_id": on_file,
        }
    return ""


def duplicate_message(existing: Award) -> str:
    return holder_message(existing.recipient.email, existing.issued_on)


def holder_message(email: str, issued_on: datetime.date) -> str:
    return _("%(email)s already holds this badge (awarded %(date)s).") % {
        "email": email,
        "date": date_format(issued_on, "Y-m-d"),
    }
