"""The JSON of each event: Standard Webhooks' ``{"type", "timestamp", "data"}``.

Built once, when the event happens, and kept as the exact bytes every attempt sends.
"""

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.models import Award
from laurel.orgs.models import Recipient
from laurel.rules.models import AwardState


def body(event_type: str, when: datetime, data: dict[str, Any]) -> str:
    document = {"type": event_type, "timestamp": when.isoformat().replace("+00:00", "Z"), "data": data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _badge(achievement: Achievement, version: AchievementVersion | None) -> dict[str, Any]:
    return {
        "id": str(achievement.public_id),
        "slug": achievement.slug,
        "name": {"ko": version.name_ko if version else "", "en": version.name_en if version else ""},
        "version": version.number if version else None,
    }


def _recipient(recipient: Recipient) -> dict[str, Any]:
    return {
        "id": str(recipient.public_id),
        "email": recipient.email,
        "name": recipient.name,
        "student_id": recipient.student_id,
    }


def award_data(award: Award) -> dict[str, Any]:
    data: dict[str, Any] = {
        "award": {
            "id": award.public_id,
            "url": settings.SITE_URL + reverse("awards_public:award", args=[award.public_id]),
            "issued_on": award.issued_on.isoformat(),
            "expires_on": award.expires_on.isoformat() if award.expires_on else None,
            "source": award.source,
        },
        "badge": _badge(award.achievement, award.version),
        "recipient": _recipient(award.recipient),
        "organization": award.org.slug,
    }
    if award.revoked_at is not None:
        data["award"]["revoked_at"] = award.revoked_at.isoformat().replace("+00:00", "Z")
        data["award"]["revocation_reason"] = award.revocation_reason
    return data


def progress_data(state: AwardState) -> dict[str, Any]:
    achievement = state.achievement
    return {
        "badge": _badge(achievement, achievement.current_version),
        "recipient": _recipient(state.recipient),
        "organization": achievement.org.slug,
        "state": state.state,
        "met": state.met,
        "progress": state.progress,
        "award": state.award.public_id if state.award_id and state.award else None,
        "evaluated_at": state.evaluated_at.isoformat().replace("+00:00", "Z") if state.evaluated_at else None,
    }
