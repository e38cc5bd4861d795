"""Cursor pagination: newest first, by (created_at, public_id).

A cursor names the last row a client saw, not an offset, so rows inserted
while a client pages do not shift or repeat what it gets next. Cursors are
signed so a tampered one is refused rather than silently misread.
"""

import base64
import binascii
from datetime import datetime
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from laurel.api.errors import ApiProblem

M = TypeVar("M", bound=Model)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "laurel.api.cursor"


def _mac(kind: str, position: str) -> str:
    return salted_hmac(f"{_SALT}.{kind}", position, algorithm="sha256").hexdigest()[:32]


def encode_cursor(kind: str, created_at: datetime, public_id: object) -> str:
    position = f"{created_at.isoformat()}|{public_id}"
    raw = f"{position}|{_mac(kind, position)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> tuple[datetime, str]:
    invalid = ApiProblem(
        400,
        _("Invalid cursor"),
        _("The cursor is not one this list handed out; start again without it."),
        errors=[{"field": "cursor", "in": "query", "message": _("Unknown or altered cursor.")}],
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, public_id, mac = raw.split("|")
        if not constant_time_compare(mac, _mac(kind, f"{created_at}|{public_id}")):
            raise invalid
        return datetime.fromisoformat(created_at), public_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid from None


def paginate(queryset: QuerySet[M], kind: str, cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    """One page of rows and the cursor for the next page (None on the last one)."""
    queryset = queryset.order_by("-created_at", "-public_id")
    if cursor:
        created_at, public_id = decode_cursor(kind, cursor)
        queryset = queryset.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, public_id__lt=public_id)
        )
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(kind, last.created_at, last.public_id)  # type: ignore[attr-defined]
