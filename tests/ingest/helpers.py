"""Sources, recipients and facts for the ingestion tests."""

import datetime
from decimal import Decimal

from laurel.achievements.models import Achievement
from laurel.core.actor import Actor
from laurel.ingest.facts import FactInput, Identity
from laurel.ingest.models import Source
from laurel.ingest.sources import create_source
from laurel.orgs.models import Recipient
from laurel.test import BaseTestCase

UTC = datetime.UTC
T0 = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def grade(
    key: str,
    who: str = "hong@example.com",
    value: str | None = "80",
    *,
    kind: str = "email",
    obj: str = "quiz-1",
    course: str = "CS101",
    minutes: int = 0,
    type: str = "grade",
    status: str = "",
    max_value: str | None = "100",
    name: str = "",
) -> FactInput:
    return FactInput(
        event_key=key,
        type=type,
        actor=Identity(kind, who, name),
        object_id=obj,
        occurred_at=at(minutes),
        course=course,
        value=None if value is None else Decimal(value),
        max_value=None if max_value is None else Decimal(max_value),
        status=status,
    )


class IngestTestCase(BaseTestCase):
    source: Source
    hong: Recipient
    lee: Recipient

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.actor = Actor(user=cls.owner, via="web")
        cls.source, _lines = create_source(cls.actor, cls.org, "xapi", "Moodle")
        cls.hong = Recipient.objects.create(
            org=cls.org, email="hong@example.com", name="홍길동", student_id="2025001"
        )
        cls.lee = Recipient.objects.create(
            org=cls.org, email="lee@example.com", name="Lee", student_id="2025002"
        )
        cls.safety = Achievement.objects.create(org=cls.org, slug="safety")
        cls.python = Achievement.objects.create(org=cls.org, slug="python")
