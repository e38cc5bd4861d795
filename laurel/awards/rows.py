"""The rows of a CSV bulk award: their columns, and every check a row must pass.

`validate` looks at all rows together (duplicates within the file, student
ids used twice) and at the database as it is now, so it runs on upload for
the preview and again on confirm.
"""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from laurel.achievements.models import Achievement
from laurel.awards.checks import AwardInput, Errors, clean_award_input
from laurel.awards.models import Award, local_today
from laurel.core.csvio import Column, looks_like_formula
from laurel.core.text import canonical_email, canonical_student_id
from laurel.orgs.models import Organization, Recipient

COLUMNS = (
    Column("email", ("이메일", "e-mail", "메일", "email address", "이메일 주소"), required=True),
    Column("name", ("이름", "성명", "full name"), required=True),
    Column("student_id", ("학번", "student id", "student number")),
    Column("language", ("언어", "lang")),
    Column("evidence_url", ("증빙URL", "증빙 주소", "evidence")),
    Column("evidence_narrative", ("증빙설명", "증빙 내용", "narrative")),
    Column("issued_on", ("발급일", "issue date", "issued", "date")),
)
# Where a spreadsheet formula could hide; emails and dates fail their own checks.
FORMULA_CHECKED = ("name", "student_id", "evidence_url", "evidence_narrative")
DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d")
LANGUAGE_ALIASES = {
    "ko": "ko",
    "kr": "ko",
    "kor": "ko",
    "korean": "ko",
    "한국어": "ko",
    "한글": "ko",
    "en": "en",
    "eng": "en",
    "english": "en",
    "영어": "en",
}


def parse_date(value: str) -> datetime.date | None:
    """The date in YYYY-MM-DD (dots and slashes also accepted); None when empty."""
    value = value.strip()
    if not value:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def parse_language(value: str) -> str | None:
    value = value.strip().lower()
    if not value:
        return None
    try:
        return LANGUAGE_ALIASES[value]
    except KeyError:
        raise ValueError(value) from None


def _chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _on_file(
    org: Organization, emails: list[str], student_ids: list[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Student id by email, and email by student id, for recipients this file mentions."""
    by_email: dict[str, str] = {}
    by_student_id: dict[str, str] = {}
    for chunk in _chunks(emails):
        by_email.update(Recipient.objects.filter(org=org, email__in=chunk).values_list("email", "student_id"))
    for chunk in _chunks(student_ids):
        pairs = Recipient.objects.filter(org=org, student_id__in=chunk).values_list("student_id", "email")
        by_student_id.update(pairs)
    return by_email, by_student_id


def validate(
    org: Organization, achievement: Achievement, rows: Iterable[dict[str, Any]], *, allow_duplicates: bool
) -> list[dict[str, Any]]:
    """The rows again, each with `errors` recomputed: {column: [message, ...]}."""
    rows = list(rows)
    today = local_today()
    emails = sorted({canonical_email(r["values"].get("email", "")) for r in rows} - {""})
    student_ids = sorted({canonical_student_id(r["values"].get("student_id", "")) for r in rows} - {""})
    by_email, by_student_id = _on_file(org, emails, student_ids)
    holders = dict(
        Award.objects.filter(org=org, achievement=achievement, revoked_at__isnull=True)
        .order_by("-issued_on")
        .values_list("recipient__email", "issued_on")
    )
    first_line_by_email: dict[str, int] = {}
    first_by_student_id: dict[str, tuple[int, str]] = {}
    checked = []
    for row in rows:
        line, values = row["line"], row["values"]
        errors = _row_errors(line, values, today)
        email = canonical_email(values.get("email", ""))
        student_id = canonical_student_id(values.get("student_id", ""))
        if "email" not in errors:
            if email in first_line_by_email:
                _add(
                    errors,
                    "email",
                    _("This email is also on row %(line)s.") % {"line": first_line_by_email[email]},
                )
            else:
                first_line_by_email[email] = line
            if email in holders and not allow_duplicates:
                _add(
                    errors,
                    "email",
                    _("%(email)s already holds this badge (awarded %(date)s).")
                    % {"email": email, "date": holders[email].isoformat()},
                )
        if student_id and "student_id" not in errors:
            message = _student_id_clash(email, student_id, by_email, by_student_id, first_by_student_id)
            if message:
                _add(errors, "student_id", message)
            first_by_student_id.setdefault(student_id, (line, email))
        checked.append({"line": line, "values": values, "errors": errors})
    return checked


def _row_errors(line: int, values: dict[str, str], today: datetime.date) -> Errors:
    return row_input(line, values, today)[1]


def row_input(line: int, values: dict[str, str], today: datetime.date) -> tuple[AwardInput, Errors]:
    """The row's award in canonical form, and what is wrong with the row on its own."""
    errors: Errors = {}
    for column in FORMULA_CHECKED:
        if looks_like_formula(values.get(column, "")):
            _add(
                errors,
                column,
                _(
                    "Row %(line)s, column %(column)s: the value starts with =, +, -, @, a tab or a line "
                    "break, which a spreadsheet would run as a formula. Remove that first character."
                )
                % {"line": line, "column": column},
            )
    try:
        issued_on = parse_date(values.get("issued_on", "")) or today
    except ValueError:
        _add(
            errors,
            "issued_on",
            _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": values["issued_on"]},
        )
        issued_on = today
    try:
        language = parse_language(values.get("language", ""))
    except ValueError:
        _add(
            errors,
            "language",
            _("The language must be “ko” or “en”, not “%(value)s”.") % {"value": values["language"]},
        )
        language = None
    data, found = clean_award_input(
        email=values.get("email", ""),
        name=values.get("name", ""),
        student_id=values.get("student_id", ""),
        evidence_url=values.get("evidence_url", ""),
        evidence_narrative=values.get("evidence_narrative", ""),
        issued_on=issued_on,
        language=language,
        today=today,
    )
    for column, messages in found.items():
        if column not in errors:
            errors[column] = messages
    return data, errors


def _student_id_clash(
    email: str,
    student_id: str,
    by_email: dict[str, str],
    by_student_id: dict[str, str],
    first_by_student_id: dict[str, tuple[int, str]],
) -> str:
    owner = by_student_id.get(student_id)
    if owner is not None and owner != email:
        return _("Student id %(student_id)s already belongs to another recipient, %(email)s.") % {
            "student_id": student_id,
            "email": owner,
        }
    on_file = by_email.get(email, "")
    if on_file and on_file != student_id:
        return _("%(email)s is on file with student id %(student_id)s.") % {
            "email": email,
            "student_id": on_file,
        }
    first = first_by_student_id.get(student_id)
    if first is not None and first[1] != email:
        return _("Row %(line)s gives this student id to %(email)s.") % {"line": first[0], "email": first[1]}
    return ""


def _add(errors: Errors, column: str, message: str) -> None:
    errors.setdefault(column, []).append(message)
