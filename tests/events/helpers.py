"""A badge and an award to count events against."""

from datetime import date

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.models import Award
from laurel.events.models import DailyCount
from laurel.orgs.models import Organization, Recipient
from laurel.test import BaseTestCase

DAY = date(2025, 5, 14)


def make_award(org: Organization, slug: str = "python-basics") -> Award:
    achievement = Achievement.objects.create(org=org, slug=slug)
    version = AchievementVersion.objects.create(
        achievement=achievement, number=1, name_ko="파이썬 기초", name_en="Python basics"
    )
    recipient = Recipient.objects.create(org=org, email=f"{slug}@student.example", name="정학생")
    return Award.objects.create(
        org=org, achievement=achievement, version=version, recipient=recipient, issued_on=DAY
    )


class EventsTestCase(BaseTestCase):
    award: Award

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.award = make_award(cls.org)

    def counts(self, **filters: object) -> list[tuple[str, str, int]]:
        rows = DailyCount.objects.filter(**filters).order_by("kind", "detail")
        return [(row.kind, row.detail, row.count) for row in rows]
