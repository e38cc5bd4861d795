"""Creating, editing and archiving badge definitions.

A version that has been awarded is never changed again: credentials point at it.
Editing such a badge makes version N+1 and points the badge at it.
"""

import secrets
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from laurel.achievements.forms import VERSION_FIELDS, AchievementData, validate_achievement
from laurel.achievements.images import store_prepared
from laurel.achievements.models import Achievement, AchievementVersion
from laurel.audit.actions import record
from laurel.core.actor import Actor
from laurel.orgs.models import Organization

SLUG_MAX = 80


def content_of(version: AchievementVersion) -> dict[str, Any]:
    """The fields an edit can change, as JSON for the audit log and change detection."""
    content = {name: getattr(version, name) for name in VERSION_FIELDS}
    content["design"] = version.design
    content["image"] = version.image.sha256 if version.image_id else None
    content["image_png"] = version.image_png.sha256 if version.image_png_id else None
    return content


def unique_slug(org: Organization, wanted: str, name_en: str, exclude: Achievement | None = None) -> str:
    base = (wanted or slugify(name_en)[: SLUG_MAX - 8].strip("-") or f"badge-{secrets.token_hex(3)}")[
        :SLUG_MAX
    ]
    taken = set(Achievement.objects.filter(org=org, slug__startswith=base).values_list("slug", flat=True))
    if exclude is not None:
        taken.discard(exclude.slug)
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base[: SLUG_MAX - 6]}-{counter}"
        counter += 1
    return slug


def apply(version: AchievementVersion, data: AchievementData) -> None:
    values = asdict(data)
    for name in VERSION_FIELDS:
        setattr(version, name, values[name])
    if data.image is not None:
        version.image, version.image_png = store_prepared(data.image)
        version.design = dict(data.image.design)


def create_achievement(
    actor: Actor, org: Organization, data: AchievementData | Mapping[str, Any]
) -> Achievement:
    """Create a badge with version 1. A plain dict is validated first (AchievementInvalid)."""
    if not isinstance(data, AchievementData):
        data = validate_achievement(data, org=org)
    with transaction.atomic():
        achievement = Achievement.objects.create(org=org, slug=unique_slug(org, data.slug, data.name_en))
        version = AchievementVersion(achievement=achievement, number=1, created_by=actor.user)
        apply(version, data)
        version.save()
        achievement.current_version = version
        achievement.save(update_fields=["current_version"])
        record(
            actor,
            org,
            "achievement.create",
            achievement,
            summary=version.name_en or version.name_ko,
            after={"slug": achievement.slug, **content_of(version)},
        )
    return achievement


def update_achievement(
    actor: Actor, achievement: Achievement, data: AchievementData | Mapping[str, Any]
) -> AchievementVersion:
    """Change the badge's content: in place while unawarded, else as a new version.

    Returns the current version afterwards (unchanged when nothing differs).
    A plain dict is validated first and raises AchievementInvalid.
    """
    if not isinstance(data, AchievementData):
        data = validate_achievement(data, org=achievement.org, achievement=achievement)
    with transaction.atomic():
        # The lock makes concurrent edits queue up instead of both creating version N+1.
        achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
        current = AchievementVersion.objects.get(pk=achievement.current_version_id)
        before = {"slug": achievement.slug, **content_of(current)}
        slug = unique_slug(achievement.org, data.slug or achievement.slug, data.name_en, exclude=achievement)
        if current.awards.exists():
            number = (achievement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = AchievementVersion(achievement=achievement, number=number, created_by=actor.user)
            for name in ("image", "image_png", "design"):
                setattr(version, name, getattr(current, name))
        else:
            version = current
        apply(version, data)
        after = {"slug": slug, **content_of(version)}
        if after == before:
            return current
        version.save()
        achievement.slug = slug
        achievement.current_version = version
        achievement.save(update_fields=["slug", "current_version"])
        changed = sorted(key for key in after if after[key] != before.get(key))
        record(
            actor,
            achievement.org,
            "achievement.update" if version.pk == current.pk else "achievement.new_version",
            achievement,
            summary=f"v{version.number}: {', '.join(changed)}",
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return version


def archive_achievement(actor: Actor, achievement: Achievement) -> None:
    """Hide the badge from awarding; its pages and credentials keep working."""
    with transaction.atomic():
        updated = Achievement.objects.filter(pk=achievement.pk, archived_at__isnull=True).update(
            archived_at=timezone.now()
        )
        if updated:
            achievement.refresh_from_db(fields=["archived_at"])
            record(actor, achievement.org, "achievement.archive", achievement, summary=achievement.slug)


def unarchive_achievement(actor: Actor, achievement: Achievement) -> None:
    with transaction.atomic():
        updated = Achievement.objects.filter(pk=achievement.pk, archived_at__isnull=False).update(
            archived_at=None
        )
        if updated:
            achievement.archived_at = None
            record(actor, achievement.org, "achievement.unarchive", achievement, summary=achievement.slug)
