"""Counting events: one atomic increment of a daily counter, nothing about the visitor."""

import datetime
import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from laurel.achievements.models import Achievement
from laurel.awards.models import Award, local_today
from laurel.events.bots import is_bot
from laurel.events.models import DailyCount, Kind
from laurel.orgs.models import Organization

logger = logging.getLogger(__name__)

VERIFICATION_RESULTS = frozenset({"valid", "invalid"})
DOWNLOAD_FORMATS = frozenset({"json", "jwt", "png", "svg", "pdf"})
_CHANNEL = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
# The query parameter that marks a visit as coming from the page's QR code.
QR_SOURCE = ("src", "qr")
# Two concurrent first hits can both miss the update and race to create; the loser
# retries once and then finds the winner's row. A third miss means something else is wrong.
_ATTEMPTS = 3


class InvalidEvent(ValueError):
    """An event whose kind or detail Laurel does not count."""


def check_detail(kind: str, detail: str) -> None:
    """Raise InvalidEvent unless `detail` is allowed for `kind`."""
    if kind not in Kind.values:
        raise InvalidEvent(f"unknown event kind {kind!r}")
    if kind == Kind.VERIFICATION:
        allowed = detail in VERIFICATION_RESULTS
    elif kind == Kind.DOWNLOAD:
        allowed = detail in DOWNLOAD_FORMATS
    elif kind == Kind.SHARE_CLICK:
        allowed = _CHANNEL.fullmatch(detail) is not None
    else:
        allowed = detail == ""
    if not allowed:
        raise InvalidEvent(f"detail {detail!r} is not allowed for {kind} events")


def _increment(fields: dict[str, object]) -> None:
    for _attempt in range(_ATTEMPTS):
        if DailyCount.objects.filter(**fields).update(count=F("count") + 1):
            return
        try:
            with transaction.atomic():
                DailyCount.objects.create(count=1, **fields)
            return
        except IntegrityError:
            continue
    raise DatabaseError(f"could not count event {fields!r}")


def record_event(
    kind: str,
    *,
    org: Organization,
    award: Award | None = None,
    achievement: Achievement | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
    day: datetime.date | None = None,
) -> bool:
    """Add one to today's counter for this event; False when it was not counted.

    Requests from robots are not counted. A database failure is logged and swallowed:
    a page or a verification must never fail because a statistic could not be written.
    An unknown kind or detail is a programming error and raises InvalidEvent.
    """
    check_detail(kind, detail)
    if award is not None and award.org_id != org.pk:
        raise InvalidEvent(f"award {award.public_id} does not belong to organization {org.slug}")
    if request is not None and is_bot(request):
        return False
    fields: dict[str, object] = {
        "org": org,
        "award": award,
        # Dashboards group by badge: an award's event counts for its achievement too.
        "achievement_id": achievement.pk if achievement else (award.achievement_id if award else None),
        "kind": kind,
        "detail": detail,
        "day": day or local_today(),
    }
    try:
        # A savepoint, so a failure here leaves the caller's transaction usable.
        with transaction.atomic():
            _increment(fields)
    except DatabaseError:
        logger.exception("could not record a %s event", kind)
        return False
    return True


def record_page_view(
    request: HttpRequest,
    *,
    org: Organization,
    award: Award | None = None,
    achievement: Achievement | None = None,
) -> None:
    """Count a view of a public page, and a QR scan when the visit came from its QR code."""
    record_event(Kind.PAGE_VIEW, org=org, award=award, achievement=achievement, request=request)
    name, value = QR_SOURCE
    if request.GET.get(name) == value:
        record_event(Kind.QR_SCAN, org=org, award=award, achievement=achievement, request=request)


def qr_link(url: str) -> str:
    """`url` marked as reached through a QR code, for the code printed on a page."""
    parts = urlsplit(url)
    query = [pair for pair in parse_qsl(parts.query, keep_blank_values=True) if pair[0] != QR_SOURCE[0]]
    query.append(QR_SOURCE)
    return urlunsplit(parts._replace(query=urlencode(query)))
