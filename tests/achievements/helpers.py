"""Badge definitions used across the achievements tests."""

from datetime import date
from typing import Any

from laurel.accounts.models import User
from laurel.achievements.actions import create_achievement
from laurel.achievements.forms import validate_achievement
from laurel.achievements.models import Achievement
from laurel.awards.models import Award
from laurel.core.actor import Actor
from laurel.orgs.models import Organization, Recipient


def badge_dict(**overrides: Any) -> dict[str, Any]:
    """A complete definition as the JSON API would send it."""
    data: dict[str, Any] = {
        "name_ko": "파이썬 기초",
        "name_en": "Python Basics",
        "description_ko": "파이썬 기초 과정을 마쳤습니다.",
        "description_en": "Completed the Python basics course.",
        "criteria_en": "Pass the **final** exam.",
        "achievement_type": "Badge",
        "tags": ["python"],
        "skills": ["Python"],
        "alt_text_ko": "파란 원형 배지",
        "alt_text_en": "A blue round badge",
        "design": {
            "shape": "circle",
            "primary": "#0b5cad",
            "secondary": "#ffffff",
            "icon": "star",
            "title": "파이썬",
        },
    }
    data.update(overrides)
    return data


def form_post(**overrides: str) -> dict[str, str]:
    """The editor's POST body for a complete definition."""
    data = {
        "name_ko": "파이썬 기초",
        "name_en": "Python Basics",
        "description_ko": "파이썬 기초 과정을 마쳤습니다.",
        "description_en": "Completed the Python basics course.",
        "criteria_ko": "",
        "criteria_en": "Pass the **final** exam.",
        "achievement_type": "Badge",
        "custom_type": "",
        "slug": "",
        "tags": "python",
        "skills": "Python",
        "validity_days": "",
        "evidence_description_ko": "",
        "evidence_description_en": "",
        "alt_text_ko": "파란 원형 배지",
        "alt_text_en": "A blue round badge",
        "image_source": "design",
        "image_sha256": "",
        "design-shape": "circle",
        "design-primary": "#0b5cad",
        "design-secondary": "#ffffff",
        "design-icon": "star",
        "design-title": "파이썬",
        "design-subtitle": "",
        "alignments-TOTAL_FORMS": "1",
        "alignments-INITIAL_FORMS": "0",
        "alignments-MIN_NUM_FORMS": "0",
        "alignments-MAX_NUM_FORMS": "20",
        "alignments-0-targetName": "",
        "alignments-0-targetUrl": "",
        "alignments-0-targetFramework": "",
        "alignments-0-targetCode": "",
        "alignments-0-targetType": "",
        "alignments-0-targetDescription": "",
        "save": "1",
    }
    data.update(overrides)
    return data


def make_badge(org: Organization, user: User, **overrides: Any) -> Achievement:
    return create_achievement(Actor(user), org, validate_achievement(badge_dict(**overrides), org=org))


def award(achievement: Achievement, email: str = "student@hanbit.example") -> Award:
    recipient, _created = Recipient.objects.get_or_create(
        org=achievement.org, email=email, defaults={"name": "학생"}
    )
    assert achievement.current_version is not None
    return Award.objects.create(
        org=achievement.org,
        achievement=achievement,
        version=achievement.current_version,
        recipient=recipient,
        issued_on=date(2025, 3, 1),
    )
