"""Moodle grade export, plain text file (Grades → Export → Plain text file).

Header: the chosen profile fields ("First name", "Last name", "ID number", "Institution",
"Department", "Email address"), maybe "Suspended", then per grade item "<Module>: <item> (Real)",
"(Percentage)" or "(Letter)" columns and "(Feedback)" columns, "Course total (Real)", and last
"Last downloaded from this course". An item without a grade shows "-". The file is named
"<course short name> Grades.csv".
"""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.core.csvio import CsvError
from laurel.ingest.csvimport.common import Options, Parsed, Row, clean_text, parse_number
from laurel.ingest.csvimport.keys import event_key
from laurel.ingest.csvimport.table import RawRow, RawTable, cell
from laurel.ingest.facts import FactInput, Identity

FORMAT = "moodle_grades"
_COLUMN = re.compile(r"^(?P<item>.+\S)\s*\((?P<kind>Real|Percentage|Letter|Feedback)\)$")
_FILENAME = re.compile(r"^(?P<course>.+) Grades\.(?:csv|txt)$", re.IGNORECASE)
EXPORTED = "Last downloaded from this course"
# Moodle's English date, as userdate() writes it: "Sunday, 10 March 2024, 9:00 AM".
_EXPORTED_FORMAT = "%A, %d %B %Y, %I:%M %p"
PERCENT = Decimal(100)


def detect(table: RawTable) -> bool:
    graded = any(_COLUMN.match(title) for title in table.header)
    return graded and (table.has("Email address") or table.has("ID number"))


def _items(table: RawTable) -> dict[str, tuple[int, bool]]:
    """Grade item → (column, is a percentage), preferring the real value to a percentage."""
    items: dict[str, tuple[int, bool]] = {}
    for at, title in enumerate(table.header):
        match = _COLUMN.match(title)
        if not match or match["kind"] in ("Letter", "Feedback"):
            continue
        percentage = match["kind"] == "Percentage"
        if match["item"] not in items or items[match["item"]][1]:
            items[match["item"]] = (at, percentage)
    return items


def _exported_at(table: RawTable, row: RawRow, options: Options) -> datetime.datetime | None:
    text = cell(row, table.index(EXPORTED))
    try:
        return datetime.datetime.strptime(text, _EXPORTED_FORMAT).replace(tzinfo=options.tz)
    except ValueError:
        return None


def parse(table: RawTable, options: Options) -> Parsed:
    match = _FILENAME.match(options.filename.rsplit("/", 1)[-1])
    course = options.course or (match["course"] if match else "")
    if not course:
        raise CsvError(_("Say which course these grades are for: the file name does not tell."))
    items = _items(table)
    if not items:
        raise CsvError(_("The export has no grade columns such as “Quiz: Week 1 (Real)”."))
    parsed = Parsed(format=FORMAT, rows=[])
    for raw in table.rows:
        when = options.occurred_at or _exported_at(table, raw, options) or timezone.now()
        parsed.rows.append(_student_row(table, raw, course, when, items))
    return parsed


def _student_row(
    table: RawTable, raw: RawRow, course: str, when: datetime.datetime, items: dict[str, tuple[int, bool]]
) -> Row:
    name = " ".join(
        part
        for part in (
            clean_text(cell(raw, table.index("First name"))),
            clean_text(cell(raw, table.index("Last name", "Surname"))),
        )
        if part
    )
    email = cell(raw, table.index("Email address"))
    number = cell(raw, table.index("ID number"))
    identity = (
        Identity("email", email, name) if email else Identity("student_id", number, name) if number else None
    )
    row = Row(line=raw.line, who=email or number or name)
    if identity is None:
        row.errors.append(_("The row has neither an email address nor an ID number."))
        return row
    for item, (at, percentage) in items.items():
        text = cell(raw, at)
        if text in ("", "-"):
            continue
        try:
            value = parse_number(text)
        except ValueError:
            row.notes.append(_("%(name)s: “%(value)s” is not a number") % {"name": item, "value": text})
            continue
        row.facts.append(
            FactInput(
                event_key=event_key("moodle", course, identity.value, item),
                type="quiz" if item.startswith("Quiz:") else "grade",
                actor=identity,
                object_id=f"moodle:{item}",
                object_name=item,
                course=course,
                value=value,
                max_value=PERCENT if percentage else None,
                occurred_at=when,
            )
        )
    return row
