"""Badges with real images and signed awards, for the public page and download tests."""

import datetime
import struct
import zlib

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from laurel.achievements.models import ImageAsset
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.test import BaseTestCase
from tests.awards.helpers import make_achievement, make_award

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
    b'<circle cx="32" cy="32" r="30" fill="#1b5e20"/></svg>'
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    # PNG chunk layout (PNG spec §5.3): length, type, data, CRC-32 of type and data.
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png() -> bytes:
    """A valid 1×1 opaque green PNG, written by hand from the PNG specification."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    pixels = zlib.compress(b"\x00\x1b\x5e\x20")  # filter byte 0, then one RGB pixel
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def asset(data: bytes, content_type: str) -> ImageAsset:
    return ImageAsset.objects.create(sha256=ImageAsset.digest(data), content_type=content_type, data=data)


class PublicTestCase(BaseTestCase):
    """A bilingual badge with an SVG image and its PNG rendering, one with only a Korean name."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.svg = asset(SVG, "image/svg+xml")
        cls.png = asset(tiny_png(), "image/png")
        cls.badge = make_achievement(
            cls.org,
            "design-thinking",
            name_ko="디자인 씽킹",
            name_en="Design Thinking",
            description_ko="문제를 정의하고 해결합니다.",
            description_en="Defines and solves problems.",
            criteria_ko="프로젝트 세 개를 마칩니다.",
            criteria_en="Finish three projects.",
            image=cls.svg,
            image_png=cls.png,
        )
        cls.korean_only = make_achievement(cls.org, "safety", name_ko="실험실 안전", image=cls.png)
        cls.actor = Actor(user=cls.teammate)

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def award(self, badge=None, **fields) -> Award:  # type: ignore[no-untyped-def]
        fields.setdefault("issued_on", datetime.date.today() - datetime.timedelta(days=1))
        return make_award(badge or self.badge, "hong@example.com", "홍길동", **fields)


def site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
