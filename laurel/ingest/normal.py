"""A fact as sources describe it (FactInput), checked and brought to the form it is stored in.

Re-exported by laurel.ingest.facts, where sources import it from.
"""

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laurel.core.text import canonical_email, canonical_student_id
from laurel.ingest.models import VALUE_DIGITS, VALUE_PLACES, Fact, SourceIdentity

MAX_KEY = 255
MAX_TEXT = 500
MAX_NAME = 200
MAX_STATUS = 40

TYPES = frozenset(Fact.Type.values)
# What each type's status may say; "" where the type allows no status. Badges say what they like.
STATUSES: dict[str, frozenset[str]] = {
    Fact.Type.ATTENDANCE: frozenset({"present", "late", "absent", "excused"}),
    Fact.Type.SUBMISSION: frozenset({"submitted", "late", "missing"}),
    Fact.Type.GRADE: frozenset({"", "passed", "failed"}),
    Fact.Type.QUIZ: frozenset({"", "passed", "failed"}),
    Fact.Type.COMPLETION: frozenset({"completed", "incomplete", "withdrawn"}),
    Fact.Type.MISSION: frozenset({"completed"}),
    Fact.Type.APPROVAL: frozenset({"approved", "rejected"}),
}
# Lazy: translated only for an error message, never on the path of a good fact.
EVENT_KEY = gettext_lazy("The event key")
STATUS = gettext_lazy("The status")
VALUE = gettext_lazy("The value")
MAXIMUM = gettext_lazy("The maximum")
OBJECT = gettext_lazy("The object")
COURSE = gettext_lazy("The course")

_HEX40 = re.compile(r"^[0-9a-f]{40}$")
_QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)
_MAX_ABS = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)


@dataclass(frozen=True)
class Identity:
    kind: str  # SourceIdentity.Kind value
    value: str  # raw; record_facts normalizes
    name: str = ""


@dataclass(frozen=True)
class FactInput:
    event_key: str  # unique within the source: statement id, event id, "csv:<course>:<row key>", …
    type: str  # Fact.Type value
    actor: Identity
    object_id: str
    occurred_at: datetime  # aware
    object_name: str = ""
    course: str = ""
    value: Decimal | None = None
    max_value: Decimal | None = None
    # attendance: present|late|absent|excused; submission: submitted|late|missing;
    # grade/quiz: ""|passed|failed; completion: completed|incomplete|withdrawn;
    # mission: completed; approval: approved|rejected
    status: str = ""


@dataclass(slots=True)
class Normal:
    """A FactInput checked and in the stored form (not frozen: one is made per fact of a batch)."""

    event_key: str
    type: str
    identity: tuple[str, str]  # (kind, normalized value)
    name: str
    object_id: str
    object_name: str
    course: str
    value: Decimal | None
    max_value: Decimal | None
    status: str
    occurred_at: datetime  # UTC
    content_hash: str


def invalid(message: str, index: int | None = None) -> ValidationError:
    if index is None:
        return ValidationError(message, code="invalid")
    return ValidationError(
        _("Fact %(n)s: %(message)s") % {"n": index + 1, "message": message}, code="invalid"
    )


def _split_pair(value: str, what: str) -> tuple[str, str]:
    left, sep, right = value.partition("|")
    if not sep or not left.strip() or not right.strip():
        raise invalid(_("%(what)s must be written “first|second”.") % {"what": what})
    return left.strip(), right.strip()


def _canonical_url(value: str) -> str:
    # Scheme and host are case-insensitive; the rest of a URL is not.
    parts = urlsplit(value.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment))


# Remembered: a source names the same few thousand learners in batch after batch.
@functools.lru_cache(maxsize=4096)
def normalize_identity(kind: str, value: str) -> str:
    """The stored form of an identity value; raises ValidationError when it cannot be one.

    Emails: "mailto:" dropped, canonical form; account: "homePage|name" and lti: "issuer|sub"
    with the URL's scheme and host lower-cased; mbox_sha1: lower-case hex.
    """
    value = value.strip()
    if kind == SourceIdentity.Kind.EMAIL:
        if value[:7].lower() == "mailto:":
            value = value[7:]
        value = canonical_email(value)
        local, at, domain = value.rpartition("@")
        if not at or not local or not domain or " " in value:
            raise invalid(_("“%(value)s” is not an email address.") % {"value": value})
    elif kind == SourceIdentity.Kind.MBOX_SHA1:
        value = value.lower()
        if not _HEX40.match(value):
            raise invalid(_("An email SHA-1 must be 40 hexadecimal digits."))
    elif kind == SourceIdentity.Kind.ACCOUNT:
        home, name = _split_pair(value, _("An account"))
        value = f"{_canonical_url(home)}|{name}"
    elif kind == SourceIdentity.Kind.LTI:
        issuer, subject = _split_pair(value, _("An LTI user"))
        value = f"{_canonical_url(issuer)}|{subject}"
    elif kind == SourceIdentity.Kind.STUDENT_ID:
        value = canonical_student_id(value)
    elif kind == SourceIdentity.Kind.OPENID:
        value = _canonical_url(value)
    else:
        raise invalid(_("“%(kind)s” is not a kind of identity.") % {"kind": kind})
    if not value:
        raise invalid(_("The learner's identity is empty."))
    if len(value) > MAX_TEXT:
        raise invalid(_("The learner's identity is longer than %(n)s characters.") % {"n": MAX_TEXT})
    return value


def _decimal(value: Decimal | None, what: Promise) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value).quantize(_QUANTUM)
    except (InvalidOperation, TypeError, ValueError):
        raise invalid(_("%(what)s is not a number.") % {"what": what}) from None
    if not number.is_finite() or abs(number) >= _MAX_ABS:
        raise invalid(_("%(what)s is out of range.") % {"what": what})
    return number


def _text(value: str, limit: int, what: Promise, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(_("%(what)s is empty.") % {"what": what})
    if len(value) > limit:
        raise invalid(_("%(what)s is longer than %(n)s characters.") % {"what": what, "n": limit})
    return value


# A flat list of strings and None: no cycles to look for.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def content_hash(fields: list[object]) -> str:
    return hashlib.sha256(_ENCODE(fields).encode()).hexdigest()


def normalize(fact: FactInput) -> Normal:
    """Check one fact and bring it to the stored form; raises ValidationError."""
    event_key = _text(fact.event_key, MAX_KEY, EVENT_KEY, required=True)
    if fact.type not in TYPES:
        raise invalid(_("“%(type)s” is not a type of fact.") % {"type": fact.type})
    status = _text(fact.status, MAX_STATUS, STATUS).lower()
    allowed = STATUSES.get(fact.type)
    if allowed is not None and status not in allowed:
        raise invalid(
            _("A %(type)s fact's status is one of: %(allowed)s; not “%(status)s”.")
            % {"type": fact.type, "allowed": ", ".join(sorted(s or '""' for s in allowed)), "status": status}
        )
    occurred = fact.occurred_at
    if not isinstance(occurred, datetime) or occurred.tzinfo is None or occurred.utcoffset() is None:
        raise invalid(_("The time of the activity must carry a time zone."))
    identity = (fact.actor.kind, normalize_identity(fact.actor.kind, fact.actor.value))
    occurred_at = occurred.astimezone(UTC)
    value = _decimal(fact.value, VALUE)
    max_value = _decimal(fact.max_value, MAXIMUM)
    object_id = _text(fact.object_id, MAX_TEXT, OBJECT, required=True)
    object_name = (fact.object_name or "").strip()[:MAX_TEXT]  # a display name is only shown
    course = _text(fact.course, MAX_TEXT, COURSE)
    # The display name of the person is not content: a renamed learner is the same fact.
    digest = content_hash(
        [
            fact.type,
            *identity,
            object_id,
            object_name,
            course,
            None if value is None else str(value),
            None if max_value is None else str(max_value),
            status,
            occurred_at.isoformat(),
        ]
    )
    return Normal(
        event_key=event_key,
        type=fact.type,
        identity=identity,
        name=(fact.actor.name or "").strip()[:MAX_NAME],
        object_id=object_id,
        object_name=object_name,
        course=course,
        value=value,
        max_value=max_value,
        status=status,
        occurred_at=occurred_at,
        content_hash=digest,
    )


def normalize_all(facts: list[FactInput] | tuple[FactInput, ...]) -> list[Normal]:
    """Every fact normalized; the first bad one fails them all, naming its position."""
    normals: list[Normal] = []
    for index, fact in enumerate(facts):
        try:
            normals.append(normalize(fact))
        except ValidationError as error:
            raise invalid(" ".join(error.messages), index) from None
    return normals
