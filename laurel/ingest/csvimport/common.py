"""What every CSV format turns a file into: rows of facts (or voids), with per-row errors."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from laurel.core.csvio import looks_like_formula
from laurel.ingest.facts import FactInput, Identity


@dataclass
class Options:
    """What the person importing says that the file does not."""

    course: str = ""  # the course the file is about, when it does not name one
    occurred_at: datetime.datetime | None = None  # when its grades stood, when it does not say
    filename: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(settings.TIME_ZONE)


@dataclass
class Row:
    line: int
    who: str = ""  # how the row names its learner, for the preview
    facts: list[FactInput] = field(default_factory=list)
    voids: list[str] = field(default_factory=list)  # event keys the row withdraws
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # cells skipped on purpose (excused, ungraded)


@dataclass
class Parsed:
    format: str
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)


_COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")


def parse_number(text: str) -> Decimal | None:
    """A number written by a gradebook: "87.5", "87,5" (comma locales), "87.5 %"; None when empty."""
    text = text.strip().removesuffix("%").strip()
    if not text:
        return None
    if _COMMA_DECIMAL.match(text):
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y.%m.%d %H:%M")


def parse_moment(text: str, tz: ZoneInfo) -> datetime.datetime | None:
    """An ISO 8601 time (a zone-less one is local), a date (local midnight), or None when empty."""
    text = text.strip()
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return day.replace(tzinfo=tz)
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None:
        for pattern in _DATETIME_FORMATS:
            try:
                moment = datetime.datetime.strptime(text.replace(" UTC", " GMT"), pattern)
            except ValueError:
                continue
            if text.endswith((" UTC", " GMT")):
                moment = moment.replace(tzinfo=datetime.UTC)
            break
    if moment is None:
        raise ValueError(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def clean_text(value: str) -> str:
    """A name or title as a spreadsheet may have escaped it: a leading apostrophe guards a formula."""
    value = value.strip()
    if value.startswith("'") and looks_like_formula(value[1:]):
        return value[1:]
    return value


def fact_to_json(fact: FactInput) -> dict[str, Any]:
    return {
        "event_key": fact.event_key,
        "type": fact.type,
        "actor": [fact.actor.kind, fact.actor.value, fact.actor.name],
        "object_id": fact.object_id,
        "object_name": fact.object_name,
        "course": fact.course,
        "value": None if fact.value is None else str(fact.value),
        "max_value": None if fact.max_value is None else str(fact.max_value),
        "status": fact.status,
        "occurred_at": fact.occurred_at.isoformat(),
    }


def fact_from_json(data: dict[str, Any]) -> FactInput:
    kind, value, name = data["actor"]
    return FactInput(
        event_key=data["event_key"],
        type=data["type"],
        actor=Identity(kind, value, name),
        object_id=data["object_id"],
        object_name=data["object_name"],
        course=data["course"],
        value=None if data["value"] is None else Decimal(data["value"]),
        max_value=None if data["max_value"] is None else Decimal(data["max_value"]),
        status=data["status"],
        occurred_at=datetime.datetime.fromisoformat(data["occurred_at"]),
    )
