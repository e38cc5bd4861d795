"""The audit log as CSV or JSON Lines, produced row by row.

Exports are streamed: a 100,000-event log never sits in memory, only one
batch of rows at a time. Column names are stable machine keys, the same
in both formats, so they are not translated.
"""

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from laurel.audit.models import AuditEvent
from laurel.core.csvio import escape_cell

COLUMNS = [
    "created_at",
    "actor",
    "via",
    "action",
    "object_type",
    "object_id",
    "summary",
    "ip",
    "user_agent",
    "before",
    "after",
]
BATCH = 500


def as_record(event: AuditEvent) -> dict[str, Any]:
    return {
        "created_at": timezone.localtime(event.created_at).isoformat(),
        "actor": event.actor_label,
        "via": event.via,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "ip": event.ip or "",
        "user_agent": event.user_agent,
        "before": event.before,
        "after": event.after,
    }


def safe_cell(value: Any) -> str:
    if value is None:
        return ""
    # Structured values are written as JSON; every cell is neutralized against CSV injection.
    return escape_cell(
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    )


def csv_chunks(events: QuerySet[AuditEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The byte-order mark makes Excel read UTF-8, so Hangul is not garbled.
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for count, event in enumerate(events.iterator(chunk_size=2000), start=1):
        record = as_record(event)
        writer.writerow([safe_cell(record[column]) for column in COLUMNS])
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_chunks(events: QuerySet[AuditEvent]) -> Iterator[str]:
    lines: list[str] = []
    for event in events.iterator(chunk_size=2000):
        lines.append(json.dumps(as_record(event), ensure_ascii=False, sort_keys=True))
        if len(lines) == BATCH:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"
