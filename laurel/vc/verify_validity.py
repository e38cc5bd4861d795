"""The validity window of a credential: ``validFrom``/``validUntil`` (VC 2.0), ``issuanceDate``/
``expirationDate`` (VC 1.1) and, for a VC-JWT, the ``nbf``/``exp`` claims."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

_STARTS = ("validFrom", "issuanceDate")
_ENDS = ("validUntil", "expirationDate")


class DateError(ValueError):
    """A date field is not a date-time."""


def _moment(credential: Mapping[str, Any], names: tuple[str, ...]) -> datetime | None:
    for name in names:
        if name not in credential:
            continue
        value = credential[name]
        if not isinstance(value, str):
            raise DateError(f"{name} is not a date-time string")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise DateError(f"{name} is not a valid date-time: {value[:64]!r}") from error
        # A date-time without an offset is read as UTC rather than the verifier's local time.
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return None


def _claim(payload: Mapping[str, Any], name: str) -> datetime | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DateError(f"the JWT claim {name} is not a NumericDate")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise DateError(f"the JWT claim {name} is out of range") from error


def window(
    credential: Mapping[str, Any], payload: Mapping[str, Any] | None = None
) -> tuple[datetime | None, datetime | None]:
    """The start and end of validity; JWT claims count when the credential omits its dates."""
    start, end = _moment(credential, _STARTS), _moment(credential, _ENDS)
    if payload:
        start = start or _claim(payload, "nbf")
        end = end or _claim(payload, "exp")
    return start, end


@dataclass(frozen=True)
class ValidityOutcome:
    status: Literal["pass", "fail"]
    message_en: str
    message_ko: str
    details: dict[str, Any]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def check_validity(
    credential: Mapping[str, Any], payload: Mapping[str, Any] | None, now: datetime
) -> ValidityOutcome:
    """Whether ``now`` lies inside the credential's validity window."""
    try:
        start, end = window(credential, payload)
    except DateError as error:
        return ValidityOutcome("fail", f"{error}.", f"유효 기간을 읽을 수 없습니다: {error}.", {})
    details = {
        "validFrom": _stamp(start) if start else None,
        "validUntil": _stamp(end) if end else None,
        "now": _stamp(now),
    }
    if start is not None and now < start:
        return ValidityOutcome(
            "fail",
            f"The credential is not valid yet: it becomes valid on {_stamp(start)}.",
            f"아직 유효하지 않은 자격 증명입니다. {_stamp(start)}부터 유효합니다.",
            details,
        )
    if end is not None and now >= end:
        return ValidityOutcome(
            "fail",
            f"The credential expired on {_stamp(end)}.",
            f"자격 증명이 {_stamp(end)}에 만료되었습니다.",
            details,
        )
    if end is None:
        return ValidityOutcome(
            "pass",
            "The credential is valid and does not expire.",
            "유효한 자격 증명이며 만료일이 없습니다.",
            details,
        )
    return ValidityOutcome(
        "pass",
        f"The credential is valid until {_stamp(end)}.",
        f"자격 증명은 {_stamp(end)}까지 유효합니다.",
        details,
    )
