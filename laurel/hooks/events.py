"""The JSON each endpoint receives for an event: Standard Webhooks' ``{"type", "timestamp",
"data"}``, or for an LRS an xAPI "achieved" statement.

Built once, when the event happens, and kept as the exact bytes every attempt sends.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from laurel.achievements.models import Achievement, AchievementVersion
from laurel.awards.models import Award
from laurel.orgs.models import Recipient
from laurel.rules import explain
from laurel.rules.evaluate import from_json
from laurel.rules.models import AwardState
from laurel.rules.queries import badge_names, criteria_of

ACHIEVED = "http://adlnet.gov/expapi/verbs/achieved"
BADGE_ACTIVITY = "http://activitystrea.ms/schema/1.0/badge"
# Statement ids derive from the award, so however often one is queued the LRS sees one statement.
STATEMENT_NAMESPACE = uuid.UUID("4f5c3a6e-9b1d-5e2a-8c7f-1d2e3f405162")


@dataclass(frozen=True)
class Event:
    type: str
    when: datetime
    data: dict[str, Any]


def _instant(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def body(event: Event) -> str:
    return _dumps({"type": event.type, "timestamp": _instant(event.when), "data": event.data})


def statement(event: Event) -> str:
    """The xAPI 1.0.3 statement "<learner> achieved <badge>" for an award.issued event."""
    award, badge, recipient = event.data["award"], event.data["badge"], event.data["recipient"]
    names = {
        tag: badge["name"][lang] for tag, lang in (("ko-KR", "ko"), ("en-US", "en")) if badge["name"][lang]
    }
    activity: dict[str, Any] = {"type": BADGE_ACTIVITY}
    if names:
        activity["name"] = names
    actor: dict[str, Any] = {"objectType": "Agent", "mbox": f"mailto:{recipient['email']}"}
    if recipient["name"]:
        actor["name"] = recipient["name"]
    document = {
        "id": str(uuid.uuid5(STATEMENT_NAMESPACE, award["id"])),
        "actor": actor,
        "verb": {"id": ACHIEVED, "display": {"en-US": "achieved", "ko-KR": "달성함"}},
        "object": {"objectType": "Activity", "id": badge["url"], "definition": activity},
        "context": {"platform": "Laurel", "extensions": {"https://w3id.org/laurel/xapi/award": award["url"]}},
        "timestamp": _instant(event.when),
    }
    return _dumps(document)


def _badge(achievement: Achievement, version: AchievementVersion | None) -> dict[str, Any]:
    return {
        "id": str(achievement.public_id),
        "slug": achievement.slug,
        "name": {"ko": version.name_ko if version else "", "en": version.name_en if version else ""},
        "version": version.number if version else None,
        "url": settings.SITE_URL + reverse("achievements_public:achievement", args=[achievement.public_id]),
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
        data["award"]["revoked_at"] = _instant(award.revoked_at)
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
        "summary": progress_summary(state),
        "award": state.award.public_id if state.award_id and state.award else None,
        "evaluated_at": _instant(state.evaluated_at) if state.evaluated_at else None,
    }


def progress_summary(state: AwardState) -> dict[str, str]:
    """The learner's progress in words, in Korean and English, as their progress page says it."""
    if state.rule is None or not state.progress:
        return {"ko": "", "en": ""}
    progress = from_json(state.progress, criteria_of(state.rule).root)
    summary = {}
    for language in ("ko", "en"):
        with translation.override(language):
            summary[language] = explain.summary(progress, badge_names(state.org_id))
    return summary
