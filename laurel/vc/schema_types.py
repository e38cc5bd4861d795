"""Small building blocks for ``laurel.vc.schema``: each check takes a value and its JSON path and
returns the problems it finds as ``"<path>: <why>"`` strings (none means the value is fine).

They mirror the few JSON Schema (draft 2019-09) keywords the OB 3.0 schemas use: ``type``,
``required``, ``properties``, ``additionalProperties: false``, ``enum``, ``pattern`` (a search,
not a full match, as JSON Schema says), ``minItems``, ``contains``, ``oneOf`` and the formats
``date-time`` (RFC 3339) and ``date``.
"""

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any

Check = Callable[[Any, str], list[str]]

# RFC 3339 §5.6 date-time; "T" and "Z" may be lower case (§5.6 note). ASCII digits only.
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+-]([0-9]{2}):([0-9]{2}))"
)
_FULL_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def member(path: str, key: str) -> str:
    """The path of an object member: ``$.issuer`` or ``$["@context"]``."""
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return f'{path}["{key}"]'


def kind(value: Any) -> str:
    """The JSON kind of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _wrong(path: str, expected: str, value: Any) -> list[str]:
    return [f"{path}: must be {expected}, not {kind(value)}"]


def string(value: Any, path: str) -> list[str]:
    return [] if isinstance(value, str) else _wrong(path, "a string", value)


def number(value: Any, path: str) -> list[str]:
    # JSON booleans are not numbers, although Python's bool is an int.
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return [] if ok else _wrong(path, "a number", value)


def boolean(value: Any, path: str) -> list[str]:
    return [] if isinstance(value, bool) else _wrong(path, "true or false", value)


def date_time(value: Any, path: str) -> list[str]:
    """An RFC 3339 date-time with a time zone (``2024-03-01T09:00:00Z``)."""
    if not isinstance(value, str):
        return _wrong(path, "a date-time string", value)
    match = _DATE_TIME.fullmatch(value)
    if match is None or not _valid_date_time(match):
        return [f"{path}: {value!r} is not an RFC 3339 date-time such as 2024-03-01T09:00:00Z"]
    return []


def _valid_date_time(match: re.Match[str]) -> bool:
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if not _valid_calendar_date(year, month, day):
        return False
    # Second 60 is a leap second, which RFC 3339 allows.
    if hour > 23 or minute > 59 or second > 60:
        return False
    if match.group(9) is None:
        return True
    return int(match.group(9)) <= 23 and int(match.group(10)) <= 59


def full_date(value: Any, path: str) -> list[str]:
    """An RFC 3339 full-date (``2001-09-28``)."""
    if not isinstance(value, str):
        return _wrong(path, "a date string", value)
    match = _FULL_DATE.fullmatch(value)
    if match is None or not _valid_calendar_date(*(int(part) for part in match.groups())):
        return [f"{path}: {value!r} is not a date such as 2001-09-28"]
    return []


def _valid_calendar_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def const_string(expected: str) -> Check:
    """A string that must be exactly ``expected`` (``"type": "Image"``)."""

    def check(value: Any, path: str) -> list[str]:
        if value == expected and isinstance(value, str):
            return []
        return [f"{path}: must be {expected!r}"]

    return check


def one_of(values: Collection[str], *, typed: bool = True) -> Check:
    """A string from a closed vocabulary."""

    def check(value: Any, path: str) -> list[str]:
        if typed and not isinstance(value, str):
            return _wrong(path, "a string", value)
        if isinstance(value, str) and value in values:
            return []
        return [f"{path}: {value!r} is not one of {sorted(values)}"]

    return check


def extensible(values: Collection[str], ext: re.Pattern[str]) -> Check:
    """A term of an extensible vocabulary: a listed term or one matching ``ext`` (``ext:Foo``)."""

    def check(value: Any, path: str) -> list[str]:
        if not isinstance(value, str):
            return _wrong(path, "a string", value)
        if value in values or ext.search(value):
            return []
        return [f"{path}: {value!r} is neither a defined term nor an 'ext:' term"]

    return check


def pattern(regex: re.Pattern[str], what: str) -> Check:
    """A string in which ``regex`` is found (anchor the regex to require a full match)."""

    def check(value: Any, path: str) -> list[str]:
        if not isinstance(value, str):
            return _wrong(path, "a string", value)
        return [] if regex.search(value) else [f"{path}: {value!r} is not {what}"]

    return check


def array(item: Check, *, min_items: int = 0) -> Check:
    """An array whose every item passes ``item``."""

    def check(value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            return _wrong(path, "an array", value)
        problems = [] if len(value) >= min_items else [f"{path}: needs at least {min_items} item(s)"]
        for index, element in enumerate(value):
            problems += item(element, f"{path}[{index}]")
        return problems

    return check


def type_array(*groups: Collection[str]) -> Check:
    """A ``type`` array of strings holding, for every group, at least one of its names."""

    def check(value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            return _wrong(path, "an array of type names", value)
        problems = [
            f"{path}[{i}]: must be a string, not {kind(v)}"
            for i, v in enumerate(value)
            if not isinstance(v, str)
        ]
        for names in groups:
            if not any(isinstance(v, str) and v in names for v in value):
                problems.append(f"{path}: must include {' or '.join(repr(n) for n in sorted(names))}")
        return problems

    return check


def string_or(check_object: Check, what: str) -> Check:
    """A URI string or an object (OB ``ProfileRef``: an issuer id or its Profile)."""

    def check(value: Any, path: str) -> list[str]:
        if isinstance(value, str):
            return []
        if isinstance(value, dict):
            return check_object(value, path)
        return _wrong(path, f"a string or {what}", value)

    return check


def obj(properties: Mapping[str, Check], required: Collection[str] = (), *, closed: bool = False) -> Check:
    """An object: ``required`` members present, known members checked, others refused if ``closed``."""

    def check(value: Any, path: str) -> list[str]:
        if not isinstance(value, dict):
            return _wrong(path, "an object", value)
        problems = [f"{member(path, key)}: is required" for key in required if key not in value]
        for key, element in value.items():
            if key in properties:
                problems += properties[key](element, member(path, key))
            elif closed:
                problems.append(f"{member(path, key)}: is not allowed here")
        return problems

    return check


def lazy(definitions: Mapping[str, Check], name: str) -> Check:
    """A check looked up when used, so definitions can refer to each other (a Profile's parentOrg)."""

    def check(value: Any, path: str) -> list[str]:
        return definitions[name](value, path)

    return check
