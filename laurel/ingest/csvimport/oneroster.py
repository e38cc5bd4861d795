"""OneRoster 1.1 and 1.2 gradebook files: results.csv, with lineItems.csv for titles and maxima.

results.csv: sourcedId, status, dateLastModified, lineItemSourcedId, studentSourcedId,
scoreStatus, score, scoreDate, comment; 1.2 adds classSourcedId, scoreScaleSourcedId, textScore,
learning objective columns and the inProgress, incomplete, late, missing flags.
lineItems.csv: sourcedId, status, dateLastModified, title, description, assignDate, dueDate,
classSourcedId, categorySourcedId, gradingPeriodSourcedId, resultValueMin, resultValueMax
(1.2 adds more). status is empty in bulk files and "active" or "tobedeleted" in delta files.
scoreStatus is one of: exempt, fully graded, not submitted, partially graded, submitted.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from laurel.ingest.csvimport.common import Options, Parsed, Row, clean_text, parse_moment, parse_number
from laurel.ingest.csvimport.keys import event_key
from laurel.ingest.csvimport.table import RawRow, RawTable, cell
from laurel.ingest.facts import FactInput, Identity

FORMAT = "oneroster"
VERSION_12_COLUMNS = ("textScore", "scoreScaleSourcedId", "inProgress", "incomplete", "late", "missing")


@dataclass(frozen=True)
class LineItem:
    title: str
    class_id: str
    maximum: Decimal | None


def detect_results(table: RawTable) -> bool:
    return table.has("sourcedId", "lineItemSourcedId", "studentSourcedId", "scoreStatus")


def detect_line_items(table: RawTable) -> bool:
    return table.has("sourcedId", "title", "classSourcedId") and not table.has("lineItemSourcedId")


def version(table: RawTable) -> str:
    return "1.2" if any(table.index(name) is not None for name in VERSION_12_COLUMNS) else "1.1"


def line_items(table: RawTable) -> dict[str, LineItem]:
    items: dict[str, LineItem] = {}
    for raw in table.rows:
        try:
            maximum = parse_number(cell(raw, table.index("resultValueMax")))
        except ValueError:
            maximum = None
        items[cell(raw, table.index("sourcedId"))] = LineItem(
            title=clean_text(cell(raw, table.index("title"))),
            class_id=cell(raw, table.index("classSourcedId")),
            maximum=maximum,
        )
    return items


def parse(results: RawTable, items_table: RawTable | None, options: Options) -> Parsed:
    parsed = Parsed(format=FORMAT, rows=[])
    items = line_items(items_table) if items_table is not None else None
    if items is None:
        parsed.warnings.append(_("Without lineItems.csv, assignment titles and maximum scores are unknown."))
    for raw in results.rows:
        parsed.rows.append(_row(results, raw, items, options))
    return parsed


def _flag(results: RawTable, raw: RawRow, name: str) -> bool:
    return cell(raw, results.index(name)).lower() == "true"


def _row(results: RawTable, raw: RawRow, items: dict[str, LineItem] | None, options: Options) -> Row:
    def value(name: str) -> str:
        return cell(raw, results.index(name))

    student = value("studentSourcedId")
    row = Row(line=raw.line, who=student)
    key = event_key("oneroster", value("sourcedId"))
    if not value("sourcedId") or not student:
        row.errors.append(_("The row lacks its sourcedId or studentSourcedId."))
        return row
    if value("status").lower() == "tobedeleted":
        row.voids.append(key)
        return row
    item_id = value("lineItemSourcedId")
    item = items.get(item_id) if items is not None else None
    if items is not None and item is None:
        row.errors.append(_("The line item “%(id)s” is not in lineItems.csv.") % {"id": item_id})
        return row
    kind, status = _kind(results, raw, value("scoreStatus").lower())
    if kind is None:
        if status:
            row.errors.append(
                _("“%(value)s” is not a OneRoster score status.") % {"value": value("scoreStatus")}
            )
        else:
            row.notes.append(_("Exempt"))
        return row
    try:
        score = parse_number(value("score")) if kind == "grade" else None
        occurred_at = parse_moment(value("scoreDate") or value("dateLastModified"), options.tz)
    except ValueError as error:
        row.errors.append(_("“%(value)s” cannot be read.") % {"value": error})
        return row
    if kind == "grade" and score is None:
        row.errors.append(_("A graded result needs a score."))
        return row
    row.facts.append(
        FactInput(
            event_key=key,
            type=kind,
            actor=Identity("student_id", student),
            object_id=f"oneroster:{item_id}",
            object_name=item.title if item else "",
            course=options.course or (item.class_id if item else "") or value("classSourcedId"),
            value=score,
            max_value=item.maximum if item and kind == "grade" else None,
            status=status,
            occurred_at=occurred_at or options.occurred_at or timezone.now(),
        )
    )
    return row


def _kind(results: RawTable, raw: RawRow, score_status: str) -> tuple[str | None, str]:
    """The fact type and status for a scoreStatus; (None, "") for exempt, (None, text) if unknown."""
    if score_status == "fully graded":
        return "grade", ""
    if score_status in ("submitted", "partially graded"):
        # Grading is not finished: the score is not final, the submission is.
        return "submission", "late" if _flag(results, raw, "late") else "submitted"
    if score_status == "not submitted":
        return "submission", "missing"
    if score_status == "exempt":
        return None, ""
    return None, score_status or "?"
