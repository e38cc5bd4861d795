"""Distinct Open Badges 3.0 credentials for the benchmarks, built with ``laurel.vc.ob3``.

Every credential differs from every other in its id, recipient, dates and text (Korean or
English), so no cache keyed on document content can serve a result twice.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from laurel.vc import ob3

_KO_NAMES = ("김민준", "이서연", "박지호", "최하은", "정도윤", "강수아", "윤예준", "한지유")
_EN_NAMES = ("Ada Park", "Ben Kim", "Chloe Lee", "Dan Choi", "Eve Jung", "Finn Kang", "Grace Yoon")
_KO_BADGES = ("파이썬 기초", "데이터 분석 입문", "웹 접근성", "공개 소프트웨어 기여", "머신러닝 실습")
_EN_BADGES = ("Python Basics", "Intro to Data Analysis", "Web Accessibility", "Open Source Contributor")
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _text(rng: random.Random, language: str, serial: int) -> tuple[str, str, str]:
    """Badge name, description and criteria narrative in one language, numbered to stay unique."""
    if language == "ko":
        badge = rng.choice(_KO_BADGES)
        return (
            f"{badge} {serial}기",
            f"{badge} 과정을 {rng.randint(4, 16)}주 동안 이수했습니다.",
            f"과제 {rng.randint(3, 9)}개를 제출하고 평가에서 {rng.randint(60, 100)}점 이상을 받는다.",
        )
    badge = rng.choice(_EN_BADGES)
    return (
        f"{badge} cohort {serial}",
        f"Completed the {badge} course over {rng.randint(4, 16)} weeks.",
        f"Submit {rng.randint(3, 9)} assignments and score at least {rng.randint(60, 100)}.",
    )


def credential(rng: random.Random, serial: int) -> dict[str, Any]:
    """One unsigned OpenBadgeCredential, random but reproducible from ``rng``."""
    language = "ko" if serial % 2 == 0 else "en"
    name, description, narrative = _text(rng, language, serial)
    host = f"https://badges{rng.randint(1, 99)}.example.kr"
    achievement_id = f"{host}/achievements/{uuid.UUID(int=rng.getrandbits(128))}"
    issued = _EPOCH + timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
    recipient_name = rng.choice(_KO_NAMES if language == "ko" else _EN_NAMES)
    return ob3.build_credential(
        credential_id=f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}",
        issuer=ob3.IssuerProfile(
            id=f"{host}/issuers/{rng.randint(1, 10**6)}",
            name="한빛 대학교" if language == "ko" else "Hanbit University",
            url=host,
        ),
        achievement=ob3.AchievementInfo(
            id=achievement_id,
            name=name,
            description=description,
            criteria=ob3.Criteria(narrative=narrative),
            achievement_type=rng.choice(("Badge", "Certificate", "Course", "Competency")),
            in_language=language,
            tags=(name.split()[0], f"tag-{rng.randint(1, 10**6)}"),
        ),
        recipient=ob3.Recipient(
            email=f"learner{rng.randint(1, 10**9)}@example.kr",
            salt=f"{rng.getrandbits(64):016x}",
            name=f"{recipient_name} {serial}",
        ),
        name=name,
        valid_from=issued,
        valid_until=issued + timedelta(days=rng.randint(365, 5 * 365)),
        awarded_date=issued,
        evidence=[ob3.Evidence(id=f"{host}/evidence/{rng.getrandbits(48):x}", name=f"{name} evidence")],
    )


def credentials(count: int, seed: int | None = None) -> list[dict[str, Any]]:
    """``count`` distinct credentials, half Korean and half English."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    documents = [credential(rng, serial) for serial in range(count)]
    if len({document["id"] for document in documents}) != count:
        raise RuntimeError("generated credential ids collided")
    return documents
