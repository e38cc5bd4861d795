"""Canvas Roll Call attendance report (Roll Call → Reports, sent by email as CSV).

Header: Course ID, SIS Course ID, Course Code, Course Name, Section Name, Section ID,
SIS Section ID, Teacher ID, [SIS Teacher ID], Teacher Name, Student ID, [SIS Student ID],
Student Name, Class Date, Attendance, Timestamp, then badge columns. Attendance is "present",
"late", "absent" or "unmarked"; the SIS columns appear in account-wide reports only.
"""

from django.utils.translation import gettext as _

from laurel.ingest.csvimport.common import Options, Parsed, Row, clean_text, parse_moment
from laurel.ingest.csvimport.keys import event_key
from laurel.ingest.csvimport.table import RawRow, RawTable, cell
from laurel.ingest.facts import FactInput, Identity

FORMAT = "canvas_rollcall"
STATUSES = ("present", "late", "absent")


def detect(table: RawTable) -> bool:
    return table.has("Course ID", "Student ID", "Class Date", "Attendance")


def parse(table: RawTable, options: Options) -> Parsed:
    return Parsed(format=FORMAT, rows=[_row(table, raw, options) for raw in table.rows])


def _row(table: RawTable, raw: RawRow, options: Options) -> Row:
    def value(*names: str) -> str:
        return cell(raw, table.index(*names))

    name = clean_text(value("Student Name"))
    sis_id, canvas_id = value("SIS Student ID"), value("Student ID")
    row = Row(line=raw.line, who=sis_id or name or canvas_id)
    if sis_id:
        identity = Identity("student_id", sis_id, name)
    elif canvas_id:
        identity = Identity("account", f"canvas|{canvas_id}", name)
    else:
        row.errors.append(_("The row has no Student ID."))
        return row
    status = value("Attendance").lower()
    if status == "unmarked":
        row.notes.append(_("Not marked"))
        return row
    if status not in STATUSES:
        row.errors.append(
            _("“%(value)s” is not present, late, absent or unmarked.") % {"value": value("Attendance")}
        )
        return row
    day = value("Class Date")
    try:
        occurred_at = parse_moment(day, options.tz)
    except ValueError:
        occurred_at = None
    if occurred_at is None:
        row.errors.append(_("“%(value)s” is not a class date.") % {"value": day})
        return row
    course_id = value("Course ID")
    course = options.course or value("SIS Course ID") or value("Course Code") or course_id
    section = value("Section ID")
    row.facts.append(
        FactInput(
            event_key=event_key("rollcall", course_id, section, canvas_id or sis_id, day),
            type="attendance",
            actor=identity,
            object_id=f"rollcall:{section or course_id}:{day}",
            object_name=" ".join(part for part in (value("Course Name"), value("Section Name"), day) if part),
            course=course,
            status=status,
            occurred_at=occurred_at,
        )
    )
    return row
