"""Badges and awards made straight through the ORM, as the brief for this app asks."""

import datetime

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from laurel.achievements.models import Achievement, AchievementVersion, ImageAsset
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.orgs.models import Organization, Recipient
from laurel.test import BaseTestCase

# A frozen moment in Seoul, so "today" and "the future" are fixed in every test.
NOW = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
TODAY = datetime.date(2025, 3, 10)


def make_achievement(
    org: Organization,
    slug: str,
    *,
    name_ko: str = "",
    name_en: str = "",
    validity_days: int | None = None,
    archived: bool = False,
    with_version: bool = True,
    **fields: object,
) -> Achievement:
    achievement = Achievement.objects.create(org=org, slug=slug)
    if with_version:
        version = AchievementVersion.objects.create(
            achievement=achievement,
            number=1,
            name_ko=name_ko,
            name_en=name_en,
            validity_days=validity_days,
            **fields,
        )
        achievement.current_version = version
    if archived:
        achievement.archived_at = NOW
    achievement.save()
    return achievement


def make_award(
    achievement: Achievement,
    email: str,
    name: str = "",
    *,
    issued_on: datetime.date = TODAY,
    **fields: object,
) -> Award:
    recipient, _ = Recipient.objects.get_or_create(org=achievement.org, email=email, defaults={"name": name})
    assert achievement.current_version is not None
    return Award.objects.create(
        org=achievement.org,
        achievement=achievement,
        version=achievement.current_version,
        recipient=recipient,
        issued_on=issued_on,
        **fields,
    )


def csv_file(data: bytes, name: str = "recipients.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def png_asset() -> ImageAsset:
    data = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    return ImageAsset.objects.create(sha256=ImageAsset.digest(data), content_type="image/png", data=data)


class AwardsTestCase(BaseTestCase):
    """The personas plus two badges of the Hanbit organization and one of another."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.python = make_achievement(cls.org, "python", name_ko="파이썬 기초", name_en="Python Basics")
        cls.safety = make_achievement(
            cls.org, "lab-safety", name_ko="실험실 안전", name_en="Lab Safety", validity_days=365
        )
        cls.foreign = make_achievement(cls.other_org, "foreign", name_en="Other Academy Badge")
        cls.actor = Actor(user=cls.teammate)

    def setUp(self) -> None:
        # Messages are asserted in English, whatever translations exist by then.
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
