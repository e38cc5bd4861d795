"""Facts and rules for the criteria engine's tests."""

import datetime
import itertools
from decimal import Decimal
from typing import Any

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.ingest.facts import FactInput, Identity
from laurel.orgs.models import Organization
from laurel.rules.definition import Criteria, parse
from laurel.rules.evaluate import FactView
from tests.ingest.helpers import IngestTestCase

UTC = datetime.UTC
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = datetime.datetime(2026, 7, 1, 0, 0, tzinfo=UTC)
_ids = itertools.count(1)


def at(days: float) -> datetime.datetime:
    return T0 + datetime.timedelta(days=days)


def fact(
    type: str,
    object_id: str,
    status: str = "",
    *,
    course: str = "CS101",
    days: float = 0,
    value: str | None = None,
    max_value: str | None = None,
    id: int | None = None,
    key: str = "",
) -> FactView:
    number = id if id is not None else next(_ids)
    return FactView(
        id=number,
        type=type,
        object_id=object_id,
        occurred_at=at(days),
        course=course,
        status=status,
        value=None if value is None else Decimal(value),
        max_value=None if max_value is None else Decimal(max_value),
        event_key=key or f"e{number}",
    )


def rule(criteria: dict[str, Any], **top: Any) -> Criteria:
    return parse({"criteria": criteria, **top}, UTC)


def sessions(statuses: str, course: str = "CS101") -> list[FactView]:
    """Attendance from a string: P present, L late, A absent, E excused; one session a day."""
    names = {"P": "present", "L": "late", "A": "absent", "E": "excused"}
    return [fact("attendance", f"s{n + 1}", names[c], course=course, days=n) for n, c in enumerate(statuses)]


class RulesTestCase(IngestTestCase):
    """The ingestion personas (a source, learners hong and lee) with badges that have versions."""

    badge: Achievement
    intro: Achievement

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.badge = make_badge(cls.org, "data-analysis", "데이터 분석", "Data Analysis")
        cls.intro = make_badge(cls.org, "intro", "입문", "Introduction")


def make_badge(org: Organization, slug: str, name_ko: str, name_en: str, **fields: Any) -> Achievement:
    achievement = Achievement.objects.create(org=org, slug=slug)
    version = AchievementVersion.objects.create(
        achievement=achievement, number=1, name_ko=name_ko, name_en=name_en, **fields
    )
    achievement.current_version = version
    achievement.save(update_fields=["current_version"])
    return achievement


def submitted(
    key: str, item: str, who: str = "hong@example.com", *, days: int = 0, status: str = "submitted"
) -> FactInput:
    return FactInput(
        event_key=key,
        type="submission",
        actor=Identity("email", who),
        object_id=item,
        course="CS101",
        occurred_at=at(days),
        status=status,
    )
