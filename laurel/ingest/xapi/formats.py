"""The string formats xAPI statements are made of: IRIs, UUIDs, timestamps, durations, language tags.

Each check is a compiled regular expression or a few comparisons, because every statement of
a batch of a hundred goes through dozens of them.
"""

import functools
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

# RFC 3987 (and 3986) scheme, then anything but the characters an IRI can never hold.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+\Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_SHA1 = re.compile(r"[0-9a-fA-F]{40}\Z")
_SHA2 = re.compile(r"(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})\Z")
# "mailto:" and one address: a local part and a domain, no spaces, one "@".
_MAILTO = re.compile(r"mailto:[^@\s]+@[^@\s]+\Z")
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9!#$&^_.+\-]+/[A-Za-z0-9!#$&^_.+\-]+(?:\s*;.*)?\Z", re.S)

# RFC 5646 section 2.1: the order and lengths of the subtags, checked case-insensitively.
_LANGTAG = re.compile(
    r"""(?:
        (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})   # language, extlang
        (?:-[a-z]{4})?                                     # script
        (?:-(?:[a-z]{2}|[0-9]{3}))?                        # region
        (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*           # variants
        (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*                # extensions
        (?:-x(?:-[a-z0-9]{1,8})+)?                         # private use
      |x(?:-[a-z0-9]{1,8})+                                # private use only
      |i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)
      |en-gb-oed|sgn-(?:be-fr|be-nl|ch-de)
    )\Z""",
    re.I | re.X,
)

# ISO 8601 date and time, extended or basic format, with an optional zone designator.
# xAPI 2.0 follows RFC 3339, which also allows a space between date and time.
_TIMESTAMP = re.compile(
    r"""(?P<date>\d{4}-\d{2}-\d{2}|\d{8})
        (?P<sep>[Tt ])
        (?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?|\d{4}(?:\d{2}(?:[.,]\d+)?)?)
        (?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?\Z""",
    re.X,
)
# ISO 8601:2004 4.4.3.2 durations (PnYnMnDTnHnMnS or PnW); only the last part may have a fraction.
_DURATION = re.compile(
    r"P(?!\Z)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?W)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?\Z"
)
_DURATION_PART = re.compile(r"\d+(?:[.,]\d+)?[YMWDHS]")
_DURATION_SECONDS = re.compile(r"(\d+(?:[.,]\d+)?)S\Z")
_HUNDREDTH = Decimal("0.01")


def is_iri(value: object) -> bool:
    return isinstance(value, str) and _IRI.match(value) is not None


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


def is_sha1_hex(value: object) -> bool:
    return isinstance(value, str) and _SHA1.match(value) is not None


def is_sha2_hex(value: object) -> bool:
    return isinstance(value, str) and _SHA2.match(value) is not None


def is_mailto(value: object) -> bool:
    return isinstance(value, str) and _MAILTO.match(value) is not None


def is_media_type(value: object) -> bool:
    return isinstance(value, str) and _MEDIA_TYPE.match(value) is not None


def is_language_tag(value: object) -> bool:
    return isinstance(value, str) and _LANGTAG.match(value) is not None


def is_duration(value: object) -> bool:
    if not isinstance(value, str) or _DURATION.match(value) is None:
        return False
    # Only the smallest component given may have a decimal fraction (ISO 8601:2004 4.4.3.2).
    parts = _DURATION_PART.findall(value)
    return not any("." in part or "," in part for part in parts[:-1])


def parse_timestamp(value: object, *, allow_space: bool = True) -> datetime | None:
    """The instant a timestamp names (UTC when it names no zone), or None when it is not one.

    A negative zero offset ("-00", "-0000", "-00:00") means "offset unknown" in RFC 3339 and is
    not allowed by ISO 8601, so it is refused rather than read as UTC.
    """
    if not isinstance(value, str):
        return None
    # Validation reads a statement's timestamp and storing reads it again: the second is remembered.
    moment, spaced = _remembered(value) if len(value) <= _REMEMBERED_LENGTH else _read(value)
    return None if spaced and not allow_space else moment


_REMEMBERED_LENGTH = 64


def _read(value: str) -> tuple[datetime | None, bool]:
    """The instant, and whether date and time are separated by a space (xAPI 2.0 only)."""
    found = _TIMESTAMP.match(value)
    if found is None:
        return None, False
    date, clock, zone = found["date"], found["time"], found["zone"]
    extended_date, extended_time = "-" in date, ":" in clock
    if extended_date != extended_time and len(clock) > 2:
        return None, False  # ISO 8601 does not mix the basic and extended formats
    try:
        moment = _instant(date.replace("-", ""), clock.replace(":", "").replace(",", "."), zone)
    except ValueError:
        return None, False
    return moment, found["sep"] == " "


_remembered = functools.lru_cache(maxsize=4096)(_read)


def _instant(date: str, clock: str, zone: str | None) -> datetime:
    seconds, _dot, fraction = clock.partition(".")
    hour, minute = int(seconds[0:2]), int(seconds[2:4])
    second = int(seconds[4:6] or 0)
    micro = int((fraction + "000000")[:6]) if fraction else 0
    if hour == 24 and minute == 0 and second == 0 and micro == 0:
        base = datetime(int(date[0:4]), int(date[4:6]), int(date[6:8]), tzinfo=UTC) + timedelta(days=1)
    else:
        base = datetime(int(date[0:4]), int(date[4:6]), int(date[6:8]), hour, minute, second, micro, UTC)
    if not zone or zone in "Zz":
        return base
    sign, digits = zone[0], zone[1:].replace(":", "")
    if sign == "-" and int(digits) == 0:
        raise ValueError("negative zero offset")
    hours, minutes = int(digits[0:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    offset = timedelta(hours=hours, minutes=minutes)
    local = base.replace(tzinfo=timezone(offset if sign == "+" else -offset))
    return local.astimezone(UTC)


def duration_for_comparison(value: str) -> str:
    """A duration with its seconds cut to hundredths: finer precision takes no part in comparisons."""
    found = _DURATION_SECONDS.search(value)
    if found is None:
        return value
    try:
        seconds = Decimal(found.group(1).replace(",", ".")).quantize(_HUNDREDTH, rounding="ROUND_DOWN")
    except InvalidOperation:
        return value
    return value[: found.start()] + f"{seconds.normalize():f}S"


def format_timestamp(moment: datetime) -> str:
    """The form Laurel writes "stored" (and a missing "timestamp") in: UTC, milliseconds, "Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
