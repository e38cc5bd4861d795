"""Canvas gradebook export (Grades → Export): one row per student, one column per assignment.

Header: Student (or LastName, FirstName), ID, SIS User ID, SIS Login ID, [Integration ID],
[Root Account], Section, custom columns, then each assignment as "Title (assignment id)", then
totals ("Current Score", "Final Score", group totals). A row of posting policies may come first,
then "Points Possible"; scores are numbers, "EX" (excused), "N/A" (not assigned) or empty.
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

FORMAT = "canvas_gradebook"
_ASSIGNMENT = re.compile(r"^(?P<name>.*\S)\s*\((?P<id>\d+)\)$")
_FILENAME = re.compile(r"^(?:(?P<when>\d{4}-\d{2}-\d{2}T\d{4})_)?Grades-(?P<course>.+)\.csv$", re.IGNORECASE)
# Course totals worth keeping; group totals and unposted scores are left out.
TOTALS = ("Current Score", "Final Score")
TEST_STUDENT = "Student, Test"
PERCENT = Decimal(100)  # the totals are percentages


def detect(table: RawTable) -> bool:
    named = table.has("Student") or table.has("LastName", "FirstName")
    return named and table.has("ID", "SIS Login ID", "Section")


def _from_filename(options: Options) -> tuple[str, datetime.datetime | None]:
    match = _FILENAME.match(options.filename.rsplit("/", 1)[-1])
    if not match:
        return "", None
    when = None
    if match["when"]:
        when = datetime.datetime.strptime(match["when"], "%Y-%m-%dT%H%M").replace(tzinfo=options.tz)
    return match["course"], when


def _identity(table: RawTable, row: RawRow) -> tuple[Identity | None, str]:
    name_at = table.index("Student")
    if name_at is not None:
        name = clean_text(cell(row, name_at))
    else:
        name = " ".join(
            [clean_text(cell(row, table.index("FirstName"))), clean_text(cell(row, table.index("LastName")))]
        )
    sis_id = cell(row, table.index("SIS User ID"))
    login = cell(row, table.index("SIS Login ID"))
    canvas_id = cell(row, table.index("ID"))
    if sis_id:
        return Identity("student_id", sis_id, name), sis_id
    if "@" in login:
        return Identity("email", login, name), login
    if canvas_id:
        return Identity("account", f"canvas|{canvas_id}", name), name or canvas_id
    return None, name


def parse(table: RawTable, options: Options) -> Parsed:
    file_course, file_time = _from_filename(options)
    course = options.course or file_course
    if not course:
        raise CsvError(_("Say which course this gradebook is for: Canvas does not write it in the file."))
    when = options.occurred_at or file_time or timezone.now()
    columns = [
        (at, m["name"], m["id"]) for at, title in enumerate(table.header) if (m := _ASSIGNMENT.match(title))
    ]
    totals = [(at, title) for title in TOTALS if (at := table.index(title)) is not None]
    if not columns and not totals:
        raise CsvError(_("The gradebook has no assignment columns, such as “Quiz 1 (12345)”."))
    parsed = Parsed(format=FORMAT, rows=[])
    maxima: dict[int, str] = {}
    id_at = table.index("ID")
    for row in table.rows:
        first = row.cells[0].strip() if row.cells else ""
        if first == "Points Possible":
            maxima = {at: cell(row, at) for at, _name, _id in columns}
            continue
        if not cell(row, id_at) and not first:
            continue  # the row of posting policies
        if first == TEST_STUDENT:
            parsed.warnings.append(_("The test student (line %(line)s) was left out.") % {"line": row.line})
            continue
        parsed.rows.append(_student_row(table, row, course, when, columns, totals, maxima))
    return parsed


def _student_row(
    table: RawTable,
    raw: RawRow,
    course: str,
    when: datetime.datetime,
    columns: list[tuple[int, str, str]],
    totals: list[tuple[int, str]],
    maxima: dict[int, str],
) -> Row:
    identity, who = _identity(table, raw)
    row = Row(line=raw.line, who=who)
    if identity is None:
        row.errors.append(_("The row has no SIS User ID, SIS Login ID or Canvas ID."))
        return row
    person = cell(raw, table.index("ID")) or identity.value
    for at, name, assignment_id in columns:
        text = cell(raw, at)
        if text.upper() in ("", "N/A"):
            continue
        if text.upper() == "EX":
            row.notes.append(_("%(name)s: excused") % {"name": name})
            continue
        try:
            value = parse_number(text)
            maximum = parse_number(maxima.get(at, ""))
        except ValueError:
            row.notes.append(_("%(name)s: “%(value)s” is not a score") % {"name": name, "value": text})
            continue
        row.facts.append(
            FactInput(
                event_key=event_key("canvas", course, person, assignment_id),
                type="grade",
                actor=identity,
                object_id=f"canvas:assignment:{assignment_id}",
                object_name=name,
                course=course,
                value=value,
                max_value=maximum,
                occurred_at=when,
            )
        )
    for at, title in totals:
        try:
            value = parse_number(cell(raw, at))
        except ValueError:
            continue
        if value is not None:
            row.facts.append(
                FactInput(
                    event_key=event_key("canvas", course, person, title.lower().replace(" ", "-")),
                    type="grade",
                    actor=identity,
                    object_id=f"canvas:{title.lower().replace(' ', '-')}",
                    object_name=title,
                    course=course,
                    value=value,
                    max_value=PERCENT,
                    occurred_at=when,
                )
            )
    return row
