"""The generic activity CSV, for class tools with no export of their own.

Columns: email or student_id (one is enough), type, object, course, value, max, status,
occurred_at; optional: object_name, id (a stable id of the row in the tool that wrote it).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.ingest.csvimport.common import Options, Parsed, Row, clean_text, parse_moment, parse_number
from laurel.ingest.csvimport.keys import event_key
from laurel.ingest.csvimport.table import RawRow, RawTable, cell
from laurel.ingest.facts import FactInput, Identity

FORMAT = "generic"
EMAIL = ("email", "learner email", "이메일", "email address")
STUDENT_ID = ("student_id", "student id", "학번")
TYPE = ("type", "유형")
OBJECT = ("object", "object_id", "활동")
COURSE = ("course", "과목", "강좌")
VALUE = ("value", "score", "점수")
MAX = ("max", "max_value", "만점")
STATUS = ("status", "상태")
OCCURRED = ("occurred_at", "time", "date", "일시")
NAME = ("object_name", "title", "활동명")
ROW_ID = ("id", "event_id")


def detect(table: RawTable) -> bool:
    person = table.index(*EMAIL) is not None or table.index(*STUDENT_ID) is not None
    return person and table.index(*TYPE) is not None and table.index(*OBJECT) is not None


def parse(table: RawTable, options: Options) -> Parsed:
    return Parsed(format=FORMAT, rows=[_row(table, raw, options) for raw in table.rows])


def _row(table: RawTable, raw: RawRow, options: Options) -> Row:
    def value(names: tuple[str, ...]) -> str:
        return cell(raw, table.index(*names))

    email, student_id = value(EMAIL), value(STUDENT_ID)
    row = Row(line=raw.line, who=email or student_id)
    if email:
        identity = Identity("email", email)
    elif student_id:
        identity = Identity("student_id", student_id)
    else:
        row.errors.append(_("The row has neither an email nor a student id."))
        return row
    try:
        number = parse_number(value(VALUE))
        maximum = parse_number(value(MAX))
    except ValueError as error:
        row.errors.append(_("“%(value)s” is not a number.") % {"value": error})
        return row
    try:
        occurred_at = parse_moment(value(OCCURRED), options.tz)
    except ValueError:
        row.errors.append(_("“%(value)s” is not a date or time.") % {"value": value(OCCURRED)})
        return row
    course = value(COURSE) or options.course
    kind, thing = value(TYPE).lower(), value(OBJECT)
    # The row's own id when it has one; else what it says, so importing it again finds it again.
    given = value(ROW_ID)
    key = (
        event_key("csv", course, given)
        if given
        else event_key("csv", course, identity.value.lower(), kind, thing, value(OCCURRED))
    )
    occurred_at = occurred_at or options.occurred_at or timezone.now()
    row.facts.append(
        FactInput(
            event_key=key,
            type=kind,
            actor=identity,
            object_id=thing,
            object_name=clean_text(value(NAME)),
            course=course,
            value=number,
            max_value=maximum,
            status=value(STATUS).lower(),
            occurred_at=occurred_at,
        )
    )
    return row
